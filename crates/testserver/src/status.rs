//! API errors as `Status` objects with the apiserver's codes, reasons and messages.

use crate::resources::Resource;
use serde_json::{json, Value};

/// An API failure, rendered as a `Status` body.
#[derive(Clone, Debug)]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    pub details: Option<Value>,
}

/// `Kind.group` (`Kind` for the core group), as GroupKind prints.
fn qualified_kind(res: &Resource) -> String {
    if res.group.is_empty() {
        res.kind.clone()
    } else {
        format!("{}.{}", res.kind, res.group)
    }
}

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { code, reason, message: message.into(), details: None }
    }

    fn with_details(mut self, res: &Resource, name: &str) -> ApiError {
        let mut d = json!({"name": name, "kind": res.plural});
        if !res.group.is_empty() {
            d["group"] = json!(res.group);
        }
        self.details = Some(d);
        self
    }

    pub fn not_found(res: &Resource, name: &str) -> ApiError {
        ApiError::new(404, "NotFound", format!("{} {:?} not found", res.qualified(), name)).with_details(res, name)
    }

    pub fn already_exists(res: &Resource, name: &str) -> ApiError {
        ApiError::new(409, "AlreadyExists", format!("{} {:?} already exists", res.qualified(), name))
            .with_details(res, name)
    }

    pub fn conflict(res: &Resource, name: &str) -> ApiError {
        ApiError::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} {:?}: the object has been modified; please apply your changes to the latest version and try again",
                res.qualified(),
                name
            ),
        )
        .with_details(res, name)
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(400, "BadRequest", message)
    }

    pub fn invalid(res: &Resource, name: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(422, "Invalid", format!("{} {:?} is invalid: {}", qualified_kind(res), name, message.into()))
            .with_details(res, name)
    }

    /// 422 for field errors, with one cause each, as `errors.NewInvalid` builds it.
    pub fn invalid_fields(res: &Resource, name: &str, errs: &[crate::names::FieldError]) -> ApiError {
        let messages: Vec<String> = errs.iter().map(|e| e.message()).collect();
        let aggregate = match messages.as_slice() {
            [one] => one.clone(),
            many => format!("[{}]", many.join(", ")),
        };
        let mut err = ApiError::invalid(res, name, aggregate);
        let causes: Vec<Value> = errs
            .iter()
            .map(|e| json!({"reason": e.reason(), "message": e.body(), "field": e.field}))
            .collect();
        if let Some(d) = err.details.as_mut() {
            d["kind"] = json!(res.kind);
            d["causes"] = json!(causes);
        }
        err
    }

    pub fn not_found_path() -> ApiError {
        ApiError::new(404, "NotFound", "the server could not find the requested resource")
    }

    pub fn method_not_allowed() -> ApiError {
        ApiError::new(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(401, "Unauthorized", "Unauthorized")
    }

    pub fn gone(message: impl Into<String>) -> ApiError {
        ApiError::new(410, "Expired", message)
    }

    pub fn unsupported_media(content_type: &str) -> ApiError {
        ApiError::new(415, "UnsupportedMediaType", format!("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (got {content_type})"))
    }

    pub fn to_status(&self) -> Value {
        let mut s = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(d) = &self.details {
            s["details"] = d.clone();
        }
        s
    }
}
