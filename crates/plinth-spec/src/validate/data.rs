//! Checks of the data-processing workloads that run inside the cluster: Apache Kafka
//! (`workloads.kafka`), Apache Spark (`workloads.spark`), Apache Airflow (`workloads.airflow`)
//! and MongoDB (`workloads.mongodb`).
//!
//! Kafka keeps its logs on the EBS CSI driver's encrypted volumes, so it needs that addon. The
//! controller quorum must be able to lose a member and keep a majority, which is why only odd
//! sizes are accepted.

use std::collections::{BTreeMap, BTreeSet};

use super::gitops::is_ssh_url;
use super::{Cx, is_db_instance_class, is_slug};
use crate::diagnostic::Diagnostic;
use crate::facts;
use crate::model::{
    AIRFLOW_NAMESPACE, Airflow, AwsTarget, Granularity, IngestTopic, KAFKA_NAMESPACE, Kafka,
    KafkaTopic, MONGODB_NAMESPACE, MongoDb, MongoUser, SPARK_NAMESPACE, Spark,
};
use crate::raw::{self, RawSpec};
use crate::yaml::escape_pointer;

/// Name of the Kafka cluster when the spec names none.
const DEFAULT_KAFKA_NAME: &str = "kafka";
/// Kafka version when the spec names none: the newest the pinned Strimzi runs.
const DEFAULT_KAFKA_VERSION: &str = "4.1.0";
/// Brokers when the spec says nothing.
const DEFAULT_BROKERS: u32 = 3;
/// Dedicated controllers when the spec says nothing: a quorum that survives one loss.
const DEFAULT_CONTROLLERS: u32 = 3;
/// GiB of each broker's volume when the spec says nothing.
const DEFAULT_KAFKA_STORAGE_GIB: u32 = 100;
/// A broker's requests when the spec names none: Kafka leans on the page cache, so memory
/// beyond the heap is not wasted.
const DEFAULT_BROKER_RESOURCES: (&str, &str) = ("500m", "2Gi");
/// Partitions of a topic that names none.
const DEFAULT_PARTITIONS: u32 = 3;
/// Longest Kafka topic name (Kafka's own limit).
const MAX_TOPIC_NAME: usize = 249;
/// Topic settings the spec sets with fields of their own.
const TYPED_TOPIC_CONFIG: &[(&str, &str)] = &[("retention.ms", "retentionHours")];

/// Key prefix of Spark's data when the spec names none.
const DEFAULT_SPARK_PREFIX: &str = "spark";

/// Workloads of this module that run with an EKS Pod Identity role, for the agent check.
pub(super) fn pod_identity_users(raw: &RawSpec) -> Vec<&'static str> {
    let w = raw.workloads.as_ref();
    let mut out = Vec::new();
    if w.is_some_and(|w| w.spark.is_some()) {
        out.push("Spark applications");
    }
    if w.is_some_and(|w| w.airflow.is_some()) {
        out.push("Airflow");
    }
    if w.is_some_and(|w| w.mongodb.is_some()) {
        out.push("MongoDB's secret sync");
    }
    out
}

/// Key prefix of Airflow's task logs when the spec names none.
const DEFAULT_AIRFLOW_LOGS_PREFIX: &str = "airflow/logs";
/// Branch of the DAG repository when the spec names none.
const DEFAULT_DAGS_BRANCH: &str = "main";
/// PostgreSQL version of Airflow's database when the spec names none: the newest 17.x RDS
/// creates instances with, per cfn-lint 1.58's RDS engine-version data (read 2026-11-25).
const DEFAULT_AIRFLOW_DB_VERSION: &str = "17.11";
/// Instance class of Airflow's database when the spec names none: Graviton, burstable; the
/// scheduler's load on it is light and steady.
const DEFAULT_AIRFLOW_DB_CLASS: &str = "db.t4g.small";
/// GiB allocated to Airflow's database when the spec names none (gp3's minimum on RDS).
const DEFAULT_AIRFLOW_DB_GIB: u32 = 20;

/// MongoDB server version when the spec names none.
const DEFAULT_MONGODB_VERSION: &str = "8.0.12";
/// Replica set members when the spec says nothing: one can fail and a majority remains.
const DEFAULT_MONGODB_MEMBERS: u32 = 3;
/// GiB of each member's data volume when the spec says nothing.
const DEFAULT_MONGODB_STORAGE_GIB: u32 = 20;
/// Each `mongod`'s requests when the spec names none.
const DEFAULT_MONGODB_RESOURCES: (&str, &str) = ("250m", "1Gi");
/// Members a replica set may have (MongoDB's limit).
const MAX_MONGODB_MEMBERS: u32 = 50;

impl Cx<'_> {
    /// Validates `workloads.mongodb`.
    pub(super) fn mongodb(&mut self, raw: &RawSpec) -> Option<MongoDb> {
        let m = raw.workloads.as_ref()?.mongodb.as_ref()?;
        let at = "/workloads/mongodb";
        let version = m
            .version
            .clone()
            .unwrap_or_else(|| DEFAULT_MONGODB_VERSION.to_owned());
        let parts: Vec<&str> = version.split('.').collect();
        let ok = parts.len() == 3
            && parts.iter().all(|p| p.parse::<u32>().is_ok())
            && parts[0].parse::<u32>().is_ok_and(|major| major >= 6);
        if !ok {
            self.error(
                "spec::invalid-version",
                &format!("{at}/version"),
                format!("`{version}` is not a MongoDB server version plinth supports"),
            )
            .help = Some(format!(
                "quote a release of 6.0 or newer, e.g. \"{DEFAULT_MONGODB_VERSION}\""
            ));
        }
        let members = m.members.unwrap_or(DEFAULT_MONGODB_MEMBERS);
        if !(1..=MAX_MONGODB_MEMBERS).contains(&members) {
            self.error(
                "spec::invalid-size",
                &format!("{at}/members"),
                format!("a replica set has 1 to {MAX_MONGODB_MEMBERS} members, not {members}"),
            );
        } else if members % 2 == 0 {
            self.warning(
                "spec::even-replica-set",
                &format!("{at}/members"),
                format!(
                    "{members} members survive no more failures than {}",
                    members - 1
                ),
            )
            .help = Some(format!("use {} members", members + 1));
        }
        let storage_gib = m.storage_gib.unwrap_or(DEFAULT_MONGODB_STORAGE_GIB);
        if !(1..=16_384).contains(&storage_gib) {
            self.error(
                "spec::invalid-size",
                &format!("{at}/storageGib"),
                format!("storageGib {storage_gib} must be between 1 and 16384"),
            )
            .help = Some("gp3 volumes are 1 GiB to 16 TiB".into());
        }
        let resources = self.resources_or(
            &format!("{at}/resources"),
            m.resources.as_ref(),
            DEFAULT_MONGODB_RESOURCES,
        );
        if !raw.cluster.addons.contains_key("aws-ebs-csi-driver") {
            self.error(
                "spec::mongodb-needs-storage",
                at,
                "MongoDB keeps its data on EBS volumes, but the aws-ebs-csi-driver addon is missing",
            )
            .help = Some(
                "add `aws-ebs-csi-driver` to cluster.addons, e.g. `v1.51.1-eksbuild.1`".into(),
            );
        }
        if raw
            .addons
            .as_ref()
            .is_none_or(|a| a.secrets_store_csi.is_none())
        {
            self.error(
                "spec::mongodb-needs-addon",
                at,
                "MongoDB needs the `secretsStoreCsi` addon",
            )
            .help = Some("add `addons.secretsStoreCsi` with a version: it delivers the generated passwords to the operator".into());
        }
        let clients = self.client_namespaces(raw, at, &m.clients, MONGODB_NAMESPACE, "MongoDB");
        let mut users = vec![MongoUser {
            name: "admin".into(),
            database: "admin".into(),
            admin: true,
        }];
        for (i, u) in m.users.iter().enumerate() {
            let p = format!("{at}/users/{i}");
            self.slug(&format!("{p}/name"), "MongoDB user", &u.name, 32);
            if u.name == "admin" {
                self.error(
                    "spec::reserved-name",
                    &format!("{p}/name"),
                    "`admin` is the administrator plinth creates",
                )
                .help = Some("give the application user a name of its own".into());
            } else if users.iter().any(|known| known.name == u.name) {
                self.error(
                    "spec::duplicate-user",
                    &format!("{p}/name"),
                    format!("user `{}` is defined twice", u.name),
                );
            }
            let db_ok = !u.database.is_empty()
                && u.database.len() <= 63
                && !u
                    .database
                    .chars()
                    .any(|c| "/\\. \"$".contains(c) || c.is_control())
                && !matches!(u.database.as_str(), "admin" | "local" | "config");
            if !db_ok {
                self.error(
                    "spec::invalid-name",
                    &format!("{p}/database"),
                    format!(
                        "`{}` is not a database an application user can own",
                        u.database
                    ),
                )
                .help = Some(
                    "up to 63 characters without `/\\. \"$`, and not admin, local or config".into(),
                );
            }
            users.push(MongoUser {
                name: u.name.clone(),
                database: u.database.clone(),
                admin: false,
            });
        }
        Some(MongoDb {
            version,
            members,
            storage_gib,
            resources: resources?,
            clients,
            users,
        })
    }

    /// The namespaces whose pods may reach a data store: the spec's list, checked, and the
    /// namespaces of plinth's own workloads that use it.
    fn client_namespaces(
        &mut self,
        raw: &RawSpec,
        at: &str,
        list: &[String],
        own: &str,
        store: &str,
    ) -> Vec<String> {
        let mut clients = BTreeSet::new();
        let w = raw.workloads.as_ref();
        if w.is_some_and(|w| w.spark.is_some()) {
            clients.insert(SPARK_NAMESPACE.to_owned());
        }
        if w.is_some_and(|w| w.airflow.is_some()) {
            clients.insert(AIRFLOW_NAMESPACE.to_owned());
        }
        for (i, ns) in list.iter().enumerate() {
            let np = format!("{at}/clients/{i}");
            if !is_slug(ns) || ns.len() > 63 {
                self.error(
                    "spec::invalid-name",
                    &np,
                    format!("namespace `{ns}` is not a valid name"),
                )
                .help = Some("use up to 63 lowercase letters, digits and `-`".into());
            } else if ns == own {
                self.warning(
                    "spec::redundant-client",
                    &np,
                    format!(
                        "pods in `{own}` are {store}'s own; list the namespaces of its clients"
                    ),
                );
            } else if !clients.insert(ns.clone()) {
                self.warning(
                    "spec::duplicate-client",
                    &np,
                    format!("namespace `{ns}` is already a client (listed twice, or a plinth workload's)"),
                );
            }
        }
        clients.into_iter().collect()
    }

    /// Validates `workloads.airflow`.
    pub(super) fn airflow(&mut self, raw: &RawSpec, aws: &AwsTarget) -> Option<Airflow> {
        let a = raw.workloads.as_ref()?.airflow.as_ref()?;
        let at = "/workloads/airflow";
        let d = &a.dags;
        self.repository_url(&format!("{at}/dags/repository"), &d.repository, true);
        let ssh = is_ssh_url(&d.repository);
        match (&d.ssh_key_secret, ssh) {
            (Some(arn), true) => self.secret_arn(&format!("{at}/dags/sshKeySecret"), arn, aws),
            (None, true) => {
                self.error(
                    "spec::ssh-needs-credentials",
                    &format!("{at}/dags/repository"),
                    "git-sync reaches an SSH repository with a private key, and the spec names none",
                )
                .help = Some("set `sshKeySecret` to a Secrets Manager secret holding the key, or use the https URL of a public repository".into());
            }
            (Some(_), false) => {
                self.warning(
                    "spec::unused-setting",
                    &format!("{at}/dags/sshKeySecret"),
                    "an SSH key is only used with an SSH repository URL",
                );
            }
            (None, false) => {}
        }
        if d.known_hosts.is_some() && !ssh {
            self.warning(
                "spec::unused-setting",
                &format!("{at}/dags/knownHosts"),
                "host keys are only checked for an SSH repository URL",
            );
        }
        let branch = d
            .branch
            .clone()
            .unwrap_or_else(|| DEFAULT_DAGS_BRANCH.to_owned());
        if branch.is_empty() || branch.chars().any(|c| c.is_whitespace() || c.is_control()) {
            self.error(
                "spec::invalid-value",
                &format!("{at}/dags/branch"),
                format!("`{branch}` is not a branch"),
            );
        }
        let sub_path = d.sub_path.clone().unwrap_or_default();
        if !sub_path.is_empty() && !super::gitops::is_repository_path(&sub_path) {
            self.error(
                "spec::invalid-path",
                &format!("{at}/dags/subPath"),
                format!("`{sub_path}` is not a directory inside the repository"),
            )
            .help = Some("a relative path such as `dags`: no leading `/`, no `..`".into());
        }
        let db = a.database.clone().unwrap_or_default();
        let version = db
            .version
            .unwrap_or_else(|| DEFAULT_AIRFLOW_DB_VERSION.to_owned());
        // RDS no longer creates instances from a bare major version; it takes major.minor.
        let ok = version.split_once('.').is_some_and(|(major, minor)| {
            major.parse::<u32>().is_ok_and(|m| (13..=18).contains(&m))
                && minor.parse::<u32>().is_ok()
        });
        if !ok {
            self.error(
                "spec::invalid-version",
                &format!("{at}/database/version"),
                format!("`{version}` is not an RDS for PostgreSQL version plinth supports"),
            )
            .help = Some(format!(
                "quote a major.minor with a major from 13 to 18, e.g. \"{DEFAULT_AIRFLOW_DB_VERSION}\""
            ));
        }
        let instance_class = db
            .instance_class
            .unwrap_or_else(|| DEFAULT_AIRFLOW_DB_CLASS.to_owned());
        if !is_db_instance_class(&instance_class) {
            self.error(
                "spec::invalid-instance-type",
                &format!("{at}/database/instanceClass"),
                format!("`{instance_class}` is not an RDS DB instance class"),
            )
            .help = Some(format!(
                "write it as db.<family>.<size>, e.g. `{DEFAULT_AIRFLOW_DB_CLASS}`"
            ));
        }
        let storage_gib = db.storage_gib.unwrap_or(DEFAULT_AIRFLOW_DB_GIB);
        if !(20..=65_536).contains(&storage_gib) {
            self.error(
                "spec::invalid-size",
                &format!("{at}/database/storageGib"),
                format!("storageGib {storage_gib} must be between 20 and 65536"),
            )
            .help = Some("RDS gp3 volumes are 20 GiB to 64 TiB".into());
        }
        let logs_prefix = a
            .logs_prefix
            .clone()
            .unwrap_or_else(|| DEFAULT_AIRFLOW_LOGS_PREFIX.to_owned());
        if !is_key_prefix(&logs_prefix) {
            self.error(
                "spec::invalid-value",
                &format!("{at}/logsPrefix"),
                format!("`{logs_prefix}` is not a key prefix Airflow's role can be limited to"),
            )
            .help = Some("lowercase letters, digits, `-`, `_` and `.`, in parts joined by `/`, e.g. `airflow/logs`".into());
        }
        if raw
            .addons
            .as_ref()
            .is_none_or(|a| a.secrets_store_csi.is_none())
        {
            self.error(
                "spec::airflow-needs-addon",
                at,
                "Airflow needs the `secretsStoreCsi` addon",
            )
            .help = Some("add `addons.secretsStoreCsi` with a version: it delivers the generated database and key secrets to Airflow".into());
        }
        let environment = raw.metadata.environment.as_str();
        Some(Airflow {
            repository: d.repository.clone(),
            branch,
            sub_path,
            ssh_key_secret: d.ssh_key_secret.clone().filter(|_| ssh),
            known_hosts: d.known_hosts.clone().filter(|_| ssh),
            database_version: version,
            database_instance_class: instance_class,
            database_storage_gib: storage_gib,
            multi_az: matches!(environment, "production" | "prod"),
            logs_prefix,
        })
    }

    /// Validates `workloads.spark`.
    pub(super) fn spark(&mut self, raw: &RawSpec) -> Option<Spark> {
        let s = raw.workloads.as_ref()?.spark.as_ref()?;
        let prefix = s
            .s3_prefix
            .clone()
            .unwrap_or_else(|| DEFAULT_SPARK_PREFIX.to_owned());
        if !is_key_prefix(&prefix) {
            self.error(
                "spec::invalid-value",
                "/workloads/spark/s3Prefix",
                format!("`{prefix}` is not a key prefix Spark's role can be limited to"),
            )
            .help = Some(
                "lowercase letters, digits, `-`, `_` and `.`, in parts joined by `/`, e.g. `spark` or `teams/analytics`"
                    .into(),
            );
        }
        Some(Spark {
            s3_prefix: prefix,
            examples: s.examples.unwrap_or(true),
        })
    }

    /// Validates `workloads.kafka`.
    pub(super) fn kafka(&mut self, raw: &RawSpec) -> Option<Kafka> {
        let k = raw.workloads.as_ref()?.kafka.as_ref()?;
        let at = "/workloads/kafka";
        let name = k
            .name
            .clone()
            .unwrap_or_else(|| DEFAULT_KAFKA_NAME.to_owned());
        // Strimzi names pods `{name}-{pool}-{n}` and services `{name}-kafka-bootstrap`.
        self.slug(&format!("{at}/name"), "Kafka cluster name", &name, 30);
        let version = k
            .version
            .clone()
            .unwrap_or_else(|| DEFAULT_KAFKA_VERSION.to_owned());
        if !facts::STRIMZI_KAFKA_VERSIONS.contains(&version.as_str()) {
            self.error(
                "spec::unsupported-version",
                &format!("{at}/version"),
                format!(
                    "Strimzi {} does not run Kafka {version}",
                    facts::STRIMZI_RELEASE
                ),
            )
            .help = Some(format!(
                "use one of {}",
                facts::STRIMZI_KAFKA_VERSIONS.join(", ")
            ));
        }
        let brokers = k.brokers.unwrap_or(DEFAULT_BROKERS);
        if brokers == 0 {
            self.error(
                "spec::invalid-size",
                &format!("{at}/brokers"),
                "Kafka needs at least one broker",
            );
        }
        let controllers = k.controllers.unwrap_or(DEFAULT_CONTROLLERS);
        if ![0, 1, 3, 5].contains(&controllers) {
            self.error(
                "spec::invalid-size",
                &format!("{at}/controllers"),
                format!("a KRaft quorum of {controllers} controllers cannot keep a majority when one fails"),
            )
            .help = Some("use 3 (or 5), or 0 to make the brokers the controllers".into());
        } else if controllers == 0 && brokers > 0 && ![1, 3, 5].contains(&brokers) {
            self.error(
                "spec::invalid-size",
                &format!("{at}/brokers"),
                format!("with `controllers: 0` the {brokers} brokers are the KRaft quorum, which needs an odd size of at most 5"),
            )
            .help = Some("use 3 brokers, or dedicated controllers (`controllers: 3`)".into());
        }
        let storage_gib = k.storage_gib.unwrap_or(DEFAULT_KAFKA_STORAGE_GIB);
        if !(1..=16_384).contains(&storage_gib) {
            self.error(
                "spec::invalid-size",
                &format!("{at}/storageGib"),
                format!("storageGib {storage_gib} must be between 1 and 16384"),
            )
            .help = Some("gp3 volumes are 1 GiB to 16 TiB".into());
        }
        if !raw.cluster.addons.contains_key("aws-ebs-csi-driver") {
            self.error(
                "spec::kafka-needs-storage",
                at,
                "Kafka keeps its logs on EBS volumes, but the aws-ebs-csi-driver addon is missing",
            )
            .help = Some(
                "add `aws-ebs-csi-driver` to cluster.addons, e.g. `v1.51.1-eksbuild.1`".into(),
            );
        }
        let resources = self.resources_or(
            &format!("{at}/resources"),
            k.resources.as_ref(),
            DEFAULT_BROKER_RESOURCES,
        );
        let default_replicas = brokers.clamp(1, 3);
        let min_insync_replicas = min_insync(default_replicas);
        let topics = self.kafka_topics(&k.topics, brokers, min_insync_replicas);
        let clients = self.client_namespaces(raw, at, &k.clients, KAFKA_NAMESPACE, "Kafka");
        Some(Kafka {
            name,
            version,
            brokers,
            controllers,
            storage_gib,
            resources: resources?,
            default_replicas,
            min_insync_replicas,
            clients,
            topics,
            ui: k.ui,
        })
    }

    fn kafka_topics(
        &mut self,
        list: &[raw::KafkaTopic],
        brokers: u32,
        cluster_min_insync: u32,
    ) -> Vec<KafkaTopic> {
        let mut out = Vec::new();
        let mut names = BTreeSet::new();
        let mut resources: BTreeMap<String, &str> = BTreeMap::new();
        for (i, t) in list.iter().enumerate() {
            let p = format!("/workloads/kafka/topics/{i}");
            if !self.topic_name(&t.name, &format!("{p}/name")) {
                continue;
            }
            if !names.insert(t.name.as_str()) {
                self.error(
                    "spec::duplicate-topic",
                    &format!("{p}/name"),
                    format!("topic `{}` is defined twice", t.name),
                );
                continue;
            }
            let resource_name = resource_name(&t.name);
            if !is_dns_subdomain(&resource_name) {
                self.error(
                    "spec::invalid-name",
                    &format!("{p}/name"),
                    format!(
                        "topic `{}` has no Kubernetes name for its KafkaTopic",
                        t.name
                    ),
                )
                .help = Some("use letters or digits between the dots".into());
                continue;
            }
            if let Some(other) = resources.insert(resource_name.clone(), t.name.as_str()) {
                self.error(
                    "spec::duplicate-topic",
                    &format!("{p}/name"),
                    format!(
                        "topics `{other}` and `{}` would both be the KafkaTopic `{resource_name}`",
                        t.name
                    ),
                )
                .help = Some(
                    "Kubernetes names are lowercase with `-` for `_`; rename one topic".into(),
                );
            }
            let partitions = t.partitions.unwrap_or(DEFAULT_PARTITIONS);
            if partitions == 0 {
                self.error(
                    "spec::invalid-size",
                    &format!("{p}/partitions"),
                    "a topic needs at least one partition",
                );
            }
            let replicas = t.replicas.unwrap_or_else(|| brokers.clamp(1, 3));
            if replicas == 0 || replicas > brokers.max(1) {
                self.error(
                    "spec::invalid-size",
                    &format!("{p}/replicas"),
                    format!("{replicas} replicas need as many brokers; the cluster has {brokers}"),
                )
                .help = Some(format!("use 1 to {}", brokers.max(1)));
            }
            let mut config = BTreeMap::new();
            if let Some(hours) = t.retention_hours {
                if hours == 0 {
                    self.error(
                        "spec::invalid-value",
                        &format!("{p}/retentionHours"),
                        "a retention of 0 hours deletes records as they arrive",
                    )
                    .help = Some("give at least 1 hour".into());
                }
                config.insert(
                    "retention.ms".to_owned(),
                    (u64::from(hours) * 3_600_000).to_string(),
                );
            }
            // A topic with fewer replicas than the cluster's default minimum would refuse every
            // `acks=all` write; it gets a minimum it can meet with one replica down.
            let topic_min_insync = min_insync(replicas);
            if replicas > 0 && topic_min_insync < cluster_min_insync {
                config.insert(
                    "min.insync.replicas".to_owned(),
                    topic_min_insync.to_string(),
                );
            }
            for (key, value) in &t.config {
                let kp = format!("{p}/config/{}", escape_pointer(key));
                // Both point at the key, the part that is wrong.
                let at = self.spans.key(&kp);
                if let Some((_, field)) = TYPED_TOPIC_CONFIG.iter().find(|(k, _)| k == key) {
                    self.diags.push(
                        Diagnostic::error(
                            "spec::conflicting-settings",
                            format!("`{key}` is set by the topic's `{field}`"),
                        )
                        .at(at)
                        .help(format!("set `{field}` instead")),
                    );
                    continue;
                }
                if !is_config_key(key) {
                    self.diags.push(
                        Diagnostic::error(
                            "spec::invalid-name",
                            format!("`{key}` is not a Kafka topic setting"),
                        )
                        .at(at)
                        .help("lowercase words separated by `.`, e.g. `cleanup.policy`"),
                    );
                    continue;
                }
                config.insert(key.clone(), value.clone());
            }
            out.push(KafkaTopic {
                name: t.name.clone(),
                resource_name,
                partitions,
                replicas,
                config,
            });
        }
        out
    }
}

/// A key prefix of plain parts: no empty part, no wildcard or other character that would
/// widen or break the IAM resource pattern `{prefix}/*`.
fn is_key_prefix(prefix: &str) -> bool {
    !prefix.is_empty()
        && prefix.len() <= 256
        && prefix.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')
                })
        })
}

/// In-sync replicas a write with `acks=all` needs, so that one replica can be down.
fn min_insync(replicas: u32) -> u32 {
    if replicas >= 3 { 2 } else { 1 }
}

/// Timestamp formats Druid's timestampSpec names (ingestion/ingestion-spec.md); anything else
/// is read as a Joda-Time pattern.
const TIMESTAMP_FORMATS: &[&str] = &["iso", "posix", "millis", "micro", "nano", "auto"];

impl Cx<'_> {
    /// Whether `name` (at `pointer`) is a Kafka topic name; reports it when it is not.
    fn topic_name(&mut self, name: &str, pointer: &str) -> bool {
        if is_topic_name(name) {
            return true;
        }
        self.error(
            "spec::invalid-name",
            pointer,
            format!("`{name}` is not a Kafka topic name"),
        )
        .help = Some(format!(
            "up to {MAX_TOPIC_NAME} letters, digits, `.`, `_` and `-`, not `.` or `..`"
        ));
        false
    }

    /// The topics Druid ingests (`/workloads/druid/ingestion/topics`), defaults applied.
    pub(super) fn druid_topics(&mut self, list: &[raw::IngestTopic]) -> Vec<IngestTopic> {
        let mut out = Vec::new();
        let mut topics = BTreeSet::new();
        let mut datasources = BTreeSet::new();
        for (i, t) in list.iter().enumerate() {
            let p = format!("/workloads/druid/ingestion/topics/{i}");
            if !self.topic_name(&t.topic, &format!("{p}/topic")) {
                continue;
            }
            if !topics.insert(t.topic.as_str()) {
                self.error(
                    "spec::duplicate-topic",
                    &format!("{p}/topic"),
                    format!("topic `{}` is ingested twice", t.topic),
                )
                .help = Some("one supervisor reads a topic; list it once".into());
                continue;
            }
            let datasource = t.datasource.clone().unwrap_or_else(|| t.topic.clone());
            if !is_datasource_name(&datasource) {
                self.error(
                    "spec::invalid-name",
                    &format!("{p}/datasource"),
                    format!("`{datasource}` is not a Druid datasource name"),
                )
                .help = Some(
                    "up to 255 characters, no `/` or whitespace, not starting with `.`".into(),
                );
            } else if !datasources.insert(datasource.clone()) {
                self.error(
                    "spec::duplicate-topic",
                    &format!("{p}/datasource"),
                    format!("datasource `{datasource}` is fed by two topics"),
                )
                .help = Some(
                    "a datasource has one supervisor; give each topic its own datasource".into(),
                );
            }
            let partitions = t.partitions.unwrap_or(DEFAULT_PARTITIONS);
            if partitions == 0 {
                self.error(
                    "spec::invalid-size",
                    &format!("{p}/partitions"),
                    "a topic needs at least one partition",
                );
            }
            let column = t.timestamp.column.trim();
            if column.is_empty() {
                self.error(
                    "spec::invalid-value",
                    &format!("{p}/timestamp/column"),
                    "the timestamp column is empty",
                )
                .help = Some("name the field of each event that holds its time".into());
            }
            let format = t.timestamp.format.clone().unwrap_or_else(|| "auto".into());
            if !is_timestamp_format(&format) {
                self.error(
                    "spec::invalid-value",
                    &format!("{p}/timestamp/format"),
                    format!("`{format}` is not a Druid timestamp format"),
                )
                .help = Some(format!(
                    "one of {}, or a Joda-Time pattern",
                    TIMESTAMP_FORMATS.join(", ")
                ));
            }
            let mut seen = BTreeSet::new();
            for (j, d) in t.dimensions.iter().enumerate() {
                if d.trim().is_empty() || !seen.insert(d.as_str()) || d == column {
                    self.error(
                        "spec::invalid-value",
                        &format!("{p}/dimensions/{j}"),
                        if d == column {
                            format!("`{d}` is the timestamp column, not a dimension")
                        } else {
                            format!("dimension `{d}` is empty or listed twice")
                        },
                    );
                }
            }
            let segment = t.segment_granularity.unwrap_or(Granularity::Hour);
            let query = t.query_granularity.unwrap_or(Granularity::None);
            if segment == Granularity::None {
                self.error(
                    "spec::invalid-value",
                    &format!("{p}/segmentGranularity"),
                    "segments need a time span",
                )
                .help = Some("e.g. `hour` or `day`".into());
            } else if query > segment {
                self.error(
                    "spec::invalid-value",
                    &format!("{p}/queryGranularity"),
                    format!(
                        "query granularity `{}` is coarser than the segments (`{}`)",
                        query.as_str(),
                        segment.as_str()
                    ),
                )
                .help = Some("use a query granularity no coarser than the segment's".into());
            }
            let task_count = t.task_count.unwrap_or(1);
            let replicas = t.replicas.unwrap_or(1);
            for (field, v) in [("taskCount", task_count), ("replicas", replicas)] {
                if v == 0 {
                    self.error(
                        "spec::invalid-size",
                        &format!("{p}/{field}"),
                        format!("`{field}` must be at least 1"),
                    );
                }
            }
            if task_count > partitions && partitions > 0 {
                self.warning(
                    "spec::idle-tasks",
                    &format!("{p}/taskCount"),
                    format!(
                        "{task_count} tasks read {partitions} partitions; {} would idle",
                        task_count - partitions
                    ),
                )
                .help = Some(format!("use at most {partitions}, or add partitions"));
            }
            out.push(IngestTopic {
                topic: t.topic.clone(),
                datasource,
                partitions,
                timestamp_column: column.to_owned(),
                timestamp_format: format,
                format: t.format,
                dimensions: t.dimensions.clone(),
                segment_granularity: segment,
                query_granularity: query,
                task_count,
                replicas,
            });
        }
        out
    }
}

/// A format Druid's timestampSpec names, or what reads as a Joda-Time pattern (it has a
/// pattern letter written twice: `yyyy-MM-dd HH:mm:ss`).
fn is_timestamp_format(format: &str) -> bool {
    TIMESTAMP_FORMATS.contains(&format)
        || ["yy", "MM", "dd", "HH", "hh", "mm", "ss", "SS"]
            .iter()
            .any(|p| format.contains(p))
}

/// Druid's rule for datasource names (no `/`, no whitespace, not starting with `.`).
fn is_datasource_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('.')
        && !name.chars().any(|c| c == '/' || c.is_whitespace())
}

/// Kafka's rule for topic names.
fn is_topic_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_TOPIC_NAME
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The KafkaTopic resource name of a topic: the topic name when it is a DNS subdomain,
/// otherwise lowercased with `_` as `-` (Strimzi's `spec.topicName` keeps the real name).
fn resource_name(topic: &str) -> String {
    topic
        .to_ascii_lowercase()
        .replace('_', "-")
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned()
}

/// Kubernetes' rule for most object names (RFC 1123 subdomain).
fn is_dns_subdomain(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.starts_with(|c: char| c.is_ascii_alphanumeric())
                && label.ends_with(|c: char| c.is_ascii_alphanumeric())
                && label
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

/// A topic setting's name: lowercase words joined by `.`.
fn is_config_key(key: &str) -> bool {
    !key.is_empty()
        && key.split('.').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_topic_names_to_resource_names() {
        assert_eq!(resource_name("orders"), "orders");
        assert_eq!(resource_name("Orders_V2"), "orders-v2");
        assert_eq!(resource_name("_internal.events"), "internal.events");
        assert!(is_topic_name("web.clicks-v1_raw"));
        assert!(!is_topic_name(".."));
        assert!(!is_topic_name("a b"));
        assert!(!is_topic_name(&"x".repeat(250)));
        assert!(is_dns_subdomain("internal.events"));
        assert!(!is_dns_subdomain("a..b"));
        assert!(!is_dns_subdomain(""));
    }

    #[test]
    fn reads_key_prefixes() {
        assert!(is_key_prefix("spark"));
        assert!(is_key_prefix("teams/analytics-v2"));
        assert!(!is_key_prefix("/spark"));
        assert!(!is_key_prefix("spark/"));
        assert!(!is_key_prefix("spark/*"));
        assert!(!is_key_prefix("a//b"));
        assert!(!is_key_prefix("../x"));
    }

    #[test]
    fn reads_config_keys() {
        assert!(is_config_key("cleanup.policy"));
        assert!(is_config_key("segment.ms"));
        assert!(!is_config_key("Cleanup.Policy"));
        assert!(!is_config_key("cleanup..policy"));
    }

    #[test]
    fn keeps_writes_possible_with_one_replica_down() {
        assert_eq!(min_insync(1), 1);
        assert_eq!(min_insync(2), 1);
        assert_eq!(min_insync(3), 2);
        assert_eq!(min_insync(5), 2);
    }
}
