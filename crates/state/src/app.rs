//! Walking state files as helmfile's `visitStates` does: the default file
//! lookup, sub-helmfiles (visited before their parent, with their own
//! selectors and values), release templates, overrides and selection.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use goyaml::Value as Yaml;

use crate::env::{Env, Pairs};
use crate::error::StateError;
use crate::loader::{LoadFailure, Loader};
use crate::release::{apply_overrides, execute_templates, select, LabelFilter};
use crate::schema::Fv;
use crate::StateFile;

pub(crate) struct Visit {
    pub loader: Loader,
    pub files: Vec<StateFile>,
    /// The first file skipped because it does not define the environment.
    pub undefined_env: Option<String>,
    /// State files being visited (a sub-helmfile naming an ancestor is a cycle).
    pub stack: Vec<PathBuf>,
    /// `--namespace` / `--kube-context`.
    pub namespace: Option<String>,
    pub kube_context: Option<String>,
}

/// Options of one `visitStates` call.
pub(crate) struct VisitOpts {
    pub selectors: Vec<String>,
    pub include_transitive_needs: bool,
    /// Values given to the file from outside (`--state-values-set`, a parent's
    /// `helmfiles[].values`), resolved relative to `callee_dir`.
    pub override_values: Vec<Yaml>,
    pub callee_dir: PathBuf,
    /// Message prefix naming the chain of files visited.
    pub prefix: String,
}

impl Visit {
    /// Returns whether any release was processed in this file or below.
    pub fn visit(
        &mut self,
        cwd: &Path,
        file_or_dir: Option<&str>,
        opts: &VisitOpts,
    ) -> Result<bool, StateError> {
        let mut any = false;
        for rel in find_state_files(cwd, file_or_dir)? {
            let abs = PathBuf::from(crate::tmpl::go_clean(&cwd.join(&rel).to_string_lossy()));
            let (dir, file) = if abs.is_dir() {
                (abs.clone(), String::new())
            } else {
                let dir = abs
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| cwd.to_path_buf());
                let file = abs
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (dir, file)
            };
            let rel_dir = Path::new(&rel)
                .parent()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            let rel_dir = if rel_dir.is_empty() {
                ".".to_string()
            } else {
                rel_dir
            };
            let shown = format!("{}{rel_dir}/{file}", opts.prefix);
            self.loader.shown = shown.clone();
            let overrode = self.overrode_env(opts)?;
            let loaded = match self
                .loader
                .load_file(&dir, &file, None, overrode.as_ref(), true)
            {
                Ok(l) => l,
                Err(LoadFailure::UndefinedEnv) => {
                    self.undefined_env.get_or_insert(shown);
                    continue;
                }
                Err(LoadFailure::Error(e)) => return Err(e),
            };
            let mut spec = loaded.spec;
            self.apply_flags(&mut spec, &shown)?;
            let this = dir.join(&file);
            for (i, hf) in spec.objs("helmfiles").iter().enumerate() {
                let path = hf.str("path");
                if dir.join(path) == this || path == file {
                    return Err(StateError::Invalid {
                        file: shown.clone(),
                        message: format!("{file} contains a recursion into the same sub-helmfile at helmfiles[{i}]"),
                    });
                }
                if path == "." {
                    return Err(StateError::Invalid {
                        file: shown.clone(),
                        message: format!(
                            "{file} contains a recursion into the the directory containing this helmfile at helmfiles[{i}]"
                        ),
                    });
                }
            }
            if self.stack.contains(&this) {
                return Err(StateError::Invalid {
                    file: shown.clone(),
                    message: "sub-helmfiles form a cycle back to this file".into(),
                });
            }
            self.stack.push(this);
            let helmfiles = self.expand_helmfiles(&dir, &spec)?;
            spec.set("helmfiles", Fv::Objs(helmfiles.clone()));
            for (i, hf) in helmfiles.iter().enumerate() {
                let env_values = hf.obj("environment").anys("values");
                let selectors = if (!hf.vals.contains_key("selectors"))
                    || hf.opt_bool("selectorsInherited") == Some(true)
                {
                    opts.selectors.clone()
                } else {
                    hf.strs("selectors")
                };
                let nested = VisitOpts {
                    selectors,
                    include_transitive_needs: opts.include_transitive_needs,
                    override_values: env_values,
                    callee_dir: dir.clone(),
                    prefix: format!("{shown}: in .helmfiles[{i}]: in "),
                };
                if self.visit(&dir, Some(hf.str("path")), &nested)? {
                    any = true;
                }
            }
            self.stack.pop();
            self.loader.shown = shown.clone();
            let ctx = self.loader.context(&dir, false);
            execute_templates(&file, &mut spec, &loaded.env, &loaded.rendered_values, &ctx)
                .map_err(|message| StateError::ReleaseTemplate {
                    file: shown.clone(),
                    name: file.clone(),
                    message,
                })?;
            let installed: BTreeMap<String, bool> = spec
                .objs("releases")
                .iter()
                .map(|r| {
                    (
                        r.str("name").to_string(),
                        r.opt_bool("installed").unwrap_or(true),
                    )
                })
                .collect();
            let mut releases = spec.objs("releases");
            for r in releases.iter_mut() {
                apply_overrides(r, &spec, &installed, &mut self.loader.warnings);
            }
            let filters = opts
                .selectors
                .iter()
                .map(|s| LabelFilter::parse(s).map_err(StateError::Selector))
                .collect::<Result<Vec<_>, _>>()?;
            let mut selected = if filters.is_empty() {
                releases
            } else {
                select(
                    &releases,
                    &filters,
                    &spec.str_map("commonLabels"),
                    &loaded.rendered_values,
                    opts.include_transitive_needs,
                )
                .map_err(|message| StateError::Invalid {
                    file: shown.clone(),
                    message,
                })?
            };
            for r in &selected {
                crate::release::condition_enabled(r, &loaded.rendered_values).map_err(|e| {
                    StateError::Invalid {
                        file: shown.clone(),
                        message: format!(
                            "[failed to parse condition in release {}: {e}]",
                            r.str("name")
                        ),
                    }
                })?;
            }
            check_duplicates(&selected).map_err(|message| StateError::Invalid {
                file: shown.clone(),
                message,
            })?;
            if !selected.is_empty() {
                any = true;
            }
            for r in selected.iter_mut() {
                crate::release::set_chart_path(r, &dir);
            }
            spec.set("releases", Fv::Objs(selected));
            self.files.push(StateFile::new(
                dir.join(&file),
                file.clone(),
                shown,
                spec,
                loaded.env,
                loaded.rendered_values,
                self.loader.env_lookup.clone(),
                self.loader.allow_exec,
            ));
        }
        Ok(any)
    }

    /// `--namespace` and `--kube-context`, which a state may not also set.
    fn apply_flags(&self, spec: &mut crate::schema::Rec, shown: &str) -> Result<(), StateError> {
        if let Some(ns) = &self.namespace {
            if !spec.str("namespace").is_empty() {
                return Err(StateError::Invalid {
                    file: shown.to_string(),
                    message: "err: Cannot use option --namespace and set attribute namespace."
                        .into(),
                });
            }
            spec.set("namespace", Fv::Str(ns.clone()));
        }
        if let Some(ctx) = &self.kube_context {
            if !spec.str("kubeContext").is_empty() {
                return Err(StateError::Invalid {
                    file: shown.to_string(),
                    message: "err: Cannot use option --kube-context and set attribute kubeContext."
                        .into(),
                });
            }
            spec.set("kubeContext", Fv::Str(ctx.clone()));
            let mut defaults = spec.obj("helmDefaults");
            defaults.set("kubeContext", Fv::Str(ctx.clone()));
            spec.set("helmDefaults", Fv::Obj(defaults));
        }
        Ok(())
    }

    /// The environment of values given from outside the file.
    fn overrode_env(&mut self, opts: &VisitOpts) -> Result<Option<Env>, StateError> {
        if opts.override_values.is_empty() {
            return Ok(None);
        }
        let ctx = Env::new(&self.loader.env_name);
        let values: Pairs = self.loader.load_values_entries(
            &opts.callee_dir,
            Some("Error"),
            &opts.override_values,
            Some(&ctx),
        )?;
        Ok(Some(Env {
            name: self.loader.env_name.clone(),
            values,
            ..Env::default()
        }))
    }

    /// `ExpandedHelmfiles`: sub-helmfile globs expanded.
    fn expand_helmfiles(
        &mut self,
        dir: &Path,
        spec: &crate::schema::Rec,
    ) -> Result<Vec<crate::schema::Rec>, StateError> {
        let mut out = Vec::new();
        for hf in spec.objs("helmfiles") {
            let path = hf.str("path").to_string();
            let matches = crate::glob::glob(&dir.join(&path));
            if matches.is_empty() {
                if spec.str("missingFileHandler") == "Error" {
                    return Err(StateError::Invalid {
                        file: self.loader.shown.clone(),
                        message: format!("no matches for path: {path}"),
                    });
                }
                self.loader
                    .warnings
                    .push(format!("no matches for path: {path}"));
                continue;
            }
            for m in matches {
                let mut item = hf.clone();
                let rel = m.strip_prefix(dir).map(Path::to_path_buf).unwrap_or(m);
                item.set("path", Fv::Str(rel.to_string_lossy().into_owned()));
                out.push(item);
            }
        }
        Ok(out)
    }
}

fn check_duplicates(releases: &[crate::schema::Rec]) -> Result<(), String> {
    let key = |r: &crate::schema::Rec| {
        (
            r.str("namespace").to_string(),
            r.str("name").to_string(),
            r.str("kubeContext").to_string(),
        )
    };
    for r in releases {
        let k = key(r);
        let count = releases.iter().filter(|o| key(o) == k).count();
        if count > 1 {
            let (namespace, name, kube_context) = k;
            let mut msg = format!("duplicate release \"{name}\" found");
            if !namespace.is_empty() {
                msg.push_str(&format!(" in namespace \"{namespace}\""));
            }
            if !kube_context.is_empty() {
                msg.push_str(&format!(" in kubecontext \"{kube_context}\""));
            }
            msg.push_str(&format!(
                ": there were {count} releases named \"{name}\" matching specified selector"
            ));
            return Err(msg);
        }
    }
    Ok(())
}

/// `findDesiredStateFiles`: the named file, or `helmfile.yaml`,
/// `helmfile.yaml.gotmpl`, or the files of `helmfile.d/` in order.
fn find_state_files(cwd: &Path, specified: Option<&str>) -> Result<Vec<String>, StateError> {
    let dir = match specified {
        Some(p) if !p.is_empty() => {
            let abs = cwd.join(p);
            if abs.is_file() {
                return Ok(vec![p.to_string()]);
            }
            if !abs.is_dir() {
                return Err(StateError::NoStateFile(format!(
                    "specified state file {p} is not found"
                )));
            }
            p.to_string()
        }
        _ => {
            let plain = cwd.join("helmfile.yaml").is_file();
            let gotmpl = cwd.join("helmfile.yaml.gotmpl").is_file();
            if plain && gotmpl {
                return Err(StateError::NoStateFile(
                    "both helmfile.yaml and helmfile.yaml.gotmpl exist. Please remove one of them"
                        .into(),
                ));
            }
            let default = if plain {
                Some("helmfile.yaml")
            } else if gotmpl {
                Some("helmfile.yaml.gotmpl")
            } else if cwd.join("helmfile.yml").is_file() {
                Some("helmfile.yml")
            } else {
                None
            };
            if cwd.join("helmfile.d").is_dir() {
                if let Some(d) = default {
                    return Err(StateError::NoStateFile(format!(
                        "configuration conlict error: you can have either {d} or helmfile.d, but not both"
                    )));
                }
                "helmfile.d".to_string()
            } else if let Some(d) = default {
                return Ok(vec![d.to_string()]);
            } else {
                return Err(StateError::NoStateFile(
                    "no state file found. It must be named helmfile.d/*.{yaml,yml,yaml.gotmpl,yml.gotmpl}, helmfile.yaml, or helmfile.yaml.gotmpl, otherwise specified with the --file flag or HELMFILE_FILE_PATH environment variable".into(),
                ));
            }
        }
    };
    let mut files: Vec<String> = Vec::new();
    for pattern in ["*.y*ml", "*.y*ml.gotmpl"] {
        for m in crate::glob::glob(&cwd.join(&dir).join(pattern)) {
            if let Ok(rel) = m.strip_prefix(cwd) {
                files.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    files.sort();
    Ok(files)
}
