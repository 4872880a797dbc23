//! The deployment settings helmfile derives for a release when it calls Helm
//! (`kubeConnectionFlags`, `appendWaitFlags`, `timeoutFlags`...): the
//! release's own value, else the environment's or `helmDefaults`'.

use crate::{Release, StateFile};

/// Settings for installing or upgrading a release.
#[derive(Clone, Debug, PartialEq)]
pub struct DeploySettings {
    /// Empty means the current context of the kubeconfig.
    pub kube_context: String,
    pub wait: bool,
    pub wait_for_jobs: bool,
    /// Seconds; `None` leaves Helm's default.
    pub timeout: Option<i64>,
    pub atomic: bool,
    pub create_namespace: bool,
    pub verify: bool,
    pub devel: bool,
    pub skip_deps: bool,
    pub history_max: Option<i64>,
}

pub(crate) fn settings(file: &StateFile, r: &Release) -> DeploySettings {
    let defaults = file.spec.obj("helmDefaults");
    let spec = &r.spec;
    let env_context = file
        .spec
        .obj_map("environments")
        .get(&file.env.name)
        .map(|e| e.str("kubeContext").to_string())
        .unwrap_or_default();
    let kube_context = [
        r.kube_context.clone(),
        env_context,
        defaults.str("kubeContext").to_string(),
    ]
    .into_iter()
    .find(|c| !c.is_empty())
    .unwrap_or_default();
    let flag = |key: &str| match spec.opt_bool(key) {
        Some(v) => v,
        None => defaults.opt_bool(key).unwrap_or(false),
    };
    let timeout = spec
        .opt_int("timeout")
        .or(defaults.opt_int("timeout"))
        .filter(|t| *t != 0);
    DeploySettings {
        kube_context,
        wait: flag("wait"),
        wait_for_jobs: flag("waitForJobs"),
        timeout,
        atomic: flag("atomic"),
        create_namespace: spec
            .opt_bool("createNamespace")
            .or(defaults.opt_bool("createNamespace"))
            .unwrap_or(true),
        verify: flag("verify"),
        devel: flag("devel"),
        skip_deps: flag("skipDeps"),
        history_max: spec
            .opt_int("historyMax")
            .or(defaults.opt_int("historyMax")),
    }
}
