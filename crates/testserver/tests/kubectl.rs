//! kubectl 1.34 against the server: server-side apply, conflicts, diff, label,
//! delete, rollout status, api-resources and CRDs.

mod common;

use common::{tool, Cluster};

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: app
        image: nginx:1.25
        ports:
        - containerPort: 80
";

macro_rules! kubectl_or_skip {
    () => {
        match tool("kubectl") {
            Some(k) => k,
            None => {
                eprintln!("skipping: kubectl not found in ~/.cache/reftools/bin");
                return;
            }
        }
    };
}

#[test]
fn server_side_apply_creates_updates_and_reports_conflicts() {
    let k = kubectl_or_skip!();
    let c = Cluster::start();
    let out = c.ok(&k, &["apply", "--server-side", "-f", "-"], Some(DEPLOYMENT));
    assert_eq!(out.trim(), "deployment.apps/web serverside-applied");

    let yaml = c.ok(&k, &["get", "deploy", "web", "-o", "yaml", "--show-managed-fields"], None);
    assert!(yaml.contains("manager: kubectl"), "{yaml}");
    assert!(yaml.contains("operation: Apply"), "{yaml}");
    assert!(yaml.contains("k:{\"containerPort\":80,\"protocol\":\"TCP\"}:"), "{yaml}");
    assert!(yaml.contains("k:{\"name\":\"app\"}:"), "{yaml}");

    let scaled = DEPLOYMENT.replace("replicas: 2", "replicas: 3");
    let err = c.fails(&k, &["apply", "--server-side", "--field-manager=other", "-f", "-"], Some(&scaled));
    assert!(
        err.contains("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas"),
        "{err}"
    );
    c.ok(&k, &["apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", "-"], Some(&scaled));
    let replicas = c.ok(&k, &["get", "deploy", "web", "-o", "jsonpath={.spec.replicas}"], None);
    assert_eq!(replicas, "3");
    let managers = c.ok(&k, &["get", "deploy", "web", "-o", "jsonpath={.metadata.managedFields[*].manager}", "--show-managed-fields"], None);
    assert!(managers.contains("kubectl") && managers.contains("other"), "{managers}");

    c.ok(&k, &["rollout", "status", "deploy/web", "--timeout=30s"], None);
    let rv_before = c.ok(&k, &["get", "deploy", "web", "-o", "jsonpath={.metadata.resourceVersion}"], None);
    c.ok(&k, &["apply", "--server-side", "--field-manager=other", "-f", "-"], Some(&scaled));
    std::thread::sleep(std::time::Duration::from_secs(1));
    let rv_after = c.ok(&k, &["get", "deploy", "web", "-o", "jsonpath={.metadata.resourceVersion}"], None);
    assert_eq!(rv_before, rv_after, "a no-op apply bumps no resourceVersion, nor do the controllers after it");
}

#[test]
fn apply_prunes_fields_a_manager_stops_applying() {
    let k = kubectl_or_skip!();
    let c = Cluster::start();
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"1\"\n  b: \"2\"\n";
    c.ok(&k, &["apply", "--server-side", "-f", "-"], Some(cm));
    let cm2 = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"1\"\n";
    c.ok(&k, &["apply", "--server-side", "-f", "-"], Some(cm2));
    let data = c.ok(&k, &["get", "cm", "cfg", "-o", "jsonpath={.data}"], None);
    assert_eq!(data, "{\"a\":\"1\"}");
}

#[test]
fn diff_server_side_shows_the_change() {
    let k = kubectl_or_skip!();
    let c = Cluster::start();
    c.ok(&k, &["apply", "--server-side", "-f", "-"], Some(DEPLOYMENT));
    let same = c.run(&k, &["diff", "--server-side", "-f", "-"], Some(DEPLOYMENT));
    assert_eq!(same.status.code(), Some(0), "{}", String::from_utf8_lossy(&same.stderr));
    let changed = DEPLOYMENT.replace("nginx:1.25", "nginx:1.27");
    let diff = c.run(&k, &["diff", "--server-side", "-f", "-"], Some(&changed));
    let text = String::from_utf8_lossy(&diff.stdout);
    assert_eq!(diff.status.code(), Some(1), "{}", String::from_utf8_lossy(&diff.stderr));
    assert!(text.contains("-      - image: nginx:1.25") && text.contains("+      - image: nginx:1.27"), "{text}");
    let image = c.ok(&k, &["get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"], None);
    assert_eq!(image, "nginx:1.25", "diff must not change the object");
}

#[test]
fn label_and_delete() {
    let k = kubectl_or_skip!();
    let c = Cluster::start();
    c.ok(&k, &["apply", "--server-side", "-f", "-"], Some(DEPLOYMENT));
    assert_eq!(c.ok(&k, &["label", "deploy", "web", "tier=front"], None).trim(), "deployment.apps/web labeled");
    let labels = c.ok(&k, &["get", "deploy", "-l", "tier=front", "-o", "name"], None);
    assert_eq!(labels.trim(), "deployment.apps/web");
    let out = c.ok(&k, &["delete", "deploy", "web"], None);
    assert!(out.contains("deployment.apps \"web\" deleted"), "{out}");
    let err = c.fails(&k, &["get", "deploy", "web"], None);
    assert!(err.contains("Error from server (NotFound): deployments.apps \"web\" not found"), "{err}");
}

#[test]
fn rollout_status_waits_for_simulated_readiness() {
    let k = kubectl_or_skip!();
    let c = Cluster::start();
    c.ok(&k, &["apply", "--server-side", "-f", "-"], Some(DEPLOYMENT));
    let out = c.ok(&k, &["rollout", "status", "deploy/web", "--timeout=30s"], None);
    assert!(out.contains("deployment \"web\" successfully rolled out"), "{out}");
    let ready = c.ok(&k, &["get", "deploy", "web", "-o", "jsonpath={.status.readyReplicas}"], None);
    assert_eq!(ready, "2");
    let pods = c.ok(&k, &["get", "pods", "-l", "app=web", "--no-headers"], None);
    assert_eq!(pods.lines().count(), 2, "{pods}");
    assert!(pods.lines().all(|l| l.split_whitespace().nth(1) == Some("1/1") && l.contains("Running")), "{pods}");
    c.ok(&k, &["delete", "deploy", "web"], None);
    let left = c.ok(&k, &["get", "pods,rs", "-o", "name"], None);
    assert_eq!(left.trim(), "", "dependents are collected");
}

#[test]
fn rollout_status_reports_a_failing_deployment() {
    let k = kubectl_or_skip!();
    let c = Cluster::start();
    let failing = DEPLOYMENT.replace("labels: {app: web}\nspec:\n  replicas", "labels: {app: web}\n  annotations: {testserver.berth.dev/fail: \"true\"}\nspec:\n  replicas");
    c.ok(&k, &["apply", "--server-side", "-f", "-"], Some(&failing));
    let err = c.fails(&k, &["rollout", "status", "deploy/web", "--timeout=30s"], None);
    assert!(err.contains("exceeded its progress deadline"), "{err}");
    let pods = c.ok(&k, &["get", "pods", "-l", "app=web", "--no-headers"], None);
    assert!(pods.lines().all(|l| l.contains("CrashLoopBackOff")), "{pods}");
    let events = c.ok(&k, &["get", "events", "--field-selector", "reason=BackOff", "-o", "jsonpath={.items[*].type}"], None);
    assert_eq!(events, "Warning Warning", "one BackOff event per crash-looping pod");
}

#[test]
fn api_resources_lists_builtin_kinds() {
    let k = kubectl_or_skip!();
    let c = Cluster::start();
    let out = c.ok(&k, &["api-resources"], None);
    for line in ["deployments", "customresourcedefinitions", "secrets", "namespaces"] {
        assert!(out.contains(line), "{line} missing:\n{out}");
    }
    assert!(out.lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["deployments", "deploy", "apps/v1", "true", "Deployment"]), "{out}");
}

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
              ports:
                type: array
                x-kubernetes-list-type: map
                x-kubernetes-list-map-keys: [name]
                items:
                  type: object
                  properties:
                    name: {type: string}
                    port: {type: integer}
";

#[test]
fn crd_becomes_established_and_serves_its_kind() {
    let k = kubectl_or_skip!();
    let c = Cluster::start();
    c.ok(&k, &["apply", "--server-side", "-f", "-"], Some(CRD));
    let out = c.ok(&k, &["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=30s"], None);
    assert!(out.contains("condition met"), "{out}");
    let widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n  ports:\n  - {name: http, port: 80}\n";
    c.ok(&k, &["apply", "--server-side", "-f", "-"], Some(widget));
    let yaml = c.ok(&k, &["get", "wd", "w1", "-o", "yaml", "--show-managed-fields"], None);
    assert!(yaml.contains("k:{\"name\":\"http\"}:"), "{yaml}");
    assert!(yaml.contains("size: 3"), "{yaml}");
    c.ok(&k, &["delete", "crd", "widgets.example.com"], None);
    let err = c.fails(&k, &["get", "widgets"], None);
    assert!(
        err.contains("the server doesn't have a resource type \"widgets\"")
            || err.contains("the server could not find the requested resource"),
        "{err}"
    );
}

#[test]
fn create_commands_send_protobuf_that_the_server_decodes() {
    let k = kubectl_or_skip!();
    let c = Cluster::start();
    c.ok(&k, &["create", "namespace", "team"], None);
    c.ok(&k, &["create", "deployment", "d", "-n", "team", "--image=nginx", "--port=80", "--replicas=2"], None);
    c.ok(&k, &["create", "secret", "generic", "s", "-n", "team", "--from-literal=a=b"], None);
    c.ok(&k, &["expose", "deployment", "d", "-n", "team", "--port=8080", "--target-port=80"], None);
    c.ok(&k, &["create", "job", "j", "-n", "team", "--image=busybox"], None);
    let spec = c.ok(&k, &["get", "deploy", "d", "-n", "team", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].ports[0].containerPort} {.spec.selector.matchLabels.app}"], None);
    assert_eq!(spec, "2 80 d");
    let secret = c.ok(&k, &["get", "secret", "s", "-n", "team", "-o", "jsonpath={.data.a}"], None);
    assert_eq!(secret, "Yg==");
    let target = c.ok(&k, &["get", "svc", "d", "-n", "team", "-o", "jsonpath={.spec.ports[0].targetPort}"], None);
    assert_eq!(target, "80");
    let out = c.ok(&k, &["wait", "--for=condition=complete", "job/j", "-n", "team", "--timeout=30s"], None);
    assert!(out.contains("condition met"), "{out}");
    c.ok(&k, &["delete", "namespace", "team"], None);
    let err = c.fails(&k, &["get", "namespace", "team"], None);
    assert!(err.contains("namespaces \"team\" not found"), "{err}");
}

#[test]
fn unknown_fields_fail_strict_validation_and_warn_otherwise() {
    let k = kubectl_or_skip!();
    let c = Cluster::start();
    let bad = DEPLOYMENT.replace("  replicas: 2\n", "  replicas: 2\n  foo: bar\n");
    let err = c.fails(&k, &["apply", "--server-side", "-f", "-"], Some(&bad));
    assert!(
        err.contains("Error from server (InternalError): failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema"),
        "{err}"
    );
    let err = c.fails(&k, &["create", "-f", "-"], Some(&bad));
    assert!(
        err.contains("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.foo\""),
        "{err}"
    );
    let out = c.run(&k, &["create", "--validate=warn", "-f", "-"], Some(&bad));
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Warning: unknown field \"spec.foo\""));
}

#[test]
fn wrong_types_are_refused_as_the_apiserver_refuses_them() {
    let k = kubectl_or_skip!();
    let c = Cluster::start();
    let bad = DEPLOYMENT.replace("replicas: 2", "replicas: \"two\"");
    let err = c.fails(&k, &["apply", "--server-side", "-f", "-"], Some(&bad));
    assert!(
        err.contains("Error from server (InternalError): failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string"),
        "{err}"
    );
    let err = c.fails(&k, &["create", "-f", "-"], Some(&bad));
    assert!(
        err.contains("Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
        "{err}"
    );
    c.ok(&k, &["create", "configmap", "x", "--from-literal=a=b"], None);
    let err = c.fails(&k, &["patch", "configmap", "x", "-p", "{\"data\":{\"a\":1}}"], None);
    assert!(
        err.contains("json: cannot unmarshal number into Go struct field ConfigMap.data of type string"),
        "{err}"
    );
}

#[test]
fn invalid_names_and_labels_are_refused_with_the_apiserver_messages() {
    let k = kubectl_or_skip!();
    let c = Cluster::start();
    let err = c.fails(&k, &["create", "namespace", "Bad"], None);
    assert!(
        err.contains("The Namespace \"Bad\" is invalid: metadata.name: Invalid value: \"Bad\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
        "{err}"
    );
    let long = DEPLOYMENT.replace("labels: {app: web}\nspec:\n  replicas", &format!("labels: {{app: {}}}\nspec:\n  replicas", "x".repeat(64)));
    let err = c.fails(&k, &["apply", "--server-side", "-f", "-"], Some(&long));
    assert!(
        err.contains(&format!("The Deployment \"web\" is invalid: metadata.labels: Invalid value: \"{}\": must be no more than 63 characters", "x".repeat(64))),
        "{err}"
    );
}

#[test]
fn orphaning_deletes_keep_dependents_without_their_owner() {
    let k = kubectl_or_skip!();
    let c = Cluster::start();
    c.ok(&k, &["apply", "--server-side", "-f", "-"], Some(DEPLOYMENT));
    c.ok(&k, &["rollout", "status", "deploy/web", "--timeout=30s"], None);
    c.ok(&k, &["delete", "deploy", "web", "--cascade=orphan"], None);
    let owners = c.ok(&k, &["get", "rs", "-o", "jsonpath={.items[*].metadata.ownerReferences}"], None);
    assert_eq!(owners, "", "the ReplicaSet no longer names the deleted Deployment");
    let pods = c.ok(&k, &["get", "pods", "--no-headers"], None);
    assert_eq!(pods.lines().count(), 2, "{pods}");
}

#[test]
fn server_side_apply_takes_over_from_client_side_apply() {
    let k = kubectl_or_skip!();
    let c = Cluster::start();
    let both = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mig\ndata:\n  a: \"1\"\n  b: \"2\"\n";
    c.ok(&k, &["apply", "-f", "-"], Some(both));
    let one = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: mig\ndata:\n  a: \"1\"\n";
    c.ok(&k, &["apply", "--server-side", "-f", "-"], Some(one));
    let data = c.ok(&k, &["get", "cm", "mig", "-o", "jsonpath={.data}"], None);
    assert_eq!(data, "{\"a\":\"1\"}", "kubectl migrated the client-side owner, so b is pruned");
    let managers = c.ok(&k, &["get", "cm", "mig", "--show-managed-fields", "-o", "jsonpath={.metadata.managedFields[*].manager}"], None);
    assert!(!managers.contains("kubectl-client-side-apply"), "{managers}");
}

#[test]
fn rollouts_progress_and_roll_back_through_replica_set_revisions() {
    let k = kubectl_or_skip!();
    let c = Cluster::start_with(testserver::Options { ready_delay: std::time::Duration::from_secs(2), ..testserver::Options::default() });
    c.ok(&k, &["apply", "--server-side", "-f", "-"], Some(DEPLOYMENT));
    let pods = c.ok(&k, &["get", "pods", "--no-headers"], None);
    assert!(pods.lines().count() == 2 && pods.lines().all(|l| l.contains("ContainerCreating")), "{pods}");
    let out = c.ok(&k, &["rollout", "status", "deploy/web", "--timeout=30s"], None);
    assert!(out.contains("Waiting for deployment \"web\" rollout to finish: 0 of 2 updated replicas are available..."), "{out}");
    c.ok(&k, &["set", "image", "deploy/web", "app=nginx:1.27"], None);
    c.ok(&k, &["rollout", "status", "deploy/web", "--timeout=30s"], None);
    c.ok(&k, &["rollout", "undo", "deploy/web"], None);
    c.ok(&k, &["rollout", "status", "deploy/web", "--timeout=30s"], None);
    let image = c.ok(&k, &["get", "deploy", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"], None);
    assert_eq!(image, "nginx:1.25");
    let history = c.ok(&k, &["rollout", "history", "deploy/web"], None);
    let revisions: Vec<&str> = history.lines().skip(2).filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(revisions, ["2", "3"], "{history}");
}

#[test]
fn kinds_no_crd_defines_have_no_resource_mapping() {
    let k = kubectl_or_skip!();
    let c = Cluster::start();
    let err = c.fails(&k, &["apply", "-f", "-"], Some("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n"));
    assert!(
        err.contains("resource mapping not found for name: \"w\" namespace: \"\" from \"STDIN\": no matches for kind \"Widget\" in version \"example.com/v1\""),
        "{err}"
    );
    assert!(err.contains("ensure CRDs are installed first"), "{err}");
}
