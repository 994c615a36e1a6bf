//! Links the `plinth` binary with packed relative relocations where the C library reads them.
//!
//! A position-independent executable carries one relocation for every pointer in its
//! read-only data — about 73,000 for plinth, 1.7 MB of `.rela.dyn` that the dynamic loader
//! reads on every start, before `main`. `-z pack-relative-relocs` stores the same relocations
//! as `DT_RELR`, a few kilobytes, and leaves the address-space layout randomized. glibc reads
//! `DT_RELR` from 2.36 on, and a binary linked this way refuses to start on an older one, so
//! the flag is passed only when building on and for a Linux GNU system whose glibc is new
//! enough. Measurements: docs/performance.md, "Where the memory goes".

use std::process::Command;

/// The first glibc that reads `DT_RELR`.
const RELR_GLIBC: (u32, u32) = (2, 36);

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let native_linux_gnu = var("TARGET") == var("HOST")
        && var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu";
    if native_linux_gnu && glibc_version().is_some_and(|v| v >= RELR_GLIBC) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// The build machine's glibc version, from `getconf GNU_LIBC_VERSION` ("glibc 2.36").
fn glibc_version() -> Option<(u32, u32)> {
    let out = Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
        .ok()?;
    parse_glibc(std::str::from_utf8(&out.stdout).ok()?)
}

fn parse_glibc(text: &str) -> Option<(u32, u32)> {
    let version = text.trim().strip_prefix("glibc ")?;
    let mut parts = version.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some((major, minor))
}
