//! Owns INI files as sops reads and writes them through go-ini: sections of
//! `key = value` pairs (aligned on write), `;`/`#` comments, and the `[sops]`
//! metadata section.

use crate::error::{Error, Result};
use crate::stores::scalar_text;
use crate::tree::{Entry, Value};

const DEFAULT: &str = "DEFAULT";

fn strip_comment_char(c: &str) -> String {
    if c.starts_with(';') {
        c.trim_start_matches([';', ' ']).to_string()
    } else if c.starts_with('#') {
        c.trim_start_matches(['#', ' ']).to_string()
    } else {
        c.to_string()
    }
}

struct Section {
    name: String,
    comment: String,
    keys: Vec<(String, String, String)>,
}

fn unquote(v: &str) -> (String, String) {
    for q in ["\"\"\"", "`", "\""] {
        if v.len() >= 2 * q.len() && v.starts_with(q) && v.ends_with(q) {
            return (v[q.len()..v.len() - q.len()].to_string(), String::new());
        }
    }
    match v.find(['#', ';']) {
        Some(i) => (v[..i].trim().to_string(), v[i..].to_string()),
        None => (v.to_string(), String::new()),
    }
}

fn parse(text: &[u8]) -> Result<Vec<Section>> {
    let text = String::from_utf8_lossy(text);
    let mut sections = vec![Section {
        name: DEFAULT.into(),
        comment: String::new(),
        keys: Vec::new(),
    }];
    let mut comments: Vec<String> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with(';') || line.starts_with('#') {
            comments.push(line.to_string());
            continue;
        }
        if let Some(rest) = line.strip_prefix('[') {
            let Some(end) = rest.find(']') else {
                return Err(Error::syntax(
                    "ini",
                    format!("unclosed section at line {}: {line}", n + 1),
                ));
            };
            sections.push(Section {
                name: rest[..end].trim().to_string(),
                comment: comments.join("\n"),
                keys: Vec::new(),
            });
            comments.clear();
            continue;
        }
        let Some(i) = line.find(['=', ':']) else {
            return Err(Error::syntax(
                "ini",
                format!("key-value delimiter not found at line {}: {line}", n + 1),
            ));
        };
        let key = line[..i].trim().trim_matches('`').to_string();
        let (value, inline) = unquote(line[i + 1..].trim());
        let mut comment = comments.join("\n");
        if !inline.is_empty() {
            if !comment.is_empty() {
                comment.push('\n');
            }
            comment.push_str(&inline);
        }
        comments.clear();
        let sec = sections
            .last_mut()
            .ok_or_else(|| Error::syntax("ini", "no section"))?;
        match sec.keys.iter_mut().find(|(k, _, _)| *k == key) {
            Some(existing) => *existing = (key, value, comment),
            None => sec.keys.push((key, value, comment)),
        }
    }
    Ok(sections)
}

/// Reads an INI file: one mapping item per section (the default section first).
pub fn read(text: &[u8]) -> Result<Vec<Entry>> {
    Ok(parse(text)?
        .into_iter()
        .map(|s| {
            let mut items = Vec::new();
            if !s.comment.is_empty() {
                items.push(Entry::comment(strip_comment_char(&s.comment)));
            }
            for (k, v, c) in s.keys {
                items.push(Entry::new(Value::Str(k), Value::Str(v)));
                if !c.is_empty() {
                    items.push(Entry::comment(strip_comment_char(&c)));
                }
            }
            Entry::new(Value::Str(s.name), Value::Map(items))
        })
        .collect())
}

/// The raw `[sops]` section's keys and values.
pub fn sops_section(text: &[u8]) -> Result<Option<Vec<(String, String)>>> {
    Ok(parse(text)?
        .into_iter()
        .find(|s| s.name == "sops")
        .map(|s| s.keys.into_iter().map(|(k, v, _)| (k, v)).collect()))
}

fn comment_lines(c: &str, out: &mut String) {
    for line in c.split('\n') {
        if !line.starts_with(['#', ';']) {
            out.push_str("; ");
        }
        out.push_str(line);
        out.push('\n');
    }
}

fn value_text(v: &str) -> String {
    if v.contains(['\n', '`']) {
        format!("\"\"\"{v}\"\"\"")
    } else if v.contains(['#', ';']) {
        format!("`{v}`")
    } else if v != v.trim() {
        format!("\"{v}\"")
    } else {
        v.to_string()
    }
}

/// Writes sections as go-ini does (keys aligned, a blank line between sections).
pub fn write(entries: &[Entry]) -> Result<Vec<u8>> {
    let mut blocks = Vec::new();
    for e in entries {
        if matches!(e.key, Value::Comment(_)) {
            continue;
        }
        let Value::Map(items) = &e.value else {
            return Err(Error::Emit(
                "Error encoding section: Section values should always be TreeBranches".into(),
            ));
        };
        let name = scalar_text(&e.key);
        let mut out = String::new();
        let mut rest = items.as_slice();
        if let Some(Entry {
            key: Value::Comment(c),
            ..
        }) = rest.first()
        {
            comment_lines(c, &mut out);
            rest = &rest[1..];
        }
        let mut keys: Vec<(String, String, String)> = Vec::new();
        for item in rest {
            match &item.key {
                Value::Comment(c) => {
                    if let Some(last) = keys.last_mut() {
                        last.2 = c.clone();
                    }
                }
                k => keys.push((scalar_text(k), scalar_text(&item.value), String::new())),
            }
        }
        if name == DEFAULT && keys.is_empty() {
            continue;
        }
        if name != DEFAULT {
            out.push_str(&format!("[{name}]\n"));
        }
        let align = keys.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
        for (k, v, c) in &keys {
            if !c.is_empty() {
                comment_lines(c, &mut out);
            }
            out.push_str(&format!(
                "{k}{} = {}\n",
                " ".repeat(align - k.len()),
                value_text(v)
            ));
        }
        blocks.push(out);
    }
    Ok(blocks.join("\n").into_bytes())
}
