//! Request bodies in Kubernetes protobuf: the `k8s\0` envelope around a
//! `runtime.Unknown` holding any built-in object or DeleteOptions, decoded with
//! the field numbers of k8s.io/api's `generated.proto` (data/proto.json).

use base64::Engine;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::OnceLock;

const MAGIC: &[u8] = b"k8s\0";

/// One field of a protobuf message.
enum FieldValue<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed64(u64),
    Fixed32(u32),
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut out = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.buf.get(self.pos).ok_or("truncated protobuf varint")?;
            self.pos += 1;
            out |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return Ok(out);
            }
        }
        Err("protobuf varint too long".into())
    }

    fn next(&mut self) -> Result<Option<(u64, FieldValue<'a>)>, String> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let tag = self.varint()?;
        let value = match tag & 7 {
            0 => FieldValue::Varint(self.varint()?),
            1 => {
                let b = self.buf.get(self.pos..self.pos + 8).ok_or("truncated protobuf field")?;
                self.pos += 8;
                FieldValue::Fixed64(u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
            }
            2 => {
                let len = self.varint()? as usize;
                let end = self.pos.checked_add(len).filter(|e| *e <= self.buf.len()).ok_or("truncated protobuf field")?;
                let b = &self.buf[self.pos..end];
                self.pos = end;
                FieldValue::Bytes(b)
            }
            5 => {
                let b = self.buf.get(self.pos..self.pos + 4).ok_or("truncated protobuf field")?;
                self.pos += 4;
                FieldValue::Fixed32(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            }
            w => return Err(format!("unsupported protobuf wire type {w}")),
        };
        if self.pos > self.buf.len() {
            return Err("truncated protobuf field".into());
        }
        Ok(Some((tag >> 3, value)))
    }
}

fn text(b: &[u8]) -> Result<String, String> {
    String::from_utf8(b.to_vec()).map_err(|_| "protobuf string is not UTF-8".to_string())
}

fn fields(buf: &[u8]) -> Result<Vec<(u64, FieldValue<'_>)>, String> {
    let mut r = Reader::new(buf);
    let mut out = Vec::new();
    while let Some(f) = r.next()? {
        out.push(f);
    }
    Ok(out)
}

/// How a field repeats.
enum Shape {
    Single,
    Repeated,
    Map(String),
}

struct FieldDef {
    name: String,
    ty: String,
    shape: Shape,
}

type Messages = HashMap<String, HashMap<u64, FieldDef>>;

/// Field numbers of every built-in message, parsed once from `data/proto.json`.
fn messages() -> &'static Messages {
    static MESSAGES: OnceLock<Messages> = OnceLock::new();
    MESSAGES.get_or_init(|| {
        let parsed: Map<String, Value> = serde_json::from_str(include_str!("../data/proto.json")).unwrap_or_default();
        parsed
            .iter()
            .map(|(name, fields)| {
                let defs = fields
                    .as_object()
                    .map(|f| {
                        f.iter()
                            .filter_map(|(num, def)| {
                                let def = def.as_array()?;
                                let text = |i: usize| def.get(i).and_then(Value::as_str).unwrap_or_default().to_string();
                                let shape = match text(2).as_str() {
                                    "r" => Shape::Repeated,
                                    s if s.starts_with("m:") => Shape::Map(s[2..].to_string()),
                                    _ => Shape::Single,
                                };
                                Some((num.parse().ok()?, FieldDef { name: text(0), ty: text(1), shape }))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                (name.clone(), defs)
            })
            .collect()
    })
}

const META: &str = "k8s.io.apimachinery.pkg.apis.meta.v1";

fn scalar(ty: &str, v: &FieldValue<'_>) -> Result<Value, String> {
    Ok(match (ty, v) {
        ("string", FieldValue::Bytes(b)) => json!(text(b)?),
        ("bytes", FieldValue::Bytes(b)) => json!(base64::engine::general_purpose::STANDARD.encode(b)),
        ("bool", FieldValue::Varint(x)) => json!(*x != 0),
        ("int32", FieldValue::Varint(x)) => json!(*x as i64 as i32),
        ("int64", FieldValue::Varint(x)) => json!(*x as i64),
        ("uint32" | "uint64", FieldValue::Varint(x)) => json!(*x),
        ("double", FieldValue::Fixed64(x)) => json!(f64::from_bits(*x)),
        ("float", FieldValue::Fixed32(x)) => json!(f32::from_bits(*x) as f64),
        _ => return Err(format!("unexpected protobuf encoding for a {ty} field")),
    })
}

fn is_zero(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        _ => false,
    }
}

/// The JSON form of a field value of type `ty`.
fn value_of(ty: &str, v: &FieldValue<'_>) -> Result<Value, String> {
    match (messages().contains_key(ty), v) {
        (true, FieldValue::Bytes(b)) => message(ty, b),
        (true, _) => Err(format!("unexpected protobuf encoding for a {ty} field")),
        (false, _) => scalar(ty, v),
    }
}

/// Seconds since the epoch as Kubernetes prints times.
fn time(buf: &[u8], micro: bool) -> Result<Value, String> {
    let mut seconds = 0i64;
    let mut nanos = 0i64;
    for (n, v) in fields(buf)? {
        match (n, v) {
            (1, FieldValue::Varint(x)) => seconds = x as i64,
            (2, FieldValue::Varint(x)) => nanos = x as i64,
            _ => {}
        }
    }
    if seconds == 0 && nanos == 0 {
        return Ok(Value::Null);
    }
    let base = crate::clock::rfc3339(seconds);
    Ok(json!(if micro { format!("{}.{:06}Z", base.trim_end_matches('Z'), nanos / 1000) } else { base }))
}

fn raw_json(buf: &[u8]) -> Result<Value, String> {
    for (n, v) in fields(buf)? {
        if let (1, FieldValue::Bytes(raw)) = (n, v) {
            return serde_json::from_slice(raw).map_err(|e| format!("embedded JSON: {e}"));
        }
    }
    Ok(Value::Null)
}

/// Decodes one message into its JSON form.
fn message(name: &str, buf: &[u8]) -> Result<Value, String> {
    match name.strip_prefix(META).unwrap_or_default() {
        ".Time" => return time(buf, false),
        ".MicroTime" => return time(buf, true),
        ".FieldsV1" => return raw_json(buf),
        _ => {}
    }
    match name {
        "k8s.io.apimachinery.pkg.runtime.RawExtension" => return raw_json(buf),
        "k8s.io.apimachinery.pkg.api.resource.Quantity" => {
            for (n, v) in fields(buf)? {
                if let (1, FieldValue::Bytes(b)) = (n, v) {
                    return Ok(json!(text(b)?));
                }
            }
            return Ok(json!("0"));
        }
        "k8s.io.apimachinery.pkg.util.intstr.IntOrString" => {
            let (mut kind, mut int, mut string) = (0, 0i64, String::new());
            for (n, v) in fields(buf)? {
                match (n, v) {
                    (1, FieldValue::Varint(x)) => kind = x,
                    (2, FieldValue::Varint(x)) => int = x as i64 as i32 as i64,
                    (3, FieldValue::Bytes(b)) => string = text(b)?,
                    _ => {}
                }
            }
            return Ok(if kind == 1 { json!(string) } else { json!(int) });
        }
        _ => {}
    }
    let Some(defs) = messages().get(name) else {
        return Err(format!("unknown protobuf message {name}"));
    };
    let mut out = Map::new();
    for (n, v) in fields(buf)? {
        let Some(def) = defs.get(&n) else { continue };
        match &def.shape {
            Shape::Single => {
                out.insert(def.name.clone(), value_of(&def.ty, &v)?);
            }
            Shape::Repeated => {
                let items = out.entry(def.name.clone()).or_insert_with(|| Value::Array(Vec::new()));
                let Value::Array(items) = items else { continue };
                match (&v, def.ty.as_str()) {
                    (FieldValue::Bytes(b), "int32" | "int64" | "bool" | "uint32" | "uint64") => {
                        let mut r = Reader::new(b);
                        while r.pos < b.len() {
                            items.push(scalar(&def.ty, &FieldValue::Varint(r.varint()?))?);
                        }
                    }
                    _ => items.push(value_of(&def.ty, &v)?),
                }
            }
            Shape::Map(key_ty) => {
                let FieldValue::Bytes(entry) = v else { continue };
                let mut key = String::new();
                let mut value = Value::Null;
                for (en, ev) in fields(entry)? {
                    match en {
                        1 => {
                            key = match scalar(key_ty, &ev)? {
                                Value::String(s) => s,
                                other => other.to_string(),
                            }
                        }
                        2 => value = value_of(&def.ty, &ev)?,
                        _ => {}
                    }
                }
                if value.is_null() {
                    value = if def.ty == "string" { json!("") } else { json!({}) };
                }
                let m = out.entry(def.name.clone()).or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(m) = m {
                    m.insert(key, value);
                }
            }
        }
    }
    let singles: Vec<&str> = defs.values().filter(|d| matches!(d.shape, Shape::Single)).map(|d| d.name.as_str()).collect();
    out.retain(|k, v| !(singles.contains(&k.as_str()) && is_zero(v)));
    inline_embedded(name, &mut out);
    Ok(Value::Object(out))
}

/// Fields Go embeds with `json:",inline"` (a Volume's VolumeSource, a Probe's
/// handler) are separate messages in protobuf: lift their fields up.
fn inline_embedded(name: &str, out: &mut Map<String, Value>) {
    let Some(rest) = name.strip_prefix("k8s.io.") else { return };
    let json_type = format!("io.k8s.{rest}");
    let Some(atom) = crate::schema::Schema::builtin().get(&json_type) else { return };
    let Some(map) = atom.map.as_ref() else { return };
    if map.fields.is_empty() {
        return;
    }
    let embedded: Vec<String> = out
        .iter()
        .filter(|(k, v)| v.is_object() && map.field(k).is_none())
        .map(|(k, _)| k.clone())
        .collect();
    for k in embedded {
        if let Some(Value::Object(inner)) = out.remove(&k) {
            out.extend(inner);
        }
    }
}

/// The k8s.io/api message for an apiVersion and kind.
fn message_for(api_version: &str, kind: &str) -> String {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let package = if group.is_empty() { "core" } else { group.split('.').next().unwrap_or(group) };
    format!("k8s.io.api.{package}.{version}.{kind}")
}

/// The apiVersion, kind and raw bytes inside the envelope.
fn unwrap_envelope(body: &[u8]) -> Result<(String, String, &[u8]), String> {
    let inner = body
        .strip_prefix(MAGIC)
        .ok_or("protobuf body lacks the k8s envelope")?;
    let mut api_version = String::new();
    let mut kind = String::new();
    let mut raw: &[u8] = &[];
    for (n, v) in fields(inner)? {
        match (n, v) {
            (1, FieldValue::Bytes(tm)) => {
                for (tn, tv) in fields(tm)? {
                    match (tn, tv) {
                        (1, FieldValue::Bytes(a)) => api_version = text(a)?,
                        (2, FieldValue::Bytes(k)) => kind = text(k)?,
                        _ => {}
                    }
                }
            }
            (2, FieldValue::Bytes(b)) => raw = b,
            _ => {}
        }
    }
    Ok((api_version, kind, raw))
}

/// Decodes a protobuf request body of any built-in kind into its JSON form.
pub fn decode(body: &[u8]) -> Result<Value, String> {
    let (api_version, kind, raw) = unwrap_envelope(body)?;
    let name = message_for(&api_version, &kind);
    if !messages().contains_key(&name) {
        return Err(format!("protobuf request bodies of kind {kind:?} ({api_version}) are not supported; send JSON"));
    }
    let mut obj = message(&name, raw)?;
    if let Some(m) = obj.as_object_mut() {
        m.insert("apiVersion".into(), json!(api_version));
        m.insert("kind".into(), json!(kind));
    }
    Ok(obj)
}

/// Decodes protobuf DeleteOptions.
pub fn decode_delete_options(body: &[u8]) -> Option<Value> {
    let (_, _, raw) = unwrap_envelope(body).ok()?;
    message(&format!("{META}.DeleteOptions"), raw).ok()
}

/// Go's name for the type of field `field` of the struct that the JSON
/// schema names `parent` (`io.k8s.api.apps.v1.DeploymentSpec`), as
/// encoding/json prints it in type errors (`int32`, `v1.PodSpec`, `[]v1.Container`).
pub fn go_field_type(parent: &str, field: &str) -> Option<String> {
    let rest = parent.strip_prefix("io.k8s.")?;
    let defs = messages().get(&format!("k8s.io.{rest}"))?;
    let def = defs.values().find(|d| d.name == field)?;
    let base = match def.ty.as_str() {
        "double" => "float64".to_string(),
        "float" => "float32".to_string(),
        "bytes" => "[]uint8".to_string(),
        scalar if !scalar.contains('.') => scalar.to_string(),
        message => {
            let mut parts = message.rsplit('.');
            let name = parts.next().unwrap_or_default();
            let package = parts.next().unwrap_or_default();
            format!("{package}.{name}")
        }
    };
    Some(match &def.shape {
        Shape::Single => base,
        Shape::Repeated => format!("[]{base}"),
        Shape::Map(key) => format!("map[{key}]{base}"),
    })
}
