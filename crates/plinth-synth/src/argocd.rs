//! Argo CD as the EKS managed capability, in the cluster stack.
//!
//! `AWS::EKS::Capability` of type `ARGOCD` runs Argo CD outside the cluster's nodes; AWS
//! operates and upgrades it, and people sign in through IAM Identity Center
//! (<https://docs.aws.amazon.com/eks/latest/userguide/argocd.html>). The capability assumes a
//! role of its own (trusted by `capabilities.eks.amazonaws.com`), which may read the GitOps
//! repository's credentials when the spec names a secret and nothing else. EKS creates the
//! role's access entry itself; the Kubernetes permissions it needs come from a binding plinth
//! applies (`k8s::argocd`), to the group EKS gives that entry.

use plinth_cfn::Resource;
use plinth_spec::model::ArgoCd;
use serde_json::{Value, json};

use crate::builder::{Builder, Role, att, r};
use crate::iam;
use crate::k8s::argocd::NAMESPACE;

/// Name of the capability within the cluster.
pub const CAPABILITY_NAME: &str = "argocd";

fn role<'a>(resource_type: &'a str, category: &'a str) -> Role<'a> {
    Role {
        resource_type,
        category,
        component: "argocd",
    }
}

/// Adds the capability and its role to the cluster stack.
pub fn resources(b: &mut Builder<'_>, cluster: &str, a: &ArgoCd) {
    let p = b.platform();
    let names = p.names.clone();
    let mut role_properties = json!({
        "RoleName": names.cluster_role("argocd"),
        "Description": format!("Argo CD capability of {}", names.cluster()),
        "AssumeRolePolicyDocument": iam::document(vec![json!({
            "Effect": "Allow",
            "Principal": { "Service": "capabilities.eks.amazonaws.com" },
            "Action": ["sts:AssumeRole", "sts:TagSession"],
        })]),
    });
    if let Some(arn) = p
        .gitops
        .as_ref()
        .and_then(|g| g.credentials_secret.as_ref())
    {
        // The spec may name the secret with or without the six characters Secrets Manager
        // appends to its ARN; `-??????` matches exactly those.
        role_properties["Policies"] = json!([iam::inline(
            "repository-credentials",
            vec![json!({
                "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Resource": [arn, format!("{arn}-??????")],
            })],
        )]);
    }
    let capability_role = b.add(
        "ArgoCdRole",
        Resource::new("AWS::IAM::Role", role_properties),
        role("iam-role", "security"),
        None,
    );

    let mut idc = json!({ "IdcInstanceArn": a.identity_center_instance });
    if let Some(region) = &a.identity_center_region {
        idc["IdcRegion"] = Value::from(region.as_str());
    }
    let mut argo = json!({ "Namespace": NAMESPACE, "AwsIdc": idc });
    let mappings: Vec<Value> = [("ADMIN", &a.admins), ("VIEWER", &a.viewers)]
        .into_iter()
        .filter(|(_, groups)| !groups.is_empty())
        .map(|(role, groups)| {
            json!({
                "Role": role,
                "Identities": groups.iter().map(|g| json!({ "Id": g, "Type": "SSO_GROUP" })).collect::<Vec<_>>(),
            })
        })
        .collect();
    if !mappings.is_empty() {
        argo["RbacRoleMappings"] = Value::Array(mappings);
    }
    if !a.vpc_endpoints.is_empty() {
        argo["NetworkAccess"] = json!({ "VpceIds": a.vpc_endpoints });
    }
    let capability = b.add(
        "ArgoCdCapability",
        Resource::new(
            "AWS::EKS::Capability",
            json!({
                "CapabilityName": CAPABILITY_NAME,
                "ClusterName": r(cluster),
                "Type": "ARGOCD",
                "RoleArn": att(&capability_role, "Arn"),
                // The only policy EKS offers: deleting the capability leaves what Argo CD
                // deployed in place.
                "DeletePropagationPolicy": "RETAIN",
                "Configuration": { "ArgoCd": argo },
            }),
        ),
        role("eks-capability", "delivery"),
        None,
    );
    b.export(
        "ArgoCdServerUrl",
        "URL of the Argo CD server (sign in through IAM Identity Center)",
        att(&capability, "Configuration.ArgoCd.ServerUrl"),
    );
    b.export(
        "ArgoCdRoleArn",
        "Role the Argo CD capability acts as",
        att(&capability_role, "Arn"),
    );
}
