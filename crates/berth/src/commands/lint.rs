//! `berth lint`: everything that would stop or silently change a deploy of the
//! environment, reported together: layout warnings (values and secrets files no
//! release uses), undeclared repositories, and each release's values, secrets,
//! chart and rendering.

use rayon::prelude::*;

use chart::HelmVersion;

use crate::cli::{LintArgs, RepoArgs};
use crate::commands::project::{
    chart_request, load_state, planned_releases, render_state_release, sources, RenderSettings,
};

pub fn run(repo: &RepoArgs, args: &LintArgs) -> Result<(), String> {
    let state = load_state(repo)?;
    let warnings = state.lint();
    for warning in &warnings {
        eprintln!("WARNING: {warning}");
    }
    let mut errors = Vec::new();
    if let Err(e) = state.check_repositories() {
        errors.push(e.to_string());
    }
    let releases = planned_releases(repo, &state)?;
    let settings = RenderSettings {
        helm: if args.helm3 {
            HelmVersion::Helm3
        } else {
            HelmVersion::Helm4
        },
        kube_version: None,
        api_versions: Vec::new(),
        include_crds: false,
        skip_tests: false,
        skip_schema_validation: false,
        no_hooks: false,
        show_only: Vec::new(),
    };
    if errors.is_empty() {
        let sources = sources(repo, &state)?;
        let requests: Vec<_> = releases
            .iter()
            .map(|(file, release)| chart_request(file, release))
            .collect();
        let fetched = sources.fetch_all(&requests);
        let results: Vec<Result<String, String>> = releases
            .par_iter()
            .zip(fetched.into_par_iter())
            .map(|((file, release), fetched)| {
                let fetched = fetched.map_err(|e| e.to_string())?;
                render_state_release(file, release, &fetched, &settings)
            })
            .collect();
        for ((_, release), result) in releases.iter().zip(results) {
            if let Err(e) = result {
                errors.push(format!("release \"{}\": {e}", release.name));
            }
        }
    } else {
        for (file, release) in &releases {
            if let Err(e) = file.release_values(release) {
                errors.push(format!("release \"{}\": {e}", release.name));
            }
        }
    }
    for error in &errors {
        eprintln!("ERROR: {error}");
    }
    let failed = !errors.is_empty() || (args.strict && !warnings.is_empty());
    if failed {
        return Err(format!(
            "lint found {} error(s) and {} warning(s) in environment \"{}\"",
            errors.len(),
            warnings.len(),
            repo.environment
        ));
    }
    eprintln!(
        "{} release(s) in environment \"{}\" render cleanly",
        releases.len(),
        repo.environment
    );
    Ok(())
}
