//! One file of a chart: its slash-separated path relative to the chart root and its
//! bytes (a UTF-8 byte-order mark already stripped, as Helm does), shared between
//! the copies of a chart that rendering makes.

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
    pub fn new(name: String, mut data: Vec<u8>) -> ChartFile {
        if data.starts_with(UTF8_BOM) {
            data.drain(..UTF8_BOM.len());
        }
        ChartFile {
            name,
            data: data.into(),
        }
    }
}
