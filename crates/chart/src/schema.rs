//! `values.schema.json` validation as Helm does it: the coalesced values of a chart
//! and of each of its subcharts checked against that chart's JSON Schema, failing
//! with Helm's text.
//!
//! Helm 4 validates with santhosh-tekuri/jsonschema v6 (drafts 4, 6, 7, 2019-09 and
//! 2020-12, draft chosen by `$schema`, 2020-12 when absent) and prints that
//! library's error tree; Helm 3 validates with xeipuuv/gojsonschema v1.2.0 and
//! prints one `- field: description` line per error. Both are modelled here on the
//! same schema reading: only local `$ref`s resolve (berth never fetches a schema),
//! and a `$ref` that comes back to the same schema for the same value is a cycle,
//! so hostile schemas end.

use std::collections::BTreeMap;

use gotmpl::Value;
use goyaml::Data;
use regex::Regex;

use crate::chart::{Chart, HelmVersion};

/// Why a schema could not be used at all (as opposed to values failing it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaError {
    /// The schema is not JSON.
    Json(String),
    /// A `pattern` or `patternProperties` key is not a valid regular expression.
    Regex { location: String, pattern: String },
    /// A `$ref` that is not a local reference into the same document.
    Ref(String),
    /// The schema nests deeper than berth follows.
    TooDeep,
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaError::Json(e) => write!(f, "{e}"),
            SchemaError::Regex { location, pattern } => {
                write!(f, "{location} is invalid: invalid regex {}", quote(pattern))
            }
            SchemaError::Ref(r) => {
                write!(
                    f,
                    "failing loading {}: no schema is fetched for {}",
                    quote(r),
                    quote(r)
                )
            }
            SchemaError::TooDeep => write!(f, "unable to validate schema: nesting too deep"),
        }
    }
}

impl std::error::Error for SchemaError {}

/// The schema URL Helm 4 registers every chart schema under.
const SCHEMA_URL: &str = "file:///values.schema.json";

/// How deep validation may nest (schemas within schemas and values within values).
const MAX_DEPTH: usize = 512;

/// Checks `values` (the coalesced values of `chart`) against the schema of the
/// chart and of each subchart, as Helm's `ToRenderValues` does. The error is the
/// whole of Helm's message.
pub fn validate_against_schema(
    chart: &Chart,
    values: &Value,
    helm: HelmVersion,
) -> Result<(), String> {
    let mut out = String::new();
    walk_charts(chart, values, helm, &mut out);
    if out.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "values don't meet the specifications of the schema(s) in the following chart(s):\n{out}"
        ))
    }
}

fn walk_charts(chart: &Chart, values: &Value, helm: HelmVersion, out: &mut String) {
    if let Some(schema) = &chart.schema {
        if let Err(text) = validate_single(schema, values, helm) {
            out.push_str(chart.name());
            out.push_str(":\n");
            out.push_str(&text);
        }
    }
    for sub in &chart.dependencies {
        let raw = match values {
            Value::Map(m) => m.get(sub.name()),
            _ => None,
        };
        match raw {
            None | Some(Value::Nil) => {}
            Some(v @ Value::Map(_)) => walk_charts(sub, &v, helm, out),
            Some(other) => {
                out.push_str(&format!(
                    "{}:\ninvalid type for values: expected object (map), got {}\n",
                    sub.name(),
                    other.go_type()
                ));
            }
        }
    }
}

/// Validates values against one schema document; the error is the text Helm
/// prints under the chart's name.
pub fn validate_single(schema: &[u8], values: &Value, helm: HelmVersion) -> Result<(), String> {
    let text = String::from_utf8_lossy(schema);
    let doc = goyaml::json::unmarshal(&text, goyaml::json::Target::Any)
        .map_err(|e| SchemaError::Json(e.to_string()).to_string())?;
    let instance = to_data(values);
    let instance = match instance {
        Data::Null => Data::Map(BTreeMap::new()),
        other => other,
    };
    let schema = Schema::new(&doc).map_err(|e| e.to_string())?;
    match helm {
        HelmVersion::Helm4 => match schema.validate_v6(&instance) {
            Ok(()) => Ok(()),
            Err(e) => Err(format!("{}\n", e.map_err(|e| e.to_string())?)),
        },
        HelmVersion::Helm3 => {
            let errors = schema
                .validate_gojsonschema(&instance)
                .map_err(|e| e.to_string())?;
            if errors.is_empty() {
                Ok(())
            } else {
                Err(errors.iter().map(|e| format!("- {e}\n")).collect())
            }
        }
    }
}

/// Values as JSON data: what Helm hands the validator.
fn to_data(v: &Value) -> Data {
    match v {
        Value::Nil | Value::Object(_) => Data::Null,
        Value::Bool(b) => Data::Bool(*b),
        Value::Int(i, _) => Data::Int(*i),
        Value::Uint(u, _) => i64::try_from(*u).map_or(Data::Float(*u as f64), Data::Int),
        Value::Float(f) => Data::Float(*f),
        Value::String(s) => Data::String(s.to_string()),
        Value::Bytes(b) => Data::String(String::from_utf8_lossy(b).into_owned()),
        Value::List(l) => Data::List(l.items.iter().map(to_data).collect()),
        Value::Map(m) => Data::Map(
            m.entries()
                .into_iter()
                .map(|(k, v)| (k, to_data(&v)))
                .collect(),
        ),
    }
}

/// A parsed schema document: its draft and its compiled regular expressions.
struct Schema<'a> {
    root: &'a Data,
    draft: u32,
    regexes: BTreeMap<String, Regex>,
}

impl<'a> Schema<'a> {
    fn new(root: &'a Data) -> Result<Schema<'a>, SchemaError> {
        let draft = match root.as_map().and_then(|m| m.get("$schema")) {
            Some(Data::String(url)) => draft_from_url(url).unwrap_or(2020),
            _ => 2020,
        };
        let mut schema = Schema {
            root,
            draft,
            regexes: BTreeMap::new(),
        };
        schema.compile_regexes(root, "", 0)?;
        Ok(schema)
    }

    fn compile_regexes(&mut self, node: &Data, loc: &str, depth: usize) -> Result<(), SchemaError> {
        if depth > MAX_DEPTH {
            return Err(SchemaError::TooDeep);
        }
        match node {
            Data::Map(m) => {
                for (k, v) in m {
                    let child = format!("{loc}/{}", escape(k));
                    if k == "pattern" {
                        if let Data::String(p) = v {
                            self.add_regex(p, &format!("{SCHEMA_URL}#{loc}"))?;
                        }
                    }
                    if k == "patternProperties" {
                        if let Data::Map(pm) = v {
                            for p in pm.keys() {
                                self.add_regex(p, &format!("{SCHEMA_URL}#{child}"))?;
                            }
                        }
                    }
                    self.compile_regexes(v, &child, depth + 1)?;
                }
            }
            Data::List(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.compile_regexes(v, &format!("{loc}/{i}"), depth + 1)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn add_regex(&mut self, pattern: &str, location: &str) -> Result<(), SchemaError> {
        if self.regexes.contains_key(pattern) {
            return Ok(());
        }
        let re = Regex::new(pattern).map_err(|_| SchemaError::Regex {
            location: location.to_string(),
            pattern: pattern.to_string(),
        })?;
        self.regexes.insert(pattern.to_string(), re);
        Ok(())
    }

    fn matches(&self, pattern: &str, s: &str) -> bool {
        self.regexes.get(pattern).is_some_and(|re| re.is_match(s))
    }

    /// Resolves a `$ref` to the schema it names and that schema's location.
    fn resolve(&self, reference: &str) -> Result<(&'a Data, String), SchemaError> {
        let bad = || SchemaError::Ref(reference.to_string());
        let fragment = reference
            .strip_prefix(SCHEMA_URL)
            .unwrap_or(reference)
            .strip_prefix('#')
            .ok_or_else(bad)?;
        let fragment = percent_decode(fragment).ok_or_else(bad)?;
        if fragment.is_empty() {
            return Ok((self.root, String::new()));
        }
        if !fragment.starts_with('/') {
            return self
                .find_anchor(self.root, &fragment, "", 0)
                .ok_or_else(bad);
        }
        let mut node = self.root;
        let mut loc = String::new();
        for token in fragment[1..].split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            node = match node {
                Data::Map(m) => m.get(&token).ok_or_else(bad)?,
                Data::List(items) => token
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .ok_or_else(bad)?,
                _ => return Err(bad()),
            };
            loc.push('/');
            loc.push_str(&escape(&token));
        }
        Ok((node, loc))
    }

    fn find_anchor(
        &self,
        node: &'a Data,
        name: &str,
        loc: &str,
        depth: usize,
    ) -> Option<(&'a Data, String)> {
        if depth > MAX_DEPTH {
            return None;
        }
        match node {
            Data::Map(m) => {
                let anchored = if self.draft < 2019 {
                    let key = if self.draft == 4 { "id" } else { "$id" };
                    matches!(m.get(key), Some(Data::String(id)) if id.strip_prefix('#') == Some(name))
                } else {
                    matches!(m.get("$anchor"), Some(Data::String(a)) if a == name)
                };
                if anchored {
                    return Some((node, loc.to_string()));
                }
                m.iter().find_map(|(k, v)| {
                    self.find_anchor(v, name, &format!("{loc}/{}", escape(k)), depth + 1)
                })
            }
            Data::List(items) => items
                .iter()
                .enumerate()
                .find_map(|(i, v)| self.find_anchor(v, name, &format!("{loc}/{i}"), depth + 1)),
            _ => None,
        }
    }
}

fn draft_from_url(url: &str) -> Option<u32> {
    let (u, frag) = url.split_once('#').unwrap_or((url, ""));
    if !frag.is_empty() {
        return None;
    }
    let u = u
        .strip_prefix("http://")
        .or_else(|| u.strip_prefix("https://"))
        .unwrap_or(u);
    match u {
        "json-schema.org/schema" | "json-schema.org/draft/2020-12/schema" => Some(2020),
        "json-schema.org/draft/2019-09/schema" => Some(2019),
        "json-schema.org/draft-07/schema" => Some(7),
        "json-schema.org/draft-06/schema" => Some(6),
        "json-schema.org/draft-04/schema" => Some(4),
        _ => None,
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A JSON pointer token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// The library's single-quoted rendering of a string (Go's `%q` with the quotes
/// swapped).
fn quote(s: &str) -> String {
    let mut out = String::from("'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A number as the library's message printer shows it: Go's `%v` with the
/// integer digits grouped in thousands (`70,000`).
fn go_number(d: &Data) -> String {
    match d {
        Data::Int(i) => grouped(&i.to_string()),
        Data::Float(f) => grouped(&goyaml::floatfmt::format_float(*f, b'g', 64)),
        _ => String::new(),
    }
}

/// Groups the leading integer digits of a rendered number in thousands.
fn grouped(text: &str) -> String {
    if text.contains('e') {
        return text.to_string();
    }
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let end = rest.find('.').unwrap_or(rest.len());
    let (int, frac) = rest.split_at(end);
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}{frac}")
}

/// A count as the message printer shows it.
fn count(n: usize) -> String {
    grouped(&n.to_string())
}

fn number(d: &Data) -> Option<f64> {
    match d {
        Data::Int(i) => Some(*i as f64),
        Data::Float(f) => Some(*f),
        _ => None,
    }
}

fn is_integer(d: &Data) -> bool {
    match d {
        Data::Int(_) => true,
        Data::Float(f) => f.is_finite() && f.fract() == 0.0,
        _ => false,
    }
}

/// A number as a decimal fraction `mantissa * 10^exponent`, from Go's shortest
/// rendering (what the library's exact rational arithmetic sees).
fn decimal(d: &Data) -> Option<(i128, i32)> {
    let text = match d {
        Data::Int(i) => return Some((i128::from(*i), 0)),
        Data::Float(f) if f.is_finite() => format!("{:e}", f),
        _ => return None,
    };
    let (mant, exp) = text.split_once('e')?;
    let mut exp: i32 = exp.parse().ok()?;
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    exp -= i32::try_from(frac.len()).ok()?;
    let digits: i128 = format!("{int}{frac}").parse().ok()?;
    Some((digits, exp))
}

/// Whether `n / m` is an integer, exactly.
fn is_multiple(n: &Data, m: &Data) -> bool {
    match (decimal(n), decimal(m)) {
        (Some((nm, ne)), Some((mm, me))) if mm != 0 => {
            let shift = ne - me;
            if shift >= 0 {
                match 10i128
                    .checked_pow(shift as u32)
                    .and_then(|p| nm.checked_mul(p))
                {
                    Some(scaled) => scaled % mm == 0,
                    None => float_multiple(n, m),
                }
            } else {
                match 10i128
                    .checked_pow((-shift) as u32)
                    .and_then(|p| mm.checked_mul(p))
                {
                    Some(scaled) => nm % scaled == 0,
                    None => float_multiple(n, m),
                }
            }
        }
        _ => float_multiple(n, m),
    }
}

fn float_multiple(n: &Data, m: &Data) -> bool {
    match (number(n), number(m)) {
        (Some(a), Some(b)) if b != 0.0 => (a / b).fract() == 0.0,
        _ => true,
    }
}

fn cmp_numbers(a: &Data, b: &Data) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Data::Int(x), Data::Int(y)) => Some(x.cmp(y)),
        _ => number(a)?.partial_cmp(&number(b)?),
    }
}

/// JSON equality: numbers by value, objects and arrays deeply.
fn equals(a: &Data, b: &Data) -> bool {
    match (a, b) {
        (Data::Null, Data::Null) => true,
        (Data::Bool(x), Data::Bool(y)) => x == y,
        (Data::String(x), Data::String(y)) => x == y,
        (Data::Int(_) | Data::Float(_), Data::Int(_) | Data::Float(_)) => {
            cmp_numbers(a, b) == Some(std::cmp::Ordering::Equal)
        }
        (Data::List(x), Data::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equals(p, q))
        }
        (Data::Map(x), Data::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| equals(v, w)))
        }
        _ => false,
    }
}

/// The JSON type names in the library's order.
const TYPES: [&str; 7] = [
    "null", "boolean", "number", "integer", "string", "array", "object",
];

fn type_of(d: &Data) -> &'static str {
    match d {
        Data::Null => "null",
        Data::Bool(_) => "boolean",
        Data::Int(_) | Data::Float(_) => "number",
        Data::String(_) => "string",
        Data::List(_) => "array",
        Data::Map(_) => "object",
    }
}

/// The `type` keyword's names, in the library's order, or `None` when absent.
fn schema_types(node: &BTreeMap<String, Data>) -> Option<Vec<&'static str>> {
    let names: Vec<&str> = match node.get("type")? {
        Data::String(s) => vec![s.as_str()],
        Data::List(items) => items.iter().filter_map(|i| i.as_str()).collect(),
        _ => return None,
    };
    let types: Vec<&'static str> = TYPES
        .iter()
        .copied()
        .filter(|t| names.contains(t))
        .collect();
    (!types.is_empty()).then_some(types)
}

fn type_matches(types: &[&str], v: &Data) -> bool {
    let t = type_of(v);
    types.contains(&t) || (t == "number" && types.contains(&"integer") && is_integer(v))
}

fn usize_of(d: Option<&Data>) -> Option<usize> {
    match d? {
        Data::Int(i) => usize::try_from(*i).ok(),
        Data::Float(f) if *f >= 0.0 && f.fract() == 0.0 => Some(*f as usize),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Helm 4: santhosh-tekuri/jsonschema v6

/// One node of the library's error tree.
struct VError {
    location: Vec<String>,
    message: String,
    /// A `$ref` wrapper: not shown when it wraps a single cause.
    reference: bool,
    /// Several errors of one schema: replaced by its causes at the top.
    group: bool,
    causes: Vec<VError>,
}

impl VError {
    fn display(&self, out: &mut String, indent: usize) {
        let mut indent = indent;
        if !(self.reference && self.causes.len() == 1) {
            if indent > 0 {
                out.push('\n');
                for _ in 0..indent - 1 {
                    out.push_str("  ");
                }
                out.push_str("- ");
            }
            indent += 1;
            let ptr: String = self
                .location
                .iter()
                .map(|t| format!("/{}", escape(t)))
                .collect();
            out.push_str(&format!("at {}: {}", quote(&ptr), self.message));
        }
        for cause in &self.causes {
            cause.display(out, indent);
        }
    }
}

/// Where the validator is: the schema and how it was reached (for cycles).
struct Scope<'s> {
    schema: *const Data,
    location: String,
    ref_keyword: &'static str,
    vid: usize,
    parent: Option<&'s Scope<'s>>,
}

impl Scope<'_> {
    fn cycle(&self) -> Option<&Scope<'_>> {
        let mut scope = self.parent;
        while let Some(s) = scope {
            if s.vid != self.vid {
                break;
            }
            if std::ptr::eq(s.schema, self.schema) {
                return Some(s);
            }
            scope = s.parent;
        }
        None
    }

    fn keyword_location(&self) -> String {
        let mut loc = String::new();
        let mut scope = self;
        while let Some(parent) = scope.parent {
            let part = if !scope.ref_keyword.is_empty() {
                format!("/{}", escape(scope.ref_keyword))
            } else {
                scope
                    .location
                    .get(parent.location.len()..)
                    .unwrap_or_default()
                    .to_string()
            };
            loc.insert_str(0, &part);
            scope = parent;
        }
        loc
    }

    fn depth(&self) -> usize {
        let mut n = 0;
        let mut scope = self.parent;
        while let Some(s) = scope {
            n += 1;
            scope = s.parent;
        }
        n
    }
}

type V6 = Result<(), VError>;

impl<'a> Schema<'a> {
    /// Validates the values; the outer error is a schema failure (such as an
    /// unresolvable `$ref`), the inner one the library's message.
    fn validate_v6(&self, v: &Data) -> Result<(), Result<String, SchemaError>> {
        let scope = Scope {
            schema: self.root,
            location: String::new(),
            ref_keyword: "",
            vid: 0,
            parent: None,
        };
        let mut location = Vec::new();
        match self.v6(self.root, &scope, v, &mut location) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                let causes = if e.group { e.causes } else { vec![e] };
                let mut out = String::new();
                for cause in &causes {
                    cause.display(&mut out, 1);
                }
                Err(Ok(out.trim_start_matches('\n').to_string()))
            }
            Err(e) => Err(Err(e)),
        }
    }

    fn v6(
        &self,
        node: &'a Data,
        scope: &Scope<'_>,
        v: &Data,
        loc: &mut Vec<String>,
    ) -> Result<V6, SchemaError> {
        if scope.depth() > MAX_DEPTH {
            return Err(SchemaError::TooDeep);
        }
        let s = match node {
            Data::Bool(true) => return Ok(Ok(())),
            Data::Bool(false) => return Ok(Err(leaf(loc, "false schema".into()))),
            Data::Map(m) => m,
            _ => return Ok(Ok(())),
        };
        if let Some(other) = scope.cycle() {
            return Ok(Err(leaf(
                loc,
                format!(
                    "both {} and {} resolve to \"{SCHEMA_URL}#{}\" causing reference cycle",
                    scope.keyword_location(),
                    other.keyword_location(),
                    scope.location
                ),
            )));
        }
        let draft = self.draft;
        let old_ref = draft < 2019 && s.contains_key("$ref");
        let mut errors: Vec<VError> = Vec::new();
        if !old_ref {
            if let Some(types) = schema_types(s) {
                if !type_matches(&types, v) {
                    return Ok(Err(leaf(
                        loc,
                        format!("got {}, want {}", type_of(v), types.join(" or ")),
                    )));
                }
            }
            if draft >= 6 {
                if let Some(c) = s.get("const") {
                    if !equals(v, c) {
                        let message = match c {
                            Data::List(_) | Data::Map(_) => "const failed".to_string(),
                            _ => format!("value must be {}", display(c)),
                        };
                        return Ok(Err(leaf(loc, message)));
                    }
                }
            }
            if let Some(Data::List(items)) = s.get("enum") {
                if !items.iter().any(|i| equals(v, i)) {
                    return Ok(Err(leaf(loc, enum_message(items))));
                }
            }
            if draft < 2019 {
                if let Some(Data::String(name)) = s.get("format") {
                    if let Some(problem) = format_problem(name, v) {
                        return Ok(Err(leaf(
                            loc,
                            format!("{} is not valid {name}: {problem}", display(v)),
                        )));
                    }
                }
            }
        }
        if let Some(Data::String(reference)) = s.get("$ref") {
            let result = self.v6_ref(reference, scope, v, loc)?;
            if old_ref {
                return Ok(result);
            }
            if let Err(e) = result {
                errors.push(e);
            }
        }
        match v {
            Data::Map(obj) => self.v6_object(s, scope, obj, loc, &mut errors)?,
            Data::List(arr) => self.v6_array(s, scope, arr, loc, &mut errors)?,
            Data::String(text) => {
                let len = text.chars().count();
                if let Some(min) = usize_of(s.get("minLength")) {
                    if len < min {
                        errors.push(leaf(
                            loc,
                            format!("minLength: got {}, want {}", count(len), count(min)),
                        ));
                    }
                }
                if let Some(max) = usize_of(s.get("maxLength")) {
                    if len > max {
                        errors.push(leaf(
                            loc,
                            format!("maxLength: got {}, want {}", count(len), count(max)),
                        ));
                    }
                }
                if let Some(Data::String(p)) = s.get("pattern") {
                    if !self.matches(p, text) {
                        errors.push(leaf(
                            loc,
                            format!("{} does not match pattern {}", quote(text), quote(p)),
                        ));
                    }
                }
            }
            Data::Int(_) | Data::Float(_) => self.v6_number(s, v, loc, &mut errors),
            _ => {}
        }
        self.v6_conditions(s, scope, v, loc, &mut errors)?;
        Ok(match errors.len() {
            0 => Ok(()),
            1 => Err(errors.remove(0)),
            _ => Err(VError {
                location: loc.clone(),
                message: "validation failed".into(),
                reference: false,
                group: true,
                causes: errors,
            }),
        })
    }

    /// The same value against another schema (`allOf`, `$ref`...).
    fn v6_self(
        &self,
        node: &'a Data,
        location: String,
        ref_keyword: &'static str,
        scope: &Scope<'_>,
        v: &Data,
        loc: &mut Vec<String>,
    ) -> Result<V6, SchemaError> {
        let child = Scope {
            schema: node,
            location,
            ref_keyword,
            vid: scope.vid,
            parent: Some(scope),
        };
        self.v6(node, &child, v, loc)
    }

    /// A keyword's subschema (`not`, `if`...) for the same value.
    fn v6_sub(
        &self,
        s: &'a BTreeMap<String, Data>,
        path: &[&str],
        scope: &Scope<'_>,
        v: &Data,
        loc: &mut Vec<String>,
    ) -> Result<Option<V6>, SchemaError> {
        let mut node = match s.get(path[0]) {
            Some(n) => n,
            None => return Ok(None),
        };
        let mut location = format!("{}/{}", scope.location, escape(path[0]));
        for token in &path[1..] {
            node = match node {
                Data::Map(m) => match m.get(*token) {
                    Some(n) => n,
                    None => return Ok(None),
                },
                Data::List(items) => match token.parse::<usize>().ok().and_then(|i| items.get(i)) {
                    Some(n) => n,
                    None => return Ok(None),
                },
                _ => return Ok(None),
            };
            location.push('/');
            location.push_str(&escape(token));
        }
        self.v6_self(node, location, "", scope, v, loc).map(Some)
    }

    /// A member of the value against a subschema.
    fn v6_value(
        &self,
        node: &'a Data,
        location: String,
        scope: &Scope<'_>,
        v: &Data,
        token: String,
        loc: &mut Vec<String>,
    ) -> Result<V6, SchemaError> {
        let child = Scope {
            schema: node,
            location,
            ref_keyword: "",
            vid: scope.vid + 1,
            parent: Some(scope),
        };
        loc.push(token);
        let result = self.v6(node, &child, v, loc);
        loc.pop();
        result
    }

    fn v6_ref(
        &self,
        reference: &str,
        scope: &Scope<'_>,
        v: &Data,
        loc: &mut Vec<String>,
    ) -> Result<V6, SchemaError> {
        let (target, location) = self.resolve(reference)?;
        Ok(
            match self.v6_self(target, location, "$ref", scope, v, loc)? {
                Ok(()) => Ok(()),
                Err(e) => Err(VError {
                    location: loc.clone(),
                    message: "validation failed".into(),
                    reference: true,
                    group: false,
                    causes: if e.group { e.causes } else { vec![e] },
                }),
            },
        )
    }

    fn v6_object(
        &self,
        s: &'a BTreeMap<String, Data>,
        scope: &Scope<'_>,
        obj: &BTreeMap<String, Data>,
        loc: &mut Vec<String>,
        errors: &mut Vec<VError>,
    ) -> Result<(), SchemaError> {
        if self.draft < 2019 && s.contains_key("$ref") {
            return Ok(());
        }
        if let Some(min) = usize_of(s.get("minProperties")) {
            if obj.len() < min {
                errors.push(leaf(
                    loc,
                    format!(
                        "minProperties: got {}, want {}",
                        count(obj.len()),
                        count(min)
                    ),
                ));
            }
        }
        if let Some(max) = usize_of(s.get("maxProperties")) {
            if obj.len() > max {
                errors.push(leaf(
                    loc,
                    format!(
                        "maxProperties: got {}, want {}",
                        count(obj.len()),
                        count(max)
                    ),
                ));
            }
        }
        if let Some(Data::List(required)) = s.get("required") {
            let missing: Vec<&str> = required
                .iter()
                .filter_map(|r| r.as_str())
                .filter(|r| !obj.contains_key(*r))
                .collect();
            match missing.len() {
                0 => {}
                1 => errors.push(leaf(loc, format!("missing property {}", quote(missing[0])))),
                _ => errors.push(leaf(
                    loc,
                    format!("missing properties {}", join_quoted(&missing)),
                )),
            }
        }
        if let Some(Data::Map(deps)) = s.get("dependencies") {
            for (name, dep) in deps {
                if !obj.contains_key(name) {
                    continue;
                }
                match dep {
                    Data::List(names) => {
                        let missing: Vec<&str> = names
                            .iter()
                            .filter_map(|r| r.as_str())
                            .filter(|r| !obj.contains_key(*r))
                            .collect();
                        if !missing.is_empty() {
                            errors.push(leaf(
                                loc,
                                format!(
                                    "properties {} required, if {} exists",
                                    join_quoted(&missing),
                                    quote(name)
                                ),
                            ));
                        }
                    }
                    _ => {
                        let value = Data::Map(obj.clone());
                        if let Some(Err(e)) =
                            self.v6_sub(s, &["dependencies", name], scope, &value, loc)?
                        {
                            errors.push(e);
                        }
                    }
                }
            }
        }
        let properties = match s.get("properties") {
            Some(Data::Map(p)) => Some(p),
            _ => None,
        };
        let patterns = match s.get("patternProperties") {
            Some(Data::Map(p)) => Some(p),
            _ => None,
        };
        let mut additional = Vec::new();
        for (name, value) in obj {
            let mut evaluated = false;
            if let Some(sub) = properties.and_then(|p| p.get(name)) {
                evaluated = true;
                let location = format!("{}/properties/{}", scope.location, escape(name));
                if let Err(e) = self.v6_value(sub, location, scope, value, name.clone(), loc)? {
                    errors.push(e);
                }
            }
            for (pattern, sub) in patterns.into_iter().flatten() {
                if self.matches(pattern, name) {
                    evaluated = true;
                    let location =
                        format!("{}/patternProperties/{}", scope.location, escape(pattern));
                    if let Err(e) = self.v6_value(sub, location, scope, value, name.clone(), loc)? {
                        errors.push(e);
                    }
                }
            }
            if !evaluated {
                match s.get("additionalProperties") {
                    Some(Data::Bool(false)) => additional.push(name.as_str()),
                    Some(sub @ Data::Map(_)) => {
                        let location = format!("{}/additionalProperties", scope.location);
                        if let Err(e) =
                            self.v6_value(sub, location, scope, value, name.clone(), loc)?
                        {
                            errors.push(e);
                        }
                    }
                    _ => {}
                }
            }
        }
        if !additional.is_empty() {
            errors.push(leaf(
                loc,
                format!(
                    "additional properties {} not allowed",
                    join_quoted(&additional)
                ),
            ));
        }
        if self.draft == 4 {
            return Ok(());
        }
        if let Some(names) = s.get("propertyNames") {
            let location = format!("{}/propertyNames", scope.location);
            for name in obj.keys() {
                let root = Scope {
                    schema: names,
                    location: location.clone(),
                    ref_keyword: "",
                    vid: 0,
                    parent: None,
                };
                let mut inner = Vec::new();
                if let Err(e) = self.v6(names, &root, &Data::String(name.clone()), &mut inner)? {
                    errors.push(VError {
                        location: Vec::new(),
                        message: format!("invalid propertyName {}", quote(name)),
                        reference: false,
                        group: false,
                        causes: if e.group { e.causes } else { vec![e] },
                    });
                }
            }
        }
        if self.draft == 6 {
            return Ok(());
        }
        if self.draft >= 2019 {
            if let Some(Data::Map(deps)) = s.get("dependentSchemas") {
                for name in deps.keys() {
                    if obj.contains_key(name) {
                        let value = Data::Map(obj.clone());
                        if let Some(Err(e)) =
                            self.v6_sub(s, &["dependentSchemas", name], scope, &value, loc)?
                        {
                            errors.push(e);
                        }
                    }
                }
            }
            if let Some(Data::Map(deps)) = s.get("dependentRequired") {
                for (name, dep) in deps {
                    if !obj.contains_key(name) {
                        continue;
                    }
                    if let Data::List(names) = dep {
                        let missing: Vec<&str> = names
                            .iter()
                            .filter_map(|r| r.as_str())
                            .filter(|r| !obj.contains_key(*r))
                            .collect();
                        if !missing.is_empty() {
                            errors.push(leaf(
                                loc,
                                format!(
                                    "properties {} required, if {} exists",
                                    join_quoted(&missing),
                                    quote(name)
                                ),
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn v6_array(
        &self,
        s: &'a BTreeMap<String, Data>,
        scope: &Scope<'_>,
        arr: &[Data],
        loc: &mut Vec<String>,
        errors: &mut Vec<VError>,
    ) -> Result<(), SchemaError> {
        if self.draft < 2019 && s.contains_key("$ref") {
            return Ok(());
        }
        if let Some(min) = usize_of(s.get("minItems")) {
            if arr.len() < min {
                errors.push(leaf(
                    loc,
                    format!("minItems: got {}, want {}", count(arr.len()), count(min)),
                ));
            }
        }
        if let Some(max) = usize_of(s.get("maxItems")) {
            if arr.len() > max {
                errors.push(leaf(
                    loc,
                    format!("maxItems: got {}, want {}", count(arr.len()), count(max)),
                ));
            }
        }
        if matches!(s.get("uniqueItems"), Some(Data::Bool(true))) && arr.len() > 1 {
            'outer: for i in 1..arr.len() {
                for j in 0..i {
                    if equals(&arr[i], &arr[j]) {
                        errors.push(leaf(
                            loc,
                            format!("items at {} and {} are equal", count(j), count(i)),
                        ));
                        break 'outer;
                    }
                }
            }
        }
        let base = scope.location.clone();
        if self.draft < 2020 {
            match s.get("items") {
                Some(Data::List(tuple)) => {
                    let evaluated = tuple.len().min(arr.len());
                    for (i, item) in arr.iter().take(evaluated).enumerate() {
                        let location = format!("{base}/items/{i}");
                        if let Err(e) =
                            self.v6_value(&tuple[i], location, scope, item, i.to_string(), loc)?
                        {
                            errors.push(e);
                        }
                    }
                    match s.get("additionalItems") {
                        Some(Data::Bool(false)) if evaluated != arr.len() => errors.push(leaf(
                            loc,
                            format!(
                                "last {} additionalItem(s) not allowed",
                                count(arr.len() - evaluated)
                            ),
                        )),
                        Some(sub @ Data::Map(_)) => {
                            for (i, item) in arr[evaluated..].iter().enumerate() {
                                let location = format!("{base}/additionalItems");
                                if let Err(e) =
                                    self.v6_value(sub, location, scope, item, i.to_string(), loc)?
                                {
                                    errors.push(e);
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Some(sub @ (Data::Map(_) | Data::Bool(_))) => {
                    for (i, item) in arr.iter().enumerate() {
                        let location = format!("{base}/items");
                        if let Err(e) =
                            self.v6_value(sub, location, scope, item, i.to_string(), loc)?
                        {
                            errors.push(e);
                        }
                    }
                }
                _ => {}
            }
        } else {
            let prefix = match s.get("prefixItems") {
                Some(Data::List(p)) => p.as_slice(),
                _ => &[],
            };
            let evaluated = prefix.len().min(arr.len());
            for (i, item) in arr.iter().take(evaluated).enumerate() {
                let location = format!("{base}/prefixItems/{i}");
                if let Err(e) =
                    self.v6_value(&prefix[i], location, scope, item, i.to_string(), loc)?
                {
                    errors.push(e);
                }
            }
            if let Some(sub @ (Data::Map(_) | Data::Bool(_))) = s.get("items") {
                for (i, item) in arr[evaluated..].iter().enumerate() {
                    let location = format!("{base}/items");
                    if let Err(e) = self.v6_value(sub, location, scope, item, i.to_string(), loc)? {
                        errors.push(e);
                    }
                }
            }
        }
        if self.draft >= 6 {
            if let Some(contains) = s.get("contains") {
                let mut failures = Vec::new();
                let mut matched = Vec::new();
                for (i, item) in arr.iter().enumerate() {
                    let location = format!("{base}/contains");
                    match self.v6_value(contains, location, scope, item, i.to_string(), loc)? {
                        Ok(()) => matched.push(i),
                        Err(e) => failures.push(e),
                    }
                }
                let min = if self.draft >= 2019 {
                    usize_of(s.get("minContains"))
                } else {
                    None
                };
                let max = if self.draft >= 2019 {
                    usize_of(s.get("maxContains"))
                } else {
                    None
                };
                let listed = |m: &[usize]| {
                    m.iter()
                        .map(|i| i.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                if let Some(min) = min {
                    if matched.len() < min {
                        let message = if matched.is_empty() {
                            format!("min {min} items required to match contains schema, but none matched")
                        } else {
                            format!(
                                "min {min} items required to match contains schema, but matched {} items at {}",
                                matched.len(),
                                listed(&matched)
                            )
                        };
                        let mut e = leaf(loc, message);
                        e.causes = failures;
                        errors.push(e);
                    }
                } else if matched.is_empty() {
                    let mut e = leaf(loc, "no items match contains schema".into());
                    e.causes = failures;
                    errors.push(e);
                }
                if let Some(max) = max {
                    if matched.len() > max {
                        errors.push(leaf(
                            loc,
                            format!(
                                "max {max} items required to match contains schema, but matched {} items at {}",
                                matched.len(),
                                listed(&matched)
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    fn v6_number(
        &self,
        s: &BTreeMap<String, Data>,
        v: &Data,
        loc: &[String],
        errors: &mut Vec<VError>,
    ) {
        use std::cmp::Ordering::{Equal, Greater, Less};
        if self.draft < 2019 && s.contains_key("$ref") {
            return;
        }
        fn num(d: &Data) -> Option<&Data> {
            matches!(d, Data::Int(_) | Data::Float(_)).then_some(d)
        }
        let mut minimum = s.get("minimum").and_then(num);
        let mut maximum = s.get("maximum").and_then(num);
        let mut exclusive_minimum = s.get("exclusiveMinimum").and_then(num);
        let mut exclusive_maximum = s.get("exclusiveMaximum").and_then(num);
        if matches!(s.get("exclusiveMaximum"), Some(Data::Bool(true))) {
            exclusive_maximum = maximum.take();
        }
        if matches!(s.get("exclusiveMinimum"), Some(Data::Bool(true))) {
            exclusive_minimum = minimum.take();
        }
        let got = go_number(v);
        let checks: [(&str, Option<&Data>, &[std::cmp::Ordering]); 4] = [
            ("minimum", minimum, &[Less]),
            ("maximum", maximum, &[Greater]),
            ("exclusiveMinimum", exclusive_minimum, &[Less, Equal]),
            ("exclusiveMaximum", exclusive_maximum, &[Greater, Equal]),
        ];
        for (name, limit, failing) in checks {
            if let Some(limit) = limit {
                if cmp_numbers(v, limit).is_some_and(|o| failing.contains(&o)) {
                    errors.push(leaf(
                        loc,
                        format!("{name}: got {got}, want {}", go_number(limit)),
                    ));
                }
            }
        }
        if let Some(m) = s.get("multipleOf").and_then(num) {
            if !is_multiple(v, m) {
                errors.push(leaf(
                    loc,
                    format!("multipleOf: got {got}, want {}", go_number(m)),
                ));
            }
        }
    }

    fn v6_conditions(
        &self,
        s: &'a BTreeMap<String, Data>,
        scope: &Scope<'_>,
        v: &Data,
        loc: &mut Vec<String>,
        errors: &mut Vec<VError>,
    ) -> Result<(), SchemaError> {
        if self.draft < 2019 && s.contains_key("$ref") {
            return Ok(());
        }
        let group = |loc: &[String], message: &str, causes: Vec<VError>| VError {
            location: loc.to_vec(),
            message: message.to_string(),
            reference: false,
            group: false,
            causes,
        };
        if let Some(Ok(())) = self.v6_sub(s, &["not"], scope, v, loc)? {
            errors.push(group(loc, "'not' failed", Vec::new()));
        }
        for (keyword, message) in [("allOf", "'allOf' failed"), ("anyOf", "'anyOf' failed")] {
            let Some(Data::List(subs)) = s.get(keyword) else {
                continue;
            };
            if subs.is_empty() {
                continue;
            }
            let mut failures = Vec::new();
            let mut matched = false;
            for i in 0..subs.len() {
                let index = i.to_string();
                match self.v6_sub(s, &[keyword, &index], scope, v, loc)? {
                    Some(Err(e)) => failures.push(e),
                    _ => {
                        matched = true;
                        if keyword == "anyOf" {
                            break;
                        }
                    }
                }
            }
            let failed = if keyword == "allOf" {
                !failures.is_empty()
            } else {
                !matched
            };
            if failed {
                errors.push(group(loc, message, failures));
            }
        }
        if let Some(Data::List(subs)) = s.get("oneOf") {
            if !subs.is_empty() {
                let mut matched: Option<usize> = None;
                let mut failures = Vec::new();
                for i in 0..subs.len() {
                    let index = i.to_string();
                    match self.v6_sub(s, &["oneOf", &index], scope, v, loc)? {
                        Some(Err(e)) => {
                            if matched.is_none() {
                                failures.push(e);
                            }
                        }
                        _ => match matched {
                            None => matched = Some(i),
                            Some(first) => {
                                errors.push(group(
                                    loc,
                                    &format!("'oneOf' failed, subschemas {first}, {i} matched"),
                                    Vec::new(),
                                ));
                                break;
                            }
                        },
                    }
                }
                if matched.is_none() {
                    errors.push(group(loc, "'oneOf' failed, none matched", failures));
                }
            }
        }
        if self.draft >= 7 && s.contains_key("if") {
            let branch = match self.v6_sub(s, &["if"], scope, v, loc)? {
                Some(Ok(())) => "then",
                _ => "else",
            };
            let taken = match s.get("if") {
                Some(Data::Bool(b)) => (*b && branch == "then") || (!*b && branch == "else"),
                _ => true,
            };
            if taken {
                if let Some(Err(e)) = self.v6_sub(s, &[branch], scope, v, loc)? {
                    errors.push(e);
                }
            }
        }
        Ok(())
    }
}

fn leaf(loc: &[String], message: String) -> VError {
    VError {
        location: loc.to_vec(),
        message,
        reference: false,
        group: false,
        causes: Vec::new(),
    }
}

fn join_quoted(items: &[&str]) -> String {
    items
        .iter()
        .map(|i| quote(i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The library's rendering of a primitive in a message.
fn display(d: &Data) -> String {
    match d {
        Data::String(s) => quote(s),
        Data::List(_) | Data::Map(_) => "value".into(),
        Data::Null => "<nil>".into(),
        Data::Bool(b) => b.to_string(),
        Data::Int(_) | Data::Float(_) => go_number(d),
    }
}

fn enum_message(items: &[Data]) -> String {
    if items
        .iter()
        .any(|i| matches!(i, Data::List(_) | Data::Map(_)))
    {
        return "enum failed".into();
    }
    if items.len() == 1 {
        return format!("value must be {}", display(&items[0]));
    }
    let shown: Vec<String> = items.iter().map(display).collect();
    format!("value must be one of {}", shown.join(", "))
}

/// Why a string fails a format the library asserts (drafts 4 to 7), if it does.
fn format_problem(name: &str, v: &Data) -> Option<String> {
    let Data::String(s) = v else { return None };
    match name {
        "ipv4" => ipv4_problem(s),
        "ipv6" => {
            if !s.contains(':') {
                Some("missing colon".into())
            } else if s.parse::<std::net::Ipv6Addr>().is_err() {
                Some(format!("ParseAddr({}): invalid IPv6 address", go_quote(s)))
            } else {
                None
            }
        }
        "email" => email_problem(s),
        _ => None,
    }
}

fn ipv4_problem(s: &str) -> Option<String> {
    let groups: Vec<&str> = s.split('.').collect();
    if groups.len() != 4 {
        return Some("expected four decimals".into());
    }
    for group in groups {
        if group.len() > 1 && group.starts_with('0') {
            return Some("leading zeros".into());
        }
        let digits = group.strip_prefix(['+', '-']).unwrap_or(group);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Some(format!(
                "strconv.Atoi: parsing {}: invalid syntax",
                go_quote(group)
            ));
        }
        match group.parse::<i64>() {
            Ok(n) if (0..=255).contains(&n) => {}
            Ok(_) => return Some("decimal must be between 0 and 255".into()),
            Err(_) => {
                return Some(format!(
                    "strconv.Atoi: parsing {}: value out of range",
                    go_quote(group)
                ))
            }
        }
    }
    None
}

fn email_problem(s: &str) -> Option<String> {
    if s.len() > 254 {
        return Some("more than 255 characters long".into());
    }
    let Some(at) = s.rfind('@') else {
        return Some("missing @".into());
    };
    let (local, domain) = (&s[..at], &s[at + 1..]);
    if local.len() > 64 {
        return Some("local part more than 64 characters long".into());
    }
    if local.len() > 1 && local.starts_with('"') {
        let inner = &local[1..local.len() - 1];
        if inner.contains(['\\', '"']) {
            return Some("backslash and quote are not allowed within quoted local part".into());
        }
    } else {
        if local.starts_with('.') {
            return Some("starts with dot".into());
        }
        if local.ends_with('.') {
            return Some("ends with dot".into());
        }
        if local.contains("..") {
            return Some("consecutive dots".into());
        }
        if let Some(c) = local
            .chars()
            .find(|c| !c.is_ascii_alphanumeric() && !".!#$%&'*+-/=?^_`{|}~".contains(*c))
        {
            return Some(format!(
                "invalid character {}",
                go_quote(&c.to_string()).replacen('"', "'", 2)
            ));
        }
    }
    if let Some(inner) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        return match inner.strip_prefix("IPv6:") {
            Some(rest) => format_problem("ipv6", &Data::String(rest.to_string()))
                .map(|e| format!("invalid ipv6 address: {e}")),
            None => ipv4_problem(inner).map(|e| format!("invalid ipv4 address: {e}")),
        };
    }
    hostname_problem(domain).map(|e| format!("invalid domain: {e}"))
}

fn hostname_problem(s: &str) -> Option<String> {
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.len() > 253 {
        return Some("more than 253 characters long".into());
    }
    for label in s.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Some("label must be 1 to 63 characters long".into());
        }
        if label.starts_with('-') {
            return Some("label starts with hyphen".into());
        }
        if label.ends_with('-') {
            return Some("label ends with hyphen".into());
        }
        if let Some(c) = label
            .chars()
            .find(|c| !c.is_ascii_alphanumeric() && *c != '-')
        {
            return Some(format!(
                "invalid character {}",
                go_quote(&c.to_string()).replacen('"', "'", 2)
            ));
        }
    }
    None
}

/// Go's `%q` of a string (double quotes).
fn go_quote(s: &str) -> String {
    let single = quote(s);
    let inner = &single[1..single.len() - 1];
    format!("\"{}\"", inner.replace("\\'", "'").replace('"', "\\\""))
}

/// Whether gojsonschema's checker accepts a string for a format it knows.
fn go_format_ok(name: &str, v: &Data) -> bool {
    let Data::String(s) = v else { return true };
    match name {
        "ipv4" => s.contains('.') && s.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => s.contains(':') && s.parse::<std::net::Ipv6Addr>().is_ok(),
        "email" => s.rsplit_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && !d.is_empty() && !s.contains(char::is_whitespace)
        }),
        _ => true,
    }
}

// ---------------------------------------------------------------------------
// Helm 3: xeipuuv/gojsonschema v1.2.0

/// A gojsonschema result: the errors and the score that picks the "best"
/// failing branch of `anyOf`/`oneOf`.
#[derive(Default)]
struct GoResult {
    errors: Vec<String>,
    score: usize,
}

impl<'a> Schema<'a> {
    fn validate_gojsonschema(&self, v: &Data) -> Result<Vec<String>, SchemaError> {
        let mut result = GoResult::default();
        self.go(self.root, v, &mut Vec::new(), &mut result, 0)?;
        Ok(result.errors)
    }

    fn go_error(ctx: &[String], description: String, result: &mut GoResult) {
        let field = if ctx.is_empty() {
            "(root)".to_string()
        } else {
            ctx.join(".")
        };
        result.errors.push(format!("{field}: {description}"));
    }

    fn go_sub(
        &self,
        node: &'a Data,
        v: &Data,
        ctx: &mut Vec<String>,
        depth: usize,
    ) -> Result<GoResult, SchemaError> {
        let mut r = GoResult::default();
        self.go(node, v, ctx, &mut r, depth + 1)?;
        Ok(r)
    }

    fn go(
        &self,
        node: &'a Data,
        v: &Data,
        ctx: &mut Vec<String>,
        result: &mut GoResult,
        depth: usize,
    ) -> Result<(), SchemaError> {
        if depth > MAX_DEPTH {
            return Err(SchemaError::TooDeep);
        }
        let s = match node {
            Data::Bool(true) => return Ok(()),
            Data::Bool(false) => {
                Self::go_error(ctx, "False always fails validation".into(), result);
                return Ok(());
            }
            Data::Map(m) => m,
            _ => return Ok(()),
        };
        if let Some(Data::String(reference)) = s.get("$ref") {
            let (target, _) = self.resolve(reference)?;
            return self.go(target, v, ctx, result, depth + 1);
        }
        if let Some(types) = schema_types(s) {
            let given = match v {
                Data::Int(_) | Data::Float(_) if is_integer(v) => "integer",
                other => type_of(other),
            };
            let ok = types.contains(&given) || (given == "integer" && types.contains(&"number"));
            if !ok {
                let listed: Vec<&str> = match s.get("type") {
                    Some(Data::List(items)) => items.iter().filter_map(|i| i.as_str()).collect(),
                    _ => types.clone(),
                };
                let expected = if listed.len() == 1 {
                    listed[0].to_string()
                } else {
                    format!("[{}]", listed.join(","))
                };
                Self::go_error(
                    ctx,
                    format!("Invalid type. Expected: {expected}, given: {given}"),
                    result,
                );
                return Ok(());
            }
        }
        self.go_schema(s, v, ctx, result, depth)?;
        if let Data::Int(_) | Data::Float(_) = v {
            self.go_number(s, v, ctx, result);
        }
        match v {
            Data::List(arr) => {
                self.go_array(s, arr, ctx, result, depth)?;
                self.go_common(s, v, ctx, result);
            }
            Data::Map(obj) => {
                self.go_object(s, obj, ctx, result, depth)?;
                self.go_common(s, v, ctx, result);
                if let Some(Data::Map(props)) = s.get("properties") {
                    for (name, sub) in props {
                        if let Some(value) = obj.get(name) {
                            ctx.push(name.clone());
                            self.go(sub, value, ctx, result, depth + 1)?;
                            ctx.pop();
                        }
                    }
                }
            }
            _ => {
                self.go_common(s, v, ctx, result);
                if let Data::String(text) = v {
                    self.go_string(s, text, ctx, result);
                }
            }
        }
        result.score += 1;
        Ok(())
    }

    fn go_schema(
        &self,
        s: &'a BTreeMap<String, Data>,
        v: &Data,
        ctx: &mut Vec<String>,
        result: &mut GoResult,
        depth: usize,
    ) -> Result<(), SchemaError> {
        if let Some(Data::List(subs)) = s.get("anyOf") {
            let mut best: Option<GoResult> = None;
            let mut valid = false;
            for sub in subs {
                let r = self.go_sub(sub, v, ctx, depth)?;
                if r.errors.is_empty() {
                    valid = true;
                    break;
                }
                if best.as_ref().is_none_or(|b| r.score > b.score) {
                    best = Some(r);
                }
            }
            if !valid && !subs.is_empty() {
                Self::go_error(
                    ctx,
                    "Must validate at least one schema (anyOf)".into(),
                    result,
                );
                if let Some(b) = best {
                    result.errors.extend(b.errors);
                }
            }
        }
        if let Some(Data::List(subs)) = s.get("oneOf") {
            let mut best: Option<GoResult> = None;
            let mut valid = 0;
            for sub in subs {
                let r = self.go_sub(sub, v, ctx, depth)?;
                if r.errors.is_empty() {
                    valid += 1;
                } else if valid == 0 && best.as_ref().is_none_or(|b| r.score > b.score) {
                    best = Some(r);
                }
            }
            if valid != 1 && !subs.is_empty() {
                Self::go_error(
                    ctx,
                    "Must validate one and only one schema (oneOf)".into(),
                    result,
                );
                if valid == 0 {
                    if let Some(b) = best {
                        result.errors.extend(b.errors);
                    }
                }
            }
        }
        if let Some(Data::List(subs)) = s.get("allOf") {
            let mut valid = 0;
            for sub in subs {
                let r = self.go_sub(sub, v, ctx, depth)?;
                if r.errors.is_empty() {
                    valid += 1;
                }
                result.errors.extend(r.errors);
            }
            if valid != subs.len() {
                Self::go_error(ctx, "Must validate all the schemas (allOf)".into(), result);
            }
        }
        if let Some(not) = s.get("not") {
            if self.go_sub(not, v, ctx, depth)?.errors.is_empty() {
                Self::go_error(ctx, "Must not validate the schema (not)".into(), result);
            }
        }
        if let (Some(Data::Map(deps)), Data::Map(obj)) = (s.get("dependencies"), v) {
            for key in obj.keys() {
                match deps.get(key) {
                    Some(Data::List(names)) => {
                        for name in names.iter().filter_map(|n| n.as_str()) {
                            if !obj.contains_key(name) {
                                Self::go_error(ctx, format!("Has a dependency on {name}"), result);
                            }
                        }
                    }
                    Some(sub @ Data::Map(_)) => self.go(sub, v, ctx, result, depth + 1)?,
                    _ => {}
                }
            }
        }
        if let Some(cond) = s.get("if") {
            let if_valid = self.go_sub(cond, v, ctx, depth)?.errors.is_empty();
            let (branch, text) = if if_valid {
                ("then", "Must validate \"then\" as \"if\" was valid")
            } else {
                ("else", "Must validate \"else\" as \"if\" was not valid")
            };
            if let Some(sub) = s.get(branch) {
                let r = self.go_sub(sub, v, ctx, depth)?;
                if !r.errors.is_empty() {
                    Self::go_error(ctx, text.into(), result);
                    result.errors.extend(r.errors);
                }
            }
        }
        result.score += 1;
        Ok(())
    }

    fn go_common(
        &self,
        s: &BTreeMap<String, Data>,
        v: &Data,
        ctx: &[String],
        result: &mut GoResult,
    ) {
        if let Some(c) = s.get("const") {
            if !equals(v, c) {
                Self::go_error(
                    ctx,
                    format!("{} does not match: {}", go_field(ctx), go_json(c)),
                    result,
                );
            }
        }
        if let Some(Data::List(items)) = s.get("enum") {
            if !items.is_empty() && !items.iter().any(|i| equals(v, i)) {
                let allowed: Vec<String> = items.iter().map(go_json).collect();
                Self::go_error(
                    ctx,
                    format!(
                        "{} must be one of the following: {}",
                        go_field(ctx),
                        allowed.join(", ")
                    ),
                    result,
                );
            }
        }
        result.score += 1;
    }

    fn go_array(
        &self,
        s: &'a BTreeMap<String, Data>,
        arr: &[Data],
        ctx: &mut Vec<String>,
        result: &mut GoResult,
        depth: usize,
    ) -> Result<(), SchemaError> {
        match s.get("items") {
            Some(Data::List(tuple)) => {
                for (i, (sub, item)) in tuple.iter().zip(arr).enumerate() {
                    ctx.push(i.to_string());
                    let r = self.go_sub(sub, item, ctx, depth)?;
                    ctx.pop();
                    result.errors.extend(r.errors);
                }
                if tuple.len() < arr.len() {
                    match s.get("additionalItems") {
                        Some(Data::Bool(false)) => Self::go_error(
                            ctx,
                            "No additional items allowed on array".into(),
                            result,
                        ),
                        Some(sub @ Data::Map(_)) => {
                            for (i, item) in arr.iter().enumerate().skip(tuple.len()) {
                                ctx.push(i.to_string());
                                let r = self.go_sub(sub, item, ctx, depth)?;
                                ctx.pop();
                                result.errors.extend(r.errors);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Some(sub @ (Data::Map(_) | Data::Bool(_))) => {
                for (i, item) in arr.iter().enumerate() {
                    ctx.push(i.to_string());
                    let r = self.go_sub(sub, item, ctx, depth)?;
                    ctx.pop();
                    result.errors.extend(r.errors);
                }
            }
            _ => {}
        }
        if let Some(min) = usize_of(s.get("minItems")) {
            if arr.len() < min {
                Self::go_error(ctx, format!("Array must have at least {min} items"), result);
            }
        }
        if let Some(max) = usize_of(s.get("maxItems")) {
            if arr.len() > max {
                Self::go_error(ctx, format!("Array must have at most {max} items"), result);
            }
        }
        if matches!(s.get("uniqueItems"), Some(Data::Bool(true))) {
            let mut seen: BTreeMap<String, usize> = BTreeMap::new();
            for (j, item) in arr.iter().enumerate() {
                let key = go_json(item);
                if let Some(i) = seen.get(&key) {
                    Self::go_error(ctx, format!("array items[{i},{j}] must be unique"), result);
                }
                seen.insert(key, j);
            }
        }
        if let Some(contains) = s.get("contains") {
            let mut any = false;
            let mut best: Option<GoResult> = None;
            for (i, item) in arr.iter().enumerate() {
                ctx.push(i.to_string());
                let r = self.go_sub(contains, item, ctx, depth)?;
                ctx.pop();
                if r.errors.is_empty() {
                    any = true;
                    break;
                }
                if best.as_ref().is_none_or(|b| r.score > b.score) {
                    best = Some(r);
                }
            }
            if !any {
                Self::go_error(ctx, "At least one of the items must match".into(), result);
                if let Some(b) = best {
                    result.errors.extend(b.errors);
                }
            }
        }
        result.score += 1;
        Ok(())
    }

    fn go_object(
        &self,
        s: &'a BTreeMap<String, Data>,
        obj: &BTreeMap<String, Data>,
        ctx: &mut Vec<String>,
        result: &mut GoResult,
        depth: usize,
    ) -> Result<(), SchemaError> {
        if let Some(min) = usize_of(s.get("minProperties")) {
            if obj.len() < min {
                Self::go_error(ctx, format!("Must have at least {min} properties"), result);
            }
        }
        if let Some(max) = usize_of(s.get("maxProperties")) {
            if obj.len() > max {
                Self::go_error(ctx, format!("Must have at most {max} properties"), result);
            }
        }
        if let Some(Data::List(required)) = s.get("required") {
            for name in required.iter().filter_map(|r| r.as_str()) {
                if !obj.contains_key(name) {
                    Self::go_error(ctx, format!("{name} is required"), result);
                }
            }
        }
        let properties = match s.get("properties") {
            Some(Data::Map(p)) => Some(p),
            _ => None,
        };
        let patterns = match s.get("patternProperties") {
            Some(Data::Map(p)) => Some(p),
            _ => None,
        };
        for (name, value) in obj {
            let mut matched_pattern = false;
            for (pattern, sub) in patterns.into_iter().flatten() {
                if self.matches(pattern, name) {
                    matched_pattern = true;
                    ctx.push(name.clone());
                    self.go(sub, value, ctx, result, depth + 1)?;
                    ctx.pop();
                }
            }
            if properties.is_some_and(|p| p.contains_key(name)) || matched_pattern {
                continue;
            }
            match s.get("additionalProperties") {
                Some(Data::Bool(false)) => Self::go_error(
                    ctx,
                    format!("Additional property {name} is not allowed"),
                    result,
                ),
                Some(sub @ Data::Map(_)) => {
                    ctx.push(name.clone());
                    self.go(sub, value, ctx, result, depth + 1)?;
                    ctx.pop();
                }
                _ => {}
            }
        }
        if let Some(names) = s.get("propertyNames") {
            for name in obj.keys() {
                let r = self.go_sub(names, &Data::String(name.clone()), ctx, depth)?;
                if !r.errors.is_empty() {
                    Self::go_error(
                        ctx,
                        format!("Property name of \"{name}\" does not match"),
                        result,
                    );
                    result.errors.extend(r.errors);
                }
            }
        }
        result.score += 1;
        Ok(())
    }

    fn go_string(
        &self,
        s: &BTreeMap<String, Data>,
        text: &str,
        ctx: &[String],
        result: &mut GoResult,
    ) {
        let len = text.chars().count();
        if let Some(min) = usize_of(s.get("minLength")) {
            if len < min {
                Self::go_error(
                    ctx,
                    format!("String length must be greater than or equal to {min}"),
                    result,
                );
            }
        }
        if let Some(max) = usize_of(s.get("maxLength")) {
            if len > max {
                Self::go_error(
                    ctx,
                    format!("String length must be less than or equal to {max}"),
                    result,
                );
            }
        }
        if let Some(Data::String(p)) = s.get("pattern") {
            if !self.matches(p, text) {
                Self::go_error(ctx, format!("Does not match pattern '{p}'"), result);
            }
        }
        if let Some(Data::String(f)) = s.get("format") {
            if !go_format_ok(f, &Data::String(text.to_string())) {
                Self::go_error(ctx, format!("Does not match format '{f}'"), result);
            }
        }
        result.score += 1;
    }

    fn go_number(
        &self,
        s: &BTreeMap<String, Data>,
        v: &Data,
        ctx: &[String],
        result: &mut GoResult,
    ) {
        use std::cmp::Ordering::{Greater, Less};
        let num = |d: Option<&'_ Data>| {
            d.filter(|d| matches!(d, Data::Int(_) | Data::Float(_)))
                .cloned()
        };
        if let Some(m) = num(s.get("multipleOf")) {
            if !is_multiple(v, &m) {
                Self::go_error(
                    ctx,
                    format!("Must be a multiple of {}", go_json(&m)),
                    result,
                );
            }
        }
        let bool_exclusive = |k: &str| matches!(s.get(k), Some(Data::Bool(true)));
        if let Some(max) = num(s.get("maximum")) {
            let o = cmp_numbers(v, &max);
            if bool_exclusive("exclusiveMaximum") {
                if o != Some(Less) {
                    Self::go_error(ctx, format!("Must be less than {}", go_json(&max)), result);
                }
            } else if o == Some(Greater) {
                Self::go_error(
                    ctx,
                    format!("Must be less than or equal to {}", go_json(&max)),
                    result,
                );
            }
        }
        if let Some(max) = num(s.get("exclusiveMaximum")) {
            if cmp_numbers(v, &max) != Some(Less) {
                Self::go_error(ctx, format!("Must be less than {}", go_json(&max)), result);
            }
        }
        if let Some(min) = num(s.get("minimum")) {
            let o = cmp_numbers(v, &min);
            if bool_exclusive("exclusiveMinimum") {
                if o != Some(Greater) {
                    Self::go_error(
                        ctx,
                        format!("Must be greater than {}", go_json(&min)),
                        result,
                    );
                }
            } else if o == Some(Less) {
                Self::go_error(
                    ctx,
                    format!("Must be greater than or equal to {}", go_json(&min)),
                    result,
                );
            }
        }
        if let Some(min) = num(s.get("exclusiveMinimum")) {
            if cmp_numbers(v, &min) != Some(Greater) {
                Self::go_error(
                    ctx,
                    format!("Must be greater than {}", go_json(&min)),
                    result,
                );
            }
        }
        result.score += 1;
    }
}

/// The field gojsonschema names in some descriptions.
fn go_field(ctx: &[String]) -> String {
    if ctx.is_empty() {
        "(root)".into()
    } else {
        ctx.join(".")
    }
}

/// encoding/json's rendering of a value.
fn go_json(d: &Data) -> String {
    goyaml::json::marshal(d).unwrap_or_default()
}
