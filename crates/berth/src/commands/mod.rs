//! Dispatches a parsed command line to the command that implements it.

mod gotmpl;

use crate::cli::{Cli, Command};

pub fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Gotmpl(args) => gotmpl::run(&args),
    }
}
