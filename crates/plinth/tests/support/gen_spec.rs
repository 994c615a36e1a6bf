//! Generated specs from `scripts/gen-spec.py`, for the synth tests and the benchmarks (both
//! include this file; see `docs/performance.md` for what the script generates).

use std::path::PathBuf;
use std::process::Command;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The spec `scripts/gen-spec.py ARGS` prints.
pub fn generated(args: &[&str]) -> String {
    let out = Command::new("python3")
        .arg(root().join("scripts/gen-spec.py"))
        .args(args)
        .output()
        .expect("python3 runs scripts/gen-spec.py");
    assert!(
        out.status.success(),
        "gen-spec.py {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("gen-spec.py prints UTF-8")
}
