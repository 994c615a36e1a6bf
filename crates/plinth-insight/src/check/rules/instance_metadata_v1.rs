//! PLN108: nodes accept IMDSv1 requests.

use serde_json::Value;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags launch templates and Karpenter node classes that do not require IMDSv2 session
    /// tokens (`HttpTokens: required`), or that let pods reach the metadata service through
    /// more than two network hops.
    ///
    /// ## Why is this bad?
    /// IMDSv1 answers any GET request, so a server-side request forgery in any pod can read
    /// the node role's credentials and act as the node. IMDSv2 needs a PUT with a token first,
    /// which SSRF and most open proxies cannot do.
    ///
    /// ## Example
    /// plinth requires IMDSv2 everywhere; this fires only on a regressed or edited output,
    /// e.g. `"MetadataOptions": {"HttpTokens": "optional"}`.
    pub struct InstanceMetadataV1 {
        code: "PLN108",
        category: Security,
        severity: High,
        summary: "nodes accept IMDSv1 metadata requests",
    }
}

impl Rule for InstanceMetadataV1 {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let hops = |v: Option<&Value>| v.and_then(Value::as_u64).unwrap_or(1);
        for r in cx.resources_of("AWS::EC2::LaunchTemplate") {
            let tokens = r.prop("/LaunchTemplateData/MetadataOptions/HttpTokens");
            let hop = hops(r.prop("/LaunchTemplateData/MetadataOptions/HttpPutResponseHopLimit"));
            if tokens.and_then(Value::as_str) != Some("required") || hop > 2 {
                out.push(
                    Self::finding(
                        cx.origin_of_resource(&r),
                        "the launch template allows IMDSv1 or more than two metadata hops",
                    )
                    .target(r.file(), r.id)
                    .help("require IMDSv2 (`HttpTokens: required`) with a hop limit of at most 2"),
                );
            }
        }
        for o in cx.objects_of("EC2NodeClass") {
            let tokens = o.value.pointer("/spec/metadataOptions/httpTokens");
            let hop = hops(
                o.value
                    .pointer("/spec/metadataOptions/httpPutResponseHopLimit"),
            );
            if tokens.and_then(Value::as_str) != Some("required") || hop > 2 {
                out.push(
                    Self::finding(
                        cx.origin_of_object(&o),
                        "the node class allows IMDSv1 or more than two metadata hops",
                    )
                    .target(o.file.path.clone(), o.target_name())
                    .help(
                        "set `metadataOptions.httpTokens: required` and a hop limit of at most 2",
                    ),
                );
            }
        }
    }
}
