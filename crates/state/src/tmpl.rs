//! helmfile's template context (`pkg/tmpl`): the `stringTemplate` renderer
//! with Sprig's text functions (including `env`/`expandenv`) and helmfile's
//! own (`readFile`, `readDirEntries`, `toYaml`, `get`, `tpl`, `exec`...),
//! helper `_*.tpl` files, and the first-pass variant that stubs file access.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use gotmpl::{FuncError, Function, GoType, MissingKey, Object, Signature, Templates, Value};

use crate::convert::{from_template, string_keys, to_template};
use crate::EnvLookup;

/// Go's limit on nested `include` calls in helmfile.
const MAX_INCLUDE_DEPTH: usize = 1000;

/// What the template functions may reach.
#[derive(Clone)]
pub(crate) struct Context {
    /// Absolute directory that relative paths are joined to.
    pub dir: PathBuf,
    /// How `dir` is shown in messages (helmfile runs inside the state file's
    /// directory, so its messages show paths relative to it).
    pub shown_dir: String,
    pub env: EnvLookup,
    pub allow_exec: bool,
    /// The first pass: file functions return nothing, missing keys are zero.
    pub pre_render: bool,
}

/// A template failure: Go's message, and what was rendered before it.
#[derive(Debug)]
pub(crate) struct RenderError {
    pub message: String,
    /// What was written before an execution error (`None` when parsing failed).
    pub partial: Option<String>,
}

impl Context {
    /// `RenderTemplateToBuffer`: parses helpers and `text` as `stringTemplate`
    /// and executes it with `data`.
    pub fn render(&self, text: &str, data: &Value) -> Result<String, RenderError> {
        let mut t = self.new_template()?;
        t.parse("stringTemplate", text).map_err(|e| RenderError {
            message: e.message,
            partial: None,
        })?;
        let mut out = String::new();
        match t.execute_into("stringTemplate", data, &mut out) {
            Ok(()) => Ok(out),
            Err(e) => Err(RenderError {
                message: e.message,
                partial: Some(out),
            }),
        }
    }

    fn new_template(&self) -> Result<Templates, RenderError> {
        let mut t = Templates::new("stringTemplate");
        t.set_missing_key(if self.pre_render {
            MissingKey::Zero
        } else {
            MissingKey::Error
        });
        t.add_functions(self.functions());
        for (path, content) in self.helper_templates()? {
            t.parse("stringTemplate", &content)
                .map_err(|e| RenderError {
                    message: format!("failed to parse helper template {path}: {}", e.message),
                    partial: None,
                })?;
        }
        Ok(t)
    }

    fn helper_templates(&self) -> Result<Vec<(String, String)>, RenderError> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Ok(Vec::new());
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('_') && n.ends_with(".tpl"))
            .collect();
        names.sort();
        let mut out = Vec::new();
        for name in names {
            let content =
                std::fs::read_to_string(self.dir.join(&name)).map_err(|e| RenderError {
                    message: format!("failed to read helper template {name}: {e}"),
                    partial: None,
                })?;
            out.push((name, content));
        }
        Ok(out)
    }

    /// The path a template argument names, and how Go would print it.
    fn resolve(&self, name: &str) -> (PathBuf, String) {
        if Path::new(name).is_absolute() {
            (PathBuf::from(name), go_clean(name))
        } else {
            let shown = go_clean(&format!("{}/{}", self.shown_dir, name));
            (self.dir.join(name), shown)
        }
    }

    fn functions(&self) -> Vec<(String, Function)> {
        let mut funcs = sprig::functions();
        if let Some((_, get)) = funcs.iter().find(|(n, _)| n == "get").cloned() {
            funcs.push(("sprigGet".into(), get));
        }
        let env = self.env.clone();
        funcs.push((
            "env".into(),
            Function::new(Signature::new(vec![GoType::String]), move |_, a| {
                Ok(Value::from(env(str_arg(&a, 0)).unwrap_or_default()))
            }),
        ));
        let env = self.env.clone();
        funcs.push((
            "expandenv".into(),
            Function::new(Signature::new(vec![GoType::String]), move |_, a| {
                Ok(Value::from(expand_env(str_arg(&a, 0), &*env)))
            }),
        ));
        let env = self.env.clone();
        funcs.push((
            "requiredEnv".into(),
            Function::new(Signature::new(vec![GoType::String]), move |_, a| {
                let name = str_arg(&a, 0);
                match env(name) {
                    Some(v) if !v.is_empty() => Ok(Value::from(v)),
                    _ => Err(FuncError::new(format!(
                        "required env var `{name}` is not set"
                    ))),
                }
            }),
        ));
        funcs.push((
            "toYaml".into(),
            Function::new(Signature::new(vec![GoType::Interface]), |_, a| {
                to_yaml(&a[0])
            }),
        ));
        funcs.push((
            "fromYaml".into(),
            Function::new(Signature::new(vec![GoType::String]), |_, a| {
                from_yaml(str_arg(&a, 0))
            }),
        ));
        funcs.push((
            "setValueAtPath".into(),
            Function::new(
                Signature::new(vec![
                    GoType::String,
                    GoType::Interface,
                    GoType::map_of(GoType::Interface),
                ]),
                |_, a| set_value_at_path(str_arg(&a, 0), a[1].clone(), &a[2]),
            ),
        ));
        funcs.push((
            "get".into(),
            Function::new(
                Signature::variadic(vec![GoType::String], GoType::Interface),
                |_, a| get(str_arg(&a, 0), &a[1..]).map_err(|e| FuncError::new(e.message())),
            ),
        ));
        funcs.push((
            "getOrNil".into(),
            Function::new(
                Signature::new(vec![GoType::String, GoType::Interface]),
                |_, a| match get(str_arg(&a, 0), &a[1..]) {
                    Ok(v) => Ok(v),
                    Err(GetError::NoValue(_)) => Ok(Value::Nil),
                    Err(e) => Err(FuncError::new(e.message())),
                },
            ),
        ));
        funcs.push((
            "required".into(),
            Function::new(
                Signature::new(vec![GoType::String, GoType::Interface]),
                |_, a| match &a[1] {
                    Value::Nil => Err(FuncError::new(str_arg(&a, 0))),
                    Value::String(s) if s.is_empty() => Err(FuncError::new(str_arg(&a, 0))),
                    v => Ok(v.clone()),
                },
            ),
        ));
        let ctx = self.clone();
        funcs.push((
            "tpl".into(),
            Function::new(
                Signature::new(vec![GoType::String, GoType::Interface]),
                move |_, a| {
                    ctx.render(str_arg(&a, 0), &a[1])
                        .map(Value::from)
                        .map_err(|e| FuncError::new(e.message))
                },
            ),
        ));
        for name in ["fetchSecretValue", "expandSecretRefs"] {
            funcs.push((
                name.into(),
                Function::new(Signature::new(vec![GoType::Interface]), move |_, _| {
                    Err(FuncError::new(format!(
                        "{name} (vals secret references) is not supported by berth"
                    )))
                }),
            ));
        }
        funcs.extend(self.file_functions());
        funcs.extend(self.exec_functions());
        funcs.push(("include".into(), include_function()));
        funcs
    }

    fn file_functions(&self) -> Vec<(String, Function)> {
        let mut funcs = Vec::new();
        let ctx = self.clone();
        funcs.push((
            "isFile".into(),
            Function::new(Signature::new(vec![GoType::String]), move |_, a| {
                let (path, _) = ctx.resolve(str_arg(&a, 0));
                Ok(Value::Bool(
                    path.metadata().map(|m| !m.is_dir()).unwrap_or(false),
                ))
            }),
        ));
        let pre = self.pre_render;
        let ctx = self.clone();
        funcs.push((
            "readFile".into(),
            Function::new(Signature::new(vec![GoType::String]), move |_, a| {
                if pre {
                    return Ok(Value::from(""));
                }
                let (path, shown) = ctx.resolve(str_arg(&a, 0));
                std::fs::read(&path)
                    .map(|b| Value::from(String::from_utf8_lossy(&b).into_owned()))
                    .map_err(|e| FuncError::new(go_io_error("open", &shown, &e)))
            }),
        ));
        let ctx = self.clone();
        funcs.push((
            "readDir".into(),
            Function::new(Signature::new(vec![GoType::String]), move |_, a| {
                if pre {
                    return Ok(Value::List(Arc::new(gotmpl::List::new(
                        GoType::String,
                        Vec::new(),
                    ))));
                }
                let name = str_arg(&a, 0);
                let entries = ctx.read_dir(name, "ReadDir")?;
                let items = entries
                    .iter()
                    .filter(|e| !e.is_dir)
                    .map(|e| Value::from(go_clean(&format!("{name}/{}", e.name))))
                    .collect();
                Ok(Value::List(Arc::new(gotmpl::List::new(
                    GoType::String,
                    items,
                ))))
            }),
        ));
        let ctx = self.clone();
        funcs.push((
            "readDirEntries".into(),
            Function::new(Signature::new(vec![GoType::String]), move |_, a| {
                let elem = GoType::Named("fs.DirEntry".into());
                if pre {
                    return Ok(Value::List(Arc::new(gotmpl::List::new(elem, Vec::new()))));
                }
                let entries = ctx.read_dir(str_arg(&a, 0), "ReadDirEntries")?;
                let items = entries
                    .into_iter()
                    .map(|e| Value::Object(Arc::new(e)))
                    .collect();
                Ok(Value::List(Arc::new(gotmpl::List::new(elem, items))))
            }),
        ));
        funcs
    }

    fn read_dir(&self, name: &str, what: &str) -> Result<Vec<DirEntry>, FuncError> {
        let (path, shown) = self.resolve(name);
        let shown_abs = if Path::new(name).is_absolute() {
            shown.clone()
        } else {
            go_clean(&self.dir.join(name).to_string_lossy())
        };
        let wrap = |e: &std::io::Error| {
            FuncError::new(format!(
                "{what} {}: {}",
                go_quote(&shown_abs),
                go_io_error("open", &shown, e)
            ))
        };
        let mut entries: Vec<DirEntry> = std::fs::read_dir(&path)
            .map_err(|e| wrap(&e))?
            .filter_map(|e| e.ok())
            .map(|e| DirEntry {
                name: e.file_name().to_string_lossy().into_owned(),
                is_dir: e.file_type().map(|t| t.is_dir()).unwrap_or(false),
            })
            .collect();
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(entries)
    }

    fn exec_functions(&self) -> Vec<(String, Function)> {
        let mut funcs = Vec::new();
        let ctx = self.clone();
        funcs.push((
            "exec".into(),
            Function::new(
                Signature::variadic(
                    vec![GoType::String, GoType::slice_of(GoType::Interface)],
                    GoType::String,
                ),
                move |_, a| ctx.exec(&BTreeMap::new(), &a),
            ),
        ));
        let ctx = self.clone();
        funcs.push((
            "envExec".into(),
            Function::new(
                Signature::variadic(
                    vec![
                        GoType::map_of(GoType::Interface),
                        GoType::String,
                        GoType::slice_of(GoType::Interface),
                    ],
                    GoType::String,
                ),
                move |_, a| {
                    let mut envs = BTreeMap::new();
                    if let Value::Map(m) = &a[0] {
                        for (k, v) in m.entries() {
                            match v {
                                Value::String(s) => {
                                    envs.insert(k, s.to_string());
                                }
                                other => {
                                    return Err(FuncError::new(format!(
                                        "unexpected type of env \"{}\" in envs at index {k}",
                                        other.go_type()
                                    )))
                                }
                            }
                        }
                    }
                    ctx.exec(&envs, &a[1..])
                },
            ),
        ));
        funcs
    }

    fn exec(&self, envs: &BTreeMap<String, String>, a: &[Value]) -> Result<Value, FuncError> {
        if self.pre_render {
            return Ok(Value::from(""));
        }
        let command = str_arg(a, 0);
        if !self.allow_exec {
            return Err(FuncError::new(format!(
                "exec of \"{command}\" is disabled: berth runs commands from templates only when exec is explicitly allowed (--allow-exec)"
            )));
        }
        let mut args = Vec::new();
        if let Value::List(l) = &a[1] {
            for (i, item) in l.items.iter().enumerate() {
                match item {
                    Value::String(s) => args.push(s.to_string()),
                    other => {
                        return Err(FuncError::new(format!(
                            "unexpected type of arg \"{}\" in args at index {i}",
                            other.go_type()
                        )))
                    }
                }
            }
        }
        let input = a.get(2).and_then(Value::as_str).unwrap_or("").to_string();
        run_command(command, &args, envs, &input, &self.dir)
    }
}

fn run_command(
    command: &str,
    args: &[String],
    envs: &BTreeMap<String, String>,
    input: &str,
    dir: &Path,
) -> Result<Value, FuncError> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut cmd = Command::new(command);
    cmd.args(args)
        .current_dir(dir)
        .envs(envs)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| FuncError::new(format!("exec: \"{command}\": {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).map_err(|e| {
            FuncError::new(format!(
                "failed while writing {} bytes to stdin of \"{command}\": {e}",
                input.len()
            ))
        })?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| FuncError::new(format!("exec: \"{command}\": {e}")))?;
    if !out.status.success() {
        return Err(FuncError::new(format!(
            "command \"{command}\" exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim_end()
        )));
    }
    Ok(Value::from(
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

fn include_function() -> Function {
    let included: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    Function::new(
        Signature::new(vec![GoType::String, GoType::Interface]),
        move |ctx, a| {
            let name = str_arg(&a, 0).to_string();
            {
                let mut counts = included.lock().unwrap_or_else(|e| e.into_inner());
                let count = counts.entry(name.clone()).or_insert(0);
                if *count > MAX_INCLUDE_DEPTH {
                    return Err(FuncError::new(format!(
                    "rendering template has a nested reference name: {name}: unable to execute template"
                )));
                }
                *count += 1;
            }
            let result = ctx.templates().execute(&name, &a[1]);
            if let Some(count) = included
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get_mut(&name)
            {
                *count = count.saturating_sub(1);
            }
            result.map(Value::from).map_err(FuncError::from_template)
        },
    )
}

fn str_arg(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or("")
}

/// helmfile's `toYaml`: go-yaml v2 `Marshal`.
fn to_yaml(v: &Value) -> Result<Value, FuncError> {
    goyaml::encode::marshal_value(&from_template(v), goyaml::Flavor::V2)
        .map(Value::from)
        .map_err(|e| FuncError::new(e.to_string()))
}

/// helmfile's `fromYaml`: go-yaml v2 into `map[string]any`, keys cast to strings.
fn from_yaml(s: &str) -> Result<Value, FuncError> {
    let decoded = goyaml::decode::unmarshal(s.as_bytes(), false)
        .map_err(|e| FuncError::new(format!("{e}, offending yaml: {s}")))?;
    match decoded {
        goyaml::Value::Null => Ok(Value::map(BTreeMap::new())),
        v @ goyaml::Value::Map(_) => string_keys(&v)
            .map(|m| to_template(&m))
            .map_err(|e| FuncError::new(format!("{e}, offending yaml: {s}"))),
        other => Err(FuncError::new(format!(
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal {} into map[string]interface {{}}, offending yaml: {s}",
            match other {
                goyaml::Value::Seq(_) => "!!seq".to_string(),
                v => format!("!!str `{}`", crate::typed::scalar_text(&v).unwrap_or_default()),
            }
        ))),
    }
}

fn set_value_at_path(path: &str, value: Value, values: &Value) -> Result<Value, FuncError> {
    let components: Vec<&str> = path.split('.').collect();
    let (key, parents) = components.split_last().unwrap_or((&"", &[]));
    let mut current = values.clone();
    for k in parents {
        let Value::Map(m) = &current else {
            return Err(FuncError::new(format!(
                "failed to set value at path \"{path}\": value for key \"{k}\" was not a map"
            )));
        };
        let Some(elem) = m.get(k) else {
            return Err(FuncError::new(format!(
                "failed to set value at path \"{path}\": value for key \"{k}\" does not exist"
            )));
        };
        if !matches!(elem, Value::Map(_)) {
            return Err(FuncError::new(format!(
                "failed to set value at path \"{path}\": value for key \"{k}\" was not a map"
            )));
        }
        current = elem;
    }
    match &current {
        Value::Map(m) => {
            m.insert(*key, value);
            Ok(values.clone())
        }
        _ => Err(FuncError::new(format!(
            "failed to set value at path \"{path}\": value for key \"{key}\" was not a map"
        ))),
    }
}

enum GetError {
    NoValue(String),
    Other(String),
}

impl GetError {
    fn message(&self) -> String {
        match self {
            GetError::NoValue(m) | GetError::Other(m) => m.clone(),
        }
    }
}

/// helmfile's `get path [default] obj`.
fn get(path: &str, rest: &[Value]) -> Result<Value, GetError> {
    let (def, obj) = match rest {
        [obj] => (None, obj),
        [def, obj] => (Some(def), obj),
        _ => {
            return Err(GetError::Other(format!(
                "unexpected number of args passed to the template function get(path, [def, ]obj): expected 1 or 2, got {}, args was {:?}",
                rest.len(),
                rest
            )))
        }
    };
    if path.is_empty() {
        return Ok(obj.clone());
    }
    let (first, tail) = path.split_once('.').unwrap_or((path, ""));
    let found = match obj {
        Value::Map(m) => m.get(first),
        Value::Object(o) => {
            if o.fields().is_empty() && o.field(first).is_none() {
                return Err(GetError::NoValue(format!("no accessible struct fields for key \"{first}\"")));
            }
            o.field(first)
        }
        other => {
            return Err(GetError::NoValue(format!(
                "unexpected type({}) of value for key \"{first}\": it must be either map[string]any or any struct",
                other.go_type()
            )))
        }
    };
    match (found, def) {
        (Some(v), Some(d)) => get(tail, &[d.clone(), v]),
        (Some(v), None) => get(tail, &[v]),
        (None, Some(d)) => Ok(d.clone()),
        (None, None) => Err(GetError::NoValue(match obj {
            Value::Map(_) => format!(
                "no value exist for key \"{first}\" in {}",
                go_print_map(obj)
            ),
            _ => format!("no field named \"{first}\" exist in {obj:?}"),
        })),
    }
}

fn go_print_map(v: &Value) -> String {
    gotmpl::gofmt::sprint(std::slice::from_ref(v))
}

/// `os.ExpandEnv`.
fn expand_env(s: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '$' || i + 1 >= chars.len() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let next = chars[i + 1];
        if next == '{' {
            if let Some(end) = chars[i + 2..].iter().position(|c| *c == '}') {
                let name: String = chars[i + 2..i + 2 + end].iter().collect();
                if !name.is_empty() {
                    out.push_str(&env(&name).unwrap_or_default());
                }
                i += end + 3;
                continue;
            }
            i += 2;
            continue;
        }
        let mut j = i + 1;
        if is_shell_special(next) {
            j += 1;
        } else {
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
        }
        if j == i + 1 {
            out.push('$');
            i += 1;
            continue;
        }
        let name: String = chars[i + 1..j].iter().collect();
        out.push_str(&env(&name).unwrap_or_default());
        i = j;
    }
    out
}

fn is_shell_special(c: char) -> bool {
    matches!(c, '*' | '#' | '$' | '@' | '!' | '?' | '-') || c.is_ascii_digit()
}

/// A directory entry as `os.ReadDir` returns it (`fs.DirEntry`).
#[derive(Debug)]
struct DirEntry {
    name: String,
    is_dir: bool,
}

impl Object for DirEntry {
    fn type_name(&self) -> String {
        "*os.unixDirent".into()
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn method(&self, name: &str) -> Option<Signature> {
        match name {
            "Name" | "IsDir" | "Type" => Some(Signature::new(Vec::new())),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, _args: Vec<Value>) -> Result<Value, FuncError> {
        match name {
            "Name" => Ok(Value::from(self.name.as_str())),
            "IsDir" => Ok(Value::Bool(self.is_dir)),
            "Type" => Ok(Value::from(if self.is_dir {
                "d---------"
            } else {
                "----------"
            })),
            _ => Err(FuncError::new(format!("no method {name}"))),
        }
    }
}

/// A Go struct value exposed to templates (`.Environment`, `.Release`...).
#[derive(Clone)]
pub(crate) struct Struct {
    pub type_name: &'static str,
    pub fields: Vec<(String, Value)>,
}

impl fmt::Debug for Struct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.type_name)
    }
}

impl Object for Struct {
    fn type_name(&self) -> String {
        self.type_name.to_string()
    }

    fn field(&self, name: &str) -> Option<Value> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    fn is_pointer(&self) -> bool {
        false
    }

    fn fields(&self) -> Vec<(String, Value)> {
        self.fields.clone()
    }
}

/// Go's `filepath.Clean`.
pub(crate) fn go_clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// An `*fs.PathError` message: `open PATH: no such file or directory`.
pub(crate) fn go_io_error(op: &str, shown: &str, e: &std::io::Error) -> String {
    let reason = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::IsADirectory => return format!("read {shown}: is a directory"),
        std::io::ErrorKind::NotADirectory => "not a directory".to_string(),
        _ => e.to_string(),
    };
    format!("{op} {shown}: {reason}")
}

fn go_quote(s: &str) -> String {
    gotmpl::gofmt::quote(s)
}
