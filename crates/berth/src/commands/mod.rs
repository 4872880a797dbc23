//! Dispatches a parsed command line to the command that implements it.

mod gotmpl;
mod secrets;
mod template;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Gotmpl(args) => gotmpl::run(&args),
        Command::Secrets(cmd) => secrets::run(&cmd),
        Command::Template(args) => template::run(&args),
    }
}
