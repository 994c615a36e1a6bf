//! A template under construction that tags every resource the way its type expects.

use std::collections::BTreeMap;

use plinth_cfn::{Expr, Resource, TagStyle, Template, tag_style};
use plinth_spec::Platform;
use serde_json::{Map, Value, json};

/// What a resource is, for its `{domain}:resource-type|category|component` tags.
#[derive(Debug, Clone, Copy)]
pub struct Role<'a> {
    /// e.g. `subnet`.
    pub resource_type: &'a str,
    /// e.g. `network`, `compute`, `security`, `observability`.
    pub category: &'a str,
    /// e.g. `vpc`, `eks`, `karpenter`.
    pub component: &'a str,
}

/// A template plus the platform's tags.
pub struct Builder<'p> {
    pub template: Template,
    platform: &'p Platform,
}

impl<'p> Builder<'p> {
    pub fn new(platform: &'p Platform, description: String) -> Self {
        Self {
            template: Template::new(description),
            platform,
        }
    }

    /// Continues a template another module started, tagging what is added the same way.
    pub fn extend(platform: &'p Platform, template: Template) -> Self {
        Self { template, platform }
    }

    /// The platform being synthesized.
    pub fn platform(&self) -> &'p Platform {
        self.platform
    }

    /// Adds a resource with the platform tags, a `Name` tag when `name` is given, and the
    /// role tags. Returns the logical id.
    pub fn add(
        &mut self,
        id: &str,
        mut resource: Resource,
        role: Role<'_>,
        name: Option<&str>,
    ) -> String {
        let tags = self.tags(role, name);
        match tag_style(resource.kind) {
            Some(TagStyle::List) if resource.kind == "AWS::EC2::LaunchTemplate" => {
                tag_launch_template(&mut resource, &tags);
            }
            Some(TagStyle::List) => resource.set("Tags", list(&tags)),
            Some(TagStyle::Map) => resource.set("Tags", Value::Object(tags)),
            Some(TagStyle::None) => {}
            None => panic!(
                "resource type {} has no entry in the tag table",
                resource.kind
            ),
        }
        self.template.add(id, resource)
    }

    /// The tags of a resource, ordered by key.
    pub fn tags(&self, role: Role<'_>, name: Option<&str>) -> Map<String, Value> {
        let m = &self.platform.metadata;
        let d = &m.domain;
        // Collected in a BTreeMap: a `Map` is ordered only while serde_json's `preserve_order`
        // is off (see `plinth_cfn::sorted`).
        let mut tags = BTreeMap::new();
        for (k, v) in &m.tags {
            tags.insert(k.clone(), Value::from(v.as_str()));
        }
        let mut put = |k: &str, v: &str| {
            tags.insert(format!("{d}:{k}"), Value::from(v));
        };
        put("billing", &m.organization);
        put("managed-by", "plinth");
        put("account", &self.platform.aws.account);
        put("region", &self.platform.aws.region);
        put("name", &m.name);
        put("alias", &m.alias);
        put("environment", &m.environment);
        put("version", &m.version);
        put(
            "part-of",
            &format!("{}.{}.{}", m.organization, m.name, m.alias),
        );
        put("resource-type", role.resource_type);
        put("category", role.category);
        put("component", role.component);
        if let Some(n) = name {
            tags.insert("Name".into(), Value::from(n));
        }
        tags.into_iter().collect()
    }

    /// Adds an exported output.
    pub fn export(&mut self, name: &str, description: &str, value: impl Into<Value>) {
        let export = self.platform.names.export(name);
        self.template.output(name, description, value, Some(export));
    }
}

/// `[{Key, Value}]` from a tag map.
pub fn list(tags: &Map<String, Value>) -> Value {
    Value::Array(
        tags.iter()
            .map(|(k, v)| json!({ "Key": k, "Value": v }))
            .collect(),
    )
}

/// Launch templates tag themselves and what they launch.
fn tag_launch_template(resource: &mut Resource, tags: &Map<String, Value>) {
    let spec = |kind: &str| json!({ "ResourceType": kind, "Tags": list(tags) });
    resource.set("TagSpecifications", json!([spec("launch-template")]));
    if let Some(Value::Object(data)) = resource.properties.get_mut("LaunchTemplateData") {
        data.insert(
            "TagSpecifications".into(),
            json!([spec("instance"), spec("volume"), spec("network-interface")]),
        );
    }
}

/// `Ref` shorthand.
pub fn r(id: &str) -> Value {
    Expr::r(id)
}

/// `GetAtt` shorthand.
pub fn att(id: &str, attr: &str) -> Value {
    Expr::att(id, attr)
}
