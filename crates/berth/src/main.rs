//! The berth command line: parses arguments, runs the chosen command, and renders
//! any failure for humans as `Error: ...` on stderr with a non-zero exit.

mod allocator;
mod cli;
mod commands;

use std::io::Write;

use clap::Parser;

/// Rendering allocates many small values and keeps most of them until it ends.
#[global_allocator]
static ALLOCATOR: allocator::BerthAllocator = allocator::BerthAllocator;

fn main() {
    // The worker threads start while the arguments are parsed, rather than
    // when the first command's first parallel step waits for them.
    rayon::spawn(|| ());
    let cli = cli::Cli::parse();
    let code = match commands::run(cli) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("Error: {e}");
            1
        }
    };
    exit_at_once(code)
}

/// Ends the process once the command's output is out. Everything the command
/// owned has been dropped or deliberately left to the kernel by then; what
/// `exit` would still run is the allocator's collection of every page it
/// holds, about half a millisecond of a `berth template` run.
fn exit_at_once(code: i32) -> ! {
    let flushed = std::io::stdout().flush();
    let code = if flushed.is_err() { 1 } else { code };
    // SAFETY: `_exit` ends the process without running exit handlers; stdout,
    // the only buffered stream, was flushed above.
    unsafe { libc::_exit(code) }
}
