//! Hand-checked tests of what the helm-driven corpus cannot reach: host objects with
//! fields and methods, the `missingkey` options, functions that render templates of
//! their own set, repeated execution of one parse, limits, and hostile input.

use std::collections::BTreeMap;
use std::sync::Arc;

use gotmpl::{FuncError, Function, GoType, MissingKey, Object, Signature, Templates, Value};

fn render(text: &str, data: &Value) -> Result<String, String> {
    let mut t = Templates::new("test");
    t.parse("t", text).map_err(|e| e.message)?;
    t.execute("t", data).map_err(|e| e.message)
}

fn values(pairs: &[(&str, Value)]) -> Value {
    Value::map(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// A stand-in for Helm's `.Files`: a method taking a string.
#[derive(Debug)]
struct Files;

impl Object for Files {
    fn type_name(&self) -> String {
        "files".into()
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<Signature> {
        (name == "Get").then(|| Signature::new(vec![GoType::String]))
    }
    fn call_method(&self, _: &str, args: Vec<Value>) -> Result<Value, FuncError> {
        match args[0].as_str() {
            Some("config.ini") => Ok(Value::string("key=value\n")),
            Some(other) => Err(FuncError::new(format!("no file {other}"))),
            None => Err(FuncError::new("bad argument")),
        }
    }
}

/// A stand-in for Helm's `.Capabilities`: a struct field holding an object with a method.
#[derive(Debug)]
struct Capabilities;

#[derive(Debug)]
struct ApiVersions(Vec<&'static str>);

impl Object for Capabilities {
    fn type_name(&self) -> String {
        "*chartutil.Capabilities".into()
    }
    fn field(&self, name: &str) -> Option<Value> {
        (name == "APIVersions").then(|| Value::Object(Arc::new(ApiVersions(vec!["v1", "apps/v1"]))))
    }
    fn fields(&self) -> Vec<(String, Value)> {
        vec![(
            "APIVersions".into(),
            self.field("APIVersions").unwrap_or(Value::Nil),
        )]
    }
}

impl Object for ApiVersions {
    fn type_name(&self) -> String {
        "chartutil.VersionSet".into()
    }
    fn field(&self, _: &str) -> Option<Value> {
        None
    }
    fn method(&self, name: &str) -> Option<Signature> {
        (name == "Has").then(|| Signature::new(vec![GoType::String]))
    }
    fn call_method(&self, _: &str, args: Vec<Value>) -> Result<Value, FuncError> {
        Ok(Value::Bool(
            self.0.iter().any(|v| Some(*v) == args[0].as_str()),
        ))
    }
    fn is_pointer(&self) -> bool {
        false
    }
}

fn helm_like_root() -> Value {
    values(&[
        ("Files", Value::Object(Arc::new(Files))),
        ("Capabilities", Value::Object(Arc::new(Capabilities))),
        ("Chart", values(&[("Name", Value::string("nginx"))])),
    ])
}

#[test]
fn methods_take_arguments_and_fields_chain() {
    let root = helm_like_root();
    assert_eq!(
        render(r#"{{ .Files.Get "config.ini" }}"#, &root).unwrap(),
        "key=value\n"
    );
    assert_eq!(
        render(r#"{{ .Capabilities.APIVersions.Has "apps/v1" }}"#, &root).unwrap(),
        "true"
    );
    assert_eq!(
        render(r#"{{ .Capabilities.APIVersions.Has "batch/v9" }}"#, &root).unwrap(),
        "false"
    );
    assert_eq!(
        render(r#"{{ "config.ini" | .Files.Get }}"#, &root).unwrap(),
        "key=value\n"
    );
    assert_eq!(render("{{ .Chart.Name }}", &root).unwrap(), "nginx");
}

#[test]
fn method_errors_and_argument_checks_read_as_go() {
    let root = helm_like_root();
    assert_eq!(
        render(r#"{{ .Files.Get "nope" }}"#, &root).unwrap_err(),
        r#"template: t:1:9: executing "t" at <.Files.Get>: error calling Get: no file nope"#
    );
    assert_eq!(
        render("{{ .Files.Get 3 }}", &root).unwrap_err(),
        r#"template: t:1:14: executing "t" at <3>: expected string; found 3"#
    );
    assert_eq!(
        render("{{ .Files.Get }}", &root).unwrap_err(),
        r#"template: t:1:9: executing "t" at <.Files.Get>: wrong number of args for Get: want 1 got 0"#
    );
    assert_eq!(
        render("{{ .Capabilities.APIVersions.Nope }}", &root).unwrap_err(),
        r#"template: t:1:16: executing "t" at <.Capabilities.APIVersions.Nope>: can't evaluate field Nope in type chartutil.VersionSet"#
    );
    assert_eq!(
        render("{{ .Capabilities.Nope }}", &root).unwrap_err(),
        r#"template: t:1:16: executing "t" at <.Capabilities.Nope>: can't evaluate field Nope in type interface {}"#
    );
}

#[test]
fn missingkey_options_behave_as_go() {
    let data = values(&[("a", values(&[]))]);
    let run = |mode: MissingKey, text: &str| {
        let mut t = Templates::new("test");
        t.set_missing_key(mode);
        t.parse("t", text).unwrap();
        t.execute("t", &data).map_err(|e| e.message)
    };
    assert_eq!(
        run(MissingKey::Default, "{{ .a.x }}").unwrap(),
        "<no value>"
    );
    assert_eq!(
        run(MissingKey::Default, "{{ .a.x.y }}").unwrap(),
        "<no value>"
    );
    assert_eq!(run(MissingKey::Zero, "{{ .a.x }}").unwrap(), "<no value>");
    assert_eq!(
        run(MissingKey::Zero, "{{ .a.x.y }}").unwrap_err(),
        r#"template: t:1:5: executing "t" at <.a.x.y>: nil pointer evaluating interface {}.y"#
    );
    assert_eq!(
        run(MissingKey::Error, "{{ .a.x }}").unwrap_err(),
        r#"template: t:1:5: executing "t" at <.a.x>: map has no entry for key "x""#
    );
}

/// A function that renders a named template of the set, as Helm's `include` does.
fn include() -> Function {
    Function::new(
        Signature::new(vec![GoType::String, GoType::Interface]),
        |ctx, args| {
            let name = args[0].as_str().unwrap_or_default().to_string();
            ctx.templates()
                .execute(&name, &args[1])
                .map(Value::from)
                .map_err(|e| FuncError::new(e.message))
        },
    )
}

#[test]
fn functions_can_render_templates_of_their_set() {
    let mut t = Templates::new("gotpl");
    t.add_functions([("include".to_string(), include())]);
    t.parse("lib", r#"{{ define "greet" }}hello {{ . }}{{ end }}"#)
        .unwrap();
    t.parse("main", r#"{{ include "greet" "world" | printf "%q" }}"#)
        .unwrap();
    assert_eq!(t.execute("main", &Value::Nil).unwrap(), r#""hello world""#);
    t.parse("bad", r#"{{ include "missing" . }}"#).unwrap();
    assert_eq!(
        t.execute("bad", &Value::Nil).unwrap_err().message,
        r#"template: bad:1:3: executing "bad" at <include "missing" .>: error calling include: template: no template "missing" associated with template "gotpl""#
    );
}

#[test]
fn one_parse_serves_many_executions_and_threads() {
    let mut t = Templates::new("gotpl");
    t.parse(
        "t",
        "{{ range $i, $v := .items }}{{ $i }}={{ $v }};{{ end }}",
    )
    .unwrap();
    let t = Arc::new(t);
    let handles: Vec<_> = (0..4)
        .map(|n| {
            let t = t.clone();
            std::thread::spawn(move || {
                let data = values(&[(
                    "items",
                    Value::list(vec![Value::int(n), Value::string("x")]),
                )]);
                t.execute("t", &data).unwrap()
            })
        })
        .collect();
    let outputs: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        outputs,
        vec!["0=0;1=x;", "0=1;1=x;", "0=2;1=x;", "0=3;1=x;"]
    );
}

#[test]
fn parse_all_shares_texts_and_keeps_each_files_positions() {
    let files = [
        ("a", r#"{{ define "x" }}{{ .v.w }}{{ end }}"#),
        ("b", r#"b says {{ template "x" . }}"#),
        ("c", "c says {{ .v }}"),
    ];
    let shared: Vec<(&str, Arc<str>)> = files.iter().map(|(n, t)| (*n, Arc::from(*t))).collect();
    let mut copied = Templates::new("gotpl");
    copied.parse_all(&files).unwrap();
    let mut kept = Templates::new("gotpl");
    kept.parse_all(&shared).unwrap();
    let data = values(&[("v", Value::string("str"))]);
    for t in [&copied, &kept] {
        assert_eq!(t.execute("c", &data).unwrap(), "c says str");
        assert_eq!(
            t.execute("b", &data).unwrap_err().message,
            r#"template: a:1:21: executing "x" at <.v.w>: can't evaluate field w in type interface {}"#
        );
    }
    let bad: [(&str, Arc<str>); 2] = [("ok", "fine".into()), ("bad", "line\n{{ end }}".into())];
    let (index, err) = Templates::new("gotpl").parse_all(&bad).unwrap_err();
    assert_eq!(index, 1);
    assert_eq!(err.message, "template: bad:2: unexpected {{end}}");
}

#[test]
fn a_renamed_parse_runs_as_a_parse_under_the_new_name() {
    let text = r#"{{ define "helper" }}{{ .v.w }}{{ end }}top {{ template "helper" . }}"#;
    let set = Templates::new("gotpl");
    let parsed = set.parse_files(&[("old", text)]).pop().unwrap().unwrap();
    assert_eq!(parsed.name(), "old");
    let mut renamed = Templates::new("gotpl");
    renamed.add_parsed(parsed.renamed("new").expect("no define takes either name"));
    let mut direct = Templates::new("gotpl");
    direct.parse("new", text).unwrap();
    let data = values(&[("v", Value::string("str"))]);
    let errors: Vec<String> = [&renamed, &direct]
        .iter()
        .map(|t| t.execute("new", &data).unwrap_err().message)
        .collect();
    assert_eq!(errors[0], errors[1]);
    assert!(errors[0].starts_with("template: new:1:"), "{}", errors[0]);
    assert!(renamed.execute("old", &data).is_err());
    // A define that takes either name merges with the file's own template under
    // that name only, so such a parse is not renamed.
    for text in [
        r#"{{ define "old" }}x{{ end }}"#,
        r#"{{ define "new" }}x{{ end }}"#,
    ] {
        let parsed = set.parse_files(&[("old", text)]).pop().unwrap().unwrap();
        assert!(parsed.renamed("new").is_none(), "{text}");
    }
}

#[test]
fn later_parses_replace_definitions_unless_empty() {
    let mut t = Templates::new("gotpl");
    t.parse("a", r#"{{ define "x" }}first{{ end }}"#).unwrap();
    t.parse("b", r#"{{ define "x" }}second{{ end }}"#).unwrap();
    t.parse("c", r#"{{ define "x" }}  {{ end }}"#).unwrap();
    t.parse("main", r#"{{ template "x" }}"#).unwrap();
    assert_eq!(t.execute("main", &Value::Nil).unwrap(), "second");
    let err = Templates::new("gotpl")
        .parse(
            "d",
            r#"{{ define "y" }}1{{ end }}{{ define "y" }}2{{ end }}"#,
        )
        .unwrap_err();
    assert_eq!(
        err.message,
        r#"template: d:1: template: multiple definition of template "y""#
    );
}

#[test]
fn deep_recursion_is_bounded_without_overflowing() {
    let mut t = Templates::new("gotpl");
    t.parse(
        "t",
        r#"{{ define "loop" }}{{ template "loop" . }}{{ end }}{{ template "loop" . }}"#,
    )
    .unwrap();
    let err = t.execute("t", &Value::Nil).unwrap_err();
    assert!(
        err.message
            .ends_with("exceeded maximum template depth (100000)"),
        "{}",
        err.message
    );
    let nested = format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000));
    assert_eq!(render(&nested, &Value::Nil).unwrap(), "1");
}

#[test]
fn step_limit_stops_runaway_templates() {
    let mut t = Templates::new("gotpl");
    t.set_step_limit(Some(10_000));
    t.parse("t", "{{ range 100000000 }}{{ end }}").unwrap();
    assert_eq!(
        t.execute("t", &Value::Nil).unwrap_err().message,
        r#"template: t:1:9: executing "t" at <{{range 100000000}}{{end}}>: exceeded the limit of 10000 execution steps"#
    );
}

#[test]
fn hostile_input_gives_errors_not_panics() {
    let inputs = [
        "{{",
        "}}",
        "{{-",
        "{{ -}}",
        "{{/*",
        "{{/* */",
        "{{ \"\\",
        "{{ '",
        "{{ `",
        "{{ (",
        "{{ ) }}",
        "{{ 0x }}",
        "{{ 1e }}",
        "{{ 'ab' }}",
        "{{ \"\\xZZ\" }}",
        "{{ $ }}",
        "{{ $x := }}",
        "{{ . . }}",
        "{{ range }}",
        "{{ end }}",
        "{{ else }}",
        "{{ define }}",
        "{{ define \"a\" }}",
        "{{ template }}",
        "{{ block \"b\" }}",
        "{{ if 1 }}{{ else if }}{{ end }}",
        "{{ break }}",
        "{{ nil }}",
        "{{ .a.b.c }}",
        "{{ index . 1 }}",
        "{{ slice . 1 2 3 4 }}",
        "{{ printf }}",
        "{{ printf \"%[99]d\" 1 }}",
        "{{ len 3 }}",
        "\u{0}{{ \u{0} }}",
        "{{ é }}",
        "{{ .é }}",
        "{{ 9999999999999999999999 }}",
    ];
    for input in inputs {
        let result = std::panic::catch_unwind(|| render(input, &values(&[])));
        assert!(result.is_ok(), "panic on {input:?}");
    }
}
