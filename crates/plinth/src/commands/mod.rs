//! One module per subcommand.

pub mod check;
pub mod cloud;
pub mod completions;
pub mod cost;
pub mod deploy;
pub mod destroy;
pub mod diff;
pub mod graph;
pub mod import;
pub mod man;
pub mod plan;
pub mod schema;
pub mod status;
pub mod synth;
pub mod validate;
pub mod versions;

use std::path::Path;

use plinth_spec::Loaded;

use crate::report::{self, Source, Style};

/// A spec read from disk.
pub struct SpecFile {
    /// Its text.
    pub text: String,
}

/// Why a spec file could not be read as text.
pub struct ReadError {
    /// Stable code, like a diagnostic's.
    pub code: &'static str,
    /// What went wrong.
    pub message: String,
    /// 1-based line and column, when the problem is inside the file.
    pub location: Option<(usize, usize)>,
    /// What to do about it.
    pub help: Option<&'static str>,
}

impl ReadError {
    /// The human form: `error: FILE[:LINE:COL]: MESSAGE` and the hint.
    pub fn human(&self, path: &Path) -> String {
        let at = self
            .location
            .map(|(l, c)| format!(":{l}:{c}"))
            .unwrap_or_default();
        let mut s = format!(
            "error[{}]: {}{at}: {}",
            self.code,
            path.display(),
            self.message
        );
        if let Some(h) = self.help {
            s.push_str("\n  help: ");
            s.push_str(h);
        }
        s
    }

    /// The JSON form, shaped like `plinth validate -o json` diagnostics.
    pub fn json(&self, path: &Path) -> serde_json::Value {
        serde_json::json!({
            "valid": false,
            "diagnostics": [{
                "code": self.code,
                "severity": "error",
                "message": self.message,
                "file": path.display().to_string(),
                "location": self.location.map(|(line, column)| serde_json::json!({ "line": line, "column": column })),
                "label": null,
                "help": self.help,
            }],
        })
    }
}

/// Reads a spec, reporting unreadable, oversized or non-UTF-8 files.
pub fn read_spec(path: &Path) -> Result<SpecFile, ReadError> {
    read_text(path, "spec")
}

/// Reads a text input of plinth (`what` names it in messages: "spec", "context file"),
/// reporting unreadable, oversized or non-UTF-8 files.
pub fn read_text(path: &Path, what: &str) -> Result<SpecFile, ReadError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError {
        code: "io::unreadable",
        message: format!("cannot read the {what}: {e}"),
        location: None,
        help: None,
    })?;
    if bytes.len() > plinth_spec::MAX_SPEC_BYTES {
        return Err(ReadError {
            code: "spec::too-large",
            message: format!(
                "the {what} is {} bytes; plinth reads at most {}",
                bytes.len(),
                plinth_spec::MAX_SPEC_BYTES
            ),
            location: None,
            help: Some(if what == "spec" {
                "a platform spec is a few kilobytes; this file is not one"
            } else {
                "plinth's inputs are a few kilobytes; this file is not one"
            }),
        });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SpecFile { text }),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let before = String::from_utf8_lossy(&e.as_bytes()[..valid]);
            let (line, col) = plinth_spec::line_col(&before, valid);
            Err(ReadError {
                code: "spec::not-utf8",
                message: format!(
                    "the {what} is not UTF-8 text (byte 0x{:02x})",
                    e.as_bytes()[valid]
                ),
                location: Some((line, col)),
                help: Some("save the file as UTF-8"),
            })
        }
    }
}

/// Loads a spec — with the overlay of `environment` merged in, when given (the global
/// `--environment`) — and prints its diagnostics to stderr. Returns the loaded result, or
/// `None` when the file could not even be read (already reported). A spec with environments
/// loaded without one has an error and no platform.
pub fn load_and_report(
    path: &Path,
    environment: Option<&str>,
    style: Style,
) -> Option<(SpecFile, Loaded)> {
    let file = match read_spec(path) {
        Ok(f) => f,
        Err(e) => {
            err!("{}", e.human(path));
            return None;
        }
    };
    let loaded = plinth_spec::load_environment(&file.text, environment);
    if !loaded.diagnostics.is_empty() {
        let source = Source {
            path,
            text: &file.text,
        };
        {
            use std::io::Write as _;
            let _ = write!(
                std::io::stderr().lock(),
                "{}",
                report::human(&source, &loaded.diagnostics, style)
            );
        }
    }
    Some((file, loaded))
}

/// Whether every stack of an assembly fits CloudFormation's per-template quotas; reports each
/// breach to stderr (with the environment, when one of several) when it does not.
pub fn fits_quotas(assembly: &plinth_synth::Assembly, environment: Option<&str>) -> bool {
    let breaches = assembly.quota_breaches();
    let within = environment
        .map(|e| format!(" (environment `{e}`)"))
        .unwrap_or_default();
    for (stack, breach) in &breaches {
        err!("error[synth::cloudformation-quota]: stack {stack}{within} has {breach}");
    }
    if !breaches.is_empty() {
        err!(
            "  help: CloudFormation refuses such a template \
             (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html); \
             split the platform into several specs, e.g. services by team"
        );
    }
    breaches.is_empty()
}
