//! PLN111: a security group admits traffic from anywhere.

use serde_json::Value;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags security group ingress rules (inline or `AWS::EC2::SecurityGroupIngress`) from
    /// `0.0.0.0/0` or `::/0`.
    ///
    /// ## Why is this bad?
    /// The groups plinth writes guard the metadata database, Kafka and Druid's nodes. Opening
    /// them to the internet exposes those ports to scanners the moment anything routes to
    /// them; the Druid clients group is how access is meant to be granted.
    ///
    /// ## Example
    /// ```json
    /// {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "CidrIp": "0.0.0.0/0"}
    /// ```
    ///
    /// Use instead: a rule whose `SourceSecurityGroupId` is the `druid-clients` group.
    pub struct OpenSecurityGroupIngress {
        code: "PLN111",
        category: Security,
        severity: High,
        summary: "a security group admits traffic from anywhere",
    }
}

impl Rule for OpenSecurityGroupIngress {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for r in cx.resources() {
            let rules: Vec<&Value> = match r.resource.kind {
                "AWS::EC2::SecurityGroup" => r
                    .prop("/SecurityGroupIngress")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .collect(),
                "AWS::EC2::SecurityGroupIngress" => vec![&r.resource.properties],
                _ => continue,
            };
            for rule in rules {
                let open = ["CidrIp", "CidrIpv6"].iter().any(|k| {
                    matches!(
                        rule.get(*k).and_then(Value::as_str),
                        Some("0.0.0.0/0" | "::/0")
                    )
                });
                if open {
                    let ports = match (rule.get("FromPort"), rule.get("ToPort")) {
                        (Some(f), Some(t)) if f == t => format!("port {f}"),
                        (Some(f), Some(t)) => format!("ports {f}-{t}"),
                        _ => "every port".to_owned(),
                    };
                    out.push(
                        Self::finding(
                            cx.origin_of_resource(&r),
                            format!("{} admits {ports} from anywhere", r.id),
                        )
                        .target(r.file(), r.id)
                        .help("admit the Druid clients security group or the VPC's CIDR instead"),
                    );
                }
            }
        }
    }
}
