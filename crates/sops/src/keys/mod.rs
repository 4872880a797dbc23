//! Owns the master-key kinds that wrap a file's data key: age, PGP, and Shamir
//! sharing of the data key across key groups.

pub mod age;
pub mod pgp;
pub mod shamir;
