//! helm 4 and helm 3 against the server: install, list, upgrade, history,
//! rollback and uninstall of real corpus charts with --wait, and their release
//! Secrets as kubectl sees them.

mod common;

use common::{shared, tool, Cluster};

fn lifecycle(helm: &str, chart_id: &str, release: &str) {
    let (Some(h), Some(k), Some(shared)) = (tool(helm), tool("kubectl"), shared()) else {
        eprintln!("skipping: {helm}, kubectl or the shared corpus is missing");
        return;
    };
    let chart = shared.join("corpus/charts").join(chart_id);
    let chart = chart.to_str().expect("utf-8 path");
    let c = Cluster::start();
    let ns = ["--namespace", "default"];
    let wait = ["--wait", "--timeout", "60s"];

    let mut args = vec!["install", release, chart];
    args.extend(ns);
    args.extend(wait);
    let out = c.ok(&h, &args, None);
    assert!(out.contains("STATUS: deployed"), "{out}");

    let list = c.ok(&h, &["list", "--namespace", "default"], None);
    assert!(list.lines().any(|l| l.starts_with(release) && l.contains("deployed")), "{list}");

    let mut args = vec!["upgrade", release, chart, "--set", "replicas=2"];
    args.extend(ns);
    args.extend(wait);
    let out = c.ok(&h, &args, None);
    assert!(out.contains("has been upgraded"), "{out}");

    let history = c.ok(&h, &["history", release, "--namespace", "default"], None);
    let revisions: Vec<&str> = history.lines().skip(1).filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(revisions, ["1", "2"], "{history}");
    assert!(history.contains("superseded") && history.contains("Upgrade complete"), "{history}");

    let mut args = vec!["rollback", release, "1"];
    args.extend(ns);
    args.extend(wait);
    let out = c.ok(&h, &args, None);
    assert!(out.contains("Rollback was a success"), "{out}");

    let secrets = c.ok(&k, &["get", "secrets", "-l", "owner=helm", "-o", "name"], None);
    let names: Vec<&str> = secrets.lines().collect();
    let expected: Vec<String> = (1..=3).map(|v| format!("secret/sh.helm.release.v1.{release}.v{v}")).collect();
    assert_eq!(names, expected, "{secrets}");
    let status = c.ok(&k, &["get", "secret", &format!("sh.helm.release.v1.{release}.v3"), "-o", "jsonpath={.metadata.labels.status}"], None);
    assert_eq!(status, "deployed");

    let out = c.ok(&h, &["uninstall", release, "--namespace", "default", "--wait"], None);
    assert!(out.contains(&format!("release \"{release}\" uninstalled")), "{out}");
    let left = c.ok(&k, &["get", "secrets,deployments,services", "-l", "owner=helm", "-o", "name"], None);
    assert_eq!(left.trim(), "", "{left}");
    let list = c.ok(&h, &["list", "--namespace", "default", "-q"], None);
    assert_eq!(list.trim(), "");
}

#[test]
fn helm4_metrics_server_lifecycle() {
    lifecycle("helm4", "kubernetes-sigs-metrics-server", "ms");
}

#[test]
fn helm3_metrics_server_lifecycle() {
    lifecycle("helm3", "kubernetes-sigs-metrics-server", "ms");
}

#[test]
fn helm4_kube_state_metrics_lifecycle() {
    lifecycle("helm4", "prometheus-community-kube-state-metrics", "ksm");
}

#[test]
fn helm3_kube_state_metrics_lifecycle() {
    lifecycle("helm3", "prometheus-community-kube-state-metrics", "ksm");
}

#[test]
fn helm4_wait_fails_on_a_failing_deployment() {
    let (Some(h), Some(shared)) = (tool("helm4"), shared()) else {
        eprintln!("skipping: helm4 or the shared corpus is missing");
        return;
    };
    let chart = shared.join("corpus/charts/kubernetes-sigs-metrics-server");
    let c = Cluster::start();
    let err = c.fails(
        &h,
        &[
            "install", "ms", chart.to_str().expect("utf-8 path"), "--namespace", "default", "--wait", "--timeout", "5s",
            "--set-string", "deploymentAnnotations.testserver\\.berth\\.dev/fail=true",
        ],
        None,
    );
    assert!(
        err.contains("resource Deployment/default/ms-metrics-server not ready. status: Failed, message: Progress deadline exceeded"),
        "{err}"
    );
}

const HOOKED_CHART: &[(&str, &str)] = &[
    ("Chart.yaml", "apiVersion: v2\nname: hooked\nversion: 0.1.0\n"),
    ("templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n  a: \"1\"\n"),
    (
        "templates/hook.yaml",
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-migrate\n  annotations:\n    \"helm.sh/hook\": pre-install,pre-upgrade\n    \"helm.sh/hook-delete-policy\": before-hook-creation,hook-succeeded\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: m\n        image: busybox\n",
    ),
    (
        "templates/test.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}-test\n  annotations:\n    \"helm.sh/hook\": test\nspec:\n  restartPolicy: Never\n  containers:\n  - name: t\n    image: busybox\n",
    ),
];

fn hooks(helm: &str) {
    let (Some(h), Some(k)) = (tool(helm), tool("kubectl")) else {
        eprintln!("skipping: {helm} or kubectl is missing");
        return;
    };
    let c = Cluster::start();
    let chart = c.home.path().join("hooked");
    for (path, text) in HOOKED_CHART {
        let p = chart.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("chart dir");
        std::fs::write(p, text).expect("chart file");
    }
    let chart = chart.to_str().expect("utf-8 path");
    let out = c.ok(&h, &["install", "hk", chart, "--wait", "--timeout", "30s"], None);
    assert!(out.contains("STATUS: deployed"), "{out}");
    let jobs = c.ok(&k, &["get", "jobs", "-o", "name"], None);
    assert_eq!(jobs.trim(), "", "the succeeded hook Job is deleted");
    c.ok(&h, &["upgrade", "hk", chart, "--wait", "--timeout", "30s"], None);
    let out = c.ok(&h, &["test", "hk"], None);
    assert!(out.contains("TEST SUITE:     hk-test"), "{out}");
    assert!(out.contains("Phase:          Succeeded"), "{out}");
    c.ok(&h, &["uninstall", "hk"], None);
}

#[test]
fn helm4_runs_hooks_and_tests() {
    hooks("helm4");
}

#[test]
fn helm3_runs_hooks_and_tests() {
    hooks("helm3");
}
