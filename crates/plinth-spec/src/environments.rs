//! Environments: named overlays (dev, staging, prod, …) deep-merged onto the base spec.
//!
//! ```yaml
//! environments:
//!   prod:
//!     metadata: {id: web-prod, alias: prod}
//!     cluster:
//!       nodeGroups:
//!         - {name: system, minSize: 3, desiredSize: 3, maxSize: 6}
//! ```
//!
//! Merge rules, applied from the top of the overlay down:
//!
//! - a mapping merges into the base's mapping key by key;
//! - `null` removes the key from the base (as in JSON Merge Patch, RFC 7396);
//! - a list whose items a `name` identifies (node groups, services) merges item by item: an
//!   overlay item updates the base item of the same name in place, an item with a new name is
//!   appended, and an item with `$patch: delete` removes the base item of that name;
//! - every other list, and every scalar, replaces the base's value.
//!
//! `metadata.environment` is the environment's name unless the overlay sets it. The merged
//! document carries a span index in which every node points at the text that produced it —
//! the overlay's where the overlay set it, the base's elsewhere — so a problem in the merged
//! spec is reported where it was written.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::diagnostic::Diagnostic;
use crate::structure::{display_path, is_required, keyed_by_name};
use crate::suggest::closest;
use crate::yaml::{Document, NodeSpan, SpanIndex, escape_pointer};

/// The top-level field that holds the overlays.
pub const FIELD: &str = "environments";

/// Longest environment name: it becomes `metadata.environment`, a tag value and a directory.
const MAX_NAME: usize = 32;

/// Removes `environments` from `doc` and returns the usable overlays by name (a name whose
/// overlay is empty maps to an empty mapping). Malformed names and overlays are reported.
pub(crate) fn split(doc: &mut Document, diags: &mut Vec<Diagnostic>) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    let Some(envs) = doc
        .value
        .as_object_mut()
        .and_then(|root| root.remove(FIELD))
    else {
        return out;
    };
    let spans = &doc.spans;
    let Value::Object(envs) = envs else {
        diags.push(
            Diagnostic::error(
                "spec::wrong-type",
                "`environments` must be a mapping of environment names to overlays",
            )
            .at(spans.value(&format!("/{FIELD}")))
            .help("write each environment as a name with the fields it changes indented under it"),
        );
        return out;
    };
    for (name, overlay) in envs {
        let p = format!("/{FIELD}/{}", escape_pointer(&name));
        if !crate::validate::is_slug(&name) || name.len() > MAX_NAME {
            diags.push(
                Diagnostic::error(
                    "spec::invalid-name",
                    format!("environment name `{name}` is not a valid name"),
                )
                .at(spans.key(&p))
                .help(format!("use up to {MAX_NAME} lowercase letters, digits and `-`, starting with a letter, e.g. `prod`")),
            );
            continue;
        }
        let overlay = match overlay {
            Value::Null => Value::Object(Map::new()),
            Value::Object(map) => {
                if map.contains_key(FIELD) {
                    diags.push(
                        Diagnostic::error(
                            "spec::nested-environments",
                            format!("environment `{name}` defines environments of its own"),
                        )
                        .at(spans.key(&format!("{p}/{FIELD}")))
                        .help("environments overlay the base spec only; define every environment at the top level"),
                    );
                    continue;
                }
                Value::Object(map)
            }
            other => {
                diags.push(
                    Diagnostic::error(
                        "spec::wrong-type",
                        format!("environment `{name}` must be a mapping of the fields it changes"),
                    )
                    .at(spans.value(&p))
                    .label(format!("this is {}", kind(&other)))
                    .help("indent the fields this environment overrides under its name, e.g. `metadata: {id: web-prod}`"),
                );
                continue;
            }
        };
        out.insert(name, overlay);
    }
    out
}

/// The diagnostic for a `-e NAME` the spec does not define.
pub(crate) fn unknown(doc: &Document, name: &str, defined: &[String]) -> Diagnostic {
    let (message, help) = if defined.is_empty() {
        (
            format!("environment `{name}` is not defined: the spec has no `environments`"),
            "add `environments:` with an overlay per environment, or run without `--environment`"
                .to_owned(),
        )
    } else {
        let list = defined.join(", ");
        let help = match closest(name, defined.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}`? defined: {list}"),
            None => format!("defined: {list}"),
        };
        (format!("environment `{name}` is not defined"), help)
    };
    let at = if defined.is_empty() {
        doc.spans
            .value("")
            .map(|s| crate::Span::new(s.start, s.start))
    } else {
        doc.spans.key(&format!("/{FIELD}"))
    };
    Diagnostic::error("spec::unknown-environment", message)
        .at(at)
        .help(help)
}

/// The diagnostic for a spec with environments loaded without choosing one.
pub(crate) fn required(doc: &Document, defined: &[String]) -> Diagnostic {
    Diagnostic::error(
        "spec::environment-required",
        "the spec defines environments; choose one",
    )
    .at(doc.spans.key(&format!("/{FIELD}")))
    .label("defined here")
    .help(format!(
        "pass `--environment NAME` with one of: {}",
        defined.join(", ")
    ))
}

/// `doc` (its environments split off) with the overlay of environment `name` merged in.
pub(crate) fn merge(
    doc: &Document,
    name: &str,
    overlay: &Value,
    diags: &mut Vec<Diagnostic>,
) -> Document {
    let overlay_root = format!("/{FIELD}/{}", escape_pointer(name));
    let mut m = Merger {
        spans: &doc.spans,
        out: SpanIndex::default(),
        diags,
    };
    let mut value = m
        .value(Some((&doc.value, "")), overlay, &overlay_root, "")
        .unwrap_or(Value::Null);
    // The document itself is the base's: a field missing at the top level is reported where
    // the file starts.
    if let Some(root) = doc.spans.get("") {
        m.out.insert(String::new(), root);
    }
    if overlay.pointer("/metadata/environment").is_none()
        && let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut)
    {
        metadata.insert("environment".into(), Value::from(name));
        if let Some(key) = doc.spans.get(&overlay_root).and_then(|n| n.key) {
            m.out.insert(
                "/metadata/environment".into(),
                NodeSpan {
                    key: Some(key),
                    value: key,
                },
            );
        }
    }
    Document {
        value,
        spans: m.out,
    }
}

/// An overlay item of a keyed list: its fields without `$patch`, or `None` to delete.
type Patch = Option<Map<String, Value>>;

/// Builds a merged document and its span index.
struct Merger<'a> {
    /// Spans of the original file: base and overlays alike.
    spans: &'a SpanIndex,
    /// Spans of the merged document.
    out: SpanIndex,
    diags: &'a mut Vec<Diagnostic>,
}

impl Merger<'_> {
    /// Merges `overlay` (at pointer `op` of the file) onto `base` (its value and pointer, when
    /// the base has this node), giving the node at `mp` of the merged document, or `None` when
    /// the overlay removes it.
    fn value(
        &mut self,
        base: Option<(&Value, &str)>,
        overlay: &Value,
        op: &str,
        mp: &str,
    ) -> Option<Value> {
        let merged = match overlay {
            Value::Null => return None,
            Value::Object(o) => {
                let b = base.and_then(|(v, p)| v.as_object().map(|m| (m, p)));
                Value::Object(self.mapping(b, o, op, mp))
            }
            Value::Array(o) if keyed_by_name(mp) => {
                let b = base.and_then(|(v, p)| v.as_array().map(|a| (a.as_slice(), p)));
                Value::Array(self.keyed(b, o, op, mp))
            }
            scalar_or_list => {
                self.out.copy_subtree(self.spans, op, mp);
                return Some(scalar_or_list.clone());
            }
        };
        if let Some(span) = self.spans.get(op) {
            self.out.insert(mp.to_owned(), span);
        }
        Some(merged)
    }

    fn mapping(
        &mut self,
        base: Option<(&Map<String, Value>, &str)>,
        overlay: &Map<String, Value>,
        op: &str,
        mp: &str,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        if let Some((b, bp)) = base {
            for (k, bv) in b {
                let key = escape_pointer(k);
                let (bcp, mcp) = (format!("{bp}/{key}"), format!("{mp}/{key}"));
                match overlay.get(k) {
                    Some(Value::Null) if is_required(mp, k) => {
                        // Keep the base's value, so the one problem is reported once, here.
                        self.diags.push(
                            Diagnostic::error(
                                "spec::removes-required-field",
                                format!(
                                    "an environment removes `{}`, which is required",
                                    display_path(&mcp)
                                ),
                            )
                            .at(self.spans.value(&format!("{op}/{key}")))
                            .help("change the fields that differ instead of removing it"),
                        );
                        self.out.copy_subtree(self.spans, &bcp, &mcp);
                        out.insert(k.clone(), bv.clone());
                    }
                    Some(ov) => {
                        if let Some(v) =
                            self.value(Some((bv, &bcp)), ov, &format!("{op}/{key}"), &mcp)
                        {
                            out.insert(k.clone(), v);
                        }
                    }
                    None => {
                        self.out.copy_subtree(self.spans, &bcp, &mcp);
                        out.insert(k.clone(), bv.clone());
                    }
                }
            }
        }
        for (k, ov) in overlay {
            if base.is_some_and(|(b, _)| b.contains_key(k)) {
                continue;
            }
            let key = escape_pointer(k);
            if let Some(v) = self.value(None, ov, &format!("{op}/{key}"), &format!("{mp}/{key}")) {
                out.insert(k.clone(), v);
            }
        }
        out
    }

    /// Merges a list whose items a `name` identifies.
    fn keyed(
        &mut self,
        base: Option<(&[Value], &str)>,
        overlay: &[Value],
        op: &str,
        mp: &str,
    ) -> Vec<Value> {
        let at = display_path(mp);
        // The overlay's items by name; items without a usable name are reported and skipped.
        let mut by_name: BTreeMap<&str, (usize, Patch)> = BTreeMap::new();
        let mut order = Vec::new();
        for (i, item) in overlay.iter().enumerate() {
            let ip = format!("{op}/{i}");
            let Some(name) = item.get("name").and_then(Value::as_str) else {
                self.diags.push(
                    Diagnostic::error(
                        "spec::overlay-item-without-name",
                        format!("an item of `{at}` in an environment has no `name`"),
                    )
                    .at(self.spans.value(&ip))
                    .help("items of this list merge with the base's by `name`; name the item to change, add or remove"),
                );
                continue;
            };
            if by_name.contains_key(name) {
                self.diags.push(
                    Diagnostic::error(
                        "spec::duplicate-overlay-item",
                        format!("`{name}` appears twice in this environment's `{at}`"),
                    )
                    .at(self.spans.value(&format!("{ip}/name")))
                    .help("merge the two entries into one"),
                );
                continue;
            }
            by_name.insert(name, (i, self.patch(item, &ip)));
            order.push(name);
        }
        let mut out = Vec::new();
        let mut in_base = BTreeSet::new();
        if let Some((b, bp)) = base {
            for (j, item) in b.iter().enumerate() {
                let bip = format!("{bp}/{j}");
                let mip = format!("{mp}/{}", out.len());
                let name = item.get("name").and_then(Value::as_str);
                in_base.extend(name);
                match name.and_then(|n| by_name.get(n)) {
                    // `$patch: delete`.
                    Some((_, None)) => {}
                    Some((i, Some(o))) => {
                        let merged = self.mapping(
                            item.as_object().map(|m| (m, bip.as_str())),
                            o,
                            &format!("{op}/{i}"),
                            &mip,
                        );
                        if let Some(span) = self.spans.get(&format!("{op}/{i}")) {
                            self.out.insert(mip, span);
                        }
                        out.push(Value::Object(merged));
                    }
                    None => {
                        self.out.copy_subtree(self.spans, &bip, &mip);
                        out.push(item.clone());
                    }
                }
            }
        }
        for name in order {
            if in_base.contains(name) {
                continue;
            }
            let Some((i, o)) = by_name.remove(name) else {
                continue;
            };
            let ip = format!("{op}/{i}");
            let Some(o) = o else {
                self.diags.push(
                    Diagnostic::error(
                        "spec::nothing-to-delete",
                        format!(
                            "`{name}` is not in the base's `{at}`, so there is nothing to delete"
                        ),
                    )
                    .at(self.spans.value(&format!("{ip}/$patch")))
                    .help("check the name, or remove this item"),
                );
                continue;
            };
            let mip = format!("{mp}/{}", out.len());
            out.push(Value::Object(self.mapping(None, &o, &ip, &mip)));
            if let Some(span) = self.spans.get(&ip) {
                self.out.insert(mip, span);
            }
        }
        out
    }

    /// An overlay item without its `$patch` key, or `None` for `$patch: delete`.
    fn patch(&mut self, item: &Value, ip: &str) -> Patch {
        let mut map = item.as_object()?.clone();
        match map.remove("$patch") {
            None => Some(map),
            Some(Value::String(s)) if s == "delete" => None,
            Some(other) => {
                self.diags.push(
                    Diagnostic::error(
                        "spec::invalid-value",
                        format!("`$patch: {other}` is not supported"),
                    )
                    .at(self.spans.value(&format!("{ip}/$patch")))
                    .help("`$patch: delete` removes the base's item of this name; to change an item, list only the fields that change"),
                );
                Some(map)
            }
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// Environments that would create the same physical names: two of them in one account and
/// region with the same stack names or the same `metadata.id`, or anywhere with the same id
/// when one of them has S3 buckets (bucket names are global).
pub(crate) fn collisions(doc: &Document, loaded: &[(String, crate::Loaded)]) -> Vec<Diagnostic> {
    let valid: Vec<(&str, &crate::Platform)> = loaded
        .iter()
        .filter_map(|(n, l)| l.platform.as_ref().map(|p| (n.as_str(), p)))
        .collect();
    let mut out = Vec::new();
    for (i, (name, p)) in valid.iter().enumerate() {
        for (earlier, q) in &valid[..i] {
            let same_place = p.aws.account == q.aws.account && p.aws.region == q.aws.region;
            let place = format!("in account {}, region {}", p.aws.account, p.aws.region);
            let what = if same_place && p.names.platform() == q.names.platform() {
                format!("the stacks `{}-*` {place}", p.names.platform())
            } else if same_place && p.names.id() == q.names.id() {
                format!("resources named `{}-*` {place}", p.names.id())
            } else if p.names.id() == q.names.id() && (p.druid.is_some() || q.druid.is_some()) {
                format!(
                    "S3 buckets named `{}-*`, and bucket names are global",
                    p.names.id()
                )
            } else {
                continue;
            };
            let p_at = format!("/{FIELD}/{}", escape_pointer(name));
            let at = doc
                .spans
                .get(&format!("{p_at}/metadata"))
                .or_else(|| doc.spans.get(&p_at))
                .map(|n| n.key.unwrap_or(n.value));
            out.push(
                Diagnostic::error(
                    "spec::environments-collide",
                    format!("environments `{earlier}` and `{name}` would both create {what}"),
                )
                .at(at)
                .help("give each environment its own `metadata.id` and `metadata.alias` (or its own account)"),
            );
        }
    }
    out
}

/// Adds `environments` to the spec's JSON Schema. An overlay is described by a copy of the
/// spec's schema in which nothing is required but the `name` of keyed list items, any field
/// may be `null` (to remove it) and keyed items may carry `$patch: delete`, so editors
/// complete and check overlays too. Loading checks the merged result, not the overlay.
pub(crate) fn extend_schema(schema: &mut Value) {
    let Some(root) = schema.as_object_mut() else {
        return;
    };
    let defs = root
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut items = BTreeSet::new();
    collect_item_refs(&Value::Object(root.clone()), &mut items);
    let mut overlay_defs = Map::new();
    for (name, def) in &defs {
        let mut d = def.clone();
        partial(&mut d, items.contains(name));
        overlay_defs.insert(format!("Overlay{name}"), d);
    }
    let mut overlay = json_object([
        ("type", Value::from("object")),
        (
            "properties",
            root.get("properties").cloned().unwrap_or_default(),
        ),
        ("additionalProperties", Value::Bool(false)),
    ]);
    partial(&mut overlay, false);
    overlay_defs.insert("Overlay".into(), overlay);
    let defs = root
        .entry("$defs")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(defs) = defs.as_object_mut() {
        defs.extend(overlay_defs);
    }
    if let Some(Value::Object(props)) = root.get_mut("properties") {
        props.insert(
            FIELD.into(),
            json_object([
                ("description", Value::from("Named overlays (dev, staging, prod, …) merged onto this spec: mappings merge, `null` removes a field, lists of named items merge by `name`, other lists and values replace. Choose one with `--environment NAME`.")),
                ("type", Value::from("object")),
                ("additionalProperties", json_object([("$ref", Value::from("#/$defs/Overlay"))])),
            ]),
        );
    }
}

fn json_object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

/// Names of the definitions used as list items.
fn collect_item_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            if let Some(r) = map
                .get("items")
                .and_then(|i| i.get("$ref"))
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
            {
                out.insert(r.to_owned());
            }
            map.values().for_each(|c| collect_item_refs(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| collect_item_refs(c, out)),
        _ => {}
    }
}

/// Turns a schema into its overlay form (see [`extend_schema`]).
fn partial(v: &mut Value, list_item: bool) {
    let Value::Object(map) = v else {
        if let Value::Array(a) = v {
            for c in a.iter_mut() {
                partial(c, false);
            }
        }
        return;
    };
    if let Some(Value::String(r)) = map.get_mut("$ref")
        && let Some(name) = r.strip_prefix("#/$defs/")
    {
        *r = format!("#/$defs/Overlay{name}");
    }
    let keyed = list_item
        && map
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|f| f == "name"));
    map.remove("required");
    if let Some(Value::Object(props)) = map.get_mut("properties") {
        for prop in props.values_mut() {
            partial(prop, false);
            let description = prop.as_object_mut().and_then(|p| p.remove("description"));
            let mut either = json_object([(
                "anyOf",
                Value::Array(vec![
                    prop.take(),
                    json_object([("type", Value::from("null"))]),
                ]),
            )]);
            if let (Some(d), Some(e)) = (description, either.as_object_mut()) {
                e.insert("description".into(), d);
            }
            *prop = either;
        }
        if keyed {
            props.insert(
                "$patch".into(),
                json_object([
                    (
                        "description",
                        Value::from("`delete` removes the base's item of this name."),
                    ),
                    ("const", Value::from("delete")),
                ]),
            );
        }
    }
    if keyed {
        map.insert("required".into(), Value::Array(vec![Value::from("name")]));
    }
    for (k, child) in map.iter_mut() {
        if k != "properties" {
            partial(child, false);
        }
    }
    // A `null` value removes a key of a free-form mapping (an EKS addon, a tag) too.
    if let Some(extra) = map.get_mut("additionalProperties")
        && extra.is_object()
    {
        *extra = json_object([(
            "anyOf",
            Value::Array(vec![
                extra.take(),
                json_object([("type", Value::from("null"))]),
            ]),
        )]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Limits, parse};

    /// Merges environment `name` of `src`, returning the merged document and diagnostics.
    fn merged(src: &str, name: &str) -> (Document, Vec<Diagnostic>) {
        let (doc, diags) = parse(src, Limits::default());
        assert!(diags.is_empty(), "{diags:?}");
        let mut doc = doc.unwrap();
        let mut diags = Vec::new();
        let overlays = split(&mut doc, &mut diags);
        let out = merge(&doc, name, &overlays[name], &mut diags);
        (out, diags)
    }

    fn text<'s>(src: &'s str, doc: &Document, pointer: &str) -> &'s str {
        let s = doc.spans.get(pointer).unwrap().value;
        &src[s.start..s.end]
    }

    const SRC: &str = "\
metadata: {id: web, environment: base}
network: {cidr: 10.0.0.0/16, availabilityZones: [a, b, c]}
cluster:
  nodeGroups:
    - {name: system, minSize: 2, maxSize: 4}
    - {name: batch, minSize: 0, maxSize: 9}
observability: {containerInsights: true}
environments:
  prod:
    metadata: {id: web-prod}
    network: {availabilityZones: [a, b]}
    cluster:
      nodeGroups:
        - {name: extra, minSize: 1, maxSize: 2}
        - {name: system, maxSize: 8}
        - {name: batch, $patch: delete}
    observability: null
  dev:
";

    #[test]
    fn maps_merge_lists_replace_and_null_removes() {
        let (doc, diags) = merged(SRC, "prod");
        assert!(diags.is_empty(), "{diags:?}");
        let v = &doc.value;
        assert_eq!(v["metadata"]["id"], "web-prod");
        assert_eq!(v["metadata"]["environment"], "prod");
        assert_eq!(v["network"]["cidr"], "10.0.0.0/16");
        assert_eq!(
            v["network"]["availabilityZones"],
            serde_json::json!(["a", "b"])
        );
        assert!(v.get("observability").is_none());
        assert!(v.get(FIELD).is_none());
    }

    #[test]
    fn named_items_merge_in_place_append_and_delete() {
        let (doc, _) = merged(SRC, "prod");
        assert_eq!(
            doc.value["cluster"]["nodeGroups"],
            serde_json::json!([
                {"name": "system", "minSize": 2, "maxSize": 8},
                {"name": "extra", "minSize": 1, "maxSize": 2},
            ])
        );
    }

    #[test]
    fn every_merged_node_points_at_the_text_that_set_it() {
        let (doc, _) = merged(SRC, "prod");
        // Set by the overlay.
        assert_eq!(text(SRC, &doc, "/metadata/id"), "web-prod");
        assert_eq!(text(SRC, &doc, "/cluster/nodeGroups/0/maxSize"), "8");
        assert_eq!(text(SRC, &doc, "/cluster/nodeGroups/1/name"), "extra");
        assert_eq!(text(SRC, &doc, "/network/availabilityZones/1"), "b");
        // Kept from the base, at its new index too.
        assert_eq!(text(SRC, &doc, "/cluster/nodeGroups/0/minSize"), "2");
        assert_eq!(text(SRC, &doc, "/network/cidr"), "10.0.0.0/16");
        // The defaulted environment points at the environment's name.
        let env = doc.spans.get("/metadata/environment").unwrap().value;
        assert_eq!(&SRC[env.start..env.end], "prod");
        // Nothing points at a removed node.
        assert!(!doc.spans.contains("/observability"));
        assert!(!doc.spans.contains("/cluster/nodeGroups/2"));
    }

    #[test]
    fn an_empty_environment_changes_only_the_environment() {
        let (doc, diags) = merged(SRC, "dev");
        assert!(diags.is_empty(), "{diags:?}");
        let (base, _) = parse(SRC, Limits::default());
        let mut base = base.unwrap().value;
        base.as_object_mut().unwrap().remove(FIELD);
        base["metadata"]["environment"] = Value::from("dev");
        assert_eq!(doc.value, base);
    }

    #[test]
    fn overlay_mistakes_are_located_in_the_overlay() {
        let src = "\
cluster:
  nodeGroups: [{name: system}]
environments:
  prod:
    cluster:
      nodeGroups:
        - {minSize: 3}
        - {name: gone, $patch: delete}
        - {name: system, $patch: replace}
        - {name: system}
";
        let (_, diags) = merged(src, "prod");
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                "spec::overlay-item-without-name",
                "spec::invalid-value",
                "spec::duplicate-overlay-item",
                "spec::nothing-to-delete",
            ]
        );
        for d in &diags {
            let s = d.span.unwrap();
            assert!(
                s.start > src.find("prod:").unwrap(),
                "{d:?} is not in the overlay"
            );
        }
    }

    #[test]
    fn malformed_environments_are_reported() {
        let src = "a: 1\nenvironments:\n  Prod: {}\n  dev: [x]\n  qa: {environments: {}}\n  ok:\n";
        let (doc, _) = parse(src, Limits::default());
        let mut doc = doc.unwrap();
        let mut diags = Vec::new();
        let overlays = split(&mut doc, &mut diags);
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(
            codes,
            [
                "spec::invalid-name",
                "spec::wrong-type",
                "spec::nested-environments"
            ]
        );
        assert_eq!(overlays.keys().collect::<Vec<_>>(), ["ok"]);
        assert!(doc.value.get(FIELD).is_none());
    }

    #[test]
    fn the_schema_describes_overlays_for_editors() {
        let schema = crate::json_schema();
        let overlay = &schema["$defs"]["Overlay"];
        assert!(overlay.get("required").is_none());
        let group = &schema["$defs"]["OverlayNodeGroup"];
        assert_eq!(group["required"], serde_json::json!(["name"]));
        assert_eq!(group["properties"]["$patch"]["const"], "delete");
        let metadata = &schema["$defs"]["OverlayMetadata"];
        assert!(metadata.get("required").is_none(), "{metadata:#}");
        assert_eq!(
            schema["properties"][FIELD]["additionalProperties"]["$ref"],
            "#/$defs/Overlay"
        );
        // The overlay schema accepts a partial overlay and rejects a typo.
        let validator = jsonschema::validator_for(&schema).unwrap();
        let spec = |overlay: Value| {
            let src = include_str!("../../../examples/druid-lean/plinth.yaml");
            let mut s = parse(src, Limits::default()).0.unwrap().value;
            s[FIELD] = serde_json::json!({ "prod": overlay });
            s
        };
        assert!(validator.is_valid(&spec(serde_json::json!({"cluster": {"nodeGroups": [{"name": "system", "maxSize": 9}]}, "observability": null}))));
        assert!(!validator.is_valid(&spec(serde_json::json!({"cluster": {"nodeGroup": []}}))));
    }
}
