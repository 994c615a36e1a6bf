//! The references a template makes: to its own resources and parameters, and to exports.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::{Resource, Template};

/// Everything a template refers to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct References {
    /// Logical ids or parameters named by `Ref`, `GetAtt` or `Sub` placeholders.
    pub local: BTreeSet<String>,
    /// Export names named by `Fn::ImportValue`.
    pub imports: BTreeSet<String>,
}

/// Collects the references of every resource, output and condition of `template`.
pub fn collect(template: &Template) -> References {
    let mut out = References::default();
    for r in template.resources.values() {
        walk(&r.properties, &mut out);
        out.local.extend(r.depends_on.iter().cloned());
        if let Some(m) = &r.metadata {
            walk(m, &mut out);
        }
    }
    for o in template.outputs.values() {
        walk(&o.value, &mut out);
    }
    for c in template.conditions.values() {
        walk(c, &mut out);
    }
    out
}

/// The logical ids and parameters one resource waits for: what its properties name through
/// `Ref`, `GetAtt` or `Sub`, and its `DependsOn`.
pub fn of_resource(resource: &Resource) -> BTreeSet<String> {
    let mut out = References::default();
    walk(&resource.properties, &mut out);
    out.local.extend(resource.depends_on.iter().cloned());
    out.local
}

/// The references that resolve to nothing in `template` (pseudo parameters excluded).
pub fn dangling(template: &Template) -> Vec<String> {
    collect(template)
        .local
        .into_iter()
        .filter(|id| {
            !id.starts_with("AWS::")
                && !template.resources.contains_key(id)
                && !template.parameters.contains_key(id)
        })
        .collect()
}

fn walk(v: &Value, out: &mut References) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("Ref") {
                out.local.insert(id.clone());
            }
            if let Some(Value::Array(parts)) = map.get("Fn::GetAtt")
                && let Some(Value::String(id)) = parts.first()
            {
                out.local.insert(id.clone());
            }
            match map.get("Fn::Sub") {
                Some(Value::String(text)) => placeholders(text, &BTreeSet::new(), out),
                Some(Value::Array(parts)) => {
                    if let (Some(Value::String(text)), Some(Value::Object(vars))) =
                        (parts.first(), parts.get(1))
                    {
                        let own: BTreeSet<String> = vars.keys().cloned().collect();
                        placeholders(text, &own, out);
                    }
                }
                _ => {}
            }
            if let Some(Value::String(name)) = map.get("Fn::ImportValue") {
                out.imports.insert(name.clone());
            }
            map.values().for_each(|v| walk(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
        _ => {}
    }
}

fn placeholders(text: &str, own: &BTreeSet<String>, out: &mut References) {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        // `${!Literal}` is an escaped literal, not a reference.
        if !name.starts_with('!') {
            let id = name.split('.').next().unwrap_or(name);
            if !own.contains(id) {
                out.local.insert(id.to_owned());
            }
        }
        rest = &after[end + 1..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Expr, Resource};
    use serde_json::json;

    #[test]
    fn finds_every_kind_of_reference() {
        let mut t = Template::new("t");
        t.add(
            "A",
            Resource::new(
                "AWS::SQS::Queue",
                json!({
                    "X": Expr::r("B"),
                    "Y": Expr::att("C", "Arn"),
                    "Z": Expr::sub("arn:${AWS::Partition}:s3:::${D}/${E.Arn}/${!Literal}"),
                    "W": Expr::import("prefix-VpcId"),
                }),
            ),
        );
        let refs = collect(&t);
        let local: Vec<_> = refs.local.iter().map(String::as_str).collect();
        assert_eq!(local, ["AWS::Partition", "B", "C", "D", "E"]);
        assert_eq!(
            refs.imports.into_iter().collect::<Vec<_>>(),
            ["prefix-VpcId"]
        );
        assert_eq!(dangling(&t), ["B", "C", "D", "E"]);
    }
}
