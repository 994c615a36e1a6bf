//! Grafana Cloud's AWS side: the pod identity role that may read the Grafana Cloud API key from
//! Secrets Manager and nothing else, its associations with the service accounts of the Alloy
//! collectors that mount the key through the Secrets Store CSI driver (`k8s::monitoring`), and
//! the role's ARN as an export.

use plinth_cfn::{Resource, pascal};
use plinth_spec::model::GrafanaCloud;
use serde_json::json;

use crate::builder::{Builder, Role, att, r};
use crate::iam;
use crate::k8s::monitoring::{COLLECTORS, NAMESPACE, service_account};

fn role<'a>(resource_type: &'a str, category: &'a str) -> Role<'a> {
    Role {
        resource_type,
        category,
        component: "monitoring",
    }
}

/// Adds the Grafana Cloud role, one pod identity association per collector and the role's
/// output to the cluster stack.
pub fn resources(b: &mut Builder<'_>, cluster: &str, g: &GrafanaCloud) {
    let names = b.platform().names.clone();
    // `{id}-eks-grafana-cloud` is shorter than the load balancer controller's role name, whose
    // length validation checks for every spec.
    let grafana = b.add(
        "GrafanaCloudRole",
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": names.cluster_role("grafana-cloud"),
                "Description": format!(
                    "Grafana Cloud API key for the Alloy collectors of {} ({NAMESPACE})",
                    names.cluster()
                ),
                "AssumeRolePolicyDocument": iam::trust_pod_identity(),
                "Policies": [iam::inline("grafana-cloud-api-key", vec![json!({
                    "Effect": "Allow",
                    "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                    // The spec names the secret without the six random characters Secrets
                    // Manager appends to every secret's ARN (`-AbCdEf`); IAM matches them with
                    // `-??????`, exactly six characters, so no other secret whose name merely
                    // starts the same way is readable (a `*` would allow `…-grafana-cloud-old`).
                    "Resource": format!("{}-??????", g.api_key_secret),
                })])],
            }),
        ),
        role("iam-role", "security"),
        None,
    );
    for collector in COLLECTORS {
        b.add(
            &format!("GrafanaCloudPodIdentity{}", pascal(collector)),
            Resource::new(
                "AWS::EKS::PodIdentityAssociation",
                json!({
                    "ClusterName": r(cluster),
                    "Namespace": NAMESPACE,
                    "ServiceAccount": service_account(collector),
                    "RoleArn": att(&grafana, "Arn"),
                }),
            ),
            role("eks-pod-identity-association", "security"),
            None,
        );
    }
    b.export(
        "GrafanaCloudRoleArn",
        "Role the Alloy collectors read the Grafana Cloud API key with",
        att(&grafana, "Arn"),
    );
}
