//! How long a first deploy takes, estimated before anything runs. CloudFormation creates a
//! stack's resources in parallel as far as their references allow, so a stack takes as long as
//! its longest chain of dependent resources; plinth creates independent stacks in parallel
//! too, so a platform takes as long as its longest chain of dependent stacks. Resource times
//! are typical figures per type from [`TYPICAL`]. Pure.

use std::collections::BTreeMap;

use plinth_cfn::Template;
use serde::Serialize;

use crate::graph::{GraphError, StackGraph};

/// Typical creation time in seconds per resource type, and what the figure rests on.
///
/// The long ones decide the critical path and follow AWS's own statements; the short ones
/// (IAM, subnets, routes, log groups) are rounded from CloudFormation stack events and barely
/// move the result. Types not listed take [`DEFAULT_SECONDS`].
pub const TYPICAL: &[(&str, u32, &str)] = &[
    (
        "AWS::EKS::Cluster",
        660,
        "control plane creation, ~10-15 min: https://github.com/aws/containers-roadmap/issues/1227",
    ),
    (
        "AWS::EKS::Nodegroup",
        240,
        "instances launch and join: https://docs.aws.amazon.com/eks/latest/userguide/create-managed-node-group.html",
    ),
    (
        "AWS::EKS::Addon",
        90,
        "waits for the addon's pods to be ready (coredns waits for nodes)",
    ),
    ("AWS::EKS::AccessEntry", 10, "API call"),
    ("AWS::EKS::AccessPolicyAssociation", 10, "API call"),
    ("AWS::EKS::PodIdentityAssociation", 10, "API call"),
    (
        "AWS::RDS::DBCluster",
        330,
        "Aurora cluster volume and endpoints: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.CreateInstance.html",
    ),
    (
        "AWS::RDS::DBInstance",
        540,
        "an Aurora writer becomes available in several minutes (same page)",
    ),
    ("AWS::RDS::DBSubnetGroup", 5, "API call"),
    ("AWS::RDS::DBClusterParameterGroup", 5, "API call"),
    ("AWS::RDS::DBParameterGroup", 5, "API call"),
    (
        "AWS::MSK::ServerlessCluster",
        420,
        "MSK cluster creation takes several minutes: https://docs.aws.amazon.com/msk/latest/developerguide/create-serverless-cluster.html",
    ),
    (
        "AWS::MSK::Cluster",
        1500,
        "provisioned brokers, 15-30 min: https://docs.aws.amazon.com/msk/latest/developerguide/msk-create-cluster.html",
    ),
    (
        "AWS::EC2::NatGateway",
        110,
        "a NAT gateway is pending for 1-2 min: https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html",
    ),
    ("AWS::EC2::VPC", 15, "API call, waits for available"),
    ("AWS::EC2::InternetGateway", 15, "API call"),
    (
        "AWS::EC2::VPCGatewayAttachment",
        20,
        "API call, waits for attached",
    ),
    ("AWS::EC2::EIP", 5, "API call"),
    ("AWS::EC2::Subnet", 5, "API call"),
    ("AWS::EC2::RouteTable", 5, "API call"),
    ("AWS::EC2::Route", 5, "API call"),
    ("AWS::EC2::SubnetRouteTableAssociation", 5, "API call"),
    ("AWS::EC2::SecurityGroup", 5, "API call"),
    ("AWS::EC2::SecurityGroupIngress", 5, "API call"),
    ("AWS::EC2::SecurityGroupEgress", 5, "API call"),
    ("AWS::EC2::FlowLog", 10, "API call"),
    (
        "AWS::EC2::VPCEndpoint",
        90,
        "interface endpoints are pending until their ENIs exist",
    ),
    ("AWS::EC2::LaunchTemplate", 5, "API call"),
    (
        "AWS::IAM::Role",
        15,
        "API call plus CloudFormation's wait for IAM consistency",
    ),
    ("AWS::IAM::ManagedPolicy", 10, "API call"),
    ("AWS::IAM::Policy", 10, "API call"),
    (
        "AWS::IAM::InstanceProfile",
        120,
        "CloudFormation waits for propagation",
    ),
    ("AWS::IAM::OIDCProvider", 5, "API call"),
    ("AWS::KMS::Key", 60, "key creation and its policy"),
    ("AWS::KMS::Alias", 5, "API call"),
    (
        "AWS::S3::Bucket",
        20,
        "API call, waits for the bucket to exist",
    ),
    ("AWS::S3::BucketPolicy", 5, "API call"),
    (
        "AWS::SQS::Queue",
        60,
        "CloudFormation waits for the queue to be usable",
    ),
    ("AWS::SQS::QueuePolicy", 5, "API call"),
    ("AWS::Events::Rule", 30, "API call, waits for the rule"),
    ("AWS::Logs::LogGroup", 5, "API call"),
    (
        "AWS::SecretsManager::Secret",
        10,
        "API call, generates the value",
    ),
    (
        "AWS::SecretsManager::SecretTargetAttachment",
        10,
        "API call",
    ),
    (
        "AWS::Route53::HostedZone",
        60,
        "waits for the change to be INSYNC",
    ),
    (
        "AWS::Route53::RecordSet",
        60,
        "waits for the change to be INSYNC",
    ),
    (
        "AWS::CertificateManager::Certificate",
        300,
        "DNS validation through Route 53: https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html",
    ),
    ("AWS::ECR::Repository", 5, "API call"),
    ("AWS::SNS::Topic", 10, "API call"),
    ("AWS::SNS::TopicPolicy", 5, "API call"),
];

/// Seconds assumed for a resource type [`TYPICAL`] does not list.
pub const DEFAULT_SECONDS: u32 = 10;

/// Typical creation time of one resource type, in seconds.
pub fn typical_seconds(kind: &str) -> u32 {
    TYPICAL
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or(DEFAULT_SECONDS, |(_, s, _)| *s)
}

/// One resource on a stack's longest chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Logical id.
    pub logical_id: String,
    /// Resource type.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its typical creation time, in seconds.
    pub seconds: u32,
}

/// One stack in the estimate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StackTime {
    /// Stack name.
    pub name: String,
    /// Seconds after the deploy starts that plinth starts this stack: when the last stack it
    /// needs is done.
    pub start: u32,
    /// How long the stack takes to create: its longest chain of resources.
    pub seconds: u32,
    /// That chain, first resource first.
    pub chain: Vec<Step>,
    /// Whether the stack is on the platform's critical path.
    pub critical: bool,
}

impl StackTime {
    /// When the stack is done.
    pub fn end(&self) -> u32 {
        self.start + self.seconds
    }
}

/// The estimate of a first deploy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    /// Stacks in creation order.
    pub stacks: Vec<StackTime>,
    /// Seconds with plinth's order: independent stacks at the same time.
    pub parallel: u32,
    /// Seconds with one stack at a time.
    pub serial: u32,
}

/// Estimates a first deploy of `stacks`, given as (name, stacks it needs, template).
pub fn estimate<'a>(
    stacks: impl IntoIterator<Item = (&'a str, &'a [String], &'a Template)>,
) -> Result<Timeline, GraphError> {
    let stacks: Vec<(&str, &[String], &Template)> = stacks.into_iter().collect();
    let graph = StackGraph::new(stacks.iter().map(|(n, d, _)| (*n, *d)))?;
    let own: Vec<(u32, Vec<Step>)> = stacks.iter().map(|(_, _, t)| longest_chain(t)).collect();
    let mut start = vec![0u32; stacks.len()];
    let mut before = vec![None; stacks.len()];
    for i in graph.creation_order()? {
        if let Some(&d) = graph
            .needs(i)
            .iter()
            .max_by_key(|&&d| (start[d] + own[d].0, std::cmp::Reverse(d)))
        {
            start[i] = start[d] + own[d].0;
            before[i] = Some(d);
        }
    }
    let parallel = (0..stacks.len())
        .map(|i| start[i] + own[i].0)
        .max()
        .unwrap_or(0);
    let mut critical = vec![false; stacks.len()];
    let mut at = (0..stacks.len()).find(|&i| start[i] + own[i].0 == parallel && !stacks.is_empty());
    while let Some(i) = at {
        critical[i] = true;
        at = before[i];
    }
    let order = graph.creation_order()?;
    Ok(Timeline {
        serial: own.iter().map(|(s, _)| s).sum(),
        parallel,
        stacks: order
            .into_iter()
            .map(|i| StackTime {
                name: stacks[i].0.to_owned(),
                start: start[i],
                seconds: own[i].0,
                chain: own[i].1.clone(),
                critical: critical[i],
            })
            .collect(),
    })
}

/// Estimates a first deploy of an assembly: the bootstrap stack, then its stacks in their
/// dependency order.
pub fn of_assembly(assembly: &plinth_synth::Assembly) -> Result<Timeline, GraphError> {
    let m = &assembly.manifest;
    let bootstrap_name = crate::bootstrap::stack_name(&m.platform);
    let bootstrap = crate::bootstrap::template(&m.platform);
    let depends: Vec<Vec<String>> = m
        .stacks
        .iter()
        .map(|sm| {
            let mut d = vec![bootstrap_name.clone()];
            d.extend(sm.depends_on.iter().cloned());
            d
        })
        .collect();
    let none: Vec<String> = Vec::new();
    estimate(
        std::iter::once((bootstrap_name.as_str(), none.as_slice(), &bootstrap)).chain(
            assembly
                .stacks
                .iter()
                .zip(&depends)
                .map(|(s, d)| (s.name.as_str(), d.as_slice(), &s.template)),
        ),
    )
}

/// The longest chain of dependent resources in a template, and its length in seconds.
/// References to parameters and pseudo parameters are not dependencies.
pub fn longest_chain(template: &Template) -> (u32, Vec<Step>) {
    let ids: Vec<&String> = template.resources.keys().collect();
    let index: BTreeMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let needs: Vec<Vec<usize>> = template
        .resources
        .values()
        .map(|r| {
            plinth_cfn::refs::of_resource(r)
                .iter()
                .filter_map(|id| index.get(id.as_str()).copied())
                .collect()
        })
        .collect();
    // Finish time of each resource, by memoized depth-first search; a template CloudFormation
    // accepts has no cycles, and one with a cycle is cut where the cycle closes.
    let mut finish: Vec<Option<(u32, Option<usize>)>> = vec![None; ids.len()];
    let mut visiting = vec![false; ids.len()];
    for i in 0..ids.len() {
        finish_of(i, template, &ids, &needs, &mut finish, &mut visiting);
    }
    let Some(last) =
        (0..ids.len()).max_by_key(|&i| (finish[i].map_or(0, |f| f.0), std::cmp::Reverse(i)))
    else {
        return (0, Vec::new());
    };
    let total = finish[last].map_or(0, |f| f.0);
    let mut chain = Vec::new();
    let mut at = Some(last);
    while let Some(i) = at {
        let kind = template.resources[ids[i]].kind;
        chain.push(Step {
            logical_id: ids[i].clone(),
            kind: kind.to_owned(),
            seconds: typical_seconds(kind),
        });
        at = finish[i].and_then(|f| f.1);
    }
    chain.reverse();
    (total, chain)
}

fn finish_of(
    i: usize,
    template: &Template,
    ids: &[&String],
    needs: &[Vec<usize>],
    finish: &mut [Option<(u32, Option<usize>)>],
    visiting: &mut [bool],
) -> u32 {
    if let Some((f, _)) = finish[i] {
        return f;
    }
    if visiting[i] {
        return 0;
    }
    visiting[i] = true;
    let mut after: Option<(u32, usize)> = None;
    for &d in &needs[i] {
        let f = finish_of(d, template, ids, needs, finish, visiting);
        if after.is_none_or(|(best, _)| f > best) {
            after = Some((f, d));
        }
    }
    visiting[i] = false;
    let own = typical_seconds(template.resources[ids[i]].kind);
    let f = after.map_or(0, |(f, _)| f) + own;
    finish[i] = Some((f, after.map(|(_, d)| d)));
    f
}

/// `m:ss`.
pub fn clock(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

impl Timeline {
    /// The human form: one line per stack with a bar on a common time axis, the longest chain
    /// of each stack, then parallel against serial.
    pub fn render(&self) -> String {
        use std::fmt::Write as _;
        const WIDTH: u32 = 40;
        let scale = self.parallel.max(1);
        let name_width = self
            .stacks
            .iter()
            .map(|s| s.name.len())
            .max()
            .unwrap_or(5)
            .max(5);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "first deploy, estimated from typical creation times per resource type\n"
        );
        let _ = writeln!(out, "  {:<name_width$}  start    end   ", "stack");
        for s in &self.stacks {
            let from = s.start * WIDTH / scale;
            let to = (s.end() * WIDTH).div_ceil(scale).max(from + 1);
            let bar: String = (0..WIDTH)
                .map(|c| {
                    if c >= from && c < to {
                        if s.critical { '█' } else { '▒' }
                    } else {
                        ' '
                    }
                })
                .collect();
            let _ = writeln!(
                out,
                "  {:<name_width$}  {:>5}  {:>5}  |{bar}|",
                s.name,
                clock(s.start),
                clock(s.end()),
            );
        }
        let _ = writeln!(out, "\nlongest chain in each stack:");
        for s in &self.stacks {
            let chain: Vec<String> = s
                .chain
                .iter()
                .filter(|step| step.seconds >= 30)
                .map(|step| format!("{} {}", step.logical_id, clock(step.seconds)))
                .collect();
            let _ = writeln!(
                out,
                "  {:<name_width$}  {:>5}  {}",
                s.name,
                clock(s.seconds),
                if chain.is_empty() {
                    "short API calls only".to_owned()
                } else {
                    chain.join(" → ")
                }
            );
        }
        let critical: Vec<&str> = self
            .stacks
            .iter()
            .filter(|s| s.critical)
            .map(|s| s.name.as_str())
            .collect();
        let _ = writeln!(
            out,
            "\ncritical path: {}\n  plinth (independent stacks in parallel)  {}\n  one stack at a time                      {}",
            critical.join(" → "),
            clock(self.parallel),
            clock(self.serial),
        );
        if self.parallel > 0 && self.serial > self.parallel {
            let saved = self.serial - self.parallel;
            let _ = writeln!(
                out,
                "  saved                                    {} ({}%)",
                clock(saved),
                saved * 100 / self.serial
            );
        }
        let _ = writeln!(
            out,
            "\nThe Kubernetes phase follows (waits on readiness; not estimated here)."
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plinth_cfn::Resource;
    use serde_json::json;

    fn template(resources: &[(&str, &'static str, &[&str])]) -> Template {
        let mut t = Template::new("test");
        for (id, kind, refs) in resources {
            let props: Vec<_> = refs.iter().map(|r| json!({ "Ref": r })).collect();
            t.add(*id, Resource::new(kind, json!({ "Refs": props })));
        }
        t
    }

    #[test]
    fn a_stack_takes_its_longest_chain_not_its_sum() {
        let t = template(&[
            ("Vpc", "AWS::EC2::VPC", &[]),
            ("Subnet", "AWS::EC2::Subnet", &["Vpc"]),
            ("Nat", "AWS::EC2::NatGateway", &["Subnet"]),
            ("Logs", "AWS::Logs::LogGroup", &[]),
            ("Role", "AWS::IAM::Role", &["AWS::Region"]),
        ]);
        let (seconds, chain) = longest_chain(&t);
        assert_eq!(seconds, 15 + 5 + 110);
        let ids: Vec<&str> = chain.iter().map(|s| s.logical_id.as_str()).collect();
        assert_eq!(ids, ["Vpc", "Subnet", "Nat"]);
    }

    #[test]
    fn depends_on_counts_like_a_reference() {
        let mut t = template(&[
            ("Cluster", "AWS::EKS::Cluster", &[]),
            ("Addon", "AWS::EKS::Addon", &[]),
        ]);
        t.resources
            .get_mut("Addon")
            .unwrap()
            .depends_on
            .insert("Cluster".into());
        assert_eq!(longest_chain(&t).0, 660 + 90);
    }

    #[test]
    fn independent_stacks_overlap_and_the_critical_path_is_marked() {
        let network = template(&[("Nat", "AWS::EC2::NatGateway", &[])]);
        let cluster = template(&[("Cluster", "AWS::EKS::Cluster", &[])]);
        let data = template(&[("Db", "AWS::RDS::DBInstance", &[])]);
        let bindings = template(&[("Pia", "AWS::EKS::PodIdentityAssociation", &[])]);
        let none: Vec<String> = Vec::new();
        let net = vec!["network".to_owned()];
        let both = vec!["cluster".to_owned(), "data".to_owned()];
        let t = estimate([
            ("network", none.as_slice(), &network),
            ("cluster", net.as_slice(), &cluster),
            ("data", net.as_slice(), &data),
            ("bindings", both.as_slice(), &bindings),
        ])
        .unwrap();
        assert_eq!(t.parallel, 110 + 660 + 10);
        assert_eq!(t.serial, 110 + 660 + 540 + 10);
        let critical: Vec<&str> = t
            .stacks
            .iter()
            .filter(|s| s.critical)
            .map(|s| s.name.as_str())
            .collect();
        assert_eq!(critical, ["network", "cluster", "bindings"]);
        let data = t.stacks.iter().find(|s| s.name == "data").unwrap();
        assert_eq!((data.start, data.end()), (110, 650));
        let text = t.render();
        assert!(
            text.contains("critical path: network → cluster → bindings"),
            "{text}"
        );
    }

    #[test]
    fn every_typical_time_is_listed_once() {
        let mut kinds: Vec<&str> = TYPICAL.iter().map(|(k, _, _)| *k).collect();
        kinds.sort_unstable();
        let n = kinds.len();
        kinds.dedup();
        assert_eq!(kinds.len(), n, "a resource type is listed twice");
    }
}
