//! The committed fixture project (`testdata/state/project`): bases, two
//! environments, a sub-helmfile, release templates (`inherit` and YAML
//! anchors), needs, selectors and an age-encrypted secrets file. Build and
//! list outputs are compared with expectations helmfile 0.166 printed, and
//! with helmfile itself when it is installed.

mod common;

use common::*;

struct Case {
    name: &'static str,
    env: &'static str,
    selectors: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "default",
        env: "default",
        selectors: &[],
    },
    Case {
        name: "staging",
        env: "staging",
        selectors: &[],
    },
    Case {
        name: "backend",
        env: "default",
        selectors: &["tier=backend"],
    },
    Case {
        name: "frontend-or-data",
        env: "default",
        selectors: &["name=frontend", "tier=backend,namespace=data"],
    },
    Case {
        name: "not-backend",
        env: "default",
        selectors: &["tier!=backend"],
    },
    Case {
        name: "chart-web",
        env: "staging",
        selectors: &["chart=web"],
    },
];

fn project() -> std::path::PathBuf {
    abs(&testdata("project"))
}

fn load_case(case: &Case) -> state::State {
    let mut opts = options(&project(), case.env, &[]);
    opts.selectors = case.selectors.iter().map(|s| s.to_string()).collect();
    state::load(&opts).unwrap_or_else(|e| panic!("{}: {e}", case.name))
}

#[test]
fn build_matches_helmfile() {
    let dir = project();
    for case in CASES {
        let build = normalise(&load_case(case).build_output(), &dir);
        assert_eq!(
            build,
            expected(&format!("project/expected/{}.build.yaml", case.name)),
            "{}",
            case.name
        );
        let mut args = vec!["-e", case.env];
        for s in case.selectors {
            args.extend(["-l", s]);
        }
        args.push("build");
        if let Some((ok, out, err)) = helmfile(&dir, &args, &[]) {
            assert!(ok, "{err}");
            assert_eq!(build, normalise(&out, &dir), "{} (live)", case.name);
        }
    }
}

#[test]
fn list_matches_helmfile() {
    let dir = project();
    for case in CASES {
        let list = load_case(case).list_output();
        assert_eq!(
            list,
            expected(&format!("project/expected/{}.list.txt", case.name)),
            "{}",
            case.name
        );
        let mut args = vec!["-e", case.env];
        for s in case.selectors {
            args.extend(["-l", s]);
        }
        args.push("list");
        if let Some((ok, out, err)) = helmfile(&dir, &args, &[]) {
            assert!(ok, "{err}");
            assert_eq!(list, out, "{} (live)", case.name);
        }
    }
}

#[test]
fn releases_carry_their_fields() {
    let st = load_case(&CASES[1]);
    let names: Vec<&str> = st.releases().map(|(_, r)| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "monitoring-eu-west-1",
            "frontend",
            "backend",
            "worker",
            "db",
            "cache"
        ]
    );
    let get = |n: &str| {
        st.releases()
            .find(|(_, r)| r.name == n)
            .map(|(_, r)| r.clone())
            .expect(n)
    };
    let frontend = get("frontend");
    assert_eq!(frontend.needs, ["api/backend"]);
    assert_eq!(
        frontend.labels.get("team").map(String::as_str),
        Some("platform")
    );
    let backend = get("backend");
    assert_eq!(
        (
            backend.chart.as_str(),
            backend.version.as_str(),
            backend.namespace.as_str()
        ),
        ("./charts/web", "15.0.0", "api")
    );
    let db = get("db");
    assert!(!db.installed, "staging sets dbInstalled: false");
    assert_eq!((db.timeout, db.create_namespace), (Some(300), Some(false)));
    assert_eq!(get("cache").wait, Some(true));
    assert_eq!(get("cache").needs, ["data/db"]);
    assert_eq!(get("worker").kube_context, "kind-workers");
    let (file, db) = st.releases().find(|(_, r)| r.name == "db").expect("db");
    let deploy = file.deploy_settings(db);
    assert_eq!(
        deploy.kube_context, "kind-staging",
        "the environment's kubeContext"
    );
    assert_eq!(
        (deploy.timeout, deploy.create_namespace, deploy.wait),
        (Some(300), false, false)
    );
    let (file, frontend) = st
        .releases()
        .find(|(_, r)| r.name == "frontend")
        .expect("frontend");
    let deploy = file.deploy_settings(frontend);
    assert_eq!(
        (deploy.timeout, deploy.create_namespace),
        (Some(420), true),
        "helmDefaults from the base"
    );
    let (file, worker) = st
        .releases()
        .find(|(_, r)| r.name == "worker")
        .expect("worker");
    assert_eq!(file.deploy_settings(worker).kube_context, "kind-workers");
    assert_eq!(file.repositories.len(), 2);
    assert!(file.repositories[1].pass_credentials);
    let msg = st
        .check_repositories()
        .expect_err("the sub-helmfile declares no repository")
        .to_string();
    assert_eq!(
        msg,
        "in ./helmfile.yaml.gotmpl: in .helmfiles[0]: in sub/helmfile.yaml: release \"monitoring-eu-west-1\": chart \"bitnami/kube-prometheus\" refers to repository \"bitnami\", which is not declared under `repositories:` (declared: none)"
    );
    assert!(st
        .warnings
        .iter()
        .any(|w| w.contains("release cache needs db, but db is not installed")));
}

#[test]
fn value_layers_in_helm_order() {
    let dir = project();
    let key = dir.join("age-key.txt").display().to_string();
    let st = state::load(&options(&dir, "default", &[("SOPS_AGE_KEY_FILE", &key)])).expect("loads");
    let release = |n: &str| st.releases().find(|(_, r)| r.name == n).expect(n);

    let (file, frontend) = release("frontend");
    let v = file.release_values(frontend).expect("frontend values");
    let layers: Vec<(String, &str, bool)> = v
        .layers
        .iter()
        .map(|l| {
            (
                l.origin.replace(&dir.display().to_string(), "<DIR>"),
                l.content.as_str(),
                l.secret,
            )
        })
        .collect();
    assert_eq!(
        layers,
        [
            (
                "<DIR>/values/frontend.yaml.gotmpl".to_string(),
                "ingress:\n  host: frontend.default.example.com\n  region: eu-west-1\n",
                false
            ),
            ("inline".to_string(), "image:\n  tag: \"1.0\"\n", false),
        ]
    );
    assert_eq!(
        v.set,
        ["replicaCount=1", "hosts={a.example.com,b.example.com}"]
    );

    let (file, backend) = release("backend");
    let v = file.release_values(backend).expect("backend values");
    assert_eq!(v.layers.len(), 2);
    assert_eq!(
        v.layers[0].content,
        "resources:\n  limits:\n    memory: 256Mi\n"
    );
    assert!(v.layers[1].secret);
    assert!(v.layers[1].origin.ends_with("secrets/backend.yaml"));
    assert_eq!(v.layers[1].content, "database:\n    password: hunter2\n");

    let (file, db) = release("db");
    let v = file
        .release_values(db)
        .expect("a missing file is only a warning with missingFileHandler: Warn");
    assert!(v.layers.is_empty());
    assert_eq!(
        v.warnings,
        ["skipping missing values file matching \"values/db-default.yaml\""]
    );
}

#[test]
fn secrets_need_a_key() {
    let dir = project();
    let st = state::load(&options(&dir, "default", &[])).expect("loads");
    let (file, backend) = st
        .releases()
        .find(|(_, r)| r.name == "backend")
        .expect("backend");
    let msg = file
        .release_values(backend)
        .expect_err("no age key")
        .to_string();
    assert!(msg.contains("secrets/backend.yaml"), "{msg}");
}

#[test]
fn state_values_set_overrides_environment_values() {
    let dir = project();
    let mut opts = options(&dir, "default", &[]);
    let sets = [
        "team=web,region=us-east-1",
        "replicas=5,extra.list[1]=x,esc\\.key=007",
    ];
    opts.state_values_set = sets.iter().map(|s| s.to_string()).collect();
    let st = state::load(&opts).expect("loads");
    let build = normalise(&st.build_output(), &dir);
    assert_eq!(
        build,
        expected("project/expected/state-values-set.build.yaml")
    );
    let names: Vec<&str> = st.releases().map(|(_, r)| r.name.as_str()).collect();
    assert_eq!(names[0], "monitoring-us-east-1");
    let args = [
        "--state-values-set",
        sets[0],
        "--state-values-set",
        sets[1],
        "build",
    ];
    if let Some((ok, out, err)) = helmfile(&dir, &args, &[]) {
        assert!(ok, "{err}");
        assert_eq!(build, normalise(&out, &dir));
    }
}

#[test]
fn namespace_and_kube_context_flags() {
    let dir = project();
    let mut opts = options(&dir, "default", &[]);
    opts.namespace = Some("override".into());
    opts.kube_context = Some("kctx".into());
    let st = state::load(&opts).expect("loads");
    let build = normalise(&st.build_output(), &dir);
    assert_eq!(
        build,
        expected("project/expected/namespace-context-flags.build.yaml")
    );
    assert!(st
        .releases()
        .all(|(_, r)| r.namespace == "override" && r.kube_context == "kctx"));
    if let Some((ok, out, err)) = helmfile(
        &dir,
        &["-n", "override", "--kube-context", "kctx", "build"],
        &[],
    ) {
        assert!(ok, "{err}");
        assert_eq!(build, normalise(&out, &dir));
    }
}

#[test]
fn no_matching_release_still_yields_helmfiles_build_output() {
    let dir = project();
    let mut opts = options(&dir, "default", &[]);
    opts.selectors = vec!["tier=nothing".into()];
    let err = match state::load(&opts) {
        Ok(_) => panic!("nothing matches"),
        Err(e) => e,
    };
    assert_eq!(
        err.to_string(),
        "no releases found that matches specified selector(tier=nothing) and environment(default), in any helmfile"
    );
    let state::StateError::NoMatchingReleases { build_output, .. } = err else {
        panic!("unexpected error kind");
    };
    assert_eq!(
        normalise(&build_output, &dir),
        expected("project/expected/no-match.build.yaml")
    );
}

/// Deep merge of decoded maps, as helmfile's `maputil.MergeMaps`.
fn merge(dst: &mut Vec<(goyaml::Value, goyaml::Value)>, src: Vec<(goyaml::Value, goyaml::Value)>) {
    for (k, v) in src {
        match (dst.iter_mut().find(|(dk, _)| dk.go_eq(&k)), v) {
            (Some((_, goyaml::Value::Map(d))), goyaml::Value::Map(s)) => merge(d, s),
            (Some(slot), v) => slot.1 = v,
            (None, v) => dst.push((k, v)),
        }
    }
}

#[test]
fn value_layers_merge_to_helmfiles_write_values() {
    let dir = project();
    let mut opts = options(&dir, "default", &[]);
    opts.selectors = vec!["name=frontend".into()];
    let st = state::load(&opts).expect("loads");
    let (file, frontend) = st.releases().next().expect("frontend");
    let mut merged = Vec::new();
    for layer in file.release_values(frontend).expect("values").layers {
        if let goyaml::Value::Map(m) =
            goyaml::decode::unmarshal(layer.content.as_bytes(), false).expect("yaml")
        {
            merge(&mut merged, m);
        }
    }
    let text = goyaml::encode::marshal_value(&goyaml::Value::Map(merged), goyaml::Flavor::V2)
        .expect("marshal");
    assert_eq!(
        text,
        expected("project/expected/write-values.frontend.yaml")
    );
    let out = std::env::temp_dir().join(format!("berth-state-write-values-{}", std::process::id()));
    let template = format!("{}/{{{{.Release.Name}}}}.yaml", out.display());
    let args = [
        "-l",
        "name=frontend",
        "write-values",
        "--skip-deps",
        "--output-file-template",
        &template,
    ];
    if let Some((ok, _, err)) = helmfile(&dir, &args, &[]) {
        assert!(ok, "{err}");
        let written = std::fs::read_to_string(out.join("frontend.yaml")).expect("written");
        let _ = std::fs::remove_dir_all(&out);
        assert_eq!(text, written);
    }
}
