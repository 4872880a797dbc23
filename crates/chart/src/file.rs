//! One file of a chart: its slash-separated path relative to the chart root and its
//! bytes (a UTF-8 byte-order mark already stripped, as Helm does), shared between
//! the copies of a chart that rendering makes.

use std::io::{self, Read};
use std::sync::Arc;

/// A file of a chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartFile {
    /// The path relative to the chart root, with `/` separators.
    pub name: String,
    pub data: Arc<[u8]>,
}

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

impl ChartFile {
    /// A file whose leading UTF-8 byte-order mark, if any, is dropped.
    pub fn new(name: String, data: Vec<u8>) -> ChartFile {
        let data = match data.strip_prefix(UTF8_BOM) {
            Some(rest) => Arc::from(rest),
            None => data.into(),
        };
        ChartFile { name, data }
    }

    /// Reads exactly `len` bytes from `input` straight into shared memory, without
    /// the copy that turning a `Vec` into an `Arc<[u8]>` makes; a byte-order mark is
    /// dropped as in [`ChartFile::new`]. Fails with `UnexpectedEof` on a short input.
    pub fn read_exact(name: String, mut input: impl Read, len: usize) -> io::Result<ChartFile> {
        let mut data: Arc<[u8]> = std::iter::repeat_n(0u8, len).collect();
        let buffer = Arc::get_mut(&mut data).ok_or_else(|| io::Error::other("shared buffer"))?;
        input.read_exact(buffer)?;
        if data.starts_with(UTF8_BOM) {
            data = Arc::from(&data[UTF8_BOM.len()..]);
        }
        Ok(ChartFile { name, data })
    }
}
