//! YAML, JSON and TOML read and written exactly as the Go libraries Helm uses:
//! go-yaml v2 and v3 (a faithful port of their libyaml scanner, parser and
//! emitter), sigs.k8s.io/yaml, encoding/json and BurntSushi/toml.
//!
//! * [`helm`]: the template functions and values-file readers, ready to use.
//! * [`sigs`], [`json`], [`toml`]: the Go libraries' entry points.
//! * [`toml_decode`]: BurntSushi/toml decoding, as `fromToml` runs it.
//! * [`tree`]: ordered node trees with positions (manifests, Chart.yaml fields).
//! * [`decode`]: go-yaml v2 decoding into [`Value`] (Go's `interface{}`).
//! * [`split`]: document splitting for values files and rendered manifests.
//! * [`head`]: a manifest's head (kind, name, annotations) read without its tree.
//!
//! This crate depends on no other berth crate; [`Data`] is its own value model.

pub mod data;
pub mod decode;
mod direct;
mod emitter;
pub mod encode;
pub mod error;
pub mod floatfmt;
pub mod head;
pub mod helm;
pub mod json;
mod parser;
mod reader;
pub mod resolve;
mod scanner;
pub mod sigs;
pub mod split;
pub mod toml;
pub mod toml_decode;
mod toml_lex;
pub mod tree;
pub mod value;

pub use data::Data;
pub use emitter::Flavor;
pub use error::{
    ConvertError, JsonError, Mark, SigsError, SyntaxError, TomlError, ValuesError, YamlError,
};
pub use scanner::ScalarStyle;
pub use tree::{Document, Node, NodeId, NodeKind};
pub use value::Value;
