//! Writing an output directory all at once: files go to a temporary sibling directory that is
//! renamed into place, so a failure never leaves a half-written directory behind.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Writes `files` (relative path → contents) as the directory `out`, replacing any previous
/// contents only once everything is written.
pub fn write_dir(out: &Path, files: &[(PathBuf, String)]) -> io::Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent)?;
    let staging = tempfile::Builder::new()
        .prefix(".plinth-staging-")
        .tempdir_in(&parent)?;
    for (rel, contents) in files {
        let path = staging.path().join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        fs::write(&path, contents)?;
    }
    if out.exists() {
        // Move the old directory aside first; it is removed once the new one is in place.
        let old = tempfile::Builder::new()
            .prefix(".plinth-old-")
            .tempdir_in(&parent)?;
        let old_path = old.path().join("previous");
        fs::rename(out, &old_path)?;
        if let Err(e) = fs::rename(staging.path(), out) {
            // Put the previous output back rather than leave nothing.
            let _ = fs::rename(&old_path, out);
            return Err(e);
        }
        drop(old);
    } else {
        fs::rename(staging.path(), out)?;
    }
    // The staging directory now lives at `out`; keep TempDir from deleting it.
    let _ = staging.keep();
    Ok(())
}
