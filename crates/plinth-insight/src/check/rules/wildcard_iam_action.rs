//! PLN109: an IAM policy allows every action of a service, or a wildcard of write actions on
//! every resource.

use serde_json::Value;

use crate::check::context::strings;
use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Looks at every identity policy plinth writes (inline policies of IAM roles, managed
    /// policies) and flags `Allow` statements whose actions are `*` or `service:*`, or whose
    /// wildcard actions other than `Describe*`, `Get*` and `List*` apply to `Resource: "*"`.
    ///
    /// ## Why is this bad?
    /// A role that may do anything to a service, on any resource, turns one compromised pod
    /// into a compromised account: `s3:*` on `*` reads every bucket, `iam:*` creates admins.
    /// Scoping actions and resources keeps a leak to the blast radius of one workload.
    ///
    /// ## Example
    /// ```json
    /// {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
    ///  "Resource": "arn:aws:s3:::fff-streaming-druid-deepstorage/*"}
    /// ```
    pub struct WildcardIamAction {
        code: "PLN109",
        category: Security,
        severity: High,
        summary: "an IAM policy grants wildcard actions",
    }
}

impl Rule for WildcardIamAction {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for r in cx.resources() {
            let documents: Vec<&Value> = match r.resource.kind {
                "AWS::IAM::Role" => r
                    .prop("/Policies")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.get("PolicyDocument"))
                    .collect(),
                "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" | "AWS::IAM::RolePolicy" => {
                    r.prop("/PolicyDocument").into_iter().collect()
                }
                _ => continue,
            };
            for doc in documents {
                for s in statements(doc) {
                    if s.get("Effect").and_then(Value::as_str) != Some("Allow") {
                        continue;
                    }
                    let any_resource = strings(s.get("Resource")).contains(&"*");
                    let broad: Vec<&str> = strings(s.get("Action"))
                        .into_iter()
                        .filter(|a| too_broad(a, any_resource))
                        .collect();
                    if broad.is_empty() {
                        continue;
                    }
                    let sid = s
                        .get("Sid")
                        .and_then(Value::as_str)
                        .map_or_else(String::new, |s| format!(" (statement {s})"));
                    out.push(
                        Self::finding(
                            cx.origin_of_resource(&r),
                            format!(
                                "{} allows {}{}{sid}",
                                r.id,
                                broad.join(", "),
                                if any_resource {
                                    " on every resource"
                                } else {
                                    ""
                                }
                            ),
                        )
                        .target(r.file(), r.id)
                        .help(
                            "name the actions the workload calls and scope them to its resources",
                        ),
                    );
                }
            }
        }
    }
}

fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(s @ Value::Object(_)) => vec![s],
        _ => Vec::new(),
    }
}

/// `*` and `svc:*` always; other wildcards when they reach beyond read-only verbs on `*`.
fn too_broad(action: &str, any_resource: bool) -> bool {
    if action == "*" || action.ends_with(":*") {
        return true;
    }
    if !action.contains('*') || !any_resource {
        return false;
    }
    let verb = action.split_once(':').map_or(action, |(_, v)| v);
    !["Describe", "Get", "List"]
        .iter()
        .any(|p| verb.starts_with(p))
}
