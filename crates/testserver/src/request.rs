//! One HTTP request as the API sees it (method, query, negotiated types, decoded
//! body) and the reply it gets (a JSON document or a watch stream).

use crate::status::ApiError;
use bytes::Bytes;
use serde_json::Value;
use std::collections::HashMap;
use tokio::sync::mpsc;

pub struct RequestInfo {
    pub method: String,
    pub path: String,
    pub query: HashMap<String, Vec<String>>,
    pub content_type: String,
    pub accept: String,
    pub user_agent: String,
    pub body: Bytes,
}

pub enum Reply {
    Json { code: u16, body: Value, content_type: String, warnings: Vec<String> },
    Text(String),
    Bytes { content_type: String, body: Vec<u8> },
    Stream(mpsc::Receiver<Bytes>),
}

impl Reply {
    pub fn json(code: u16, body: Value) -> Reply {
        Reply::Json { code, body, content_type: "application/json".into(), warnings: Vec::new() }
    }

    /// Adds `Warning` headers, as kubectl prints them.
    pub fn with_warnings(self, extra: Vec<String>) -> Reply {
        match self {
            Reply::Json { code, body, content_type, mut warnings } => {
                warnings.extend(extra);
                Reply::Json { code, body, content_type, warnings }
            }
            other => other,
        }
    }
}

/// How the request asks unknown fields to be treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldValidation {
    Strict,
    Warn,
    Ignore,
}

impl RequestInfo {
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.get(name).and_then(|v| v.first()).map(String::as_str)
    }

    pub fn field_validation(&self) -> FieldValidation {
        match self.query("fieldValidation") {
            Some("Strict") => FieldValidation::Strict,
            Some("Ignore") => FieldValidation::Ignore,
            _ => FieldValidation::Warn,
        }
    }

    pub fn is_watch(&self) -> bool {
        matches!(self.query("watch"), Some("true") | Some("1"))
    }

    pub fn dry_run(&self) -> bool {
        self.query.get("dryRun").is_some_and(|v| v.iter().any(|d| d == "All"))
    }

    pub fn wants_table(&self) -> bool {
        self.accept.split(',').next().is_some_and(|first| first.contains("as=Table"))
    }

    pub fn include_object(&self) -> &str {
        self.query("includeObject").unwrap_or("Metadata")
    }

    /// The fieldManager, or the user agent's program name as the apiserver defaults it.
    pub fn field_manager(&self) -> String {
        match self.query("fieldManager").filter(|m| !m.is_empty()) {
            Some(m) => m.to_string(),
            None => self.user_agent.split('/').next().unwrap_or("unknown").to_string(),
        }
    }

    /// The body as JSON, whatever encoding the client used.
    pub fn body_value(&self) -> Result<Value, ApiError> {
        let ct = self.content_type.split(';').next().unwrap_or_default().trim();
        if self.body.is_empty() {
            return Err(ApiError::bad_request("the body of the request was empty"));
        }
        if ct == "application/vnd.kubernetes.protobuf" {
            return crate::protobuf::decode(&self.body).map_err(|e| ApiError::new(415, "UnsupportedMediaType", e));
        }
        if ct.contains("yaml") {
            let text = goyaml::sigs::yaml_to_json(&self.body)
                .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")))?;
            return serde_json::from_str(&text)
                .map_err(|e| ApiError::bad_request(format!("error decoding YAML: {e}")));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| ApiError::bad_request(format!("couldn't get version/kind; json parse error: {e}")))
    }

    /// DeleteOptions from the body (JSON or protobuf), or empty.
    pub fn delete_options(&self) -> Value {
        if self.body.is_empty() {
            return Value::Object(Default::default());
        }
        let ct = self.content_type.split(';').next().unwrap_or_default().trim();
        if ct == "application/vnd.kubernetes.protobuf" {
            return crate::protobuf::decode_delete_options(&self.body).unwrap_or_default();
        }
        serde_json::from_slice(&self.body).unwrap_or_default()
    }
}
