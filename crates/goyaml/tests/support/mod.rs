//! Shared helpers of the goyaml integration tests.

#![allow(dead_code)]

pub mod cases;
pub mod sha256;
