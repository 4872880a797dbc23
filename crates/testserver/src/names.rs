//! Metadata validation with apimachinery's rules and messages: names (DNS-1123
//! subdomains and labels, DNS-1035 labels), label keys and values, and the size
//! limits of annotations and Secrets.

use serde_json::Value;

/// One failed check, as a `field.Error` prints and a Status cause carries.
pub struct FieldError {
    pub field: String,
    pub value: String,
    pub detail: String,
    /// `Some(limit)` for a value over a size limit (FieldValueTooLong).
    pub too_long: Option<usize>,
}

impl FieldError {
    fn invalid(field: &str, value: &str, detail: String) -> FieldError {
        FieldError { field: field.into(), value: value.into(), detail, too_long: None }
    }

    /// `metadata.name: Invalid value: "x": detail`.
    pub fn message(&self) -> String {
        format!("{}: {}", self.field, self.body())
    }

    /// `Invalid value: "x": detail`, or `Too long: ...`.
    pub fn body(&self) -> String {
        match self.too_long {
            Some(limit) => format!("Too long: may not be more than {limit} bytes"),
            None => format!("Invalid value: {:?}: {}", self.value, self.detail),
        }
    }

    pub fn reason(&self) -> &'static str {
        if self.too_long.is_some() {
            "FieldValueTooLong"
        } else {
            "FieldValueInvalid"
        }
    }
}

/// The most a Secret's data may hold, decoded.
const MAX_SECRET_SIZE: usize = 1024 * 1024;

/// The most all annotations of an object may hold, keys and values together.
const TOTAL_ANNOTATION_SIZE: usize = 256 * 1024;

/// apimachinery's `RegexError`: the message, its examples and the regex.
fn regex_error(msg: &str, regex: &str, examples: &[&str]) -> String {
    let mut out = format!("{msg} (e.g. ");
    for (i, e) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push_str(&format!("'{e}', "));
    }
    out.push_str(&format!("regex used for validation is '{regex}')"));
    out
}

fn max_len(n: usize) -> String {
    format!("must be no more than {n} characters")
}

fn is_lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn dns1123_label_ok(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| is_lower_alnum(c) || c == '-')
        && s.starts_with(is_lower_alnum)
        && s.ends_with(is_lower_alnum)
}

fn dns1123_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len(63));
    }
    if !dns1123_label_ok(s) {
        errs.push(regex_error(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?",
            &["my-name", "123-abc"],
        ));
    }
    errs
}

fn dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push(max_len(253));
    }
    if !s.split('.').all(dns1123_label_ok) {
        errs.push(regex_error(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*",
            &["example.com"],
        ));
    }
    errs
}

fn dns1035_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push(max_len(63));
    }
    let ok = dns1123_label_ok(s) && s.starts_with(|c: char| c.is_ascii_lowercase());
    if !ok {
        errs.push(regex_error(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
            "[a-z]([-a-z0-9]*[a-z0-9])?",
            &["my-name", "abc-123"],
        ));
    }
    errs
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, optionally empty.
fn label_chars_ok(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.ends_with(|c: char| c.is_ascii_alphanumeric())
}

fn qualified_name(key: &str) -> Vec<String> {
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    let mut errs = Vec::new();
    if let Some(p) = prefix {
        if p.is_empty() {
            errs.push("prefix part must be non-empty".to_string());
        } else {
            errs.extend(dns1123_subdomain(p).into_iter().map(|e| format!("prefix part {e}")));
        }
    }
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else {
        if name.len() > 63 {
            errs.push(format!("name part {}", max_len(63)));
        }
        if !label_chars_ok(name) {
            errs.push(format!(
                "name part {}",
                regex_error(
                    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                    "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]",
                    &["MyName", "my.name", "123-abc"],
                )
            ));
        }
    }
    errs
}

fn label_value(v: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if v.len() > 63 {
        errs.push(max_len(63));
    }
    if !v.is_empty() && !label_chars_ok(v) {
        errs.push(regex_error(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
            "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?",
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// The length of base64 text once decoded.
fn decoded_len(text: &str) -> usize {
    let padding = text.bytes().rev().take_while(|b| *b == b'=').count();
    (text.len() / 4 * 3).saturating_sub(padding)
}

/// How a kind's names are checked.
fn name_errors(group: &str, kind: &str, name: &str) -> Vec<String> {
    match (group, kind) {
        ("", "Namespace") => dns1123_label(name),
        ("", "Service") => dns1035_label(name),
        ("rbac.authorization.k8s.io", _) => {
            if name == "." || name == ".." || name.contains('/') || name.contains('%') {
                vec![format!("may not be '.' or '..' or contain '/' or '%'")]
            } else {
                Vec::new()
            }
        }
        _ => dns1123_subdomain(name),
    }
}

/// Errors of an object's name and labels.
pub fn validate(group: &str, kind: &str, obj: &Value) -> Vec<FieldError> {
    let mut out = Vec::new();
    let name = obj.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default();
    for detail in name_errors(group, kind, name) {
        out.push(FieldError::invalid("metadata.name", name, detail));
    }
    if let Some(labels) = obj.pointer("/metadata/labels").and_then(Value::as_object) {
        for (k, v) in labels {
            for detail in qualified_name(k) {
                out.push(FieldError::invalid("metadata.labels", k, detail));
            }
            let v = v.as_str().unwrap_or_default();
            for detail in label_value(v) {
                out.push(FieldError::invalid("metadata.labels", v, detail));
            }
        }
    }
    if (group, kind) == ("", "Secret") {
        let decoded: usize = obj
            .get("data")
            .and_then(Value::as_object)
            .map(|d| d.values().filter_map(Value::as_str).map(decoded_len).sum())
            .unwrap_or(0);
        if decoded > MAX_SECRET_SIZE {
            out.push(FieldError { field: "data".into(), value: String::new(), detail: String::new(), too_long: Some(MAX_SECRET_SIZE) });
        }
    }
    if let Some(annotations) = obj.pointer("/metadata/annotations").and_then(Value::as_object) {
        let total: usize = annotations.iter().map(|(k, v)| k.len() + v.as_str().map(str::len).unwrap_or(0)).sum();
        if total > TOTAL_ANNOTATION_SIZE {
            out.push(FieldError {
                field: "metadata.annotations".into(),
                value: String::new(),
                detail: String::new(),
                too_long: Some(TOTAL_ANNOTATION_SIZE),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_follow_their_kind() {
        assert!(validate("", "ConfigMap", &json!({"metadata": {"name": "a.b-c"}})).is_empty());
        let errs = validate("", "ConfigMap", &json!({"metadata": {"name": "Bad_Name"}}));
        assert_eq!(
            errs[0].message(),
            "metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        );
        let errs = validate("", "Service", &json!({"metadata": {"name": "1web"}}));
        assert!(errs[0].detail.starts_with("a DNS-1035 label must consist of"), "{}", errs[0].detail);
        assert!(errs[0].detail.contains("(e.g. 'my-name',  or 'abc-123', regex"), "{}", errs[0].detail);
    }

    #[test]
    fn annotations_hold_at_most_256_kib() {
        let big = "x".repeat(256 * 1024);
        let errs = validate("", "ConfigMap", &json!({"metadata": {"name": "ok", "annotations": {"a": big}}}));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].message(), "metadata.annotations: Too long: may not be more than 262144 bytes");
        assert_eq!(errs[0].reason(), "FieldValueTooLong");
    }

    #[test]
    fn secrets_hold_at_most_one_mib() {
        use base64::Engine;
        let data = base64::engine::general_purpose::STANDARD.encode(vec![0u8; 1024 * 1024 + 1]);
        let errs = validate("", "Secret", &json!({"metadata": {"name": "s"}, "data": {"a": data}}));
        assert_eq!(errs[0].message(), "data: Too long: may not be more than 1048576 bytes");
        let ok = base64::engine::general_purpose::STANDARD.encode(vec![0u8; 1024 * 1024]);
        assert!(validate("", "Secret", &json!({"metadata": {"name": "s"}, "data": {"a": ok}})).is_empty());
    }

    #[test]
    fn label_values_are_at_most_63_characters() {
        let long = "x".repeat(64);
        let errs = validate("", "ConfigMap", &json!({"metadata": {"name": "ok", "labels": {"a": long}}}));
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].detail, "must be no more than 63 characters");
    }
}
