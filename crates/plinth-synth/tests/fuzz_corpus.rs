//! Replays the fuzz corpus (`fuzz/corpus/synth/`) and every input that once crashed the fuzz
//! target (`fuzz/regressions/`) through the target's own checks (`fuzz/check.rs`), so what
//! fuzzing found stays found without a nightly compiler.

use std::path::{Path, PathBuf};

#[path = "../../../fuzz/check.rs"]
mod check;

fn inputs(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz")
        .join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
}

fn replay(dir: &str) -> usize {
    let files = inputs(dir);
    for path in &files {
        let data = std::fs::read(path).expect("a corpus file reads");
        // The file's name is in the panic's context when an invariant breaks.
        let result = std::panic::catch_unwind(|| check::spec_bytes(&data));
        assert!(result.is_ok(), "{} breaks an invariant", path.display());
    }
    files.len()
}

#[test]
fn the_fuzz_corpus_keeps_every_invariant() {
    let n = replay("corpus/synth");
    // The corpus holds at least the seeds: every example and every test spec.
    assert!(n >= 90, "only {n} corpus inputs");
}

#[test]
fn inputs_that_once_crashed_the_fuzz_target_no_longer_do() {
    replay("regressions");
}
