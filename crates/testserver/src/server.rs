//! The HTTPS front: TLS, HTTP/1.1 and HTTP/2, bearer-token authentication, and
//! routing of discovery, OpenAPI and resource paths.

use crate::api::{Api, Target};
use crate::discovery;
use crate::openapi;
use crate::request::{Reply, RequestInfo};
use crate::status::ApiError;
use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Full};
use hyper::body::{Frame, Incoming};
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::collections::HashMap;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio_rustls::TlsAcceptor;

type Body = BoxBody<Bytes, Infallible>;

/// What every connection shares.
pub struct Shared {
    pub api: Arc<Api>,
    pub token: String,
    pub address: String,
    /// Print each request to stderr (`BERTH_TESTSERVER_LOG=1`).
    pub log: bool,
}

struct ChannelBody(mpsc::Receiver<Bytes>);

impl hyper::body::Body for ChannelBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0.poll_recv(cx).map(|o| o.map(|b| Ok(Frame::data(b))))
    }
}

fn full(code: u16, content_type: &str, body: Vec<u8>) -> Response<Body> {
    let mut resp = Response::new(Full::new(Bytes::from(body)).boxed());
    *resp.status_mut() = hyper::StatusCode::from_u16(code).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(v) = hyper::header::HeaderValue::from_str(content_type) {
        resp.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
    }
    resp
}

fn render(reply: Reply) -> Response<Body> {
    match reply {
        Reply::Json { code, body, content_type, warnings } => {
            let mut resp = full(code, &content_type, body.to_string().into_bytes());
            for w in warnings {
                let text = format!("299 - \"{}\"", w.replace('\\', "\\\\").replace('"', "\\\""));
                if let Ok(v) = hyper::header::HeaderValue::from_str(&text) {
                    resp.headers_mut().append(hyper::header::WARNING, v);
                }
            }
            resp
        }
        Reply::Text(text) => full(200, "text/plain", text.into_bytes()),
        Reply::Bytes { content_type, body } => full(200, &content_type, body),
        Reply::Stream(rx) => {
            let mut resp = Response::new(BoxBody::new(ChannelBody(rx)));
            resp.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                hyper::header::HeaderValue::from_static("application/json"),
            );
            resp
        }
    }
}

fn error(e: ApiError) -> Response<Body> {
    full(e.code, "application/json", e.to_status().to_string().into_bytes())
}

/// Serves until `shutdown` fires.
pub async fn serve(listener: TcpListener, tls: Arc<rustls::ServerConfig>, shared: Arc<Shared>, mut shutdown: oneshot::Receiver<()>) {
    let acceptor = TlsAcceptor::from(tls);
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => return,
            a = listener.accept() => a,
        };
        let Ok((stream, _)) = accepted else { continue };
        let acceptor = acceptor.clone();
        let shared = shared.clone();
        tokio::spawn(async move {
            let Ok(tls_stream) = acceptor.accept(stream).await else { return };
            let service = hyper::service::service_fn(move |req| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(handle(shared, req).await) }
            });
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(tls_stream), service)
                .await;
        });
    }
}

fn header(req: &Request<Incoming>, name: hyper::header::HeaderName) -> String {
    req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Response<Body> {
    let auth = header(&req, hyper::header::AUTHORIZATION);
    if auth.strip_prefix("Bearer ").map(str::trim) != Some(shared.token.as_str()) {
        return error(ApiError::unauthorized());
    }
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let mut query: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in form_urlencoded::parse(req.uri().query().unwrap_or_default().as_bytes()) {
        query.entry(k.into_owned()).or_default().push(v.into_owned());
    }
    let content_type = header(&req, hyper::header::CONTENT_TYPE);
    let accept = header(&req, hyper::header::ACCEPT);
    let user_agent = header(&req, hyper::header::USER_AGENT);
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return error(ApiError::bad_request("could not read the request body")),
    };
    let mut info = RequestInfo { method, path, query, content_type, accept, user_agent, body };
    let result = route(&shared, &mut info).await;
    if shared.log {
        let code = match &result {
            Ok(Reply::Json { code, .. }) => *code,
            Ok(Reply::Stream(_)) | Ok(Reply::Text(_)) | Ok(Reply::Bytes { .. }) => 200,
            Err(e) => e.code,
        };
        eprintln!(
            "{} {} {:?} [{}] -> {code} ({})",
            info.method, info.path, info.query, info.content_type, info.user_agent
        );
    }
    match result {
        Ok(reply) => render(reply),
        Err(e) => error(e),
    }
}

async fn route(shared: &Shared, req: &mut RequestInfo) -> Result<Reply, ApiError> {
    let api = &shared.api;
    let resources = api.resources();
    let aggregated = req.accept.contains("as=APIGroupDiscoveryList");
    let discovery_reply =
        |body| Reply::Json { code: 200, body, content_type: discovery::AGGREGATED_CONTENT_TYPE.into(), warnings: Vec::new() };
    let path = req.path.trim_end_matches('/').to_string();
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segs.as_slice() {
        ["version"] => return Ok(Reply::json(200, discovery::version())),
        ["healthz"] | ["livez"] | ["readyz"] => return Ok(Reply::json(200, serde_json::json!("ok"))),
        ["api"] if aggregated => return Ok(discovery_reply(discovery::aggregated(&resources, true))),
        ["api"] => return Ok(Reply::json(200, discovery::api_versions(&shared.address))),
        ["apis"] if aggregated => return Ok(discovery_reply(discovery::aggregated(&resources, false))),
        ["apis"] => return Ok(Reply::json(200, discovery::api_group_list(&resources))),
        ["api", v] => return discovery::resource_list(&resources, "", v).map(|b| Reply::json(200, b)).ok_or_else(ApiError::not_found_path),
        ["apis", g] => return discovery::api_group(&resources, g).map(|b| Reply::json(200, b)).ok_or_else(ApiError::not_found_path),
        ["apis", g, v] => return discovery::resource_list(&resources, g, v).map(|b| Reply::json(200, b)).ok_or_else(ApiError::not_found_path),
        ["openapi", "v2"] => return Ok(openapi::v2(&req.accept)),
        ["openapi", "v3"] => return Ok(Reply::json(200, openapi::root(&resources))),
        ["openapi", "v3", rest @ ..] => {
            return openapi::document(&resources, &rest.join("/")).map(|b| Reply::json(200, b)).ok_or_else(ApiError::not_found_path)
        }
        _ => {}
    }
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] => ("", *v, rest),
        ["apis", g, v, rest @ ..] => (*g, *v, rest),
        _ => return Err(ApiError::not_found_path()),
    };
    let (watch, rest) = match rest {
        ["watch", r @ ..] => (true, r),
        r => (false, r),
    };
    let (namespace, rest) = match rest {
        ["namespaces", name, "status" | "finalize"] => (None, vec!["namespaces", name, "status"]),
        ["namespaces", ns, r @ ..] if !r.is_empty() => (Some(ns.to_string()), r.to_vec()),
        r => (None, r.to_vec()),
    };
    let Some(plural) = rest.first() else { return Err(ApiError::not_found_path()) };
    let resource = api.find(group, version, plural).ok_or_else(ApiError::not_found_path)?;
    let mut name = rest.get(1).map(|s| s.to_string());
    let subresource = rest.get(2).map(|s| s.to_string());
    if watch {
        req.query.insert("watch".into(), vec!["true".into()]);
        if let Some(n) = name.take() {
            let mut sel = format!("metadata.name={n}");
            if let Some(existing) = req.query("fieldSelector").filter(|s| !s.is_empty()) {
                sel = format!("{existing},{sel}");
            }
            req.query.insert("fieldSelector".into(), vec![sel]);
        }
    }
    let namespace = if resource.namespaced { namespace.or(Some(String::new())).filter(|n| !n.is_empty()) } else { None };
    if resource.namespaced && namespace.is_none() && (name.is_some() || req.method != "GET") {
        return Err(ApiError::not_found_path());
    }
    let target = Target { resource, namespace, name, subresource };
    api.handle(req, target).await
}
