//! Helm charts as berth reads them: the files of a chart directory or archive (with
//! Helm's size limits, `.helmignore` rules and path checks), and from those files the
//! chart's metadata, values and dependencies.

pub mod archive;
mod chart;
pub mod dependencies;
pub mod directory;
pub mod error;
pub mod file;
pub mod glob;
pub mod ignore;
mod jsondecode;
pub mod metadata;
pub mod schema;
pub mod strvals;
pub mod values;
pub mod version;

pub use chart::{Chart, HelmVersion};
pub use error::LoadError;
pub use file::ChartFile;
