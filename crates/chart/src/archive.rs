//! Chart archives (`.tgz`): the files inside, read as Helm reads them (top directory
//! stripped, 100 MiB and 5 MiB limits, path checks) and refusing what Helm lets
//! through unsafely: links leaving the chart, special files, and gzip streams that
//! expand far beyond the chart size limit.

use std::io::{self, Read};

use crate::error::LoadError;
use crate::file::ChartFile;

/// The largest total of file sizes a chart archive may expand to (Helm's limit).
pub const MAX_DECOMPRESSED_CHART_SIZE: u64 = 100 * 1024 * 1024;
/// The largest single file a chart archive may hold (Helm's limit).
pub const MAX_DECOMPRESSED_FILE_SIZE: u64 = 5 * 1024 * 1024;
/// The most bytes the gzip stream may produce, headers and padding included.
const MAX_STREAM_SIZE: u64 = 2 * MAX_DECOMPRESSED_CHART_SIZE;

/// Reads the files of a gzipped tar chart archive.
pub fn load_archive_files(input: impl Read) -> Result<Vec<ChartFile>, LoadError> {
    let stream = LimitedReader {
        inner: flate2::read::GzDecoder::new(input),
        remaining: MAX_STREAM_SIZE,
    };
    let mut archive = tar::Archive::new(stream);
    let entries = archive.entries().map_err(corrupt)?;
    let mut files = Vec::new();
    let mut remaining = MAX_DECOMPRESSED_CHART_SIZE;
    for entry in entries {
        let mut entry = entry.map_err(corrupt)?;
        let header = entry.header();
        let kind = header.entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let name = chart_relative_name(&raw_name)?;
        let size = header.size().map_err(corrupt)?;
        let link = kind.is_symlink() || kind.is_hard_link();
        if link {
            let target = entry
                .link_name_bytes()
                .map(|t| String::from_utf8_lossy(&t).into_owned())
                .unwrap_or_default();
            if link_leaves_chart(&name, &target, kind.is_hard_link()) {
                return Err(LoadError::LinkOutside {
                    name: raw_name,
                    target,
                });
            }
        } else if !(kind.is_file() || kind == tar::EntryType::Continuous || kind.is_gnu_sparse()) {
            return Err(LoadError::SpecialEntry(raw_name));
        }
        if size > remaining {
            return Err(LoadError::ChartTooLarge(MAX_DECOMPRESSED_CHART_SIZE));
        }
        if size > MAX_DECOMPRESSED_FILE_SIZE {
            return Err(LoadError::FileTooLarge {
                name: raw_name,
                limit: MAX_DECOMPRESSED_FILE_SIZE,
            });
        }
        let file = match ChartFile::read_exact(name, &mut entry, size as usize) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                return Err(LoadError::ChartTooLarge(MAX_DECOMPRESSED_CHART_SIZE))
            }
            Err(e) => return Err(corrupt(e)),
        };
        remaining -= size;
        if remaining == 0 {
            return Err(LoadError::ChartTooLarge(MAX_DECOMPRESSED_CHART_SIZE));
        }
        files.push(file);
    }
    if files.is_empty() {
        return Err(LoadError::EmptyArchive);
    }
    Ok(files)
}

fn corrupt(e: io::Error) -> LoadError {
    if e.kind() == io::ErrorKind::FileTooLarge {
        return LoadError::ChartTooLarge(MAX_DECOMPRESSED_CHART_SIZE);
    }
    LoadError::Corrupt(e.to_string())
}

/// The entry's path below the archive's top directory, checked as Helm checks it.
fn chart_relative_name(raw: &str) -> Result<String, LoadError> {
    let delimiter = if raw.contains('\\') { '\\' } else { '/' };
    let rest: Vec<&str> = raw.split(delimiter).skip(1).collect();
    let joined = rest.join("/");
    if joined.starts_with('/') {
        return Err(LoadError::AbsolutePath);
    }
    let name = clean(&joined);
    if name == "." {
        return Err(LoadError::OutsideBase(raw.to_string()));
    }
    if name.starts_with("..") {
        return Err(LoadError::ParentReference);
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/' {
        return Err(LoadError::IllegalName);
    }
    Ok(name)
}

/// Whether a link at `name` (chart-relative) pointing to `target` resolves outside
/// the chart. Hard-link targets are archive paths (with the top directory); symbolic
/// ones are relative to the link's directory unless absolute.
fn link_leaves_chart(name: &str, target: &str, hard: bool) -> bool {
    if target.starts_with('/') || target.contains('\\') {
        return true;
    }
    let resolved = if hard {
        match target.split_once('/') {
            Some((_, rest)) => clean(rest),
            None => return true,
        }
    } else {
        let dir = name.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        clean(&format!("{dir}/{target}"))
    };
    resolved == ".." || resolved.starts_with("../")
}

/// Go's `path.Clean` for slash-separated paths.
pub(crate) fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if matches!(out.last(), Some(&p) if p != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            p => out.push(p),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_string(),
        (false, false) => joined,
    }
}

/// Stops a reader once it has produced `remaining` bytes.
struct LimitedReader<R> {
    inner: R,
    remaining: u64,
}

impl<R: Read> Read for LimitedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                "chart archive expands beyond its limit",
            ));
        }
        let max = buf
            .len()
            .min(self.remaining.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..max])?;
        self.remaining -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_matches_go_path_clean() {
        for (input, expected) in [
            ("", "."),
            ("a/b/../c", "a/c"),
            ("../a", "../a"),
            ("a/../../b", "../b"),
            ("/../a", "/a"),
            ("a//b/./c/", "a/b/c"),
            ("templates/..", "."),
        ] {
            assert_eq!(clean(input), expected, "clean({input:?})");
        }
    }

    #[test]
    fn links_are_judged_from_their_directory() {
        assert!(!link_leaves_chart("templates/a.yaml", "b.yaml", false));
        assert!(!link_leaves_chart(
            "templates/a.yaml",
            "../values.yaml",
            false
        ));
        assert!(link_leaves_chart(
            "templates/a.yaml",
            "../../etc/passwd",
            false
        ));
        assert!(link_leaves_chart("a.yaml", "/etc/passwd", false));
        assert!(!link_leaves_chart("a.yaml", "mychart/values.yaml", true));
        assert!(link_leaves_chart("a.yaml", "mychart/../../x", true));
    }
}
