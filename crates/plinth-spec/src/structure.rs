//! Structural validation: the document against the JSON Schema of [`crate::raw::RawSpec`].
//!
//! The schema is generated from the raw types (the same one `plinth schema` prints), so the file
//! format has one definition. Every schema violation becomes a located [`Diagnostic`]; unknown
//! fields suggest the closest valid name.

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::raw::RawSpec;
use crate::suggest::closest;
use crate::yaml::{Document, escape_pointer};

/// The JSON Schema of the spec file (draft 2020-12), overlays under `environments` included:
/// what `plinth schema` prints for editors. Optional fields are simply not required; `null` is
/// not accepted for them, so a stray empty key is reported rather than ignored.
pub fn json_schema() -> Value {
    let mut schema = base_schema().clone();
    crate::environments::extend_schema(&mut schema);
    schema
}

/// The schema a document is checked against once its overlay is merged and `environments` is
/// split off: [`json_schema`] without the overlay definitions, which would otherwise double the
/// compiled validator that every load keeps.
pub(crate) fn base_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
        let mut schema = generator.into_root_schema_for::<RawSpec>().to_value();
        strip_null(&mut schema);
        if let Some(obj) = schema.as_object_mut() {
            obj.insert(
                "$id".into(),
                Value::from("https://plinth.dev/schema/v1alpha1/plinth.schema.json"),
            );
        }
        schema
    })
}

/// Removes the `null` alternative schemars adds for `Option` fields: an optional field is
/// simply not required, and an explicit `null` is reported instead of silently ignored.
fn strip_null(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            let null_branch = |b: &Value| b.get("type").is_some_and(|t| t == "null");
            if let Some(Value::Array(branches)) = map.get("anyOf")
                && branches.len() == 2
                && branches.iter().any(null_branch)
            {
                let keep = branches.iter().find(|b| !null_branch(b)).cloned();
                map.remove("anyOf");
                if let Some(Value::Object(keep)) = keep {
                    map.extend(keep);
                }
            }
            map.values_mut().for_each(strip_null);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

/// Result of structural validation.
pub struct Structure {
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
    /// Repairs that leave a document the semantic checks can still read, so one run reports
    /// everything: unknown fields are dropped, and a misspelt required field is read under its
    /// right name. Each repair has its diagnostic above; none of them makes the spec valid.
    pub repairs: Vec<Repair>,
    /// Whether some problem cannot be repaired.
    pub blocking: bool,
}

/// A change to the document made only to keep validating after a reported error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    /// Drop the field at this pointer.
    Remove(String),
    /// Read the value at this pointer as the given one (a quoted number, the closest allowed
    /// value, a scalar wrapped in a list).
    Replace(String, Value),
    /// Move the field at `from` to `to` (a typo of a required field).
    Rename {
        /// The misspelt field.
        from: String,
        /// Where it belongs.
        to: String,
    },
}

/// Checks `doc` against the spec schema.
pub fn check(doc: &Document, source: &str) -> Structure {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    let validator = VALIDATOR.get_or_init(|| {
        jsonschema::validator_for(base_schema()).expect("the generated spec schema is valid")
    });
    let mut found = Found::default();
    for error in validator.iter_errors(&doc.value) {
        let pointer = error.instance_path().as_str().to_owned();
        describe(doc, &pointer, error.kind(), error.instance(), &mut found);
        repair(
            doc,
            source,
            &pointer,
            error.kind(),
            error.instance(),
            &mut found,
        );
    }
    let mut out = Structure {
        diagnostics: Vec::new(),
        repairs: std::mem::take(&mut found.repairs),
        blocking: found.unrepaired,
    };
    let mut renamed = Vec::new();
    for (parent, key, suggestion) in &found.unknown {
        let from = format!("{parent}/{}", escape_pointer(key));
        match suggestion {
            Some(right)
                if found
                    .missing
                    .iter()
                    .any(|(p, m, _)| p == parent && m == right) =>
            {
                renamed.push((parent.clone(), right.clone()));
                out.repairs.push(Repair::Rename {
                    from,
                    to: format!("{parent}/{}", escape_pointer(right)),
                });
            }
            _ => out.repairs.push(Repair::Remove(from)),
        }
    }
    // A missing field explained by a misspelling is reported once, as the misspelling.
    for (i, d) in found.diagnostics.into_iter().enumerate() {
        let explained = found
            .missing
            .iter()
            .any(|(p, m, idx)| *idx == i && renamed.iter().any(|(rp, rm)| rp == p && rm == m));
        if !explained {
            out.diagnostics.push(d);
        }
    }
    out.blocking |= found
        .missing
        .iter()
        .any(|(p, m, _)| !renamed.iter().any(|(rp, rm)| rp == p && rm == m));
    out.diagnostics.sort_by_key(|d| d.span.map(|s| s.start));
    out
}

#[derive(Default)]
struct Found {
    diagnostics: Vec<Diagnostic>,
    /// (parent pointer, key, suggested field).
    unknown: Vec<(String, String, Option<String>)>,
    /// (parent pointer, field, index of its diagnostic).
    missing: Vec<(String, String, usize)>,
    /// Repairs planned for wrong values.
    repairs: Vec<Repair>,
    /// Whether some problem has no repair.
    unrepaired: bool,
}

/// Plans a repair for a wrong value so semantic checks can still run; marks the structure
/// unrepairable when there is none. Unknown and missing fields are handled in [`check`].
fn repair(
    doc: &Document,
    source: &str,
    pointer: &str,
    kind: &ValidationErrorKind,
    instance: &Value,
    out: &mut Found,
) {
    if matches!(
        kind,
        ValidationErrorKind::AdditionalProperties { .. } | ValidationErrorKind::Required { .. }
    ) {
        return;
    }
    let text = doc
        .spans
        .value(pointer)
        .and_then(|s| source.get(s.start..s.end))
        .unwrap_or_default();
    let expected = |t: &str| matches!(kind, ValidationErrorKind::Type { kind: TypeKind::Single(k) } if k.to_string() == t);
    let replacement = match kind {
        ValidationErrorKind::Type { .. }
            if expected("string") && matches!(instance, Value::Number(_) | Value::Bool(_)) =>
        {
            Some(Value::from(text.trim_matches(['"', '\'']).to_owned()))
        }
        ValidationErrorKind::Type { .. }
            if expected("array") && !instance.is_object() && !instance.is_null() =>
        {
            Some(Value::Array(vec![instance.clone()]))
        }
        ValidationErrorKind::Enum { .. }
        | ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::Constant { .. } => {
            let shown = instance
                .as_str()
                .map_or_else(|| instance.to_string(), str::to_owned);
            closest(&shown, allowed_values(pointer).iter().map(String::as_str)).map(Value::from)
        }
        _ => None,
    };
    if let Some(v) = replacement {
        out.repairs.push(Repair::Replace(pointer.to_owned(), v));
        return;
    }
    // An optional field with a wrong value can be left out.
    if let Some((parent, key)) = pointer.rsplit_once('/') {
        let is_index = key.bytes().all(|b| b.is_ascii_digit());
        let required = schema_at(parent)
            .and_then(|s| s.get("required"))
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|f| f == key));
        if !is_index && !required {
            out.repairs.push(Repair::Remove(pointer.to_owned()));
            return;
        }
    }
    out.unrepaired = true;
}

fn describe(
    doc: &Document,
    pointer: &str,
    kind: &ValidationErrorKind,
    instance: &Value,
    out: &mut Found,
) {
    let at = display_path(pointer);
    let spans = &doc.spans;
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let valid = field_names(pointer);
            for key in unexpected {
                let child = format!("{pointer}/{}", escape_pointer(key));
                let mut d = Diagnostic::error(
                    "spec::unknown-field",
                    format!("unknown field `{key}`{}", in_(&at)),
                )
                .at(spans.key(&child))
                .label("not a field here");
                let best = closest(key, valid.iter().map(String::as_str));
                d = match best {
                    Some(best) => d.help(format!("did you mean `{best}`?")),
                    None if !valid.is_empty() => {
                        d.help(format!("valid fields here: {}", valid.join(", ")))
                    }
                    None => d,
                };
                out.diagnostics.push(d);
                out.unknown
                    .push((pointer.to_owned(), key.clone(), best.map(str::to_owned)));
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let mut d = Diagnostic::error(
                "spec::missing-field",
                format!("missing field `{name}`{}", in_(&at)),
            )
            .at(if pointer.is_empty() {
                // At the top level, point at where the document starts, not at all of it.
                spans.value("").map(|s| crate::Span::new(s.start, s.start))
            } else {
                spans.key(pointer)
            })
            .label(format!("`{name}` is required here"));
            if let Some(desc) = field_description(pointer, name) {
                d = d.help(format!(
                    "add `{name}`: {}",
                    lower_first(desc.trim_end_matches('.'))
                ));
            }
            out.missing
                .push((pointer.to_owned(), name.to_owned(), out.diagnostics.len()));
            out.diagnostics.push(d);
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => article(&t.to_string()),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| article(&t.to_string()))
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            let found = json_kind(instance);
            let mut d = Diagnostic::error(
                "spec::wrong-type",
                format!("`{at}` must be {expected}, found {found}"),
            )
            .at(spans.value(pointer))
            .label(format!("this is {found}"));
            if expected.contains("string") && matches!(instance, Value::Number(_) | Value::Bool(_))
            {
                d = d.help("quote the value so YAML keeps it as text (account ids, versions like \"1.30\" and ids with leading zeros lose their form unquoted)");
            } else if instance.is_null() {
                d = d.help("give it a value, or remove the key");
            } else if expected.contains("list") {
                d = d.help("write a list, e.g. `[a, b]` or one `- item` per line");
            } else if expected.contains("mapping") {
                d = d.help("write the fields indented under the key, or as `{field: value}`");
            }
            out.diagnostics.push(d);
        }
        ValidationErrorKind::Enum { .. }
        | ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::Constant { .. } => {
            let options = allowed_values(pointer);
            let shown = match instance {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let mut d = Diagnostic::error(
                "spec::invalid-value",
                format!("`{shown}` is not a valid value for `{at}`"),
            )
            .at(spans.value(pointer))
            .label("not allowed");
            let best = closest(&shown, options.iter().map(String::as_str));
            d = match best {
                Some(b) => d.help(format!(
                    "did you mean `{b}`? allowed: {}",
                    options.join(", ")
                )),
                None => d.help(format!("allowed: {}", options.join(", "))),
            };
            out.diagnostics.push(d);
        }
        ValidationErrorKind::Minimum { limit }
        | ValidationErrorKind::ExclusiveMinimum { limit } => {
            out.diagnostics.push(
                Diagnostic::error(
                    "spec::out-of-range",
                    format!("`{at}` is {instance}, below the minimum of {limit}"),
                )
                .at(spans.value(pointer)),
            );
        }
        ValidationErrorKind::Maximum { limit }
        | ValidationErrorKind::ExclusiveMaximum { limit } => {
            out.diagnostics.push(
                Diagnostic::error(
                    "spec::out-of-range",
                    format!("`{at}` is {instance}, above the maximum of {limit}"),
                )
                .at(spans.value(pointer)),
            );
        }
        other => {
            out.diagnostics.push(
                Diagnostic::error(
                    "spec::invalid-value",
                    format!("`{at}` is invalid: {other:?}"),
                )
                .at(spans.value(pointer)),
            );
        }
    }
}

/// Whether the list at `pointer` holds items that a required `name` identifies (node groups,
/// services): environments merge such lists item by item.
pub(crate) fn keyed_by_name(pointer: &str) -> bool {
    let root = base_schema();
    schema_at(pointer)
        .and_then(|s| s.get("items"))
        .map(|items| deref(root, items))
        .and_then(|items| items.get("required"))
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|f| f == "name"))
}

/// Whether the field `key` of the mapping at `parent` is required.
pub(crate) fn is_required(parent: &str, key: &str) -> bool {
    schema_at(parent)
        .and_then(|s| s.get("required"))
        .and_then(Value::as_array)
        .is_some_and(|r| r.iter().any(|f| f == key))
}

/// `/cluster/nodeGroups/0/name` → `cluster.nodeGroups[0].name`.
pub fn display_path(pointer: &str) -> String {
    let mut out = String::new();
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if token.bytes().all(|b| b.is_ascii_digit()) && !token.is_empty() {
            out.push('[');
            out.push_str(&token);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    if out.is_empty() {
        "the spec".into()
    } else {
        out
    }
}

fn in_(at: &str) -> String {
    if at == "the spec" {
        " at the top level".into()
    } else {
        format!(" in `{at}`")
    }
}

fn article(t: &str) -> String {
    match t {
        "object" => "a mapping".into(),
        "array" => "a list".into(),
        "integer" => "a whole number".into(),
        "null" => "empty".into(),
        other if other.starts_with(['a', 'e', 'i', 'o', 'u']) => format!("an {other}"),
        other => format!("a {other}"),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a decimal number",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The schema that describes the value at `pointer`, following `$ref`s.
fn schema_at(pointer: &str) -> Option<&'static Value> {
    let root = base_schema();
    let mut node = deref(root, root);
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = node
            .get("properties")
            .and_then(|p| p.get(&token))
            .or_else(|| node.get("additionalProperties").filter(|a| a.is_object()))
            .or_else(|| node.get("items"))?;
        node = deref(root, next);
    }
    Some(node)
}

fn deref<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..8 {
        let Some(r) = node.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(target) = r.strip_prefix('#').and_then(|p| root.pointer(p)) else {
            break;
        };
        node = target;
    }
    node
}

fn field_names(pointer: &str) -> Vec<String> {
    schema_at(pointer)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn field_description(pointer: &str, field: &str) -> Option<String> {
    let root = base_schema();
    let prop = schema_at(pointer)?.get("properties")?.get(field)?;
    let desc = prop
        .get("description")
        .or_else(|| deref(root, prop).get("description"))?;
    desc.as_str().map(str::to_owned)
}

fn allowed_values(pointer: &str) -> Vec<String> {
    let Some(schema) = schema_at(pointer) else {
        return Vec::new();
    };
    let mut values = Vec::new();
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        values.extend(e.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            for b in branches {
                if let Some(c) = b.get("const").and_then(Value::as_str) {
                    values.push(c.to_owned());
                }
                if let Some(e) = b.get("enum").and_then(Value::as_array) {
                    values.extend(e.iter().filter_map(Value::as_str).map(str::to_owned));
                }
            }
        }
    }
    if let Some(c) = schema.get("const").and_then(Value::as_str) {
        values.push(c.to_owned());
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loading_checks_against_the_published_schema_without_its_overlays() {
        let full = json_schema();
        let base = base_schema();
        let defs = |s: &Value| {
            s["$defs"]
                .as_object()
                .map(|d| d.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let (overlays, rest): (Vec<_>, Vec<_>) = defs(&full)
            .into_iter()
            .partition(|name| name.starts_with("Overlay"));
        assert_eq!(rest, defs(base));
        assert_eq!(
            overlays.len(),
            rest.len() + 1,
            "one overlay per definition, and the root's"
        );
        for name in &rest {
            assert_eq!(full["$defs"][name], base["$defs"][name], "{name}");
        }
        let mut without = full.clone();
        without["properties"]
            .as_object_mut()
            .unwrap()
            .remove(crate::environments::FIELD);
        assert_eq!(without["properties"], base["properties"]);
        assert!(base["properties"].get(crate::environments::FIELD).is_none());
    }

    #[test]
    fn paths_read_like_the_yaml() {
        assert_eq!(
            display_path("/cluster/nodeGroups/0/name"),
            "cluster.nodeGroups[0].name"
        );
        assert_eq!(display_path(""), "the spec");
    }

    #[test]
    fn schema_lookup_follows_refs() {
        let names = field_names("/cluster/nodeGroups/0");
        assert!(names.contains(&"instanceTypes".to_owned()), "{names:?}");
        let values = allowed_values("/cluster/endpointAccess");
        assert_eq!(values, ["public", "private", "public-and-private"]);
    }
}
