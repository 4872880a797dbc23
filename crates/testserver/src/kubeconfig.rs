//! The kubeconfig that points kubectl, helm and client libraries at the server.

use base64::Engine;
use serde_json::json;

pub const NAME: &str = "berth-testserver";

/// A kubeconfig for `url`, trusting `ca_pem`, authenticating with `token`.
pub fn render(url: &str, ca_pem: &str, token: &str) -> String {
    let ca = base64::engine::general_purpose::STANDARD.encode(ca_pem);
    let doc = json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": NAME, "cluster": {"server": url, "certificate-authority-data": ca}}],
        "users": [{"name": NAME, "user": {"token": token}}],
        "contexts": [{"name": NAME, "context": {"cluster": NAME, "user": NAME, "namespace": "default"}}],
        "current-context": NAME,
        "preferences": {},
    });
    goyaml::sigs::json_to_yaml(&doc.to_string()).unwrap_or_else(|_| doc.to_string())
}
