//! Charts from an OCI registry, end to end: a real registry (Debian's
//! docker-registry) on 127.0.0.1, charts pushed to it, and a state file naming
//! them through an `oci: true` repository with a semver range and through an
//! `oci://` reference with an exact tag. berth must print what helm prints for
//! the same archives (`testdata/deploy/oci.expected.yaml`, made by helm 4.1.4;
//! checked live when helm is installed).

mod support;

#[path = "../crates/source/tests/common/registry.rs"]
mod registry;

use std::path::Path;
use std::process::Command;

use source::{SourceOptions, Sources};
use support::package::package_chart;
use support::{berth_binary, reference_tool, testdata};

#[test]
fn charts_pulled_from_a_registry_render_by_range_and_by_tag() {
    let Some(registry) = registry::start_registry(None) else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let web = testdata().join("deploy/charts/web");
    let pusher = Sources::new(SourceOptions {
        cache_dir: Some(work.path().join("push-cache")),
        ..Default::default()
    })
    .unwrap();
    let destination = format!("oci://127.0.0.1:{}/charts", registry.port);
    let mut archives = Vec::new();
    for version in ["1.1.0", "1.2.3", "1.3.0-rc.1"] {
        let path = work.path().join(format!("web-{version}.tgz"));
        std::fs::write(&path, package_chart(&web, "web", version)).unwrap();
        pusher.push(&path, &destination).unwrap();
        archives.push(path);
    }
    let project = work.path().join("project");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("helmfile.yaml"),
        format!(
            "repositories:\n  - name: registry\n    url: 127.0.0.1:{port}/charts\n    oci: true\nreleases:\n  - name: edge\n    namespace: oci\n    chart: registry/web\n    version: \"~1.2\"\n  - name: pinned\n    namespace: oci\n    chart: {destination}/web\n    version: 1.1.0\n",
            port = registry.port
        ),
    )
    .unwrap();
    let out = Command::new(berth_binary())
        .current_dir(&project)
        .arg("--cache-dir")
        .arg(work.path().join("cache"))
        .arg("template")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rendered = String::from_utf8(out.stdout).unwrap();
    let expected = std::fs::read_to_string(testdata().join("deploy/oci.expected.yaml")).unwrap();
    assert_eq!(rendered, expected);

    match helm_template(&[("edge", &archives[1]), ("pinned", &archives[0])]) {
        Some(live) => assert_eq!(rendered, live),
        None => eprintln!("notice: helm4 is absent; compared with the committed helm output only"),
    }
}

/// What helm 4 prints for each release and archive, each output followed by a
/// newline as helmfile prints it.
fn helm_template(releases: &[(&str, &Path)]) -> Option<String> {
    let helm = reference_tool("helm4")?;
    let mut all = String::new();
    for (name, archive) in releases {
        let out = Command::new(&helm)
            .args(["template", name])
            .arg(archive)
            .args(["--namespace", "oci"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        all.push_str(&String::from_utf8(out.stdout).unwrap());
        all.push('\n');
    }
    Some(all)
}
