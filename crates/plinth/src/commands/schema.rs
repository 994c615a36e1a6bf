//! `plinth schema`: the spec's JSON Schema, generated from the same types the parser uses.

use plinth_cfn::sorted::to_pretty_json;

use crate::Outcome;

/// Prints the schema.
pub fn run() -> Outcome {
    let schema = plinth_spec::json_schema();
    out!("{}", to_pretty_json(&schema));
    Outcome::Success
}
