//! Writing output all at once: a directory goes to a temporary sibling directory that is
//! renamed into place, a file to a temporary sibling file, so a failure never leaves anything
//! half-written behind.

use std::fs;
use std::io::{self, Write as _};
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

/// Whether [`write_file`] may replace a file that exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Replace it.
    Replace,
    /// Leave it and fail with [`io::ErrorKind::AlreadyExists`], also when it appears while
    /// writing.
    Keep,
}

/// Writes `contents` to the file `path` atomically: into a temporary file beside it, renamed
/// into place once complete.
pub fn write_file(path: &Path, contents: &str, existing: Existing) -> io::Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".plinth-staging-");
    // A temporary file is private (0600); what plinth writes holds no secret and is read
    // like any other file (0644, before the umask).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(fs::Permissions::from_mode(0o644));
    }
    let mut file = builder.tempfile_in(&parent)?;
    file.write_all(contents.as_bytes())?;
    file.as_file().sync_all()?;
    match existing {
        Existing::Replace => file.persist(path).map(drop).map_err(|e| e.error),
        Existing::Keep => file.persist_noclobber(path).map(drop).map_err(|e| e.error),
    }
}
