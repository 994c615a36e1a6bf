//! IAM building blocks shared by the stacks.

use plinth_cfn::{Expr, Resource};
use serde_json::{Value, json};

/// A trust policy letting an AWS service assume the role.
pub fn trust_service(service: Value) -> Value {
    let mut statement = json!({ "Effect": "Allow", "Action": "sts:AssumeRole" });
    statement["Principal"] = json!({});
    statement["Principal"]["Service"] = service;
    document(vec![statement])
}

/// A trust policy for EKS Pod Identity (`pods.eks.amazonaws.com` needs `sts:TagSession` too).
pub fn trust_pod_identity() -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": "pods.eks.amazonaws.com" },
            "Action": ["sts:AssumeRole", "sts:TagSession"],
        }],
    })
}

/// `ec2.${AWS::URLSuffix}`, which is right in every partition.
pub fn ec2_service() -> Value {
    Expr::sub("ec2.${AWS::URLSuffix}")
}

/// The ARN of an AWS managed policy, e.g. `AmazonEKSClusterPolicy` or
/// `service-role/AmazonEBSCSIDriverPolicy`.
pub fn managed(name: &str) -> Value {
    Expr::arn(&format!("iam::aws:policy/{name}"))
}

/// A policy document from statements.
pub fn document(statements: Vec<Value>) -> Value {
    let mut doc = json!({ "Version": "2012-10-17" });
    doc["Statement"] = Value::Array(statements);
    doc
}

/// An inline policy for a role's `Policies` property.
pub fn inline(name: &str, statements: Vec<Value>) -> Value {
    let mut policy = json!({ "PolicyName": name });
    policy["PolicyDocument"] = document(statements);
    policy
}

/// A customer-managed KMS key with rotation, administered by the account (IAM policies grant
/// its use), plus `statements` for services that use it on the account's behalf.
pub fn kms_key(description: &str, statements: Vec<Value>) -> Resource {
    let mut policy = vec![json!({
        "Sid": "AccountAdministration",
        "Effect": "Allow",
        "Principal": { "AWS": Expr::arn("iam::${AWS::AccountId}:root") },
        "Action": "kms:*",
        "Resource": "*",
    })];
    policy.extend(statements);
    Resource::new(
        "AWS::KMS::Key",
        json!({
            "Description": description,
            "EnableKeyRotation": true,
            "KeyPolicy": document(policy),
        }),
    )
}

/// An alias naming the key with logical id `key`.
pub fn kms_alias(alias: &str, key: &str) -> Resource {
    Resource::new(
        "AWS::KMS::Alias",
        json!({ "AliasName": alias, "TargetKeyId": Expr::r(key) }),
    )
}
