//! PLN110: the metadata database is reachable from outside the VPC.

use serde_json::Value;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags database instances with `PubliclyAccessible: true` and DB subnet groups that use
    /// the public subnets.
    ///
    /// ## Why is this bad?
    /// A publicly accessible instance gets an internet-resolvable address; one permissive
    /// security group rule later, PostgreSQL's login is exposed to credential stuffing and to
    /// every unpatched server bug. Druid's metadata database is only ever reached by Druid
    /// pods inside the VPC.
    ///
    /// ## Example
    /// plinth places Aurora in the private subnets with `PubliclyAccessible: false`; this fires
    /// only on a regressed or edited output.
    pub struct PublicDatabase {
        code: "PLN110",
        category: Security,
        severity: Critical,
        summary: "a database is reachable from outside the VPC",
    }
}

impl Rule for PublicDatabase {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for r in cx.resources() {
            let what = match r.resource.kind {
                "AWS::RDS::DBInstance"
                    if r.prop("/PubliclyAccessible") == Some(&Value::Bool(true)) =>
                {
                    "the database instance is publicly accessible"
                }
                "AWS::RDS::DBSubnetGroup"
                    if serde_json::to_string(&r.resource.properties)
                        .is_ok_and(|s| s.contains("PublicSubnet")) =>
                {
                    "the database subnet group uses public subnets"
                }
                _ => continue,
            };
            out.push(
                Self::finding(cx.origin_of_resource(&r), what)
                    .target(r.file(), r.id)
                    .help("keep databases in the private subnets with `PubliclyAccessible: false`"),
            );
        }
    }
}
