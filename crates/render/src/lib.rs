//! Helm's rendering engine: a chart's templates executed with Sprig and Helm's
//! functions and objects, rendered manifests split, sorted and classified into
//! resources and hooks, and the output of `helm template`.

pub mod capabilities;
pub mod convert;
pub mod engine;
pub mod files;
pub mod funcs;
mod glob;
pub mod manifests;
pub mod objects;
pub mod retained;
pub mod template;

pub use engine::RenderError;
pub use engine::{parse_ahead_files, ParsedAhead};
pub use template::{
    prepare_release, render_prepared, render_release, template_output, PreparedRelease, Release,
    TemplateOptions,
};
