//! `bench`: berth and the reference helm 4 side by side in one run, on the largest
//! corpus charts and on every corpus case: wall time (best of several runs, and
//! for single charts also the median of runs taken in turns) and peak resident
//! memory of each process.

use std::path::{Path, PathBuf};

// Shared with the end-to-end tests, which use more of them.
#[allow(dead_code)]
#[path = "../../tests/support/helmfile.rs"]
mod helmfile_home;
#[path = "../../tests/support/package.rs"]
mod package;
#[allow(dead_code)]
#[path = "../../tests/support/repository.rs"]
mod repository;

use helmfile_home::HelmfileHome;
use package::package_chart;
use repository::{ChartRepository, Published};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run of a command cost.
#[derive(Clone, Copy, Debug)]
struct Cost {
    wall: Duration,
    peak_rss_kib: i64,
    success: bool,
}

/// Runs a command with output discarded, measuring wall time and peak memory.
fn measure(program: &Path, args: &[String], cwd: &Path) -> Result<Cost, String> {
    measure_with(program, args, cwd, &[])
}

/// [`measure`] with extra environment variables.
fn measure_with(
    program: &Path,
    args: &[String],
    cwd: &Path,
    env: &[(&str, PathBuf)],
) -> Result<Cost, String> {
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_os_str())))
        .current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `usage` is a plain C struct that wait4 fills in; the pid is our child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if waited != pid {
        return Err(format!("waiting for {} failed", program.display()));
    }
    Ok(Cost {
        wall: start.elapsed(),
        peak_rss_kib: usage.ru_maxrss,
        success: libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
    })
}

fn best_of(runs: usize, program: &Path, args: &[String], cwd: &Path) -> Result<Cost, String> {
    best_of_with(runs, program, args, cwd, &[])
}

fn best_of_with(
    runs: usize,
    program: &Path,
    args: &[String],
    cwd: &Path,
    env: &[(&str, PathBuf)],
) -> Result<Cost, String> {
    let costs = (0..runs)
        .map(|_| measure_with(program, args, cwd, env))
        .collect::<Result<Vec<Cost>, String>>()?;
    best(&costs)
}

/// The fastest run, with the highest peak memory of all the runs.
fn best(costs: &[Cost]) -> Result<Cost, String> {
    let fastest = costs
        .iter()
        .min_by_key(|c| c.wall)
        .ok_or_else(|| "no runs".to_string())?;
    Ok(Cost {
        peak_rss_kib: costs.iter().map(|c| c.peak_rss_kib).max().unwrap_or(0),
        ..*fastest
    })
}

/// The median wall time of some runs.
fn median(costs: &[Cost]) -> Duration {
    let mut walls: Vec<Duration> = costs.iter().map(|c| c.wall).collect();
    walls.sort();
    walls.get(walls.len() / 2).copied().unwrap_or_default()
}

/// Runs of berth, and of helm after every third, on one case: taken in turns,
/// both meet the same machine state, which on a shared machine drifts by tens
/// of percent within a minute. Prints the row (best runs) and the medians.
fn head_to_head(
    name: &str,
    berth: &Path,
    helm: Option<&Path>,
    args: &[String],
    cwd: &Path,
) -> Result<(), String> {
    const BERTH_RUNS: usize = 15;
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for run in 0..BERTH_RUNS {
        ours.push(measure(berth, args, cwd)?);
        if let Some(helm) = helm.filter(|_| run % 3 == 0) {
            theirs.push(measure(helm, args, cwd)?);
        }
    }
    let helm_best = helm.map(|_| best(&theirs)).transpose()?;
    print_row(name, best(&ours)?, helm_best);
    if helm.is_some() {
        let (ours, theirs) = (median(&ours), median(&theirs));
        println!(
            "{:<48} {:>16.1} ms {:>27.1} ms {:>7.1}x",
            "  (medians)",
            ours.as_secs_f64() * 1000.0,
            theirs.as_secs_f64() * 1000.0,
            theirs.as_secs_f64() / ours.as_secs_f64().max(1e-9)
        );
    }
    Ok(())
}

fn template_args(chart: &Path, values: Option<&Path>, helm3: bool) -> Vec<String> {
    let mut args: Vec<String> = ["template", "rel"]
        .iter()
        .map(|s| s.to_string())
        .chain([chart.display().to_string()])
        .collect();
    args.extend(
        ["--namespace", "ns", "--kube-version", "v1.33.0"]
            .iter()
            .map(|s| s.to_string()),
    );
    if let Some(v) = values {
        args.push("-f".into());
        args.push(v.display().to_string());
    }
    if helm3 {
        args.push("--helm3".into());
    }
    args
}

fn describe(cost: Option<Cost>) -> String {
    match cost {
        None => "-".into(),
        Some(c) => format!(
            "{:>9.1} ms {:>7.1} MiB{}",
            c.wall.as_secs_f64() * 1000.0,
            c.peak_rss_kib as f64 / 1024.0,
            if c.success { "" } else { " (failed)" }
        ),
    }
}

/// Benchmarks berth against helm 4 when the reference tools are installed.
pub fn run(root: &Path, helm: &Path) -> Result<(), String> {
    let corpus = root.join("../shared/corpus");
    if !corpus.join("cases.tsv").is_file() {
        println!(
            "notice: {} is absent; nothing to benchmark",
            corpus.display()
        );
        return Ok(());
    }
    let berth = crate::release_build::build_berth(root)?;
    let helm_dir = helm.parent().map(Path::to_path_buf);
    let helm = helm.is_file().then(|| helm.to_path_buf());
    if helm.is_none() {
        println!(
            "notice: {} is absent; showing berth alone",
            helm_path_text(helm.as_deref())
        );
    }
    println!(
        "{:<48} {:>28} {:>28} {:>8}",
        "case", "berth", "helm 4", "speedup"
    );
    let assembled = tempfile::tempdir().map_err(|e| e.to_string())?;
    if let Some(stack) = assemble_kube_prometheus_stack(&corpus, assembled.path())? {
        let mut args = template_args(&stack, None, false);
        args.extend(["--set".to_string(), "grafana.enabled=false".to_string()]);
        if let Some(h) = &helm {
            let same = same_output(&berth, h, &args, root)?;
            println!("kube-prometheus-stack (assembled): berth's output is {same} to helm's");
        }
        head_to_head(
            "kube-prometheus-stack (assembled)",
            &berth,
            helm.as_deref(),
            &args,
            root,
        )?;
    }
    for name in ["bitnami-kube-prometheus", "grafana-loki", "bitnami-airflow"] {
        let chart = corpus.join("charts").join(name);
        if !chart.is_dir() {
            continue;
        }
        let args = template_args(&chart, None, false);
        head_to_head(name, &berth, helm.as_deref(), &args, root)?;
    }
    let cases: Vec<(PathBuf, Option<PathBuf>)> = std::fs::read_to_string(corpus.join("cases.tsv"))
        .map_err(|e| e.to_string())?
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            let chart = corpus.join("charts").join(cols.first()?);
            let values = cols.get(2).filter(|v| !v.is_empty()).map(|v| chart.join(v));
            Some((chart, values))
        })
        .collect();
    let total = |program: &Path| -> Result<Cost, String> {
        let mut sum = Cost {
            wall: Duration::ZERO,
            peak_rss_kib: 0,
            success: true,
        };
        for (chart, values) in &cases {
            let c = measure(
                program,
                &template_args(chart, values.as_deref(), false),
                root,
            )?;
            sum.wall += c.wall;
            sum.peak_rss_kib = sum.peak_rss_kib.max(c.peak_rss_kib);
        }
        Ok(sum)
    };
    let ours = total(&berth)?;
    let theirs = match &helm {
        Some(h) => Some(total(h)?),
        None => None,
    };
    print_row(
        &format!("whole corpus ({} cases, sequential)", cases.len()),
        ours,
        theirs,
    );
    let tools = helm_dir.unwrap_or_else(|| PathBuf::from("."));
    deployment_repository(&corpus, &berth, &tools)?;
    seed_shaped_repository(root, &berth, &tools)
}

/// `template` over the end-to-end tests' seed-shaped project
/// (`testdata/deploy/project`: five releases from a chart repository served on
/// 127.0.0.1, environment values, an age-encrypted secret), berth against
/// helmfile with a stand-in helm-secrets plugin, both with warm caches.
fn seed_shaped_repository(root: &Path, berth: &Path, tools: &Path) -> Result<(), String> {
    let charts = root.join("testdata/deploy/charts");
    let mut published = Vec::new();
    for (name, versions) in [
        ("web", &["1.1.0", "1.2.3", "1.3.0-rc.1"][..]),
        ("worker", &["0.2.0", "0.3.0", "1.0.0"][..]),
        ("config", &["2.0.1"][..]),
    ] {
        for version in versions {
            published.push(Published {
                name: name.to_string(),
                version: version.to_string(),
                archive: package_chart(&charts.join(name), name, version),
            });
        }
    }
    let repository = ChartRepository::serve(&published);
    let project = root.join("testdata/deploy/project");
    let cache = tempfile::tempdir().map_err(|e| e.to_string())?;
    let key = root.join("testdata/sops/key.txt");
    let env = [
        ("BERTH_TEST_REPOSITORY", PathBuf::from(&repository.url)),
        ("SOPS_AGE_KEY_FILE", key),
    ];
    let mut berth_args = vec![
        "--cache-dir".to_string(),
        cache.path().display().to_string(),
    ];
    berth_args.extend(["-e", "production", "template"].map(String::from));
    let ours = best_of_with(5, berth, &berth_args, &project, &env)?;
    let helmfile = tools.join("helmfile");
    let helm3 = tools.join("helm3-for-helmfile");
    let sops = tools.join("sops");
    let theirs = if helmfile.is_file() && helm3.is_file() && sops.is_file() {
        let home = HelmfileHome::new(&sops);
        let mut all_env: Vec<(&str, PathBuf)> = home.env();
        all_env.extend(env.iter().cloned());
        let args = vec![
            "--helm-binary".to_string(),
            helm3.display().to_string(),
            "-e".to_string(),
            "production".to_string(),
            "template".to_string(),
        ];
        Some(best_of_with(3, &helmfile, &args, &project, &all_env)?)
    } else {
        println!("notice: helmfile, its helm or sops is absent; showing berth alone");
        None
    };
    print_row("template, seed-shaped project (5 releases)", ours, theirs);
    Ok(())
}

/// How many corpus charts the benchmark's deployment repository deploys.
const REPOSITORY_RELEASES: usize = 20;

/// `template` over a deployment repository: one state file whose releases are
/// corpus charts that helm renders with their defaults, berth against helmfile
/// (with its helm 3, `--skip-deps` as the charts carry their dependencies),
/// both taken from `tools`, the reference tools' directory.
fn deployment_repository(corpus: &Path, berth: &Path, tools: &Path) -> Result<(), String> {
    let index = std::fs::read_to_string(corpus.join("golden/helm4/index.tsv"))
        .map_err(|e| e.to_string())?;
    let charts: Vec<&str> = index
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.get(1) == Some(&"default") && cols.get(2) == Some(&"0")).then(|| cols[0])
        })
        .take(REPOSITORY_RELEASES)
        .collect();
    let project = std::env::temp_dir().join(format!("berth-bench-{}", std::process::id()));
    std::fs::create_dir_all(&project).map_err(|e| e.to_string())?;
    let mut state = String::from("releases:\n");
    for (i, chart) in charts.iter().enumerate() {
        let path = corpus.join("charts").join(chart);
        let path = path
            .canonicalize()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        state.push_str(&format!(
            "  - name: r{i}\n    namespace: ns\n    chart: {}\n",
            path.display()
        ));
    }
    let state_file = project.join("helmfile.yaml");
    std::fs::write(&state_file, state).map_err(|e| e.to_string())?;
    let helmfile = tools.join("helmfile");
    let helm3 = tools.join("helm3-for-helmfile");
    let berth_args = vec!["template".to_string()];
    let ours = best_of(3, berth, &berth_args, &project)?;
    let theirs = if helmfile.is_file() && helm3.is_file() {
        let args = vec![
            "--helm-binary".to_string(),
            helm3.display().to_string(),
            "template".to_string(),
            "--skip-deps".to_string(),
        ];
        Some(best_of(2, &helmfile, &args, &project)?)
    } else {
        println!("notice: helmfile is absent; showing berth alone");
        None
    };
    println!(
        "{:<48} {:>28} {:>28} {:>8}",
        "deployment repository", "berth", "helmfile", "speedup"
    );
    print_row(
        &format!("template, {} releases", charts.len()),
        ours,
        theirs,
    );
    std::fs::remove_dir_all(&project).map_err(|e| e.to_string())
}

/// The corpus's kube-prometheus-stack lacks its four subcharts. Three of them are
/// corpus charts of the very versions it pins (kube-state-metrics,
/// prometheus-node-exporter, prometheus-windows-exporter); grafana is not in the
/// corpus, so the assembled copy drops that dependency and the benchmark renders
/// with `grafana.enabled=false`. `None` when a piece is missing.
fn assemble_kube_prometheus_stack(corpus: &Path, into: &Path) -> Result<Option<PathBuf>, String> {
    let charts = corpus.join("charts");
    let stack = charts.join("prometheus-community-kube-prometheus-stack");
    let subcharts = [
        (
            "kube-state-metrics",
            "prometheus-community-kube-state-metrics",
        ),
        (
            "prometheus-node-exporter",
            "prometheus-community-prometheus-node-exporter",
        ),
        (
            "prometheus-windows-exporter",
            "prometheus-community-prometheus-windows-exporter",
        ),
    ];
    if !stack.is_dir() || subcharts.iter().any(|(_, id)| !charts.join(id).is_dir()) {
        return Ok(None);
    }
    let target = into.join("kube-prometheus-stack");
    copy_tree(&stack, &target)?;
    for (name, id) in subcharts {
        copy_tree(&charts.join(id), &target.join("charts").join(name))?;
    }
    let chart_yaml = target.join("Chart.yaml");
    let text = std::fs::read_to_string(&chart_yaml).map_err(|e| e.to_string())?;
    let mut kept = String::new();
    let mut in_grafana = false;
    for line in text.lines() {
        if line.starts_with("  - ") {
            in_grafana = line == "  - name: grafana";
        } else if !line.starts_with("    ") {
            in_grafana = false;
        }
        if !in_grafana {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    // The corpus is read-only and copies keep their permissions.
    std::fs::remove_file(&chart_yaml).map_err(|e| e.to_string())?;
    std::fs::write(&chart_yaml, kept).map_err(|e| e.to_string())?;
    Ok(Some(target))
}

/// Copies a directory tree (files and directories; the corpus has no links).
fn copy_tree(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &dest)?;
        } else {
            std::fs::copy(&path, &dest).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// "identical" when both programs print the same bytes for `args`, "DIFFERENT"
/// otherwise: a benchmark of a case without a golden checks its own output.
fn same_output(
    berth: &Path,
    helm: &Path,
    args: &[String],
    cwd: &Path,
) -> Result<&'static str, String> {
    let run = |program: &Path| {
        Command::new(program)
            .args(args)
            .current_dir(cwd)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", program.display()))
    };
    let (ours, theirs) = (run(berth)?, run(helm)?);
    let same = ours.status.success() && theirs.status.success() && ours.stdout == theirs.stdout;
    Ok(if same { "identical" } else { "DIFFERENT" })
}

fn helm_path_text(helm: Option<&Path>) -> String {
    helm.map(|h| h.display().to_string())
        .unwrap_or_else(|| "the reference helm".into())
}

fn print_row(name: &str, ours: Cost, theirs: Option<Cost>) {
    let speedup = theirs
        .map(|t| {
            format!(
                "{:.1}x",
                t.wall.as_secs_f64() / ours.wall.as_secs_f64().max(1e-9)
            )
        })
        .unwrap_or_else(|| "-".into());
    println!(
        "{name:<48} {:>28} {:>28} {speedup:>8}",
        describe(Some(ours)),
        describe(theirs)
    );
}
