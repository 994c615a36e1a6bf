//! The plinth spec: from YAML text to a validated [`Platform`], with every problem located.
//!
//! ```text
//! text ─ yaml::parse ─▶ Document (JSON + spans) ─ structure::check ─▶ RawSpec ─ validate ─▶ Platform
//! ```
//!
//! Parsing never stops at the first problem: [`load`] returns the platform when the spec is
//! usable and all diagnostics either way. This crate does no IO.

pub mod diagnostic;
pub mod facts;
pub mod model;
pub mod names;
pub mod raw;
pub mod structure;
mod suggest;
pub mod validate;
pub mod yaml;

pub use diagnostic::{Diagnostic, Severity, Span, line_col};
pub use model::Platform;
pub use structure::json_schema;

/// Largest spec plinth reads, in bytes. Real specs are a few kilobytes.
pub const MAX_SPEC_BYTES: usize = 1024 * 1024;

/// What loading a spec produced.
#[derive(Debug)]
pub struct Loaded {
    /// The validated platform, when no error was found.
    pub platform: Option<Platform>,
    /// Every problem found, errors and warnings, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses and validates a spec.
pub fn load(source: &str) -> Loaded {
    let mut diagnostics = Vec::new();
    let platform = load_into(source, &mut diagnostics);
    diagnostics.sort_by_key(|d| (d.span.map(|s| s.start), d.severity != Severity::Error));
    Loaded {
        platform,
        diagnostics,
    }
}

fn load_into(source: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Platform> {
    if source.len() > MAX_SPEC_BYTES {
        diagnostics.push(
            Diagnostic::error(
                "spec::too-large",
                format!(
                    "the spec is {} bytes; plinth reads at most {MAX_SPEC_BYTES}",
                    source.len()
                ),
            )
            .at(Some(Span::new(0, 0)))
            .help("a platform spec is a few kilobytes; this file is not one"),
        );
        return None;
    }
    let (doc, yaml_diags) = yaml::parse(source, yaml::Limits::default());
    let yaml_failed = yaml_diags.iter().any(Diagnostic::is_error);
    diagnostics.extend(yaml_diags);
    let mut doc = doc?;
    let structure = structure::check(&doc, source);
    diagnostics.extend(structure.diagnostics);
    if structure.blocking {
        return None;
    }
    // Every repair has been reported; applying them lets the semantic checks run in the same
    // pass, so one run shows every problem.
    for repair in &structure.repairs {
        match repair {
            structure::Repair::Remove(pointer) => {
                remove(&mut doc.value, pointer);
            }
            structure::Repair::Replace(pointer, v) => {
                if let Some(slot) = doc.value.pointer_mut(pointer) {
                    *slot = v.clone();
                }
            }
            structure::Repair::Rename { from, to } => {
                if let Some(v) = remove(&mut doc.value, from) {
                    insert(&mut doc.value, to, v);
                }
            }
        }
    }
    let raw: raw::RawSpec = match serde_json::from_value(doc.value) {
        Ok(raw) => raw,
        Err(e) => {
            diagnostics.push(Diagnostic::error(
                "spec::invalid",
                format!("the spec does not match its schema: {e}"),
            ));
            return None;
        }
    };
    let (platform, semantic) = validate::validate(&raw, &doc.spans);
    diagnostics.extend(semantic);
    if yaml_failed || diagnostics.iter().any(Diagnostic::is_error) {
        return None;
    }
    platform
}

fn remove(value: &mut serde_json::Value, pointer: &str) -> Option<serde_json::Value> {
    let (parent, key) = pointer.rsplit_once('/')?;
    let key = key.replace("~1", "/").replace("~0", "~");
    match value.pointer_mut(parent) {
        Some(serde_json::Value::Object(map)) => map.remove(&key),
        _ => None,
    }
}

fn insert(value: &mut serde_json::Value, pointer: &str, v: serde_json::Value) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = key.replace("~1", "/").replace("~0", "~");
    if let Some(serde_json::Value::Object(map)) = value.pointer_mut(parent) {
        map.insert(key, v);
    }
}
