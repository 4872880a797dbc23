//! Request bodies in Kubernetes protobuf: the `k8s\0` envelope around a
//! `runtime.Unknown`, holding a Secret, a ConfigMap or DeleteOptions.

use base64::Engine;
use serde_json::{json, Map, Value};

const MAGIC: &[u8] = b"k8s\0";

/// One field of a protobuf message.
enum FieldValue<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
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
                self.pos += 8;
                FieldValue::Fixed
            }
            2 => {
                let len = self.varint()? as usize;
                let end = self.pos.checked_add(len).filter(|e| *e <= self.buf.len()).ok_or("truncated protobuf field")?;
                let b = &self.buf[self.pos..end];
                self.pos = end;
                FieldValue::Bytes(b)
            }
            5 => {
                self.pos += 4;
                FieldValue::Fixed
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

/// A map<string, string|bytes> entry.
fn map_entry(buf: &[u8], bytes_value: bool) -> Result<(String, Value), String> {
    let mut key = String::new();
    let mut value = Value::String(String::new());
    for (n, v) in fields(buf)? {
        match (n, v) {
            (1, FieldValue::Bytes(b)) => key = text(b)?,
            (2, FieldValue::Bytes(b)) if bytes_value => {
                value = json!(base64::engine::general_purpose::STANDARD.encode(b))
            }
            (2, FieldValue::Bytes(b)) => value = json!(text(b)?),
            _ => {}
        }
    }
    Ok((key, value))
}

fn object_meta(buf: &[u8]) -> Result<Value, String> {
    let mut m = Map::new();
    let mut labels = Map::new();
    let mut annotations = Map::new();
    let mut finalizers = Vec::new();
    let mut owners = Vec::new();
    for (n, v) in fields(buf)? {
        match (n, v) {
            (1, FieldValue::Bytes(b)) => {
                m.insert("name".into(), json!(text(b)?));
            }
            (2, FieldValue::Bytes(b)) => {
                m.insert("generateName".into(), json!(text(b)?));
            }
            (3, FieldValue::Bytes(b)) => {
                m.insert("namespace".into(), json!(text(b)?));
            }
            (5, FieldValue::Bytes(b)) => {
                m.insert("uid".into(), json!(text(b)?));
            }
            (6, FieldValue::Bytes(b)) => {
                m.insert("resourceVersion".into(), json!(text(b)?));
            }
            (11, FieldValue::Bytes(b)) => {
                let (k, v) = map_entry(b, false)?;
                labels.insert(k, v);
            }
            (12, FieldValue::Bytes(b)) => {
                let (k, v) = map_entry(b, false)?;
                annotations.insert(k, v);
            }
            (13, FieldValue::Bytes(b)) => owners.push(owner_reference(b)?),
            (15, FieldValue::Bytes(b)) => finalizers.push(json!(text(b)?)),
            _ => {}
        }
    }
    m.retain(|_, v| v.as_str() != Some(""));
    if !labels.is_empty() {
        m.insert("labels".into(), Value::Object(labels));
    }
    if !annotations.is_empty() {
        m.insert("annotations".into(), Value::Object(annotations));
    }
    if !finalizers.is_empty() {
        m.insert("finalizers".into(), Value::Array(finalizers));
    }
    if !owners.is_empty() {
        m.insert("ownerReferences".into(), Value::Array(owners));
    }
    Ok(Value::Object(m))
}

fn owner_reference(buf: &[u8]) -> Result<Value, String> {
    let mut m = Map::new();
    for (n, v) in fields(buf)? {
        match (n, v) {
            (1, FieldValue::Bytes(b)) => {
                m.insert("kind".into(), json!(text(b)?));
            }
            (3, FieldValue::Bytes(b)) => {
                m.insert("name".into(), json!(text(b)?));
            }
            (4, FieldValue::Bytes(b)) => {
                m.insert("uid".into(), json!(text(b)?));
            }
            (5, FieldValue::Bytes(b)) => {
                m.insert("apiVersion".into(), json!(text(b)?));
            }
            (6, FieldValue::Varint(x)) => {
                m.insert("controller".into(), json!(x != 0));
            }
            (7, FieldValue::Varint(x)) => {
                m.insert("blockOwnerDeletion".into(), json!(x != 0));
            }
            _ => {}
        }
    }
    Ok(Value::Object(m))
}

fn secret(buf: &[u8]) -> Result<Value, String> {
    let mut obj = json!({"apiVersion": "v1", "kind": "Secret"});
    let mut data = Map::new();
    let mut string_data = Map::new();
    for (n, v) in fields(buf)? {
        match (n, v) {
            (1, FieldValue::Bytes(b)) => obj["metadata"] = object_meta(b)?,
            (2, FieldValue::Bytes(b)) => {
                let (k, v) = map_entry(b, true)?;
                data.insert(k, v);
            }
            (3, FieldValue::Bytes(b)) => obj["type"] = json!(text(b)?),
            (4, FieldValue::Bytes(b)) => {
                let (k, v) = map_entry(b, false)?;
                string_data.insert(k, v);
            }
            (5, FieldValue::Varint(x)) => obj["immutable"] = json!(x != 0),
            _ => {}
        }
    }
    if obj.get("type").and_then(Value::as_str) == Some("") {
        if let Some(o) = obj.as_object_mut() {
            o.remove("type");
        }
    }
    if !data.is_empty() {
        obj["data"] = Value::Object(data);
    }
    if !string_data.is_empty() {
        obj["stringData"] = Value::Object(string_data);
    }
    Ok(obj)
}

fn config_map(buf: &[u8]) -> Result<Value, String> {
    let mut obj = json!({"apiVersion": "v1", "kind": "ConfigMap"});
    let mut data = Map::new();
    let mut binary = Map::new();
    for (n, v) in fields(buf)? {
        match (n, v) {
            (1, FieldValue::Bytes(b)) => obj["metadata"] = object_meta(b)?,
            (2, FieldValue::Bytes(b)) => {
                let (k, v) = map_entry(b, false)?;
                data.insert(k, v);
            }
            (3, FieldValue::Bytes(b)) => {
                let (k, v) = map_entry(b, true)?;
                binary.insert(k, v);
            }
            (4, FieldValue::Varint(x)) => obj["immutable"] = json!(x != 0),
            _ => {}
        }
    }
    if !data.is_empty() {
        obj["data"] = Value::Object(data);
    }
    if !binary.is_empty() {
        obj["binaryData"] = Value::Object(binary);
    }
    Ok(obj)
}

/// The kind and raw bytes inside the envelope.
fn unwrap_envelope(body: &[u8]) -> Result<(String, &[u8]), String> {
    let inner = body
        .strip_prefix(MAGIC)
        .ok_or("protobuf body lacks the k8s envelope")?;
    let mut kind = String::new();
    let mut raw: &[u8] = &[];
    for (n, v) in fields(inner)? {
        match (n, v) {
            (1, FieldValue::Bytes(tm)) => {
                for (tn, tv) in fields(tm)? {
                    if let (2, FieldValue::Bytes(k)) = (tn, tv) {
                        kind = text(k)?;
                    }
                }
            }
            (2, FieldValue::Bytes(b)) => raw = b,
            _ => {}
        }
    }
    Ok((kind, raw))
}

/// Decodes a protobuf request body into its JSON form.
pub fn decode(body: &[u8]) -> Result<Value, String> {
    let (kind, raw) = unwrap_envelope(body)?;
    match kind.as_str() {
        "Secret" => secret(raw),
        "ConfigMap" => config_map(raw),
        other => Err(format!("protobuf request bodies of kind {other:?} are not supported; send JSON")),
    }
}

/// Decodes protobuf DeleteOptions.
pub fn decode_delete_options(body: &[u8]) -> Option<Value> {
    let (_, raw) = unwrap_envelope(body).ok()?;
    let mut m = Map::new();
    let mut dry = Vec::new();
    for (n, v) in fields(raw).ok()? {
        match (n, v) {
            (1, FieldValue::Varint(x)) => {
                m.insert("gracePeriodSeconds".into(), json!(x as i64));
            }
            (2, FieldValue::Bytes(b)) => {
                let mut p = Map::new();
                for (pn, pv) in fields(b).ok()? {
                    match (pn, pv) {
                        (1, FieldValue::Bytes(u)) => {
                            p.insert("uid".into(), json!(text(u).ok()?));
                        }
                        (2, FieldValue::Bytes(r)) => {
                            p.insert("resourceVersion".into(), json!(text(r).ok()?));
                        }
                        _ => {}
                    }
                }
                m.insert("preconditions".into(), Value::Object(p));
            }
            (4, FieldValue::Bytes(b)) => {
                m.insert("propagationPolicy".into(), json!(text(b).ok()?));
            }
            (5, FieldValue::Bytes(b)) => dry.push(json!(text(b).ok()?)),
            _ => {}
        }
    }
    if !dry.is_empty() {
        m.insert("dryRun".into(), Value::Array(dry));
    }
    Some(Value::Object(m))
}
