//! `plinth import cdk-context`: the reference CDK project's `cdk.context.json` as a plinth
//! spec. The conversion is `plinth_spec::import`; this module reads the file, shows the
//! diagnostics (against the file with its secret values masked), writes the spec to stdout or
//! atomically to `--out`, and says how to store the secrets the spec references.

use std::io::Write as _;
use std::path::Path;

use crate::Outcome;
use crate::output::{self, Existing};
use crate::report::{self, Source, Style};

/// Where the converted spec goes.
pub struct Target<'a> {
    /// The file, or stdout when `None`.
    pub out: Option<&'a Path>,
    /// Whether an existing file may be replaced.
    pub force: bool,
}

/// Converts the context file at `file`.
pub fn cdk_context(file: &Path, target: &Target<'_>, style: Style) -> Outcome {
    if let Some(out) = target.out
        && !target.force
        && out.exists()
    {
        err!(
            "error[import::exists]: {} exists; nothing written\n  help: pass --force to replace it, or choose another --out",
            out.display()
        );
        return Outcome::BadInput;
    }
    let text = match super::read_text(file, "context file") {
        Ok(f) => f.text,
        Err(e) => {
            err!("{}", e.human(file));
            return Outcome::BadInput;
        }
    };
    let name = file.display().to_string();
    let imported = plinth_spec::import::cdk_context(&text, &name);
    if !imported.diagnostics.is_empty() {
        let source = Source {
            path: file,
            text: &imported.redacted,
        };
        let _ = write!(
            std::io::stderr().lock(),
            "{}",
            report::human(&source, &imported.diagnostics, style)
        );
    }
    let Some(spec) = imported.spec else {
        err!(
            "{name} cannot be converted: {}; nothing written",
            report::counts(&imported.diagnostics)
        );
        return Outcome::BadInput;
    };
    let written = match target.out {
        None => {
            let _ = write!(std::io::stdout().lock(), "{spec}");
            None
        }
        Some(out) => {
            let existing = if target.force {
                Existing::Replace
            } else {
                Existing::Keep
            };
            if let Err(e) = output::write_file(out, &spec, existing) {
                err!(
                    "error[io::unwritable]: {}: cannot write the spec: {e}",
                    out.display()
                );
                return Outcome::Failure;
            }
            Some(out)
        }
    };
    for secret in &imported.secrets {
        err!(
            "{} is not in the spec: the spec reads it from the Secrets Manager secret {} in {}. \
             Store it there before deploying:\n  {}",
            capitalized(secret.what),
            secret.name,
            secret.region,
            secret.command(&name)
        );
    }
    let counts = report::counts(&imported.diagnostics);
    if let Some(out) = written {
        err!(
            "wrote {} from {name} ({counts}); next: plinth validate {}",
            out.display(),
            out.display()
        );
    } else {
        err!("converted {name} ({counts})");
    }
    Outcome::Success
}

fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
