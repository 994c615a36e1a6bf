//! The raw spec: serde types that mirror the YAML one to one.
//!
//! These types define the file format. `plinth schema` prints their JSON Schema, structural
//! validation checks documents against that same schema, and [`crate::validate`] turns a
//! `RawSpec` into a [`crate::Platform`] whose values are checked. Field names are the contract:
//! add fields freely, rename none.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod data;
mod gitops;
mod services;

pub use data::{
    Airflow, AirflowDags, AirflowDatabase, Kafka, KafkaTopic, MongoDb, MongoUser, Spark,
};
pub use gitops::{ArgoCd, GitOps, IdentityCenter, Team};
pub use services::{
    AcmeChallenge, AcmeServer, Architecture, Autoscaling, Dns, Expose, ExposeType, Health, Image,
    IngressClass, LetsEncrypt, PublicZone, Quantities, Resources, SecretEnv, Service, Tls,
};

/// A plinth platform spec.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(title = "plinth platform spec")]
pub struct RawSpec {
    /// Spec format version.
    pub api_version: ApiVersion,
    /// Always `Platform`.
    pub kind: Kind,
    /// Identity of the deployment: names, tags and labels derive from it.
    pub metadata: Metadata,
    /// Target AWS account and region.
    pub aws: Aws,
    /// The VPC.
    pub network: Network,
    /// DNS zones services publish names in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<Dns>,
    /// Certificates issued inside the cluster (Let's Encrypt through cert-manager).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<Tls>,
    /// The EKS cluster.
    pub cluster: Cluster,
    /// Platform addons installed into the cluster with Helm charts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub addons: Option<Addons>,
    /// Metrics, logs and traces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observability: Option<Observability>,
    /// Data workloads running on the platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workloads: Option<Workloads>,
    /// AWS Backup of the platform's databases and volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup: Option<Backup>,
    /// Storage beyond the default encrypted gp3 volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<Storage>,
    /// GitOps delivery through Argo CD: the repository and the teams deploying from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gitops: Option<GitOps>,
    /// Settings of `plinth check`: findings accepted on purpose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checks: Option<Checks>,
    /// Settings of `plinth cost`: the usage it assumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
}

/// Spec format version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ApiVersion {
    /// The first format.
    #[serde(rename = "plinth.dev/v1alpha1")]
    V1Alpha1,
}

/// The kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Kind {
    /// A whole platform.
    Platform,
}

/// Identity of the deployment.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Metadata {
    /// Short deployment id, the prefix of every resource name (lowercase letters, digits, `-`).
    pub id: String,
    /// Organization; first part of the stack name `{organization}-{name}-{alias}`.
    pub organization: String,
    /// Platform name; second part of the stack name.
    pub name: String,
    /// Alias; third part of the stack name.
    pub alias: String,
    /// Environment, e.g. `prototype`, `staging`, `production`.
    pub environment: String,
    /// Version of this platform definition, recorded in tags.
    pub version: String,
    /// Tag and label key prefix, e.g. `data.example.com` gives `data.example.com:environment`.
    pub domain: String,
    /// Extra tags on every AWS resource.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

/// Target AWS account and region.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Aws {
    /// 12-digit account id, quoted so YAML keeps its leading zeros.
    pub account: String,
    /// Region, e.g. `us-west-2`.
    pub region: String,
}

/// The VPC.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Network {
    /// IPv4 CIDR of the VPC, /16 to /24.
    pub cidr: String,
    /// Availability zones of the region to spread over (2 to 6).
    pub availability_zones: Vec<String>,
    /// NAT gateways (0 to the number of zones); private route tables share them.
    pub nat_gateways: u32,
    /// Subnet sizes; one public and one private subnet per zone.
    pub subnets: Subnets,
    /// VPC flow logs (on by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_logs: Option<FlowLogs>,
}

/// Subnet sizes.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Subnets {
    /// Public subnets: load balancers and NAT gateways.
    pub public: SubnetSize,
    /// Private subnets with egress through NAT: nodes, pods and data stores.
    pub private: SubnetSize,
}

/// The size of each subnet of a tier.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SubnetSize {
    /// Prefix length, e.g. 24 for 256 addresses.
    pub prefix_length: u8,
}

/// VPC flow log settings.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct FlowLogs {
    /// Whether flow logs are written (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Days CloudWatch keeps them (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// Which traffic to log (default all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic: Option<FlowLogTraffic>,
}

/// Which traffic flow logs record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FlowLogTraffic {
    /// Accepted and rejected traffic.
    All,
    /// Accepted traffic only.
    Accept,
    /// Rejected traffic only.
    Reject,
}

/// The EKS cluster.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Cluster {
    /// Kubernetes minor version, quoted: `"1.34"`.
    pub version: String,
    /// Where the API server endpoint is reachable from.
    pub endpoint_access: EndpointAccess,
    /// CIDRs allowed to reach a public endpoint (default: anywhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_access_cidrs: Option<Vec<String>>,
    /// Control-plane log types sent to CloudWatch Logs.
    #[serde(default)]
    pub logging: Vec<LogType>,
    /// Days CloudWatch keeps control-plane logs (default 90).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_retention_days: Option<u32>,
    /// EKS-managed addons: name → pinned version (`v1.20.4-eksbuild.1`).
    #[serde(default)]
    pub addons: BTreeMap<String, String>,
    /// Managed node groups.
    #[serde(default)]
    pub node_groups: Vec<NodeGroup>,
    /// Karpenter; its AWS side (roles, interruption queue) lives in the cluster stack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub karpenter: Option<Karpenter>,
    /// Who may use the cluster.
    #[serde(default)]
    pub access: Access,
}

/// Where the API server endpoint is reachable from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointAccess {
    /// Internet only (nodes reach it through NAT).
    Public,
    /// Inside the VPC only.
    Private,
    /// Both; nodes use the private endpoint.
    PublicAndPrivate,
}

/// EKS control-plane log types.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum LogType {
    /// API server.
    Api,
    /// Audit.
    Audit,
    /// Authenticator.
    Authenticator,
    /// Controller manager.
    ControllerManager,
    /// Scheduler.
    Scheduler,
}

/// A managed node group.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NodeGroup {
    /// Name, unique in the cluster (lowercase letters, digits, `-`).
    pub name: String,
    /// Operating system image family.
    pub ami_family: AmiFamily,
    /// EC2 instance types, all of one CPU architecture.
    pub instance_types: Vec<String>,
    /// Fewest nodes.
    pub min_size: u32,
    /// Nodes at creation.
    pub desired_size: u32,
    /// Most nodes.
    pub max_size: u32,
    /// On-demand (default) or spot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_type: Option<CapacityType>,
    /// Data volume size in GiB (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_size: Option<u32>,
    /// Kubernetes labels on the nodes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Kubernetes taints on the nodes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
}

/// Operating system image family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AmiFamily {
    /// Bottlerocket: minimal, immutable, container-only.
    Bottlerocket,
    /// Amazon Linux 2023.
    Al2023,
}

/// EC2 capacity type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CapacityType {
    /// On-demand instances.
    OnDemand,
    /// Spot instances.
    Spot,
}

/// A Kubernetes node taint.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Taint {
    /// Taint key.
    pub key: String,
    /// Taint value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Effect.
    pub effect: TaintEffect,
}

/// Taint effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TaintEffect {
    /// No new pods without a toleration.
    NoSchedule,
    /// Avoid scheduling without a toleration.
    PreferNoSchedule,
    /// Evict pods without a toleration.
    NoExecute,
}

/// Karpenter settings.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Karpenter {
    /// Karpenter chart version, e.g. `1.8.2`.
    pub version: String,
}

/// Who may use the cluster.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Access {
    /// Cluster administrators (EKS cluster admin policy).
    #[serde(default)]
    pub administrators: Vec<Principal>,
    /// Read-only users (EKS view policy).
    #[serde(default)]
    pub users: Vec<Principal>,
    /// Whether the identity that creates the cluster gets admin access (default true; plinth's
    /// deploy uses it for the Kubernetes phase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bootstrap_creator_admin: Option<bool>,
    /// A host in a private subnet reached through SSM Session Manager (no SSH key, no open
    /// port), from which the private API endpoint can be port-forwarded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bastion: Option<Bastion>,
}

/// The Session Manager bastion.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Bastion {
    /// EC2 instance type (default `t4g.micro`); Graviton types get the arm64 image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
}

/// AWS Backup: one plan whose rule backs up every resource carrying the platform's backup tag
/// (the metadata database and the volumes of the default StorageClass).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Backup {
    /// When backups start: an AWS cron expression in UTC, six fields (minutes hours
    /// day-of-month month day-of-week year), with or without `cron(...)`, e.g. `0 3 * * ? *`.
    pub schedule: String,
    /// Days a recovery point is kept.
    pub retention_days: u32,
    /// Days after which a recovery point moves to cold storage, for the resource types that
    /// support it; it must then be kept at least 90 days more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_storage_after_days: Option<u32>,
    /// A copy of every recovery point in another vault, usually in another region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_to: Option<BackupCopy>,
}

/// Storage beyond the default encrypted gp3 volumes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Storage {
    /// An Amazon EFS file system that pods in every zone mount at once (`ReadWriteMany`),
    /// through the StorageClass `efs`; needs the `aws-efs-csi-driver` addon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub efs: Option<Efs>,
}

/// The shared EFS file system.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Efs {
    /// Throughput mode (default `elastic`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput_mode: Option<EfsThroughputMode>,
    /// Days without access after which a file moves to the cheaper Infrequent Access class
    /// (default 30): 1, 7, 14, 30, 60, 90, 180, 270 or 365.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition_to_ia_days: Option<u32>,
}

/// EFS throughput mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EfsThroughputMode {
    /// Throughput scales with the workload, paid per GB transferred.
    Elastic,
    /// Throughput grows with the size stored, with burst credits.
    Bursting,
}

/// Where backups are copied.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BackupCopy {
    /// ARN of the destination vault, which must exist (`arn:aws:backup:REGION:ACCOUNT:backup-vault:NAME`).
    pub vault_arn: String,
    /// Days the copy is kept (default: the plan's retention).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
}

/// A person or team mapped to an IAM role.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Principal {
    /// Kubernetes user name.
    pub username: String,
    /// IAM role ARN they assume.
    pub role: String,
    /// Contact email, recorded as a tag on the access entry.
    pub email: String,
}

/// Platform addons.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Addons {
    /// cert-manager (jetstack chart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cert_manager: Option<Chart>,
    /// AWS Load Balancer Controller (eks-charts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_load_balancer_controller: Option<Chart>,
    /// Secrets Store CSI driver AWS provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secrets_store_csi: Option<Chart>,
    /// external-dns (kubernetes-sigs chart): keeps Route 53 records of services' names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_dns: Option<Chart>,
    /// ingress-nginx behind a network load balancer: the entry of `ingress: nginx` services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress_nginx: Option<Chart>,
    /// The Vertical Pod Autoscaler's recommender (Fairwinds `vpa` chart) in recommendation mode:
    /// every Deployment and StatefulSet plinth renders gets a `VerticalPodAutoscaler` with
    /// `updateMode: "Off"`, so requests are recommended, never changed and no pod is evicted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vertical_pod_autoscaler: Option<Chart>,
    /// Argo CD as the EKS managed capability, which installs the other addons. Without it,
    /// Argo CD must already run in the cluster (namespace `argocd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub argo_cd: Option<ArgoCd>,
}

/// A Helm chart pinned to a version.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Chart {
    /// Chart version.
    pub version: String,
}

/// Metrics, logs and traces.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Observability {
    /// CloudWatch Container Insights through the amazon-cloudwatch-observability addon.
    #[serde(default)]
    pub container_insights: bool,
    /// Ship metrics, logs, traces and profiles to Grafana Cloud.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grafana_cloud: Option<GrafanaCloud>,
    /// In-cluster metrics, alerts and dashboards: Prometheus, Alertmanager and Grafana
    /// (kube-prometheus-stack). The alternative to `grafanaCloud`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<Prometheus>,
    /// Container logs to CloudWatch Logs through a Fluent Bit DaemonSet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<Logs>,
}

/// In-cluster Prometheus, Alertmanager and Grafana.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Prometheus {
    /// Days Prometheus keeps samples (default 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// Size of Prometheus's encrypted gp3 volume in GiB (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_gib: Option<u32>,
    /// Where Alertmanager sends alerts; every receiver given gets every alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerts: Option<Alerts>,
}

/// Alertmanager's receivers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Alerts {
    /// An SNS topic plinth creates, with these email addresses subscribed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sns: Option<SnsAlerts>,
    /// A Slack channel, through an incoming webhook kept in Secrets Manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slack: Option<SlackAlerts>,
    /// PagerDuty, through an Events API v2 routing key kept in Secrets Manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pager_duty: Option<PagerDutyAlerts>,
}

/// Alerts to an SNS topic.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SnsAlerts {
    /// Email addresses subscribed to the topic (each confirms by email).
    #[serde(default)]
    pub emails: Vec<String>,
}

/// Alerts to Slack.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SlackAlerts {
    /// Channel, e.g. `#platform-alerts`.
    pub channel: String,
    /// ARN of the Secrets Manager secret whose value is the webhook URL (never the URL itself).
    pub webhook_secret: String,
}

/// Alerts to PagerDuty.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PagerDutyAlerts {
    /// ARN of the Secrets Manager secret whose value is the routing key.
    pub routing_key_secret: String,
}

/// Container logs to CloudWatch Logs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Logs {
    /// Days CloudWatch keeps container logs (default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
}

/// Grafana Cloud endpoints.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GrafanaCloud {
    /// Grafana Cloud instance id, quoted.
    pub instance_id: String,
    /// ARN of the Secrets Manager secret that holds the API key (never the key itself).
    pub api_key_secret: String,
    /// Prometheus remote-write host.
    pub prometheus_host: String,
    /// Loki host.
    pub loki_host: String,
    /// Tempo host.
    pub tempo_host: String,
    /// Pyroscope host.
    pub pyroscope_host: String,
}

/// Data workloads.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Workloads {
    /// Apache Druid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub druid: Option<Druid>,
    /// Application services: a Deployment each, with its Service, probes, autoscaling,
    /// disruption budget, network policy and exposure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
    /// Apache Kafka in the cluster (Strimzi, KRaft mode) with its topics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kafka: Option<Kafka>,
    /// Apache Spark through the Spark operator, with S3 access under a prefix of the data
    /// bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spark: Option<Spark>,
    /// Apache Airflow with the Kubernetes executor, its metadata in RDS for PostgreSQL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub airflow: Option<Airflow>,
    /// A MongoDB replica set with generated credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mongodb: Option<MongoDb>,
}

/// Apache Druid.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Druid {
    /// Release name; part of every Druid resource name.
    pub release: String,
    /// Druid version, e.g. `34.0.0`.
    pub version: String,
    /// Metadata store.
    pub metadata_store: MetadataStore,
    /// Streaming ingestion.
    pub ingestion: Ingestion,
    /// Druid services.
    pub components: Components,
}

/// Druid metadata store.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MetadataStore {
    /// Database engine.
    pub engine: MetadataEngine,
    /// Engine version, quoted: `"15.15"`.
    pub version: String,
    /// Reader instances beside the writer.
    #[serde(default)]
    pub readers: u32,
    /// DB instance class of the writer and the readers (default `db.r6g.large`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_class: Option<String>,
}

/// Metadata database engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MetadataEngine {
    /// Aurora PostgreSQL.
    AuroraPostgresql,
}

/// Streaming ingestion.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Ingestion {
    /// Kafka flavour.
    pub kafka: KafkaFlavour,
    /// Topics Druid ingests, each into a datasource through its own Kafka supervisor. plinth
    /// creates each topic on the cluster (if it does not exist) and submits the supervisor once
    /// Druid is up; a changed entry updates the supervisor.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<IngestTopic>,
}

/// One topic Druid ingests, and the datasource it feeds.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IngestTopic {
    /// Kafka topic name: letters, digits, `.`, `_` and `-`, at most 249 characters.
    pub topic: String,
    /// Druid datasource the events land in (default: the topic's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub datasource: Option<String>,
    /// Partitions of the topic when plinth creates it (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitions: Option<u32>,
    /// The event's time: its column and format.
    pub timestamp: IngestTimestamp,
    /// Format of the events (default `json`: one JSON object per message).
    #[serde(default)]
    pub format: InputFormat,
    /// Dimension columns, in order. Omitted or empty: Druid discovers every column of the
    /// events and its type (schema auto-discovery).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dimensions: Vec<String>,
    /// Time span of one segment (default `hour`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment_granularity: Option<Granularity>,
    /// Granularity timestamps are truncated to (default `none`: kept as they are).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_granularity: Option<Granularity>,
    /// Reading tasks per replica (default 1); more than the topic's partitions would idle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_count: Option<u32>,
    /// Copies of each reading task (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
}

/// The event's time.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct IngestTimestamp {
    /// Column holding it.
    pub column: String,
    /// `iso`, `posix` (seconds), `millis`, `micro`, `nano`, `auto` (default: ISO 8601 or
    /// milliseconds), or a Joda-Time pattern.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

/// Format of a topic's events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InputFormat {
    /// One JSON object per message.
    #[default]
    Json,
}

/// A Druid granularity (querying/granularities.md, "Simple Granularities"), finest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    /// No truncation.
    None,
    /// One second.
    Second,
    /// One minute.
    Minute,
    /// Five minutes.
    FiveMinute,
    /// Ten minutes.
    TenMinute,
    /// Fifteen minutes.
    FifteenMinute,
    /// Thirty minutes.
    ThirtyMinute,
    /// One hour.
    Hour,
    /// Six hours.
    SixHour,
    /// Eight hours.
    EightHour,
    /// One day.
    Day,
    /// One week.
    Week,
    /// One month.
    Month,
    /// One quarter.
    Quarter,
    /// One year.
    Year,
    /// Everything in one bucket.
    All,
}

impl Granularity {
    /// Druid's spelling, as a supervisor spec writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Second => "second",
            Self::Minute => "minute",
            Self::FiveMinute => "five_minute",
            Self::TenMinute => "ten_minute",
            Self::FifteenMinute => "fifteen_minute",
            Self::ThirtyMinute => "thirty_minute",
            Self::Hour => "hour",
            Self::SixHour => "six_hour",
            Self::EightHour => "eight_hour",
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::Year => "year",
            Self::All => "all",
        }
    }
}

/// Kafka flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum KafkaFlavour {
    /// Amazon MSK Serverless with IAM authentication.
    MskServerless,
}

/// Druid services.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Components {
    /// Router: console and query entry point.
    pub router: Component,
    /// Broker: query fan-out.
    pub broker: Component,
    /// Coordinator: segment management.
    pub coordinator: Component,
    /// Overlord: ingestion task management.
    pub overlord: Component,
    /// Historical: serves segments.
    pub historical: Component,
}

/// One Druid service.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Component {
    /// Pod replicas.
    pub replicas: u32,
}

/// Settings of `plinth check`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Checks {
    /// Findings accepted on purpose, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
}

/// A finding accepted on purpose.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Suppression {
    /// Rule code, e.g. `PLN101` (`plinth check --explain CODE` describes it).
    pub code: String,
    /// Why the finding is accepted; shown in every report that suppresses it.
    pub reason: String,
    /// Only findings about these resources or objects: a CloudFormation logical id, or a
    /// Kubernetes `Kind/name` or `name` (default: every finding of the code).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
}

/// Settings of `plinth cost`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Cost {
    /// Usage `plinth cost` assumes where the spec does not fix it; each one left out takes the
    /// default `plinth cost` prints.
    #[serde(default)]
    pub assumptions: CostAssumptions,
}

/// Monthly usage the cost estimate assumes. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CostAssumptions {
    /// GB a month through the NAT gateways (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub nat_data_gb: Option<f64>,
    /// GB of segments in Druid's deep storage (default 500).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub deep_storage_gb: Option<f64>,
    /// GB in the metadata database (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub metadata_storage_gb: Option<f64>,
    /// Kafka partitions (default 24).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub kafka_partitions: Option<f64>,
    /// GB retained in Kafka (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub kafka_storage_gb: Option<f64>,
    /// GB a month written to Kafka (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub kafka_ingress_gb: Option<f64>,
    /// GB a month read from Kafka (default 200: Druid's tasks and one other consumer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub kafka_egress_gb: Option<f64>,
    /// GB in the data bucket of the data-processing workloads (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub data_lake_gb: Option<f64>,
    /// GB a month of control-plane logs (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub control_plane_logs_gb: Option<f64>,
    /// GB a month of VPC flow logs (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub flow_logs_gb: Option<f64>,
    /// Percent saved on spot capacity against on-demand (default 60).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub spot_savings_percent: Option<f64>,
    /// Nodes Karpenter keeps for Druid's ingestion tasks (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub druid_task_nodes: Option<f64>,
    /// Nodes of Karpenter's general pool (default 0: addon controllers fit the node groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub general_pool_nodes: Option<f64>,
}
