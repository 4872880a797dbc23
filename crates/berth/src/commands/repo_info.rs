//! `berth build` and `berth list`: the loaded state printed as `helmfile build`
//! and `helmfile list` print it.

use crate::cli::RepoArgs;
use crate::commands::project::load_state;

pub fn build(repo: &RepoArgs) -> Result<(), String> {
    let state = load_state(repo)?;
    crate::commands::write_stdout(&state.build_output())
}

pub fn list(repo: &RepoArgs) -> Result<(), String> {
    let state = load_state(repo)?;
    crate::commands::write_stdout(&state.list_output())
}
