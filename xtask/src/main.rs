//! Development tasks for the berth workspace, run as `cargo xtask <task>`.
//!
//! * `gotmpl-expectations [--corpus DIR] [--helm PATH] [--jobs N] [--check] [--crosscheck PATH]`:
//!   renders every case of `DIR/cases/*.txt` (default `testdata/gotmpl`) through
//!   the real Go text/template with helm's function map (helm's `template`
//!   command) and writes `DIR/expected.json`. `--check` compares with the existing file
//!   instead of writing it; `--crosscheck PATH` also renders every case with a
//!   second helm (for instance helm 3, which prints Go's errors unaltered) and
//!   reports where the two disagree, without failing.
//! * `coalesce-goldens [--reftools DIR]`: records what helm 4 and helm 3 give
//!   each chart of `testdata/chart/coalesce` as `.Values`.
//! * `strvals-goldens`: records what helm 4 and helm 3 make of the `--set` family
//!   of flags for `testdata/strvals`.
//! * `conformance [--raise-floor]`: scores berth on the shared helm corpus for
//!   helm 4 and helm 3 and fails below the committed floor.
//! * `bench [--helm PATH]`: berth and helm 4 side by side on the largest corpus
//!   charts and on the whole corpus (wall time, peak memory).
//! * `fuzz-seeds`: writes the conformance templates into
//!   `fuzz/corpus/gotmpl_parse_execute` as the fuzzer's starting corpus.

#[path = "../../crates/gotmpl/tests/support/cases.rs"]
mod cases;

mod base64;
mod bench;
#[cfg(test)]
mod cases_tests;
mod chart;
mod coalesce_goldens;
mod conformance;
mod expected;
mod fuzz_seeds;
mod goyaml_goldens;
mod oracle;
mod pool;
mod release_build;
mod schema_goldens;
mod strvals_goldens;

use std::collections::BTreeMap;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use cases::{Case, Expectation};
use oracle::Helm;

const USAGE: &str =
    "usage: cargo xtask gotmpl-expectations [--corpus DIR] [--helm PATH] [--jobs N] [--check] [--crosscheck PATH]";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("gotmpl-expectations") => gotmpl_expectations(&args[1..]),
        Some("goyaml-goldens") => goyaml_goldens::run(&args[1..], &workspace_root()),
        Some("coalesce-goldens") => {
            let reftools = match args.get(1).map(String::as_str) {
                Some("--reftools") => args
                    .get(2)
                    .map(PathBuf::from)
                    .ok_or("--reftools needs a value".to_string()),
                _ => Ok(default_helm()
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default()),
            };
            reftools.and_then(|dir| coalesce_goldens::write_goldens(&workspace_root(), &dir))
        }
        Some("strvals-goldens") => strvals_goldens::run(
            &workspace_root(),
            default_helm().parent().unwrap_or(Path::new(".")),
        ),
        Some("schema-goldens") => schema_goldens::run(
            &workspace_root(),
            default_helm().parent().unwrap_or(Path::new(".")),
        ),
        Some("conformance") => conformance::run(
            &workspace_root(),
            args.get(1).is_some_and(|a| a == "--raise-floor"),
        ),
        Some("bench") => {
            let helm = match args.get(1).map(String::as_str) {
                Some("--helm") => args.get(2).map(PathBuf::from).unwrap_or_else(default_helm),
                _ => default_helm(),
            };
            bench::run(&workspace_root(), &helm)
        }
        Some("fuzz-seeds") => {
            let root = workspace_root();
            let out = root.join("fuzz/corpus/gotmpl_parse_execute");
            fuzz_seeds::write_seeds(&root.join("testdata/gotmpl"), &out)
                .map(|n| eprintln!("wrote {n} seeds to {}", out.display()))
        }
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Options of `gotmpl-expectations`.
struct Options {
    corpus: PathBuf,
    helm: PathBuf,
    crosscheck: Option<PathBuf>,
    jobs: usize,
    check: bool,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut opts = Options {
        corpus: workspace_root().join("testdata/gotmpl"),
        helm: default_helm(),
        crosscheck: None,
        jobs: 2,
        check: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--helm" => opts.helm = PathBuf::from(value("--helm")?),
            "--corpus" => opts.corpus = workspace_root().join(value("--corpus")?),
            "--crosscheck" => opts.crosscheck = Some(PathBuf::from(value("--crosscheck")?)),
            "--jobs" => {
                opts.jobs = value("--jobs")?
                    .parse()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or("--jobs needs a positive number")?
            }
            "--check" => opts.check = true,
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    Ok(opts)
}

/// `$HOME/.cache/reftools/bin/helm4`, where the reference tools are installed.
fn default_helm() -> PathBuf {
    let home = env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    home.join(".cache/reftools/bin/helm4")
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn gotmpl_expectations(args: &[String]) -> Result<(), String> {
    let opts = parse_options(args)?;
    let testdata = opts.corpus.clone();
    let cases = cases::try_load_cases(&testdata.join("cases"))?;
    if cases.is_empty() {
        return Err(format!("no cases in {}", testdata.join("cases").display()));
    }
    let helm = Helm {
        path: opts.helm.clone(),
        timeout: Duration::from_secs(120),
    };
    let oracle = helm.version().map_err(|e| {
        format!(
            "{e}\n(the reference helm is expected at {}; pass --helm PATH)",
            opts.helm.display()
        )
    })?;
    eprintln!("rendering {} cases with {oracle} ...", cases.len());
    let results = render_all(&helm, &cases, opts.jobs)?;

    let mut by_kind = [0usize; 3];
    for e in results.values() {
        by_kind[match e {
            Expectation::Output(_) => 0,
            Expectation::Error(_) => 1,
            Expectation::ParseError(_) => 2,
        }] += 1;
    }
    eprintln!(
        "{} outputs, {} errors, {} parse errors",
        by_kind[0], by_kind[1], by_kind[2]
    );

    if let Some(other) = &opts.crosscheck {
        crosscheck(other, &cases, &results, opts.jobs)?;
    }

    let text = expected::render(&oracle, &results);
    let path = testdata.join("expected.json");
    if opts.check {
        let old = fs::read_to_string(&path).unwrap_or_default();
        if old != text {
            return Err(format!(
                "{} is out of date; run `cargo xtask gotmpl-expectations`",
                path.display()
            ));
        }
        eprintln!("{} is up to date", path.display());
    } else {
        fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Renders every case in its own chart under a private temporary directory.
/// Fails if any case cannot be classified, naming all such cases.
fn render_all(
    helm: &Helm,
    cases: &[Case],
    jobs: usize,
) -> Result<BTreeMap<String, Expectation>, String> {
    let tmp = env::temp_dir().join(format!("berth-gotmpl-{}", std::process::id()));
    let _ = fs::remove_dir_all(&tmp);
    let outcomes = pool::map(cases, jobs, |index, case| {
        let work = tmp.join(format!("{index:04}"));
        let chart_dir = work.join("c");
        chart::write_chart(&chart_dir, &case.values_json, &case.template)
            .map_err(|e| format!("cannot write chart: {e}"))?;
        let result = helm.render(&chart_dir);
        let _ = fs::remove_dir_all(&work);
        result
    });
    let _ = fs::remove_dir_all(&tmp);
    let mut results = BTreeMap::new();
    let mut failures = Vec::new();
    for (case, outcome) in cases.iter().zip(outcomes) {
        match outcome {
            Ok(e) => {
                results.insert(case.name.clone(), e);
            }
            Err(e) => failures.push(format!("{} ({}): {e}", case.name, case.file)),
        }
    }
    if failures.is_empty() {
        Ok(results)
    } else {
        Err(format!(
            "{} case(s) could not be rendered:\n{}",
            failures.len(),
            failures.join("\n")
        ))
    }
}

/// Renders every case with a second helm and prints the disagreements.
fn crosscheck(
    other: &Path,
    cases: &[Case],
    results: &BTreeMap<String, Expectation>,
    jobs: usize,
) -> Result<(), String> {
    let helm = Helm {
        path: other.to_path_buf(),
        timeout: Duration::from_secs(120),
    };
    let version = helm.version()?;
    eprintln!("cross-checking with {version} ...");
    let theirs = render_all(&helm, cases, jobs)?;
    let mut differences = 0;
    for case in cases {
        let ours = &results[&case.name];
        let other = &theirs[&case.name];
        if ours != other {
            differences += 1;
            eprintln!(
                "DIFF {} ({}):\n  oracle: {ours:?}\n  {version}: {other:?}",
                case.name, case.file
            );
        }
    }
    eprintln!("{differences} case(s) differ between the oracle and {version}");
    Ok(())
}
