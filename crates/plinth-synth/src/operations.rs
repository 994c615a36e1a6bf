//! The operations stack: AWS Backup of the platform's data and the Session Manager bastion.
//! Present only when the spec has `backup` or `cluster.access.bastion`.
//!
//! Backups select by tag, not by ARN: the metadata database (data stack) and every volume the
//! default StorageClass provisions carry `{domain}:backup = {platform}`, so the plan covers
//! volumes created long after this stack. It lives apart from the data stack, which exists
//! only with Druid and holds no volumes, and its vault outlives the stack, since AWS Backup
//! refuses to delete a vault that still holds recovery points.
//!
//! The vault is encrypted with a key plinth creates. EBS snapshots and Aurora snapshots keep
//! their source's encryption, but copies to another vault and recovery points of fully
//! managed types use the vault's key, and only a customer managed key can be shared with the
//! account that receives a cross-account copy
//! (<https://docs.aws.amazon.com/aws-backup/latest/devguide/encryption.html>).
//!
//! The bastion has no key pair and no inbound rule: Session Manager reaches it through the
//! SSM agent's outbound connection
//! (<https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html>). The
//! cluster's security group admits it on 443, so the private API endpoint can be forwarded
//! to a laptop with `AWS-StartPortForwardingSessionToRemoteHost`.

use plinth_cfn::{Expr, Policy, Resource, Template};
use plinth_spec::Platform;
use plinth_spec::model::{Arch, Backup, Bastion};
use serde_json::{Value, json};

use crate::builder::{Builder, Role, att, r};
use crate::iam;

/// HTTPS: the API server, and the SSM endpoints the agent dials out to.
const HTTPS: u16 = 443;
/// Size of the bastion's root volume, GiB (Amazon Linux 2023's image is 8 GiB).
const BASTION_ROOT_GIB: u32 = 10;
/// Minutes a scheduled backup may wait to start before AWS Backup skips it.
const START_WINDOW_MINUTES: u32 = 60;
/// Minutes a backup may run before AWS Backup cancels it.
const COMPLETION_WINDOW_MINUTES: u32 = 8 * 60;

/// The tag that puts a resource in the platform's backup plan: `({domain}:backup, platform)`.
pub fn backup_tag(p: &Platform) -> (String, String) {
    (
        format!("{}:backup", p.metadata.domain),
        p.names.platform().to_owned(),
    )
}

/// The operations stack's template, when the platform has backups or a bastion.
pub fn template(p: &Platform) -> Option<Template> {
    let bastion = p.cluster.access.bastion.as_ref();
    if p.backup.is_none() && bastion.is_none() {
        return None;
    }
    let mut b = Builder::new(
        p,
        format!(
            "plinth {}: day-2 operations (AWS Backup, Session Manager bastion)",
            p.names.platform()
        ),
    );
    if let Some(backup) = &p.backup {
        self::backup(&mut b, backup);
    }
    if let Some(bastion) = bastion {
        self::bastion(&mut b, bastion);
    }
    Some(b.template)
}

fn role<'a>(resource_type: &'a str, component: &'a str) -> Role<'a> {
    Role {
        resource_type,
        category: "operations",
        component,
    }
}

/// Vault, key, plan, selection and the role AWS Backup works with.
fn backup(b: &mut Builder<'_>, backup: &Backup) {
    let p = b.platform();
    let name = p.names.backup();
    let alias = format!("alias/{name}");
    let key = b.add(
        "BackupKey",
        iam::kms_key(
            &format!("Encryption of the backup vault {name}"),
            Vec::new(),
        )
        .keep(Policy::Retain),
        role("kms-key", "backup"),
        None,
    );
    b.add(
        "BackupKeyAlias",
        iam::kms_alias(&alias, &key),
        role("kms-alias", "backup"),
        None,
    );
    let vault_tags = tag_map(b, role("backup-vault", "backup"));
    let vault = b.add(
        "BackupVault",
        Resource::new(
            "AWS::Backup::BackupVault",
            json!({
                "BackupVaultName": name,
                "EncryptionKeyArn": att(&key, "Arn"),
                "BackupVaultTags": vault_tags,
            }),
        )
        .keep(Policy::Retain),
        role("backup-vault", "backup"),
        None,
    );
    let service_role = b.add(
        "BackupRole",
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": name,
                "Description": format!("AWS Backup jobs of {}", p.names.platform()),
                "AssumeRolePolicyDocument": iam::trust_service(json!("backup.amazonaws.com")),
                "ManagedPolicyArns": [
                    iam::managed("service-role/AWSBackupServiceRolePolicyForBackup"),
                    iam::managed("service-role/AWSBackupServiceRolePolicyForRestores"),
                ],
            }),
        ),
        role("iam-role", "backup"),
        None,
    );
    let mut lifecycle = json!({ "DeleteAfterDays": backup.retention_days });
    if let Some(cold) = backup.cold_storage_after_days {
        lifecycle["MoveToColdStorageAfterDays"] = json!(cold);
    }
    let mut rule = json!({
        "RuleName": "scheduled",
        "TargetBackupVault": r(&vault),
        "ScheduleExpression": format!("cron({})", backup.schedule),
        "StartWindowMinutes": START_WINDOW_MINUTES,
        "CompletionWindowMinutes": COMPLETION_WINDOW_MINUTES,
        "Lifecycle": lifecycle,
        "RecoveryPointTags": tag_map(b, role("recovery-point", "backup")),
    });
    if let Some(copy) = &backup.copy_to {
        rule["CopyActions"] = json!([{
            "DestinationBackupVaultArn": copy.vault_arn,
            "Lifecycle": { "DeleteAfterDays": copy.retention_days },
        }]);
    }
    let plan_tags = tag_map(b, role("backup-plan", "backup"));
    let plan = b.add(
        "BackupPlan",
        Resource::new(
            "AWS::Backup::BackupPlan",
            json!({
                "BackupPlan": { "BackupPlanName": name, "BackupPlanRule": [rule] },
                "BackupPlanTags": plan_tags,
            }),
        ),
        role("backup-plan", "backup"),
        None,
    );
    let (tag_key, tag_value) = backup_tag(p);
    b.add(
        "BackupSelection",
        Resource::new(
            "AWS::Backup::BackupSelection",
            json!({
                "BackupPlanId": r(&plan),
                "BackupSelection": {
                    "SelectionName": format!("{name}-tagged"),
                    "IamRoleArn": att(&service_role, "Arn"),
                    "ListOfTags": [{
                        "ConditionType": "STRINGEQUALS",
                        "ConditionKey": tag_key,
                        "ConditionValue": tag_value,
                    }],
                },
            }),
        ),
        role("backup-selection", "backup"),
        None,
    );
    b.export(
        "BackupVaultName",
        "Vault of the platform's recovery points",
        r(&vault),
    );
    b.export(
        "BackupVaultArn",
        "ARN of the backup vault",
        att(&vault, "BackupVaultArn"),
    );
}

/// The bastion: a private instance with no key and no inbound rule, reachable through
/// Session Manager, admitted by the cluster's security group.
fn bastion(b: &mut Builder<'_>, bastion: &Bastion) {
    let p = b.platform();
    let name = p.names.bastion();
    let group = b.add(
        "BastionSecurityGroup",
        Resource::new(
            "AWS::EC2::SecurityGroup",
            json!({
                "GroupName": name,
                "GroupDescription": format!("{name}: no inbound rules; HTTPS out to the SSM endpoints and the API server"),
                "VpcId": Expr::import(p.names.export("VpcId")),
                "SecurityGroupEgress": [{
                    "IpProtocol": "tcp",
                    "FromPort": HTTPS,
                    "ToPort": HTTPS,
                    "CidrIp": "0.0.0.0/0",
                    "Description": "Session Manager, the API server and package repositories",
                }],
            }),
        ),
        role("security-group", "bastion"),
        Some(&name),
    );
    b.add(
        "BastionClusterIngress",
        Resource::new(
            "AWS::EC2::SecurityGroupIngress",
            json!({
                "GroupId": Expr::import(p.names.export("EksClusterSecurityGroupId")),
                "IpProtocol": "tcp",
                "FromPort": HTTPS,
                "ToPort": HTTPS,
                "SourceSecurityGroupId": att(&group, "GroupId"),
                "Description": "The Session Manager bastion to the API server",
            }),
        ),
        role("security-group-ingress", "bastion"),
        None,
    );
    let instance_role = b.add(
        "BastionRole",
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": name,
                "Description": format!("{name}: registers with Systems Manager for Session Manager"),
                "AssumeRolePolicyDocument": iam::trust_service(iam::ec2_service()),
                "ManagedPolicyArns": [iam::managed("AmazonSSMManagedInstanceCore")],
            }),
        ),
        role("iam-role", "bastion"),
        None,
    );
    let profile = b.add(
        "BastionInstanceProfile",
        Resource::new(
            "AWS::IAM::InstanceProfile",
            json!({ "Roles": [r(&instance_role)] }),
        ),
        role("instance-profile", "bastion"),
        None,
    );
    let image = match bastion.arch {
        Arch::Arm64 => "arm64",
        Arch::X86_64 => "x86_64",
    };
    let instance = b.add(
        "Bastion",
        Resource::new(
            "AWS::EC2::Instance",
            json!({
                // The latest Amazon Linux 2023, from AWS's public parameter; the SSM agent is
                // preinstalled. A newer image replaces the bastion on the next deploy.
                "ImageId": format!("{{{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{image}}}}}"),
                "InstanceType": bastion.instance_type,
                "SubnetId": { "Fn::Select": [0, Expr::import_list(p.names.export("PrivateSubnetIds"))] },
                "SecurityGroupIds": [att(&group, "GroupId")],
                "IamInstanceProfile": r(&profile),
                "MetadataOptions": {
                    "HttpEndpoint": "enabled",
                    "HttpTokens": "required",
                    "HttpPutResponseHopLimit": 1,
                },
                "BlockDeviceMappings": [{
                    "DeviceName": "/dev/xvda",
                    "Ebs": {
                        "VolumeType": "gp3",
                        "VolumeSize": BASTION_ROOT_GIB,
                        "Encrypted": true,
                        "DeleteOnTermination": true,
                    },
                }],
                "PropagateTagsToVolumeOnCreation": true,
            }),
        ),
        role("instance", "bastion"),
        Some(&name),
    );
    b.export(
        "BastionInstanceId",
        "Session Manager target: aws ssm start-session --target <id>",
        r(&instance),
    );
}

/// A resource's tags as the `{key: value}` map Backup's own tag properties take.
fn tag_map(b: &Builder<'_>, role: Role<'_>) -> Value {
    Value::Object(b.tags(role, None))
}
