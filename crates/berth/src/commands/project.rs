//! A deployment repository as the commands use it: the helmfile state loaded for
//! an environment, the chart sources its repositories describe, and one release
//! rendered from a fetched chart and the value layers the state gives it.

use std::path::{Path, PathBuf};

use chart::strvals::{apply_set_flags, read_value_file, SetFlags};
use chart::{Chart, HelmVersion};
use gotmpl::Value;
use rayon::prelude::*;
use render::{render_release, template_output, TemplateOptions};
use source::{ChartRequest, FetchedChart, Repository, SourceOptions, Sources};
use state::{LoadOptions, Release, State, StateFile};

use crate::cli::RepoArgs;

/// Where `--offline` looks for a bundle when `--bundle` is not given.
const DEFAULT_BUNDLE: &str = "vendor";

/// Loads the state for the environment and selectors on the command line,
/// printing helmfile's loading warnings on stderr.
pub fn load_state(args: &RepoArgs) -> Result<State, String> {
    let working_dir =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    let mut options = LoadOptions::new(working_dir);
    options.file = args.file.clone();
    options.environment = args.environment.clone();
    options.selectors = args.selectors.clone();
    options.state_values_set = args.state_values_set.clone();
    options.state_values_set_string = args.state_values_set_string.clone();
    options.state_values_files = args.state_values_files.clone();
    options.allow_exec = args.allow_exec;
    let state = state::load(&options).map_err(|e| e.to_string())?;
    for warning in &state.warnings {
        eprintln!("{warning}");
    }
    Ok(state)
}

/// The repositories every state file declares, the first of each name kept,
/// with file paths resolved against their state file.
pub fn repositories(state: &State) -> Vec<Repository> {
    let mut repositories: Vec<Repository> = Vec::new();
    for file in &state.files {
        for repo in &file.repositories {
            if repositories.iter().any(|r| r.name == repo.name) {
                continue;
            }
            let path = |p: &str| (!p.is_empty()).then(|| file.dir().join(p));
            let text = |t: &str| (!t.is_empty()).then(|| t.to_string());
            repositories.push(Repository {
                name: repo.name.clone(),
                url: repo.url.clone(),
                oci: repo.oci,
                username: text(&repo.username),
                password: text(&repo.password),
                ca_file: path(&repo.ca_file),
                cert_file: path(&repo.cert_file),
                key_file: path(&repo.key_file),
                insecure_skip_tls_verify: repo.skip_tls_verify,
                pass_credentials: repo.pass_credentials,
                plain_http: false,
            });
        }
    }
    repositories
}

/// The chart sources for the state's repositories, online, offline or from a bundle.
pub fn sources(args: &RepoArgs, state: &State) -> Result<Sources, String> {
    let bundle = match &args.bundle {
        Some(dir) => Some(dir.clone()),
        None if args.offline => {
            let dir = PathBuf::from(DEFAULT_BUNDLE);
            dir.join(source::BUNDLE_MANIFEST).is_file().then_some(dir)
        }
        None => None,
    };
    Sources::new(SourceOptions {
        cache_dir: args.cache_dir.clone(),
        offline: args.offline,
        bundle,
        repositories: repositories(state),
        retries: None,
        retry_delay_ms: None,
    })
    .map_err(|e| e.to_string())
}

/// The releases to work on, state file by state file, in helmfile's order
/// (batches of `needs`, definition order within a batch).
pub fn planned_releases<'s>(
    args: &RepoArgs,
    state: &'s State,
) -> Result<Vec<(&'s StateFile, &'s Release)>, String> {
    let complete = args.selectors.is_empty();
    let mut out = Vec::new();
    for file in &state.files {
        let batches = file.plan(complete).map_err(|e| e.to_string())?;
        out.extend(batches.into_iter().flatten().map(|r| (file, r)));
    }
    Ok(out)
}

/// What fetching the releases' charts asks the sources for, release by release.
pub fn chart_requests(releases: &[(&StateFile, &Release)]) -> Vec<ChartRequest> {
    releases
        .iter()
        .map(|(file, release)| ChartRequest {
            chart: release.chart.clone(),
            version: (!release.version.is_empty()).then(|| release.version.clone()),
            base_dir: file.dir().to_path_buf(),
        })
        .collect()
}

/// Fetches every release's chart (in parallel, each chart once) and renders the
/// releases in parallel; one result per release, in order.
pub fn render_releases(
    args: &RepoArgs,
    state: &State,
    releases: &[(&StateFile, &Release)],
    settings: &RenderSettings,
) -> Result<Vec<Result<String, String>>, String> {
    let sources = sources(args, state)?;
    let fetched = sources.fetch_all(&chart_requests(releases));
    Ok(releases
        .par_iter()
        .zip(fetched.into_par_iter())
        .map(|((file, release), fetched)| {
            let fetched = fetched.map_err(|e| e.to_string())?;
            render_state_release(file, release, &fetched, settings)
        })
        .collect())
}

/// Loads a fetched chart; a local chart's fetched dependencies replace the
/// subcharts of the same name under its `charts/`.
pub fn load_chart(fetched: &FetchedChart, helm: HelmVersion) -> Result<Chart, String> {
    let load = |path: &Path| Chart::load(path, helm).map_err(|e| e.to_string());
    match fetched {
        FetchedChart::Archive { path, .. } => load(path),
        FetchedChart::Directory { path, dependencies } => {
            let mut chart = load(path)?;
            for dependency in dependencies {
                let sub = load(dependency)?;
                chart.dependencies.retain(|d| d.name() != sub.name());
                chart.dependencies.push(sub);
            }
            chart.dependencies.sort_by(|a, b| a.name().cmp(b.name()));
            Ok(chart)
        }
    }
}

/// Rendering settings shared by every release of a run.
#[derive(Default)]
pub struct RenderSettings {
    pub helm: HelmVersion,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    pub include_crds: bool,
    pub skip_tests: bool,
    pub skip_schema_validation: bool,
    pub no_hooks: bool,
    pub show_only: Vec<String>,
}

/// Renders one release as `helm template` prints it, with the values helmfile
/// would pass: the release's value layers (secrets decrypted in memory), then its
/// `set` entries.
pub fn render_state_release(
    file: &StateFile,
    release: &Release,
    fetched: &FetchedChart,
    settings: &RenderSettings,
) -> Result<String, String> {
    let helm = settings.helm;
    let values = file.release_values(release).map_err(|e| e.to_string())?;
    let mut parsed = Vec::with_capacity(values.layers.len());
    for layer in &values.layers {
        let result = match helm {
            HelmVersion::Helm4 => {
                goyaml::helm::load_values(&layer.content).map_err(|e| e.to_string())
            }
            HelmVersion::Helm3 => {
                goyaml::helm::read_values(layer.content.as_bytes()).map_err(|e| e.to_string())
            }
        };
        parsed.push(result.map_err(|e| format!("failed to parse {}: {e}", layer.origin))?);
    }
    let merged = render::template::merge_value_files(&parsed);
    let values = match merged {
        Value::Map(base) => {
            let flags = SetFlags {
                json: Vec::new(),
                values: values.set.clone(),
                strings: Vec::new(),
                files: values.set_file.clone(),
                literals: Vec::new(),
            };
            let mut read = |path: &str| read_value_file(file.dir(), path);
            Value::Map(apply_set_flags(&base, &flags, helm, &mut read).map_err(|e| e.to_string())?)
        }
        other => other,
    };
    let chart = load_chart(fetched, helm)?;
    let options = TemplateOptions {
        release_name: release.name.clone(),
        namespace: if release.namespace.is_empty() {
            "default".to_string()
        } else {
            release.namespace.clone()
        },
        values,
        helm,
        kube_version: settings.kube_version.clone(),
        api_versions: settings.api_versions.clone(),
        include_crds: settings.include_crds,
        skip_tests: settings.skip_tests,
        skip_schema_validation: settings.skip_schema_validation,
        no_hooks: settings.no_hooks,
        show_only: settings.show_only.clone(),
    };
    let rendered = render_release(&chart, &options).map_err(|e| e.to_string())?;
    template_output(&rendered, &options).map_err(|e| e.to_string())
}
