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

/// A key policy statement letting any principal of the account use the key through one AWS
/// service only (`kms:ViaService`), as AWS's managed keys for EBS and EFS do; the service
/// names the key in its own calls, so principals need no key permission of their own.
pub fn use_through_service(sid: &str, service: &str) -> Value {
    json!({
        "Sid": sid,
        "Effect": "Allow",
        "Principal": { "AWS": "*" },
        "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"],
        "Resource": "*",
        "Condition": {
            "StringEquals": {
                "kms:CallerAccount": Expr::sub("${AWS::AccountId}"),
                "kms:ViaService": Expr::sub(format!("{service}.${{AWS::Region}}.amazonaws.com")),
            },
        },
    })
}

/// An alias naming the key with logical id `key`.
pub fn kms_alias(alias: &str, key: &str) -> Resource {
    Resource::new(
        "AWS::KMS::Alias",
        json!({ "AliasName": alias, "TargetKeyId": Expr::r(key) }),
    )
}
