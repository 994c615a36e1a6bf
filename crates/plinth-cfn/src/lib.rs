//! CloudFormation templates as data.
//!
//! A [`Template`] holds [`Resource`]s whose properties are JSON values built with typed
//! intrinsics ([`Expr`]). Serialization is deterministic: every map is ordered, JSON values included
//! ([`sorted`]). [`refs`] walks
//! a template for the references it makes, so tests and the planner can prove every `Ref`,
//! `GetAtt`, `Sub` variable and `ImportValue` resolves.

mod expr;
pub mod quotas;
pub mod refs;
pub mod sorted;
mod tags;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

pub use expr::{Expr, Pseudo};
pub use tags::{TagStyle, tag_style};

/// A name as a logical-id part: alphanumeric runs capitalized and joined
/// (`aws-ebs-csi-driver` → `AwsEbsCsiDriver`, `us-west-2a` → `UsWest2a`).
pub fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .map(|part| {
            let mut c = part.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A CloudFormation template.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Template {
    /// Always `2010-09-09`.
    #[serde(rename = "AWSTemplateFormatVersion")]
    pub format_version: &'static str,
    /// What the stack is.
    pub description: String,
    /// Template metadata (e.g. cfn-lint configuration with reasons).
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        serialize_with = "sorted::map"
    )]
    pub metadata: BTreeMap<String, Value>,
    /// Parameters.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, Parameter>,
    /// Conditions.
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        serialize_with = "sorted::map"
    )]
    pub conditions: BTreeMap<String, Value>,
    /// Resources by logical id.
    pub resources: BTreeMap<String, Resource>,
    /// Outputs by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub outputs: BTreeMap<String, Output>,
}

impl Template {
    /// An empty template.
    pub fn new(description: impl Into<String>) -> Self {
        Self {
            format_version: "2010-09-09",
            description: description.into(),
            ..Self::default()
        }
    }

    /// Adds a resource and returns its logical id for references.
    ///
    /// # Panics
    /// When the logical id is already taken or not alphanumeric: both are bugs in synthesis.
    pub fn add(&mut self, logical_id: impl Into<String>, resource: Resource) -> String {
        let id = logical_id.into();
        assert!(
            !id.is_empty() && id.len() <= 255 && id.bytes().all(|b| b.is_ascii_alphanumeric()),
            "logical id `{id}` must be 1-255 alphanumeric characters"
        );
        let previous = self.resources.insert(id.clone(), resource);
        assert!(previous.is_none(), "logical id `{id}` added twice");
        id
    }

    /// Adds an output, exported under `export` when given.
    pub fn output(
        &mut self,
        name: &str,
        description: &str,
        value: impl Into<Value>,
        export: Option<String>,
    ) {
        self.outputs.insert(
            name.to_owned(),
            Output {
                description: description.to_owned(),
                value: value.into(),
                export: export.map(|name| Export { name }),
            },
        );
    }

    /// Export names this template defines.
    pub fn exports(&self) -> BTreeSet<String> {
        self.outputs
            .values()
            .filter_map(|o| o.export.as_ref().map(|e| e.name.clone()))
            .collect()
    }

    /// Pretty JSON with a trailing newline. Deterministic: maps are ordered.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a template always serializes");
        s.push('\n');
        s
    }
}

/// A template parameter.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    /// Parameter type, e.g. `String`.
    #[serde(rename = "Type")]
    pub kind: String,
    /// Default value.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "sorted::option"
    )]
    pub default: Option<Value>,
    /// Description.
    pub description: String,
}

/// A resource.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resource {
    /// The resource type, e.g. `AWS::EC2::VPC`.
    #[serde(rename = "Type")]
    pub kind: &'static str,
    /// Logical ids this resource must wait for beyond its references.
    #[serde(skip_serializing_if = "BTreeSet::is_empty")]
    pub depends_on: BTreeSet<String>,
    /// Condition under which the resource exists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Resource properties.
    #[serde(serialize_with = "sorted::value")]
    pub properties: Value,
    /// What happens to the physical resource when it leaves the template.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<Policy>,
    /// What happens to the old physical resource when an update replaces it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_replace_policy: Option<Policy>,
    /// Resource metadata.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "sorted::option"
    )]
    pub metadata: Option<Value>,
}

impl Resource {
    /// A resource of `kind` with `properties` (a JSON object).
    pub fn new(kind: &'static str, properties: Value) -> Self {
        Self {
            kind,
            depends_on: BTreeSet::new(),
            condition: None,
            properties,
            deletion_policy: None,
            update_replace_policy: None,
            metadata: None,
        }
    }

    /// Waits for `logical_id` too.
    #[must_use]
    pub fn depends_on(mut self, logical_id: impl Into<String>) -> Self {
        self.depends_on.insert(logical_id.into());
        self
    }

    /// Keeps (retains or snapshots) the physical resource on delete and on replacement.
    #[must_use]
    pub fn keep(mut self, policy: Policy) -> Self {
        self.deletion_policy = Some(policy);
        self.update_replace_policy = Some(policy);
        self
    }

    /// Sets the resource's metadata.
    #[must_use]
    pub fn metadata(mut self, metadata: Value) -> Self {
        self.metadata = Some(metadata);
        self
    }

    /// Sets a property on the properties object.
    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        if let Value::Object(map) = &mut self.properties {
            map.insert(key.to_owned(), value.into());
        }
    }
}

/// Deletion / update-replace policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Policy {
    /// Delete the physical resource.
    Delete,
    /// Leave it in place.
    Retain,
    /// Take a final snapshot, then delete.
    Snapshot,
}

/// A stack output.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    /// What it is.
    pub description: String,
    /// Its value.
    #[serde(serialize_with = "sorted::value")]
    pub value: Value,
    /// Export, for other stacks to import.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export: Option<Export>,
}

/// An output export.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Export {
    /// Export name, unique per account and region.
    pub name: String,
}
