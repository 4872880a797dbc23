//! Registry credentials from the files docker and helm keep them in:
//! helm's registry config (`$HELM_REGISTRY_CONFIG`, else
//! `~/.config/helm/registry/config.json`) and docker's
//! (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`); the `auths`
//! entry of the registry host, from its base64 `auth` or `username`/`password`.
//! Credential helpers (external programs) are not consulted.

use std::path::PathBuf;

use base64::Engine;

/// A username and password.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Credentials {
    pub username: String,
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Credentials({}, <hidden>)", self.username)
    }
}

fn env_path(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// The config files to read, helm's first.
pub(crate) fn config_files() -> Vec<PathBuf> {
    let home = env_path("HOME");
    let mut files = Vec::new();
    match env_path("HELM_REGISTRY_CONFIG") {
        Some(p) => files.push(p),
        None => {
            let config =
                env_path("XDG_CONFIG_HOME").or_else(|| home.as_ref().map(|h| h.join(".config")));
            if let Some(c) = config {
                files.push(c.join("helm/registry/config.json"));
            }
        }
    }
    match env_path("DOCKER_CONFIG") {
        Some(d) => files.push(d.join("config.json")),
        None => {
            if let Some(h) = &home {
                files.push(h.join(".docker/config.json"));
            }
        }
    }
    files
}

/// The host part of an `auths` key (`https://index.docker.io/v1/` -> `index.docker.io`).
fn key_host(key: &str) -> &str {
    let key = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    key.split('/').next().unwrap_or(key)
}

fn same_registry(key: &str, registry: &str) -> bool {
    let docker_hub =
        |h: &str| matches!(h, "docker.io" | "index.docker.io" | "registry-1.docker.io");
    let host = key_host(key);
    host.eq_ignore_ascii_case(registry) || (docker_hub(host) && docker_hub(registry))
}

/// The credentials a config file's text holds for `registry` (`host[:port]`).
pub(crate) fn lookup(config_json: &[u8], registry: &str) -> Option<Credentials> {
    let config: serde_json::Value = serde_json::from_slice(config_json).ok()?;
    let auths = config.get("auths")?.as_object()?;
    let entry = auths
        .iter()
        .find(|(k, _)| key_host(k).eq_ignore_ascii_case(registry))
        .or_else(|| auths.iter().find(|(k, _)| same_registry(k, registry)))?
        .1;
    if let Some(auth) = entry
        .get("auth")
        .and_then(|a| a.as_str())
        .filter(|a| !a.is_empty())
    {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (username, password) = text.split_once(':')?;
        return Some(Credentials {
            username: username.to_string(),
            password: password.to_string(),
        });
    }
    let username = entry.get("username")?.as_str()?;
    let password = entry.get("password")?.as_str()?;
    Some(Credentials {
        username: username.to_string(),
        password: password.to_string(),
    })
}

/// The first credentials any config file holds for `registry`.
pub(crate) fn for_registry(registry: &str) -> Option<Credentials> {
    config_files()
        .iter()
        .filter_map(|f| std::fs::read(f).ok())
        .find_map(|bytes| lookup(&bytes, registry))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_auth_field_and_plain_fields() {
        let config = br#"{"auths": {
            "https://index.docker.io/v1/": {"auth": "aHViOnNlY3JldA=="},
            "registry.example.com:5000": {"username": "u", "password": "p:w"},
            "ghcr.io": {"auth": "Z2g6dG9rZW46d2l0aDpjb2xvbnM="}
        }}"#;
        let hub = lookup(config, "registry-1.docker.io").unwrap();
        assert_eq!(
            (hub.username.as_str(), hub.password.as_str()),
            ("hub", "secret")
        );
        let own = lookup(config, "registry.example.com:5000").unwrap();
        assert_eq!((own.username.as_str(), own.password.as_str()), ("u", "p:w"));
        let gh = lookup(config, "ghcr.io").unwrap();
        assert_eq!(
            (gh.username.as_str(), gh.password.as_str()),
            ("gh", "token:with:colons")
        );
        assert!(lookup(config, "quay.io").is_none());
        assert!(lookup(b"not json", "ghcr.io").is_none());
    }
}
