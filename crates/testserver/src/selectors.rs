//! Label selectors (`a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`) and
//! field selectors (`metadata.name=x`, `metadata.namespace!=y`, `type=...`).

use serde_json::Value;

#[derive(Debug, Clone)]
enum Requirement {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    NotExists(String),
}

/// A parsed label or field selector; empty matches everything.
#[derive(Debug, Clone, Default)]
pub struct Selector {
    reqs: Vec<Requirement>,
}

fn split_top(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c)
            }
            ')' => {
                depth -= 1;
                cur.push(c)
            }
            ',' if depth == 0 => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        parts.push(cur);
    }
    parts
}

fn set_values(text: &str) -> Vec<String> {
    text.trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

impl Selector {
    pub fn parse(text: &str) -> Result<Selector, String> {
        let mut reqs = Vec::new();
        for part in split_top(text) {
            let p = part.trim();
            if p.is_empty() {
                continue;
            }
            let req = if let Some((k, v)) = p.split_once("!=") {
                Requirement::NotEq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = p.split_once("==") {
                Requirement::Eq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = p.split_once('=') {
                Requirement::Eq(k.trim().into(), v.trim().into())
            } else if let Some((k, v)) = p.split_once(" notin ") {
                Requirement::NotIn(k.trim().into(), set_values(v))
            } else if let Some((k, v)) = p.split_once(" in ") {
                Requirement::In(k.trim().into(), set_values(v))
            } else if let Some(k) = p.strip_prefix('!') {
                Requirement::NotExists(k.trim().into())
            } else if p.contains(' ') || p.contains('(') {
                return Err(format!("unable to parse requirement: {p:?}"));
            } else {
                Requirement::Exists(p.into())
            };
            reqs.push(req);
        }
        Ok(Selector { reqs })
    }

    /// Matches a lookup function (label or field value by key).
    pub fn matches(&self, get: impl Fn(&str) -> Option<String>) -> bool {
        self.reqs.iter().all(|r| match r {
            Requirement::Eq(k, v) => get(k).as_deref() == Some(v.as_str()),
            Requirement::NotEq(k, v) => get(k).as_deref() != Some(v.as_str()),
            Requirement::In(k, vs) => get(k).is_some_and(|x| vs.contains(&x)),
            Requirement::NotIn(k, vs) => get(k).is_none_or(|x| !vs.contains(&x)),
            Requirement::Exists(k) => get(k).is_some(),
            Requirement::NotExists(k) => get(k).is_none(),
        })
    }

    pub fn matches_labels(&self, obj: &Value) -> bool {
        let labels = obj.pointer("/metadata/labels");
        self.matches(|k| labels.and_then(|l| l.get(k)).and_then(Value::as_str).map(str::to_string))
    }

    /// Field selectors address fields by dotted path (`metadata.name`, `spec.nodeName`, `type`).
    pub fn matches_fields(&self, obj: &Value) -> bool {
        self.matches(|k| {
            let pointer = format!("/{}", k.replace('.', "/"));
            match obj.pointer(&pointer) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Bool(b)) => Some(b.to_string()),
                Some(Value::Number(n)) => Some(n.to_string()),
                Some(_) => None,
                None => Some(String::new()),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn label_selectors_of_every_form() {
        let obj = json!({"metadata": {"labels": {"app": "web", "tier": "front"}}});
        let yes = ["app=web", "app==web", "tier!=back", "app in (web,api)", "tier notin (back)", "app", "!missing", "app=web,tier=front"];
        let no = ["app=api", "app in (api)", "missing", "!app", "app=web,tier=back"];
        for s in yes {
            assert!(Selector::parse(s).expect(s).matches_labels(&obj), "{s}");
        }
        for s in no {
            assert!(!Selector::parse(s).expect(s).matches_labels(&obj), "{s}");
        }
    }

    #[test]
    fn field_selectors_read_dotted_paths() {
        let obj = json!({"metadata": {"name": "x", "namespace": "ns"}, "status": {"phase": "Running"}});
        assert!(Selector::parse("metadata.name=x,status.phase=Running").expect("parses").matches_fields(&obj));
        assert!(!Selector::parse("metadata.namespace!=ns").expect("parses").matches_fields(&obj));
    }
}
