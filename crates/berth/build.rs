//! Links the glibc `berth` executable at a fixed address: as a
//! position-independent executable, the loader applied about 25 thousand
//! relocations at every start, half a millisecond of a `berth template` run.
fn main() {
    let linux = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux");
    let glibc = std::env::var("CARGO_CFG_TARGET_ENV").as_deref() == Ok("gnu");
    if linux && glibc {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
