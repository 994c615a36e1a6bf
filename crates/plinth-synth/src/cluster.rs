//! The cluster stack: EKS control plane, encryption keys, node groups, managed addons with
//! their pod identity roles, access entries, and Karpenter's AWS side.
//!
//! Ordering encodes what EKS needs, so a first deploy does not race: the pod identity agent,
//! kube-proxy and vpc-cni exist before any node joins; CoreDNS and the other addons, whose pods
//! need nodes to become healthy, wait for the node groups.

use std::collections::BTreeSet;

use plinth_cfn::{Expr, Resource, Template, pascal};
use plinth_spec::Platform;
use plinth_spec::model::{
    AmiFamily, Arch, CapacityType, EndpointAccess, LogType, NodeGroup, TaintEffect,
};
use serde_json::{Value, json};

use crate::builder::{Builder, Role, att, r};
use crate::{iam, karpenter};

/// An EKS addon that calls AWS APIs and so gets a pod identity role.
struct AddonIdentity {
    addon: &'static str,
    /// Role name suffix: `{id}-eks-{suffix}`.
    role: &'static str,
    namespace: &'static str,
    service_account: &'static str,
    policies: &'static [&'static str],
}

/// Addons with pod identity, their service accounts and AWS's recommended managed policies
/// (<https://docs.aws.amazon.com/eks/latest/userguide/add-ons-iam.html>).
const ADDON_IDENTITIES: &[AddonIdentity] = &[
    AddonIdentity {
        addon: "vpc-cni",
        role: "vpc-cni",
        namespace: "kube-system",
        service_account: "aws-node",
        policies: &["AmazonEKS_CNI_Policy"],
    },
    AddonIdentity {
        addon: "aws-ebs-csi-driver",
        role: "ebs-csi",
        namespace: "kube-system",
        service_account: "ebs-csi-controller-sa",
        policies: &["service-role/AmazonEBSCSIDriverPolicy"],
    },
    AddonIdentity {
        addon: "amazon-cloudwatch-observability",
        role: "cloudwatch",
        namespace: "amazon-cloudwatch",
        service_account: "cloudwatch-agent",
        policies: &["CloudWatchAgentServerPolicy", "AWSXrayWriteOnlyAccess"],
    },
    AddonIdentity {
        addon: "aws-efs-csi-driver",
        role: "efs-csi",
        namespace: "kube-system",
        service_account: "efs-csi-controller-sa",
        policies: &["service-role/AmazonEFSCSIDriverPolicy"],
    },
];

/// Addons that must run before nodes join (host-network DaemonSets the node needs to be Ready).
const BEFORE_NODES: &[&str] = &["eks-pod-identity-agent", "kube-proxy", "vpc-cni"];

const CLUSTER_ADMIN_POLICY: &str = "AmazonEKSClusterAdminPolicy";
const VIEW_POLICY: &str = "AmazonEKSViewPolicy";

pub(crate) fn role<'a>(resource_type: &'a str, category: &'a str) -> Role<'a> {
    Role {
        resource_type,
        category,
        component: "eks",
    }
}

/// The cluster stack's template.
pub fn template(p: &Platform) -> Template {
    let names = &p.names;
    let c = &p.cluster;
    let cluster_name = names.cluster();
    let mut b = Builder::new(
        p,
        format!(
            "plinth {}: EKS cluster {cluster_name} (Kubernetes {})",
            names.platform(),
            c.version()
        ),
    );

    let secrets_key = kms_key(
        &mut b,
        "SecretsKey",
        "secrets",
        "Envelope encryption of Kubernetes secrets",
        false,
    );
    let ebs_key = kms_key(
        &mut b,
        "EbsKey",
        "ebs-encryption",
        "Encryption of node and persistent volumes",
        true,
    );

    let cluster_role = b.add(
        "ClusterRole",
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": names.cluster_role("cluster"),
                "Description": format!("EKS control plane of {cluster_name}"),
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Principal": { "Service": "eks.amazonaws.com" },
                        "Action": ["sts:AssumeRole", "sts:TagSession"],
                    }],
                },
                "ManagedPolicyArns": [iam::managed("AmazonEKSClusterPolicy")],
                "Policies": [iam::inline("secrets-encryption", vec![json!({
                    "Effect": "Allow",
                    "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:CreateGrant", "kms:ListGrants"],
                    "Resource": att(&secrets_key, "Arn"),
                })])],
            }),
        ),
        role("iam-role", "security"),
        None,
    );

    // EKS creates its control-plane log group on first write, with no retention; creating it
    // first keeps the retention in plinth's hands.
    let log_group = b.add(
        "ClusterLogGroup",
        Resource::new(
            "AWS::Logs::LogGroup",
            json!({ "LogGroupName": names.cluster_log_group(), "RetentionInDays": c.log_retention_days }),
        ),
        role("log-group", "observability"),
        None,
    );

    let core_addons_managed = ["vpc-cni", "kube-proxy", "coredns"]
        .iter()
        .all(|a| c.addons.contains_key(*a));
    let mut vpc_config = json!({
        "SubnetIds": Expr::import_list(names.export("PrivateSubnetIds")),
        "EndpointPublicAccess": c.endpoint_access != EndpointAccess::Private,
        "EndpointPrivateAccess": c.endpoint_access != EndpointAccess::Public,
    });
    if c.endpoint_access != EndpointAccess::Private && !c.public_access_cidrs.is_empty() {
        vpc_config["PublicAccessCidrs"] = c
            .public_access_cidrs
            .iter()
            .map(ToString::to_string)
            .collect();
    }
    let cluster = b.add(
        "Cluster",
        Resource::new(
            "AWS::EKS::Cluster",
            json!({
                "Name": cluster_name,
                "Version": c.version(),
                "RoleArn": att(&cluster_role, "Arn"),
                "ResourcesVpcConfig": vpc_config,
                "AccessConfig": {
                    "AuthenticationMode": "API",
                    "BootstrapClusterCreatorAdminPermissions": c.access.bootstrap_creator_admin,
                },
                // With all three core addons pinned below, EKS need not install its own
                // unmanaged copies first.
                "BootstrapSelfManagedAddons": !core_addons_managed,
                "EncryptionConfig": [{ "Provider": { "KeyArn": att(&secrets_key, "Arn") }, "Resources": ["secrets"] }],
                "KubernetesNetworkConfig": { "IpFamily": "ipv4" },
                "Logging": { "ClusterLogging": { "EnabledTypes": c.logging.iter().map(|t| json!({ "Type": log_type(*t) })).collect::<Vec<_>>() } },
            }),
        )
        .depends_on(&log_group),
        role("eks-cluster", "compute"),
        None,
    );

    let node_role = node_role(
        &mut b,
        "NodeRole",
        &names.cluster_role("node"),
        "Managed node groups",
    );

    // Addons that nodes need before they can become Ready.
    let mut before_nodes = BTreeSet::new();
    for addon in BEFORE_NODES.iter().filter(|a| c.addons.contains_key(**a)) {
        let id = addon_resource(&mut b, &cluster, addon, &c.addons[*addon], &ebs_key);
        before_nodes.insert(id);
    }
    // vpc-cni fetches its credentials through the agent.
    if let (Some(agent), true) = (
        before_nodes
            .iter()
            .find(|id| id.as_str() == "AddonEksPodIdentityAgent")
            .cloned(),
        before_nodes.contains("AddonVpcCni"),
    ) && let Some(cni) = b.template.resources.get_mut("AddonVpcCni")
    {
        cni.depends_on.insert(agent);
    }

    let mut groups = Vec::new();
    for ng in &c.node_groups {
        groups.push(node_group(
            &mut b,
            ng,
            &cluster,
            &node_role,
            &ebs_key,
            &before_nodes,
        ));
    }

    for (addon, version) in c
        .addons
        .iter()
        .filter(|(a, _)| !BEFORE_NODES.contains(&a.as_str()))
    {
        let id = addon_resource(&mut b, &cluster, addon, version, &ebs_key);
        if let Some(res) = b.template.resources.get_mut(&id) {
            res.depends_on.extend(groups.iter().cloned());
        }
    }

    access_entries(&mut b, &cluster);
    if let Some(argo_cd) = &p.addons.argo_cd {
        crate::argocd::resources(&mut b, &cluster, argo_cd);
    }

    if let Some(k) = &c.karpenter {
        karpenter::resources(&mut b, &cluster, &ebs_key, k);
    }
    if let Some(chart) = &p.addons.aws_load_balancer_controller {
        crate::lbc::resources(&mut b, &cluster, chart);
    }
    if let Some(g) = &p.observability.grafana_cloud {
        crate::grafana::resources(&mut b, &cluster, g);
    }
    if let Some(prometheus) = &p.observability.prometheus {
        crate::observability::prometheus(&mut b, &cluster, prometheus);
    }
    if let Some(logs) = &p.observability.logs {
        crate::observability::logs(&mut b, &cluster, logs);
    }

    b.export("EksClusterName", "EKS cluster name", r(&cluster));
    b.export("EksClusterArn", "EKS cluster ARN", att(&cluster, "Arn"));
    b.export(
        "EksClusterEndpoint",
        "Kubernetes API server endpoint",
        att(&cluster, "Endpoint"),
    );
    b.export(
        "EksClusterCertificateAuthority",
        "Base64 cluster CA certificate",
        att(&cluster, "CertificateAuthorityData"),
    );
    b.export(
        "EksClusterSecurityGroupId",
        "Security group EKS created for the cluster",
        att(&cluster, "ClusterSecurityGroupId"),
    );
    b.export(
        "EksOidcIssuer",
        "OIDC issuer URL of the cluster",
        att(&cluster, "OpenIdConnectIssuerUrl"),
    );
    b.export("EksKubernetesVersion", "Kubernetes version", c.version());
    b.export(
        "EksNodeRoleArn",
        "Role of the managed node groups",
        att(&node_role, "Arn"),
    );
    b.export(
        "EbsKmsKeyArn",
        "KMS key for EBS volumes",
        att(&ebs_key, "Arn"),
    );
    b.template
}

fn log_type(t: LogType) -> &'static str {
    match t {
        LogType::Api => "api",
        LogType::Audit => "audit",
        LogType::Authenticator => "authenticator",
        LogType::ControllerManager => "controllerManager",
        LogType::Scheduler => "scheduler",
    }
}

/// A customer-managed KMS key with rotation and an alias. `for_ebs` adds the statement EC2
/// needs to use the key for volumes on behalf of any principal of the account — the same shape
/// as the AWS-managed `aws/ebs` key policy — which covers the Auto Scaling service-linked role
/// that launches managed nodes and the EBS CSI driver.
fn kms_key(
    b: &mut Builder<'_>,
    id: &str,
    purpose: &str,
    description: &str,
    for_ebs: bool,
) -> String {
    let mut statements = Vec::new();
    if for_ebs {
        statements.push(iam::use_through_service("UseThroughEc2", "ec2"));
    }
    let alias = b.platform().names.kms_alias(purpose);
    let key = b.add(
        id,
        iam::kms_key(&format!("{description} ({alias})"), statements),
        role("kms-key", "security"),
        None,
    );
    b.add(
        &format!("{id}Alias"),
        iam::kms_alias(&alias, &key),
        role("kms-alias", "security"),
        None,
    );
    key
}

/// A node role: the worker, image pull and SSM policies. The CNI policy is not here: vpc-cni
/// gets its own pod identity role.
pub(crate) fn node_role(b: &mut Builder<'_>, id: &str, name: &str, what: &str) -> String {
    b.add(
        id,
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": name,
                "Description": format!("{what} of {}", b.platform().names.cluster()),
                "AssumeRolePolicyDocument": iam::trust_service(iam::ec2_service()),
                "ManagedPolicyArns": [
                    iam::managed("AmazonEKSWorkerNodePolicy"),
                    iam::managed("AmazonEC2ContainerRegistryPullOnly"),
                    iam::managed("AmazonSSMManagedInstanceCore"),
                ],
            }),
        ),
        role("iam-role", "security"),
        None,
    )
}

fn addon_resource(
    b: &mut Builder<'_>,
    cluster: &str,
    addon: &str,
    version: &str,
    ebs_key: &str,
) -> String {
    let logical = format!("Addon{}", pascal(addon));
    let mut props = json!({
        "AddonName": addon,
        "AddonVersion": version,
        "ClusterName": r(cluster),
        "ResolveConflicts": "OVERWRITE",
        "PreserveOnDelete": false,
    });
    if addon == "vpc-cni" {
        // The network policy agent enforces NetworkPolicies (Druid's, services'); without it
        // they are accepted and ignored:
        // https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html
        props["ConfigurationValues"] = json!(r#"{"enableNetworkPolicy":"true"}"#);
    }
    if let Some(identity) = ADDON_IDENTITIES.iter().find(|i| i.addon == addon) {
        let role_id = format!("{logical}Role");
        let mut role_props = json!({
            "RoleName": b.platform().names.cluster_role(identity.role),
            "Description": format!("Pod identity of the {addon} addon ({}/{})", identity.namespace, identity.service_account),
            "AssumeRolePolicyDocument": iam::trust_pod_identity(),
            "ManagedPolicyArns": identity.policies.iter().map(|p| iam::managed(p)).collect::<Vec<_>>(),
        });
        if addon == "aws-ebs-csi-driver" {
            role_props["Policies"] = json!([iam::inline(
                "ebs-volume-encryption",
                vec![
                    json!({
                        "Effect": "Allow",
                        "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                        "Resource": att(ebs_key, "Arn"),
                        "Condition": { "Bool": { "kms:GrantIsForAWSResource": true } },
                    }),
                    json!({
                        "Effect": "Allow",
                        "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                        "Resource": att(ebs_key, "Arn"),
                    }),
                ]
            )]);
        }
        b.add(
            &role_id,
            Resource::new("AWS::IAM::Role", role_props),
            role("iam-role", "security"),
            None,
        );
        props["PodIdentityAssociations"] = json!([{
            "ServiceAccount": identity.service_account,
            "RoleArn": att(&role_id, "Arn"),
        }]);
    }
    b.add(
        &logical,
        Resource::new("AWS::EKS::Addon", props),
        role("eks-addon", "compute"),
        None,
    )
}

fn node_group(
    b: &mut Builder<'_>,
    ng: &NodeGroup,
    cluster: &str,
    node_role: &str,
    ebs_key: &str,
    before: &BTreeSet<String>,
) -> String {
    let name = b.platform().names.nodegroup(&ng.name);
    let id = pascal(&ng.name);
    let volume = |device: &str, size: u32| {
        json!({
            "DeviceName": device,
            "Ebs": {
                "VolumeSize": size,
                "VolumeType": "gp3",
                "Encrypted": true,
                "KmsKeyId": att(ebs_key, "Arn"),
                "DeleteOnTermination": true,
            },
        })
    };
    // Bottlerocket keeps its OS on /dev/xvda and containers and images on /dev/xvdb.
    let devices = match ng.ami_family {
        AmiFamily::Bottlerocket => vec![volume("/dev/xvda", 4), volume("/dev/xvdb", ng.disk_size)],
        AmiFamily::Al2023 => vec![volume("/dev/xvda", ng.disk_size)],
    };
    let lt = b.add(
        &format!("LaunchTemplate{id}"),
        Resource::new(
            "AWS::EC2::LaunchTemplate",
            json!({
                "LaunchTemplateName": name,
                "LaunchTemplateData": {
                    // IMDSv2 only. Hop limit 2 because the CloudWatch agent reads instance
                    // metadata from a pod (Container Insights docs).
                    "MetadataOptions": { "HttpEndpoint": "enabled", "HttpTokens": "required", "HttpPutResponseHopLimit": 2 },
                    "BlockDeviceMappings": devices,
                },
            }),
        ),
        role("launch-template", "compute"),
        Some(&name),
    );
    let ami_type = match (ng.ami_family, ng.arch) {
        (AmiFamily::Bottlerocket, Arch::X86_64) => "BOTTLEROCKET_x86_64",
        (AmiFamily::Bottlerocket, Arch::Arm64) => "BOTTLEROCKET_ARM_64",
        (AmiFamily::Al2023, Arch::X86_64) => "AL2023_x86_64_STANDARD",
        (AmiFamily::Al2023, Arch::Arm64) => "AL2023_ARM_64_STANDARD",
    };
    let mut props = json!({
        "NodegroupName": name,
        "ClusterName": r(cluster),
        "NodeRole": att(node_role, "Arn"),
        "Subnets": Expr::import_list(b.platform().names.export("PrivateSubnetIds")),
        "AmiType": ami_type,
        "CapacityType": match ng.capacity_type { CapacityType::OnDemand => "ON_DEMAND", CapacityType::Spot => "SPOT" },
        "InstanceTypes": ng.instance_types,
        "ScalingConfig": { "MinSize": ng.min_size, "DesiredSize": ng.desired_size, "MaxSize": ng.max_size },
        "UpdateConfig": { "MaxUnavailablePercentage": 33 },
        "LaunchTemplate": { "Id": r(&lt), "Version": att(&lt, "LatestVersionNumber") },
    });
    if !ng.labels.is_empty() {
        props["Labels"] = json!(ng.labels);
    }
    if !ng.taints.is_empty() {
        props["Taints"] = ng
            .taints
            .iter()
            .map(|t| {
                let effect = match t.effect {
                    TaintEffect::NoSchedule => "NO_SCHEDULE",
                    TaintEffect::PreferNoSchedule => "PREFER_NO_SCHEDULE",
                    TaintEffect::NoExecute => "NO_EXECUTE",
                };
                let mut taint = json!({ "Key": t.key, "Effect": effect });
                if let Some(v) = &t.value {
                    taint["Value"] = Value::from(v.as_str());
                }
                taint
            })
            .collect();
    }
    let mut res = Resource::new("AWS::EKS::Nodegroup", props);
    res.depends_on.extend(before.iter().cloned());
    b.add(
        &format!("Nodegroup{id}"),
        res,
        role("eks-nodegroup", "compute"),
        None,
    )
}

fn access_entries(b: &mut Builder<'_>, cluster: &str) {
    let access = b.platform().cluster.access.clone();
    let mut used = BTreeSet::new();
    for (kind, list, policy) in [
        (
            "Administrator",
            &access.administrators,
            CLUSTER_ADMIN_POLICY,
        ),
        ("User", &access.users, VIEW_POLICY),
    ] {
        for principal in list {
            let mut id = format!("{kind}Access{}", pascal(&principal.username));
            let mut n = 2;
            while !used.insert(id.clone()) {
                id = format!("{kind}Access{}{n}", pascal(&principal.username));
                n += 1;
            }
            let res = Resource::new(
                "AWS::EKS::AccessEntry",
                json!({
                    "ClusterName": r(cluster),
                    "PrincipalArn": principal.role,
                    "Username": principal.username,
                    "Type": "STANDARD",
                    "AccessPolicies": [{
                        "PolicyArn": Expr::arn(&format!("eks::aws:cluster-access-policy/{policy}")),
                        "AccessScope": { "Type": "cluster" },
                    }],
                }),
            );
            b.add(&id, res, role("eks-access-entry", "security"), None);
            // The contact travels as a tag so the entry says whom to ask.
            let domain = b.platform().metadata.domain.clone();
            if let Some(Value::Array(tags)) = b
                .template
                .resources
                .get_mut(&id)
                .and_then(|r| r.properties.get_mut("Tags"))
            {
                tags.push(json!({ "Key": format!("{domain}:contact"), "Value": principal.email }));
                tags.sort_by(|a, b| a["Key"].as_str().cmp(&b["Key"].as_str()));
            }
        }
    }
}
