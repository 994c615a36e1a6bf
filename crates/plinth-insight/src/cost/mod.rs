//! The monthly cost of a platform before it exists: every component plinth synthesizes,
//! priced from the offline table in [`prices`] at the spec's expected size.
//!
//! Compute is read from the assembly: managed node groups at `desiredSize`, and for each
//! Karpenter pool that runs Druid, the smallest instance of the pool's first family that the
//! component's pod fits after the kubelet's reservations, one node per replica. Usage that no
//! spec fixes (GB through NAT, segments in deep storage, Kafka traffic, logs) comes from
//! [`Assumption`]s: every one is printed with its value and whether the spec set it, and
//! `cost.assumptions` in the spec overrides any of them.

pub mod prices;

use plinth_spec::Platform;
use plinth_spec::facts::{KUBERNETES_VERSIONS, Support};
use plinth_spec::model::{CapacityType, CostAssumptions};
use plinth_synth::Assembly;
use serde::Serialize;
use serde_json::Value;

use crate::check::Context;
use crate::check::context::{cpu_millis, memory_mib, strings};
use crate::check::instances::{shape, sizes};
use prices::{HOURS_PER_MONTH, Region};

/// One priced line of the estimate.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    /// Component group, e.g. `EC2 compute`.
    pub component: String,
    /// What is priced, e.g. `node group core: 3 × t3.medium`.
    pub item: String,
    /// USD per month.
    pub monthly: f64,
    /// How the number was reached.
    pub basis: String,
}

/// A usage figure the estimate assumes.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Assumption {
    /// Its name under `cost.assumptions` in the spec.
    pub name: &'static str,
    /// The value used.
    pub value: f64,
    /// Whether the spec set it (otherwise plinth's default).
    pub from_spec: bool,
    /// What it means.
    pub meaning: &'static str,
}

/// The estimate.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Estimate {
    /// Region priced.
    pub region: String,
    /// Date of the price table.
    pub prices_date: &'static str,
    /// Priced lines, grouped by component in a fixed order.
    pub lines: Vec<Line>,
    /// Sum of the lines, USD per month.
    pub total: f64,
    /// Every assumption, in a fixed order.
    pub assumptions: Vec<Assumption>,
    /// What the estimate leaves out.
    pub excluded: Vec<&'static str>,
}

impl Estimate {
    /// Totals per component in line order, with their share of the total.
    pub fn by_component(&self) -> Vec<(String, f64, f64)> {
        let mut out: Vec<(String, f64, f64)> = Vec::new();
        for l in &self.lines {
            match out.iter_mut().find(|(c, ..)| *c == l.component) {
                Some(entry) => entry.1 += l.monthly,
                None => out.push((l.component.clone(), l.monthly, 0.0)),
            }
        }
        for entry in &mut out {
            entry.2 = if self.total > 0.0 {
                entry.1 / self.total * 100.0
            } else {
                0.0
            };
        }
        out
    }
}

/// Why no estimate could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The price table has no prices for the region.
    #[error("the price table has no prices for region `{0}` (it has {1})")]
    UnknownRegion(String, String),
}

/// Estimates the monthly cost of `platform` as synthesized into `assembly`.
pub fn estimate(platform: &Platform, assembly: &Assembly) -> Result<Estimate, Error> {
    let region = prices::region(&platform.aws.region).ok_or_else(|| {
        Error::UnknownRegion(
            platform.aws.region.clone(),
            prices::REGIONS
                .iter()
                .map(|r| r.name)
                .collect::<Vec<_>>()
                .join(", "),
        )
    })?;
    let a = Assumptions::new(&platform.cost_assumptions);
    let cx = Context::new(platform, assembly);
    let mut b = Builder {
        region,
        lines: Vec::new(),
        excluded: Vec::new(),
    };
    b.control_plane(platform);
    b.node_groups(platform, &a);
    b.karpenter(&cx, &a);
    b.kafka_volumes(&cx);
    b.mongodb_volumes(&cx);
    b.network(platform, &a);
    b.data(platform, &a);
    b.data_lake(platform, &a);
    b.logs(platform, &a);
    b.keys_and_secrets(&cx);
    let total = b.lines.iter().map(|l| l.monthly).sum();
    let mut excluded = b.excluded;
    excluded.extend([
        "data transfer between zones and to the internet (beyond NAT processing)",
        "S3 and KMS requests",
        "Container Insights and Grafana Cloud usage",
        "taxes, support plans, Savings Plans and Reserved Instances",
    ]);
    excluded.dedup();
    Ok(Estimate {
        region: region.name.to_owned(),
        prices_date: prices::PRICES_DATE,
        lines: b.lines,
        total,
        assumptions: a.list,
        excluded,
    })
}

/// Assumptions with their defaults, recorded as they are read.
struct Assumptions {
    list: Vec<Assumption>,
}

impl Assumptions {
    fn new(spec: &CostAssumptions) -> Self {
        let table: [(&'static str, Option<f64>, f64, &'static str); 13] = [
            (
                "natDataGb",
                spec.nat_data_gb,
                100.0,
                "GB a month through the NAT gateways",
            ),
            (
                "deepStorageGb",
                spec.deep_storage_gb,
                500.0,
                "GB of segments in deep storage",
            ),
            (
                "metadataStorageGb",
                spec.metadata_storage_gb,
                20.0,
                "GB in the metadata database",
            ),
            (
                "kafkaPartitions",
                spec.kafka_partitions,
                24.0,
                "Kafka partitions",
            ),
            (
                "kafkaStorageGb",
                spec.kafka_storage_gb,
                50.0,
                "GB retained in Kafka",
            ),
            (
                "kafkaIngressGb",
                spec.kafka_ingress_gb,
                100.0,
                "GB a month written to Kafka",
            ),
            (
                "kafkaEgressGb",
                spec.kafka_egress_gb,
                200.0,
                "GB a month read from Kafka",
            ),
            (
                "dataLakeGb",
                spec.data_lake_gb,
                100.0,
                "GB in the data bucket of the data-processing workloads",
            ),
            (
                "controlPlaneLogsGb",
                spec.control_plane_logs_gb,
                10.0,
                "GB a month of control-plane logs",
            ),
            (
                "flowLogsGb",
                spec.flow_logs_gb,
                20.0,
                "GB a month of VPC flow logs",
            ),
            (
                "spotSavingsPercent",
                spec.spot_savings_percent,
                60.0,
                "percent saved on spot against on-demand",
            ),
            (
                "druidTaskNodes",
                spec.druid_task_nodes,
                1.0,
                "nodes running Druid ingestion tasks",
            ),
            (
                "generalPoolNodes",
                spec.general_pool_nodes,
                0.0,
                "nodes in Karpenter's general pool",
            ),
        ];
        Self {
            list: table
                .into_iter()
                .map(|(name, set, default, meaning)| Assumption {
                    name,
                    value: set.unwrap_or(default),
                    from_spec: set.is_some(),
                    meaning,
                })
                .collect(),
        }
    }

    fn get(&self, name: &str) -> f64 {
        self.list
            .iter()
            .find(|a| a.name == name)
            .map_or(0.0, |a| a.value)
    }

    fn spot_factor(&self) -> f64 {
        1.0 - self.get("spotSavingsPercent") / 100.0
    }
}

struct Builder {
    region: &'static Region,
    lines: Vec<Line>,
    excluded: Vec<&'static str>,
}

impl Builder {
    fn line(&mut self, component: &str, item: String, monthly: f64, basis: String) {
        self.lines.push(Line {
            component: component.to_owned(),
            item,
            // Cents: the table's precision, and stable snapshots.
            monthly: (monthly * 100.0).round() / 100.0,
            basis,
        });
    }

    fn control_plane(&mut self, p: &Platform) {
        let extended = KUBERNETES_VERSIONS
            .iter()
            .any(|(v, s)| *v == p.cluster.version_minor && matches!(s, Support::Extended { .. }));
        let (rate, support) = if extended {
            (self.region.eks_extended_hour, "extended")
        } else {
            (self.region.eks_hour, "standard")
        };
        self.line(
            "EKS control plane",
            format!(
                "cluster {} (Kubernetes {}, {support} support)",
                p.names.cluster(),
                p.cluster.version()
            ),
            rate * HOURS_PER_MONTH,
            format!("730 h × ${rate}/h"),
        );
    }

    fn node_groups(&mut self, p: &Platform, a: &Assumptions) {
        for g in &p.cluster.node_groups {
            let Some(t) = g.instance_types.first() else {
                continue;
            };
            let Some(hourly) = self.region.ec2_hour(t) else {
                self.excluded
                    .push("instance types missing from the price table");
                continue;
            };
            let (factor, capacity) = match g.capacity_type {
                CapacityType::OnDemand => (1.0, "on-demand"),
                CapacityType::Spot => (a.spot_factor(), "spot"),
            };
            let nodes = f64::from(g.desired_size);
            self.line(
                "EC2 compute",
                format!("node group {}: {} × {t} {capacity}", g.name, g.desired_size),
                nodes * hourly * factor * HOURS_PER_MONTH,
                format!(
                    "{} × ${hourly}/h{} × 730 h",
                    g.desired_size,
                    spot_note(factor)
                ),
            );
            let gb = f64::from(g.disk_size + 4);
            self.line(
                "EBS storage",
                format!(
                    "node group {}: {} × {} GiB gp3",
                    g.name,
                    g.desired_size,
                    g.disk_size + 4
                ),
                nodes * gb * self.region.gp3_gb_month,
                format!(
                    "{gb} GiB (data + 4 GiB OS) × ${}/GB-month",
                    self.region.gp3_gb_month
                ),
            );
        }
    }

    fn karpenter(&mut self, cx: &Context<'_>, a: &Assumptions) {
        for pool in cx.objects_of("NodePool") {
            let requirements = pool
                .value
                .pointer("/spec/template/spec/requirements")
                .and_then(Value::as_array);
            let values = |key: &str| {
                requirements
                    .into_iter()
                    .flatten()
                    .find(|r| r["key"] == key)
                    .map(|r| strings(r.get("values")))
                    .unwrap_or_default()
            };
            let families = values("karpenter.k8s.aws/instance-family");
            let spot = values("karpenter.sh/capacity-type").contains(&"spot");
            let Some(family) = families.first() else {
                continue;
            };
            // What runs on the pool all month: a Job's pod comes and goes with its node.
            let workloads: Vec<_> = cx
                .workloads()
                .filter(|o| o.kind() != "Job")
                .filter(|o| {
                    o.pod_spec()
                        .and_then(|s| s.pointer("/nodeSelector/karpenter.sh~1nodepool"))
                        .and_then(Value::as_str)
                        == Some(pool.name())
                })
                .collect();
            let (nodes, instance) = if let Some(o) = workloads.first() {
                let replicas = o
                    .value
                    .pointer("/spec/replicas")
                    .and_then(Value::as_u64)
                    .unwrap_or(1);
                let (cpu, memory) = o
                    .pod_spec()
                    .and_then(|s| s["containers"].as_array())
                    .into_iter()
                    .flatten()
                    .fold((0, 0), |(c, m), k| {
                        let r = &k["resources"]["requests"];
                        (
                            c + r.get("cpu").and_then(cpu_millis).unwrap_or(0),
                            m + r.get("memory").and_then(memory_mib).unwrap_or(0),
                        )
                    });
                // Precision is irrelevant for node counts.
                #[allow(clippy::cast_precision_loss)]
                let nodes = replicas as f64;
                (nodes, fitting(family, cpu, memory))
            } else if pool.name().ends_with("-tasks") {
                (a.get("druidTaskNodes"), Some(format!("{family}.xlarge")))
            } else {
                (a.get("generalPoolNodes"), Some(format!("{family}.large")))
            };
            let Some(instance) = instance else {
                continue;
            };
            if nodes <= 0.0 {
                continue;
            }
            let Some(hourly) = self.region.ec2_hour(&instance) else {
                self.excluded
                    .push("instance types missing from the price table");
                continue;
            };
            let factor = if spot { a.spot_factor() } else { 1.0 };
            self.line(
                "EC2 compute",
                format!(
                    "Karpenter pool {}: {nodes} × {instance} {}",
                    pool.name(),
                    if spot { "spot" } else { "on-demand" }
                ),
                nodes * hourly * factor * HOURS_PER_MONTH,
                format!("{nodes} × ${hourly}/h{} × 730 h", spot_note(factor)),
            );
            let gb = node_class_gb(cx, &pool);
            self.line(
                "EBS storage",
                format!("Karpenter pool {}: {nodes} × {gb} GiB gp3", pool.name()),
                nodes * gb * self.region.gp3_gb_month,
                format!("{gb} GiB × ${}/GB-month", self.region.gp3_gb_month),
            );
        }
    }

    /// The gp3 volumes of each MongoDB member, as the synthesized `MongoDBCommunity` claims
    /// them (data and logs).
    fn mongodb_volumes(&mut self, cx: &Context<'_>) {
        for rs in cx.objects_of("MongoDBCommunity") {
            let members = rs
                .value
                .pointer("/spec/members")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            let gib: u64 = rs
                .value
                .pointer("/spec/statefulSet/spec/volumeClaimTemplates")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|c| {
                    c.pointer("/spec/resources/requests/storage")
                        .and_then(memory_mib)
                })
                .sum::<u64>()
                / 1024;
            if members == 0 || gib == 0 {
                continue;
            }
            // Volume counts and sizes are small; the conversion is exact.
            #[allow(clippy::cast_precision_loss)]
            let gb = (members * gib) as f64;
            self.line(
                "EBS storage",
                format!("MongoDB {}: {members} × {gib} GiB gp3", rs.name()),
                gb * self.region.gp3_gb_month,
                format!(
                    "{members} × {gib} GiB × ${}/GB-month",
                    self.region.gp3_gb_month
                ),
            );
        }
    }

    /// The gp3 volumes of each Kafka node pool, as the synthesized `KafkaNodePool`s ask for
    /// them (Strimzi keeps them when the cluster is deleted).
    fn kafka_volumes(&mut self, cx: &Context<'_>) {
        for pool in cx.objects_of("KafkaNodePool") {
            let replicas = pool
                .value
                .pointer("/spec/replicas")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            let gib: u64 = pool
                .value
                .pointer("/spec/storage/volumes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| v.get("size").and_then(memory_mib))
                .sum::<u64>()
                / 1024;
            if replicas == 0 || gib == 0 {
                continue;
            }
            // Volume counts and sizes are small; the conversion is exact.
            #[allow(clippy::cast_precision_loss)]
            let gb = (replicas * gib) as f64;
            self.line(
                "EBS storage",
                format!("Kafka pool {}: {replicas} × {gib} GiB gp3", pool.name()),
                gb * self.region.gp3_gb_month,
                format!(
                    "{replicas} × {gib} GiB × ${}/GB-month",
                    self.region.gp3_gb_month
                ),
            );
        }
    }

    fn network(&mut self, p: &Platform, a: &Assumptions) {
        let n = p.network.nat_zones.len();
        if n == 0 {
            return;
        }
        // Counts are tiny; the conversion is exact.
        #[allow(clippy::cast_precision_loss)]
        let count = n as f64;
        let r = self.region;
        self.line(
            "NAT gateways",
            format!("{n} NAT gateway(s), hourly"),
            count * r.nat_hour * HOURS_PER_MONTH,
            format!("{n} × ${}/h × 730 h", r.nat_hour),
        );
        let gb = a.get("natDataGb");
        self.line(
            "NAT gateways",
            format!("{gb} GB processed"),
            gb * r.nat_gb,
            format!("natDataGb × ${}/GB", r.nat_gb),
        );
        self.line(
            "NAT gateways",
            format!("{n} public IPv4 address(es)"),
            count * r.ipv4_hour * HOURS_PER_MONTH,
            format!("{n} × ${}/h × 730 h", r.ipv4_hour),
        );
    }

    fn data(&mut self, p: &Platform, a: &Assumptions) {
        let Some(d) = &p.druid else {
            return;
        };
        let r = self.region;
        let instances = 1 + d.metadata_readers;
        if let Some(hourly) = r.aurora_iopt_hour(&d.metadata_instance_class) {
            self.line(
                "Aurora PostgreSQL",
                format!(
                    "{instances} × {} I/O-optimized (writer + {} reader(s))",
                    d.metadata_instance_class, d.metadata_readers
                ),
                f64::from(instances) * hourly * HOURS_PER_MONTH,
                format!("{instances} × ${hourly:.4}/h × 730 h"),
            );
        } else {
            self.excluded
                .push("database instance classes missing from the price table");
        }
        let gb = a.get("metadataStorageGb");
        self.line(
            "Aurora PostgreSQL",
            format!("{gb} GB I/O-optimized storage"),
            gb * r.aurora_iopt_gb_month,
            format!(
                "metadataStorageGb × ${}/GB-month (no I/O charges)",
                r.aurora_iopt_gb_month
            ),
        );
        self.line(
            "MSK Serverless",
            "cluster".to_owned(),
            r.msk_cluster_hour * HOURS_PER_MONTH,
            format!("730 h × ${}/h", r.msk_cluster_hour),
        );
        let partitions = a.get("kafkaPartitions");
        self.line(
            "MSK Serverless",
            format!("{partitions} partitions"),
            partitions * r.msk_partition_hour * HOURS_PER_MONTH,
            format!(
                "kafkaPartitions × ${}/partition-hour × 730 h",
                r.msk_partition_hour
            ),
        );
        let (stored, written, read) = (
            a.get("kafkaStorageGb"),
            a.get("kafkaIngressGb"),
            a.get("kafkaEgressGb"),
        );
        self.line(
            "MSK Serverless",
            format!("{stored} GB stored, {written} GB in, {read} GB out"),
            stored * r.msk_storage_gb_month + written * r.msk_in_gb + read * r.msk_out_gb,
            format!(
                "${}/GB-month, ${}/GB in, ${}/GB out",
                r.msk_storage_gb_month, r.msk_in_gb, r.msk_out_gb
            ),
        );
        let deep = a.get("deepStorageGb");
        self.line(
            "S3",
            format!("{deep} GB deep storage (Standard)"),
            deep * r.s3_gb_month,
            format!("deepStorageGb × ${}/GB-month", r.s3_gb_month),
        );
    }

    /// The data bucket Spark and Airflow's task logs write to, when the platform has one.
    fn data_lake(&mut self, p: &Platform, a: &Assumptions) {
        if p.airflow.is_some() {
            self.excluded.push(
                "RDS for PostgreSQL (Airflow's metadata database): the price table has no RDS for PostgreSQL prices yet",
            );
        }
        if p.efs.is_some() {
            self.excluded.push(
                "EFS (the shared file system): the price table has no EFS storage or throughput prices yet",
            );
        }
        if p.spark.is_none() && p.airflow.is_none() {
            return;
        }
        let gb = a.get("dataLakeGb");
        self.line(
            "S3",
            format!("{gb} GB in the data bucket (Standard)"),
            gb * self.region.s3_gb_month,
            format!("dataLakeGb × ${}/GB-month", self.region.s3_gb_month),
        );
    }

    fn logs(&mut self, p: &Platform, a: &Assumptions) {
        let r = self.region;
        let per_gb = r.logs_ingest_gb + r.logs_store_gb_month;
        if !p.cluster.logging.is_empty() {
            let gb = a.get("controlPlaneLogsGb");
            self.line(
                "CloudWatch Logs",
                format!("{gb} GB control-plane logs"),
                gb * per_gb,
                format!(
                    "controlPlaneLogsGb × (${}/GB ingested + ${}/GB-month stored)",
                    r.logs_ingest_gb, r.logs_store_gb_month
                ),
            );
        }
        if p.network.flow_logs.is_some() {
            let gb = a.get("flowLogsGb");
            self.line(
                "CloudWatch Logs",
                format!("{gb} GB VPC flow logs"),
                gb * per_gb,
                format!(
                    "flowLogsGb × (${}/GB ingested + ${}/GB-month stored)",
                    r.logs_ingest_gb, r.logs_store_gb_month
                ),
            );
        }
    }

    fn keys_and_secrets(&mut self, cx: &Context<'_>) {
        let r = self.region;
        let keys = cx.resources_of("AWS::KMS::Key").count();
        let secrets = cx.resources_of("AWS::SecretsManager::Secret").count();
        // Counts are tiny; the conversion is exact.
        #[allow(clippy::cast_precision_loss)]
        let (k, s) = (keys as f64, secrets as f64);
        if keys > 0 {
            self.line(
                "KMS and Secrets Manager",
                format!("{keys} KMS key(s)"),
                k * r.kms_key_month,
                format!("{keys} × ${}/month", r.kms_key_month),
            );
        }
        if secrets > 0 {
            self.line(
                "KMS and Secrets Manager",
                format!("{secrets} secret(s)"),
                s * r.secret_month,
                format!("{secrets} × ${}/month", r.secret_month),
            );
        }
    }
}

fn spot_note(factor: f64) -> String {
    if (factor - 1.0).abs() < f64::EPSILON {
        String::new()
    } else {
        format!(" × {factor:.2} (spot)")
    }
}

/// The smallest size of `family` whose allocatable capacity holds the requests.
fn fitting(family: &str, cpu: u64, memory: u64) -> Option<String> {
    std::iter::once("medium")
        .chain(sizes())
        .map(|s| format!("{family}.{s}"))
        .find(|name| {
            shape(name).is_some_and(|s| {
                u64::from(s.allocatable_cpu_millis()) >= cpu
                    && u64::from(s.allocatable_memory_mib()) >= memory
            })
        })
}

/// GiB of EBS per node of a pool, from its node class's block devices.
fn node_class_gb(cx: &Context<'_>, pool: &crate::check::Object<'_>) -> f64 {
    let class = pool
        .value
        .pointer("/spec/template/spec/nodeClassRef/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    cx.objects_of("EC2NodeClass")
        .find(|c| c.name() == class)
        .and_then(|c| {
            c.value
                .pointer("/spec/blockDeviceMappings")
                .and_then(Value::as_array)
        })
        .into_iter()
        .flatten()
        .filter_map(|d| d.pointer("/ebs/volumeSize").and_then(memory_mib))
        // GiB counts are small; the conversion is exact.
        .map(|mib| {
            #[allow(clippy::cast_precision_loss)]
            let gib = mib as f64 / 1024.0;
            gib
        })
        .sum()
}
