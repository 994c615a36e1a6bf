//! `plinth validate`: every problem in a spec, located, at once.

use std::path::Path;

use crate::report::{self, Source, Style};
use crate::{Format, Outcome};

/// Validates the spec at `path`.
pub fn run(path: &Path, format: Format, style: Style) -> Outcome {
    if format == Format::Json {
        let file = match super::read_spec(path) {
            Ok(f) => f,
            Err(e) => {
                out!(
                    "{}",
                    serde_json::to_string_pretty(&e.json(path)).expect("a JSON value serializes")
                );
                return Outcome::BadInput;
            }
        };
        let loaded = plinth_spec::load(&file.text);
        let source = Source {
            path,
            text: &file.text,
        };
        let mut out = report::json(&source, &loaded.diagnostics);
        out["valid"] = serde_json::Value::Bool(loaded.platform.is_some());
        out!(
            "{}",
            serde_json::to_string_pretty(&out).expect("a JSON value serializes")
        );
        return if loaded.platform.is_some() {
            Outcome::Success
        } else {
            Outcome::BadInput
        };
    }
    let Some((_, loaded)) = super::load_and_report(path, style) else {
        return Outcome::BadInput;
    };
    let Some(p) = loaded.platform else {
        err!(
            "{} is invalid: {}",
            path.display(),
            report::counts(&loaded.diagnostics)
        );
        return Outcome::BadInput;
    };
    let n = &p.network;
    out!(
        "{} is valid ({}): platform {}, {} zones, network {} with {} addresses left after {} subnets",
        path.display(),
        report::counts(&loaded.diagnostics),
        p.names.platform(),
        n.zones.len(),
        n.cidr,
        n.free_addresses,
        n.zones.len() * 2,
    );
    Outcome::Success
}
