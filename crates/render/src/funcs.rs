//! The functions Helm adds to Sprig's: YAML, JSON and TOML conversion, `include`
//! with Helm's recursion limit, `tpl`, `required`, `fail`, and the offline `lookup`
//! and `getHostByName`.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chart::HelmVersion;
use gotmpl::{FuncError, Function, GoType, List, Signature, TemplateError, Templates, Value};
use goyaml::toml_decode::{DatetimeZone, TomlDatetime, TomlTable, TomlValue};
use goyaml::Data;
use sprig::{Time, Zone};

use crate::convert::{from_data, to_data};

/// Marks a message from `required` or `fail`, which Helm reports as
/// `execution error at (LOCATION): MESSAGE`.
pub const WARN_START: &str = "HELM_ERR_START";
pub const WARN_END: &str = "HELM_ERR_END";

/// How many times one template name may be included within itself.
const MAX_INCLUDE_DEPTH: usize = 1000;

fn string_arg(args: &[Value]) -> String {
    args.first()
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn one(
    params: Vec<GoType>,
    body: impl Fn(Vec<Value>) -> Result<Value, FuncError> + Send + Sync + 'static,
) -> Function {
    Function::new(Signature::new(params), move |_ctx, args| body(args))
}

fn string_list(items: Vec<Data>) -> Value {
    Value::list(items.iter().map(from_data).collect())
}

/// Every function Helm registers on top of Sprig, for the given Helm.
pub fn helm_functions(helm: HelmVersion) -> Vec<(String, Function)> {
    let any = || vec![GoType::Interface];
    let text = || vec![GoType::String];
    let mut funcs: Vec<(String, Function)> = vec![
        (
            "toYaml".into(),
            one(any(), |a| {
                Ok(Value::from(
                    goyaml::helm::to_yaml(&to_data(&a[0])).unwrap_or_default(),
                ))
            }),
        ),
        (
            "toYamlPretty".into(),
            one(any(), |a| {
                Ok(Value::from(
                    goyaml::helm::to_yaml_pretty(&to_data(&a[0])).unwrap_or_default(),
                ))
            }),
        ),
        (
            "toJson".into(),
            one(any(), |a| {
                Ok(Value::from(
                    goyaml::helm::to_json(&to_data(&a[0])).unwrap_or_default(),
                ))
            }),
        ),
        (
            "fromYaml".into(),
            one(text(), |a| {
                Ok(from_data(&Data::Map(goyaml::helm::from_yaml(&string_arg(
                    &a,
                )))))
            }),
        ),
        (
            "fromYamlArray".into(),
            one(text(), |a| {
                Ok(string_list(goyaml::helm::from_yaml_array(&string_arg(&a))))
            }),
        ),
        (
            "fromJson".into(),
            one(text(), |a| {
                Ok(match goyaml::helm::from_json(&string_arg(&a)) {
                    Data::Null => Value::map(BTreeMap::new()),
                    d => from_data(&d),
                })
            }),
        ),
        (
            "fromJsonArray".into(),
            one(text(), |a| {
                Ok(match goyaml::helm::from_json_array(&string_arg(&a)) {
                    Data::Null => Value::list(Vec::new()),
                    d => from_data(&d),
                })
            }),
        ),
        (
            "lookup".into(),
            one(vec![GoType::String; 4], |_| Ok(Value::map(BTreeMap::new()))),
        ),
        ("getHostByName".into(), one(text(), |_| Ok(Value::from("")))),
        (
            "required".into(),
            one(vec![GoType::String, GoType::Interface], |a| {
                let missing = match &a[1] {
                    Value::Nil => true,
                    Value::String(s) => s.is_empty(),
                    _ => false,
                };
                if missing {
                    return Err(FuncError::new(format!(
                        "{WARN_START}{}{WARN_END}",
                        string_arg(&a)
                    )));
                }
                Ok(a[1].clone())
            }),
        ),
        (
            "fail".into(),
            one(text(), |a| {
                Err(FuncError::new(format!(
                    "{WARN_START}{}{WARN_END}",
                    string_arg(&a)
                )))
            }),
        ),
    ];
    let toml_version = match helm {
        HelmVersion::Helm4 => goyaml::toml::TomlVersion::V1_6,
        HelmVersion::Helm3 => goyaml::toml::TomlVersion::V1_4,
    };
    funcs.push((
        "toToml".into(),
        one(any(), move |a| {
            Ok(Value::from(goyaml::helm::to_toml(
                &to_data(&a[0]),
                toml_version,
            )))
        }),
    ));
    funcs.push((
        "fromToml".into(),
        one(text(), move |a| {
            Ok(
                match goyaml::toml_decode::decode(&string_arg(&a), toml_version) {
                    Ok(table) => toml_table(&table),
                    Err(e) => Value::map(BTreeMap::from([(
                        "Error".to_string(),
                        Value::from(e.to_string()),
                    )])),
                },
            )
        }),
    ));
    if helm == HelmVersion::Helm4 {
        funcs.push((
            "mustToYaml".into(),
            one(any(), |a| {
                goyaml::helm::to_yaml(&to_data(&a[0]))
                    .map(Value::from)
                    .map_err(|e| FuncError::new(e.to_string()))
            }),
        ));
        funcs.push((
            "mustToJson".into(),
            one(any(), |a| {
                goyaml::helm::to_json(&to_data(&a[0]))
                    .map(Value::from)
                    .map_err(|e| FuncError::new(e.to_string()))
            }),
        ));
    }
    funcs
}

/// A TOML table as `toml.Unmarshal` leaves it in a `map[string]interface{}`.
fn toml_table(table: &TomlTable) -> Value {
    Value::map(
        table
            .iter()
            .map(|(k, v)| (k.clone(), toml_value(v)))
            .collect(),
    )
}

/// A TOML value with the Go type BurntSushi/toml gives it.
fn toml_value(v: &TomlValue) -> Value {
    match v {
        TomlValue::String(s) => Value::from(s.as_str()),
        TomlValue::Integer(i) => Value::int64(*i),
        TomlValue::Float(f) => Value::Float(*f),
        TomlValue::Bool(b) => Value::Bool(*b),
        TomlValue::Datetime(d) => Value::Object(Arc::new(toml_time(d))),
        TomlValue::Array(items) => Value::list(items.iter().map(toml_value).collect()),
        TomlValue::Table(t) => toml_table(t),
        TomlValue::TableArray(tables) => Value::List(Arc::new(List::new(
            GoType::map_of(GoType::Interface),
            tables.iter().map(toml_table).collect(),
        ))),
    }
}

/// A TOML datetime as the `time.Time` BurntSushi/toml makes: `Z` in UTC, an
/// offset in Local when Local has it then, else in an unnamed fixed zone, and
/// local forms in the fixed zones `datetime-local`, `date-local`, `time-local`
/// at the current local offset.
fn toml_time(d: &TomlDatetime) -> Time {
    let civil = d.civil_seconds();
    let local_kind = |name: &str| {
        let offset = Zone::local().lookup(Time::now().secs).0;
        (offset, Zone::Fixed(name.to_string(), offset))
    };
    let (offset, zone) = match d.zone {
        DatetimeZone::Utc => (0, Zone::Utc),
        DatetimeZone::Offset(offset) => {
            let local = Zone::local();
            if local.lookup(civil - i64::from(offset)).0 == offset {
                (offset, local)
            } else {
                (offset, Zone::Fixed(String::new(), offset))
            }
        }
        DatetimeZone::LocalDatetime => local_kind("datetime-local"),
        DatetimeZone::LocalDate => local_kind("date-local"),
        DatetimeZone::LocalTime => local_kind("time-local"),
    };
    Time {
        secs: civil - i64::from(offset),
        nanos: d.nanosecond,
        zone,
    }
}

thread_local! {
    /// How deep each template is being included on this thread: a template runs
    /// on one thread from start to end, and several run at once on others.
    static INCLUDE_DEPTH: RefCell<HashMap<String, usize>> = RefCell::default();
}

/// What opens an action (and a comment) in a template: `tpl` uses the
/// default delimiters.
const ACTION_START: &str = "{{";

/// `include` and `tpl`.
pub fn template_functions() -> Vec<(String, Function)> {
    let include = Function::new(
        Signature::new(vec![GoType::String, GoType::Interface]),
        |ctx, args| {
            let name = string_arg(&args);
            let depth = INCLUDE_DEPTH.with_borrow_mut(|depths| {
                let depth = depths.entry(name.clone()).or_insert(0);
                *depth += 1;
                *depth
            });
            let result = if depth > MAX_INCLUDE_DEPTH + 1 {
                Err(FuncError::new(format!(
                    "rendering template has a nested reference name: {name}: unable to execute template"
                )))
            } else {
                ctx.templates()
                    .execute(&name, &args[1])
                    .map(Value::from)
                    .map_err(FuncError::from_template)
            };
            INCLUDE_DEPTH.with_borrow_mut(|depths| {
                if let Some(depth) = depths.get_mut(&name) {
                    *depth -= 1;
                }
            });
            result
        },
    );
    let tpl = Function::new(
        Signature::new(vec![GoType::String, GoType::Interface]),
        |ctx, args| {
            let text = string_arg(&args);
            if !text.contains(ACTION_START) {
                // Text without actions renders as itself, and charts pass
                // plain values through `tpl` all the time.
                return Ok(Value::from(text.replace("<no value>", "")));
            }
            let parent: &Templates = ctx.templates();
            let mut clone = parent.clone();
            let root = parent.name().to_string();
            let quoted = || gotmpl::gofmt::quote(&text);
            match clone.parse_and_execute(&root, &text, &args[1]) {
                Ok(out) => Ok(Value::from(out.replace("<no value>", ""))),
                Err(TemplateError::Parse(e)) => Err(FuncError::new(format!(
                    "cannot parse template {}: {}",
                    quoted(),
                    e.message
                ))),
                Err(TemplateError::Exec(e)) => Err(FuncError::new(format!(
                    "error during tpl function execution for {}: {}",
                    quoted(),
                    e.message
                ))),
            }
        },
    );
    vec![("include".into(), include), ("tpl".into(), tpl)]
}
