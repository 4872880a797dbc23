//! helmfile's desired-state loader: a state file split into `---` parts, each
//! rendered in two passes (a tolerant first pass that finds the environment,
//! then the real render with its values), parsed strictly, merged with its
//! `bases`, and given its environment's values and secrets.

use std::path::{Path, PathBuf};

use goyaml::Value as Yaml;

use crate::env::{environment_data, Env, Pairs};
use crate::error::StateError;
use crate::schema::{Fv, Rec, RELEASE_SET_SPEC};
use crate::secrets::decrypt_file;
use crate::tmpl::{go_clean, Context};
use crate::typed::{decode, merge_append, merge_override};
use crate::{glob, EnvLookup};

pub(crate) const DEFAULT_ENV: &str = "default";

/// One state file after loading: its spec, environment and `.Values`.
#[derive(Clone, Debug)]
pub(crate) struct Loaded {
    pub spec: Rec,
    pub env: Env,
    pub rendered_values: Pairs,
}

/// Why loading stopped: helmfile treats an undefined environment specially.
pub(crate) enum LoadFailure {
    UndefinedEnv,
    Error(StateError),
}

impl From<StateError> for LoadFailure {
    fn from(e: StateError) -> LoadFailure {
        LoadFailure::Error(e)
    }
}

type LoadResult<T> = Result<T, LoadFailure>;

/// Settings shared by every file of one load.
pub(crate) struct Loader {
    pub env_name: String,
    pub env_lookup: EnvLookup,
    pub allow_exec: bool,
    pub warnings: Vec<String>,
    /// Files read as environment values or secrets (for lint).
    pub used_files: Vec<PathBuf>,
    /// Shown name of the file being loaded, for messages.
    pub shown: String,
    /// `--namespace`, visible to state templates as `.Namespace`.
    pub namespace: String,
}

impl Loader {
    pub fn context(&self, dir: &Path, pre_render: bool) -> Context {
        Context {
            dir: dir.to_path_buf(),
            shown_dir: ".".into(),
            env: self.env_lookup.clone(),
            allow_exec: self.allow_exec,
            pre_render,
        }
    }

    fn values_context(&self, file: &Path, base: &Path) -> Context {
        let dir = file.parent().unwrap_or(Path::new("/"));
        let mut ctx = self.context(dir, false);
        ctx.shown_dir = shown_path(base, dir);
        ctx
    }

    /// `desiredStateLoader.load` of `dir/file`.
    pub fn load_file(
        &mut self,
        dir: &Path,
        file: &str,
        inherited: Option<&Env>,
        overrode: Option<&Env>,
        evaluate_bases: bool,
    ) -> LoadResult<Loaded> {
        let path = dir.join(file);
        let content = std::fs::read(&path).map_err(|e| StateError::Io {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let text = String::from_utf8_lossy(&content).replace("\r\n", "\n");
        if let Some(w) = crate::policy::check(file, &text) {
            self.warnings.push(format!("WARNING: {w}"));
        }
        let has_env = inherited.is_some() || overrode.is_some();
        let mut env: Option<Env> = inherited.cloned();
        let mut result: Option<Loaded> = None;
        for (i, part) in text.split("\n---\n").enumerate() {
            let id = format!("{file}.part.{i}");
            let start_env = env.clone().unwrap_or_else(|| Env::new(&self.env_name));
            let rendered = self
                .two_pass_render(dir, &id, part, &start_env, overrode)
                .map_err(|message| StateError::Template {
                    file: self.shown.clone(),
                    part: id.clone(),
                    message,
                })?;
            let merged_ctx = match (&env, overrode) {
                (Some(e), o) => Some(e.merge(o)),
                (None, Some(o)) => Some(o.clone()),
                (None, None) => None,
            };
            let current = self.parse_and_load(
                &rendered,
                dir,
                file,
                false,
                evaluate_bases,
                merged_ctx.as_ref(),
                None,
                true,
            )?;
            let merged = match result.take() {
                None => current,
                Some(mut prev) => {
                    merge_override(&mut prev.spec, &current.spec, &RELEASE_SET_SPEC);
                    prev.env = current.env.clone();
                    prev.rendered_values = current.rendered_values;
                    prev
                }
            };
            env = Some(merged.env.clone());
            let environments = merged.spec.obj_map("environments");
            let name = &merged.env.name;
            if !environments.is_empty()
                && evaluate_bases
                && name != DEFAULT_ENV
                && !environments.contains_key(name)
            {
                return Err(LoadFailure::UndefinedEnv);
            }
            result = Some(merged);
        }
        let Some(loaded) = result else {
            return Err(StateError::Invalid {
                file: self.shown.clone(),
                message: "empty state file".into(),
            }
            .into());
        };
        if loaded.spec.obj_map("environments").is_empty()
            && evaluate_bases
            && !has_env
            && loaded.env.name != DEFAULT_ENV
        {
            return Err(LoadFailure::UndefinedEnv);
        }
        Ok(loaded)
    }

    /// `twoPassRenderTemplateToYaml`.
    fn two_pass_render(
        &mut self,
        dir: &Path,
        id: &str,
        part: &str,
        inherited: &Env,
        overrode: Option<&Env>,
    ) -> Result<String, String> {
        let rendered_env = self.first_pass(dir, id, part, inherited, overrode);
        let final_env = inherited.merge(Some(&rendered_env)).merge(overrode);
        let vals = final_env.merged_values();
        let data = environment_data(&final_env, &self.namespace, &vals);
        self.context(dir, false)
            .render(part, &data)
            .map_err(|e| e.message)
    }

    /// `renderPrestate`: the environment a tolerant render of the part yields.
    fn first_pass(
        &mut self,
        dir: &Path,
        id: &str,
        part: &str,
        first: &Env,
        overrode: Option<&Env>,
    ) -> Env {
        let init = first.merge(overrode);
        let data = environment_data(&init, &self.namespace, &Pairs::new());
        let output = match self.context(dir, true).render(part, &data) {
            Ok(out) => out,
            Err(e) => match e.partial {
                Some(out) => out,
                None => return first.clone(),
            },
        };
        let sanitized = output.replace("<no value>", "");
        let warnings = self.warnings.len();
        let used = self.used_files.len();
        let result = self.parse_and_load(
            &sanitized,
            dir,
            id,
            true,
            false,
            Some(first),
            overrode,
            false,
        );
        self.warnings.truncate(warnings);
        self.used_files.truncate(used);
        match result {
            Ok(prestate) => prestate.env,
            Err(_) => first.clone(),
        }
    }

    /// `StateCreator.ParseAndLoad`.
    #[allow(clippy::too_many_arguments)]
    pub fn parse_and_load(
        &mut self,
        content: &str,
        dir: &Path,
        file: &str,
        fail_on_missing_env: bool,
        evaluate_bases: bool,
        env: Option<&Env>,
        overrode: Option<&Env>,
        strict: bool,
    ) -> LoadResult<Loaded> {
        let mut spec = self.parse(content, file, strict)?;
        let bases = spec.strs("bases");
        if !evaluate_bases {
            if !bases.is_empty() {
                return Err(StateError::Invalid {
                    file: self.shown.clone(),
                    message: "nested `base` helmfile is unsupported. please submit a feature request if you need this!".into(),
                }
                .into());
            }
        } else if !bases.is_empty() {
            let mut layers = Vec::new();
            for base in &bases {
                let loaded = self.load_file(dir, base, env, overrode, false)?;
                layers.push(loaded.spec);
            }
            let mut merged = layers.remove(0);
            for layer in layers {
                merge_append(&mut merged, &layer, &RELEASE_SET_SPEC);
            }
            merge_append(&mut merged, &spec, &RELEASE_SET_SPEC);
            spec = merged;
        }
        let env = self.load_env_values(file, &spec, dir, fail_on_missing_env, env, overrode)?;
        let rendered_values = env.merged_values();
        Ok(Loaded {
            spec,
            env,
            rendered_values,
        })
    }

    /// `StateCreator.Parse`: every YAML document of the rendered part decoded
    /// into `HelmState` and merged.
    fn parse(&mut self, content: &str, file: &str, strict: bool) -> Result<Rec, StateError> {
        let yaml_error = |message: String| StateError::Yaml {
            file: self.shown.clone(),
            name: file.to_string(),
            message,
        };
        let mut composer = goyaml::tree::Composer::new(content.as_bytes());
        let mut spec = Rec::default();
        let mut index = 0;
        loop {
            index += 1;
            let doc = match composer.next_document() {
                Ok(Some(doc)) => doc,
                Ok(None) => break,
                Err(e) => {
                    return Err(yaml_error(format!(
                        "reading document at index {index}: {e}"
                    )))
                }
            };
            let value = goyaml::decode::decode_document(&doc, strict)
                .map_err(|e| yaml_error(format!("reading document at index {index}: {e}")))?;
            let text = crate::typed::text_tree(&doc, doc.root, 0);
            let rec = decode(&value, &RELEASE_SET_SPEC, strict, Some(&text)).map_err(|e| {
                let line = e
                    .strip_prefix("field ")
                    .and_then(|rest| rest.split_once(' '))
                    .and_then(|(field, _)| key_line(content, field))
                    .map(|l| format!("line {l}: "))
                    .unwrap_or_default();
                yaml_error(format!(
                    "reading document at index {index}: yaml: unmarshal errors:\n  {line}{e}"
                ))
            })?;
            merge_append(&mut spec, &rec, &RELEASE_SET_SPEC);
        }
        let deprecated = spec.objs("charts");
        if !deprecated.is_empty() {
            if !spec.objs("releases").is_empty() {
                return Err(StateError::Invalid {
                    file: self.shown.clone(),
                    message: format!("failed to parse {file}: you can't specify both `charts` and `releases` sections"),
                });
            }
            spec.set("releases", Fv::Objs(deprecated));
            spec.vals.remove("charts");
        }
        let context = spec.str("context").to_string();
        if !context.is_empty() {
            let mut defaults = spec.obj("helmDefaults");
            if defaults.str("kubeContext").is_empty() {
                defaults.set("kubeContext", Fv::Str(context));
                spec.set("helmDefaults", Fv::Obj(defaults));
            }
        }
        if spec.str("helmBinary").is_empty() {
            spec.set("helmBinary", Fv::Str("helm".into()));
        }
        if spec.str("kustomizeBinary").is_empty() {
            spec.set("kustomizeBinary", Fv::Str("kustomize".into()));
        }
        Ok(spec)
    }

    /// `StateCreator.LoadEnvValues`.
    fn load_env_values(
        &mut self,
        file: &str,
        spec: &Rec,
        dir: &Path,
        fail_on_missing_env: bool,
        ctx_env: Option<&Env>,
        overrode: Option<&Env>,
    ) -> LoadResult<Env> {
        let name = self.env_name.clone();
        let environments = spec.obj_map("environments");
        let mut values = Pairs::new();
        let mut kube_context = String::new();
        if let Some(env_spec) = environments.get(&name) {
            kube_context = env_spec.str("kubeContext").to_string();
            let handler = env_spec
                .vals
                .get("missingFileHandler")
                .and_then(|v| match v {
                    Fv::Str(s) => Some(s.clone()),
                    _ => None,
                });
            let mut secret_vals = Pairs::new();
            for entry in env_spec.strs("secrets") {
                for path in self
                    .resolve_file(dir, handler.as_deref(), "environment values", &entry)
                    .map_err(|e| state_load_error(file, e))?
                {
                    let decrypted = decrypt_file(&path, &self.env_lookup).map_err(|message| {
                        StateError::Secrets {
                            file: self.shown.clone(),
                            secrets: entry.clone(),
                            message,
                        }
                    })?;
                    self.used_files.push(path.clone());
                    let parsed = parse_values_map(&decrypted).map_err(|e| StateError::Values {
                        file: self.shown.clone(),
                        message: format!(
                            "failed to load environment secrets file \"{entry}\": {e}"
                        ),
                    })?;
                    crate::convert::merge_values(&mut secret_vals, &parsed);
                }
            }
            values = self
                .load_values_entries(dir, handler.as_deref(), &env_spec.anys("values"), ctx_env)
                .map_err(|e| state_load_error(file, e))?;
            crate::convert::merge_values(&mut values, &secret_vals);
        } else if ctx_env.is_none()
            && overrode.is_none()
            && name != DEFAULT_ENV
            && fail_on_missing_env
        {
            return Err(LoadFailure::UndefinedEnv);
        }
        let own = Env {
            name: name.clone(),
            kube_context,
            values,
            defaults: Pairs::new(),
        };
        let mut env = match ctx_env {
            Some(c) => c.merge(Some(&own)),
            None => own,
        };
        if let Some(o) = overrode {
            env = env.merge(Some(o));
        }
        let defaults = self.load_values_entries(dir, None, &spec.anys("values"), ctx_env)?;
        crate::convert::merge_values(&mut env.defaults, &defaults);
        Ok(env)
    }

    /// `EnvironmentValuesLoader.LoadEnvironmentValues`.
    pub fn load_values_entries(
        &mut self,
        dir: &Path,
        handler: Option<&str>,
        entries: &[Yaml],
        ctx_env: Option<&Env>,
    ) -> Result<Pairs, StateError> {
        let mut result = Pairs::new();
        for entry in entries {
            match entry {
                Yaml::String(s) => {
                    for path in self.resolve_file(dir, handler, "environment values", s)? {
                        self.used_files.push(path.clone());
                        let env = ctx_env.cloned().unwrap_or_else(|| Env::new(&self.env_name));
                        let data = environment_data(&env, "", &Pairs::new());
                        let shown = shown_path(dir, &path);
                        let bytes = self.render_to_bytes(&path, dir, &data).map_err(|e| {
                            StateError::Values {
                                file: self.shown.clone(),
                                message: format!(
                                    "failed to load environment values file \"{shown}\": {e}"
                                ),
                            }
                        })?;
                        let parsed = parse_values_map(&bytes).map_err(|e| StateError::Values {
                            file: self.shown.clone(),
                            message: format!(
                                "failed to load environment values file \"{shown}\": {e}\n\nOffending YAML:\n{bytes}"
                            ),
                        })?;
                        crate::convert::merge_values(&mut result, &parsed);
                    }
                }
                Yaml::Map(_) => {
                    let casted = crate::convert::string_keys(entry).map_err(|message| {
                        StateError::Values {
                            file: self.shown.clone(),
                            message,
                        }
                    })?;
                    if let Yaml::Map(p) = casted {
                        crate::convert::merge_values(&mut result, &p);
                    }
                }
                other => {
                    return Err(StateError::Values {
                        file: self.shown.clone(),
                        message: format!("unexpected type of value: value={other:?}"),
                    })
                }
            }
        }
        Ok(result)
    }

    /// `FileRenderer.RenderToBytes`: `.gotmpl` files are rendered.
    pub fn render_to_bytes(
        &self,
        path: &Path,
        base: &Path,
        data: &gotmpl::Value,
    ) -> Result<String, String> {
        let shown = shown_path(base, path);
        let text = std::fs::read(path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .map_err(|e| format!("failed to load [{shown}]: {e}"))?;
        if path.extension().and_then(|e| e.to_str()) == Some("gotmpl") {
            self.values_context(path, base)
                .render(&text, data)
                .map_err(|e| format!("failed to render [{shown}], because of {}", e.message))
        } else {
            Ok(text)
        }
    }

    /// `Storage.resolveFile`: the files a (glob) path names, or the missing
    /// file handler's verdict.
    pub fn resolve_file(
        &mut self,
        dir: &Path,
        handler: Option<&str>,
        what: &str,
        path: &str,
    ) -> Result<Vec<PathBuf>, StateError> {
        let pattern = if Path::new(path).is_absolute() {
            PathBuf::from(path)
        } else {
            dir.join(path)
        };
        let files = glob::glob(&pattern);
        if !files.is_empty() {
            return Ok(files);
        }
        match handler.unwrap_or("Error") {
            "Error" => Err(StateError::Values {
                file: self.shown.clone(),
                message: format!("{what} file matching \"{path}\" does not exist in \".\""),
            }),
            "Warn" => {
                self.warnings.push(format!("skipping missing {what} file matching \"{path}\""));
                Ok(Vec::new())
            }
            "Info" | "Debug" => Ok(Vec::new()),
            other => Err(StateError::Values {
                file: self.shown.clone(),
                message: format!(
                    "invalid missing file handler \"{other}\" while processing \"{path}\": it must be one of [Error Warn Info Debug]"
                ),
            }),
        }
    }
}

/// A path as helmfile shows it: relative to the state file's directory
/// (helmfile runs there) when inside it.
pub(crate) fn shown_path(base: &Path, path: &Path) -> String {
    let clean = go_clean(&path.to_string_lossy());
    let base = go_clean(&base.to_string_lossy());
    match Path::new(&clean).strip_prefix(&base) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".into(),
        Ok(rel) => rel.to_string_lossy().into_owned(),
        Err(_) => clean,
    }
}

/// helmfile's `StateLoadError` wrapping of environment loading errors.
fn state_load_error(file: &str, e: StateError) -> StateError {
    match e {
        StateError::Values {
            file: shown,
            message,
        } => StateError::Values {
            file: shown,
            message: format!("failed to read {file}: {message}"),
        },
        other => other,
    }
}

/// The 1-based line where `key:` first appears as a mapping key.
fn key_line(content: &str, key: &str) -> Option<usize> {
    let wanted = format!("{key}:");
    content
        .lines()
        .position(|line| {
            let t = line.trim_start();
            let t = t.strip_prefix("- ").map(str::trim_start).unwrap_or(t);
            t.starts_with(&wanted)
        })
        .map(|i| i + 1)
}

/// go-yaml v2 `Unmarshal` into `map[string]any`.
pub(crate) fn parse_values_map(text: &str) -> Result<Pairs, String> {
    match goyaml::decode::unmarshal(text.as_bytes(), false).map_err(|e| e.to_string())? {
        Yaml::Null => Ok(Pairs::new()),
        m @ Yaml::Map(_) => match crate::convert::string_keys(&m)? {
            Yaml::Map(p) => Ok(p),
            _ => Ok(Pairs::new()),
        },
        other => {
            Err(format!(
            "yaml: unmarshal errors:\n  line 1: cannot unmarshal {} into map[string]interface {{}}",
            match other {
                Yaml::Seq(_) => "!!seq".to_string(),
                v => format!("!!str `{}`", crate::typed::scalar_text(&v).unwrap_or_default()),
            }
        ))
        }
    }
}
