//! One module per subcommand.

pub mod schema;
pub mod synth;
pub mod validate;

use std::path::Path;

use plinth_spec::Loaded;

use crate::report::{self, Source, Style};

/// A spec read from disk.
pub struct SpecFile {
    /// Its text.
    pub text: String,
}

/// Reads a spec, reporting unreadable or non-UTF-8 files as located errors.
pub fn read_spec(path: &Path) -> Result<SpecFile, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
    if bytes.len() > plinth_spec::MAX_SPEC_BYTES {
        return Err(format!(
            "error: {} is {} bytes; plinth reads specs of at most {} bytes",
            path.display(),
            bytes.len(),
            plinth_spec::MAX_SPEC_BYTES
        ));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SpecFile { text }),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let before = String::from_utf8_lossy(&e.as_bytes()[..valid]);
            let (line, col) = plinth_spec::line_col(&before, valid);
            Err(format!(
                "error: {}:{line}:{col}: the spec is not UTF-8 text (byte 0x{:02x})\n  help: save the file as UTF-8",
                path.display(),
                e.as_bytes()[valid]
            ))
        }
    }
}

/// Loads a spec and prints its diagnostics to stderr. Returns the loaded result, or `None`
/// when the file could not even be read (already reported).
pub fn load_and_report(path: &Path, style: Style) -> Option<(SpecFile, Loaded)> {
    let file = match read_spec(path) {
        Ok(f) => f,
        Err(msg) => {
            eprintln!("{msg}");
            return None;
        }
    };
    let loaded = plinth_spec::load(&file.text);
    if !loaded.diagnostics.is_empty() {
        let source = Source {
            path,
            text: &file.text,
        };
        eprint!("{}", report::human(&source, &loaded.diagnostics, style));
    }
    Some((file, loaded))
}
