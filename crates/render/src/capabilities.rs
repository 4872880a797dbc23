//! `.Capabilities` as `helm template` offers it: the Kubernetes version (from
//! `--kube-version` or Helm's default), the API versions Helm knows offline plus
//! `--api-versions`, and Helm's own version. The default lists are what helm 4.1.4
//! and 3.17.3 print for `.Capabilities.APIVersions`.

use std::sync::Arc;

use chart::HelmVersion;
use gotmpl::{FuncError, GoType, List, Object, Signature, Value};

/// The API versions helm 4.1.4 knows without a cluster, in its order.
const HELM4_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// The API versions helm 3.17.3 knows without a cluster, in its order.
const HELM3_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1alpha1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1alpha1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// A Kubernetes version as `.Capabilities.KubeVersion` exposes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubeVersion {
    pub version: String,
    pub major: String,
    pub minor: String,
}

impl KubeVersion {
    /// Parses `--kube-version` as Helm does (`1.33`, `v1.33.0`, `1.33.0-rc.1`...):
    /// the version is normalised to `vMAJOR.MINOR.PATCH[-pre][+build]`.
    pub fn parse(text: &str) -> Result<KubeVersion, String> {
        let trimmed = text.strip_prefix('v').unwrap_or(text);
        if !chart::version::is_valid(trimmed) {
            return Err(format!(
                "invalid kube version '{text}': Invalid Semantic Version"
            ));
        }
        let (core, suffix) = match trimmed.find(['-', '+']) {
            Some(i) => (&trimmed[..i], &trimmed[i..]),
            None => (trimmed, ""),
        };
        let mut numbers = core.split('.').map(|n| n.parse::<u64>().unwrap_or(0));
        let major = numbers.next().unwrap_or(0);
        let minor = numbers.next().unwrap_or(0);
        let patch = numbers.next().unwrap_or(0);
        Ok(KubeVersion {
            version: format!("v{major}.{minor}.{patch}{suffix}"),
            major: major.to_string(),
            minor: minor.to_string(),
        })
    }

    /// Helm's default when no `--kube-version` is given.
    pub fn default_for(helm: HelmVersion) -> KubeVersion {
        let text = match helm {
            HelmVersion::Helm4 => "v1.35.0",
            HelmVersion::Helm3 => "v1.32.0",
        };
        KubeVersion::parse(text).unwrap_or(KubeVersion {
            version: text.into(),
            major: "1".into(),
            minor: "0".into(),
        })
    }
}

/// What `.Capabilities` describes.
#[derive(Clone, Debug)]
pub struct Capabilities {
    pub kube_version: KubeVersion,
    pub api_versions: Vec<String>,
    pub helm: HelmVersion,
}

impl Capabilities {
    /// The offline capabilities of the given Helm, with extra API versions appended.
    pub fn new(
        helm: HelmVersion,
        kube_version: Option<KubeVersion>,
        extra_api_versions: &[String],
    ) -> Capabilities {
        let defaults = match helm {
            HelmVersion::Helm4 => HELM4_API_VERSIONS,
            HelmVersion::Helm3 => HELM3_API_VERSIONS,
        };
        let mut api_versions: Vec<String> = defaults.iter().map(|s| s.to_string()).collect();
        api_versions.extend(extra_api_versions.iter().cloned());
        Capabilities {
            kube_version: kube_version.unwrap_or_else(|| KubeVersion::default_for(helm)),
            api_versions,
            helm,
        }
    }

    fn package(&self) -> &'static str {
        match self.helm {
            HelmVersion::Helm4 => "common",
            HelmVersion::Helm3 => "chartutil",
        }
    }

    /// The template value: a `*common.Capabilities` (`*chartutil.Capabilities` in Helm 3).
    pub fn to_value(&self) -> Value {
        Value::Object(Arc::new(CapabilitiesObject(self.clone())))
    }
}

#[derive(Debug)]
struct CapabilitiesObject(Capabilities);

impl Object for CapabilitiesObject {
    fn type_name(&self) -> String {
        format!("*{}.Capabilities", self.0.package())
    }

    fn field(&self, name: &str) -> Option<Value> {
        let caps = &self.0;
        Some(match name {
            "KubeVersion" => Value::Object(Arc::new(KubeVersionObject(
                caps.kube_version.clone(),
                caps.package(),
            ))),
            "APIVersions" => Value::List(Arc::new(List::named(
                GoType::String,
                caps.api_versions
                    .iter()
                    .map(|v| Value::string(v.as_str()))
                    .collect(),
                Arc::new(VersionSet(caps.api_versions.clone(), caps.package())),
            ))),
            "HelmVersion" => Value::Object(Arc::new(HelmVersionObject(caps.helm))),
            _ => return None,
        })
    }

    fn fields(&self) -> Vec<(String, Value)> {
        ["KubeVersion", "APIVersions", "HelmVersion"]
            .iter()
            .filter_map(|n| self.field(n).map(|v| (n.to_string(), v)))
            .collect()
    }
}

#[derive(Debug)]
struct KubeVersionObject(KubeVersion, &'static str);

impl Object for KubeVersionObject {
    fn type_name(&self) -> String {
        format!("{}.KubeVersion", self.1)
    }

    fn field(&self, name: &str) -> Option<Value> {
        Some(Value::string(match name {
            "Version" => self.0.version.as_str(),
            "Major" => self.0.major.as_str(),
            "Minor" => self.0.minor.as_str(),
            _ => return None,
        }))
    }

    fn method(&self, name: &str) -> Option<Signature> {
        matches!(name, "String" | "GitVersion").then(|| Signature::new(vec![]))
    }

    fn call_method(&self, _name: &str, _args: Vec<Value>) -> Result<Value, FuncError> {
        Ok(Value::string(self.0.version.as_str()))
    }

    fn is_pointer(&self) -> bool {
        false
    }

    fn fields(&self) -> Vec<(String, Value)> {
        ["Version", "Major", "Minor"]
            .iter()
            .filter_map(|n| self.field(n).map(|v| (n.to_string(), v)))
            .collect()
    }

    fn stringer(&self) -> Option<String> {
        Some(self.0.version.clone())
    }
}

/// `common.VersionSet`: a slice of strings with a `Has` method.
#[derive(Debug)]
struct VersionSet(Vec<String>, &'static str);

impl Object for VersionSet {
    fn type_name(&self) -> String {
        format!("{}.VersionSet", self.1)
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn method(&self, name: &str) -> Option<Signature> {
        (name == "Has").then(|| Signature::new(vec![GoType::String]))
    }

    fn call_method(&self, _name: &str, args: Vec<Value>) -> Result<Value, FuncError> {
        let wanted = args.first().and_then(Value::as_str).unwrap_or_default();
        Ok(Value::Bool(self.0.iter().any(|v| v == wanted)))
    }
}

#[derive(Debug)]
struct HelmVersionObject(HelmVersion);

impl Object for HelmVersionObject {
    fn type_name(&self) -> String {
        match self.0 {
            HelmVersion::Helm4 => "common.HelmVersion".into(),
            HelmVersion::Helm3 => "chartutil.HelmVersion".into(),
        }
    }

    fn field(&self, name: &str) -> Option<Value> {
        self.fields()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    fn is_pointer(&self) -> bool {
        false
    }

    fn fields(&self) -> Vec<(String, Value)> {
        let mut fields = match self.0 {
            HelmVersion::Helm4 => vec![
                ("Version", "v4.1.4"),
                ("GitCommit", "05fa37973dc9e42b76e1d2883494c87174b6074f"),
                ("GitTreeState", "clean"),
                ("GoVersion", "go1.25.9"),
            ],
            HelmVersion::Helm3 => vec![
                ("Version", "v3.17.3"),
                ("GitCommit", "e4da49785aa6e6ee2b86efd5dd9e43400318262b"),
                ("GitTreeState", "clean"),
                ("GoVersion", "go1.23.7"),
            ],
        };
        if self.0 == HelmVersion::Helm4 {
            fields.push(("KubeClientVersion", "v1.35"));
        }
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), Value::string(v)))
            .collect()
    }
}
