//! Decoding YAML into helmfile's Go structs (go-yaml v2 rules, strict field
//! names), mergo's two merge modes, and the struct-ordered YAML of `build`.

use std::collections::BTreeMap;

use goyaml::Value as Yaml;

use crate::schema::{
    is_empty, Fv, Rec, Schema, Ty, INHERIT, SUBHELMFILE_MARSHALLED, SUBHELMFILE_SPEC,
};

/// A YAML scalar as go-yaml v2 stores it into a Go `string` field.
pub(crate) fn scalar_text(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Int(i) => Some(i.to_string()),
        Yaml::Uint(u) => Some(u.to_string()),
        Yaml::Float(f) => Some(goyaml::floatfmt::format_float(*f, b'g', 64)),
        Yaml::Bool(b) => Some(b.to_string()),
        Yaml::Null | Yaml::Seq(_) | Yaml::Map(_) => None,
    }
}

fn kind_name(v: &Yaml) -> &'static str {
    match v {
        Yaml::Null => "!!null",
        Yaml::Bool(_) => "!!bool",
        Yaml::Int(_) | Yaml::Uint(_) => "!!int",
        Yaml::Float(_) => "!!float",
        Yaml::String(_) => "!!str",
        Yaml::Seq(_) => "!!seq",
        Yaml::Map(_) => "!!map",
    }
}

fn cannot(v: &Yaml, go: &str) -> String {
    let text = scalar_text(v)
        .map(|t| format!(" `{t}`"))
        .unwrap_or_default();
    format!("cannot unmarshal {}{} into {}", kind_name(v), text, go)
}

/// Decodes a mapping into `schema`; `strict` rejects unknown fields as
/// helmfile's strict decoder does.
pub(crate) fn decode(
    v: &Yaml,
    schema: &'static Schema,
    strict: bool,
    text: Text,
) -> Result<Rec, String> {
    let mut rec = Rec::default();
    let pairs = match v {
        Yaml::Null => return Ok(rec),
        Yaml::Map(p) => p,
        other => return Err(cannot(other, schema.go_name)),
    };
    for (k, val) in pairs {
        let key = scalar_text(k).unwrap_or_default();
        let Some(def) = schema.field(&key) else {
            if strict {
                return Err(format!("field {key} not found in type {}", schema.go_name));
            }
            continue;
        };
        if let Some(fv) = decode_field(val, def.ty, strict, text_get(text, &key))? {
            rec.set(def.key, fv);
        }
    }
    Ok(rec)
}

/// A Go `string` field: go-yaml v2 stores the scalar's own text.
fn string_of(v: &Yaml, text: Text) -> Option<String> {
    match (v, text) {
        (Yaml::String(s), _) => Some(s.clone()),
        (_, Some(TextNode::Scalar(t))) => Some(t.clone()),
        _ => scalar_text(v),
    }
}

fn decode_field(v: &Yaml, ty: Ty, strict: bool, text: Text) -> Result<Option<Fv>, String> {
    if matches!(v, Yaml::Null) {
        return Ok(None);
    }
    let fv = match ty {
        Ty::Str | Ty::PtrStr => Fv::Str(string_of(v, text).ok_or_else(|| cannot(v, "string"))?),
        Ty::Bool | Ty::PtrBool => match v {
            Yaml::Bool(b) => Fv::Bool(*b),
            other => return Err(cannot(other, "bool")),
        },
        Ty::Int | Ty::PtrInt => match v {
            Yaml::Int(i) => Fv::Int(*i),
            Yaml::Uint(u) => Fv::Int(i64::try_from(*u).map_err(|_| cannot(v, "int"))?),
            Yaml::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Fv::Int(*f as i64),
            other => return Err(cannot(other, "int")),
        },
        Ty::Strs => Fv::Strs(
            seq(v, "[]string")?
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    string_of(item, text_at(text, i)).ok_or_else(|| cannot(item, "string"))
                })
                .collect::<Result<_, _>>()?,
        ),
        Ty::Anys => Fv::Anys(seq(v, "[]interface {}")?.to_vec()),
        Ty::StrMap => {
            let mut m = BTreeMap::new();
            for (k, val) in map(v, "map[string]string")? {
                let key = scalar_text(k).unwrap_or_default();
                let value = match val {
                    Yaml::Null => String::new(),
                    other => string_of(other, text_get(text, &key))
                        .ok_or_else(|| cannot(other, "string"))?,
                };
                m.insert(key, value);
            }
            Fv::StrMap(m)
        }
        Ty::Obj(schema) => Fv::Obj(decode(v, schema, strict, text)?),
        Ty::Objs(schema) => {
            let single = matches!(v, Yaml::Map(_)) && std::ptr::eq(schema, &INHERIT);
            let items = if single {
                std::slice::from_ref(v)
            } else {
                seq(v, &format!("[]{}", schema.go_name))?
            };
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let item_text = if single { text } else { text_at(text, i) };
                out.push(decode_item(item, schema, strict, item_text)?);
            }
            Fv::Objs(out)
        }
        Ty::ObjMap(schema) => {
            let mut m = BTreeMap::new();
            for (k, val) in map(v, &format!("map[string]{}", schema.go_name))? {
                let key = scalar_text(k).unwrap_or_default();
                let rec = decode(val, schema, strict, text_get(text, &key))?;
                m.insert(key, rec);
            }
            Fv::ObjMap(m)
        }
    };
    Ok(Some(fv))
}

fn decode_item(
    item: &Yaml,
    schema: &'static Schema,
    strict: bool,
    text: Text,
) -> Result<Rec, String> {
    if std::ptr::eq(schema, &SUBHELMFILE_SPEC) {
        return decode_subhelmfile(item, strict, text);
    }
    decode(item, schema, strict, text)
}

/// `SubHelmfileSpec.UnmarshalYAML`: a path, or a mapping with the
/// environment values inlined.
fn decode_subhelmfile(item: &Yaml, strict: bool, text: Text) -> Result<Rec, String> {
    let mut rec = Rec::default();
    match item {
        Yaml::String(s) => rec.set("path", Fv::Str(s.clone())),
        Yaml::Map(pairs) => {
            let mut env = Rec::default();
            for (k, val) in pairs {
                let key = scalar_text(k).unwrap_or_default();
                let (target, def, ty): (&mut Rec, &'static str, Ty) = match key.as_str() {
                    "values" => (&mut env, "values", Ty::Anys),
                    "path" => (&mut rec, "path", Ty::Str),
                    "selectors" => (&mut rec, "selectors", Ty::Strs),
                    "selectorsInherited" => (&mut rec, "selectorsInherited", Ty::Bool),
                    _ if strict => {
                        return Err(format!("field {key} not found in type struct"));
                    }
                    _ => continue,
                };
                if let Some(fv) = decode_field(val, ty, strict, text_get(text, &key))? {
                    target.set(def, fv);
                }
            }
            if !env.vals.is_empty() {
                rec.set("environment", Fv::Obj(env));
            }
            if rec.vals.contains_key("selectors") && rec.str("path").is_empty() {
                return Err(format!(
                    "found 'selectors' definition without path: {:?}",
                    rec.strs("selectors")
                ));
            }
        }
        _ => {}
    }
    Ok(rec)
}

/// The scalar texts of a YAML document, laid out like its decoded value
/// (aliases followed, merge keys applied), so that string fields keep the
/// text go-yaml v2 stores in them (`1.10`, `y`, `0x1F`).
#[derive(Debug)]
pub(crate) enum TextNode {
    Scalar(String),
    Seq(Vec<TextNode>),
    Map(Vec<(String, TextNode)>),
}

pub(crate) type Text<'a> = Option<&'a TextNode>;

fn text_get<'a>(text: Text<'a>, key: &str) -> Text<'a> {
    match text {
        Some(TextNode::Map(pairs)) => pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

fn text_at(text: Text<'_>, i: usize) -> Text<'_> {
    match text {
        Some(TextNode::Seq(items)) => items.get(i),
        _ => None,
    }
}

/// The [`TextNode`] tree of a node.
pub(crate) fn text_tree(doc: &goyaml::Document, id: goyaml::NodeId, depth: usize) -> TextNode {
    use goyaml::NodeKind;
    let Some(node) = doc.resolve_alias(id) else {
        return TextNode::Seq(Vec::new());
    };
    if depth > goyaml::tree::MAX_DEPTH {
        return TextNode::Seq(Vec::new());
    }
    match &node.kind {
        NodeKind::Scalar { value, .. } => TextNode::Scalar(value.clone()),
        NodeKind::Sequence { items, .. } => TextNode::Seq(
            items
                .iter()
                .map(|i| text_tree(doc, *i, depth + 1))
                .collect(),
        ),
        NodeKind::Mapping { pairs, .. } => {
            let mut explicit: Vec<(String, TextNode)> = Vec::new();
            let mut merged: Vec<(String, TextNode)> = Vec::new();
            for (k, v) in pairs {
                let key = doc.scalar(*k).unwrap_or("").to_string();
                if key == "<<" {
                    let sources = match text_tree(doc, *v, depth + 1) {
                        TextNode::Seq(items) => items,
                        one => vec![one],
                    };
                    for source in sources {
                        if let TextNode::Map(p) = source {
                            merged.extend(p);
                        }
                    }
                } else {
                    explicit.push((key, text_tree(doc, *v, depth + 1)));
                }
            }
            merged.retain(|(k, _)| !explicit.iter().any(|(e, _)| e == k));
            merged.extend(explicit);
            TextNode::Map(merged)
        }
        NodeKind::Alias { .. } => TextNode::Seq(Vec::new()),
    }
}

fn seq<'a>(v: &'a Yaml, go: &str) -> Result<&'a [Yaml], String> {
    match v {
        Yaml::Seq(items) => Ok(items),
        other => Err(cannot(other, go)),
    }
}

fn map<'a>(v: &'a Yaml, go: &str) -> Result<&'a [(Yaml, Yaml)], String> {
    match v {
        Yaml::Map(pairs) => Ok(pairs),
        other => Err(cannot(other, go)),
    }
}

/// `mergo.Merge(dst, src, mergo.WithOverride)`.
pub(crate) fn merge_override(dst: &mut Rec, src: &Rec, schema: &Schema) {
    for (key, sv) in &src.vals {
        let Some(def) = schema.field(key) else {
            continue;
        };
        if is_empty(def.ty, sv) {
            continue;
        }
        match (def.ty, dst.vals.get_mut(key), sv) {
            (Ty::Obj(s), Some(Fv::Obj(d)), Fv::Obj(sr)) => merge_override(d, sr, s),
            (_, Some(Fv::StrMap(d)), Fv::StrMap(sm)) => {
                d.extend(sm.iter().map(|(k, v)| (k.clone(), v.clone())))
            }
            (_, Some(Fv::ObjMap(d)), Fv::ObjMap(sm)) => {
                d.extend(sm.iter().map(|(k, v)| (k.clone(), v.clone())))
            }
            _ => dst.set(def.key, sv.clone()),
        }
    }
}

/// `mergo.Merge(dst, src, mergo.WithAppendSlice)`: empty fields are filled,
/// slices appended, maps gain missing keys.
pub(crate) fn merge_append(dst: &mut Rec, src: &Rec, schema: &Schema) {
    for (key, sv) in &src.vals {
        let Some(def) = schema.field(key) else {
            continue;
        };
        let dst_empty = dst.vals.get(key).is_none_or(|d| is_empty(def.ty, d));
        if dst_empty {
            if !is_empty(def.ty, sv) || !dst.vals.contains_key(key) {
                dst.set(def.key, sv.clone());
            }
            continue;
        }
        match (def.ty, dst.vals.get_mut(key), sv) {
            (Ty::Obj(s), Some(Fv::Obj(d)), Fv::Obj(sr)) => merge_append(d, sr, s),
            (_, Some(Fv::Strs(d)), Fv::Strs(s)) => d.extend(s.iter().cloned()),
            (_, Some(Fv::Anys(d)), Fv::Anys(s)) => d.extend(s.iter().cloned()),
            (_, Some(Fv::Objs(d)), Fv::Objs(s)) => d.extend(s.iter().cloned()),
            (_, Some(Fv::StrMap(d)), Fv::StrMap(sm)) => {
                for (k, v) in sm {
                    d.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            (_, Some(Fv::ObjMap(d)), Fv::ObjMap(sm)) => {
                for (k, v) in sm {
                    d.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
            _ => {}
        }
    }
}

/// mergo with `WithOverride` and `WithAppendSlice`, as release template
/// inheritance behaves: non-empty values replace (a pointer counts as empty
/// when it points at a zero value), slices are appended, maps merged by key.
pub(crate) fn merge_inherit(dst: &mut Rec, src: &Rec, schema: &Schema) {
    for (key, sv) in &src.vals {
        let Some(def) = schema.field(key) else {
            continue;
        };
        let pointee_empty = match sv {
            Fv::Bool(b) => !b,
            Fv::Int(i) => *i == 0,
            Fv::Str(s) => s.is_empty(),
            _ => false,
        };
        if is_empty(def.ty, sv) || (pointee_empty && dst.vals.contains_key(key)) {
            continue;
        }
        match (def.ty, dst.vals.get_mut(key), sv) {
            (Ty::Obj(s), Some(Fv::Obj(d)), Fv::Obj(sr)) => merge_inherit(d, sr, s),
            (_, Some(Fv::Strs(d)), Fv::Strs(s)) => d.extend(s.iter().cloned()),
            (_, Some(Fv::Anys(d)), Fv::Anys(s)) => d.extend(s.iter().cloned()),
            (_, Some(Fv::Objs(d)), Fv::Objs(s)) => d.extend(s.iter().cloned()),
            (_, Some(Fv::StrMap(d)), Fv::StrMap(sm)) => {
                d.extend(sm.iter().map(|(k, v)| (k.clone(), v.clone())))
            }
            (_, Some(Fv::ObjMap(d)), Fv::ObjMap(sm)) => {
                d.extend(sm.iter().map(|(k, v)| (k.clone(), v.clone())))
            }
            _ => dst.set(def.key, sv.clone()),
        }
    }
}

/// A Go map's pairs in go-yaml's key order, recursively.
pub(crate) fn sorted_yaml(v: &Yaml) -> Yaml {
    match v {
        Yaml::Seq(items) => Yaml::Seq(items.iter().map(sorted_yaml).collect()),
        Yaml::Map(pairs) => {
            let mut out: Vec<(Yaml, Yaml)> = pairs
                .iter()
                .map(|(k, v)| (k.clone(), sorted_yaml(v)))
                .collect();
            if out.iter().all(|(k, _)| matches!(k, Yaml::String(_))) {
                let mut keys: Vec<&str> = pairs
                    .iter()
                    .filter_map(|(k, _)| match k {
                        Yaml::String(s) => Some(s.as_str()),
                        _ => None,
                    })
                    .collect();
                goyaml::encode::sort_keys(&mut keys, goyaml::Flavor::V2);
                let rank: BTreeMap<&str, usize> =
                    keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
                out.sort_by_key(|(k, _)| match k {
                    Yaml::String(s) => rank.get(s.as_str()).copied().unwrap_or(0),
                    _ => 0,
                });
            }
            Yaml::Map(out)
        }
        other => other.clone(),
    }
}

fn sorted_str_keys<T>(m: &BTreeMap<String, T>) -> Vec<&str> {
    let mut keys: Vec<&str> = m.keys().map(String::as_str).collect();
    goyaml::encode::sort_keys(&mut keys, goyaml::Flavor::V2);
    keys
}

/// The struct as go-yaml v2 marshals it: fields in declaration order,
/// `omitempty` fields left out when empty, Go maps in sorted order.
pub(crate) fn encode(rec: &Rec, schema: &Schema) -> Yaml {
    let mut pairs = Vec::new();
    for def in schema.fields {
        let v = rec.vals.get(def.key);
        let empty = v.is_none_or(|v| is_empty(def.ty, v));
        if def.omitempty && empty {
            continue;
        }
        let value = match v {
            Some(v) => encode_field(v, def.ty),
            None => zero_value(def.ty),
        };
        pairs.push((Yaml::String(def.key.to_string()), value));
    }
    Yaml::Map(pairs)
}

fn zero_value(ty: Ty) -> Yaml {
    match ty {
        Ty::Str => Yaml::String(String::new()),
        Ty::Bool => Yaml::Bool(false),
        Ty::Int => Yaml::Int(0),
        Ty::Obj(s) => encode(&Rec::default(), s),
        Ty::StrMap | Ty::ObjMap(_) => Yaml::Map(Vec::new()),
        Ty::Strs | Ty::Anys | Ty::Objs(_) => Yaml::Seq(Vec::new()),
        Ty::PtrBool | Ty::PtrInt | Ty::PtrStr => Yaml::Null,
    }
}

fn encode_field(v: &Fv, ty: Ty) -> Yaml {
    match (v, ty) {
        (Fv::Str(s), _) => Yaml::String(s.clone()),
        (Fv::Bool(b), _) => Yaml::Bool(*b),
        (Fv::Int(i), _) => Yaml::Int(*i),
        (Fv::Strs(v), _) => Yaml::Seq(v.iter().map(|s| Yaml::String(s.clone())).collect()),
        (Fv::Anys(v), _) => Yaml::Seq(v.iter().map(sorted_yaml).collect()),
        (Fv::StrMap(m), _) => Yaml::Map(
            sorted_str_keys(m)
                .into_iter()
                .map(|k| {
                    let value = m.get(k).cloned().unwrap_or_default();
                    (Yaml::String(k.to_string()), Yaml::String(value))
                })
                .collect(),
        ),
        (Fv::Obj(r), Ty::Obj(s)) => encode(r, s),
        (Fv::Objs(items), Ty::Objs(s)) if std::ptr::eq(s, &SUBHELMFILE_SPEC) => Yaml::Seq(
            items
                .iter()
                .map(|r| {
                    let mut flat = r.clone();
                    if let Some(Fv::Obj(env)) = flat.vals.remove("environment") {
                        if let Some(values) = env.vals.get("values") {
                            flat.set("values", values.clone());
                        }
                    }
                    encode(&flat, &SUBHELMFILE_MARSHALLED)
                })
                .collect(),
        ),
        (Fv::Objs(items), Ty::Objs(s)) => Yaml::Seq(items.iter().map(|r| encode(r, s)).collect()),
        (Fv::ObjMap(m), Ty::ObjMap(s)) => Yaml::Map(
            sorted_str_keys(m)
                .into_iter()
                .filter_map(|k| {
                    m.get(k)
                        .map(|r| (Yaml::String(k.to_string()), encode(r, s)))
                })
                .collect(),
        ),
        _ => Yaml::Null,
    }
}
