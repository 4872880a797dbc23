//! The berth command line: parses arguments, runs the chosen command, and renders
//! any failure for humans as `Error: ...` on stderr with a non-zero exit.

mod allocator;
mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

/// Rendering allocates many small values; mimalloc serves them several times
/// faster than the system allocator, and musl's in particular.
#[global_allocator]
static ALLOCATOR: allocator::Mimalloc = allocator::Mimalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::FAILURE
        }
    }
}
