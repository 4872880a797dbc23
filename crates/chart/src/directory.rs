//! Chart directories: every file below the chart root in lexical order, minus what
//! `.helmignore` (and Helm's default rule) ignores, following symbolic links as Helm
//! does but refusing any that lead outside the chart.

use std::fs;

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use crate::archive::MAX_DECOMPRESSED_FILE_SIZE;
use crate::error::LoadError;
use crate::file::ChartFile;
use crate::ignore::{Rules, HELM_IGNORE};

/// Reads the files of the chart rooted at `dir`.
pub fn load_dir_files(dir: &Path) -> Result<Vec<ChartFile>, LoadError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LoadError::Io { path, source }
    };
    let root = fs::canonicalize(dir).map_err(io(dir))?;
    let ignore_file = root.join(HELM_IGNORE);
    let mut rules = match fs::read_to_string(&ignore_file) {
        Ok(text) => Rules::parse(&text).map_err(|message| LoadError::Ignore {
            file: ignore_file.clone(),
            message,
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Rules::default(),
        Err(source) => {
            return Err(LoadError::Io {
                path: ignore_file,
                source,
            })
        }
    };
    rules.add_defaults();
    let found = walk(&root, &root, "", &rules)?;
    // Reading is most of the cost of a large chart; files are read in parallel
    // and the first failure in path order is reported.
    let read: Vec<Result<ChartFile, LoadError>> = found
        .into_par_iter()
        .map(|file| {
            if is_read_on_demand(&file.name) {
                return Ok(ChartFile::deferred(file.name, file.target, file.len));
            }
            ChartFile::read(file.name, &file.target, file.len).map_err(|source| LoadError::Io {
                path: file.path,
                source,
            })
        })
        .collect();
    read.into_iter().collect()
}

/// A chart file's path below the innermost subchart directory that holds it
/// (every `charts/<name>/` in front taken off); `None` for an entry of `charts/`
/// itself, such as a subchart archive.
pub fn path_in_innermost_chart(path: &str) -> Option<&str> {
    let mut inner = path;
    while let Some(rest) = inner.strip_prefix("charts/") {
        inner = rest.split_once('/')?.1;
    }
    Some(inner)
}

/// Whether a file is only ever read by templates (through `.Files`) or for
/// `--include-crds`: anything but the chart's metadata, values, schema, templates
/// and subchart archives, judged below the innermost chart directory.
fn is_read_on_demand(name: &str) -> bool {
    let Some(inner) = path_in_innermost_chart(name) else {
        return false;
    };
    !(inner.starts_with("templates/")
        || inner.starts_with("charts/")
        || matches!(
            inner,
            "Chart.yaml"
                | "Chart.lock"
                | "values.yaml"
                | "values.schema.json"
                | "requirements.yaml"
                | "requirements.lock"
        ))
}

/// A file the walk found: where it is, its chart path and its size.
struct FoundFile {
    path: PathBuf,
    target: PathBuf,
    name: String,
    len: u64,
}

/// What a directory holds that the chart keeps: a file, or a directory to walk.
enum Found {
    File(FoundFile),
    Directory { target: PathBuf, relative: String },
}

/// The files below `dir`, in path order. Subdirectories are walked in parallel;
/// the first failure in path order is reported.
fn walk(root: &Path, dir: &Path, prefix: &str, rules: &Rules) -> Result<Vec<FoundFile>, LoadError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| LoadError::Io { path, source }
    };
    let mut entries: Vec<(String, fs::FileType)> = fs::read_dir(dir)
        .map_err(io(dir))?
        .map(|entry| {
            entry.and_then(|e| Ok((e.file_name().to_string_lossy().into_owned(), e.file_type()?)))
        })
        .collect::<Result<_, _>>()
        .map_err(io(dir))?;
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut found: Vec<Result<Found, LoadError>> = Vec::new();
    for (name, file_type) in entries {
        match entry(root, dir, prefix, rules, name, file_type) {
            Ok(Some(kept)) => found.push(Ok(kept)),
            Ok(None) => {}
            Err(e) => {
                found.push(Err(e));
                break;
            }
        }
    }
    let below: Vec<Result<Vec<FoundFile>, LoadError>> = found
        .par_iter()
        .map(|kept| match kept {
            Ok(Found::Directory { target, relative }) => walk(root, target, relative, rules),
            _ => Ok(Vec::new()),
        })
        .collect();
    let mut files = Vec::new();
    for (kept, below) in found.into_iter().zip(below) {
        match kept? {
            Found::File(file) => files.push(file),
            Found::Directory { .. } => files.extend(below?),
        }
    }
    Ok(files)
}

/// One entry of a directory: kept, ignored (`None`) or refused.
fn entry(
    root: &Path,
    dir: &Path,
    prefix: &str,
    rules: &Rules,
    name: String,
    file_type: fs::FileType,
) -> Result<Option<Found>, LoadError> {
    let path = dir.join(&name);
    let relative = if prefix.is_empty() {
        name.clone()
    } else {
        format!("{prefix}/{name}")
    };
    // The directory listing tells links and directories apart without a system
    // call per entry; a link is followed and must stay in the chart.
    let target = if file_type.is_symlink() {
        resolve_link(root, &path)?
    } else {
        path.clone()
    };
    if file_type.is_dir() || (file_type.is_symlink() && target.is_dir()) {
        if rules.ignores(&relative, true) {
            return Ok(None);
        }
        return Ok(Some(Found::Directory { target, relative }));
    }
    if rules.ignores(&relative, false) {
        return Ok(None);
    }
    let meta = fs::metadata(&target).map_err(|source| LoadError::Io {
        path: path.clone(),
        source,
    })?;
    if !meta.is_file() {
        return Err(LoadError::IrregularFile(path));
    }
    if meta.len() > MAX_DECOMPRESSED_FILE_SIZE {
        return Err(LoadError::DirFileTooLarge {
            name,
            limit: MAX_DECOMPRESSED_FILE_SIZE,
        });
    }
    Ok(Some(Found::File(FoundFile {
        path,
        target,
        name: relative,
        len: meta.len(),
    })))
}

/// Where the link `path` leads, which must stay inside the chart root.
fn resolve_link(root: &Path, path: &Path) -> Result<PathBuf, LoadError> {
    let target = fs::canonicalize(path).map_err(|source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !target.starts_with(root) {
        return Err(LoadError::SymlinkOutside {
            path: path.to_path_buf(),
            target,
            root: root.to_path_buf(),
        });
    }
    Ok(target)
}
