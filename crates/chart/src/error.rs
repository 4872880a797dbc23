//! Why a chart could not be loaded, in Helm's words where Helm has words for it.

use std::path::PathBuf;

/// A chart failed to load.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("chart illegally contains absolute paths")]
    AbsolutePath,
    #[error("chart illegally contains content outside the base directory: {0:?}")]
    OutsideBase(String),
    #[error("chart illegally references parent directory")]
    ParentReference,
    #[error("chart contains illegally named files")]
    IllegalName,
    #[error("decompressed chart is larger than the maximum size {0}")]
    ChartTooLarge(u64),
    #[error("decompressed chart file {name:?} is larger than the maximum file size {limit}")]
    FileTooLarge { name: String, limit: u64 },
    #[error("chart file {name:?} is larger than the maximum file size {limit}")]
    DirFileTooLarge { name: String, limit: u64 },
    #[error("no files in chart archive")]
    EmptyArchive,
    #[error("chart archive entry {name:?} is a link to {target:?}, which leaves the chart")]
    LinkOutside { name: String, target: String },
    #[error("chart archive entry {0:?} is a link, device or other special file; only regular files are allowed")]
    SpecialEntry(String),
    #[error("cannot load irregular file {0} as it has file mode type bits set")]
    IrregularFile(PathBuf),
    #[error("{path} is a symbolic link to {target}, outside the chart directory {root}")]
    SymlinkOutside {
        path: PathBuf,
        target: PathBuf,
        root: PathBuf,
    },
    #[error("{file}: {message}")]
    Ignore { file: PathBuf, message: String },
    #[error("chart archive is corrupt: {0}")]
    Corrupt(String),
    #[error("cannot load {0}: {1}")]
    Metadata(&'static str, String),
    #[error("Chart.yaml file is missing")]
    MissingChartYaml,
    #[error("validation: {0}")]
    Validation(String),
    #[error("error unpacking subchart tar in {parent}: expected {expected}, got {got}")]
    SubchartTar {
        parent: String,
        expected: String,
        got: String,
    },
    #[error("error unpacking subchart {name} in {parent}: {source}")]
    Subchart {
        name: String,
        parent: String,
        #[source]
        source: Box<LoadError>,
    },
}
