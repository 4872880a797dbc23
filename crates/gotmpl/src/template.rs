//! A set of named templates sharing one function map and options: parsing text
//! into the set with Go's redefinition rules, looking templates up, cloning the set
//! cheaply (Helm's `tpl` does it per call) and executing a template by name.

use rustc_hash::FxHashMap;
use std::sync::Arc;

use crate::ast::Tree;
use crate::builtins::is_builtin;
use crate::error::{ExecError, ParseError, TemplateError};
use crate::exec::execute;
use crate::func::Function;
use crate::parser::{parse, parse_file, TreeSet};
use crate::value::Value;

/// What a field lookup on a map yields when the key is absent (Go's `missingkey`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MissingKey {
    /// The invalid value: prints `<no value>`, and a field of it is also missing.
    #[default]
    Default,
    /// The zero value of the map's element type (what Helm uses).
    Zero,
    /// Execution stops with an error.
    Error,
}

/// The templates one file defines, parsed and not yet added to a set.
#[derive(Debug)]
pub struct ParsedFile {
    trees: TreeSet,
    /// A `define` in the file took the file's own name.
    defines_own_name: bool,
}

impl ParsedFile {
    /// The name the file was parsed under.
    pub fn name(&self) -> &str {
        self.trees
            .first()
            .map_or("", |(_, tree)| tree.parse_name.as_str())
    }

    /// The templates as parsing the same text under `name` gives them. `None`
    /// when the new name would change what parsing does: a `define` in the file
    /// takes the old name or the new one, and so merges with the file's own
    /// template under one of them only.
    pub fn renamed(self, name: &str) -> Option<ParsedFile> {
        let old = self.name().to_string();
        if old == name {
            return Some(self);
        }
        let ParsedFile {
            mut trees,
            defines_own_name,
        } = self;
        if defines_own_name || trees.iter().any(|(tree_name, _)| tree_name == name) {
            return None;
        }
        for (tree_name, tree) in &mut trees {
            let tree = Arc::get_mut(tree)?;
            if *tree_name == old {
                *tree_name = name.to_string();
                tree.name = name.to_string();
            }
            tree.parse_name = name.to_string();
        }
        Some(ParsedFile {
            trees,
            defines_own_name,
        })
    }
}

/// Named templates with their functions and options. Cloning is cheap: trees and
/// functions are shared, and what [`Templates::parse_and_execute`] adds to a clone
/// lies over the shared trees instead of copying them.
#[derive(Clone, Debug, Default)]
pub struct Templates {
    name: String,
    trees: Arc<FxHashMap<String, Arc<Tree>>>,
    /// Templates added by `parse_and_execute`, looked up before `trees`.
    added: FxHashMap<String, Arc<Tree>>,
    funcs: Arc<FxHashMap<String, Function>>,
    missing_key: MissingKey,
    step_limit: Option<u64>,
}

impl Templates {
    /// An empty set; `name` is the set's own name, quoted by "no template associated
    /// with template" errors.
    pub fn new(name: &str) -> Templates {
        Templates {
            name: name.to_string(),
            ..Templates::default()
        }
    }

    /// The set's own name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Adds functions, replacing any of the same name. Must be called before parsing
    /// templates that use them.
    pub fn add_functions(&mut self, funcs: impl IntoIterator<Item = (String, Function)>) {
        let map = Arc::make_mut(&mut self.funcs);
        map.extend(funcs);
    }

    pub fn set_missing_key(&mut self, missing_key: MissingKey) {
        self.missing_key = missing_key;
    }

    pub fn missing_key(&self) -> MissingKey {
        self.missing_key
    }

    /// Bounds the work of one execution: after this many nodes walked and loop
    /// iterations run, execution stops with an error. Go has no such bound; berth
    /// uses it to keep a runaway template from hanging a render. `None` (the
    /// default) is unbounded, as in Go.
    pub fn set_step_limit(&mut self, limit: Option<u64>) {
        self.step_limit = limit;
    }

    pub fn step_limit(&self) -> Option<u64> {
        self.step_limit
    }

    pub fn function(&self, name: &str) -> Option<&Function> {
        self.funcs.get(name)
    }

    /// Whether `name` is a function of this set or a builtin.
    pub fn has_function(&self, name: &str) -> bool {
        self.funcs.contains_key(name) || is_builtin(name)
    }

    /// Parses `text` as the template `name` (also its file name for error positions),
    /// adding it and every template it defines. As in Go, a definition replaces an
    /// earlier one of the same name unless it is empty.
    pub fn parse(&mut self, name: &str, text: &str) -> Result<(), ParseError> {
        let trees = parse(name, name, text.into(), &|f| self.has_function(f))?;
        self.insert_trees(trees);
        Ok(())
    }

    /// Parses many files into the set, as calling [`Templates::parse`] on each in
    /// order would, but parses them in parallel. On failure, returns the index of
    /// the first file (in order) that does not parse, with its error. Texts given
    /// as `Arc<str>` are kept by the trees as they are; others are copied.
    pub fn parse_all<T>(&mut self, files: &[(&str, T)]) -> Result<(), (usize, ParseError)>
    where
        T: Clone + Into<Arc<str>> + Sync,
    {
        for (index, parsed) in self.parse_files(files).into_iter().enumerate() {
            self.add_parsed(parsed.map_err(|e| (index, e))?);
        }
        Ok(())
    }

    /// Parses files in parallel with this set's functions without adding them:
    /// a caller may parse ahead and later add, in its own order, the files it
    /// keeps with [`Templates::add_parsed`].
    pub fn parse_files<T>(&self, files: &[(&str, T)]) -> Vec<Result<ParsedFile, ParseError>>
    where
        T: Clone + Into<Arc<str>> + Sync,
    {
        use rayon::prelude::*;
        files
            .par_iter()
            .map(|(name, text)| {
                parse_file(name, name, text.clone().into(), &|f| self.has_function(f)).map(
                    |(trees, defines_own_name)| ParsedFile {
                        trees,
                        defines_own_name,
                    },
                )
            })
            .collect()
    }

    /// Adds a file parsed by [`Templates::parse_files`], as [`Templates::parse`]
    /// would have.
    pub fn add_parsed(&mut self, parsed: ParsedFile) {
        self.insert_trees(parsed.trees);
    }

    fn insert_trees(&mut self, trees: TreeSet) {
        for (tree_name, tree) in trees {
            let keep_old = tree.is_empty() && self.lookup(&tree_name).is_some();
            if !keep_old {
                self.added.remove(&tree_name);
                Arc::make_mut(&mut self.trees).insert(tree_name, tree);
            }
        }
    }

    /// Parses `text` as the template `name` and executes that new template, as Go's
    /// `t.New(name).Parse(text)` followed by `Execute` on the result does: the new
    /// template runs even when its text is empty and an older template of the same
    /// name stays in the set (what Helm's `tpl` relies on).
    pub fn parse_and_execute(
        &mut self,
        name: &str,
        text: &str,
        data: &Value,
    ) -> Result<String, TemplateError> {
        let trees = parse(name, name, text.into(), &|f| self.has_function(f))?;
        let mut top = None;
        for (tree_name, tree) in trees {
            if tree_name == name {
                top = Some(tree.clone());
            }
            let keep_old = tree.is_empty() && self.lookup(&tree_name).is_some();
            if !keep_old {
                self.added.insert(tree_name, tree);
            }
        }
        let mut out = String::new();
        if let Some(tree) = top {
            execute(self, &tree, data, &mut out)?;
        }
        Ok(out)
    }

    pub fn lookup(&self, name: &str) -> Option<&Arc<Tree>> {
        self.added.get(name).or_else(|| self.trees.get(name))
    }

    /// The names of all templates in the set, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .trees
            .keys()
            .chain(self.added.keys().filter(|k| !self.trees.contains_key(*k)))
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names
    }

    /// Executes the template `name` with `data` as dot, returning its output.
    pub fn execute(&self, name: &str, data: &Value) -> Result<String, ExecError> {
        let mut out = String::new();
        self.execute_into(name, data, &mut out)?;
        Ok(out)
    }

    /// Executes the template `name`, appending its output to `out`. On error, `out`
    /// holds what was written before the failure.
    pub fn execute_into(
        &self,
        name: &str,
        data: &Value,
        out: &mut String,
    ) -> Result<(), ExecError> {
        let Some(tree) = self.lookup(name) else {
            return Err(ExecError {
                cause: crate::error::ErrorSource::None,
                name: name.to_string(),
                message: format!(
                    "template: no template {} associated with template {}",
                    crate::gofmt::quote(name),
                    crate::gofmt::quote(&self.name)
                ),
            });
        };
        execute(self, tree, data, out)
    }
}
