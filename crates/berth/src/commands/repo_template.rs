//! `berth [-e ENV] template` with no chart: every selected release of the
//! deployment repository rendered as `helmfile template` prints them, charts
//! fetched and releases rendered in parallel, printed in helmfile's order.
//! Nothing is printed unless every release renders.

use chart::HelmVersion;

use crate::cli::{RepoArgs, TemplateArgs};
use crate::commands::project::{load_state, planned_releases, render_releases, RenderSettings};

pub fn run(repo: &RepoArgs, args: &TemplateArgs) -> Result<(), String> {
    let flags_for_one_chart = !args.values.is_empty()
        || !args.set.is_empty()
        || !args.set_string.is_empty()
        || !args.set_file.is_empty()
        || !args.set_json.is_empty()
        || !args.set_literal.is_empty();
    if flags_for_one_chart {
        return Err(
            "values flags (-f, --set...) apply to `berth template RELEASE CHART`; for a deployment \
             repository put values in the state file"
                .to_string(),
        );
    }
    let state = load_state(repo)?;
    // Layout mistakes change what renders without failing it: say so (only
    // when every release is selected: others' files are used by them).
    if repo.selectors.is_empty() {
        for warning in state.lint() {
            eprintln!("WARNING: {warning}");
        }
    }
    state.check_repositories().map_err(|e| e.to_string())?;
    let releases = planned_releases(repo, &state)?;
    let settings = RenderSettings {
        helm: if args.helm3 {
            HelmVersion::Helm3
        } else {
            HelmVersion::Helm4
        },
        kube_version: args.kube_version.clone(),
        api_versions: args.api_versions.clone(),
        include_crds: args.include_crds,
        skip_tests: args.skip_tests,
        skip_schema_validation: args.skip_schema_validation,
        no_hooks: args.no_hooks,
        show_only: args.show_only.clone(),
    };
    let outputs = render_releases(repo, &state, &releases, &settings)?;
    let mut text = String::new();
    let mut failures = Vec::new();
    for ((_, release), output) in releases.iter().zip(outputs) {
        match output {
            Ok(o) => {
                // helmfile prints each release's `helm template` output as a line.
                text.push_str(&o);
                text.push('\n');
            }
            Err(e) => failures.push(format!("release \"{}\": {e}", release.name)),
        }
    }
    if !failures.is_empty() {
        return Err(failures.join("\n"));
    }
    crate::commands::write_stdout(&text)
}
