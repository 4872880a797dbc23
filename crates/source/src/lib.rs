//! Chart sources: every chart a deployment repository names, fetched with
//! nothing but berth itself. Helm chart repositories (index.yaml over HTTP(S)),
//! OCI registries, local directories and archives, the dependencies of local
//! charts as `helm dependency build` would fetch them, a content-addressed
//! cache, and offline bundles.
//!
//! [`Sources`] is the entry point: [`Sources::fetch`] one chart,
//! [`Sources::fetch_all`] many in parallel, [`Sources::vendor`] an offline
//! bundle, [`Sources::push`] a chart to a registry.

mod bundle;
mod cache;
mod chartfile;
mod credentials;
mod dependencies;
mod digest;
mod error;
mod http;
mod index;
mod oci;
mod options;
mod reference;
mod remote;
mod sources;
mod version;

pub use bundle::{BundleEntry, BundleManifest, BUNDLE_MANIFEST};
pub use error::SourceError;
pub use options::{ChartRequest, Repository, SourceOptions};
pub use sources::{FetchedChart, PushedChart, Sources};
