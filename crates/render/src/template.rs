//! `helm template` end to end for a loaded chart: values coalesced with the user's,
//! templates rendered, NOTES dropped, manifests and hooks sorted, and the output
//! printed as Helm prints it (`---` and `# Source:` headers, CRDs first on request,
//! hooks last, `--show-only` filtering).

use std::collections::BTreeMap;

use chart::{Chart, HelmVersion};
use gotmpl::Value;

use crate::capabilities::{Capabilities, KubeVersion};
use crate::engine::{parse_ahead, render, ParsedAhead, RenderContext, RenderError, Renderables};
use crate::manifests::{sort_documents, Sorted};
use crate::objects::ReleaseInfo;
use crate::retained::Retained;

/// What `helm template` is asked to do.
#[derive(Clone, Debug)]
pub struct TemplateOptions {
    pub release_name: String,
    pub namespace: String,
    /// The user's values (`-f`, `--set`...), already merged.
    pub values: Value,
    pub helm: HelmVersion,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    pub include_crds: bool,
    pub skip_tests: bool,
    /// Skip checking values against the charts' `values.schema.json`.
    pub skip_schema_validation: bool,
    pub no_hooks: bool,
    pub show_only: Vec<String>,
}

/// The result of rendering a release: the sorted resources and hooks and the notes.
#[derive(Clone, Debug)]
pub struct Release {
    pub sorted: Sorted,
    pub crds: Vec<(String, String)>,
    pub notes: String,
    /// What rendering built and no longer needs (see [`Retained`]).
    pub retained: Retained,
}

/// Helm's checks before installing: only application charts install, and every
/// dependency `Chart.yaml` names must be present under `charts/`.
fn check_installable(chart: &Chart) -> Result<(), RenderError> {
    let kind = chart.metadata.chart_type.as_str();
    if !matches!(kind, "" | "application") {
        return Err(RenderError(format!("{kind} charts are not installable")));
    }
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .flatten()
        .map(|d| d.name.as_str())
        .filter(|name| !chart.dependencies.iter().any(|sub| sub.name() == *name))
        .collect();
    if !missing.is_empty() {
        return Err(RenderError(format!(
            "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` \
             to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        )));
    }
    Ok(())
}

/// Helm's template command adds this hint to every error found once the release
/// is being rendered (not to errors in loading the chart or its values).
const RENDER_HINT: &str = "\n\nUse --debug flag to render out invalid YAML";

fn with_hint(error: RenderError) -> RenderError {
    RenderError(format!("{}{RENDER_HINT}", error.0))
}

/// Renders a chart for a release.
pub fn render_release(chart: &Chart, opts: &TemplateOptions) -> Result<Release, RenderError> {
    // Templates parse while the subcharts to render and their values are worked
    // out: neither needs the other until rendering starts.
    let (ahead, prepared) = rayon::join(
        || parse_ahead(chart, opts.helm),
        || prepare_release(chart, opts),
    );
    render_prepared(prepared?, ahead, opts)
}

/// A release worked out up to rendering: the subcharts that render, the values,
/// what the templates see of the release and the cluster, and the template
/// files to execute with their objects.
pub struct PreparedRelease {
    chart: Chart,
    values: Value,
    capabilities: Capabilities,
    release: ReleaseInfo,
    renderables: Renderables,
}

/// Everything before rendering: Helm's installability checks, the capabilities,
/// the subcharts that render, the coalesced, validated values and the template
/// files to execute.
pub fn prepare_release(
    chart: &Chart,
    opts: &TemplateOptions,
) -> Result<PreparedRelease, RenderError> {
    check_installable(chart)?;
    let kube_version = match &opts.kube_version {
        Some(text) => Some(KubeVersion::parse(text).map_err(RenderError)?),
        None => None,
    };
    let capabilities = Capabilities::new(opts.helm, kube_version, &opts.api_versions);
    let release = ReleaseInfo {
        name: opts.release_name.clone(),
        namespace: opts.namespace.clone(),
        revision: 1,
        is_install: true,
        is_upgrade: false,
    };
    let (chart, values) = prepare(chart, opts, &capabilities)?;
    let ctx = RenderContext {
        release: &release,
        capabilities: &capabilities,
        helm: opts.helm,
    };
    let renderables = Renderables::collect(&chart, &values, &ctx).map_err(with_hint)?;
    Ok(PreparedRelease {
        chart,
        values,
        capabilities,
        release,
        renderables,
    })
}

/// Renders a prepared release with the templates parsed ahead
/// ([`parse_ahead`](crate::engine::parse_ahead) or
/// [`parse_ahead_files`](crate::engine::parse_ahead_files)).
pub fn render_prepared(
    prepared: PreparedRelease,
    ahead: ParsedAhead,
    opts: &TemplateOptions,
) -> Result<Release, RenderError> {
    let PreparedRelease {
        chart,
        values,
        capabilities,
        release,
        renderables,
    } = prepared;
    let ctx = RenderContext {
        release: &release,
        capabilities: &capabilities,
        helm: opts.helm,
    };
    let (mut files, mut retained) = render(renderables, &ctx, ahead).map_err(with_hint)?;
    let notes_name = format!("{}/templates/NOTES.txt", chart.name());
    let notes = files
        .get(&notes_name)
        .map(|file| file.text.clone())
        .unwrap_or_default();
    files.retain(|name, _| !name.ends_with("NOTES.txt"));
    let documents = files
        .iter_mut()
        .map(|(name, file)| (name, std::mem::take(&mut file.documents)));
    let sorted = sort_documents(documents, opts.helm).map_err(with_hint)?;
    let crds = if opts.include_crds {
        crd_objects(&chart, chart.name())?
    } else {
        Vec::new()
    };
    retained.keep(files);
    retained.keep(values);
    retained.keep(chart);
    Ok(Release {
        sorted,
        crds,
        notes,
        retained,
    })
}

/// Helm's steps before rendering: the subcharts that render (conditions, tags,
/// aliases, imported values), the coalesced values, the schema and the chart's
/// `kubeVersion`.
fn prepare(
    chart: &Chart,
    opts: &TemplateOptions,
    capabilities: &Capabilities,
) -> Result<(Chart, Value), RenderError> {
    let mut warnings = Vec::new();
    let mut chart = chart.clone();
    chart::dependencies::process_dependencies(&mut chart, &opts.values, &mut warnings).map_err(
        |e| match opts.helm {
            HelmVersion::Helm4 => RenderError(format!("chart dependencies processing failed: {e}")),
            HelmVersion::Helm3 => RenderError(e),
        },
    )?;
    let values = chart::values::coalesce_values(&chart, &opts.values, false, &mut warnings)
        .map_err(RenderError)?;
    if !opts.skip_schema_validation {
        chart::schema::validate_against_schema(&chart, &values, opts.helm).map_err(RenderError)?;
    }
    let required = &chart.metadata.kube_version;
    if !required.is_empty()
        && !sprig::is_compatible_range(required, &capabilities.kube_version.version)
    {
        return Err(with_hint(RenderError(format!(
            "chart requires kubeVersion: {required} which is incompatible with Kubernetes {}",
            capabilities.kube_version.version
        ))));
    }
    Ok((chart, values))
}

/// The files under each chart's `crds/`, parents first, as Helm's `CRDObjects`.
fn crd_objects(chart: &Chart, full_path: &str) -> Result<Vec<(String, String)>, RenderError> {
    let mut out = Vec::new();
    for file in chart.files.iter().filter(|f| f.name.starts_with("crds/")) {
        let data = file.data().map_err(|e| RenderError(e.to_string()))?;
        out.push((
            format!("{full_path}/{}", file.name),
            String::from_utf8_lossy(&data).into_owned(),
        ));
    }
    for sub in &chart.dependencies {
        out.extend(crd_objects(
            sub,
            &format!("{full_path}/charts/{}", sub.name()),
        )?);
    }
    Ok(out)
}

/// The text `helm template` prints for a rendered release.
pub fn template_output(release: &Release, opts: &TemplateOptions) -> Result<String, RenderError> {
    let documents = release
        .crds
        .iter()
        .map(|(name, content)| (name, content))
        .chain(
            release
                .sorted
                .manifests
                .iter()
                .map(|m| (&m.source, &m.content)),
        );
    let documents: Vec<(&String, &String)> = documents.collect();
    let hooks_len: usize = release
        .sorted
        .hooks
        .iter()
        .map(|h| h.source.len() + h.manifest.len() + DOCUMENT_FRAMING)
        .sum();
    let documents_len: usize = documents
        .iter()
        .map(|(source, content)| source.len() + content.len() + DOCUMENT_FRAMING)
        .sum();
    // Sized once for everything, hooks included: growing the string as it
    // fills copied the output over and over into new pages.
    let mut manifest = String::with_capacity(documents_len + hooks_len + 1);
    for (source, content) in documents {
        push_document(&mut manifest, source, content);
    }
    manifest.truncate(manifest.trim_end().len());
    let mut out = match manifest.trim_start() {
        trimmed if trimmed.len() == manifest.len() => manifest,
        trimmed => trimmed.to_string(),
    };
    out.push('\n');
    if !opts.no_hooks {
        for hook in &release.sorted.hooks {
            if opts.skip_tests && hook.events.iter().any(|e| e == "test") {
                continue;
            }
            push_document(&mut out, &hook.source, &hook.manifest);
        }
    }
    if opts.show_only.is_empty() {
        return Ok(out);
    }
    show_only(&out, &opts.show_only)
}

/// The bytes [`push_document`] adds around a document's source and content.
const DOCUMENT_FRAMING: usize = "---\n# Source: \n\n".len();

/// Appends `---`, the `# Source:` line and the document.
fn push_document(out: &mut String, source: &str, content: &str) {
    out.push_str("---\n# Source: ");
    out.push_str(source);
    out.push('\n');
    out.push_str(content);
    out.push('\n');
}

/// `--show-only`: the documents whose source (below the chart name) matches a glob.
fn show_only(output: &str, patterns: &[String]) -> Result<String, RenderError> {
    let documents = goyaml::split::split_manifests(output);
    let mut selected = Vec::new();
    for pattern in patterns {
        let mut missing = true;
        for document in &documents {
            let Some(source) = document.lines().find_map(|l| l.strip_prefix("# Source: ")) else {
                continue;
            };
            let Some((_, path)) = source.split_once('/') else {
                continue;
            };
            if !chart::glob::matches(pattern, path).unwrap_or(false) {
                continue;
            }
            selected.push(document.clone());
            missing = false;
        }
        if missing {
            return Err(RenderError(format!(
                "could not find template {pattern} in chart"
            )));
        }
    }
    Ok(selected.iter().map(|d| format!("---\n{d}\n")).collect())
}

/// Helm's `MergeMaps` of user values files, later files winning.
pub fn merge_value_files(files: &[BTreeMap<String, goyaml::Data>]) -> Value {
    let mut merged = BTreeMap::new();
    for file in files {
        merged = goyaml::data::merge_maps(&merged, file);
    }
    chart::values::from_data(&goyaml::Data::Map(merged))
}
