//! The order helmfile works through releases in: a graph of `needs` cut into
//! batches, each batch needing only earlier ones, releases within a batch in
//! the order the state file defines them (helmfile's `PlanReleases`).

use std::collections::HashMap;

use crate::{Release, StateFile};

/// Why the releases of a state file cannot be ordered.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error(
        "release(s) {dependents} depend(s) on an undefined release \"{need}\". Perhaps you made a typo in \"needs\" or forgot defining a release named \"{name}\" with appropriate \"namespace\" and \"kubeContext\"?"
    )]
    UndefinedNeed {
        dependents: String,
        need: String,
        name: String,
    },
    #[error("releases form a cycle through their needs: {0}")]
    Cycle(String),
}

/// helmfile's release ID: `[kubecontext/][namespace/]name`, with `kubecontext//name`
/// when only the context is set.
pub fn release_id(kube_context: &str, namespace: &str, name: &str) -> String {
    let mut id = String::new();
    if !kube_context.is_empty() {
        id.push_str(kube_context);
        id.push('/');
    }
    if !namespace.is_empty() {
        id.push_str(namespace);
        id.push('/');
    }
    if !kube_context.is_empty() && namespace.is_empty() {
        id.push('/');
    }
    id.push_str(name);
    id
}

/// A `needs` entry as the ID it names, missing parts taken from the release
/// that needs it.
fn need_id(release: &Release, need: &str) -> String {
    let parts: Vec<&str> = need.split('/').collect();
    let name = parts[parts.len() - 1];
    let namespace = if parts.len() > 1 {
        parts[parts.len() - 2]
    } else {
        release.namespace.as_str()
    };
    let kube_context = if parts.len() > 2 {
        parts[..parts.len() - 2].join("/")
    } else {
        release.kube_context.clone()
    };
    let mut out: Vec<&str> = Vec::new();
    if !kube_context.is_empty() {
        out.push(&kube_context);
    }
    if !kube_context.is_empty() || !namespace.is_empty() {
        out.push(namespace);
    }
    out.push(name);
    out.join("/")
}

impl StateFile {
    /// The releases to render or apply (installed ones), in batches. `needs`
    /// naming releases outside the selection are skipped, as helmfile's
    /// default `--skip-needs` does; when nothing was deselected (`complete`),
    /// a need naming no release at all is an error.
    pub fn plan(&self, complete: bool) -> Result<Vec<Vec<&Release>>, PlanError> {
        plan(self, complete)
    }
}

fn plan(file: &StateFile, complete: bool) -> Result<Vec<Vec<&Release>>, PlanError> {
    let releases: Vec<&Release> = file
        .releases
        .iter()
        .filter(|r| r.installed && r.enabled)
        .collect();
    let all_ids: Vec<String> = file
        .releases
        .iter()
        .map(|r| release_id(&r.kube_context, &r.namespace, &r.name))
        .collect();
    let index: HashMap<String, usize> = releases
        .iter()
        .enumerate()
        .map(|(i, r)| (release_id(&r.kube_context, &r.namespace, &r.name), i))
        .collect();
    let mut needs: Vec<Vec<usize>> = Vec::with_capacity(releases.len());
    for r in &releases {
        let mut mine = Vec::new();
        for need in &r.needs {
            let id = need_id(r, need);
            match index.get(&id) {
                Some(&i) => mine.push(i),
                None if complete && !all_ids.contains(&id) => {
                    let name = id.rsplit('/').next().unwrap_or(&id).to_string();
                    return Err(PlanError::UndefinedNeed {
                        dependents: format!(
                            "{:?}",
                            release_id(&r.kube_context, &r.namespace, &r.name)
                        ),
                        need: id,
                        name,
                    });
                }
                None => {}
            }
        }
        needs.push(mine);
    }
    let mut placed = vec![false; releases.len()];
    let mut batches = Vec::new();
    while placed.iter().any(|p| !p) {
        let batch: Vec<usize> = (0..releases.len())
            .filter(|&i| !placed[i] && needs[i].iter().all(|&n| placed[n]))
            .collect();
        if batch.is_empty() {
            let stuck: Vec<&str> = (0..releases.len())
                .filter(|&i| !placed[i])
                .map(|i| releases[i].name.as_str())
                .collect();
            return Err(PlanError::Cycle(stuck.join(", ")));
        }
        for &i in &batch {
            placed[i] = true;
        }
        batches.push(batch.into_iter().map(|i| releases[i]).collect());
    }
    Ok(batches)
}
