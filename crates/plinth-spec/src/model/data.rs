//! Checked settings of the data-processing workloads that run inside the cluster.

use std::collections::BTreeMap;

use super::Resources;

/// Namespace of the Kafka cluster, its operator and Kafka UI.
pub const KAFKA_NAMESPACE: &str = "kafka";

/// Namespace of the Spark operator and the Spark applications.
pub const SPARK_NAMESPACE: &str = "spark";
/// Service account Spark's drivers and executors run as; its pod identity role reaches the
/// data bucket.
pub const SPARK_SERVICE_ACCOUNT: &str = "spark";

/// Namespace of the MongoDB operator and replica set.
pub const MONGODB_NAMESPACE: &str = "mongodb";

/// Namespace of Airflow.
pub const AIRFLOW_NAMESPACE: &str = "airflow";

/// Apache Kafka, run by Strimzi in KRaft mode.
#[derive(Debug, Clone)]
pub struct Kafka {
    /// Name of the `Kafka` resource; prefix of every object Strimzi creates for it.
    pub name: String,
    /// Kafka version.
    pub version: String,
    /// Brokers.
    pub brokers: u32,
    /// Dedicated controllers; 0 when the brokers are the controller quorum too.
    pub controllers: u32,
    /// GiB of each broker's volume.
    pub storage_gib: u32,
    /// Resources of each broker.
    pub resources: Resources,
    /// Replication factor of topics that name none (and of Kafka's internal topics).
    pub default_replicas: u32,
    /// In-sync replicas a write with `acks=all` needs.
    pub min_insync_replicas: u32,
    /// Namespaces whose pods may connect, sorted.
    pub clients: Vec<String>,
    /// Topics, in spec order.
    pub topics: Vec<KafkaTopic>,
    /// Whether Kafka UI runs beside the cluster.
    pub ui: bool,
}

impl Kafka {
    /// The bootstrap address of the TLS listener, inside the cluster.
    pub fn bootstrap(&self) -> String {
        format!(
            "{}-kafka-bootstrap.{KAFKA_NAMESPACE}.svc:{}",
            self.name,
            Self::TLS_PORT
        )
    }

    /// Port of the TLS listener, the only one.
    pub const TLS_PORT: u16 = 9093;

    /// The Secret Strimzi keeps the cluster CA certificate in (`ca.crt`), which clients trust.
    pub fn ca_secret(&self) -> String {
        format!("{}-cluster-ca-cert", self.name)
    }
}

/// A Kafka topic.
#[derive(Debug, Clone)]
pub struct KafkaTopic {
    /// Topic name as Kafka knows it.
    pub name: String,
    /// Name of its `KafkaTopic` resource (the topic name when Kubernetes accepts it).
    pub resource_name: String,
    /// Partitions.
    pub partitions: u32,
    /// Replicas of each partition.
    pub replicas: u32,
    /// Topic configuration, `retention.ms` included when the spec sets a retention.
    pub config: BTreeMap<String, String>,
}

/// Apache Spark through the Spark operator.
#[derive(Debug, Clone)]
pub struct Spark {
    /// Key prefix in the data bucket Spark may use, without slashes at either end.
    pub s3_prefix: String,
    /// Whether the example applications are written.
    pub examples: bool,
}

/// Apache Airflow.
#[derive(Debug, Clone)]
pub struct Airflow {
    /// DAG repository URL.
    pub repository: String,
    /// Branch.
    pub branch: String,
    /// Directory of the DAGs in the repository; empty for its root.
    pub sub_path: String,
    /// ARN of the secret holding the SSH key, for SSH repositories.
    pub ssh_key_secret: Option<String>,
    /// The SSH host's keys, when given.
    pub known_hosts: Option<String>,
    /// PostgreSQL version, `major.minor`.
    pub database_version: String,
    /// DB instance class.
    pub database_instance_class: String,
    /// Allocated storage, GiB.
    pub database_storage_gib: u32,
    /// Whether the database has a standby in another zone (production).
    pub multi_az: bool,
    /// Key prefix of task logs in the data bucket.
    pub logs_prefix: String,
}

impl Airflow {
    /// The PostgreSQL major version.
    pub fn database_major(&self) -> &str {
        self.database_version
            .split('.')
            .next()
            .unwrap_or(&self.database_version)
    }
}

/// A MongoDB replica set.
#[derive(Debug, Clone)]
pub struct MongoDb {
    /// Server version.
    pub version: String,
    /// Replica set members.
    pub members: u32,
    /// GiB of each member's data volume.
    pub storage_gib: u32,
    /// Resources of each `mongod`.
    pub resources: Resources,
    /// Namespaces whose pods may connect, sorted.
    pub clients: Vec<String>,
    /// Users: `admin` first, then the spec's, in spec order.
    pub users: Vec<MongoUser>,
}

/// A MongoDB user with a generated password.
#[derive(Debug, Clone)]
pub struct MongoUser {
    /// User name.
    pub name: String,
    /// Database it authenticates against and (for application users) may read and write.
    pub database: String,
    /// Whether it is the administrator.
    pub admin: bool,
}
