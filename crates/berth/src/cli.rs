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
    #[command(flatten)]
    pub repo: RepoArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// How to read the deployment repository (helmfile's global flags) and where its
/// charts come from. All but `--file` may also follow the command.
#[derive(clap::Args, Debug, Clone)]
pub struct RepoArgs {
    /// The state file or a directory of them (default: helmfile.yaml,
    /// helmfile.yaml.gotmpl, then helmfile.d/).
    #[arg(long = "file", short = 'f')]
    pub file: Option<PathBuf>,
    /// The environment to render.
    #[arg(
        long = "environment",
        short = 'e',
        default_value = "default",
        global = true
    )]
    pub environment: String,
    /// Select releases by label (`key=value`, `key!=value`; commas AND, repeats OR).
    #[arg(long = "selector", short = 'l', global = true)]
    pub selectors: Vec<String>,
    /// Override state values (`key=value[,key=value]`).
    #[arg(long = "state-values-set", global = true)]
    pub state_values_set: Vec<String>,
    /// Override state values as strings.
    #[arg(long = "state-values-set-string", global = true)]
    pub state_values_set_string: Vec<String>,
    /// Files of state values to merge over the environment's.
    #[arg(long = "state-values-file", global = true)]
    pub state_values_files: Vec<PathBuf>,
    /// Let the state's `exec` function run commands.
    #[arg(long, global = true)]
    pub allow_exec: bool,
    /// Never use the network: charts come from the bundle (`--bundle`, or
    /// `./vendor` when it holds one) or else from the cache.
    #[arg(long, global = true)]
    pub offline: bool,
    /// A bundle written by `berth vendor`; every chart comes from it.
    #[arg(long, global = true)]
    pub bundle: Option<PathBuf>,
    /// The chart cache (default: $XDG_CACHE_HOME/berth).
    #[arg(long, global = true)]
    pub cache_dir: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Render a chart as `helm template` does (`berth template RELEASE CHART`), or
    /// every selected release of the deployment repository as `helmfile template`.
    Template(TemplateArgs),
    /// Print the rendered state as `helmfile build` does.
    Build,
    /// List the selected releases as `helmfile list` does.
    List,
    /// Check the deployment repository: layout mistakes, repositories, values,
    /// secrets and every release's rendering.
    Lint(LintArgs),
    /// Write every chart the selected releases need into an offline bundle.
    Vendor(VendorArgs),
    /// Refresh the index of every chart repository the state declares.
    Repos,
    /// Render a Go text/template file with JSON data, exactly as Go's text/template does.
    Gotmpl(GotmplArgs),
    /// Decrypt, encrypt and edit SOPS files in memory, as the sops binary does.
    #[command(subcommand)]
    Secrets(SecretsCommand),
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

#[derive(clap::Args, Debug)]
pub struct TemplateArgs {
    /// The release name (omit both to render the deployment repository).
    #[arg(requires = "chart")]
    pub release: Option<String>,
    /// The chart: a directory or a .tgz archive.
    pub chart: Option<PathBuf>,
    /// The release namespace (default: `default`, or each release's own).
    #[arg(long, short = 'n')]
    pub namespace: Option<String>,
    /// Values files, later ones winning.
    #[arg(long = "values", short = 'f')]
    pub values: Vec<PathBuf>,
    /// Values as `a.b=1,c[0]=x`, typed as Helm types them (int64, bool, null, else string).
    #[arg(long = "set", allow_hyphen_values = true)]
    pub set: Vec<String>,
    /// Values as `--set` takes them, every value a string.
    #[arg(long = "set-string", allow_hyphen_values = true)]
    pub set_string: Vec<String>,
    /// Values read from files: `key=path`.
    #[arg(long = "set-file", allow_hyphen_values = true)]
    pub set_file: Vec<String>,
    /// JSON values (`key=<JSON>`), or a JSON object merged over the values.
    #[arg(long = "set-json", allow_hyphen_values = true)]
    pub set_json: Vec<String>,
    /// A string value taken verbatim: `key=everything after the first =`.
    #[arg(long = "set-literal", allow_hyphen_values = true)]
    pub set_literal: Vec<String>,
    /// The Kubernetes version `.Capabilities.KubeVersion` reports.
    #[arg(long)]
    pub kube_version: Option<String>,
    /// Extra API versions for `.Capabilities.APIVersions`.
    #[arg(long = "api-versions", short = 'a')]
    pub api_versions: Vec<String>,
    /// Print the charts' CRDs first.
    #[arg(long)]
    pub include_crds: bool,
    /// Accepted for helm compatibility: `helm template` prints no CRDs unless asked.
    #[arg(long)]
    pub skip_crds: bool,
    /// Leave out test hooks.
    #[arg(long)]
    pub skip_tests: bool,
    /// Do not check values against the charts' `values.schema.json`.
    #[arg(long)]
    pub skip_schema_validation: bool,
    /// Leave out hooks.
    #[arg(long)]
    pub no_hooks: bool,
    /// Print only the manifests from these templates (globs below the chart name).
    #[arg(long = "show-only", short = 's')]
    pub show_only: Vec<String>,
    /// Render as Helm 3.17 does instead of Helm 4.
    #[arg(long)]
    pub helm3: bool,
}

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// Render as Helm 3.17 does instead of Helm 4.
    #[arg(long)]
    pub helm3: bool,
}

#[derive(clap::Args, Debug)]
pub struct VendorArgs {
    /// The bundle directory to write.
    #[arg(long, default_value = "vendor")]
    pub out: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum SecretsCommand {
    /// Print the plaintext of a SOPS file exactly as `sops decrypt` prints it.
    Decrypt(SecretsIoArgs),
    /// Encrypt a plaintext file for the recipients of its `.sops.yaml` creation rule; print the result.
    Encrypt(SecretsEncryptArgs),
    /// Edit a SOPS file's plaintext in $EDITOR (held on a memory-backed filesystem) and re-encrypt it.
    Edit(SecretsFileArgs),
}

#[derive(clap::Args, Debug)]
pub struct SecretsFileArgs {
    /// The SOPS file.
    pub file: PathBuf,
}

#[derive(clap::Args, Debug)]
pub struct SecretsIoArgs {
    /// The SOPS file.
    pub file: PathBuf,
    /// Read the file as this format instead of guessing from its extension.
    #[arg(long, value_parser = ["yaml", "json", "dotenv", "ini", "binary"])]
    pub input_type: Option<String>,
    /// Write in this format instead of the input format.
    #[arg(long, value_parser = ["yaml", "json", "dotenv", "ini", "binary"])]
    pub output_type: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct SecretsEncryptArgs {
    #[command(flatten)]
    pub io: SecretsIoArgs,
    /// Comma-separated age recipients to use instead of `.sops.yaml` creation rules.
    #[arg(long)]
    pub age: Option<String>,
}
