//! `berth-testserver`: runs the test API server until killed.

use clap::Parser;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "berth-testserver", about = "A Kubernetes API server for tests")]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 6443)]
    port: u16,
    /// Where to write a kubeconfig for the server.
    #[arg(long)]
    kubeconfig: Option<PathBuf>,
    /// Bearer token to require (generated when absent).
    #[arg(long)]
    token: Option<String>,
    /// Milliseconds simulated workloads take to become ready.
    #[arg(long, default_value_t = 300)]
    ready_delay_ms: u64,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let options = testserver::Options {
        port: args.port,
        token: args.token,
        ready_delay: Duration::from_millis(args.ready_delay_ms),
        ..testserver::Options::default()
    };
    let server = match testserver::TestServer::start(options) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("berth-testserver: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    if let Some(path) = &args.kubeconfig {
        if let Err(e) = server.write_kubeconfig(path) {
            eprintln!("berth-testserver: writing {}: {e}", path.display());
            return std::process::ExitCode::FAILURE;
        }
    }
    println!("berth-testserver listening on {}", server.url());
    loop {
        std::thread::park();
    }
}
