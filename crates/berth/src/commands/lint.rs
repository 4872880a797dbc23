//! `berth lint`: everything that would stop or silently change a deploy of the
//! environment, reported together: layout warnings (values and secrets files no
//! release uses), undeclared repositories, and each release's values, secrets,
//! chart and rendering.

use chart::HelmVersion;

use crate::cli::{LintArgs, RepoArgs};
use crate::commands::project::{load_state, planned_releases, render_releases, RenderSettings};

pub fn run(repo: &RepoArgs, args: &LintArgs) -> Result<(), String> {
    let state = load_state(repo)?;
    // Files unselected releases use are not unused: judge them only when every
    // release is selected.
    let warnings = if repo.selectors.is_empty() {
        state.lint()
    } else {
        Vec::new()
    };
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
        ..RenderSettings::default()
    };
    if errors.is_empty() {
        let results = render_releases(repo, &state, &releases, &settings)?;
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
