//! The offline price table: on-demand list prices in USD for the regions plinth's examples use
//! (and us-east-1), so `plinth cost` needs no network and gives the same answer every time.
//!
//! Compiled on [`PRICES_DATE`] from the public AWS pricing pages listed in [`SOURCES`]
//! (Linux on-demand, no Savings Plans or Reserved Instances, tax excluded). Prices change:
//! refresh this table, its date and the cost snapshots together.

/// When the table was compiled.
pub const PRICES_DATE: &str = "2026-11-23";

/// Where each price comes from.
pub const SOURCES: &[(&str, &str)] = &[
    ("EKS", "https://aws.amazon.com/eks/pricing/"),
    ("EC2", "https://aws.amazon.com/ec2/pricing/on-demand/"),
    ("EBS", "https://aws.amazon.com/ebs/pricing/"),
    (
        "NAT gateway, public IPv4",
        "https://aws.amazon.com/vpc/pricing/",
    ),
    ("Aurora", "https://aws.amazon.com/rds/aurora/pricing/"),
    ("MSK Serverless", "https://aws.amazon.com/msk/pricing/"),
    ("S3", "https://aws.amazon.com/s3/pricing/"),
    (
        "CloudWatch Logs",
        "https://aws.amazon.com/cloudwatch/pricing/",
    ),
    (
        "Secrets Manager",
        "https://aws.amazon.com/secrets-manager/pricing/",
    ),
    ("KMS", "https://aws.amazon.com/kms/pricing/"),
];

/// Hours in a month, as AWS's calculator counts them.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// Prices of one region.
#[derive(Debug, Clone, Copy)]
pub struct Region {
    /// Region name.
    pub name: &'static str,
    /// EKS control plane, per hour, standard support.
    pub eks_hour: f64,
    /// EKS control plane, per hour, extended support.
    pub eks_extended_hour: f64,
    /// NAT gateway, per hour.
    pub nat_hour: f64,
    /// NAT gateway, per GB processed.
    pub nat_gb: f64,
    /// Public IPv4 address, per hour.
    pub ipv4_hour: f64,
    /// EBS gp3, per GB-month.
    pub gp3_gb_month: f64,
    /// Aurora I/O-optimized storage, per GB-month.
    pub aurora_iopt_gb_month: f64,
    /// Aurora I/O-optimized instances cost this much more than standard ones.
    pub aurora_iopt_factor: f64,
    /// MSK Serverless, per cluster-hour.
    pub msk_cluster_hour: f64,
    /// MSK Serverless, per partition-hour.
    pub msk_partition_hour: f64,
    /// MSK Serverless storage, per GB-month.
    pub msk_storage_gb_month: f64,
    /// MSK Serverless data in, per GB.
    pub msk_in_gb: f64,
    /// MSK Serverless data out, per GB.
    pub msk_out_gb: f64,
    /// S3 Standard, per GB-month (first 50 TB).
    pub s3_gb_month: f64,
    /// CloudWatch Logs ingestion, per GB.
    pub logs_ingest_gb: f64,
    /// CloudWatch Logs storage, per GB-month.
    pub logs_store_gb_month: f64,
    /// Secrets Manager, per secret-month.
    pub secret_month: f64,
    /// KMS customer managed key, per month.
    pub kms_key_month: f64,
    /// EC2 Linux on-demand per hour.
    pub ec2: &'static [(&'static str, f64)],
    /// Aurora PostgreSQL standard (not I/O-optimized) instances per hour.
    pub rds: &'static [(&'static str, f64)],
}

const US_EC2: &[(&str, f64)] = &[
    ("t3.small", 0.0208),
    ("t3.medium", 0.0416),
    ("t3.large", 0.0832),
    ("t3.xlarge", 0.1664),
    ("t3a.medium", 0.0376),
    ("t3a.large", 0.0752),
    ("m5.large", 0.096),
    ("m5.xlarge", 0.192),
    ("m5.2xlarge", 0.384),
    ("m6i.large", 0.096),
    ("m6i.xlarge", 0.192),
    ("m6i.2xlarge", 0.384),
    ("m7i.large", 0.1008),
    ("m7i.xlarge", 0.2016),
    ("m6g.large", 0.077),
    ("m6g.xlarge", 0.154),
    ("m7g.large", 0.0816),
    ("m7g.xlarge", 0.1632),
    ("c6i.large", 0.085),
    ("c6i.xlarge", 0.17),
    ("c7i.large", 0.08925),
    ("r6i.large", 0.126),
    ("r6i.xlarge", 0.252),
    ("r6i.2xlarge", 0.504),
    ("r7i.large", 0.1323),
    ("i3.xlarge", 0.312),
    ("i3.2xlarge", 0.624),
    ("i4i.xlarge", 0.343),
    ("i4i.2xlarge", 0.686),
];

const US_RDS: &[(&str, f64)] = &[
    ("db.r6g.large", 0.26),
    ("db.r6g.xlarge", 0.519),
    ("db.r7g.large", 0.276),
    ("db.r7g.xlarge", 0.553),
    ("db.t4g.medium", 0.073),
];

const EU_WEST_1_EC2: &[(&str, f64)] = &[
    ("t3.small", 0.0228),
    ("t3.medium", 0.0456),
    ("t3.large", 0.0912),
    ("t3.xlarge", 0.1824),
    ("t3a.medium", 0.0408),
    ("t3a.large", 0.0816),
    ("m5.large", 0.107),
    ("m5.xlarge", 0.214),
    ("m5.2xlarge", 0.428),
    ("m6i.large", 0.107),
    ("m6i.xlarge", 0.214),
    ("m6i.2xlarge", 0.428),
    ("m7i.large", 0.1124),
    ("m7i.xlarge", 0.2247),
    ("m6g.large", 0.086),
    ("m6g.xlarge", 0.172),
    ("m7g.large", 0.0912),
    ("m7g.xlarge", 0.1824),
    ("c6i.large", 0.0912),
    ("c6i.xlarge", 0.1824),
    ("c7i.large", 0.0958),
    ("r6i.large", 0.141),
    ("r6i.xlarge", 0.282),
    ("r6i.2xlarge", 0.564),
    ("r7i.large", 0.148),
    ("i3.xlarge", 0.344),
    ("i3.2xlarge", 0.688),
    ("i4i.xlarge", 0.377),
    ("i4i.2xlarge", 0.754),
];

const EU_WEST_1_RDS: &[(&str, f64)] = &[
    ("db.r6g.large", 0.285),
    ("db.r6g.xlarge", 0.57),
    ("db.r7g.large", 0.303),
    ("db.r7g.xlarge", 0.606),
    ("db.t4g.medium", 0.08),
];

/// Every region the table has.
pub const REGIONS: &[Region] = &[
    Region {
        name: "us-east-1",
        ..US_WEST_2
    },
    US_WEST_2,
    Region {
        name: "eu-west-1",
        nat_hour: 0.048,
        nat_gb: 0.048,
        gp3_gb_month: 0.088,
        aurora_iopt_gb_month: 0.248,
        msk_cluster_hour: 0.84,
        msk_partition_hour: 0.0017,
        msk_storage_gb_month: 0.11,
        msk_in_gb: 0.11,
        msk_out_gb: 0.055,
        s3_gb_month: 0.023,
        logs_ingest_gb: 0.57,
        ec2: EU_WEST_1_EC2,
        rds: EU_WEST_1_RDS,
        ..US_WEST_2
    },
];

const US_WEST_2: Region = Region {
    name: "us-west-2",
    eks_hour: 0.10,
    eks_extended_hour: 0.60,
    nat_hour: 0.045,
    nat_gb: 0.045,
    ipv4_hour: 0.005,
    gp3_gb_month: 0.08,
    aurora_iopt_gb_month: 0.225,
    aurora_iopt_factor: 1.3,
    msk_cluster_hour: 0.75,
    msk_partition_hour: 0.0015,
    msk_storage_gb_month: 0.10,
    msk_in_gb: 0.10,
    msk_out_gb: 0.05,
    s3_gb_month: 0.023,
    logs_ingest_gb: 0.50,
    logs_store_gb_month: 0.03,
    secret_month: 0.40,
    kms_key_month: 1.0,
    ec2: US_EC2,
    rds: US_RDS,
};

/// The prices of `region`, when the table has them.
pub fn region(name: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.name == name)
}

impl Region {
    /// EC2 on-demand price of `instance_type` per hour.
    pub fn ec2_hour(&self, instance_type: &str) -> Option<f64> {
        self.ec2
            .iter()
            .find(|(t, _)| *t == instance_type)
            .map(|(_, p)| *p)
    }

    /// Aurora I/O-optimized price of `class` per hour.
    pub fn aurora_iopt_hour(&self, class: &str) -> Option<f64> {
        self.rds
            .iter()
            .find(|(t, _)| *t == class)
            .map(|(_, p)| p * self.aurora_iopt_factor)
    }
}
