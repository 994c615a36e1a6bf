//! JSON values serialized with every object's keys in sorted order.
//!
//! `serde_json::Map` is a sorted map unless some crate in the build turns on serde_json's
//! `preserve_order` feature, which makes it keep insertion order. Cargo unifies features across
//! everything it builds at once, so one dependency (the AWS SDK's HTTP test utilities do this)
//! would silently reorder every template and manifest plinth writes. Everything plinth writes
//! therefore serializes its JSON values through [`Sorted`]: the output is the same whichever way
//! the feature falls.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// `value`, serialized with the keys of every object in it in sorted order.
#[derive(Debug, Clone, Copy)]
pub struct Sorted<'a>(pub &'a Value);

impl Serialize for Sorted<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(map) => {
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                let mut out = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    out.serialize_entry(key, &Sorted(value))?;
                }
                out.end()
            }
            Value::Array(items) => serializer.collect_seq(items.iter().map(Sorted)),
            scalar => scalar.serialize(serializer),
        }
    }
}

/// Compact JSON, e.g. for a JSON document held in a string property.
impl std::fmt::Display for Sorted<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = serde_json::to_string(self).map_err(|_| std::fmt::Error)?;
        f.write_str(&text)
    }
}

/// Values in order, each serialized as [`Sorted`]: a YAML stream or JSON array of objects.
#[derive(Debug, Clone, Copy)]
pub struct SortedAll<'a>(pub &'a [Value]);

impl Serialize for SortedAll<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(Sorted))
    }
}

/// Pretty JSON of `value` with sorted keys.
pub fn to_pretty_json(value: &Value) -> String {
    serde_json::to_string_pretty(&Sorted(value)).expect("a JSON value always serializes")
}

/// For `#[serde(serialize_with)]` on a [`Value`] field.
pub fn value<S: Serializer>(value: &Value, serializer: S) -> Result<S::Ok, S::Error> {
    Sorted(value).serialize(serializer)
}

/// For `#[serde(serialize_with)]` on an optional [`Value`] field.
#[allow(clippy::ref_option)] // serde hands the field over by reference
pub fn option<S: Serializer>(value: &Option<Value>, serializer: S) -> Result<S::Ok, S::Error> {
    value.as_ref().map(Sorted).serialize(serializer)
}

/// For `#[serde(serialize_with)]` on a map of [`Value`]s.
pub fn map<S: Serializer>(
    values: &std::collections::BTreeMap<String, Value>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_map(values.iter().map(|(k, v)| (k, Sorted(v))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    /// An object whose keys were inserted out of order (which `preserve_order` would keep).
    fn shuffled() -> Value {
        let mut inner = Map::new();
        inner.insert("z".into(), json!(1));
        inner.insert("a".into(), json!([{ "y": 2, "b": 3 }]));
        let mut outer = Map::new();
        outer.insert("m".into(), Value::Object(inner));
        outer.insert("c".into(), json!(null));
        Value::Object(outer)
    }

    #[test]
    fn every_level_is_written_in_key_order() {
        let text = Sorted(&shuffled()).to_string();
        assert_eq!(text, r#"{"c":null,"m":{"a":[{"b":3,"y":2}],"z":1}}"#);
    }

    #[test]
    fn a_stream_keeps_its_order_and_sorts_each_value() {
        let values = [json!({ "k": 2 }), shuffled()];
        let text = serde_json::to_string(&SortedAll(&values)).unwrap();
        assert_eq!(
            text,
            r#"[{"k":2},{"c":null,"m":{"a":[{"b":3,"y":2}],"z":1}}]"#
        );
    }
}
