//! Semantic validation: a structurally sound [`RawSpec`] becomes a [`Platform`].
//!
//! Every check runs and reports; nothing stops at the first problem. Each diagnostic points at
//! the JSON pointer of the offending value, which the caller resolves to a source span.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::diagnostic::Diagnostic;
use crate::facts::{self, Support};
use crate::model::{
    Access, Addons, Arch, AwsTarget, Checks, Cluster, Druid, FlowLogs, GrafanaCloud, Karpenter,
    Metadata, Network, NodeGroup, Observability, Platform, Principal, Suppression, Taint, Zone,
};
use crate::names::{NameKind, Names};
use crate::raw::{self, AmiFamily, CapacityType, EndpointAccess, FlowLogTraffic, RawSpec};
use crate::suggest::closest;
use crate::yaml::SpanIndex;

mod data;
mod gitops;
mod observability;
mod operations;
mod services;

/// Addons that call AWS and so need the EKS Pod Identity agent.
const POD_IDENTITY_ADDONS: &[&str] = &[
    "vpc-cni",
    "aws-ebs-csi-driver",
    "amazon-cloudwatch-observability",
    "aws-efs-csi-driver",
];

/// Tags plinth itself puts on a resource at most (the backup tag included); AWS allows 50 per
/// resource.
const PLINTH_TAGS: usize = 14;

/// Instance class of Druid's metadata database when the spec names none: Graviton and memory
/// optimized, so PostgreSQL keeps Druid's segment and task tables in memory.
const DEFAULT_METADATA_INSTANCE_CLASS: &str = "db.r6g.large";

/// Validates `raw`, resolving pointers through `spans`. Returns the platform when no error was
/// found, and every diagnostic either way.
pub fn validate(raw: &RawSpec, spans: &SpanIndex) -> (Option<Platform>, Vec<Diagnostic>) {
    let mut cx = Cx {
        spans,
        diags: Vec::new(),
        region_known: true,
        account_valid: true,
        grafana_cloud: raw
            .observability
            .as_ref()
            .is_some_and(|o| o.grafana_cloud.is_some()),
        pod_identity_users: observability::pod_identity_users(raw)
            .into_iter()
            .chain(data::pod_identity_users(raw))
            .collect(),
    };
    let metadata = cx.metadata(&raw.metadata);
    let aws = cx.aws(&raw.aws);
    let network = cx.network(&raw.network, &aws);
    let cluster = cx.cluster(&raw.cluster, &aws);
    let mut addons = cx.addons(raw.addons.as_ref());
    addons.argo_cd = cx.argo_cd(raw, &aws);
    let mut observability = cx.observability(raw.observability.as_ref(), &raw.cluster, &aws);
    cx.in_cluster_observability(raw, &aws, &mut observability);
    let druid = cx.druid(raw.workloads.as_ref().and_then(|w| w.druid.as_ref()));
    if druid.is_some() {
        cx.druid_prerequisites(raw);
    }
    if raw
        .observability
        .as_ref()
        .is_some_and(|o| o.grafana_cloud.is_some())
    {
        cx.grafana_prerequisites(raw);
    }
    let names = Names::new(
        &raw.metadata.id,
        &raw.metadata.organization,
        &raw.metadata.name,
        &raw.metadata.alias,
        druid.as_ref().map(|d| d.release.as_str()),
    );
    cx.name_limits(
        &names,
        &raw.cluster,
        druid.as_ref().map_or(0, |d| d.metadata_readers),
    );
    let checks = cx.checks(raw.checks.as_ref());
    let (services, dns) = cx.services(raw, &aws, &names);
    let kafka = cx.kafka(raw);
    let spark = cx.spark(raw);
    let airflow = cx.airflow(raw, &aws);
    let mongodb = cx.mongodb(raw);
    let lets_encrypt = cx.lets_encrypt(raw, &dns);
    let backup = raw.backup.as_ref().map(|b| cx.backup(b, &aws, raw));
    let efs = raw
        .storage
        .as_ref()
        .and_then(|s| s.efs.as_ref())
        .map(|e| cx.efs(e, raw));
    let gitops = cx.gitops(raw, &aws);
    let ok = !cx.diags.iter().any(Diagnostic::is_error);
    let platform = match (ok, network, cluster) {
        (true, Some(network), Some(cluster)) => Some(Platform {
            metadata,
            aws,
            network,
            cluster,
            addons,
            observability,
            druid,
            services,
            kafka,
            spark,
            airflow,
            mongodb,
            dns,
            lets_encrypt,
            backup,
            efs,
            gitops,
            names,
            checks,
            cost_assumptions: raw.cost.clone().unwrap_or_default().assumptions,
        }),
        _ => None,
    };
    (platform, cx.diags)
}

struct Cx<'a> {
    spans: &'a SpanIndex,
    diags: Vec<Diagnostic>,
    /// Checks that compare against the region or account stay quiet when those are already
    /// reported as wrong, so one mistake gives one diagnostic.
    region_known: bool,
    account_valid: bool,
    /// Whether Grafana Cloud collectors need pod identity too.
    grafana_cloud: bool,
    /// Other components that run with an EKS Pod Identity role, for the agent check.
    pod_identity_users: Vec<&'static str>,
}

impl Cx<'_> {
    fn error(
        &mut self,
        code: &'static str,
        pointer: &str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::error(code, message).at(self.spans.value(pointer));
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }

    fn warning(
        &mut self,
        code: &'static str,
        pointer: &str,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        let d = Diagnostic::warning(code, message).at(self.spans.value(pointer));
        self.diags.push(d);
        self.diags.last_mut().expect("just pushed")
    }

    fn slug(&mut self, pointer: &str, what: &str, value: &str, max: usize) {
        if !is_slug(value) {
            self.error("spec::invalid-name", pointer, format!("{what} `{value}` is not a valid name"))
                .help = Some("use lowercase letters, digits and `-`, starting with a letter and not ending with `-`".into());
        } else if value.len() > max {
            self.error(
                "spec::name-too-long",
                pointer,
                format!(
                    "{what} `{value}` is {} characters long; at most {max} are allowed",
                    value.len()
                ),
            )
            .help = Some("pick a shorter name; it is a prefix of AWS resource names".into());
        }
    }

    fn metadata(&mut self, m: &raw::Metadata) -> Metadata {
        self.slug("/metadata/id", "id", &m.id, 20);
        self.slug(
            "/metadata/organization",
            "organization",
            &m.organization,
            32,
        );
        self.slug("/metadata/name", "name", &m.name, 32);
        self.slug("/metadata/alias", "alias", &m.alias, 32);
        self.slug("/metadata/environment", "environment", &m.environment, 32);
        if m.version.is_empty()
            || m.version.len() > 64
            || !m
                .version
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        {
            self.error(
                "spec::invalid-value",
                "/metadata/version",
                format!("version `{}` is not a valid tag value", m.version),
            )
            .help = Some("use letters, digits, `.`, `_` and `-`, e.g. `v1`".into());
        }
        if !is_dns_name(&m.domain) {
            self.error(
                "spec::invalid-domain",
                "/metadata/domain",
                format!("domain `{}` is not a DNS name", m.domain),
            )
            .help = Some("use lowercase letters, digits and `-` in dot-separated labels, e.g. `data.example.com`; it prefixes tag and label keys".into());
        }
        if m.tags.len() + PLINTH_TAGS > 50 {
            self.error(
                "spec::too-many-tags",
                "/metadata/tags",
                format!(
                    "{} extra tags plus plinth's {PLINTH_TAGS} exceed AWS's 50 tags per resource",
                    m.tags.len()
                ),
            );
        }
        for (k, v) in &m.tags {
            let p = format!("/metadata/tags/{}", crate::yaml::escape_pointer(k));
            let allowed = |s: &str| {
                s.chars()
                    .all(|c| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c))
            };
            if k.is_empty() || k.len() > 128 || !allowed(k) || k.to_lowercase().starts_with("aws:")
            {
                let d = Diagnostic::error("spec::invalid-tag", format!("tag key `{k}` is not allowed"))
                    .at(self.spans.key(&p))
                    .help("keys are 1–128 letters, digits, spaces and `_.:/=+-@`, and may not start with `aws:`");
                self.diags.push(d);
            }
            if v.len() > 256 || !allowed(v) {
                self.error(
                    "spec::invalid-tag",
                    &p,
                    format!("tag value `{v}` is not allowed"),
                )
                .help = Some("values are up to 256 letters, digits, spaces and `_.:/=+-@`".into());
            }
        }
        Metadata {
            id: m.id.clone(),
            organization: m.organization.clone(),
            name: m.name.clone(),
            alias: m.alias.clone(),
            environment: m.environment.clone(),
            version: m.version.clone(),
            domain: m.domain.clone(),
            tags: m.tags.clone(),
        }
    }

    fn aws(&mut self, a: &raw::Aws) -> AwsTarget {
        if a.account.len() != 12 || !a.account.bytes().all(|b| b.is_ascii_digit()) {
            self.error(
                "spec::invalid-account",
                "/aws/account",
                format!("account `{}` is not a 12-digit AWS account id", a.account),
            )
            .help = Some("quote it so YAML keeps leading zeros: account: \"012345678901\"".into());
            self.account_valid = false;
        }
        let partition = facts::partition_of(&a.region).unwrap_or_else(|| {
            self.region_known = false;
            let known = facts::REGIONS.iter().map(|(r, _)| *r);
            let d = self.error(
                "spec::unknown-region",
                "/aws/region",
                format!("`{}` is not an AWS region where EKS runs", a.region),
            );
            d.help = Some(match closest(&a.region, known) {
                Some(best) => format!("did you mean `{best}`?"),
                None => "use a region code such as `us-west-2`".into(),
            });
            facts::Partition::Aws
        });
        AwsTarget {
            account: a.account.clone(),
            region: a.region.clone(),
            partition,
        }
    }

    fn network(&mut self, n: &raw::Network, aws: &AwsTarget) -> Option<Network> {
        let cidr = self.cidr("/network/cidr", &n.cidr);
        if let Some(c) = cidr {
            if !(16..=24).contains(&c.prefix_len()) {
                self.error(
                    "spec::invalid-cidr",
                    "/network/cidr",
                    format!(
                        "a VPC of /{} is outside the /16 to /24 plinth supports",
                        c.prefix_len()
                    ),
                )
                .help = Some("EKS needs room for nodes and pods; /16 is usual".into());
            } else if !is_private(c) {
                self.warning(
                    "spec::public-cidr",
                    "/network/cidr",
                    format!("{c} is not a private (RFC 1918) range"),
                )
                .help = Some(
                    "use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 unless you own this range"
                        .into(),
                );
            }
        }
        let zones_ok = self.zones(n, aws);
        let count = n.availability_zones.len();
        if n.nat_gateways as usize > count {
            self.error(
                "spec::invalid-nat-count",
                "/network/natGateways",
                format!(
                    "{} NAT gateways for {count} availability zones",
                    n.nat_gateways
                ),
            )
            .help = Some(format!(
                "use 0 to {count}: at most one NAT gateway per zone"
            ));
        } else if n.nat_gateways == 0 {
            self.warning("spec::no-nat", "/network/natGateways", "no NAT gateways: private subnets have no route to the internet")
                .help = Some("nodes cannot pull images or reach AWS APIs without NAT or VPC endpoints; use at least 1".into());
        }
        let flow_logs = self.flow_logs(n.flow_logs.as_ref());
        let public = self.prefix(
            "/network/subnets/public/prefixLength",
            n.subnets.public.prefix_length,
            cidr,
        );
        let private = self.prefix(
            "/network/subnets/private/prefixLength",
            n.subnets.private.prefix_length,
            cidr,
        );
        let (cidr, public, private) = (cidr?, public?, private?);
        if !zones_ok {
            return None;
        }
        let mut blocks: Vec<(usize, bool, u8)> = (0..count)
            .flat_map(|i| [(i, true, public), (i, false, private)])
            .collect();
        let Some((allocated, free)) = allocate(cidr, &mut blocks) else {
            let needed: u64 = count as u64 * ((1u64 << (32 - public)) + (1u64 << (32 - private)));
            self.error("spec::subnets-do-not-fit", "/network/subnets", format!("{count} public /{public} and {count} private /{private} subnets need {needed} addresses; {cidr} has {}", 1u64 << (32 - cidr.prefix_len())))
                .help = Some("use longer prefix lengths or a larger VPC CIDR".into());
            return None;
        };
        let nats = (n.nat_gateways as usize).min(count);
        let zones = n
            .availability_zones
            .iter()
            .enumerate()
            .map(|(i, name)| Zone {
                name: name.clone(),
                public: allocated[&(i, true)],
                private: allocated[&(i, false)],
                nat: (nats > 0).then_some(i % nats.max(1)),
            })
            .collect();
        Some(Network {
            cidr,
            zones,
            nat_zones: (0..nats).collect(),
            free_addresses: free,
            flow_logs,
        })
    }

    fn cidr(&mut self, pointer: &str, text: &str) -> Option<Ipv4Net> {
        match text.parse::<Ipv4Net>() {
            Ok(net) if net.network() != net.addr() => {
                self.error(
                    "spec::invalid-cidr",
                    pointer,
                    format!("`{text}` has host bits set"),
                )
                .help = Some(format!("did you mean `{}`?", net.trunc()));
                None
            }
            Ok(net) => Some(net),
            Err(_) => {
                self.error(
                    "spec::invalid-cidr",
                    pointer,
                    format!("`{text}` is not an IPv4 CIDR block"),
                )
                .help = Some("write it as address/prefix, e.g. `10.0.0.0/16`".into());
                None
            }
        }
    }

    fn prefix(&mut self, pointer: &str, len: u8, vpc: Option<Ipv4Net>) -> Option<u8> {
        let min = vpc.map_or(16, |v| v.prefix_len());
        if len < min || len > 28 {
            self.error("spec::invalid-prefix", pointer, format!("subnet prefix length /{len} must be between /{min} (the VPC) and /28 (AWS's smallest subnet)"));
            return None;
        }
        Some(len)
    }

    fn zones(&mut self, n: &raw::Network, aws: &AwsTarget) -> bool {
        let zones = &n.availability_zones;
        let mut ok = true;
        if !(2..=6).contains(&zones.len()) {
            self.error(
                "spec::invalid-zone-count",
                "/network/availabilityZones",
                match zones.len() {
                    1 => "only 1 availability zone given; EKS needs 2 to 6".to_owned(),
                    n => format!("{n} availability zones given; EKS needs 2 to 6"),
                },
            )
            .help = Some("EKS requires subnets in at least two zones; three is usual".into());
            ok = false;
        }
        let mut seen = BTreeSet::new();
        for (i, z) in zones.iter().enumerate() {
            let p = format!("/network/availabilityZones/{i}");
            let suffix = z.strip_prefix(aws.region.as_str());
            if self.region_known
                && !suffix
                    .is_some_and(|s| s.len() == 1 && s.bytes().all(|b| b.is_ascii_lowercase()))
            {
                self.error(
                    "spec::zone-not-in-region",
                    &p,
                    format!("`{z}` is not an availability zone of {}", aws.region),
                )
                .help = Some(format!(
                    "zones of {r} are named `{r}a`, `{r}b`, …",
                    r = aws.region
                ));
                ok = false;
            }
            if !seen.insert(z) {
                self.error("spec::duplicate-zone", &p, format!("`{z}` is listed twice"));
                ok = false;
            }
        }
        ok
    }

    fn flow_logs(&mut self, f: Option<&raw::FlowLogs>) -> Option<FlowLogs> {
        if f.and_then(|f| f.enabled) == Some(false) {
            self.warning(
                "spec::flow-logs-off",
                "/network/flowLogs/enabled",
                "VPC flow logs are off",
            )
            .help = Some("without them there is no record of traffic for incident response".into());
            return None;
        }
        let retention = f.and_then(|f| f.retention_days).unwrap_or(30);
        self.retention("/network/flowLogs/retentionDays", retention);
        Some(FlowLogs {
            retention_days: retention,
            traffic: f.and_then(|f| f.traffic).unwrap_or(FlowLogTraffic::All),
        })
    }

    fn retention(&mut self, pointer: &str, days: u32) {
        if !facts::LOG_RETENTION_DAYS.contains(&days) {
            let nearest = facts::LOG_RETENTION_DAYS
                .iter()
                .min_by_key(|d| d.abs_diff(days))
                .copied()
                .unwrap_or(30);
            self.error(
                "spec::invalid-retention",
                pointer,
                format!("CloudWatch Logs cannot keep logs for {days} days"),
            )
            .help = Some(format!("the nearest allowed value is {nearest}"));
        }
    }

    fn cluster(&mut self, c: &raw::Cluster, aws: &AwsTarget) -> Option<Cluster> {
        let minor = self.kubernetes_version(&c.version);
        let mut public_access_cidrs = Vec::new();
        if let Some(cidrs) = &c.public_access_cidrs {
            if c.endpoint_access == EndpointAccess::Private {
                self.error(
                    "spec::public-cidrs-on-private",
                    "/cluster/publicAccessCidrs",
                    "publicAccessCidrs is set but the endpoint is private",
                )
                .help = Some(
                    "remove publicAccessCidrs, or use endpointAccess: public-and-private".into(),
                );
            }
            for (i, text) in cidrs.iter().enumerate() {
                public_access_cidrs
                    .extend(self.cidr(&format!("/cluster/publicAccessCidrs/{i}"), text));
            }
        }
        let logging: BTreeSet<_> = c.logging.iter().copied().collect();
        if logging.len() < c.logging.len() {
            self.warning(
                "spec::duplicate-log-type",
                "/cluster/logging",
                "a log type is listed more than once",
            );
        }
        let log_retention_days = c.log_retention_days.unwrap_or(90);
        self.retention("/cluster/logRetentionDays", log_retention_days);
        self.cluster_addons(c, minor);
        let node_groups = self.node_groups(c);
        let karpenter = c.karpenter.as_ref().and_then(|k| self.karpenter(k, minor));
        let access = self.access(&c.access, c.endpoint_access, aws);
        Some(Cluster {
            version_minor: minor?,
            endpoint_access: c.endpoint_access,
            public_access_cidrs,
            logging: logging.into_iter().collect(),
            log_retention_days,
            addons: c.addons.clone(),
            node_groups,
            karpenter,
            access,
        })
    }

    fn kubernetes_version(&mut self, v: &str) -> Option<u32> {
        let supported = || {
            facts::KUBERNETES_VERSIONS
                .iter()
                .map(|(m, _)| format!("1.{m}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let minor = v.strip_prefix("1.").and_then(|m| m.parse::<u32>().ok());
        let Some(&(minor, support)) =
            minor.and_then(|m| facts::KUBERNETES_VERSIONS.iter().find(|(s, _)| *s == m))
        else {
            self.error(
                "spec::unsupported-kubernetes",
                "/cluster/version",
                format!("Kubernetes `{v}` is not a version EKS supports"),
            )
            .help = Some(format!("supported: {}", supported()));
            return None;
        };
        if let Support::Extended { until } = support {
            self.warning("spec::extended-support", "/cluster/version", format!("Kubernetes 1.{minor} is in EKS extended support until {until}"))
                .help = Some("extended support bills the control plane at $0.60/hour instead of $0.10; plan an upgrade".into());
        }
        Some(minor)
    }

    fn cluster_addons(&mut self, c: &raw::Cluster, minor: Option<u32>) {
        for (name, version) in &c.addons {
            let p = format!("/cluster/addons/{name}");
            if !is_slug(name) {
                let d = Diagnostic::error(
                    "spec::invalid-addon",
                    format!("`{name}` is not an EKS addon name"),
                )
                .at(self.spans.key(&p));
                self.diags.push(d);
            }
            let Some((major, addon_minor)) = parse_eks_addon_version(version) else {
                self.error("spec::invalid-addon-version", &p, format!("`{version}` is not an EKS addon version"))
                    .help = Some("pin the exact build, e.g. `v1.20.4-eksbuild.1` (aws eks describe-addon-versions lists them)".into());
                continue;
            };
            if name == "kube-proxy"
                && let Some(cluster_minor) = minor
            {
                if major != 1 || addon_minor > cluster_minor {
                    self.error("spec::kube-proxy-skew", &p, format!("kube-proxy {version} is newer than the control plane (1.{cluster_minor})"))
                        .help = Some(format!("use a v1.{cluster_minor}.x-eksbuild.N build"));
                } else if addon_minor + 3 < cluster_minor {
                    self.error("spec::kube-proxy-skew", &p, format!("kube-proxy {version} is more than three minors behind the control plane (1.{cluster_minor})"));
                } else if addon_minor != cluster_minor {
                    self.warning("spec::kube-proxy-skew", &p, format!("kube-proxy {version} does not match the control plane (1.{cluster_minor})"))
                        .help = Some(format!("EKS publishes a kube-proxy build per cluster version; use v1.{cluster_minor}.x"));
                }
            }
        }
        let mut needs_agent: Vec<&str> = POD_IDENTITY_ADDONS
            .iter()
            .copied()
            .filter(|a| c.addons.contains_key(*a))
            .collect();
        if c.karpenter.is_some() {
            needs_agent.push("karpenter");
        }
        if self.grafana_cloud {
            needs_agent.push("the Grafana Cloud collectors");
        }
        needs_agent.extend(self.pod_identity_users.iter().copied());
        if !c.addons.contains_key("eks-pod-identity-agent") && !needs_agent.is_empty() {
            let users = needs_agent.join(", ");
            self.error(
                "spec::missing-pod-identity-agent",
                "/cluster/addons",
                format!(
                    "{users} use EKS Pod Identity, but the eks-pod-identity-agent addon is missing"
                ),
            )
            .help = Some(
                "add `eks-pod-identity-agent: v1.3.9-eksbuild.3` (or newer) to cluster.addons"
                    .into(),
            );
        }
        for core in ["vpc-cni", "kube-proxy", "coredns"] {
            if !c.addons.contains_key(core) {
                self.warning(
                    "spec::unmanaged-core-addon",
                    "/cluster/addons",
                    format!("{core} is not pinned as a managed addon"),
                )
                .help = Some(format!(
                    "EKS installs a default {core} that nothing upgrades; pin it in cluster.addons"
                ));
            }
        }
    }

    fn node_groups(&mut self, c: &raw::Cluster) -> Vec<NodeGroup> {
        if c.node_groups.is_empty() {
            self.error(
                "spec::no-node-groups",
                "/cluster/nodeGroups",
                "the cluster has no managed node group",
            )
            .help = Some(
                "Karpenter, CoreDNS and the addons need a managed node group to run on".into(),
            );
        }
        let mut names = BTreeSet::new();
        let mut out = Vec::new();
        for (i, ng) in c.node_groups.iter().enumerate() {
            let p = format!("/cluster/nodeGroups/{i}");
            self.slug(&format!("{p}/name"), "node group name", &ng.name, 32);
            if !names.insert(ng.name.as_str()) {
                self.error(
                    "spec::duplicate-node-group",
                    &format!("{p}/name"),
                    format!("node group `{}` is defined twice", ng.name),
                );
            }
            if ng.max_size == 0 {
                self.error(
                    "spec::invalid-size",
                    &format!("{p}/maxSize"),
                    "maxSize must be at least 1",
                );
            }
            if ng.min_size > ng.desired_size || ng.desired_size > ng.max_size {
                self.error(
                    "spec::invalid-size",
                    &format!("{p}/desiredSize"),
                    format!(
                        "sizes must satisfy minSize ≤ desiredSize ≤ maxSize; got {} ≤ {} ≤ {}",
                        ng.min_size, ng.desired_size, ng.max_size
                    ),
                )
                .help = Some("desiredSize is the node count at creation; keep it between minSize and maxSize".into());
            }
            if ng.max_size > 450 {
                self.error(
                    "spec::invalid-size",
                    &format!("{p}/maxSize"),
                    format!(
                        "maxSize {} exceeds the 450 nodes EKS allows per managed node group",
                        ng.max_size
                    ),
                );
            }
            let arch = self.instance_types(&p, &ng.instance_types);
            let disk_size = ng.disk_size.unwrap_or(50);
            if !(20..=16_384).contains(&disk_size) {
                self.error(
                    "spec::invalid-size",
                    &format!("{p}/diskSize"),
                    format!("diskSize {disk_size} GiB must be between 20 and 16384"),
                );
            }
            for (j, t) in ng.taints.iter().enumerate() {
                if !is_label_key(&t.key) {
                    self.error(
                        "spec::invalid-taint",
                        &format!("{p}/taints/{j}/key"),
                        format!("`{}` is not a valid taint key", t.key),
                    );
                }
            }
            for k in ng.labels.keys() {
                if !is_label_key(k) {
                    let lp = format!("{p}/labels/{}", crate::yaml::escape_pointer(k));
                    let d = Diagnostic::error(
                        "spec::invalid-label",
                        format!("`{k}` is not a valid label key"),
                    )
                    .at(self.spans.key(&lp));
                    self.diags.push(d);
                }
            }
            out.push(NodeGroup {
                name: ng.name.clone(),
                ami_family: ng.ami_family,
                arch: arch.unwrap_or(Arch::X86_64),
                instance_types: ng.instance_types.clone(),
                min_size: ng.min_size,
                desired_size: ng.desired_size,
                max_size: ng.max_size,
                capacity_type: ng.capacity_type.unwrap_or(CapacityType::OnDemand),
                disk_size,
                labels: ng.labels.clone(),
                taints: ng
                    .taints
                    .iter()
                    .map(|t| Taint {
                        key: t.key.clone(),
                        value: t.value.clone(),
                        effect: t.effect,
                    })
                    .collect(),
            });
            if ng.ami_family == AmiFamily::Al2023 {
                self.warning(
                    "spec::not-bottlerocket",
                    &format!("{p}/amiFamily"),
                    "this node group runs Amazon Linux 2023, not Bottlerocket",
                )
                .help = Some("Bottlerocket's smaller, immutable OS is the platform default".into());
            }
        }
        out
    }

    fn instance_types(&mut self, p: &str, types: &[String]) -> Option<Arch> {
        if types.is_empty() {
            self.error(
                "spec::no-instance-types",
                &format!("{p}/instanceTypes"),
                "a node group needs at least one instance type",
            );
            return None;
        }
        let mut arches = BTreeMap::new();
        for (j, t) in types.iter().enumerate() {
            let tp = format!("{p}/instanceTypes/{j}");
            match instance_arch(t) {
                Some(a) => {
                    arches.entry(a == Arch::Arm64).or_insert((t.clone(), a));
                }
                None => {
                    self.error(
                        "spec::invalid-instance-type",
                        &tp,
                        format!("`{t}` is not an EC2 instance type"),
                    )
                    .help = Some("write family.size, e.g. `m7i.large` or `t3.medium`".into());
                }
            }
        }
        if arches.len() > 1 {
            let x86 = &arches[&false].0;
            let arm = &arches[&true].0;
            self.error(
                "spec::mixed-architectures",
                &format!("{p}/instanceTypes"),
                format!("`{x86}` is x86_64 but `{arm}` is arm64; a node group runs one AMI"),
            )
            .help = Some("split them into two node groups".into());
            return None;
        }
        arches.into_values().next().map(|(_, a)| a)
    }

    fn karpenter(&mut self, k: &raw::Karpenter, minor: Option<u32>) -> Option<Karpenter> {
        let Some((1, kminor)) = parse_semver(&k.version) else {
            self.error(
                "spec::invalid-version",
                "/cluster/karpenter/version",
                format!("`{}` is not a Karpenter 1.x version", k.version),
            )
            .help = Some("give the chart version without a `v`, e.g. `1.8.2`".into());
            return None;
        };
        if let (Some(m), Some(&(_, max))) = (
            minor,
            facts::KARPENTER_MAX_KUBERNETES
                .iter()
                .find(|(k, _)| *k == kminor),
        ) && m > max
        {
            self.error("spec::karpenter-too-old", "/cluster/karpenter/version", format!("Karpenter 1.{kminor} supports Kubernetes up to 1.{max}, but the cluster runs 1.{m}"))
                .help = Some("upgrade Karpenter first, then the cluster".into());
        }
        Some(Karpenter {
            version: k.version.clone(),
        })
    }

    fn access(&mut self, a: &raw::Access, endpoint: EndpointAccess, aws: &AwsTarget) -> Access {
        let mut roles = BTreeSet::new();
        let mut principals =
            |cx: &mut Self, list: &[raw::Principal], kind: &str| -> Vec<Principal> {
                list.iter()
                    .enumerate()
                    .map(|(i, pr)| {
                        let p = format!("/cluster/access/{kind}/{i}");
                        if pr.username.is_empty()
                            || pr.username.len() > 128
                            || pr.username.starts_with("system:")
                        {
                            cx.error(
                                "spec::invalid-username",
                                &format!("{p}/username"),
                                format!("`{}` is not a usable Kubernetes user name", pr.username),
                            );
                        }
                        cx.role_arn(&format!("{p}/role"), &pr.role, aws);
                        if !roles.insert(pr.role.clone()) {
                            cx.error(
                                "spec::duplicate-principal",
                                &format!("{p}/role"),
                                "this role already has an access entry",
                            )
                            .help = Some("EKS allows one access entry per IAM principal".into());
                        }
                        if !is_email(&pr.email) {
                            cx.error(
                                "spec::invalid-email",
                                &format!("{p}/email"),
                                format!("`{}` is not an email address", pr.email),
                            )
                            .help = Some("write it as name@example.com".into());
                        }
                        Principal {
                            username: pr.username.clone(),
                            role: pr.role.clone(),
                            email: pr.email.clone(),
                        }
                    })
                    .collect()
            };
        let administrators = principals(self, &a.administrators, "administrators");
        let users = principals(self, &a.users, "users");
        let bootstrap_creator_admin = a.bootstrap_creator_admin.unwrap_or(true);
        if administrators.is_empty() && !bootstrap_creator_admin {
            self.error(
                "spec::no-administrators",
                "/cluster/access",
                "nobody can administer the cluster",
            )
            .help = Some("add an administrator, or leave bootstrapCreatorAdmin on".into());
        }
        let bastion = a.bastion.as_ref().map(|b| self.bastion(b, endpoint));
        Access {
            administrators,
            users,
            bootstrap_creator_admin,
            bastion,
        }
    }

    fn role_arn(&mut self, p: &str, arn: &str, aws: &AwsTarget) {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let well_formed = parts.len() == 6
            && parts[0] == "arn"
            && ["aws", "aws-us-gov", "aws-cn"].contains(&parts[1])
            && parts[2] == "iam"
            && parts[3].is_empty()
            && parts[4].len() == 12
            && parts[4].bytes().all(|b| b.is_ascii_digit())
            && parts[5].strip_prefix("role/").is_some_and(|n| {
                !n.is_empty()
                    && n.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
            });
        if !well_formed {
            self.error(
                "spec::invalid-arn",
                p,
                format!("`{arn}` is not an IAM role ARN"),
            )
            .help = Some("expected arn:aws:iam::123456789012:role/NAME".into());
            return;
        }
        if parts[1] != aws.partition.as_str() {
            self.error(
                "spec::wrong-partition",
                p,
                format!(
                    "the role is in partition `{}` but {} is in `{}`",
                    parts[1],
                    aws.region,
                    aws.partition.as_str()
                ),
            )
            .help = Some(format!(
                "use an ARN that starts with arn:{}:iam::",
                aws.partition.as_str()
            ));
        }
        if self.account_valid && parts[4] != aws.account {
            self.warning(
                "spec::foreign-account",
                p,
                format!(
                    "the role belongs to account {}, not {}",
                    parts[4], aws.account
                ),
            )
            .help = Some("cross-account access entries work, but check this is intended".into());
        }
    }

    fn addons(&mut self, a: Option<&raw::Addons>) -> Addons {
        let Some(a) = a else { return Addons::default() };
        let chart = |cx: &mut Self, field: &str, c: Option<&raw::Chart>| {
            c.map(|c| {
                if parse_semver(c.version.trim_start_matches('v')).is_none() {
                    cx.error(
                        "spec::invalid-version",
                        &format!("/addons/{field}/version"),
                        format!("`{}` is not a chart version", c.version),
                    )
                    .help = Some("pin an exact version such as `1.15.0`".into());
                }
                c.version.clone()
            })
        };
        Addons {
            cert_manager: chart(self, "certManager", a.cert_manager.as_ref()),
            aws_load_balancer_controller: chart(
                self,
                "awsLoadBalancerController",
                a.aws_load_balancer_controller.as_ref(),
            ),
            secrets_store_csi: chart(self, "secretsStoreCsi", a.secrets_store_csi.as_ref()),
            external_dns: chart(self, "externalDns", a.external_dns.as_ref()),
            ingress_nginx: chart(self, "ingressNginx", a.ingress_nginx.as_ref()),
            vertical_pod_autoscaler: chart(
                self,
                "verticalPodAutoscaler",
                a.vertical_pod_autoscaler.as_ref(),
            ),
            argo_cd: None,
        }
    }

    fn observability(
        &mut self,
        o: Option<&raw::Observability>,
        c: &raw::Cluster,
        aws: &AwsTarget,
    ) -> Observability {
        let Some(o) = o else {
            return Observability::default();
        };
        if o.container_insights && !c.addons.contains_key("amazon-cloudwatch-observability") {
            self.error("spec::container-insights-without-addon", "/observability/containerInsights", "Container Insights needs the amazon-cloudwatch-observability addon")
                .help = Some("add it to cluster.addons, e.g. `amazon-cloudwatch-observability: v5.0.0-eksbuild.1`".into());
        }
        let grafana_cloud = o.grafana_cloud.as_ref().map(|g| {
            let p = "/observability/grafanaCloud";
            if g.instance_id.is_empty() || !g.instance_id.bytes().all(|b| b.is_ascii_digit()) {
                self.error(
                    "spec::invalid-value",
                    &format!("{p}/instanceId"),
                    format!("`{}` is not a Grafana Cloud instance id", g.instance_id),
                )
                .help = Some("a number, quoted: instanceId: \"123456\"".into());
            }
            self.secret_arn(&format!("{p}/apiKeySecret"), &g.api_key_secret, aws);
            for (field, url) in [
                ("prometheusHost", &g.prometheus_host),
                ("lokiHost", &g.loki_host),
                ("tempoHost", &g.tempo_host),
                ("pyroscopeHost", &g.pyroscope_host),
            ] {
                let host = url
                    .strip_prefix("https://")
                    .map(|r| r.split(['/', ':']).next().unwrap_or(""));
                if !host.is_some_and(is_dns_name) {
                    self.error(
                        "spec::invalid-url",
                        &format!("{p}/{field}"),
                        format!("`{url}` is not an https URL"),
                    )
                    .help = Some(
                        "copy the endpoint from the Grafana Cloud portal, starting with https://"
                            .into(),
                    );
                }
            }
            GrafanaCloud {
                instance_id: g.instance_id.clone(),
                api_key_secret: g.api_key_secret.clone(),
                prometheus_host: g.prometheus_host.clone(),
                loki_host: g.loki_host.clone(),
                tempo_host: g.tempo_host.clone(),
                pyroscope_host: g.pyroscope_host.clone(),
            }
        });
        Observability {
            container_insights: o.container_insights,
            grafana_cloud,
            prometheus: None,
            logs: None,
        }
    }

    fn secret_arn(&mut self, p: &str, arn: &str, aws: &AwsTarget) {
        let parts: Vec<&str> = arn.splitn(7, ':').collect();
        let ok = parts.len() == 7
            && parts[0] == "arn"
            && parts[2] == "secretsmanager"
            && parts[5] == "secret"
            && !parts[6].is_empty()
            && parts[4].len() == 12;
        if !ok {
            self.error(
                "spec::invalid-arn",
                p,
                format!("`{arn}` is not a Secrets Manager secret ARN"),
            )
            .help = Some("expected arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME".into());
            return;
        }
        if self.account_valid && parts[4] != aws.account {
            self.warning(
                "spec::foreign-account",
                p,
                format!(
                    "the secret belongs to account {}, not {}",
                    parts[4], aws.account
                ),
            );
        }
        if self.region_known && parts[3] != aws.region {
            self.warning(
                "spec::foreign-region",
                p,
                format!(
                    "the secret is in {}, the platform in {}",
                    parts[3], aws.region
                ),
            )
            .help = Some(
                "cross-region secret reads add latency and a dependency on another region".into(),
            );
        }
    }

    fn druid(&mut self, d: Option<&raw::Druid>) -> Option<Druid> {
        let d = d?;
        let p = "/workloads/druid";
        self.slug(&format!("{p}/release"), "Druid release", &d.release, 24);
        if parse_semver(&d.version).is_none() {
            self.error(
                "spec::invalid-version",
                &format!("{p}/version"),
                format!("`{}` is not a Druid version", d.version),
            )
            .help = Some("e.g. `34.0.0`".into());
        }
        let mv = &d.metadata_store.version;
        let pg_ok = mv.split_once('.').is_some_and(|(maj, min)| {
            maj.parse::<u32>().is_ok_and(|m| (13..=17).contains(&m)) && min.parse::<u32>().is_ok()
        });
        let mut metadata_version = mv.clone();
        if !pg_ok {
            self.error(
                "spec::invalid-version",
                &format!("{p}/metadataStore/version"),
                format!("`{mv}` is not an Aurora PostgreSQL version plinth supports"),
            )
            .help = Some("quote a major.minor from 13 to 17, e.g. \"15.15\"".into());
        } else if facts::AURORA_POSTGRESQL_RETIRED.contains(&mv.as_str()) {
            // A retired minor cannot create a cluster, so deploying it as written would fail.
            // The major version is what the spec really chooses; use its newest minor.
            let major: u32 = mv
                .split('.')
                .next()
                .and_then(|m| m.parse().ok())
                .unwrap_or_default();
            if let Some((_, minor)) = facts::AURORA_POSTGRESQL_NEWEST
                .iter()
                .find(|(m, _)| *m == major)
            {
                metadata_version = format!("{major}.{minor}");
                self.warning(
                    "spec::retired-engine-version",
                    &format!("{p}/metadataStore/version"),
                    format!("Aurora PostgreSQL {mv} can no longer create clusters; plinth deploys {metadata_version}, the newest {major}.x"),
                )
                .help = Some(format!("pin \"{metadata_version}\" to make the choice explicit"));
            }
        }
        let instance_class = d
            .metadata_store
            .instance_class
            .clone()
            .unwrap_or_else(|| DEFAULT_METADATA_INSTANCE_CLASS.to_owned());
        if !is_db_instance_class(&instance_class) {
            self.error(
                "spec::invalid-instance-type",
                &format!("{p}/metadataStore/instanceClass"),
                format!("`{instance_class}` is not an RDS DB instance class"),
            )
            .help = Some(if instance_class == "db.serverless" {
                "plinth provisions Aurora instances; name a class such as `db.r6g.large`".into()
            } else {
                format!("write it as db.<family>.<size>, e.g. `{DEFAULT_METADATA_INSTANCE_CLASS}`")
            });
        }
        if d.metadata_store.readers > 15 {
            self.error(
                "spec::invalid-size",
                &format!("{p}/metadataStore/readers"),
                "Aurora allows at most 15 readers",
            );
        }
        let c = &d.components;
        let mut replicas = BTreeMap::new();
        for (name, comp) in [
            ("router", &c.router),
            ("broker", &c.broker),
            ("coordinator", &c.coordinator),
            ("overlord", &c.overlord),
            ("historical", &c.historical),
        ] {
            if comp.replicas == 0 {
                self.error(
                    "spec::invalid-size",
                    &format!("{p}/components/{name}/replicas"),
                    format!("the {name} needs at least one replica"),
                );
            }
            replicas.insert(name.to_owned(), comp.replicas);
        }
        let topics = self.druid_topics(&d.ingestion.topics);
        Some(Druid {
            release: d.release.clone(),
            version: d.version.clone(),
            metadata_engine: d.metadata_store.engine,
            metadata_version,
            metadata_readers: d.metadata_store.readers,
            metadata_instance_class: instance_class,
            kafka: d.ingestion.kafka,
            topics,
            replicas,
        })
    }

    /// Druid gets its credentials through the Secrets Store CSI driver and its TLS
    /// certificate from cert-manager, so both addons must be on.
    fn druid_prerequisites(&mut self, raw: &RawSpec) {
        let addons = raw.addons.as_ref();
        for (missing, addon, why) in [
            (
                addons.is_none_or(|a| a.cert_manager.is_none()),
                "certManager",
                "issues the TLS certificate Druid's processes use",
            ),
            (
                addons.is_none_or(|a| a.secrets_store_csi.is_none()),
                "secretsStoreCsi",
                "delivers the metadata, admin and system credentials to Druid's pods",
            ),
        ] {
            if missing {
                self.error(
                    "spec::druid-needs-addon",
                    "/workloads/druid",
                    format!("Druid needs the `{addon}` addon"),
                )
                .help = Some(format!("add `addons.{addon}` with a version: it {why}"));
            }
        }
    }

    /// The Grafana Cloud API key reaches the collectors through the Secrets Store CSI driver,
    /// read with a pod identity role.
    fn grafana_prerequisites(&mut self, raw: &RawSpec) {
        let p = "/observability/grafanaCloud";
        if raw
            .addons
            .as_ref()
            .is_none_or(|a| a.secrets_store_csi.is_none())
        {
            self.error("spec::grafana-needs-addon", p, "Grafana Cloud needs the `secretsStoreCsi` addon")
                .help = Some("add `addons.secretsStoreCsi` with a version: it delivers the API key to the collectors".into());
        }
    }

    /// Suppressions: a code shaped like `PLN101` and a reason that says something. Whether a
    /// rule has the code is for `plinth check` to say (it reports unused suppressions).
    fn checks(&mut self, c: Option<&raw::Checks>) -> Checks {
        let mut checks = Checks::default();
        let mut seen = BTreeSet::new();
        for (i, s) in c
            .map(|c| c.suppressions.as_slice())
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let p = format!("/checks/suppressions/{i}");
            let code = s.code.to_ascii_uppercase();
            let well_formed = code.len() == 6
                && code.starts_with("PLN")
                && code[3..].bytes().all(|b| b.is_ascii_digit());
            if !well_formed {
                self.error(
                    "spec::invalid-suppression",
                    &format!("{p}/code"),
                    format!("`{}` is not a check code", s.code),
                )
                .help = Some(
                    "codes look like `PLN101`; `plinth check --explain CODE` describes one".into(),
                );
            }
            if s.reason.trim().len() < 3 {
                self.error(
                    "spec::suppression-without-reason",
                    &format!("{p}/reason"),
                    format!("the suppression of `{}` gives no reason", s.code),
                )
                .help = Some(
                    "say why the finding is accepted; every report that hides it shows the reason"
                        .into(),
                );
            }
            let mut resources = s.resources.clone();
            resources.sort();
            if !seen.insert((code.clone(), resources)) {
                self.warning(
                    "spec::duplicate-suppression",
                    &p,
                    format!("`{code}` is suppressed twice for the same resources"),
                )
                .help = Some("remove one; only the first is used".into());
            }
            checks.suppressions.push(Suppression {
                code,
                reason: s.reason.trim().to_owned(),
                resources: s.resources.clone(),
            });
        }
        checks
    }

    fn name_limits(&mut self, names: &Names, c: &raw::Cluster, metadata_readers: u32) {
        // A name part already reported as too long or malformed explains any overflow here.
        if self
            .diags
            .iter()
            .any(|d| matches!(d.code, "spec::name-too-long" | "spec::invalid-name"))
        {
            return;
        }
        let groups: Vec<&str> = c.node_groups.iter().map(|n| n.name.as_str()).collect();
        // One diagnostic per broken rule: the three security groups share a prefix, so one
        // cause would otherwise read as three problems.
        let mut broken = BTreeSet::new();
        for (kind, name) in names.all(&groups, metadata_readers) {
            if let Some(rule) = kind.violation(&name) {
                if !broken.insert(rule) {
                    continue;
                }
                // Reserved prefixes come from the id; RDS's doubled hyphen from whichever part
                // has one.
                let doubled_hyphen = matches!(kind, NameKind::RdsCluster | NameKind::RdsInstance);
                let (pointer, part) = if doubled_hyphen && !names.id().contains("--") {
                    ("/workloads/druid/release", "the Druid release")
                } else {
                    ("/metadata/id", "metadata.id")
                };
                self.error(
                    "spec::invalid-derived-name",
                    pointer,
                    format!("the {kind} `{name}` would break an AWS naming rule"),
                )
                .help = Some(format!("{rule}; change {part}"));
            } else if name.len() > kind.limit() {
                self.error(
                    "spec::derived-name-too-long",
                    "/metadata/id",
                    format!(
                        "the {kind} `{name}` would be {} characters; AWS allows {}",
                        name.len(),
                        kind.limit()
                    ),
                )
                .help = Some("shorten metadata.id (or the name it is built from)".into());
            }
        }
    }
}

/// Subnet CIDRs by (zone index, whether public).
type Allocation = BTreeMap<(usize, bool), Ipv4Net>;

/// Allocates one subnet per block, largest first so every block stays aligned; returns the
/// CIDRs by (zone, public) and the addresses left over, or `None` when they do not fit.
fn allocate(vpc: Ipv4Net, blocks: &mut [(usize, bool, u8)]) -> Option<(Allocation, u64)> {
    blocks.sort_by_key(|&(zone, public, len)| (len, !public, zone));
    let start = u64::from(u32::from(vpc.network()));
    let end = start + (1u64 << (32 - vpc.prefix_len()));
    let mut cursor = start;
    let mut out = BTreeMap::new();
    for &(zone, public, len) in blocks.iter() {
        let size = 1u64 << (32 - len);
        cursor = cursor.div_ceil(size) * size;
        if cursor + size > end {
            return None;
        }
        let addr = Ipv4Addr::from(u32::try_from(cursor).ok()?);
        out.insert((zone, public), Ipv4Net::new(addr, len).ok()?);
        cursor += size;
    }
    let used: u64 = blocks.iter().map(|&(_, _, len)| 1u64 << (32 - len)).sum();
    Some((out, end - start - used))
}

fn is_private(net: Ipv4Net) -> bool {
    ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]
        .iter()
        .filter_map(|r| r.parse::<Ipv4Net>().ok())
        .any(|r| r.contains(&net))
}

pub(crate) fn is_slug(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_lowercase()
        && b[b.len() - 1] != b'-'
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

fn is_dns_name(s: &str) -> bool {
    s.len() <= 253
        && s.split('.').count() >= 2
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        })
}

fn is_label_key(k: &str) -> bool {
    let (prefix, name) = match k.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, k),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    name_ok && prefix.is_none_or(|p| is_dns_name(p) || is_slug(p))
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
        && !local.starts_with('.')
        && !local.ends_with('.')
        && is_dns_name(&domain.to_ascii_lowercase())
}

/// The architecture of an instance type such as `m7g.large`, or `None` if it is not one.
pub(super) fn instance_arch(t: &str) -> Option<Arch> {
    let (family, size) = t.split_once('.')?;
    let family_ok = family.len() >= 2
        && family.starts_with(|c: char| c.is_ascii_lowercase())
        && family
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && family.chars().any(|c| c.is_ascii_digit());
    let size_ok = !size.is_empty()
        && size
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !family_ok || !size_ok {
        return None;
    }
    // Graviton families carry a `g` right after the generation digit (m7g, c6gn, r8gd, t4g,
    // x2gd, im4gn, is4gen) or are the first-generation `a1`.
    let after_digit = family.trim_start_matches(|c: char| c.is_ascii_lowercase());
    let after_digit = after_digit.trim_start_matches(|c: char| c.is_ascii_digit());
    let arm = family == "a1" || after_digit.starts_with('g') || family.starts_with("is4gen");
    Some(if arm { Arch::Arm64 } else { Arch::X86_64 })
}

/// Whether `class` reads as an RDS DB instance class: `db.` and an EC2-style type such as
/// `r6g.large` or `t4g.medium`.
pub(super) fn is_db_instance_class(class: &str) -> bool {
    class
        .strip_prefix("db.")
        .is_some_and(|t| instance_arch(t).is_some())
}

fn parse_semver(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let patch = parts.next()?;
    (parts.next().is_none() && patch.parse::<u32>().is_ok()).then_some((major, minor))
}

fn parse_eks_addon_version(v: &str) -> Option<(u32, u32)> {
    let (semver, build) = v.strip_prefix('v')?.split_once("-eksbuild.")?;
    build.parse::<u32>().ok()?;
    parse_semver(semver)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocates_aligned_subnets_and_counts_the_rest() {
        let vpc: Ipv4Net = "10.0.0.0/16".parse().unwrap();
        let mut blocks = vec![(0, true, 24), (0, false, 20), (1, true, 24), (1, false, 20)];
        let (out, free) = allocate(vpc, &mut blocks).unwrap();
        assert_eq!(out[&(0, false)].to_string(), "10.0.0.0/20");
        assert_eq!(out[&(1, false)].to_string(), "10.0.16.0/20");
        assert_eq!(out[&(0, true)].to_string(), "10.0.32.0/24");
        assert_eq!(out[&(1, true)].to_string(), "10.0.33.0/24");
        assert_eq!(free, 65_536 - 2 * 4096 - 2 * 256);
    }

    #[test]
    fn refuses_subnets_that_do_not_fit() {
        let vpc: Ipv4Net = "10.0.0.0/24".parse().unwrap();
        let mut blocks = vec![(0, true, 25), (0, false, 25), (1, true, 25)];
        assert!(allocate(vpc, &mut blocks).is_none());
    }

    #[test]
    fn knows_graviton_families() {
        assert_eq!(instance_arch("t3.medium"), Some(Arch::X86_64));
        assert_eq!(instance_arch("m7g.large"), Some(Arch::Arm64));
        assert_eq!(instance_arch("c6gn.xlarge"), Some(Arch::Arm64));
        assert_eq!(instance_arch("r8gd.2xlarge"), Some(Arch::Arm64));
        assert_eq!(instance_arch("a1.large"), Some(Arch::Arm64));
        assert_eq!(instance_arch("i4i.xlarge"), Some(Arch::X86_64));
        assert_eq!(instance_arch("u-6tb1.56xlarge"), Some(Arch::X86_64));
        assert_eq!(instance_arch("t3medium"), None);
        assert_eq!(instance_arch("T3.medium"), None);
        assert!(is_db_instance_class("db.r6g.large"));
        assert!(is_db_instance_class("db.t4g.medium"));
        assert!(is_db_instance_class("db.r7i.2xlarge"));
        assert!(!is_db_instance_class("r6g.large"));
        assert!(!is_db_instance_class("db.serverless"));
        assert!(!is_db_instance_class("db.r6g"));
    }

    #[test]
    fn reads_versions() {
        assert_eq!(parse_eks_addon_version("v1.34.0-eksbuild.4"), Some((1, 34)));
        assert_eq!(parse_eks_addon_version("1.34.0-eksbuild.4"), None);
        assert_eq!(parse_eks_addon_version("v1.34.0"), None);
        assert_eq!(parse_semver("1.8.2"), Some((1, 8)));
        assert_eq!(parse_semver("1.8"), None);
    }

    #[test]
    fn checks_names_and_addresses() {
        assert!(is_slug("fff"));
        assert!(!is_slug("Fff"));
        assert!(!is_slug("ff-"));
        assert!(is_email("admin@example.com"));
        assert!(!is_email("admin@"));
        assert!(!is_email("admin.example.com"));
        assert!(is_label_key("karpenter.sh/nodepool"));
        assert!(!is_label_key("-bad"));
    }
}
