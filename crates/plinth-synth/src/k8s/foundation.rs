//! Foundation wave: namespaces with Pod Security labels and the default encrypted StorageClass.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Namespace;
use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use plinth_spec::Platform;
use plinth_spec::model::{
    AIRFLOW_NAMESPACE, KAFKA_NAMESPACE, MONGODB_NAMESPACE, SPARK_NAMESPACE, StackKind,
};

use super::labels::labels;
use super::{ManifestFile, Wave, value};

/// The default StorageClass: gp3 volumes encrypted with the cluster's EBS key (present with
/// the EBS CSI driver addon).
pub const STORAGE_CLASS: &str = "gp3-encrypted";

/// The StorageClass of the shared EFS file system (`ReadWriteMany` claims).
pub const EFS_STORAGE_CLASS: &str = "efs";
/// The POSIX ids the EFS CSI driver gives access points (uid = gid), the driver's defaults.
const EFS_GID_RANGE: (u32, u32) = (50_000, 7_000_000);

/// Pod Security level of a namespace.
#[derive(Debug, Clone, Copy)]
pub enum PodSecurity {
    /// Hardened pods only (workloads).
    Restricted,
    /// Node agents that need host access (CSI drivers, log and metric collectors).
    Privileged,
    /// Components that need a little more than restricted allows but no host access
    /// (ingress-nginx binds ports below 1024 with NET_BIND_SERVICE).
    Baseline,
}

/// A namespace plinth creates, the level it enforces, and who it is for.
pub struct NamespaceSpec {
    /// Name.
    pub name: String,
    /// Pod Security level.
    pub level: PodSecurity,
    /// `app.kubernetes.io/part-of`.
    pub part_of: &'static str,
}

/// Namespaces the platform uses, given what the spec enables.
pub fn namespaces(p: &Platform) -> Vec<NamespaceSpec> {
    let mut out = Vec::new();
    let a = &p.addons;
    if a.cert_manager.is_some() {
        out.push(NamespaceSpec {
            name: "cert-manager".into(),
            level: PodSecurity::Restricted,
            part_of: "cert-manager",
        });
    }
    if a.aws_load_balancer_controller.is_some() {
        out.push(NamespaceSpec {
            name: "aws-load-balancer".into(),
            level: PodSecurity::Restricted,
            part_of: "aws-load-balancer-controller",
        });
    }
    if a.ingress_nginx.is_some() {
        out.push(NamespaceSpec {
            name: super::services::INGRESS_NGINX_NAMESPACE.into(),
            level: PodSecurity::Baseline,
            part_of: "ingress-nginx",
        });
    }
    if a.secrets_store_csi.is_some() {
        out.push(NamespaceSpec {
            name: "aws-secrets-store".into(),
            level: PodSecurity::Privileged,
            part_of: "secrets-store-csi",
        });
    }
    let o = &p.observability;
    if o.grafana_cloud.is_some() || o.prometheus.is_some() || o.logs.is_some() {
        out.push(NamespaceSpec {
            name: "monitoring".into(),
            level: PodSecurity::Privileged,
            part_of: "monitoring",
        });
    }
    if p.druid.is_some() {
        out.push(NamespaceSpec {
            name: "druid".into(),
            level: PodSecurity::Restricted,
            part_of: "druid",
        });
    }
    if p.kafka.is_some() {
        out.push(NamespaceSpec {
            name: KAFKA_NAMESPACE.into(),
            level: PodSecurity::Restricted,
            part_of: "kafka",
        });
    }
    if p.spark.is_some() {
        out.push(NamespaceSpec {
            name: SPARK_NAMESPACE.into(),
            level: PodSecurity::Restricted,
            part_of: "spark",
        });
    }
    if p.airflow.is_some() {
        out.push(NamespaceSpec {
            name: AIRFLOW_NAMESPACE.into(),
            level: PodSecurity::Restricted,
            part_of: "airflow",
        });
    }
    if p.mongodb.is_some() {
        out.push(NamespaceSpec {
            name: MONGODB_NAMESPACE.into(),
            level: PodSecurity::Restricted,
            part_of: "mongodb",
        });
    }
    if a.vertical_pod_autoscaler.is_some() {
        // The recommender only reads metrics and writes status: no host access.
        out.push(NamespaceSpec {
            name: super::vpa::NAMESPACE.into(),
            level: PodSecurity::Restricted,
            part_of: "vertical-pod-autoscaler",
        });
    }
    if !super::services::external_dns_instances(p).is_empty() {
        out.push(NamespaceSpec {
            name: super::services::EXTERNAL_DNS_NAMESPACE.into(),
            level: PodSecurity::Restricted,
            part_of: "external-dns",
        });
    }
    for ns in super::services::namespaces(p) {
        out.push(NamespaceSpec {
            name: ns,
            level: PodSecurity::Restricted,
            part_of: "services",
        });
    }
    out
}

pub fn files(p: &Platform) -> Vec<ManifestFile> {
    let mut files = Vec::new();
    let ns: Vec<_> = namespaces(p)
        .iter()
        .map(|n| {
            let level = match n.level {
                PodSecurity::Restricted => "restricted",
                PodSecurity::Privileged => "privileged",
                PodSecurity::Baseline => "baseline",
            };
            let mut l = labels(p, n.part_of, "namespace");
            for mode in ["enforce", "audit", "warn"] {
                l.insert(
                    format!("pod-security.kubernetes.io/{mode}"),
                    level.to_owned(),
                );
            }
            value(&Namespace {
                metadata: ObjectMeta {
                    name: Some(n.name.clone()),
                    labels: Some(l),
                    ..ObjectMeta::default()
                },
                ..Namespace::default()
            })
        })
        .collect();
    if !ns.is_empty() {
        files.push(ManifestFile::objects(Wave::Foundation, "namespaces", ns));
    }
    if p.cluster.addons.contains_key("aws-ebs-csi-driver") {
        files.push(ManifestFile::objects(
            Wave::Foundation,
            "storage",
            vec![value(&storage_class(p))],
        ));
    }
    if p.efs.is_some() {
        // A file of its own: it holds a deploy-time value, which GitOps delivery leaves to
        // plinth (see `gitops::layout`).
        files.push(ManifestFile::objects(
            Wave::Foundation,
            "efs",
            vec![value(&efs_storage_class(p))],
        ));
    }
    files
}

/// The StorageClass `efs`: each claim gets an EFS access point on the shared file system, with
/// a directory of its own (mode 700) owned by a POSIX id from the range below, which the
/// access point enforces whatever user the pod runs as
/// (<https://github.com/kubernetes-sigs/aws-efs-csi-driver/blob/master/docs/README.md#storage-class-parameters-for-dynamic-provisioning>).
/// The file system id exists once the data stack is deployed, so it is a deploy-time value.
/// Deleting a claim deletes its access point, not its directory's data.
fn efs_storage_class(p: &Platform) -> StorageClass {
    let parameters = BTreeMap::from([
        ("provisioningMode".to_owned(), "efs-ap".to_owned()),
        (
            "fileSystemId".to_owned(),
            super::stack_output(StackKind::Data, crate::storage::FILE_SYSTEM_OUTPUT),
        ),
        ("directoryPerms".to_owned(), "700".to_owned()),
        ("gidRangeStart".to_owned(), EFS_GID_RANGE.0.to_string()),
        ("gidRangeEnd".to_owned(), EFS_GID_RANGE.1.to_string()),
        ("basePath".to_owned(), "/volumes".to_owned()),
    ]);
    StorageClass {
        metadata: ObjectMeta {
            name: Some(EFS_STORAGE_CLASS.to_owned()),
            labels: Some(labels(p, "platform", "storage")),
            ..ObjectMeta::default()
        },
        provisioner: "efs.csi.aws.com".to_owned(),
        parameters: Some(parameters),
        reclaim_policy: Some("Delete".to_owned()),
        // EFS is regional: a volume serves every zone, so nothing waits for the pod.
        volume_binding_mode: Some("Immediate".to_owned()),
        ..StorageClass::default()
    }
}

/// The default StorageClass: gp3, encrypted with the cluster's EBS key (named by its alias,
/// which EC2 accepts wherever a key id is expected, so no deploy-time value is needed), its
/// volumes tagged for backup when the platform has a backup plan.
fn storage_class(p: &Platform) -> StorageClass {
    let key = super::ebs_key_alias_arn(p);
    let mut parameters = BTreeMap::from([
        ("type".to_owned(), "gp3".to_owned()),
        ("encrypted".to_owned(), "true".to_owned()),
        ("kmsKeyId".to_owned(), key),
        ("csi.storage.k8s.io/fstype".to_owned(), "ext4".to_owned()),
    ]);
    // The driver tags each volume it creates with `tagSpecification_N` values
    // (<https://github.com/kubernetes-sigs/aws-ebs-csi-driver/blob/master/docs/tagging.md>);
    // this one puts the volume in the platform's backup plan.
    if p.backup.is_some() {
        let (k, v) = crate::operations::backup_tag(p);
        parameters.insert("tagSpecification_1".to_owned(), format!("{k}={v}"));
    }
    StorageClass {
        metadata: ObjectMeta {
            name: Some(STORAGE_CLASS.to_owned()),
            labels: Some(labels(p, "platform", "storage")),
            annotations: Some(BTreeMap::from([(
                "storageclass.kubernetes.io/is-default-class".to_owned(),
                "true".to_owned(),
            )])),
            ..ObjectMeta::default()
        },
        provisioner: "ebs.csi.aws.com".to_owned(),
        parameters: Some(parameters),
        reclaim_policy: Some("Delete".to_owned()),
        volume_binding_mode: Some("WaitForFirstConsumer".to_owned()),
        allow_volume_expansion: Some(true),
        ..StorageClass::default()
    }
}
