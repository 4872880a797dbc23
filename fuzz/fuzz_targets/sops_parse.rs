//! Fuzzes the SOPS readers: any bytes are read as an encrypted file and as a
//! plaintext file of every format, and what reads is written back. Errors are
//! fine; panics, stack overflows and hangs are not. No key is available, so
//! decryption stops at the data key, after metadata parsing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sops::{Format, KeySources};

fuzz_target!(|input: &[u8]| {
    let Some((&mode, rest)) = input.split_first() else { return };
    let format = match mode % 5 {
        0 => Format::Yaml,
        1 => Format::Json,
        2 => Format::Dotenv,
        3 => Format::Ini,
        _ => Format::Binary,
    };
    let keys = KeySources::default();
    let _ = sops::decrypt(rest, format, &keys);
    if let Ok(branches) = sops::stores::load_plain(format, rest) {
        let _ = sops::stores::emit_plain(format, &branches);
    }
    if let Ok(s) = std::str::from_utf8(rest) {
        let _ = sops::gofmt::Timestamp::parse_yaml(s);
        let _ = sops::cipher::decrypt(s, &[0u8; 32], "a:");
    }
});
