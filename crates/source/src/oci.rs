//! A Helm-flavoured OCI distribution client: tags (`/v2/<name>/tags/list`,
//! Helm's `+` <-> `_` tag convention), manifests with Helm's media types,
//! digest-verified blob pulls, chart pushes, and registry authentication
//! (basic, or the bearer-token challenge of `WWW-Authenticate`).

use std::collections::HashMap;
use std::sync::Mutex;

use reqwest::Method;

use crate::credentials::Credentials;
use crate::digest::{hex_of, sha256_hex};
use crate::error::SourceError;
use crate::http::{Auth, Reply, Request, TlsSettings, Transport};

pub(crate) const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
pub(crate) const CONFIG_MEDIA_TYPE: &str = "application/vnd.cncf.helm.config.v1+json";
pub(crate) const CHART_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
const LEGACY_CHART_MEDIA_TYPE: &str = "application/tar+gzip";

/// `oci://registry/repository[:tag]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OciRef {
    /// `host[:port]`
    pub registry: String,
    /// The repository path, chart name last.
    pub repository: String,
    pub tag: Option<String>,
}

impl OciRef {
    /// Parses a reference with or without its `oci://` prefix.
    pub(crate) fn parse(reference: &str) -> Result<OciRef, SourceError> {
        let bad = |reason: &str| SourceError::BadReference {
            chart: reference.to_string(),
            reason: reason.to_string(),
        };
        let rest = reference
            .strip_prefix("oci://")
            .unwrap_or(reference)
            .trim_end_matches('/');
        let (registry, path) = rest
            .split_once('/')
            .ok_or_else(|| bad("expected oci://host/path/chart"))?;
        if registry.is_empty() || path.is_empty() {
            return Err(bad("expected oci://host/path/chart"));
        }
        if path.contains('@') {
            return Err(bad("digest references are not supported; name a version"));
        }
        let (repository, tag) = match path.rsplit_once(':') {
            Some((repo, tag)) if !tag.contains('/') => (repo, Some(tag.to_string())),
            _ => (path, None),
        };
        Ok(OciRef {
            registry: registry.to_string(),
            repository: repository.to_string(),
            tag,
        })
    }

    /// The chart name: the last path segment.
    pub(crate) fn chart_name(&self) -> &str {
        self.repository
            .rsplit('/')
            .next()
            .unwrap_or(&self.repository)
    }

    /// `oci://registry/repository`, without tag.
    pub(crate) fn location(&self) -> String {
        format!("oci://{}/{}", self.registry, self.repository)
    }
}

/// Helm's tag for a chart version: `+` is not allowed in tags.
pub(crate) fn tag_of(version: &str) -> String {
    version.replace('+', "_")
}

/// Whether `tag` is a valid OCI tag (`[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`), so
/// it can be asked for directly; constraints such as `~1.2` are not.
pub(crate) fn is_valid_tag(tag: &str) -> bool {
    let ok = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = tag.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && ok(bytes[0])
        && bytes[1..].iter().all(|&b| ok(b) || b == b'.' || b == b'-')
}

/// The host that serves a registry's API (Docker Hub's is not docker.io itself).
pub(crate) fn api_host(registry: &str) -> &str {
    match registry {
        "docker.io" | "index.docker.io" => "registry-1.docker.io",
        other => other,
    }
}

/// Whether a registry is on the loopback interface (spoken to over plain HTTP, as docker does).
pub(crate) fn is_loopback(registry: &str) -> bool {
    let host = match registry.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => registry.split(':').next().unwrap_or(registry),
    };
    host == "localhost" || host == "::1" || host.starts_with("127.")
}

/// Bearer tokens already obtained, per registry and scope.
#[derive(Default)]
pub(crate) struct TokenCache(Mutex<HashMap<(String, String), String>>);

/// A client for one registry.
pub(crate) struct Registry<'a> {
    pub transport: &'a Transport,
    pub tls: TlsSettings,
    pub base: String,
    pub registry: String,
    pub credentials: Option<Credentials>,
    pub tokens: &'a TokenCache,
}

/// The chart layer a manifest names.
pub(crate) struct ChartManifest {
    /// Hex SHA-256 of the chart archive.
    pub layer_digest: String,
}

fn registry_error(url: &str, message: impl Into<String>) -> SourceError {
    SourceError::Registry {
        url: url.to_string(),
        message: message.into(),
    }
}

impl Registry<'_> {
    fn url(&self, path: &str) -> String {
        format!("{}/v2/{path}", self.base)
    }

    /// Sends a request, answering an authentication challenge once.
    fn send(&self, req: Request, scope: &str) -> Result<Reply, SourceError> {
        let token_key = (self.registry.clone(), scope.to_string());
        let cached = self
            .tokens
            .0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&token_key)
            .cloned();
        let mut req = req;
        if let Some(token) = cached {
            req.auth = Auth::Bearer(token);
        }
        let reply = self.transport.send(&self.tls, &req, &self.base)?;
        if reply.status != 401 {
            return Ok(reply);
        }
        let challenge = reply.header("www-authenticate").unwrap_or("").to_string();
        let (scheme, params) = parse_challenge(&challenge);
        req.auth = match scheme.to_ascii_lowercase().as_str() {
            "bearer" => {
                let token = self.token(&params, scope)?;
                self.tokens
                    .0
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(token_key, token.clone());
                Auth::Bearer(token)
            }
            _ => match &self.credentials {
                Some(c) => Auth::Basic {
                    username: c.username.clone(),
                    password: c.password.clone(),
                },
                None => return Err(self.unauthorized(reply.status, req.url)),
            },
        };
        let retried = self.transport.send(&self.tls, &req, &self.base)?;
        if retried.status == 401 || retried.status == 403 {
            return Err(self.unauthorized(retried.status, req.url));
        }
        Ok(retried)
    }

    fn unauthorized(&self, status: u16, url: &str) -> SourceError {
        SourceError::Unauthorized {
            url: url.to_string(),
            repo: format!(
                "{} (repository credentials, or the auths of the docker or helm registry config)",
                self.registry
            ),
            status,
        }
    }

    /// Obtains a bearer token from the challenge's realm.
    fn token(&self, params: &HashMap<String, String>, scope: &str) -> Result<String, SourceError> {
        let realm = params
            .get("realm")
            .ok_or_else(|| registry_error(&self.base, "bearer challenge without a realm"))?;
        let mut url = url::Url::parse(realm)
            .map_err(|e| registry_error(&self.base, format!("token realm {realm}: {e}")))?;
        {
            let mut query = url.query_pairs_mut();
            if let Some(service) = params.get("service") {
                query.append_pair("service", service);
            }
            query.append_pair(
                "scope",
                params.get("scope").map(String::as_str).unwrap_or(scope),
            );
        }
        let url = url.to_string();
        let auth = match &self.credentials {
            Some(c) => Auth::Basic {
                username: c.username.clone(),
                password: c.password.clone(),
            },
            None => Auth::None,
        };
        let reply = self
            .transport
            .send(&self.tls, &Request::get(&url).auth(auth), &self.base)?;
        if reply.status == 401 || reply.status == 403 {
            return Err(self.unauthorized(reply.status, &url));
        }
        if !reply.ok() {
            return Err(SourceError::Http {
                url,
                status: reply.status,
            });
        }
        let body: serde_json::Value = serde_json::from_slice(&reply.body)
            .map_err(|e| registry_error(&url, format!("token answer is not JSON: {e}")))?;
        body.get("token")
            .or_else(|| body.get("access_token"))
            .and_then(|t| t.as_str())
            .map(String::from)
            .ok_or_else(|| registry_error(&url, "token answer has no token"))
    }

    fn pull_scope(repository: &str) -> String {
        format!("repository:{repository}:pull")
    }

    /// Every tag of a repository, following `Link` pagination; Helm's `_` read back as `+`.
    pub(crate) fn tags(&self, reference: &OciRef) -> Result<Vec<String>, SourceError> {
        let scope = Self::pull_scope(&reference.repository);
        let mut url = self.url(&format!("{}/tags/list", reference.repository));
        let mut tags = Vec::new();
        for _ in 0..1000 {
            let reply = self.send(Request::get(&url), &scope)?;
            if reply.status == 404 {
                return Err(SourceError::ChartNotFound {
                    chart: reference.chart_name().to_string(),
                    repo: reference.location(),
                });
            }
            if !reply.ok() {
                return Err(SourceError::Http {
                    url,
                    status: reply.status,
                });
            }
            let body: serde_json::Value = serde_json::from_slice(&reply.body)
                .map_err(|e| registry_error(&url, format!("tag list is not JSON: {e}")))?;
            if let Some(list) = body.get("tags").and_then(|t| t.as_array()) {
                tags.extend(
                    list.iter()
                        .filter_map(|t| t.as_str())
                        .map(|t| t.replace('_', "+")),
                );
            }
            match reply.header("link").and_then(next_link) {
                Some(next) => {
                    url = url::Url::parse(&reply.url)
                        .and_then(|base| base.join(&next))
                        .map_err(|e| registry_error(&url, format!("bad Link header: {e}")))?
                        .to_string()
                }
                None => return Ok(tags),
            }
        }
        Err(registry_error(&url, "too many pages of tags"))
    }

    /// The chart layer of `tag`'s manifest; `None` when the tag does not exist.
    pub(crate) fn manifest(
        &self,
        reference: &OciRef,
        tag: &str,
    ) -> Result<Option<ChartManifest>, SourceError> {
        let url = self.url(&format!(
            "{}/manifests/{}",
            reference.repository,
            tag_of(tag)
        ));
        let reply = self.send(
            Request::get(&url).header("Accept", MANIFEST_MEDIA_TYPE),
            &Self::pull_scope(&reference.repository),
        )?;
        if reply.status == 404 {
            return Ok(None);
        }
        if !reply.ok() {
            return Err(SourceError::Http {
                url,
                status: reply.status,
            });
        }
        let actual = sha256_hex(&reply.body);
        if let Some(expected) = reply.header("docker-content-digest") {
            if expected.starts_with("sha256:") && hex_of(expected) != actual {
                return Err(SourceError::DigestMismatch {
                    what: format!("manifest {url}"),
                    expected: expected.to_string(),
                    actual: format!("sha256:{actual}"),
                });
            }
        }
        let manifest: serde_json::Value = serde_json::from_slice(&reply.body)
            .map_err(|e| registry_error(&url, format!("manifest is not JSON: {e}")))?;
        let layer = manifest
            .get("layers")
            .and_then(|l| l.as_array())
            .into_iter()
            .flatten()
            .find(|l| {
                matches!(
                    l.get("mediaType").and_then(|m| m.as_str()),
                    Some(CHART_MEDIA_TYPE | LEGACY_CHART_MEDIA_TYPE)
                )
            })
            .ok_or_else(|| {
                registry_error(&url, format!("manifest does not contain a layer with mediatype {CHART_MEDIA_TYPE}; not a Helm chart"))
            })?;
        let digest = layer
            .get("digest")
            .and_then(|d| d.as_str())
            .filter(|d| d.starts_with("sha256:"))
            .ok_or_else(|| registry_error(&url, "chart layer without a sha256 digest"))?;
        Ok(Some(ChartManifest {
            layer_digest: hex_of(digest),
        }))
    }

    /// Downloads a blob and checks it against its digest.
    pub(crate) fn blob(&self, reference: &OciRef, hex: &str) -> Result<Vec<u8>, SourceError> {
        let url = self.url(&format!("{}/blobs/sha256:{hex}", reference.repository));
        let reply = self.send(Request::get(&url), &Self::pull_scope(&reference.repository))?;
        if !reply.ok() {
            return Err(SourceError::Http {
                url,
                status: reply.status,
            });
        }
        let actual = sha256_hex(&reply.body);
        if actual != hex {
            return Err(SourceError::DigestMismatch {
                what: format!("chart layer {url}"),
                expected: format!("sha256:{hex}"),
                actual: format!("sha256:{actual}"),
            });
        }
        Ok(reply.body)
    }

    fn upload_blob(
        &self,
        repository: &str,
        bytes: &[u8],
        scope: &str,
    ) -> Result<String, SourceError> {
        let hex = sha256_hex(bytes);
        let digest = format!("sha256:{hex}");
        let head_url = self.url(&format!("{repository}/blobs/{digest}"));
        let head = Request {
            method: Method::HEAD,
            ..Request::get(&head_url)
        };
        if self.send(head, scope)?.ok() {
            return Ok(digest);
        }
        let start_url = self.url(&format!("{repository}/blobs/uploads/"));
        let start = self.send(
            Request {
                method: Method::POST,
                body: Some(Vec::new()),
                ..Request::get(&start_url)
            },
            scope,
        )?;
        if start.status != 202 {
            return Err(SourceError::Http {
                url: start_url,
                status: start.status,
            });
        }
        let location = start
            .header("location")
            .ok_or_else(|| registry_error(&start_url, "upload started without a Location"))?;
        let mut put_url = url::Url::parse(&start.url)
            .and_then(|base| base.join(location))
            .map_err(|e| registry_error(&start_url, format!("bad upload Location: {e}")))?;
        put_url.query_pairs_mut().append_pair("digest", &digest);
        let put_url = put_url.to_string();
        let put = self.send(
            Request {
                method: Method::PUT,
                body: Some(bytes.to_vec()),
                ..Request::get(&put_url)
            }
            .header("Content-Type", "application/octet-stream"),
            scope,
        )?;
        if put.status != 201 {
            return Err(SourceError::Http {
                url: put_url,
                status: put.status,
            });
        }
        Ok(digest)
    }

    /// Pushes a chart archive as `repository:tag` with Helm's media types;
    /// returns the manifest's digest.
    pub(crate) fn push(
        &self,
        repository: &str,
        tag: &str,
        config: &[u8],
        chart: &[u8],
        annotations: serde_json::Value,
    ) -> Result<String, SourceError> {
        let scope = format!("repository:{repository}:pull,push");
        let config_digest = self.upload_blob(repository, config, &scope)?;
        let chart_digest = self.upload_blob(repository, chart, &scope)?;
        let manifest = serde_json::json!({
            "schemaVersion": 2,
            "mediaType": MANIFEST_MEDIA_TYPE,
            "config": {"mediaType": CONFIG_MEDIA_TYPE, "digest": config_digest, "size": config.len()},
            "layers": [{"mediaType": CHART_MEDIA_TYPE, "digest": chart_digest, "size": chart.len()}],
            "annotations": annotations,
        });
        let body = manifest.to_string().into_bytes();
        let digest = format!("sha256:{}", sha256_hex(&body));
        let url = self.url(&format!("{repository}/manifests/{}", tag_of(tag)));
        let reply = self.send(
            Request {
                method: Method::PUT,
                body: Some(body),
                ..Request::get(&url)
            }
            .header("Content-Type", MANIFEST_MEDIA_TYPE),
            &scope,
        )?;
        if reply.status != 201 {
            return Err(SourceError::Http {
                url,
                status: reply.status,
            });
        }
        Ok(digest)
    }
}

/// `Bearer realm="...",service="...",scope="..."` -> (`Bearer`, params).
pub(crate) fn parse_challenge(header: &str) -> (String, HashMap<String, String>) {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    let mut params = HashMap::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if key.is_empty() {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            value = chars.by_ref().take_while(|c| *c != ',').collect();
        }
        params.insert(key.trim().to_ascii_lowercase(), value.trim().to_string());
    }
    (scheme.to_string(), params)
}

/// The target of a `Link: <url>; rel="next"` header.
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, rel) = part.split_once(';')?;
        rel.contains("next").then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let r = OciRef::parse("oci://localhost:5000/charts/web:1.2.3").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.tag.as_deref()),
            ("localhost:5000", "charts/web", Some("1.2.3"))
        );
        assert_eq!(r.chart_name(), "web");
        let r = OciRef::parse("oci://ghcr.io/org/charts/web").unwrap();
        assert_eq!(
            (r.registry.as_str(), r.repository.as_str(), r.tag),
            ("ghcr.io", "org/charts/web", None)
        );
        assert!(OciRef::parse("oci://ghcr.io").is_err());
        assert!(
            is_loopback("127.0.0.1:5000") && is_loopback("localhost") && is_loopback("[::1]:80")
        );
        assert!(!is_loopback("ghcr.io"));
        assert_eq!(tag_of("1.0.0+build.7"), "1.0.0_build.7");
        assert!(is_valid_tag("1.0.0_build.7") && is_valid_tag("v2") && is_valid_tag("latest"));
        assert!(
            !is_valid_tag("~1.2")
                && !is_valid_tag(">=1 <2")
                && !is_valid_tag("")
                && !is_valid_tag(".1")
        );
        assert_eq!(api_host("docker.io"), "registry-1.docker.io");
        assert_eq!(api_host("ghcr.io"), "ghcr.io");
    }

    #[test]
    fn parses_challenges_and_links() {
        let (scheme, p) = parse_challenge(
            r#"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push""#,
        );
        assert_eq!(scheme, "Bearer");
        assert_eq!(p["realm"], "https://auth.example.com/token");
        assert_eq!(p["service"], "registry.example.com");
        assert_eq!(p["scope"], "repository:a/b:pull,push");
        let (scheme, p) = parse_challenge(r#"Basic realm="Registry Realm""#);
        assert_eq!(
            (scheme.as_str(), p["realm"].as_str()),
            ("Basic", "Registry Realm")
        );
        assert_eq!(
            next_link(r#"</v2/web/tags/list?last=b&n=2>; rel="next""#).as_deref(),
            Some("/v2/web/tags/list?last=b&n=2")
        );
        assert_eq!(next_link(""), None);
    }
}
