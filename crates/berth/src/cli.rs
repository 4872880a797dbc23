//! The command-line grammar: every subcommand and flag berth accepts.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "berth",
    version,
    about = "Deploy a GitOps repository of Helm charts with one static binary"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Render a Go text/template file with JSON data, exactly as Go's text/template does.
    Gotmpl(GotmplArgs),
}

#[derive(clap::Args, Debug)]
pub struct GotmplArgs {
    /// The template file; it may `define` further templates.
    pub template: PathBuf,
    /// A JSON file whose content becomes dot (numbers are float64, as Go decodes JSON).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Execute this named template instead of the file's top-level text.
    #[arg(long)]
    pub name: Option<String>,
    /// What a missing map key yields (Go's `missingkey` option; Helm uses `zero`).
    #[arg(long, value_enum, default_value_t = MissingKeyArg::Default)]
    pub missingkey: MissingKeyArg,
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum MissingKeyArg {
    Default,
    Zero,
    Error,
}
