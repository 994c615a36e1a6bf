//! Raw types of the data-processing workloads that run inside the cluster: Apache Kafka
//! (`workloads.kafka`), Apache Spark (`workloads.spark`), Apache Airflow (`workloads.airflow`)
//! and MongoDB (`workloads.mongodb`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Resources;

/// Apache Kafka in the cluster: a Strimzi-managed cluster in KRaft mode (no ZooKeeper), its
/// topics, and optionally Kafka UI.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Kafka {
    /// Name of the Kafka cluster (default `kafka`); clients bootstrap from
    /// `{name}-kafka-bootstrap.kafka.svc:9093`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Kafka version, one the pinned Strimzi release runs (default `4.1.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Brokers (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brokers: Option<u32>,
    /// Dedicated KRaft controllers: 1, 3 or 5, or 0 to run the controller quorum on the brokers
    /// (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controllers: Option<u32>,
    /// Size of each broker's encrypted gp3 volume in GiB (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_gib: Option<u32>,
    /// Resources of each broker (default requests 500m CPU and 2Gi memory, limit = request).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Namespaces whose pods may connect to Kafka (the namespaces of plinth's own workloads
    /// that use Kafka are added).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<String>,
    /// Topics, created and kept as written by Strimzi's topic operator.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<KafkaTopic>,
    /// Kafka UI in the same namespace, read-only, reached with `kubectl port-forward`.
    #[serde(default)]
    pub ui: bool,
}

/// A Kafka topic.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct KafkaTopic {
    /// Topic name: letters, digits, `.`, `_` and `-`.
    pub name: String,
    /// Partitions (default 3); can grow later, never shrink.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partitions: Option<u32>,
    /// Replicas of each partition (default: the cluster's default replication factor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Hours records are kept (default Kafka's 168).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_hours: Option<u32>,
    /// Other topic configuration, e.g. `cleanup.policy: compact`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub config: BTreeMap<String, String>,
}

/// Apache Spark through the Spark operator: applications in namespace `spark` that read and
/// write the platform's data bucket under one prefix.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Spark {
    /// Key prefix in the data bucket that Spark applications may read and write (default
    /// `spark`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_prefix: Option<String>,
    /// Whether plinth writes its example applications (default true): one that writes events
    /// to S3 as Parquet, and a daily aggregation of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub examples: Option<bool>,
}

/// Apache Airflow from its official chart: the Kubernetes executor, metadata in an RDS for
/// PostgreSQL instance plinth creates, task logs in the data bucket, DAGs from Git.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Airflow {
    /// Where the DAGs come from (git-sync).
    pub dags: AirflowDags,
    /// The metadata database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<AirflowDatabase>,
    /// Key prefix of task logs in the data bucket (default `airflow/logs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs_prefix: Option<String>,
}

/// The Git repository git-sync keeps Airflow's DAGs in step with.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AirflowDags {
    /// Repository URL: `https://…` for a public repository, `git@host:org/repo.git` or
    /// `ssh://…` with `sshKeySecret`.
    pub repository: String,
    /// Branch (default `main`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// Directory of the DAGs in the repository (default: its root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_path: Option<String>,
    /// ARN of the Secrets Manager secret whose value is the SSH private key (never the key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_key_secret: Option<String>,
    /// The SSH host's public keys in `known_hosts` format; without them git-sync does not
    /// check the host.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known_hosts: Option<String>,
}

/// Airflow's metadata database: one RDS for PostgreSQL instance, Multi-AZ in production.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AirflowDatabase {
    /// PostgreSQL version, quoted `major.minor` (default `"17.11"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// DB instance class (default `db.t4g.small`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_class: Option<String>,
    /// Allocated gp3 storage in GiB (default 20); it grows on its own up to five times that.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_gib: Option<u32>,
}

/// A MongoDB replica set run by the MongoDB Controllers for Kubernetes (its `MongoDBCommunity`
/// resource), with SCRAM users whose passwords Secrets Manager generates.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MongoDb {
    /// MongoDB server version, quoted (default `"8.0.12"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Replica set members (default 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<u32>,
    /// Size of each member's encrypted gp3 data volume in GiB (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_gib: Option<u32>,
    /// Resources of each member's `mongod` (default requests 250m CPU and 1Gi memory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
    /// Namespaces whose pods may connect (the namespaces of plinth's own workloads are added).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clients: Vec<String>,
    /// Application users, each with `readWrite` on its database (an `admin` user with the
    /// administration roles is always created).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<MongoUser>,
}

/// A MongoDB application user.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MongoUser {
    /// User name: lowercase letters, digits and `-`.
    pub name: String,
    /// The database it may read and write.
    pub database: String,
}
