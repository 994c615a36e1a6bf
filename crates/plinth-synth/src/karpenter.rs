//! Karpenter's AWS side: the node role and its access entry, the controller's pod identity role
//! with the controller policy, and the interruption queue fed by EventBridge.
//!
//! The controller policy follows Karpenter's getting-started CloudFormation for v1.x
//! (<https://karpenter.sh/docs/reference/cloudformation/>), scoped to this cluster by tag
//! conditions whose keys embed the cluster name, known at synth time.

use plinth_cfn::{Expr, Resource};
use plinth_spec::model::Karpenter;
use plinth_spec::names::KARPENTER_RULES;
use serde_json::{Value, json};

use crate::builder::{Builder, Role, att, r};
use crate::cluster::node_role;
use crate::iam;

fn role<'a>(resource_type: &'a str, category: &'a str) -> Role<'a> {
    Role {
        resource_type,
        category,
        component: "karpenter",
    }
}

/// Adds Karpenter's AWS resources to the cluster stack.
pub fn resources(b: &mut Builder<'_>, cluster: &str, _ebs_key: &str, _k: &Karpenter) {
    let names = b.platform().names.clone();
    let cluster_name = names.cluster();

    let node = node_role(
        b,
        "KarpenterNodeRole",
        &names.cluster_role("karpenter-node"),
        "Karpenter nodes",
    );
    b.add(
        "KarpenterNodeAccessEntry",
        Resource::new(
            "AWS::EKS::AccessEntry",
            json!({ "ClusterName": r(cluster), "PrincipalArn": att(&node, "Arn"), "Type": "EC2_LINUX" }),
        ),
        role("eks-access-entry", "security"),
        None,
    );

    let queue = b.add(
        "KarpenterInterruptionQueue",
        Resource::new(
            "AWS::SQS::Queue",
            json!({ "QueueName": names.karpenter_queue(), "MessageRetentionPeriod": 300, "SqsManagedSseEnabled": true }),
        ),
        role("sqs-queue", "compute"),
        None,
    );
    b.add(
        "KarpenterInterruptionQueuePolicy",
        Resource::new(
            "AWS::SQS::QueuePolicy",
            json!({
                "Queues": [r(&queue)],
                "PolicyDocument": iam::document(vec![
                    json!({
                        "Sid": "EventBridgeDelivers",
                        "Effect": "Allow",
                        "Principal": { "Service": ["events.amazonaws.com", "sqs.amazonaws.com"] },
                        "Action": "sqs:SendMessage",
                        "Resource": att(&queue, "Arn"),
                    }),
                    json!({
                        "Sid": "DenyHTTP",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "sqs:*",
                        "Resource": att(&queue, "Arn"),
                        "Condition": { "Bool": { "aws:SecureTransport": false } },
                    }),
                ]),
            }),
        ),
        role("sqs-queue-policy", "security"),
        None,
    );
    let events = [
        ("aws.health", "AWS Health Event"),
        ("aws.ec2", "EC2 Spot Instance Interruption Warning"),
        ("aws.ec2", "EC2 Instance Rebalance Recommendation"),
        ("aws.ec2", "EC2 Instance State-change Notification"),
    ];
    for (rule, (source, detail)) in KARPENTER_RULES.iter().zip(events) {
        let id = format!(
            "KarpenterRule{}",
            rule.split('-').map(capitalize).collect::<String>()
        );
        b.add(
            &id,
            Resource::new(
                "AWS::Events::Rule",
                json!({
                    "Name": names.karpenter_rule(rule),
                    "Description": format!("{detail} → Karpenter of {cluster_name}"),
                    "EventPattern": { "source": [source], "detail-type": [detail] },
                    "Targets": [{ "Id": "KarpenterInterruptionQueue", "Arn": att(&queue, "Arn") }],
                }),
            ),
            role("eventbridge-rule", "compute"),
            None,
        );
    }

    let controller = b.add(
        "KarpenterControllerRole",
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": names.cluster_role("karpenter"),
                "Description": format!("Karpenter controller of {cluster_name} (kube-system/karpenter)"),
                "AssumeRolePolicyDocument": iam::trust_pod_identity(),
                "Policies": [iam::inline("karpenter-controller", controller_statements(&cluster_name, &node, &queue))],
            }),
        ),
        role("iam-role", "security"),
        None,
    );
    b.add(
        "KarpenterPodIdentity",
        Resource::new(
            "AWS::EKS::PodIdentityAssociation",
            json!({
                "ClusterName": r(cluster),
                "Namespace": "kube-system",
                "ServiceAccount": "karpenter",
                "RoleArn": att(&controller, "Arn"),
            }),
        ),
        role("eks-pod-identity-association", "security"),
        None,
    );

    b.export(
        "KarpenterNodeRoleName",
        "Role Karpenter's EC2NodeClass gives its nodes",
        r(&node),
    );
    b.export(
        "KarpenterInterruptionQueueName",
        "Queue for Karpenter's settings.interruptionQueue",
        att(&queue, "QueueName"),
    );
    b.export(
        "KarpenterControllerRoleArn",
        "Karpenter controller role",
        att(&controller, "Arn"),
    );
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn controller_statements(cluster: &str, node_role: &str, queue: &str) -> Vec<Value> {
    let ec2 = |rest: &str| Expr::arn(&format!("ec2:${{AWS::Region}}:*:{rest}"));
    let owned = format!("aws:ResourceTag/kubernetes.io/cluster/{cluster}");
    let req_owned = format!("aws:RequestTag/kubernetes.io/cluster/{cluster}");
    let launched = [
        "fleet/*",
        "instance/*",
        "volume/*",
        "network-interface/*",
        "launch-template/*",
        "spot-instances-request/*",
    ];
    let profile = Expr::arn("iam::${AWS::AccountId}:instance-profile/*");
    let region = Expr::sub("${AWS::Region}");
    vec![
        json!({
            "Sid": "AllowScopedEC2InstanceAccessActions",
            "Effect": "Allow",
            "Action": ["ec2:RunInstances", "ec2:CreateFleet"],
            "Resource": [
                Expr::arn("ec2:${AWS::Region}::image/*"),
                Expr::arn("ec2:${AWS::Region}::snapshot/*"),
                ec2("security-group/*"),
                ec2("subnet/*"),
                ec2("capacity-reservation/*"),
            ],
        }),
        json!({
            "Sid": "AllowScopedEC2LaunchTemplateAccessActions",
            "Effect": "Allow",
            "Action": ["ec2:RunInstances", "ec2:CreateFleet"],
            "Resource": ec2("launch-template/*"),
            "Condition": {
                "StringEquals": { owned.clone(): "owned" },
                "StringLike": { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
            },
        }),
        json!({
            "Sid": "AllowScopedEC2InstanceActionsWithTags",
            "Effect": "Allow",
            "Action": ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
            "Resource": launched.iter().map(|l| ec2(l)).collect::<Vec<_>>(),
            "Condition": {
                "StringEquals": { req_owned.clone(): "owned", "aws:RequestTag/eks:eks-cluster-name": cluster },
                "StringLike": { "aws:RequestTag/karpenter.sh/nodepool": "*" },
            },
        }),
        json!({
            "Sid": "AllowScopedResourceCreationTagging",
            "Effect": "Allow",
            "Action": "ec2:CreateTags",
            "Resource": launched.iter().map(|l| ec2(l)).collect::<Vec<_>>(),
            "Condition": {
                "StringEquals": {
                    req_owned.clone(): "owned",
                    "aws:RequestTag/eks:eks-cluster-name": cluster,
                    "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                },
                "StringLike": { "aws:RequestTag/karpenter.sh/nodepool": "*" },
            },
        }),
        json!({
            "Sid": "AllowScopedResourceTagging",
            "Effect": "Allow",
            "Action": "ec2:CreateTags",
            "Resource": ec2("instance/*"),
            "Condition": {
                "StringEquals": { owned.clone(): "owned" },
                "StringLike": { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
                "StringEqualsIfExists": { "aws:RequestTag/eks:eks-cluster-name": cluster },
                "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
            },
        }),
        json!({
            "Sid": "AllowScopedDeletion",
            "Effect": "Allow",
            "Action": ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
            "Resource": [ec2("instance/*"), ec2("launch-template/*")],
            "Condition": {
                "StringEquals": { owned.clone(): "owned" },
                "StringLike": { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
            },
        }),
        json!({
            "Sid": "AllowRegionalReadActions",
            "Effect": "Allow",
            "Action": [
                "ec2:DescribeCapacityReservations",
                "ec2:DescribeImages",
                "ec2:DescribeInstances",
                "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeInstanceTypes",
                "ec2:DescribeLaunchTemplates",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSpotPriceHistory",
                "ec2:DescribeSubnets",
            ],
            "Resource": "*",
            "Condition": { "StringEquals": { "aws:RequestedRegion": region.clone() } },
        }),
        json!({
            "Sid": "AllowSSMReadActions",
            "Effect": "Allow",
            "Action": "ssm:GetParameter",
            "Resource": Expr::arn("ssm:${AWS::Region}::parameter/aws/service/*"),
        }),
        json!({
            "Sid": "AllowPricingReadActions",
            "Effect": "Allow",
            "Action": "pricing:GetProducts",
            "Resource": "*",
        }),
        json!({
            "Sid": "AllowInterruptionQueueActions",
            "Effect": "Allow",
            "Action": ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
            "Resource": att(queue, "Arn"),
        }),
        json!({
            "Sid": "AllowPassingInstanceRole",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": att(node_role, "Arn"),
            "Condition": { "StringEquals": { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } },
        }),
        json!({
            "Sid": "AllowScopedInstanceProfileCreationActions",
            "Effect": "Allow",
            "Action": "iam:CreateInstanceProfile",
            "Resource": profile.clone(),
            "Condition": {
                "StringEquals": {
                    req_owned.clone(): "owned",
                    "aws:RequestTag/eks:eks-cluster-name": cluster,
                    "aws:RequestTag/topology.kubernetes.io/region": region.clone(),
                },
                "StringLike": { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
            },
        }),
        json!({
            "Sid": "AllowScopedInstanceProfileTagActions",
            "Effect": "Allow",
            "Action": "iam:TagInstanceProfile",
            "Resource": profile.clone(),
            "Condition": {
                "StringEquals": {
                    owned.clone(): "owned",
                    "aws:ResourceTag/topology.kubernetes.io/region": region.clone(),
                    req_owned.clone(): "owned",
                    "aws:RequestTag/eks:eks-cluster-name": cluster,
                    "aws:RequestTag/topology.kubernetes.io/region": region.clone(),
                },
                "StringLike": {
                    "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
                    "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
                },
            },
        }),
        json!({
            "Sid": "AllowScopedInstanceProfileActions",
            "Effect": "Allow",
            "Action": ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
            "Resource": profile.clone(),
            "Condition": {
                "StringEquals": { owned: "owned", "aws:ResourceTag/topology.kubernetes.io/region": region },
                "StringLike": { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
            },
        }),
        json!({
            "Sid": "AllowInstanceProfileReadActions",
            "Effect": "Allow",
            "Action": "iam:GetInstanceProfile",
            "Resource": profile,
        }),
        json!({
            "Sid": "AllowUnscopedInstanceProfileListAction",
            "Effect": "Allow",
            "Action": "iam:ListInstanceProfiles",
            "Resource": "*",
        }),
        json!({
            "Sid": "AllowAPIServerEndpointDiscovery",
            "Effect": "Allow",
            "Action": "eks:DescribeCluster",
            "Resource": Expr::arn(&format!("eks:${{AWS::Region}}:${{AWS::AccountId}}:cluster/{cluster}")),
        }),
    ]
}
