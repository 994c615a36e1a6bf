//! Checkov findings plinth accepts on purpose, each with its reason, written where checkov
//! reads them: a resource's `Metadata.checkov.skip` in templates, `checkov.io/skipN`
//! annotations on Kubernetes objects (<https://www.checkov.io/2.Basics/Suppressing%20and%20Skipping%20Policies.html>).
//!
//! The test script runs checkov over every example's output and fails on any finding that is
//! neither fixed nor listed here. Keeping the list in one table makes every accepted finding
//! reviewable at once; add a line only with a reason a reviewer would accept.

use plinth_cfn::Resource;
use serde_json::{Value, json};

use crate::Stack;
use crate::k8s::{Content, ManifestFile};

/// Accepted checks by CloudFormation resource type: (type, check, reason).
const RESOURCE_TYPES: &[(&str, &str, &str)] = &[
    (
        "AWS::S3::Bucket",
        "CKV_AWS_18",
        "server access logs would need a log bucket per platform; S3 data events in CloudTrail are the audit trail for these buckets",
    ),
    (
        "AWS::SecretsManager::Secret",
        "CKV_AWS_149",
        "read only by roles of this account through Secrets Manager; the AWS managed key avoids a key policy every reader must also be granted",
    ),
    (
        "AWS::Logs::LogGroup",
        "CKV_AWS_158",
        "CloudWatch Logs encrypts log data at rest; a customer key would need a key policy for the regional logs service principal and adds no reader control",
    ),
    (
        "AWS::RDS::DBInstance",
        "CKV_AWS_118",
        "Performance Insights is on; enhanced monitoring would add an extra IAM role for OS metrics Druid's metadata load does not need",
    ),
    (
        "AWS::RDS::DBCluster",
        "CKV_AWS_162",
        "Druid connects with the generated password from Secrets Manager over TLS; its JDBC connector has no IAM token support",
    ),
    (
        "AWS::SQS::Queue",
        "CKV_AWS_27",
        "encrypted with SQS-managed keys (SqsManagedSseEnabled); EventBridge cannot deliver to a queue encrypted with the AWS managed KMS key",
    ),
];

/// Accepted checks by logical id: (logical id, check, reason).
const RESOURCES: &[(&str, &str, &str)] = &[
    (
        "MsqBucket",
        "CKV_AWS_21",
        "scratch space for multi-stage queries whose objects expire; versions would keep every overwritten intermediate file",
    ),
    (
        "IndexLogsBucket",
        "CKV_AWS_21",
        "task logs that expire; versions would keep every rewritten log",
    ),
    (
        "EbsKey",
        "CKV_AWS_33",
        "the `*` principal is limited by kms:CallerAccount to this account and by kms:ViaService to EC2, the pattern EBS needs for volumes launched by EKS and Karpenter",
    ),
    (
        "EfsKey",
        "CKV_AWS_33",
        "the `*` principal is limited by kms:CallerAccount to this account and by kms:ViaService to EFS, the policy of the AWS managed aws/elasticfilesystem key",
    ),
    (
        "Bastion",
        "CKV_AWS_126",
        "a port-forwarding host with nothing to tune; basic five-minute metrics and the status checks are enough",
    ),
    (
        "Bastion",
        "CKV_AWS_135",
        "current instance types are EBS-optimized by default, and setting the flag would make older types the spec may name fail to launch",
    ),
    (
        "AirflowDatabase",
        "CKV_AWS_161",
        "Airflow connects with the generated password from Secrets Manager over TLS (rds.force_ssl); its connection URI cannot renew 15-minute IAM tokens",
    ),
    (
        "AirflowDatabase",
        "CKV_AWS_118",
        "CloudWatch's instance metrics and the exported PostgreSQL log cover a metadata database this size; enhanced monitoring would add a role for OS metrics",
    ),
    (
        "AwsLoadBalancerControllerRole",
        "CKV_AWS_111",
        "the controller's published IAM policy; its write actions are limited by conditions on the tags of resources the controller created",
    ),
];

/// Accepted checks on Druid's Deployments and StatefulSets: (check, reason).
const DRUID_WORKLOADS: &[(&str, &str)] = &[
    (
        "CKV_K8S_15",
        "images are pinned to the spec's Druid version tag; IfNotPresent keeps restarts independent of the registry",
    ),
    (
        "CKV_K8S_35",
        "Druid reads its passwords from environment variables through its environment password provider; they come from a Secret synced from Secrets Manager",
    ),
    (
        "CKV_K8S_38",
        "Druid uses the Kubernetes API for service discovery and to run ingestion tasks as pods, so its service account token is mounted",
    ),
    (
        "CKV_K8S_40",
        "the apache/druid image's druid user is UID 1000 and owns /opt/druid",
    ),
    (
        "CKV_K8S_43",
        "the image is pinned by the version in the spec (`workloads.druid.version`); digests differ per registry mirror",
    ),
];

/// Accepted checks on Druid's ingestion Job (`k8s::druid::ingest`): (check, reason).
const DRUID_JOBS: &[(&str, &str)] = &[(
    "CKV_K8S_43",
    "curl and the Kafka tools are pinned by release tag (curlimages/curl, apache/kafka); digests differ per platform",
)];

/// Accepted checks on application services' Deployments, each applying only when the
/// Deployment has what the check objects to: (check, reason).
const SERVICE_WORKLOADS: &[(&str, &str)] = &[
    (
        "CKV_K8S_11",
        "no CPU limit unless the spec sets one: CFS quotas throttle latency-sensitive services below their request's share, while the CPU request guarantees theirs",
    ),
    (
        "CKV_K8S_15",
        "the image is pinned by an immutable tag or a digest; IfNotPresent keeps restarts independent of the registry",
    ),
    (
        "CKV_K8S_35",
        "the spec asks for these secrets as variables (`secretEnv`); the values come from Secrets Manager through a Secret the CSI driver syncs",
    ),
    (
        "CKV_K8S_43",
        "the image is pinned by tag (immutable in the ECR repositories plinth creates); set `image.digest` to pin by digest",
    ),
];

/// Accepted checks on the secret-sync Deployments (`k8s::secret_sync`): (check, reason).
const SECRET_SYNC_WORKLOADS: &[(&str, &str)] = &[
    (
        "CKV_K8S_15",
        "the image is pinned to a release tag; IfNotPresent keeps the Secrets held when the registry is unreachable",
    ),
    (
        "CKV_K8S_43",
        "busybox is pinned by its release tag, the Docker official image's stable name; digests differ per platform",
    ),
];

/// Whether a service Deployment has what `check` objects to.
fn service_finding(deployment: &Value, check: &str) -> bool {
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    match check {
        "CKV_K8S_11" => container["resources"]["limits"]["cpu"].is_null(),
        "CKV_K8S_15" => container["imagePullPolicy"] != "Always",
        "CKV_K8S_35" => container["env"].as_array().is_some_and(|env| {
            env.iter()
                .any(|e| !e["valueFrom"]["secretKeyRef"].is_null())
        }),
        "CKV_K8S_43" => !container["image"]
            .as_str()
            .unwrap_or_default()
            .contains('@'),
        _ => false,
    }
}

/// Writes the accepted checks into the stacks and the Kubernetes files.
pub fn annotate(stacks: &mut [Stack], kubernetes: &mut [ManifestFile]) {
    for stack in stacks {
        for (id, resource) in &mut stack.template.resources {
            // A reason given for the resource itself replaces its type's for the same check.
            let own: Vec<(&str, &str)> = RESOURCES
                .iter()
                .filter(|(rid, ..)| rid == id)
                .map(|(_, check, reason)| (*check, *reason))
                .collect();
            let skips: Vec<(&str, &str)> = RESOURCE_TYPES
                .iter()
                .filter(|(kind, check, _)| {
                    *kind == resource.kind && !own.iter().any(|(c, _)| c == check)
                })
                .map(|(_, check, reason)| (*check, *reason))
                .chain(own.iter().copied())
                .collect();
            skip(resource, &skips);
        }
    }
    for file in kubernetes {
        let Content::Objects(objects) = &mut file.content else {
            continue;
        };
        for o in objects {
            let workload = matches!(o["kind"].as_str(), Some("Deployment" | "StatefulSet"));
            let druid = o["metadata"]["labels"]["app.kubernetes.io/part-of"] == "druid";
            let service = o["metadata"]["labels"]["app.kubernetes.io/part-of"] == "services";
            let secret_sync =
                o["metadata"]["labels"]["app.kubernetes.io/component"] == "secret-sync";
            let skips: Vec<(&str, &str)> = if workload && druid {
                DRUID_WORKLOADS.to_vec()
            } else if o["kind"] == "Job" && druid {
                DRUID_JOBS.to_vec()
            } else if workload && secret_sync {
                SECRET_SYNC_WORKLOADS.to_vec()
            } else if workload && service {
                SERVICE_WORKLOADS
                    .iter()
                    .filter(|(check, _)| service_finding(o, check))
                    .copied()
                    .collect()
            } else {
                Vec::new()
            };
            if !skips.is_empty() {
                let annotations = &mut o["metadata"]["annotations"];
                if annotations.is_null() {
                    *annotations = json!({});
                }
                for (i, (check, reason)) in skips.iter().enumerate() {
                    annotations[format!("checkov.io/skip{}", i + 1)] =
                        Value::String(format!("{check}={reason}"));
                }
            }
        }
    }
}

fn skip(resource: &mut Resource, skips: &[(&str, &str)]) {
    if skips.is_empty() {
        return;
    }
    let metadata = resource.metadata.get_or_insert_with(|| json!({}));
    let list: Vec<Value> = skips
        .iter()
        .map(|(id, comment)| json!({ "id": id, "comment": comment }))
        .collect();
    metadata["checkov"] = json!({ "skip": list });
}
