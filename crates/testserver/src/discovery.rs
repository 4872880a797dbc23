//! Discovery: /version, /api, /apis, per group-version resource lists, and the
//! aggregated `apidiscovery.k8s.io/v2` documents kubectl 1.34 and helm prefer.

use crate::resources::Resource;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub const AGGREGATED_CONTENT_TYPE: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

pub fn version() -> Value {
    json!({
        "major": "1", "minor": "34", "emulationMajor": "1", "emulationMinor": "34",
        "minCompatibilityMajor": "1", "minCompatibilityMinor": "33",
        "gitVersion": "v1.34.0", "gitCommit": "berth-testserver", "gitTreeState": "clean",
        "buildDate": "2025-08-27T00:00:00Z", "goVersion": "go1.24.6", "compiler": "gc",
        "platform": "linux/amd64",
    })
}

/// Versions of each group, preferred first.
fn groups(resources: &[Resource]) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in resources {
        let versions = out.entry(r.group.clone()).or_default();
        if !versions.contains(&r.version) {
            versions.push(r.version.clone());
        }
    }
    for versions in out.values_mut() {
        versions.sort_by_key(|v| std::cmp::Reverse(version_priority(v)));
    }
    out
}

/// Kubernetes version ordering: GA > beta > alpha, higher numbers first.
fn version_priority(v: &str) -> (u8, u32, u32) {
    let digits = |s: &str| s.parse::<u32>().unwrap_or(0);
    let rest = v.trim_start_matches('v');
    if let Some((major, minor)) = rest.split_once("beta") {
        (1, digits(major), digits(minor))
    } else if let Some((major, minor)) = rest.split_once("alpha") {
        (0, digits(major), digits(minor))
    } else {
        (2, digits(rest), 0)
    }
}

pub fn api_versions(server_address: &str) -> Value {
    json!({"kind": "APIVersions", "versions": ["v1"],
           "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]})
}

fn group_entry(group: &str, versions: &[String]) -> Value {
    let gvs: Vec<Value> = versions
        .iter()
        .map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v}))
        .collect();
    json!({"name": group, "versions": gvs, "preferredVersion": gvs.first().cloned().unwrap_or(json!({}))})
}

pub fn api_group_list(resources: &[Resource]) -> Value {
    let groups: Vec<Value> = groups(resources)
        .iter()
        .filter(|(g, _)| !g.is_empty())
        .map(|(g, vs)| group_entry(g, vs))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

pub fn api_group(resources: &[Resource], group: &str) -> Option<Value> {
    let all = groups(resources);
    let versions = all.get(group)?;
    let mut entry = group_entry(group, versions);
    entry["kind"] = json!("APIGroup");
    entry["apiVersion"] = json!("v1");
    Some(entry)
}

pub fn resource_list(resources: &[Resource], group: &str, version: &str) -> Option<Value> {
    let gv: Vec<&Resource> = resources.iter().filter(|r| r.group == group && r.version == version).collect();
    if gv.is_empty() {
        return None;
    }
    let mut list = Vec::new();
    for r in gv {
        let mut entry = json!({
            "name": r.plural, "singularName": r.singular, "namespaced": r.namespaced,
            "kind": r.kind, "verbs": r.verbs,
        });
        if !r.short_names.is_empty() {
            entry["shortNames"] = json!(r.short_names);
        }
        if !r.categories.is_empty() {
            entry["categories"] = json!(r.categories);
        }
        list.push(entry);
        if r.status {
            list.push(json!({"name": format!("{}/status", r.plural), "singularName": "", "namespaced": r.namespaced,
                             "kind": r.kind, "verbs": ["get", "patch", "update"]}));
        }
        if r.scale {
            list.push(json!({"name": format!("{}/scale", r.plural), "singularName": "", "namespaced": r.namespaced,
                             "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]}));
        }
    }
    let gv = if group.is_empty() { version.to_string() } else { format!("{group}/{version}") };
    Some(json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": list}))
}

fn aggregated_resource(r: &Resource) -> Value {
    let mut entry = json!({
        "resource": r.plural,
        "responseKind": {"group": "", "version": "", "kind": r.kind},
        "scope": if r.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": r.singular,
        "verbs": r.verbs,
    });
    if !r.short_names.is_empty() {
        entry["shortNames"] = json!(r.short_names);
    }
    if !r.categories.is_empty() {
        entry["categories"] = json!(r.categories);
    }
    let mut subs = Vec::new();
    if r.status {
        subs.push(json!({"subresource": "status", "responseKind": {"group": "", "version": "", "kind": r.kind},
                         "verbs": ["get", "patch", "update"]}));
    }
    if r.scale {
        subs.push(json!({"subresource": "scale", "responseKind": {"group": "autoscaling", "version": "v1", "kind": "Scale"},
                         "verbs": ["get", "patch", "update"]}));
    }
    if !subs.is_empty() {
        entry["subresources"] = json!(subs);
    }
    entry
}

/// The aggregated document for the legacy group (`core`) or for all named groups.
pub fn aggregated(resources: &[Resource], legacy: bool) -> Value {
    let items: Vec<Value> = groups(resources)
        .iter()
        .filter(|(g, _)| g.is_empty() == legacy)
        .map(|(g, versions)| {
            let vs: Vec<Value> = versions
                .iter()
                .map(|v| {
                    let rs: Vec<Value> = resources
                        .iter()
                        .filter(|r| &r.group == g && &r.version == v)
                        .map(aggregated_resource)
                        .collect();
                    json!({"version": v, "resources": rs, "freshness": "Current"})
                })
                .collect();
            let mut meta = json!({"creationTimestamp": null});
            if !g.is_empty() {
                meta["name"] = json!(g);
            }
            json!({"metadata": meta, "versions": vs})
        })
        .collect();
    json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items})
}
