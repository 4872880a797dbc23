//! Rendered files split into documents and classified as Helm's `SortManifests`
//! does: each document's head (apiVersion, kind, name, annotations) read, hooks
//! recognised by their annotation, and resources and hooks ordered by kind.

use std::collections::BTreeMap;

use chart::HelmVersion;
use goyaml::Value as Yaml;

use crate::engine::RenderError;

/// The annotation that makes a document a hook.
pub const HOOK_ANNOTATION: &str = "helm.sh/hook";
pub const HOOK_WEIGHT_ANNOTATION: &str = "helm.sh/hook-weight";
pub const HOOK_DELETE_ANNOTATION: &str = "helm.sh/hook-delete-policy";
pub const HOOK_OUTPUT_LOG_ANNOTATION: &str = "helm.sh/hook-output-log-policy";

const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// Helm 4's install order of kinds; kinds not listed come after, alphabetically.
/// Helm 3's is the same without the two webhook configurations at the end.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// The fields of a document Helm reads before applying it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Head {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub annotations: BTreeMap<String, String>,
}

/// A rendered resource document.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// The template file it came from.
    pub source: String,
    pub content: String,
    pub head: Head,
}

/// A rendered hook document.
#[derive(Clone, Debug, PartialEq)]
pub struct Hook {
    pub name: String,
    pub kind: String,
    pub source: String,
    pub manifest: String,
    pub events: Vec<String>,
    pub weight: i64,
    pub delete_policies: Vec<String>,
    pub output_log_policies: Vec<String>,
}

/// Resources and hooks in Helm's order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sorted {
    pub manifests: Vec<Manifest>,
    pub hooks: Vec<Hook>,
}

fn scalar_text(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Null => Some(String::new()),
        other => goyaml::sigs::string_target_text(other),
    }
}

fn field<'a>(pairs: &'a [(Yaml, Yaml)], name: &str) -> Option<&'a Yaml> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| matches!(k, Yaml::String(s) if s == name))
        .map(|(_, v)| v)
}

/// Reads a document's head as `yaml.Unmarshal` into Helm's `SimpleHead` does:
/// from the parser's events when they suffice, else from the decoded document.
fn read_head(document: &str) -> Result<Head, String> {
    match goyaml::head::read_simple_head(document.as_bytes()) {
        Some(head) => Ok(Head {
            api_version: head.api_version,
            kind: head.kind,
            name: head.name,
            annotations: head.annotations.into_iter().collect(),
        }),
        None => decode_head(document),
    }
}

/// The head read from the fully decoded document, with the decoder's errors.
fn decode_head(document: &str) -> Result<Head, String> {
    let value = goyaml::decode::unmarshal(document.as_bytes(), false)
        .map_err(|e| goyaml::SigsError::YamlToJson(goyaml::ConvertError::Yaml(e)).to_string())?;
    // Keys that are numbers or booleans become the same text as `scalar_text`
    // gives them, so the fields are read from the document as it is.
    goyaml::sigs::check_convertible(&value)
        .map_err(|e| goyaml::SigsError::YamlToJson(e).to_string())?;
    let mut head = Head::default();
    let Yaml::Map(pairs) = value else {
        return Ok(head);
    };
    head.api_version = field(&pairs, "apiVersion")
        .and_then(scalar_text)
        .unwrap_or_default();
    head.kind = field(&pairs, "kind")
        .and_then(scalar_text)
        .unwrap_or_default();
    if let Some(Yaml::Map(metadata)) = field(&pairs, "metadata") {
        head.name = field(metadata, "name")
            .and_then(scalar_text)
            .unwrap_or_default();
        if let Some(Yaml::Map(annotations)) = field(metadata, "annotations") {
            for (k, v) in annotations {
                if let (Some(k), Some(v)) = (scalar_text(k), scalar_text(v)) {
                    head.annotations.insert(k, v);
                }
            }
        }
    }
    Ok(head)
}

/// The install order the given Helm uses.
fn install_order(helm: HelmVersion) -> &'static [&'static str] {
    match helm {
        HelmVersion::Helm4 => INSTALL_ORDER,
        HelmVersion::Helm3 => &INSTALL_ORDER[..INSTALL_ORDER.len() - 2],
    }
}

/// Helm's `lessByKind` for install order.
fn kind_less(order: &[&str], a: &str, b: &str) -> bool {
    let rank = |kind: &str| order.iter().position(|k| *k == kind);
    match (rank(a), rank(b)) {
        (None, None) => a < b,
        (None, Some(_)) => false,
        (Some(_), None) => true,
        (Some(x), Some(y)) => x < y,
    }
}

fn stable_sort_by_kind<T>(order: &[&str], items: &mut [T], kind: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| {
        if kind_less(order, kind(a), kind(b)) {
            std::cmp::Ordering::Less
        } else if kind_less(order, kind(b), kind(a)) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
}

fn split_policies(value: Option<&String>) -> Vec<String> {
    value
        .map(|v| v.split(',').map(|p| p.trim().to_lowercase()).collect())
        .unwrap_or_default()
}

/// A rendered file's documents, each with its head or the reason it could not
/// be read.
pub type Documents = Vec<(String, Result<Head, String>)>;

/// Splits one rendered file into documents and reads their heads, as Helm's
/// `SortManifests` does for each file; a blank file has none. The engine calls
/// this as each file renders (partials never do), so the work runs in
/// parallel with the other templates.
pub fn read_documents(content: &str) -> Documents {
    if content.trim().is_empty() {
        return Vec::new();
    }
    goyaml::split::split_manifests(content)
        .into_iter()
        .map(|document| {
            let head = read_head(&document);
            (document, head)
        })
        .collect()
}

/// Helm's `SortManifests` over the documents of the rendered files, given in
/// file order: each document a resource or a hook, then both ordered by kind.
pub fn sort_documents<'a>(
    files: impl IntoIterator<Item = (&'a String, Documents)>,
    helm: HelmVersion,
) -> Result<Sorted, RenderError> {
    let mut sorted = Sorted::default();
    for (path, documents) in files {
        for (document, head) in documents {
            let head = head.map_err(|e| RenderError(format!("YAML parse error on {path}: {e}")))?;
            let Some(hook_types) = head.annotations.get(HOOK_ANNOTATION).cloned() else {
                sorted.manifests.push(Manifest {
                    source: path.clone(),
                    content: document,
                    head,
                });
                continue;
            };
            let events: Vec<String> = hook_types
                .split(',')
                .map(|t| t.trim().to_lowercase())
                .collect();
            if events.iter().any(|e| !HOOK_EVENTS.contains(&e.as_str())) {
                continue;
            }
            let weight = head
                .annotations
                .get(HOOK_WEIGHT_ANNOTATION)
                .and_then(|w| w.parse().ok())
                .unwrap_or(0);
            sorted.hooks.push(Hook {
                name: head.name.clone(),
                kind: head.kind.clone(),
                source: path.clone(),
                manifest: document,
                events: events
                    .into_iter()
                    .map(|e| {
                        if e == "test-success" {
                            "test".into()
                        } else {
                            e
                        }
                    })
                    .collect(),
                weight,
                delete_policies: split_policies(head.annotations.get(HOOK_DELETE_ANNOTATION)),
                output_log_policies: split_policies(
                    head.annotations.get(HOOK_OUTPUT_LOG_ANNOTATION),
                ),
            });
        }
    }
    let order = install_order(helm);
    stable_sort_by_kind(order, &mut sorted.manifests, |m| m.head.kind.as_str());
    stable_sort_by_kind(order, &mut sorted.hooks, |h| h.kind.as_str());
    Ok(sorted)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The event reader, where it answers, must answer as the full decoder.
    fn agrees(document: &str) -> Option<Head> {
        let fast = goyaml::head::read_simple_head(document.as_bytes()).map(|head| Head {
            api_version: head.api_version,
            kind: head.kind,
            name: head.name,
            annotations: head.annotations.into_iter().collect(),
        });
        if let Some(fast) = &fast {
            assert_eq!(Ok(fast.clone()), decode_head(document), "{document:?}");
        }
        fast
    }

    fn head(kind: &str, name: &str, annotations: &[(&str, &str)]) -> Head {
        Head {
            api_version: "v1".into(),
            kind: kind.into(),
            name: name.into(),
            annotations: annotations
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn plain_documents_are_read_from_events() {
        let cases = [
            (
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    helm.sh/hook: pre-install\n    x: \"1\"\ndata:\n  k: v\n",
                head("ConfigMap", "a", &[("helm.sh/hook", "pre-install"), ("x", "1")]),
            ),
            (
                "{apiVersion: v1, kind: Secret, metadata: {name: s, annotations: {a: 1, b: true, c: ~, d: 1.50}}}",
                head("Secret", "s", &[("a", "1"), ("b", "true"), ("c", ""), ("d", "1.5")]),
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: first\nmetadata:\n  annotations: {a: b}\n",
                head("Pod", "", &[("a", "b")]),
            ),
            (
                "apiVersion: v1\nkind: [List]\nmetadata:\n  name: {x: 1}\n  annotations:\n    a: b\n    a: [c]\n    z: y\n",
                head("", "", &[("z", "true")]),
            ),
            (
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\n  1: one\n  true: yes\nspec:\n  ports:\n  - {port: 80, 2.5: x}\n",
                head("Service", "svc", &[]),
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata: {name: a, annotations: {x: z}}\nmetadata: {name: b}\n",
                head("Pod", "b", &[]),
            ),
            ("apiVersion: v1\nkind: 12\nmetadata: n\n", head("12", "", &[])),
        ];
        for (document, want) in cases {
            assert_eq!(agrees(document), Some(want), "{document:?}");
        }
        for empty in [
            "",
            "# only a comment\n",
            "---\n",
            "just text\n",
            "- a\n- b\n",
        ] {
            assert_eq!(agrees(empty), Some(Head::default()), "{empty:?}");
        }
    }

    #[test]
    fn documents_the_decoder_must_judge_are_left_to_it() {
        let cases = [
            "kind: &k Pod\nmetadata: {name: *k}\n",
            "kind: !!str Pod\n",
            "base: &b {kind: Pod}\n<<: *b\n",
            "kind: Pod\nmetadata:\n  ~: x\n",
            "kind: Pod\nspec:\n  ? [a]\n  : b\n",
            "kind: Pod\nspec: {18446744073709551615: x}\n",
            "kind: Pod\nmetadata:\n  annotations: {1: a}\n",
            "kind: Pod\nmetadata: [\n",
            "kind: Pod\n  bad: indent\n",
        ];
        for document in cases {
            assert_eq!(agrees(document), None, "{document:?}");
        }
    }

    /// Every document helm 4 rendered for the shared corpus reads the same
    /// from events as decoded.
    #[test]
    fn corpus_manifests_read_alike() {
        let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpus/golden/helm4");
        let Ok(entries) = std::fs::read_dir(&golden) else {
            println!("corpus not found at {}: skipping", golden.display());
            return;
        };
        let (mut read, mut left) = (0, 0);
        for entry in entries {
            let path = entry.expect("corpus entry").path();
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("golden output is text");
            for document in goyaml::split::split_manifests(&text) {
                match agrees(&document) {
                    Some(_) => read += 1,
                    None => left += 1,
                }
            }
        }
        println!("{read} documents read from events, {left} left to the decoder");
        assert!(read > 10 * left, "{read} read from events, {left} not");
    }
}
