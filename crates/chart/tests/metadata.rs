//! Chart.yaml decoding and validation. Every expected message below was produced
//! by helm 4.1.4 on the same Chart.yaml (`helm template` prints it after
//! `Error: cannot load Chart.yaml: ` or `Error: validation: `).

use chart::metadata::Metadata;

fn decode(text: &str) -> Result<Metadata, String> {
    Metadata::parse(text.as_bytes()).map_err(|e| e.to_string())
}

fn validate(text: &str) -> Result<Metadata, String> {
    let mut m = decode(text)?;
    m.validate()?;
    Ok(m)
}

#[test]
fn numbers_and_booleans_become_their_yaml_text_in_string_fields() {
    let m = validate(
        "apiVersion: v2\nname: c\nversion: 1.0\nappVersion: 1.10\nannotations:\n  a: 1\nmaintainers:\n- name: 3\nkeywords: [1, true, x]\n",
    )
    .unwrap();
    assert_eq!(m.version, "1");
    assert_eq!(m.app_version, "1.1");
    assert_eq!(m.annotations["a"], "1");
    assert_eq!(m.maintainers[0].as_ref().unwrap().name, "3");
    assert_eq!(m.keywords, ["1", "true", "x"]);
}

#[test]
fn type_errors_read_as_encoding_json() {
    let prefix = "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal";
    assert_eq!(
        decode("apiVersion: v2\nname: c\nversion: 1.0.0\nmaintainers: joe\n").unwrap_err(),
        format!(
            "{prefix} string into Go struct field Metadata.maintainers of type []*v2.Maintainer"
        )
    );
    assert_eq!(
        decode("apiVersion: v2\nname: c\nversion: 1.0.0\ndeprecated: \"yes\"\n").unwrap_err(),
        format!("{prefix} string into Go struct field Metadata.deprecated of type bool")
    );
    assert_eq!(
        decode(
            "apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n- name: a\n  version: [1]\n"
        )
        .unwrap_err(),
        format!(
            "{prefix} array into Go struct field Dependency.dependencies.version of type string"
        )
    );
    assert_eq!(
        decode("- a\n").unwrap_err(),
        format!("{prefix} array into Go value of type loader.chartBase")
    );
}

#[test]
fn validation_reads_as_helm() {
    let err = |text: &str| validate(text).unwrap_err();
    assert_eq!(
        err("apiVersion: v2\nversion: 1.0.0\n"),
        "chart.metadata.name is required"
    );
    assert_eq!(
        err("apiVersion: v2\nname: c/d\nversion: 1.0.0\n"),
        "chart.metadata.name \"c/d\" is invalid"
    );
    assert_eq!(
        err("apiVersion: v2\nname: c\nversion: 1.0.0\ntype: foo\n"),
        "chart.metadata.type must be application or library"
    );
    assert_eq!(
        err("apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n- ~\n"),
        "dependencies must not contain empty or null nodes"
    );
    assert_eq!(
        err(
            "apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n- name: a\n  alias: \"b.c\"\n"
        ),
        "dependency \"a\" has disallowed characters in the alias"
    );
    assert_eq!(
        err("apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n- name: a\n- name: a\n"),
        "more than one dependency with name or alias \"a\""
    );
    assert_eq!(
        err("apiVersion: v2\nname: c\nversion: \"1.2.3-01\"\n"),
        "chart.metadata.version \"1.2.3-01\" is invalid"
    );
}

#[test]
fn the_lowercase_key_wins_over_other_spellings() {
    assert_eq!(
        validate("apiVersion: v2\nname: c\nversion: 1.0.0\nName: d\n")
            .unwrap()
            .name,
        "c"
    );
}
