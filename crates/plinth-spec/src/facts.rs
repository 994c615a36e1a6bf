//! Facts about AWS that validation needs, kept as data in the repo so the core does no IO.
//!
//! Sources (read 2026-11-23):
//! - Regions: the `aws`, `aws-us-gov` and `aws-cn` partitions of botocore's partitions.json;
//!   EKS is offered in all of them (<https://docs.aws.amazon.com/general/latest/gr/eks.html>).
//! - Kubernetes versions: the Amazon EKS release calendar
//!   (<https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html>).
//! - Karpenter ↔ Kubernetes: the Karpenter compatibility matrix
//!   (<https://karpenter.sh/docs/upgrading/compatibility/>).

/// An AWS partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Partition {
    /// Commercial regions.
    Aws,
    /// AWS GovCloud (US).
    AwsUsGov,
    /// China regions.
    AwsCn,
}

impl Partition {
    /// The partition as it appears in ARNs.
    pub fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsCn => "aws-cn",
        }
    }
}

/// Regions where plinth can deploy, with their partition.
pub const REGIONS: &[(&str, Partition)] = &[
    ("af-south-1", Partition::Aws),
    ("ap-east-1", Partition::Aws),
    ("ap-east-2", Partition::Aws),
    ("ap-northeast-1", Partition::Aws),
    ("ap-northeast-2", Partition::Aws),
    ("ap-northeast-3", Partition::Aws),
    ("ap-south-1", Partition::Aws),
    ("ap-south-2", Partition::Aws),
    ("ap-southeast-1", Partition::Aws),
    ("ap-southeast-2", Partition::Aws),
    ("ap-southeast-3", Partition::Aws),
    ("ap-southeast-4", Partition::Aws),
    ("ap-southeast-5", Partition::Aws),
    ("ap-southeast-6", Partition::Aws),
    ("ap-southeast-7", Partition::Aws),
    ("ca-central-1", Partition::Aws),
    ("ca-west-1", Partition::Aws),
    ("eu-central-1", Partition::Aws),
    ("eu-central-2", Partition::Aws),
    ("eu-north-1", Partition::Aws),
    ("eu-south-1", Partition::Aws),
    ("eu-south-2", Partition::Aws),
    ("eu-west-1", Partition::Aws),
    ("eu-west-2", Partition::Aws),
    ("eu-west-3", Partition::Aws),
    ("il-central-1", Partition::Aws),
    ("me-central-1", Partition::Aws),
    ("me-south-1", Partition::Aws),
    ("mx-central-1", Partition::Aws),
    ("sa-east-1", Partition::Aws),
    ("us-east-1", Partition::Aws),
    ("us-east-2", Partition::Aws),
    ("us-west-1", Partition::Aws),
    ("us-west-2", Partition::Aws),
    ("us-gov-east-1", Partition::AwsUsGov),
    ("us-gov-west-1", Partition::AwsUsGov),
    ("cn-north-1", Partition::AwsCn),
    ("cn-northwest-1", Partition::AwsCn),
];

/// The partition of a known region.
pub fn partition_of(region: &str) -> Option<Partition> {
    REGIONS.iter().find(|(r, _)| *r == region).map(|(_, p)| *p)
}

/// EKS support status of a Kubernetes minor version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// Standard support until the given date.
    Standard {
        /// Last day of standard support.
        until: &'static str,
    },
    /// Extended support (control plane billed at the extended rate) until the given date.
    Extended {
        /// Last day of extended support.
        until: &'static str,
    },
}

/// Kubernetes minor versions EKS supports, newest last, as of the calendar read above.
pub const KUBERNETES_VERSIONS: &[(u32, Support)] = &[
    (
        31,
        Support::Extended {
            until: "2026-11-26",
        },
    ),
    (
        32,
        Support::Extended {
            until: "2027-03-23",
        },
    ),
    (
        33,
        Support::Extended {
            until: "2027-07-29",
        },
    ),
    (
        34,
        Support::Standard {
            until: "2026-12-02",
        },
    ),
    (
        35,
        Support::Standard {
            until: "2027-03-27",
        },
    ),
    (
        36,
        Support::Standard {
            until: "2027-08-02",
        },
    ),
];

/// Newest Kubernetes minor (1.x) that a Karpenter minor (1.y) supports.
pub const KARPENTER_MAX_KUBERNETES: &[(u32, u32)] = &[(5, 33), (6, 33), (7, 34), (8, 34), (9, 35)];

/// Retention periods CloudWatch Logs accepts, in days.
pub const LOG_RETENTION_DAYS: &[u32] = &[
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// Aurora PostgreSQL: the newest minor of each major that can create clusters, from cfn-lint
/// 1.58.0's RDS engine-version data (read 2026-11-23).
pub const AURORA_POSTGRESQL_NEWEST: &[(u32, u32)] =
    &[(13, 23), (14, 24), (15, 19), (16, 15), (17, 11)];

/// Aurora PostgreSQL versions AWS no longer lets new clusters use (same source).
pub const AURORA_POSTGRESQL_RETIRED: &[&str] = &[
    "13.3", "13.4", "13.5", "13.6", "13.7", "13.8", "13.10", "13.11", "13.12", "13.13", "13.14",
    "13.15", "13.16", "13.18", "13.20", "13.21", "13.22", "14.3", "14.4", "14.5", "14.7", "14.8",
    "14.9", "14.10", "14.11", "14.12", "14.13", "14.15", "15.2", "15.3", "15.4", "15.5", "15.6",
    "15.7", "15.8", "16.1", "16.2", "16.3", "16.4", "16.6",
];

/// The Strimzi release plinth installs (chart `strimzi-kafka-operator` from
/// <https://strimzi.io/charts/>). Its `kafka.strimzi.io/v1beta2` CRDs are the schemas in
/// `schemas/crds/kafka.strimzi.io`; it runs KRaft clusters only and needs Kubernetes 1.27 or newer,
/// older than any EKS supports (<https://strimzi.io/downloads/>, read 2026-11-25).
pub const STRIMZI_RELEASE: &str = "0.48.0";

/// Kafka versions [`STRIMZI_RELEASE`] runs, from the same table.
pub const STRIMZI_KAFKA_VERSIONS: &[&str] = &["4.0.0", "4.1.0"];
