//! The API over HTTP with a plain client: authentication, concurrency,
//! resourceVersions, watches, pagination, patches, dry runs, protobuf bodies
//! and namespace deletion.

mod common;

use common::client;
use serde_json::{json, Value};
use testserver::{Options, TestServer};

fn server() -> TestServer {
    TestServer::start(Options::default()).expect("server starts")
}

struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    fn new(s: &TestServer) -> Api {
        Api { base: s.url().to_string(), token: s.token().to_string(), http: client(s) }
    }

    async fn send(&self, method: reqwest::Method, path: &str, content_type: &str, body: Option<Vec<u8>>) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("Content-Type", content_type);
        if let Some(b) = body {
            req = req.body(b);
        }
        let resp = req.send().await.expect("request sent");
        let code = resp.status().as_u16();
        let text = resp.text().await.expect("body read");
        (code, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, "application/json", None).await
    }

    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, "application/json", Some(body.to_string().into_bytes())).await
    }

    async fn put(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, "application/json", Some(body.to_string().into_bytes())).await
    }

    async fn patch(&self, path: &str, content_type: &str, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::PATCH, path, content_type, Some(body.to_string().into_bytes())).await
    }

    async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::DELETE, path, "application/json", None).await
    }
}

const CM: &str = "/api/v1/namespaces/default/configmaps";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_token_gets_401_with_a_status() {
    let s = server();
    let http = client(&s);
    let resp = http
        .get(format!("{}/api/v1/namespaces", s.url()))
        .bearer_auth("wrong")
        .send()
        .await
        .expect("request sent");
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = resp.json().await.expect("json");
    assert_eq!(body["kind"], "Status");
    assert_eq!(body["reason"], "Unauthorized");
    assert_eq!(body["code"], 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_applies_lose_nothing_and_report_every_conflict() {
    let s = server();
    let api = std::sync::Arc::new(Api::new(&s));
    let path = format!("{CM}/shared");
    let mut tasks = Vec::new();
    for i in 0..50 {
        let api = api.clone();
        let path = path.clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shared"},
                              "data": {format!("key{i}"): format!("v{i}"), "common": "same"}});
            api.patch(&format!("{path}?fieldManager=m{i}"), "application/apply-patch+yaml", &body).await
        }));
    }
    for t in tasks {
        let (code, body) = t.await.expect("task");
        assert!(code == 200 || code == 201, "{code} {body}");
    }
    let (_, obj) = api.get(&path).await;
    let data = obj["data"].as_object().expect("data");
    assert_eq!(data.len(), 51, "{obj}");
    let managers = obj["metadata"]["managedFields"].as_array().expect("managedFields");
    assert_eq!(managers.len(), 50);

    let mut tasks = Vec::new();
    for i in 0..50 {
        let api = api.clone();
        let path = path.clone();
        tasks.push(tokio::spawn(async move {
            let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "shared"},
                              "data": {format!("key{i}"): format!("v{i}"), "common": format!("mine-{i}")}});
            api.patch(&format!("{path}?fieldManager=m{i}"), "application/apply-patch+yaml", &body).await
        }));
    }
    for (i, t) in tasks.into_iter().enumerate() {
        let (code, body) = t.await.expect("task");
        assert_eq!(code, 409, "{body}");
        assert_eq!(body["reason"], "Conflict");
        let causes = body["details"]["causes"].as_array().expect("causes");
        assert_eq!(causes.len(), 49, "{body}");
        assert!(causes.iter().all(|c| c["type"] == "FieldManagerConflict" && c["field"] == ".data.common"));
        assert!(!causes.iter().any(|c| c["message"] == format!("conflict with \"m{i}\"")));
        assert!(body["message"].as_str().expect("message").starts_with("Apply failed with 49 conflicts: conflicts with \""));
    }
    let (_, after) = api.get(&path).await;
    assert_eq!(after["data"]["common"], "same");
    assert_eq!(after["metadata"]["resourceVersion"], obj["metadata"]["resourceVersion"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_use_optimistic_concurrency() {
    let s = server();
    let api = Api::new(&s);
    let (code, created) = api.post(CM, &json!({"metadata": {"generateName": "cfg-"}, "data": {"a": "1"}})).await;
    assert_eq!(code, 201);
    let name = created["metadata"]["name"].as_str().expect("name").to_string();
    assert!(name.starts_with("cfg-") && name.len() == 9, "{name}");
    assert!(created["metadata"]["uid"].is_string() && created["metadata"]["creationTimestamp"].is_string());
    let path = format!("{CM}/{name}");
    let mut stale = created.clone();
    let mut fresh = created.clone();
    fresh["data"]["a"] = json!("2");
    let (code, updated) = api.put(&path, &fresh).await;
    assert_eq!(code, 200);
    assert_ne!(updated["metadata"]["resourceVersion"], created["metadata"]["resourceVersion"]);
    stale["data"]["a"] = json!("3");
    let (code, err) = api.put(&path, &stale).await;
    assert_eq!(code, 409);
    assert_eq!(
        err["message"],
        format!("Operation cannot be fulfilled on configmaps \"{name}\": the object has been modified; please apply your changes to the latest version and try again")
    );
    let (code, _) = api.post(CM, &json!({"metadata": {"name": name}})).await;
    assert_eq!(code, 409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_paginates_and_selects() {
    let s = server();
    let api = Api::new(&s);
    for i in 0..5 {
        let (code, _) = api
            .post(CM, &json!({"metadata": {"name": format!("c{i}"), "labels": {"parity": if i % 2 == 0 { "even" } else { "odd" }}}}))
            .await;
        assert_eq!(code, 201);
    }
    let (_, page1) = api.get(&format!("{CM}?limit=2")).await;
    assert_eq!(page1["items"].as_array().expect("items").len(), 2);
    assert_eq!(page1["metadata"]["remainingItemCount"], 4, "c2..c4 and kube-root-ca.crt");
    let token = page1["metadata"]["continue"].as_str().expect("continue").to_string();
    let (_, page2) = api.get(&format!("{CM}?limit=2&continue={}", urlencode(&token))).await;
    assert_eq!(page2["items"][0]["metadata"]["name"], "c2");
    let (_, odd) = api.get(&format!("{CM}?labelSelector=parity%3Dodd")).await;
    let names: Vec<&str> = odd["items"].as_array().expect("items").iter().filter_map(|i| i["metadata"]["name"].as_str()).collect();
    assert_eq!(names, ["c1", "c3"]);
    let (_, one) = api.get(&format!("{CM}?fieldSelector=metadata.name%3Dc4")).await;
    assert_eq!(one["items"].as_array().expect("items").len(), 1);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patches_and_dry_runs() {
    let s = server();
    let api = Api::new(&s);
    api.post(CM, &json!({"metadata": {"name": "p"}, "data": {"a": "1", "b": "2"}})).await;
    let path = format!("{CM}/p");
    let (code, merged) = api.patch(&path, "application/merge-patch+json", &json!({"data": {"a": null, "c": "3"}})).await;
    assert_eq!(code, 200);
    assert_eq!(merged["data"], json!({"b": "2", "c": "3"}));
    let (code, patched) = api
        .patch(&path, "application/json-patch+json", &json!([{"op": "replace", "path": "/data/b", "value": "20"}]))
        .await;
    assert_eq!(code, 200);
    assert_eq!(patched["data"]["b"], "20");
    let (code, dry) = api.patch(&format!("{path}?dryRun=All"), "application/merge-patch+json", &json!({"data": {"d": "4"}})).await;
    assert_eq!(code, 200);
    assert_eq!(dry["data"]["d"], "4");
    let (_, live) = api.get(&path).await;
    assert!(live["data"].get("d").is_none());
    assert_eq!(live["metadata"]["resourceVersion"], patched["metadata"]["resourceVersion"]);
    let (code, _) = api.post(&format!("{CM}?dryRun=All"), &json!({"metadata": {"name": "ghost"}})).await;
    assert_eq!(code, 201);
    let (code, _) = api.get(&format!("{CM}/ghost")).await;
    assert_eq!(code, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strategic_merge_patch_merges_containers_by_name() {
    let s = server();
    let api = Api::new(&s);
    let deploy = json!({"metadata": {"name": "d"}, "spec": {"selector": {"matchLabels": {"a": "b"}},
        "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [
            {"name": "one", "image": "x:1"}, {"name": "two", "image": "y:1"}]}}}});
    let (code, _) = api.post("/apis/apps/v1/namespaces/default/deployments", &deploy).await;
    assert_eq!(code, 201);
    let (code, patched) = api
        .patch(
            "/apis/apps/v1/namespaces/default/deployments/d",
            "application/strategic-merge-patch+json",
            &json!({"spec": {"template": {"spec": {"containers": [{"name": "two", "image": "y:2"}]}}}}),
        )
        .await;
    assert_eq!(code, 200, "{patched}");
    let containers = &patched["spec"]["template"]["spec"]["containers"];
    assert_eq!(containers, &json!([{"name": "one", "image": "x:1"}, {"name": "two", "image": "y:2"}]));
    assert_eq!(patched["metadata"]["generation"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_list_ends_initial_events_with_a_bookmark() {
    let s = server();
    let api = Api::new(&s);
    api.post(CM, &json!({"metadata": {"name": "w1", "labels": {"test": "watch"}}})).await;
    let resp = api
        .http
        .get(format!("{}{CM}?watch=true&labelSelector=test%3Dwatch&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true", api.base))
        .bearer_auth(&api.token)
        .send()
        .await
        .expect("watch starts");
    let mut resp = resp;
    let mut buf = String::new();
    let mut lines: Vec<Value> = Vec::new();
    api.post(CM, &json!({"metadata": {"name": "w2", "labels": {"test": "watch"}}})).await;
    while lines.len() < 3 {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), resp.chunk())
            .await
            .expect("event in time")
            .expect("chunk")
            .expect("stream open");
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(i) = buf.find('\n') {
            let line: String = buf.drain(..=i).collect();
            lines.push(serde_json::from_str(&line).expect("event json"));
        }
    }
    assert_eq!(lines[0]["type"], "ADDED");
    assert_eq!(lines[0]["object"]["metadata"]["name"], "w1");
    assert_eq!(lines[1]["type"], "BOOKMARK");
    assert_eq!(lines[1]["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"], "true");
    assert_eq!(lines[2]["type"], "ADDED");
    assert_eq!(lines[2]["object"]["metadata"]["name"], "w2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_from_a_resource_version_replays_later_events() {
    let s = server();
    let api = Api::new(&s);
    let (_, a) = api.post(CM, &json!({"metadata": {"name": "a"}})).await;
    api.post(CM, &json!({"metadata": {"name": "b"}})).await;
    api.delete(&format!("{CM}/a")).await;
    let rv = a["metadata"]["resourceVersion"].as_str().expect("rv");
    let resp = api
        .http
        .get(format!("{}{CM}?watch=1&resourceVersion={rv}&timeoutSeconds=1", api.base))
        .bearer_auth(&api.token)
        .send()
        .await
        .expect("watch");
    let text = resp.text().await.expect("stream ends at timeout");
    let types: Vec<String> = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json")["type"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(types, ["ADDED", "DELETED"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_namespace_removes_its_objects() {
    let s = server();
    let api = Api::new(&s);
    let (code, _) = api.post("/api/v1/namespaces", &json!({"metadata": {"name": "team"}})).await;
    assert_eq!(code, 201);
    api.post("/api/v1/namespaces/team/configmaps", &json!({"metadata": {"name": "x"}})).await;
    let (code, gone) = api.delete("/api/v1/namespaces/team").await;
    assert_eq!(code, 200);
    assert_eq!(gone["status"]["phase"], "Terminating");
    let (code, _) = api.get("/api/v1/namespaces/team/configmaps/x").await;
    assert_eq!(code, 404);
    let (code, err) = api.post("/api/v1/namespaces/team/configmaps", &json!({"metadata": {"name": "y"}})).await;
    assert_eq!(code, 404);
    assert_eq!(err["message"], "namespaces \"team\" not found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finalizers_hold_deletion_until_removed() {
    let s = server();
    let api = Api::new(&s);
    api.post(CM, &json!({"metadata": {"name": "f", "finalizers": ["example.com/hold"]}})).await;
    let (code, held) = api.delete(&format!("{CM}/f")).await;
    assert_eq!(code, 200);
    assert!(held["metadata"]["deletionTimestamp"].is_string());
    let (code, _) = api.get(&format!("{CM}/f")).await;
    assert_eq!(code, 200);
    let (code, _) = api.patch(&format!("{CM}/f"), "application/merge-patch+json", &json!({"metadata": {"finalizers": null}})).await;
    assert_eq!(code, 200);
    let (code, _) = api.get(&format!("{CM}/f")).await;
    assert_eq!(code, 404);
}

/// A Secret in Kubernetes protobuf, built field by field from the wire format.
fn protobuf_secret() -> Vec<u8> {
    fn field(n: u8, bytes: &[u8]) -> Vec<u8> {
        let mut out = vec![(n << 3) | 2, bytes.len() as u8];
        out.extend_from_slice(bytes);
        out
    }
    let meta = [field(1, b"proto"), field(11, &[field(1, b"owner"), field(2, b"helm")].concat())].concat();
    let entry = [field(1, b"release"), field(2, b"\x00\x01bin")].concat();
    let secret = [field(1, &meta), field(2, &entry), field(3, b"helm.sh/release.v1")].concat();
    let type_meta = [field(1, b"v1"), field(2, b"Secret")].concat();
    let unknown = [field(1, &type_meta), field(2, &secret), field(4, b"application/vnd.kubernetes.protobuf")].concat();
    [b"k8s\0".to_vec(), unknown].concat()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protobuf_secret_bodies_are_decoded() {
    let s = server();
    let api = Api::new(&s);
    let (code, created) = api
        .send(reqwest::Method::POST, "/api/v1/namespaces/default/secrets", "application/vnd.kubernetes.protobuf", Some(protobuf_secret()))
        .await;
    assert_eq!(code, 201, "{created}");
    assert_eq!(created["metadata"]["name"], "proto");
    assert_eq!(created["metadata"]["labels"]["owner"], "helm");
    assert_eq!(created["type"], "helm.sh/release.v1");
    assert_eq!(created["data"]["release"], "AAFiaW4=");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_for_kubectl() {
    let s = server();
    let api = Api::new(&s);
    api.post(CM, &json!({"metadata": {"name": "t"}})).await;
    let resp = api
        .http
        .get(format!("{}{CM}?fieldSelector=metadata.name%3Dt", api.base))
        .bearer_auth(&api.token)
        .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json")
        .send()
        .await
        .expect("request");
    let table: Value = resp.json().await.expect("json");
    assert_eq!(table["kind"], "Table");
    assert_eq!(table["columnDefinitions"][0]["name"], "Name");
    assert_eq!(table["rows"][0]["cells"][0], "t");
    assert_eq!(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_from_a_compacted_resource_version_is_gone() {
    let s = TestServer::start(Options { event_history: 3, ..Options::default() }).expect("server starts");
    let api = Api::new(&s);
    for i in 0..6 {
        api.post(CM, &json!({"metadata": {"name": format!("g{i}")}})).await;
    }
    let resp = api
        .http
        .get(format!("{}{CM}?watch=true&resourceVersion=1", api.base))
        .bearer_auth(&api.token)
        .send()
        .await
        .expect("watch");
    let text = resp.text().await.expect("stream ends");
    let event: Value = serde_json::from_str(text.lines().next().expect("one event")).expect("json");
    assert_eq!(event["type"], "ERROR");
    assert_eq!(event["object"]["code"], 410);
    assert_eq!(event["object"]["reason"], "Expired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_leaving_a_watched_selector_are_deleted_events() {
    let s = server();
    let api = Api::new(&s);
    api.post(CM, &json!({"metadata": {"name": "sel", "labels": {"tier": "a"}}})).await;
    let mut resp = api
        .http
        .get(format!("{}{CM}?watch=true&labelSelector=tier%3Da", api.base))
        .bearer_auth(&api.token)
        .send()
        .await
        .expect("watch");
    api.patch(&format!("{CM}/sel"), "application/merge-patch+json", &json!({"metadata": {"labels": {"tier": "b"}}})).await;
    api.patch(&format!("{CM}/sel"), "application/merge-patch+json", &json!({"metadata": {"labels": {"tier": "a"}}})).await;
    let mut buf = String::new();
    let mut types = Vec::new();
    while types.len() < 3 {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), resp.chunk())
            .await
            .expect("event in time")
            .expect("chunk")
            .expect("stream open");
        buf.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(i) = buf.find('\n') {
            let line: String = buf.drain(..=i).collect();
            let v: Value = serde_json::from_str(&line).expect("json");
            types.push(v["type"].as_str().unwrap_or_default().to_string());
        }
    }
    assert_eq!(types, ["ADDED", "DELETED", "ADDED"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn null_fields_are_unset_and_defaulted() {
    let s = server();
    let api = Api::new(&s);
    let deploy = json!({"metadata": {"name": "n"}, "spec": {"replicas": null, "selector": {"matchLabels": {"a": "b"}},
        "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i", "args": null}]}}}});
    let (code, created) = api.post("/apis/apps/v1/namespaces/default/deployments", &deploy).await;
    assert_eq!(code, 201, "{created}");
    assert_eq!(created["spec"]["replicas"], 1);
    assert!(created["spec"]["template"]["spec"]["containers"][0].get("args").is_none());
}
