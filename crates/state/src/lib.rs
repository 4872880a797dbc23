//! Deployment repositories read as helmfile 0.166 reads them: `helmfile.yaml`,
//! `helmfile.yaml.gotmpl` or `helmfile.d/`, rendered part by part with
//! helmfile's template functions and environments, merged with bases and
//! sub-helmfiles, releases selected with `-l`; plus the value layers each
//! release passes to Helm, `helmfile build`/`list` output, and lint warnings.
//!
//! ```no_run
//! let mut opts = state::LoadOptions::new("deploy");
//! opts.environment = "production".into();
//! opts.selectors = vec!["tier=backend".into()];
//! let st = state::load(&opts)?;
//! st.warnings.iter().for_each(|w| eprintln!("{w}"));
//! st.check_repositories()?;
//! for (file, release) in st.releases() {
//!     let values = file.release_values(release)?; // secrets decrypted in memory
//!     let deploy = file.deploy_settings(release);
//!     println!("{} {} {} layers, context {:?}", release.name, release.chart, values.layers.len(), deploy.kube_context);
//! }
//! # Ok::<(), state::StateError>(())
//! ```

mod app;
mod convert;
mod deploy;
mod env;
mod error;
mod glob;
mod lint;
mod loader;
mod output;
mod plan;
mod policy;
mod release;
mod schema;
mod secrets;
mod tmpl;
mod typed;
mod values;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use deploy::DeploySettings;
pub use error::StateError;
pub use plan::{release_id, PlanError};
pub use values::{ReleaseValues, ValueLayer};

use env::{Env, Pairs};
use schema::Rec;

/// Reads an environment variable (the process environment in production;
/// tests pass their own).
pub type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What to load, as helmfile's global flags say it.
#[derive(Clone)]
pub struct LoadOptions {
    /// `--file`: a state file or a directory of them; `None` looks for
    /// `helmfile.yaml`, `helmfile.yaml.gotmpl`, then `helmfile.d/`.
    pub file: Option<PathBuf>,
    /// The directory helmfile would run in.
    pub working_dir: PathBuf,
    /// `-e`; helmfile's default is `default`.
    pub environment: String,
    /// `-l`: several are ORed, the terms of one (comma-separated) ANDed.
    pub selectors: Vec<String>,
    /// `--include-transitive-needs`: releases the selected ones need are
    /// selected too (`build` and `list` never do this).
    pub include_transitive_needs: bool,
    /// `--state-values-file`.
    pub state_values_files: Vec<PathBuf>,
    /// `--state-values-set key=value[,key=value]` (`true`, `false`, `null`
    /// and integers are typed).
    pub state_values_set: Vec<String>,
    /// `--state-values-set-string`: values stay strings. As in helmfile
    /// 0.166, ignored when `state_values_set` is also given.
    pub state_values_set_string: Vec<String>,
    /// `--namespace`: every release's namespace, and `.Namespace` in templates.
    pub namespace: Option<String>,
    /// `--kube-context`: every release's kube context.
    pub kube_context: Option<String>,
    /// Whether `exec`/`envExec` may run commands (otherwise they fail clearly).
    pub allow_exec: bool,
    pub env: EnvLookup,
}

impl LoadOptions {
    /// Defaults for `working_dir`, reading the process environment.
    pub fn new(working_dir: impl Into<PathBuf>) -> LoadOptions {
        LoadOptions {
            file: None,
            working_dir: working_dir.into(),
            environment: "default".into(),
            selectors: Vec::new(),
            include_transitive_needs: false,
            state_values_files: Vec::new(),
            state_values_set: Vec::new(),
            state_values_set_string: Vec::new(),
            namespace: None,
            kube_context: None,
            allow_exec: false,
            env: Arc::new(|name| std::env::var(name).ok()),
        }
    }
}

/// A loaded deployment repository: every state file visited, in helmfile's
/// order (sub-helmfiles before the file that names them).
pub struct State {
    pub files: Vec<StateFile>,
    /// Warnings helmfile prints to stderr while loading.
    pub warnings: Vec<String>,
    environment: String,
    used_files: Vec<PathBuf>,
}

/// One state file after rendering, templates and selection.
pub struct StateFile {
    /// Absolute path of the file.
    pub path: PathBuf,
    pub releases: Vec<Release>,
    pub repositories: Vec<Repository>,
    file_name: String,
    shown: String,
    spec: Rec,
    env: Env,
    rendered_values: Pairs,
    env_lookup: EnvLookup,
    allow_exec: bool,
}

/// A selected release.
#[derive(Clone, Debug, PartialEq)]
pub struct Release {
    pub name: String,
    pub namespace: String,
    /// As written: `repo/name`, `./local/dir`, `oci://...`.
    pub chart: String,
    pub version: String,
    /// `[kubecontext/][namespace/]name` of the releases this one needs.
    pub needs: Vec<String>,
    pub labels: BTreeMap<String, String>,
    pub installed: bool,
    pub wait: Option<bool>,
    pub timeout: Option<i64>,
    pub kube_context: String,
    pub create_namespace: Option<bool>,
    /// Whether the release's `condition` is met by the environment values.
    pub enabled: bool,
    /// `apiVersions` / `kubeVersion` for Helm's capabilities (release, else state).
    pub api_versions: Vec<String>,
    pub kube_version: String,
    spec: Rec,
}

/// A `repositories:` entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Repository {
    pub name: String,
    pub url: String,
    pub oci: bool,
    pub username: String,
    pub password: String,
    pub ca_file: String,
    pub cert_file: String,
    pub key_file: String,
    pub pass_credentials: bool,
    pub skip_tls_verify: bool,
    pub verify: bool,
    pub keyring: String,
}

/// Loads the state files `opts` name, as `helmfile -e ENV -l ...` would.
pub fn load(opts: &LoadOptions) -> Result<State, StateError> {
    let loader = loader::Loader {
        env_name: opts.environment.clone(),
        env_lookup: opts.env.clone(),
        allow_exec: opts.allow_exec,
        warnings: Vec::new(),
        used_files: Vec::new(),
        shown: String::new(),
        namespace: opts.namespace.clone().unwrap_or_default(),
    };
    let mut override_values: Vec<goyaml::Value> = opts
        .state_values_files
        .iter()
        .map(|p| goyaml::Value::String(p.to_string_lossy().into_owned()))
        .collect();
    if !opts.state_values_set.is_empty() {
        override_values.push(values::parse_state_values_set(&opts.state_values_set, true));
    } else if !opts.state_values_set_string.is_empty() {
        override_values.push(values::parse_state_values_set(
            &opts.state_values_set_string,
            false,
        ));
    }
    let working_dir = std::path::absolute(&opts.working_dir)
        .map(|p| PathBuf::from(tmpl::go_clean(&p.to_string_lossy())))
        .map_err(|e| StateError::Io {
            path: opts.working_dir.clone(),
            message: e.to_string(),
        })?;
    let mut visit = app::Visit {
        loader,
        files: Vec::new(),
        undefined_env: None,
        stack: Vec::new(),
        namespace: opts.namespace.clone(),
        kube_context: opts.kube_context.clone(),
    };
    let file = opts.file.as_ref().map(|f| f.to_string_lossy().into_owned());
    let visit_opts = app::VisitOpts {
        selectors: opts.selectors.clone(),
        include_transitive_needs: opts.include_transitive_needs,
        override_values,
        callee_dir: working_dir.clone(),
        prefix: String::new(),
    };
    let matched = visit.visit(&working_dir, file.as_deref(), &visit_opts)?;
    if !matched {
        if let Some(file) = visit.undefined_env {
            return Err(StateError::UnknownEnvironment {
                file,
                env: opts.environment.clone(),
                selectors: opts.selectors.join(","),
            });
        }
        return Err(StateError::NoMatchingReleases {
            selectors: opts.selectors.join(","),
            env: opts.environment.clone(),
            build_output: visit.files.iter().map(output::build).collect(),
        });
    }
    let mut warnings: Vec<String> = Vec::new();
    for w in visit.loader.warnings {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    Ok(State {
        files: visit.files,
        warnings,
        environment: opts.environment.clone(),
        used_files: visit.loader.used_files,
    })
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("files", &self.files)
            .field("warnings", &self.warnings)
            .field("environment", &self.environment)
            .finish()
    }
}

impl std::fmt::Debug for StateFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateFile")
            .field("path", &self.path)
            .field("releases", &self.releases)
            .field("repositories", &self.repositories)
            .finish()
    }
}

impl State {
    /// Every selected release with the state file it belongs to.
    pub fn releases(&self) -> impl Iterator<Item = (&StateFile, &Release)> {
        self.files
            .iter()
            .flat_map(|f| f.releases.iter().map(move |r| (f, r)))
    }

    /// What `helmfile build` prints on stdout.
    pub fn build_output(&self) -> String {
        self.files.iter().map(output::build).collect()
    }

    /// What `helmfile list` prints on stdout.
    pub fn list_output(&self) -> String {
        output::list(self)
    }

    /// Checks that every release chart `repo/name` names a declared
    /// repository, as helmfile does before fetching charts.
    pub fn check_repositories(&self) -> Result<(), StateError> {
        for (file, r) in self.releases() {
            file.check_repository(r)?;
        }
        Ok(())
    }

    /// Warnings about the repository's layout: files under
    /// `environments/<env>/values` and `secrets` no release uses.
    pub fn lint(&self) -> Vec<String> {
        lint::unused_files(self)
    }
}

impl StateFile {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        path: PathBuf,
        file_name: String,
        shown: String,
        spec: Rec,
        env: Env,
        rendered_values: Pairs,
        env_lookup: EnvLookup,
        allow_exec: bool,
    ) -> StateFile {
        let repositories = spec
            .objs("repositories")
            .iter()
            .map(Repository::from_rec)
            .collect();
        let releases = spec
            .objs("releases")
            .iter()
            .map(|r| Release::from_rec(r, &rendered_values))
            .collect();
        StateFile {
            path,
            releases,
            repositories,
            file_name,
            shown,
            spec,
            env,
            rendered_values,
            env_lookup,
            allow_exec,
        }
    }

    /// The directory relative paths of this file are resolved against.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("/"))
    }

    /// The values a release passes to Helm, in Helm's order: values files and
    /// inline maps, then decrypted secrets, then `set` entries.
    pub fn release_values(&self, release: &Release) -> Result<ReleaseValues, StateError> {
        values::release_values(self, release)
    }

    /// How helmfile would deploy the release: its kube context (release,
    /// then environment, then `helmDefaults`), wait, timeout and friends.
    pub fn deploy_settings(&self, release: &Release) -> DeploySettings {
        deploy::settings(self, release)
    }

    fn check_repository(&self, r: &Release) -> Result<(), StateError> {
        let chart = &r.chart;
        let Some((repo, _)) = chart.split_once('/') else {
            return Ok(());
        };
        if release::is_local_chart(chart)
            || chart.contains("://")
            || self.dir().join(chart).is_dir()
            || self.repositories.iter().any(|x| x.name == repo)
        {
            return Ok(());
        }
        let declared: Vec<&str> = self.repositories.iter().map(|x| x.name.as_str()).collect();
        Err(StateError::UndeclaredRepository {
            file: self.shown.clone(),
            release: r.name.clone(),
            chart: chart.clone(),
            repo: repo.to_string(),
            declared: if declared.is_empty() {
                "none".into()
            } else {
                declared.join(", ")
            },
        })
    }
}

impl Release {
    fn from_rec(r: &Rec, values: &Pairs) -> Release {
        Release {
            name: r.str("name").into(),
            namespace: r.str("namespace").into(),
            chart: r.str("chart").into(),
            version: r.str("version").into(),
            needs: r.strs("needs"),
            labels: r.str_map("labels"),
            installed: r.opt_bool("installed").unwrap_or(true),
            wait: r.opt_bool("wait"),
            timeout: r.opt_int("timeout"),
            kube_context: r.str("kubeContext").into(),
            create_namespace: r.opt_bool("createNamespace"),
            enabled: release::condition_enabled(r, values).unwrap_or(false),
            api_versions: r.strs("apiVersions"),
            kube_version: r.str("kubeVersion").into(),
            spec: r.clone(),
        }
    }
}

impl Repository {
    fn from_rec(r: &Rec) -> Repository {
        let flag = |k: &str| r.opt_bool(k).unwrap_or(false);
        Repository {
            name: r.str("name").into(),
            url: r.str("url").into(),
            oci: flag("oci"),
            username: r.str("username").into(),
            password: r.str("password").into(),
            ca_file: r.str("caFile").into(),
            cert_file: r.str("certFile").into(),
            key_file: r.str("keyFile").into(),
            pass_credentials: flag("passCredentials"),
            skip_tls_verify: flag("skipTLSVerify"),
            verify: flag("verify"),
            keyring: r.str("keyring").into(),
        }
    }
}
