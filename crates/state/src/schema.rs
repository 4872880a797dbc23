//! The Go structs of helmfile's state (`HelmState`, `ReleaseSpec`...) as data:
//! their YAML keys in declaration order, types and `omitempty`, so that decoding,
//! mergo-style merging and `helmfile build` output follow the struct layout.

use std::collections::BTreeMap;

use goyaml::Value as Yaml;

/// The Go type of a struct field.
#[derive(Clone, Copy)]
pub(crate) enum Ty {
    Str,
    Bool,
    Int,
    /// `*bool`, `*int`, `*string`: present means non-nil.
    PtrBool,
    PtrInt,
    PtrStr,
    Strs,
    /// `[]any`.
    Anys,
    /// `map[string]string`.
    StrMap,
    Obj(&'static Schema),
    Objs(&'static Schema),
    ObjMap(&'static Schema),
}

pub(crate) struct FieldDef {
    pub key: &'static str,
    pub ty: Ty,
    pub omitempty: bool,
}

/// A Go struct: its type name (for error messages) and fields in order.
pub(crate) struct Schema {
    pub go_name: &'static str,
    pub fields: &'static [FieldDef],
}

impl Schema {
    pub fn field(&self, key: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|f| f.key == key)
    }
}

/// A field's value; absent fields of a [`Rec`] are Go's zero value (or nil).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Fv {
    Str(String),
    Bool(bool),
    Int(i64),
    Strs(Vec<String>),
    Anys(Vec<Yaml>),
    StrMap(BTreeMap<String, String>),
    Obj(Rec),
    Objs(Vec<Rec>),
    ObjMap(BTreeMap<String, Rec>),
}

/// Go's "empty value" of a field of type `ty`, as mergo and `omitempty` see
/// it: a set pointer is never empty.
pub(crate) fn is_empty(ty: Ty, v: &Fv) -> bool {
    match (ty, v) {
        (Ty::PtrBool | Ty::PtrInt | Ty::PtrStr, _) => false,
        (Ty::Obj(schema), Fv::Obj(r)) => r.is_zero(schema),
        (_, Fv::Str(s)) => s.is_empty(),
        (_, Fv::Bool(b)) => !b,
        (_, Fv::Int(i)) => *i == 0,
        (_, Fv::Strs(v)) => v.is_empty(),
        (_, Fv::Anys(v)) => v.is_empty(),
        (_, Fv::StrMap(m)) => m.is_empty(),
        (_, Fv::Obj(r)) => r.vals.is_empty(),
        (_, Fv::Objs(v)) => v.is_empty(),
        (_, Fv::ObjMap(m)) => m.is_empty(),
    }
}

/// A struct value: the fields that are set.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Rec {
    pub vals: BTreeMap<&'static str, Fv>,
}

impl Rec {
    /// Whether every field holds its zero value.
    pub fn is_zero(&self, schema: &Schema) -> bool {
        self.vals.iter().all(|(k, v)| match schema.field(k) {
            Some(def) => is_empty(def.ty, v),
            None => true,
        })
    }

    pub fn str(&self, key: &str) -> &str {
        match self.vals.get(key) {
            Some(Fv::Str(s)) => s,
            _ => "",
        }
    }

    pub fn opt_bool(&self, key: &str) -> Option<bool> {
        match self.vals.get(key) {
            Some(Fv::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    pub fn opt_int(&self, key: &str) -> Option<i64> {
        match self.vals.get(key) {
            Some(Fv::Int(i)) => Some(*i),
            _ => None,
        }
    }

    pub fn strs(&self, key: &str) -> Vec<String> {
        match self.vals.get(key) {
            Some(Fv::Strs(v)) => v.clone(),
            _ => Vec::new(),
        }
    }

    pub fn anys(&self, key: &str) -> Vec<Yaml> {
        match self.vals.get(key) {
            Some(Fv::Anys(v)) => v.clone(),
            _ => Vec::new(),
        }
    }

    pub fn str_map(&self, key: &str) -> BTreeMap<String, String> {
        match self.vals.get(key) {
            Some(Fv::StrMap(m)) => m.clone(),
            _ => BTreeMap::new(),
        }
    }

    pub fn obj(&self, key: &str) -> Rec {
        match self.vals.get(key) {
            Some(Fv::Obj(r)) => r.clone(),
            _ => Rec::default(),
        }
    }

    pub fn objs(&self, key: &str) -> Vec<Rec> {
        match self.vals.get(key) {
            Some(Fv::Objs(v)) => v.clone(),
            _ => Vec::new(),
        }
    }

    pub fn obj_map(&self, key: &str) -> BTreeMap<String, Rec> {
        match self.vals.get(key) {
            Some(Fv::ObjMap(m)) => m.clone(),
            _ => BTreeMap::new(),
        }
    }

    pub fn set(&mut self, key: &'static str, v: Fv) {
        self.vals.insert(key, v);
    }
}

const fn f(key: &'static str, ty: Ty, omitempty: bool) -> FieldDef {
    FieldDef { key, ty, omitempty }
}

pub(crate) static MISSING_FILE_HANDLER_CONFIG: Schema = Schema {
    go_name: "state.MissingFileHandlerConfig",
    fields: &[f("ignoreMissingGitBranch", Ty::Bool, true)],
};

pub(crate) static ENVIRONMENT_SPEC: Schema = Schema {
    go_name: "state.EnvironmentSpec",
    fields: &[
        f("values", Ty::Anys, true),
        f("secrets", Ty::Strs, true),
        f("kubeContext", Ty::Str, true),
        f("missingFileHandler", Ty::PtrStr, true),
        f(
            "missingFileHandlerConfig",
            Ty::Obj(&MISSING_FILE_HANDLER_CONFIG),
            true,
        ),
    ],
};

pub(crate) static HELM_SPEC: Schema = Schema {
    go_name: "state.HelmSpec",
    fields: &[
        f("kubeContext", Ty::Str, true),
        f("args", Ty::Strs, true),
        f("diffArgs", Ty::Strs, true),
        f("syncArgs", Ty::Strs, true),
        f("verify", Ty::Bool, false),
        f("keyring", Ty::Str, true),
        f("enableDNS", Ty::Bool, false),
        f("devel", Ty::Bool, false),
        f("wait", Ty::Bool, false),
        f("waitForJobs", Ty::Bool, false),
        f("timeout", Ty::Int, false),
        f("recreatePods", Ty::Bool, false),
        f("force", Ty::Bool, false),
        f("atomic", Ty::Bool, false),
        f("cleanupOnFail", Ty::Bool, true),
        f("historyMax", Ty::PtrInt, true),
        f("createNamespace", Ty::PtrBool, true),
        f("skipDeps", Ty::Bool, false),
        f("reuseValues", Ty::Bool, false),
        f("postRenderer", Ty::PtrStr, true),
        f("postRendererArgs", Ty::Strs, true),
        f("cascade", Ty::PtrStr, true),
        f("suppressOutputLineRegex", Ty::Strs, true),
        f("disableValidation", Ty::PtrBool, true),
        f("disableOpenAPIValidation", Ty::PtrBool, true),
        f("insecureSkipTLSVerify", Ty::Bool, true),
        f("deleteWait", Ty::Bool, false),
        f("deleteTimeout", Ty::Int, false),
    ],
};

pub(crate) static SUBHELMFILE_ENVIRONMENT: Schema = Schema {
    go_name: "state.SubhelmfileEnvironmentSpec",
    fields: &[f("values", Ty::Anys, true)],
};

pub(crate) static SUBHELMFILE_SPEC: Schema = Schema {
    go_name: "state.SubHelmfileSpec",
    fields: &[
        f("path", Ty::Str, true),
        f("selectors", Ty::Strs, true),
        f("selectorsInherited", Ty::Bool, true),
        f("environment", Ty::Obj(&SUBHELMFILE_ENVIRONMENT), false),
    ],
};

/// `SubHelmfileSpec.MarshalYAML`: the environment values written inline.
pub(crate) static SUBHELMFILE_MARSHALLED: Schema = Schema {
    go_name: "state.SubHelmfileSpecTmp",
    fields: &[
        f("path", Ty::Str, true),
        f("selectors", Ty::Strs, true),
        f("selectorsInherited", Ty::Bool, true),
        f("values", Ty::Anys, true),
    ],
};

pub(crate) static REPOSITORY_SPEC: Schema = Schema {
    go_name: "state.RepositorySpec",
    fields: &[
        f("name", Ty::Str, true),
        f("url", Ty::Str, true),
        f("caFile", Ty::Str, true),
        f("certFile", Ty::Str, true),
        f("keyFile", Ty::Str, true),
        f("username", Ty::Str, true),
        f("password", Ty::Str, true),
        f("managed", Ty::Str, true),
        f("oci", Ty::Bool, true),
        f("verify", Ty::Bool, true),
        f("keyring", Ty::Str, true),
        f("passCredentials", Ty::Bool, true),
        f("skipTLSVerify", Ty::Bool, true),
    ],
};

pub(crate) static HOOK: Schema = Schema {
    go_name: "event.Hook",
    fields: &[
        f("name", Ty::Str, false),
        f("events", Ty::Strs, false),
        f("command", Ty::Str, false),
        f("kubectlApply", Ty::StrMap, true),
        f("args", Ty::Strs, false),
        f("showlogs", Ty::Bool, false),
    ],
};

pub(crate) static SET_VALUE: Schema = Schema {
    go_name: "state.SetValue",
    fields: &[
        f("name", Ty::Str, true),
        f("value", Ty::Str, true),
        f("file", Ty::Str, true),
        f("values", Ty::Strs, true),
    ],
};

pub(crate) static INHERIT: Schema = Schema {
    go_name: "state.Inherit",
    fields: &[f("template", Ty::Str, true), f("except", Ty::Strs, true)],
};

pub(crate) static DEPENDENCY: Schema = Schema {
    go_name: "state.Dependency",
    fields: &[
        f("chart", Ty::Str, false),
        f("version", Ty::Str, false),
        f("alias", Ty::Str, false),
    ],
};

pub(crate) static RELEASE_SPEC: Schema = Schema {
    go_name: "state.ReleaseSpec",
    fields: &[
        f("chart", Ty::Str, true),
        f("chartPath", Ty::Str, true),
        f("directory", Ty::Str, true),
        f("version", Ty::Str, true),
        f("verify", Ty::PtrBool, true),
        f("keyring", Ty::Str, true),
        f("enableDNS", Ty::PtrBool, true),
        f("devel", Ty::PtrBool, true),
        f("wait", Ty::PtrBool, true),
        f("waitForJobs", Ty::PtrBool, true),
        f("timeout", Ty::PtrInt, true),
        f("recreatePods", Ty::PtrBool, true),
        f("force", Ty::PtrBool, true),
        f("installed", Ty::PtrBool, true),
        f("atomic", Ty::PtrBool, true),
        f("cleanupOnFail", Ty::PtrBool, true),
        f("historyMax", Ty::PtrInt, true),
        f("condition", Ty::Str, true),
        f("createNamespace", Ty::PtrBool, true),
        f("disableOpenAPIValidation", Ty::PtrBool, true),
        f("disableValidation", Ty::PtrBool, true),
        f("disableValidationOnInstall", Ty::PtrBool, true),
        f("missingFileHandler", Ty::PtrStr, true),
        f("needs", Ty::Strs, true),
        f("hooks", Ty::Objs(&HOOK), true),
        f("name", Ty::Str, true),
        f("namespace", Ty::Str, true),
        f("labels", Ty::StrMap, true),
        f("values", Ty::Anys, true),
        f("secrets", Ty::Anys, true),
        f("set", Ty::Objs(&SET_VALUE), true),
        f("valuesTemplate", Ty::Anys, true),
        f("setTemplate", Ty::Objs(&SET_VALUE), true),
        f("apiVersions", Ty::Strs, true),
        f("kubeVersion", Ty::Str, true),
        f("env", Ty::Objs(&SET_VALUE), true),
        f("valuesPathPrefix", Ty::Str, true),
        f("kubeContext", Ty::Str, true),
        f("insecureSkipTLSVerify", Ty::Bool, true),
        f("verifyTemplate", Ty::PtrStr, true),
        f("waitTemplate", Ty::PtrStr, true),
        f("installedTemplate", Ty::PtrStr, true),
        f("dependencies", Ty::Objs(&DEPENDENCY), true),
        f("jsonPatches", Ty::Anys, true),
        f("strategicMergePatches", Ty::Anys, true),
        f("transformers", Ty::Anys, true),
        f("adopt", Ty::Strs, true),
        f("forceGoGetter", Ty::Bool, true),
        f("forceNamespace", Ty::Str, true),
        f("skipDeps", Ty::PtrBool, true),
        f("postRenderer", Ty::PtrStr, true),
        f("postRendererArgs", Ty::Strs, true),
        f("cascade", Ty::PtrStr, true),
        f("suppressOutputLineRegex", Ty::Strs, true),
        f("inherit", Ty::Objs(&INHERIT), true),
        f("suppressDiff", Ty::PtrBool, true),
        f("deleteWait", Ty::PtrBool, true),
        f("deleteTimeout", Ty::PtrInt, true),
    ],
};

/// `HelmState` with its inlined `ReleaseSetSpec` (the `filepath` and
/// `renderedvalues` fields are added by the build output).
pub(crate) static RELEASE_SET_SPEC: Schema = Schema {
    go_name: "state.HelmState",
    fields: &[
        f("helmBinary", Ty::Str, true),
        f("kustomizeBinary", Ty::Str, true),
        f("values", Ty::Anys, true),
        f("environments", Ty::ObjMap(&ENVIRONMENT_SPEC), true),
        f("bases", Ty::Strs, true),
        f("helmDefaults", Ty::Obj(&HELM_SPEC), true),
        f("helmfiles", Ty::Objs(&SUBHELMFILE_SPEC), true),
        f("context", Ty::Str, true),
        f("charts", Ty::Objs(&RELEASE_SPEC), true),
        f("kubeContext", Ty::Str, true),
        f("namespace", Ty::Str, true),
        f("chart", Ty::Str, true),
        f("repositories", Ty::Objs(&REPOSITORY_SPEC), true),
        f("commonLabels", Ty::StrMap, true),
        f("releases", Ty::Objs(&RELEASE_SPEC), true),
        f("apiVersions", Ty::Strs, true),
        f("kubeVersion", Ty::Str, true),
        f("hooks", Ty::Objs(&HOOK), true),
        f("templates", Ty::ObjMap(&RELEASE_SPEC), false),
        f("missingFileHandler", Ty::Str, true),
        f(
            "missingFileHandlerConfig",
            Ty::Obj(&MISSING_FILE_HANDLER_CONFIG),
            true,
        ),
        f("lockFilePath", Ty::Str, true),
    ],
};
