//! Shared test support: the conformance case loader and the harness that runs cases.
pub mod cases;
pub mod harness;
