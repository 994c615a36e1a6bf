//! `plinth schema`: the spec's JSON Schema, generated from the same types the parser uses.

use crate::Outcome;

/// Prints the schema.
pub fn run() -> Outcome {
    let schema = plinth_spec::json_schema();
    out!(
        "{}",
        serde_json::to_string_pretty(schema).expect("a JSON value serializes")
    );
    Outcome::Success
}
