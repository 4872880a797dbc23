//! One file of a chart: its slash-separated path relative to the chart root and its
//! bytes (a UTF-8 byte-order mark already stripped, as Helm does), shared between
//! the copies of a chart that rendering makes. A file of a chart directory that
//! only templates may ask for (`.Files`, `crds/`) is read when first asked for:
//! large charts carry megabytes of CRDs and dashboards a render never reads.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::error::LoadError;

/// A file of a chart.
#[derive(Clone, Debug)]
pub struct ChartFile {
    /// The path relative to the chart root, with `/` separators.
    pub name: String,
    contents: Contents,
}

#[derive(Clone, Debug)]
enum Contents {
    Loaded(Arc<[u8]>),
    /// Contents that are UTF-8, kept as text so that parse trees can share them.
    Text(Arc<str>),
    Deferred(Arc<DeferredFile>),
}

/// A file on disk read on first use, once for every copy of the chart.
#[derive(Debug)]
struct DeferredFile {
    path: PathBuf,
    len: u64,
    read: OnceLock<Result<Arc<[u8]>, ReadFailure>>,
}

/// Why a deferred file could not be read, kept to report on every later use.
type ReadFailure = (io::ErrorKind, String);

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

impl ChartFile {
    /// A file whose leading UTF-8 byte-order mark, if any, is dropped.
    pub fn new(name: String, data: Vec<u8>) -> ChartFile {
        let data = match data.strip_prefix(UTF8_BOM) {
            Some(rest) => Arc::from(rest),
            None => data.into(),
        };
        ChartFile {
            name,
            contents: Contents::Loaded(data),
        }
    }

    /// Reads exactly `len` bytes from `input` straight into shared memory, without
    /// the copy that turning a `Vec` into an `Arc<[u8]>` makes; a byte-order mark is
    /// dropped as in [`ChartFile::new`]. Fails with `UnexpectedEof` on a short input.
    pub fn read_exact(name: String, input: impl Read, len: usize) -> io::Result<ChartFile> {
        Ok(ChartFile {
            name,
            contents: Contents::Loaded(read_shared(input, len)?),
        })
    }

    /// The open `file`, `len` bytes long when the chart was walked, read now and
    /// kept as text when it is UTF-8.
    pub fn read_open(name: String, file: fs::File, len: u64) -> io::Result<ChartFile> {
        let contents = match shared_text(read_file(file, len)?) {
            Ok(text) => Contents::Text(text),
            Err(bytes) => Contents::Loaded(bytes),
        };
        Ok(ChartFile { name, contents })
    }

    /// The file at `path`, read when its bytes are first asked for.
    pub fn deferred(name: String, path: PathBuf, len: u64) -> ChartFile {
        ChartFile {
            name,
            contents: Contents::Deferred(Arc::new(DeferredFile {
                path,
                len,
                read: OnceLock::new(),
            })),
        }
    }

    /// The same contents under another name (a subchart's files lose the
    /// `charts/<name>/` prefix).
    pub fn renamed(self, name: String) -> ChartFile {
        ChartFile {
            name,
            contents: self.contents,
        }
    }

    /// The file's bytes; a deferred file is read now, and a failure to read it
    /// names the file.
    pub fn data(&self) -> Result<Arc<[u8]>, LoadError> {
        match &self.contents {
            Contents::Loaded(data) => Ok(data.clone()),
            Contents::Text(text) => Ok(Arc::<[u8]>::from(text.clone())),
            Contents::Deferred(file) => file
                .read
                .get_or_init(|| {
                    read_path(&file.path, file.len).map_err(|e| (e.kind(), e.to_string()))
                })
                .clone()
                .map_err(|(kind, message)| LoadError::Io {
                    path: file.path.clone(),
                    source: io::Error::new(kind, message),
                }),
        }
    }

    /// The file as text, shared when it was read as text; other bytes are decoded
    /// as Go does, invalid UTF-8 replaced.
    pub fn text(&self) -> Result<Arc<str>, LoadError> {
        match &self.contents {
            Contents::Text(text) => Ok(text.clone()),
            _ => {
                let data = self.data()?;
                Ok(Arc::from(String::from_utf8_lossy(&data).as_ref()))
            }
        }
    }
}

/// `len` bytes of `input` in a shared buffer, a byte-order mark dropped.
fn read_shared(mut input: impl Read, len: usize) -> io::Result<Arc<[u8]>> {
    let mut data = zeroed_shared(len);
    let buffer = Arc::get_mut(&mut data).ok_or_else(|| io::Error::other("shared buffer"))?;
    input.read_exact(buffer)?;
    Ok(without_bom(data))
}

/// A file as big as its metadata said when the chart was listed, read straight
/// into a shared buffer, its byte-order mark dropped. A regular file's read comes
/// back short only at its end, so one call usually reads it all. A file listed
/// as empty is read to its end, for file systems that give no sizes.
fn read_path(path: &Path, len: u64) -> io::Result<Arc<[u8]>> {
    read_file(fs::File::open(path)?, len)
}

/// [`read_path`] of a file already open.
fn read_file(mut file: fs::File, len: u64) -> io::Result<Arc<[u8]>> {
    if len == 0 {
        let mut data = Vec::new();
        file.read_to_end(&mut data)?;
        return Ok(without_bom(Arc::from(data)));
    }
    let len = usize::try_from(len).map_err(io::Error::other)?;
    let mut data = zeroed_shared(len);
    let buffer = Arc::get_mut(&mut data).ok_or_else(|| io::Error::other("shared buffer"))?;
    let mut filled = 0;
    while filled < len {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            read => filled += read,
        }
    }
    if filled < len {
        data = Arc::from(&data[..filled]);
    }
    Ok(without_bom(data))
}

/// A shared buffer of `len` zero bytes, asked of the allocator as zeroed
/// memory: fresh pages from the kernel are zero already, so a large buffer is
/// not written twice (cleared, then read into).
fn zeroed_shared(len: usize) -> Arc<[u8]> {
    // SAFETY: every bit pattern, zero included, is a valid `u8`.
    unsafe { Arc::<[u8]>::new_zeroed_slice(len).assume_init() }
}

fn without_bom(data: Arc<[u8]>) -> Arc<[u8]> {
    match data.strip_prefix(UTF8_BOM) {
        Some(rest) => Arc::from(rest),
        None => data,
    }
}

/// The bytes as shared text when they are UTF-8, without copying them.
fn shared_text(bytes: Arc<[u8]>) -> Result<Arc<str>, Arc<[u8]>> {
    if std::str::from_utf8(&bytes).is_err() {
        return Err(bytes);
    }
    // SAFETY: `str` has the layout of `[u8]`, and the bytes were just checked
    // to be UTF-8; the allocation passes whole from one `Arc` to the other.
    Ok(unsafe { Arc::from_raw(Arc::into_raw(bytes) as *const str) })
}
