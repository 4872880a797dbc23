//! Chart directories: every file below the chart root in lexical order, minus what
//! `.helmignore` (and Helm's default rule) ignores, following symbolic links as Helm
//! does but refusing any that lead outside the chart.
//!
//! Directories are listed, and their files looked at and opened, through open
//! directory handles, so that each name is resolved from its directory rather
//! than from the file system's root: for a chart's deep template paths, those
//! repeated walks were most of the kernel's work in reading a chart.

use std::fs;
use std::io;

use rayon::prelude::*;
use rustix::fd::{BorrowedFd, OwnedFd};
use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags};
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
    let root_handle = open_directory(&root).map_err(io(&root))?;
    walk(&root, &root, root_handle, "", &rules)
}

fn open_directory(path: &Path) -> io::Result<OwnedFd> {
    Ok(rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

fn open_directory_in(directory: BorrowedFd, name: &str) -> io::Result<OwnedFd> {
    Ok(rustix::fs::openat(
        directory,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

fn open_in(directory: BorrowedFd, name: &str) -> io::Result<fs::File> {
    let fd = rustix::fs::openat(
        directory,
        name,
        OFlags::RDONLY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    Ok(fs::File::from(fd))
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

/// A file the walk found: where it is, its chart path, and how it is reached.
struct FoundFile {
    path: PathBuf,
    target: PathBuf,
    name: String,
    reached: Reached,
}

/// How a found file is reached: by its name in the directory being walked,
/// its size looked up when it is read (in parallel with the others), or, when
/// a link led to it, by its path, with the size the walk already looked up.
enum Reached {
    Listed(String),
    Linked { len: u64 },
}

/// What a directory holds that the chart keeps: a file, or a directory to walk.
enum Found {
    File(FoundFile),
    Directory {
        path: PathBuf,
        relative: String,
        /// Its name in the directory being walked; `None` when a link led to
        /// it, and it is opened by its path.
        name_in_directory: Option<String>,
    },
}

/// What a directory entry is, as its listing tells (or a look at it, on file
/// systems whose listings do not say).
#[derive(Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    File,
    Directory,
    Link,
    Other,
}

impl EntryKind {
    fn of(file_type: FileType) -> EntryKind {
        match file_type {
            FileType::RegularFile => EntryKind::File,
            FileType::Directory => EntryKind::Directory,
            FileType::Symlink => EntryKind::Link,
            _ => EntryKind::Other,
        }
    }
}

/// The entries of the directory `listing` reads, names sorted, `.` and `..`
/// left out.
fn list(listing: &mut Dir) -> io::Result<Vec<(String, EntryKind)>> {
    let mut entries = Vec::new();
    while let Some(entry) = listing.read() {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy();
        if name == "." || name == ".." {
            continue;
        }
        let kind = match entry.file_type() {
            FileType::Unknown => {
                let stat = rustix::fs::statat(
                    listing.fd()?,
                    entry.file_name(),
                    AtFlags::SYMLINK_NOFOLLOW,
                )?;
                EntryKind::of(FileType::from_raw_mode(stat.st_mode))
            }
            known => EntryKind::of(known),
        };
        entries.push((name.into_owned(), kind));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(entries)
}

/// The files below the directory at `dir`, open as `opened`, in path order,
/// read unless they are read on demand. Entries are handled in parallel (a
/// directory is opened only when its turn comes, so few are open at once); the
/// first failure in path order is reported.
fn walk(
    root: &Path,
    dir: &Path,
    opened: OwnedFd,
    prefix: &str,
    rules: &Rules,
) -> Result<Vec<ChartFile>, LoadError> {
    let failed = |source: io::Error| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut listing = Dir::new(opened).map_err(|e| failed(e.into()))?;
    let entries = list(&mut listing).map_err(failed)?;
    // The listing's own descriptor: names are only resolved from it, which
    // its read position does not affect.
    let handle = listing.fd().map_err(|e| failed(e.into()))?;
    let mut found: Vec<Result<Found, LoadError>> = Vec::new();
    for (name, kind) in entries {
        match entry(root, dir, prefix, rules, name, kind) {
            Ok(Some(kept)) => found.push(Ok(kept)),
            Ok(None) => {}
            Err(e) => {
                found.push(Err(e));
                break;
            }
        }
    }
    let below: Vec<Result<Vec<ChartFile>, LoadError>> = found
        .into_par_iter()
        .map(|kept| match kept? {
            Found::Directory {
                path,
                relative,
                name_in_directory,
            } => {
                let opened = match &name_in_directory {
                    Some(name) => open_directory_in(handle, name),
                    None => open_directory(&path),
                };
                let inner = opened.map_err(|source| LoadError::Io {
                    path: path.clone(),
                    source,
                })?;
                walk(root, &path, inner, &relative, rules)
            }
            Found::File(file) => read_found(handle, file).map(|file| vec![file]),
        })
        .collect();
    let mut files = Vec::new();
    for below in below {
        files.extend(below?);
    }
    Ok(files)
}

/// A found file, read now or, if only templates ever read it, on demand;
/// refused if it is larger than Helm accepts.
fn read_found(directory: BorrowedFd, file: FoundFile) -> Result<ChartFile, LoadError> {
    let failed = |source: io::Error| LoadError::Io {
        path: file.path.clone(),
        source,
    };
    if is_read_on_demand(&file.name) {
        let len = match &file.reached {
            Reached::Linked { len } => *len,
            Reached::Listed(name) => {
                let stat = rustix::fs::statat(directory, name.as_str(), AtFlags::SYMLINK_NOFOLLOW)
                    .map_err(|e| failed(e.into()))?;
                u64::try_from(stat.st_size).unwrap_or(0)
            }
        };
        check_size(&file.name, len)?;
        return Ok(ChartFile::deferred(file.name, file.target, len));
    }
    let (opened, len) = match &file.reached {
        Reached::Listed(name) => {
            let opened = open_in(directory, name).map_err(failed)?;
            let len = opened.metadata().map_err(failed)?.len();
            (opened, len)
        }
        Reached::Linked { len } => (fs::File::open(&file.target).map_err(failed)?, *len),
    };
    check_size(&file.name, len)?;
    ChartFile::read_open(file.name, opened, len).map_err(|source| LoadError::Io {
        path: file.path,
        source,
    })
}

/// Refuses a file larger than Helm accepts, naming it as Helm does: by its
/// base name.
fn check_size(name: &str, len: u64) -> Result<(), LoadError> {
    if len > MAX_DECOMPRESSED_FILE_SIZE {
        return Err(LoadError::DirFileTooLarge {
            name: name.rsplit('/').next().unwrap_or(name).to_string(),
            limit: MAX_DECOMPRESSED_FILE_SIZE,
        });
    }
    Ok(())
}

/// One entry of a directory: kept, ignored (`None`) or refused.
fn entry(
    root: &Path,
    dir: &Path,
    prefix: &str,
    rules: &Rules,
    name: String,
    kind: EntryKind,
) -> Result<Option<Found>, LoadError> {
    let path = dir.join(&name);
    let relative = if prefix.is_empty() {
        name.clone()
    } else {
        format!("{prefix}/{name}")
    };
    let failed = |source: io::Error| LoadError::Io {
        path: path.clone(),
        source,
    };
    // A link is followed and must stay in the chart; what it leads to is
    // opened by its path.
    if kind == EntryKind::Link {
        let target = resolve_link(root, &path)?;
        let meta = fs::metadata(&target).map_err(failed)?;
        if meta.is_dir() {
            if rules.ignores(&relative, true) {
                return Ok(None);
            }
            return Ok(Some(Found::Directory {
                path: target,
                relative,
                name_in_directory: None,
            }));
        }
        if rules.ignores(&relative, false) {
            return Ok(None);
        }
        if !meta.is_file() {
            return Err(LoadError::IrregularFile(path));
        }
        return Ok(Some(Found::File(FoundFile {
            path,
            target,
            name: relative,
            reached: Reached::Linked { len: meta.len() },
        })));
    }
    if kind == EntryKind::Directory {
        if rules.ignores(&relative, true) {
            return Ok(None);
        }
        return Ok(Some(Found::Directory {
            path,
            relative,
            name_in_directory: Some(name),
        }));
    }
    if rules.ignores(&relative, false) {
        return Ok(None);
    }
    if kind != EntryKind::File {
        return Err(LoadError::IrregularFile(path));
    }
    Ok(Some(Found::File(FoundFile {
        path: path.clone(),
        target: path,
        name: relative,
        reached: Reached::Listed(name),
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
