//! Fuzz target: any bytes as a plinth spec, through parsing, validation (every environment),
//! synthesis and rendering, with the invariants in `check.rs`.
//!
//! `cargo +nightly fuzz run synth` from the repository root; see fuzz/README.md.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../check.rs"]
mod check;

fuzz_target!(|data: &[u8]| check::spec_bytes(data));
