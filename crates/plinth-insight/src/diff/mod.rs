//! What a change touches: two outputs of plinth compared resource by resource and property
//! by property.
//!
//! An [`Output`] is what `plinth synth` writes, as data: templates, Kubernetes files and other
//! documents by path. It comes from an [`Assembly`] in memory ([`Output::from_assembly`]) or,
//! in the binary, from a directory on disk. [`diff`] matches CloudFormation resources and
//! outputs by logical id and Kubernetes objects by kind, namespace and name, then walks each
//! pair for the properties that differ. Arrays of different lengths are reported whole.

use std::collections::{BTreeMap, BTreeSet};

use plinth_synth::Assembly;
use plinth_synth::k8s::Content;
use serde::Serialize;
use serde_json::Value;

/// One file of an output.
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    /// A CloudFormation template.
    Template(Value),
    /// A stream of Kubernetes objects.
    Objects(Vec<Value>),
    /// Anything else (Helm values, `synth.json`).
    Other(Value),
}

/// An output of plinth: documents by path relative to the output directory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Output {
    /// Documents by path.
    pub files: BTreeMap<String, Document>,
}

impl Output {
    /// The output `plinth synth` would write for `assembly`.
    pub fn from_assembly(assembly: &Assembly) -> Self {
        let mut files = BTreeMap::new();
        for s in &assembly.stacks {
            let template = serde_json::to_value(&s.template).expect("a template serializes");
            files.insert(s.template_path(), Document::Template(template));
        }
        for f in &assembly.kubernetes {
            let doc = match &f.content {
                Content::Objects(o) => Document::Objects(o.clone()),
                Content::Values(v) => Document::Other(v.clone()),
            };
            files.insert(f.path.clone(), doc);
        }
        let manifest = serde_json::to_value(&assembly.manifest).expect("the manifest serializes");
        files.insert("synth.json".to_owned(), Document::Other(manifest));
        Self { files }
    }
}

/// Whether something appeared, disappeared or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Only in the new output.
    Added,
    /// Only in the old output.
    Removed,
    /// In both, different.
    Modified,
}

/// A property that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Property {
    /// JSON pointer inside the resource or object, e.g. `/Properties/Version`.
    pub path: String,
    /// Old value; absent when added.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "plinth_cfn::sorted::option"
    )]
    pub old: Option<Value>,
    /// New value; absent when removed.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "plinth_cfn::sorted::option"
    )]
    pub new: Option<Value>,
}

/// A resource, object or document that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// File it lives in.
    pub file: String,
    /// What it is: `Cluster (AWS::EKS::Cluster)`, `Output ClusterName`,
    /// `Deployment druid/streaming-druid-router`, or `document` for a whole values file.
    pub item: String,
    /// Added, removed or modified.
    pub kind: Kind,
    /// The properties that differ (modified items only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
    /// For CloudFormation resources whose type changed: the old resource is replaced.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub type_changed: bool,
}

/// Everything that differs, file by file in path order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Diff {
    /// Changes in file, then item order.
    pub changes: Vec<Change>,
}

impl Diff {
    /// Whether the outputs are the same.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Counts of added, removed and modified items, and of changed properties.
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let n = |k| self.changes.iter().filter(|c| c.kind == k).count();
        let properties = self.changes.iter().map(|c| c.properties.len()).sum();
        (
            n(Kind::Added),
            n(Kind::Removed),
            n(Kind::Modified),
            properties,
        )
    }
}

/// Compares two outputs. Templates pair by stack (`cloudformation/*-cluster.template.json`),
/// so two environments, whose stack names differ, compare stack by stack.
pub fn diff(old: &Output, new: &Output) -> Diff {
    let by_key = |o: &Output| -> BTreeMap<String, String> {
        o.files
            .keys()
            .map(|p| (pairing_key(p), p.clone()))
            .collect()
    };
    let (keys_old, keys_new) = (by_key(old), by_key(new));
    let keys: BTreeSet<&String> = keys_old.keys().chain(keys_new.keys()).collect();
    let mut changes = Vec::new();
    for key in keys {
        let (path_old, path_new) = (keys_old.get(key), keys_new.get(key));
        let path = match (path_old, path_new) {
            (Some(a), Some(b)) if a != b => format!("{a} → {b}"),
            (Some(p), _) | (_, Some(p)) => p.clone(),
            (None, None) => continue,
        };
        let path = &path;
        let items_old = path_old
            .and_then(|p| old.files.get(p))
            .map(items)
            .unwrap_or_default();
        let items_new = path_new
            .and_then(|p| new.files.get(p))
            .map(items)
            .unwrap_or_default();
        let names: BTreeSet<&String> = items_old.keys().chain(items_new.keys()).collect();
        for name in names {
            let (a, b) = (items_old.get(name), items_new.get(name));
            let change = match (a, b) {
                (None, Some(_)) => Some((Kind::Added, Vec::new(), false)),
                (Some(_), None) => Some((Kind::Removed, Vec::new(), false)),
                (Some(a), Some(b)) if a.value != b.value => {
                    let mut properties = Vec::new();
                    walk("", Some(&a.value), Some(&b.value), &mut properties);
                    Some((Kind::Modified, properties, a.kind != b.kind))
                }
                _ => None,
            };
            if let Some((kind, properties, type_changed)) = change {
                let item = a.or(b).expect("one side has it");
                let label = match (&item.kind, b.filter(|b| type_changed && !b.kind.is_empty())) {
                    (_, Some(b)) => format!(
                        "{name} ({} → {})",
                        a.map_or("", |a| a.kind.as_str()),
                        b.kind
                    ),
                    (k, None) if !k.is_empty() => format!("{name} ({k})"),
                    _ => name.clone(),
                };
                changes.push(Change {
                    file: path.to_owned(),
                    item: label,
                    kind,
                    properties,
                    type_changed,
                });
            }
        }
    }
    Diff { changes }
}

/// What pairs a file with its counterpart: its path, with a template's stack name reduced to
/// the stack's kind (the part after the last `-`).
fn pairing_key(path: &str) -> String {
    match path
        .strip_prefix("cloudformation/")
        .and_then(|f| f.strip_suffix(".template.json"))
    {
        Some(stack) => {
            let kind = stack.rsplit('-').next().unwrap_or(stack);
            format!("cloudformation/{kind}.template.json")
        }
        None => path.to_owned(),
    }
}

/// A comparable item of a document.
struct Item {
    /// A CloudFormation resource type, when it is one.
    kind: String,
    value: Value,
}

/// The items of a document by name.
fn items(doc: &Document) -> BTreeMap<String, Item> {
    let mut out = BTreeMap::new();
    match doc {
        Document::Template(t) => {
            for (id, r) in t["Resources"].as_object().into_iter().flatten() {
                let kind = r["Type"].as_str().unwrap_or_default().to_owned();
                out.insert(
                    id.clone(),
                    Item {
                        kind,
                        value: r.clone(),
                    },
                );
            }
            for (name, o) in t["Outputs"].as_object().into_iter().flatten() {
                out.insert(
                    format!("Output {name}"),
                    Item {
                        kind: String::new(),
                        value: o.clone(),
                    },
                );
            }
            let mut rest = t.clone();
            if let Some(m) = rest.as_object_mut() {
                m.remove("Resources");
                m.remove("Outputs");
            }
            out.insert(
                "template".to_owned(),
                Item {
                    kind: String::new(),
                    value: rest,
                },
            );
        }
        Document::Objects(objects) => {
            for o in objects {
                let ns = o["metadata"]["namespace"]
                    .as_str()
                    .map_or(String::new(), |n| format!("{n}/"));
                let name = format!(
                    "{} {ns}{}",
                    o["kind"].as_str().unwrap_or("?"),
                    o["metadata"]["name"].as_str().unwrap_or("?")
                );
                out.insert(
                    name,
                    Item {
                        kind: String::new(),
                        value: o.clone(),
                    },
                );
            }
        }
        Document::Other(v) => {
            out.insert(
                "document".to_owned(),
                Item {
                    kind: String::new(),
                    value: v.clone(),
                },
            );
        }
    }
    out
}

fn walk(path: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<Property>) {
    match (old, new) {
        (Some(Value::Object(before)), Some(Value::Object(after))) => {
            let keys: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
            for k in keys {
                let p = format!("{path}/{}", k.replace('~', "~0").replace('/', "~1"));
                walk(&p, before.get(k), after.get(k), out);
            }
        }
        (Some(Value::Array(before)), Some(Value::Array(after))) if before.len() == after.len() => {
            for (i, (u, v)) in before.iter().zip(after).enumerate() {
                walk(&format!("{path}/{i}"), Some(u), Some(v), out);
            }
        }
        (old, new) if old != new => out.push(Property {
            path: if path.is_empty() {
                "/".to_owned()
            } else {
                path.to_owned()
            },
            old: old.cloned(),
            new: new.cloned(),
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn template(resources: &Value) -> Output {
        Output {
            files: BTreeMap::from([(
                "cloudformation/x.template.json".to_owned(),
                Document::Template(json!({ "Resources": resources })),
            )]),
        }
    }

    #[test]
    fn resources_and_properties() {
        let old = template(&json!({
            "Keep": { "Type": "AWS::S3::Bucket", "Properties": { "A": 1 } },
            "Change": { "Type": "AWS::SQS::Queue", "Properties": { "A": 1, "B": [1, 2], "C": [1] } },
            "Gone": { "Type": "AWS::SNS::Topic" },
        }));
        let new = template(&json!({
            "Keep": { "Type": "AWS::S3::Bucket", "Properties": { "A": 1 } },
            "Change": { "Type": "AWS::SQS::Queue", "Properties": { "A": 2, "B": [1, 3], "C": [1, 2], "D": true } },
            "New": { "Type": "AWS::SNS::Topic" },
        }));
        let d = diff(&old, &new);
        let summary: Vec<_> = d
            .changes
            .iter()
            .map(|c| (c.item.as_str(), c.kind))
            .collect();
        assert_eq!(
            summary,
            [
                ("Change (AWS::SQS::Queue)", Kind::Modified),
                ("Gone (AWS::SNS::Topic)", Kind::Removed),
                ("New (AWS::SNS::Topic)", Kind::Added),
            ]
        );
        let paths: Vec<_> = d.changes[0]
            .properties
            .iter()
            .map(|p| p.path.as_str())
            .collect();
        assert_eq!(
            paths,
            [
                "/Properties/A",
                "/Properties/B/1",
                "/Properties/C",
                "/Properties/D"
            ]
        );
        assert_eq!(d.changes[0].properties[3].old, None);
        assert_eq!(d.counts(), (1, 1, 1, 4));
    }

    #[test]
    fn a_type_change_is_a_replacement() {
        let old = template(&json!({ "X": { "Type": "AWS::SNS::Topic" } }));
        let new = template(&json!({ "X": { "Type": "AWS::SQS::Queue" } }));
        let d = diff(&old, &new);
        assert!(d.changes[0].type_changed);
        assert_eq!(d.changes[0].item, "X (AWS::SNS::Topic → AWS::SQS::Queue)");
    }

    #[test]
    fn identical_outputs_have_no_changes() {
        let o = template(&json!({ "X": { "Type": "AWS::SNS::Topic" } }));
        assert!(diff(&o, &o).is_empty());
    }
}
