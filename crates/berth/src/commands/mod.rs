//! Dispatches a parsed command line to the command that implements it.

mod gotmpl;
mod lint;
mod project;
mod repo_info;
mod repo_template;
mod secrets;
mod template;
mod vendor;

use std::io::Write;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Gotmpl(args) => gotmpl::run(&args),
        Command::Secrets(cmd) => secrets::run(&cmd),
        Command::Template(args) if args.release.is_some() => template::run(&args),
        Command::Template(args) => repo_template::run(&cli.repo, &args),
        Command::Build => repo_info::build(&cli.repo),
        Command::List => repo_info::list(&cli.repo),
        Command::Lint(args) => lint::run(&cli.repo, &args),
        Command::Vendor(args) => vendor::vendor(&cli.repo, &args),
        Command::Repos => vendor::repos(&cli.repo),
    }
}

/// Leaves `value` unfreed: the command ends right after, and the kernel takes a
/// process's memory back at once, where dropping a chart, its values and its
/// parse trees walks every node of them.
pub(crate) fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// Writes a command's output to stdout.
pub(crate) fn write_stdout(text: &str) -> Result<(), String> {
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| format!("cannot write output: {e}"))
}
