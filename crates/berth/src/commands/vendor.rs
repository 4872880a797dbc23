//! `berth vendor` and `berth repos`: charts and indexes brought in ahead of time,
//! into an offline bundle or the cache.

use crate::cli::{RepoArgs, VendorArgs};
use crate::commands::project::{
    chart_requests, load_state, planned_releases, repositories, sources,
};

/// Writes every chart the selected releases need (and their dependencies) into a
/// bundle that `--offline` / `--bundle` read.
pub fn vendor(repo: &RepoArgs, args: &VendorArgs) -> Result<(), String> {
    let state = load_state(repo)?;
    state.check_repositories().map_err(|e| e.to_string())?;
    let releases = planned_releases(repo, &state)?;
    let sources = sources(repo, &state)?;
    let manifest = sources
        .vendor(&chart_requests(&releases), &args.out)
        .map_err(|e| e.to_string())?;
    for entry in &manifest.charts {
        eprintln!("vendored {} {} ({})", entry.name, entry.version, entry.file);
    }
    eprintln!(
        "wrote {} chart(s) to {}",
        manifest.charts.len(),
        args.out.display()
    );
    Ok(())
}

/// Refreshes the cached index of every chart repository the state declares.
pub fn repos(repo: &RepoArgs) -> Result<(), String> {
    let state = load_state(repo)?;
    let sources = sources(repo, &state)?;
    let mut failures = Vec::new();
    for wanted in repositories(&state) {
        match sources.update_index(&wanted) {
            Ok(_) if wanted.oci || wanted.url.starts_with("oci://") => {
                eprintln!(
                    "{} is an OCI registry: charts are pulled by tag",
                    wanted.name
                )
            }
            Ok(count) => eprintln!(
                "updated {} ({}): {count} chart version(s)",
                wanted.name, wanted.url
            ),
            Err(e) => failures.push(format!("{}: {e}", wanted.name)),
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}
