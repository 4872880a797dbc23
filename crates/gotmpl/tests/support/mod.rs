//! Shared test support: the conformance case loader.
pub mod cases;
