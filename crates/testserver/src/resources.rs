//! The resources the server serves: built-in kinds of a recent Kubernetes and
//! the kinds of Established CRDs, with their discovery facts.

use crate::schema::{self, Atom, Schema, TypeRef};
use serde_json::Value;
use std::sync::Arc;

/// One served resource of one group-version.
#[derive(Clone, Debug)]
pub struct Resource {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub singular: String,
    pub namespaced: bool,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    pub verbs: Vec<&'static str>,
    pub status: bool,
    pub scale: bool,
    /// The root type of its objects.
    pub root: TypeRef,
    /// Printer columns of a CRD (`additionalPrinterColumns`).
    pub printer_columns: Vec<Value>,
    /// A CRD version's `openAPIV3Schema`, served in the OpenAPI documents.
    pub openapi_schema: Option<Value>,
    /// Served for a CRD (objects keep apiVersion and kind inside lists).
    pub custom: bool,
}

impl Resource {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `plural` or `plural.group`, as error messages name the resource.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Storage identity: every version of a group-resource shares objects.
    pub fn storage_key(&self) -> String {
        format!("{}/{}", self.group, self.plural)
    }

    pub fn root_atom<'a>(&'a self, schema: &'a Schema) -> &'a Atom {
        schema.resolve(&self.root)
    }

    pub fn is_crd(&self) -> bool {
        self.group == "apiextensions.k8s.io" && self.plural == "customresourcedefinitions"
    }
}

pub const ALL_VERBS: [&str; 8] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

struct Spec {
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
    short: &'static [&'static str],
    status: bool,
    scale: bool,
    package: &'static str,
}

#[allow(clippy::too_many_arguments)]
const fn spec(
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    namespaced: bool,
    short: &'static [&'static str],
    status: bool,
    scale: bool,
    package: &'static str,
) -> Spec {
    Spec { group, version, kind, plural, namespaced, short, status, scale, package }
}

const BUILTIN: &[Spec] = &[
    spec("", "v1", "ConfigMap", "configmaps", true, &["cm"], false, false, "core"),
    spec("", "v1", "Endpoints", "endpoints", true, &["ep"], false, false, "core"),
    spec("", "v1", "Event", "events", true, &["ev"], false, false, "core"),
    spec("", "v1", "LimitRange", "limitranges", true, &["limits"], false, false, "core"),
    spec("", "v1", "Namespace", "namespaces", false, &["ns"], true, false, "core"),
    spec("", "v1", "Node", "nodes", false, &["no"], true, false, "core"),
    spec("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, &["pvc"], true, false, "core"),
    spec("", "v1", "PersistentVolume", "persistentvolumes", false, &["pv"], true, false, "core"),
    spec("", "v1", "Pod", "pods", true, &["po"], true, false, "core"),
    spec("", "v1", "PodTemplate", "podtemplates", true, &[], false, false, "core"),
    spec("", "v1", "ReplicationController", "replicationcontrollers", true, &["rc"], true, true, "core"),
    spec("", "v1", "ResourceQuota", "resourcequotas", true, &["quota"], true, false, "core"),
    spec("", "v1", "Secret", "secrets", true, &[], false, false, "core"),
    spec("", "v1", "ServiceAccount", "serviceaccounts", true, &["sa"], false, false, "core"),
    spec("", "v1", "Service", "services", true, &["svc"], true, false, "core"),
    spec("", "v1", "ComponentStatus", "componentstatuses", false, &["cs"], false, false, "core"),
    spec("admissionregistration.k8s.io", "v1", "MutatingAdmissionPolicy", "mutatingadmissionpolicies", false, &[], true, false, "admissionregistration"),
    spec("admissionregistration.k8s.io", "v1", "MutatingAdmissionPolicyBinding", "mutatingadmissionpolicybindings", false, &[], false, false, "admissionregistration"),
    spec("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false, &[], false, false, "admissionregistration"),
    spec("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false, &[], false, false, "admissionregistration"),
    spec("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies", false, &[], true, false, "admissionregistration"),
    spec("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings", false, &[], false, false, "admissionregistration"),
    spec("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, &["crd", "crds"], true, false, "apiextensions"),
    spec("apiregistration.k8s.io", "v1", "APIService", "apiservices", false, &[], true, false, "apiregistration"),
    spec("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", false, &[], false, false, "authentication"),
    spec("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, &[], false, false, "authorization"),
    spec("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", false, &[], false, false, "authorization"),
    spec("apps", "v1", "ControllerRevision", "controllerrevisions", true, &[], false, false, "apps"),
    spec("apps", "v1", "DaemonSet", "daemonsets", true, &["ds"], true, false, "apps"),
    spec("apps", "v1", "Deployment", "deployments", true, &["deploy"], true, true, "apps"),
    spec("apps", "v1", "ReplicaSet", "replicasets", true, &["rs"], true, true, "apps"),
    spec("apps", "v1", "StatefulSet", "statefulsets", true, &["sts"], true, true, "apps"),
    spec("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, &["hpa"], true, false, "autoscaling"),
    spec("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, &["hpa"], true, false, "autoscaling"),
    spec("batch", "v1", "CronJob", "cronjobs", true, &["cj"], true, false, "batch"),
    spec("batch", "v1", "Job", "jobs", true, &[], true, false, "batch"),
    spec("certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests", false, &["csr"], true, false, "certificates"),
    spec("coordination.k8s.io", "v1", "Lease", "leases", true, &[], false, false, "coordination"),
    spec("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, &[], false, false, "discovery"),
    spec("events.k8s.io", "v1", "Event", "events", true, &["ev"], false, false, "events"),
    spec("flowcontrol.apiserver.k8s.io", "v1", "FlowSchema", "flowschemas", false, &[], true, false, "flowcontrol"),
    spec("flowcontrol.apiserver.k8s.io", "v1", "PriorityLevelConfiguration", "prioritylevelconfigurations", false, &[], true, false, "flowcontrol"),
    spec("networking.k8s.io", "v1", "IPAddress", "ipaddresses", false, &["ip"], false, false, "networking"),
    spec("networking.k8s.io", "v1", "ServiceCIDR", "servicecidrs", false, &[], true, false, "networking"),
    spec("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false, &[], false, false, "networking"),
    spec("networking.k8s.io", "v1", "Ingress", "ingresses", true, &["ing"], true, false, "networking"),
    spec("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, &["netpol"], false, false, "networking"),
    spec("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", false, &[], false, false, "node"),
    spec("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, &["pdb"], true, false, "policy"),
    spec("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, &[], false, false, "rbac"),
    spec("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, &[], false, false, "rbac"),
    spec("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, &[], false, false, "rbac"),
    spec("rbac.authorization.k8s.io", "v1", "Role", "roles", true, &[], false, false, "rbac"),
    spec("resource.k8s.io", "v1", "DeviceClass", "deviceclasses", false, &[], false, false, "resource"),
    spec("resource.k8s.io", "v1", "ResourceClaim", "resourceclaims", true, &[], true, false, "resource"),
    spec("resource.k8s.io", "v1", "ResourceClaimTemplate", "resourceclaimtemplates", true, &[], false, false, "resource"),
    spec("resource.k8s.io", "v1", "ResourceSlice", "resourceslices", false, &[], false, false, "resource"),
    spec("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, &["pc"], false, false, "scheduling"),
    spec("storage.k8s.io", "v1", "CSIDriver", "csidrivers", false, &[], false, false, "storage"),
    spec("storage.k8s.io", "v1", "CSINode", "csinodes", false, &[], false, false, "storage"),
    spec("storage.k8s.io", "v1", "CSIStorageCapacity", "csistoragecapacities", true, &[], false, false, "storage"),
    spec("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, &["sc"], false, false, "storage"),
    spec("storage.k8s.io", "v1", "VolumeAttributesClass", "volumeattributesclasses", false, &["vac"], false, false, "storage"),
    spec("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", false, &[], true, false, "storage"),
];

fn categories(kind: &str) -> Vec<String> {
    match kind {
        "Pod" | "Service" | "ReplicationController" | "DaemonSet" | "Deployment" | "ReplicaSet"
        | "StatefulSet" | "CronJob" | "Job" | "HorizontalPodAutoscaler" => vec!["all".to_string()],
        "CustomResourceDefinition" | "APIService" => vec!["api-extensions".to_string()],
        _ => Vec::new(),
    }
}

/// Every built-in resource.
pub fn builtin() -> Vec<Resource> {
    let schema = Schema::builtin();
    BUILTIN
        .iter()
        .map(|s| {
            let type_name = format!("io.k8s.api.{}.{}.{}", s.package, s.version, s.kind);
            let root = if schema.get(&type_name).is_some() {
                TypeRef::Named(type_name)
            } else {
                TypeRef::Inline(Arc::new(schema::crd_root(None)))
            };
            Resource {
                group: s.group.to_string(),
                version: s.version.to_string(),
                kind: s.kind.to_string(),
                plural: s.plural.to_string(),
                singular: s.kind.to_lowercase(),
                namespaced: s.namespaced,
                short_names: s.short.iter().map(|x| x.to_string()).collect(),
                categories: categories(s.kind),
                verbs: if s.package == "authentication" || s.package == "authorization" { vec!["create"] } else { ALL_VERBS.to_vec() },
                status: s.status,
                scale: s.scale,
                root,
                printer_columns: Vec::new(),
                openapi_schema: None,
                custom: false,
            }
        })
        .collect()
}

/// The resources an Established CRD serves, one per served version.
pub fn from_crd(crd: &Value) -> Vec<Resource> {
    let spec = crd.get("spec").cloned().unwrap_or(Value::Null);
    let group = spec.get("group").and_then(Value::as_str).unwrap_or_default().to_string();
    let names = spec.get("names").cloned().unwrap_or(Value::Null);
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    let strings = |v: &Value, k: &str| -> Vec<String> {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let kind = text(&names, "kind");
    let plural = text(&names, "plural");
    let singular = match text(&names, "singular") {
        s if s.is_empty() => kind.to_lowercase(),
        s => s,
    };
    let namespaced = spec.get("scope").and_then(Value::as_str) != Some("Cluster");
    let versions = spec.get("versions").and_then(Value::as_array).cloned().unwrap_or_default();
    versions
        .iter()
        .filter(|v| v.get("served").and_then(Value::as_bool).unwrap_or(true))
        .map(|v| {
            let schema = v.pointer("/schema/openAPIV3Schema");
            Resource {
                group: group.clone(),
                version: text(v, "name"),
                kind: kind.clone(),
                plural: plural.clone(),
                singular: singular.clone(),
                namespaced,
                short_names: strings(&names, "shortNames"),
                categories: strings(&names, "categories"),
                verbs: ALL_VERBS.to_vec(),
                status: v.pointer("/subresources/status").is_some(),
                scale: v.pointer("/subresources/scale").is_some(),
                root: TypeRef::Inline(Arc::new(schema::crd_root(schema))),
                printer_columns: v
                    .get("additionalPrinterColumns")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
                openapi_schema: schema.cloned(),
                custom: true,
            }
        })
        .collect()
}
