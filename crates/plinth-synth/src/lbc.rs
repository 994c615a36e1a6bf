//! The AWS Load Balancer Controller's AWS side: its pod identity role with the controller's
//! reference IAM policy, the association binding that role to the chart's service account, and
//! the role's ARN as an export.

use plinth_cfn::{Expr, Resource};
use serde_json::{Value, json};

use crate::builder::{Builder, Role, att, r};
use crate::iam;

/// Namespace the chart is installed into (see `k8s::addons` and `k8s::foundation`).
const NAMESPACE: &str = "aws-load-balancer";
/// Service account the chart creates (`serviceAccount.name` in its values).
const SERVICE_ACCOUNT: &str = "aws-load-balancer-controller";

fn role<'a>(resource_type: &'a str, category: &'a str) -> Role<'a> {
    Role {
        resource_type,
        category,
        component: "aws-load-balancer-controller",
    }
}

/// Adds the controller's role, pod identity association and output to the cluster stack.
/// `_chart` is the pinned chart version; every 1.1x chart ships a v2.1x controller, which the
/// policy below serves.
pub fn resources(b: &mut Builder<'_>, cluster: &str, _chart: &str) {
    let names = b.platform().names.clone();
    let cluster_name = names.cluster();

    let controller = b.add(
        "AwsLoadBalancerControllerRole",
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": names.cluster_role("aws-load-balancer-controller"),
                "Description": format!(
                    "AWS Load Balancer Controller of {cluster_name} ({NAMESPACE}/{SERVICE_ACCOUNT})"
                ),
                "AssumeRolePolicyDocument": iam::trust_pod_identity(),
                "Policies": [iam::inline("aws-load-balancer-controller", controller_statements())],
            }),
        ),
        role("iam-role", "security"),
        None,
    );
    b.add(
        "AwsLoadBalancerControllerPodIdentity",
        Resource::new(
            "AWS::EKS::PodIdentityAssociation",
            json!({
                "ClusterName": r(cluster),
                "Namespace": NAMESPACE,
                "ServiceAccount": SERVICE_ACCOUNT,
                "RoleArn": att(&controller, "Arn"),
            }),
        ),
        role("eks-pod-identity-association", "security"),
        None,
    );
    b.export(
        "AwsLoadBalancerControllerRoleArn",
        "AWS Load Balancer Controller role",
        att(&controller, "Arn"),
    );
}

/// The controller's reference IAM policy: `docs/install/iam_policy.json` of
/// <https://github.com/kubernetes-sigs/aws-load-balancer-controller>, in the form it has had since
/// v2.13.0 (which added `ec2:DescribeRouteTables`; `ec2:DescribeIpamPools`,
/// `elasticloadbalancing:ModifyIpPools` and `elasticloadbalancing:SetRulePriorities` are in
/// their v2.13 places), i.e. `v2.13.3/docs/install/iam_policy.json`. Sixteen statements, in the
/// file's order, with its conditions; only `arn:aws:` became the stack's partition, and
/// `"Resource": "*"` stays wherever the file has it.
///
/// Not yet compared byte for byte with the `v2.15.0` tag: re-check against
/// `v2.15.x/docs/install/iam_policy.json` whenever the chart pin moves.
fn controller_statements() -> Vec<Value> {
    let elb = |rest: &str| Expr::arn(&format!("elasticloadbalancing:*:*:{rest}"));
    let security_groups = Expr::arn("ec2:*:*:security-group/*");
    let tagged_balancers = || {
        json!([
            elb("targetgroup/*/*"),
            elb("loadbalancer/net/*/*"),
            elb("loadbalancer/app/*/*"),
        ])
    };
    vec![
        json!({
            "Effect": "Allow",
            "Action": ["iam:CreateServiceLinkedRole"],
            "Resource": "*",
            "Condition": {
                "StringEquals": { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" },
            },
        }),
        json!({
            "Effect": "Allow",
            "Action": [
                "ec2:DescribeAccountAttributes",
                "ec2:DescribeAddresses",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeInternetGateways",
                "ec2:DescribeVpcs",
                "ec2:DescribeVpcPeeringConnections",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeInstances",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeTags",
                "ec2:GetCoipPoolUsage",
                "ec2:DescribeCoipPools",
                "ec2:GetSecurityGroupsForVpc",
                "ec2:DescribeIpamPools",
                "ec2:DescribeRouteTables",
                "elasticloadbalancing:DescribeLoadBalancers",
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeListenerCertificates",
                "elasticloadbalancing:DescribeSSLPolicies",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetGroupAttributes",
                "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeTags",
                "elasticloadbalancing:DescribeTrustStores",
                "elasticloadbalancing:DescribeListenerAttributes",
                "elasticloadbalancing:DescribeCapacityReservation",
            ],
            "Resource": "*",
        }),
        json!({
            "Effect": "Allow",
            "Action": [
                "cognito-idp:DescribeUserPoolClient",
                "acm:ListCertificates",
                "acm:DescribeCertificate",
                "iam:ListServerCertificates",
                "iam:GetServerCertificate",
                "waf-regional:GetWebACL",
                "waf-regional:GetWebACLForResource",
                "waf-regional:AssociateWebACL",
                "waf-regional:DisassociateWebACL",
                "wafv2:GetWebACL",
                "wafv2:GetWebACLForResource",
                "wafv2:AssociateWebACL",
                "wafv2:DisassociateWebACL",
                "shield:GetSubscriptionState",
                "shield:DescribeProtection",
                "shield:CreateProtection",
                "shield:DeleteProtection",
            ],
            "Resource": "*",
        }),
        json!({
            "Effect": "Allow",
            "Action": ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
            "Resource": "*",
        }),
        json!({
            "Effect": "Allow",
            "Action": ["ec2:CreateSecurityGroup"],
            "Resource": "*",
        }),
        json!({
            "Effect": "Allow",
            "Action": ["ec2:CreateTags"],
            "Resource": security_groups.clone(),
            "Condition": {
                "StringEquals": { "ec2:CreateAction": "CreateSecurityGroup" },
                "Null": { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" },
            },
        }),
        json!({
            "Effect": "Allow",
            "Action": ["ec2:CreateTags", "ec2:DeleteTags"],
            "Resource": security_groups,
            "Condition": {
                "Null": {
                    "aws:RequestTag/elbv2.k8s.aws/cluster": "true",
                    "aws:ResourceTag/elbv2.k8s.aws/cluster": "false",
                },
            },
        }),
        json!({
            "Effect": "Allow",
            "Action": [
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:RevokeSecurityGroupIngress",
                "ec2:DeleteSecurityGroup",
            ],
            "Resource": "*",
            "Condition": { "Null": { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } },
        }),
        json!({
            "Effect": "Allow",
            "Action": [
                "elasticloadbalancing:CreateLoadBalancer",
                "elasticloadbalancing:CreateTargetGroup",
            ],
            "Resource": "*",
            "Condition": { "Null": { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } },
        }),
        json!({
            "Effect": "Allow",
            "Action": [
                "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:DeleteRule",
            ],
            "Resource": "*",
        }),
        json!({
            "Effect": "Allow",
            "Action": ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            "Resource": tagged_balancers(),
            "Condition": {
                "Null": {
                    "aws:RequestTag/elbv2.k8s.aws/cluster": "true",
                    "aws:ResourceTag/elbv2.k8s.aws/cluster": "false",
                },
            },
        }),
        json!({
            "Effect": "Allow",
            "Action": ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            "Resource": [
                elb("listener/net/*/*/*"),
                elb("listener/app/*/*/*"),
                elb("listener-rule/net/*/*/*"),
                elb("listener-rule/app/*/*/*"),
            ],
        }),
        json!({
            "Effect": "Allow",
            "Action": [
                "elasticloadbalancing:ModifyLoadBalancerAttributes",
                "elasticloadbalancing:SetIpAddressType",
                "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets",
                "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:DeleteTargetGroup",
                "elasticloadbalancing:ModifyListenerAttributes",
                "elasticloadbalancing:ModifyCapacityReservation",
                "elasticloadbalancing:ModifyIpPools",
            ],
            "Resource": "*",
            "Condition": { "Null": { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" } },
        }),
        json!({
            "Effect": "Allow",
            "Action": ["elasticloadbalancing:AddTags"],
            "Resource": tagged_balancers(),
            "Condition": {
                "StringEquals": {
                    "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
                },
                "Null": { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" },
            },
        }),
        json!({
            "Effect": "Allow",
            "Action": ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
            "Resource": elb("targetgroup/*/*"),
        }),
        json!({
            "Effect": "Allow",
            "Action": [
                "elasticloadbalancing:SetWebAcl",
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:RemoveListenerCertificates",
                "elasticloadbalancing:ModifyRule",
                "elasticloadbalancing:SetRulePriorities",
            ],
            "Resource": "*",
        }),
    ]
}
