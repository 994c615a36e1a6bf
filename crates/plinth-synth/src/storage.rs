//! The shared EFS file system (`storage.efs`), in the data stack: a file system pods in every
//! zone mount at once through the EFS CSI driver's StorageClass `efs` (see
//! `k8s/foundation.rs`).
//!
//! - Encrypted at rest with a customer managed key of its own (`alias/{id}-eks-efs`, rotating),
//!   whose policy lets EFS use it for any principal of the account, the shape of the AWS
//!   managed `aws/elasticfilesystem` key's policy. A key of plinth's own rather than the AWS
//!   managed one, as for EBS: its policy is the platform's to read and change, and recovery
//!   points copied to a vault of another account stay readable only with a key that can be
//!   shared.
//! - Encrypted in transit: the file system policy denies every request not made over TLS (the
//!   CSI driver mounts with TLS by default) and lets clients mount and write only through a
//!   mount target, without root access; the driver's access points give each volume its own
//!   POSIX identity and directory.
//! - Reached only from the cluster: one mount target per private subnet, in a security group
//!   admitting NFS (TCP 2049) from the cluster's security group and nothing else.
//! - Files not read for `transitionToIaDays` move to Infrequent Access and come back on first
//!   access.
//! - With `backup`, the file system carries the platform's backup tag, so the plan of the
//!   operations stack backs it up on the spec's schedule and retention. EFS's own automatic
//!   backups stay off: they would make a second daily copy, kept 35 days in another vault,
//!   that the spec does not control.
//! - The file system outlives the stack (it holds data); the mount targets and the security
//!   group go with it.
//!
//! Properties: <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-efs-filesystem.html>,
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-efs-mounttarget.html>.

use plinth_cfn::{Expr, Policy, Resource, Template};
use plinth_spec::Platform;
use plinth_spec::model::{Efs, EfsThroughputMode};
use serde_json::json;

use crate::builder::{Builder, Role, att, list, r};
use crate::iam;

/// NFS.
const NFS_PORT: u16 = 2049;
/// The output holding the file system id; the StorageClass reads it at deploy time.
pub const FILE_SYSTEM_OUTPUT: &str = "EfsFileSystemId";

/// The data stack's template with the EFS file system added, when the spec asks for one.
pub fn data_template(p: &Platform, data: Option<Template>) -> Option<Template> {
    let Some(efs) = &p.efs else {
        return data;
    };
    let mut b = match data {
        Some(mut t) => {
            t.description.push_str("; the shared EFS file system");
            Builder::extend(p, t)
        }
        None => Builder::new(
            p,
            format!("plinth {}: the shared EFS file system", p.names.platform()),
        ),
    };
    file_system(&mut b, efs);
    Some(b.template)
}

fn role<'a>(resource_type: &'a str, category: &'a str) -> Role<'a> {
    Role {
        resource_type,
        category,
        component: "efs",
    }
}

fn file_system(b: &mut Builder<'_>, efs: &Efs) {
    let p = b.platform();
    let name = p.names.efs();
    let alias = p.names.kms_alias("efs");
    let key = b.add(
        "EfsKey",
        iam::kms_key(
            &format!("EFS file system {name} ({alias})"),
            vec![iam::use_through_service(
                "UseThroughEfs",
                "elasticfilesystem",
            )],
        ),
        role("kms-key", "security"),
        None,
    );
    b.add(
        "EfsKeyAlias",
        iam::kms_alias(&alias, &key),
        role("kms-alias", "security"),
        None,
    );
    let mut tags = b.tags(role("efs-file-system", "storage"), Some(&name));
    if p.backup.is_some() {
        let (k, v) = crate::operations::backup_tag(p);
        tags.insert(k, v.into());
    }
    let fs = b.add(
        "EfsFileSystem",
        Resource::new(
            "AWS::EFS::FileSystem",
            json!({
                "Encrypted": true,
                "KmsKeyId": att(&key, "Arn"),
                "PerformanceMode": "generalPurpose",
                "ThroughputMode": match efs.throughput_mode {
                    EfsThroughputMode::Elastic => "elastic",
                    EfsThroughputMode::Bursting => "bursting",
                },
                "LifecyclePolicies": [
                    { "TransitionToIA": transition(efs.transition_to_ia_days) },
                    { "TransitionToPrimaryStorageClass": "AFTER_1_ACCESS" },
                ],
                "BackupPolicy": { "Status": "DISABLED" },
                "FileSystemPolicy": iam::document(vec![
                    json!({
                        "Sid": "MountThroughMountTargets",
                        "Effect": "Allow",
                        "Principal": { "AWS": "*" },
                        "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
                        "Condition": { "Bool": { "elasticfilesystem:AccessedViaMountTarget": "true" } },
                    }),
                    json!({
                        "Sid": "DenyWithoutTls",
                        "Effect": "Deny",
                        "Principal": { "AWS": "*" },
                        "Action": "*",
                        "Condition": { "Bool": { "aws:SecureTransport": "false" } },
                    }),
                ]),
                "FileSystemTags": list(&tags),
            }),
        )
        .keep(Policy::Retain),
        role("efs-file-system", "storage"),
        None,
    );
    let group = b.add(
        "EfsSecurityGroup",
        Resource::new(
            "AWS::EC2::SecurityGroup",
            json!({
                "GroupName": name,
                "GroupDescription": "Shared EFS file system: NFS from the cluster only",
                "VpcId": Expr::import(p.names.export("VpcId")),
                "SecurityGroupEgress": crate::druid::no_egress(),
            }),
        ),
        role("security-group", "security"),
        Some(&name),
    );
    b.add(
        "EfsSecurityGroupIngressFromCluster",
        Resource::new(
            "AWS::EC2::SecurityGroupIngress",
            json!({
                "GroupId": att(&group, "GroupId"),
                "IpProtocol": "tcp",
                "FromPort": NFS_PORT,
                "ToPort": NFS_PORT,
                "SourceSecurityGroupId": Expr::import(p.names.export("EksClusterSecurityGroupId")),
                "Description": "NFS from the cluster's nodes and pods",
            }),
        ),
        role("security-group-ingress", "security"),
        None,
    );
    for i in 0..p.network.zones.len() {
        let subnet: serde_json::Value = Expr::Select(
            i,
            Box::new(Expr::import_list(p.names.export("PrivateSubnetIds"))),
        )
        .into();
        b.add(
            &format!("EfsMountTarget{}", i + 1),
            Resource::new(
                "AWS::EFS::MountTarget",
                json!({
                    "FileSystemId": r(&fs),
                    "SubnetId": subnet,
                    "SecurityGroups": [att(&group, "GroupId")],
                }),
            ),
            role("efs-mount-target", "storage"),
            None,
        );
    }
    b.export(
        FILE_SYSTEM_OUTPUT,
        "Shared EFS file system, the StorageClass efs provisions from",
        r(&fs),
    );
}

/// The lifecycle value of a number of days validation accepted.
fn transition(days: u32) -> String {
    if days == 1 {
        "AFTER_1_DAY".to_owned()
    } else {
        format!("AFTER_{days}_DAYS")
    }
}
