//! The bootstrap stack: what deploy itself needs in the account before the platform's stacks,
//! today one private bucket for templates over CloudFormation's inline size limit. Pure.
//!
//! CloudFormation accepts at most 51,200 bytes of `TemplateBody`; larger templates must be
//! read from S3 through `TemplateURL` (up to 1 MB). The cluster stack is larger than that.
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html>

use plinth_cfn::{Expr, Resource, Template};
use serde_json::json;

/// Largest template CloudFormation takes inline, in bytes.
pub const INLINE_TEMPLATE_LIMIT: usize = 51_200;

/// The output naming the templates bucket.
pub const BUCKET_OUTPUT: &str = "TemplatesBucketName";

/// Days a template stays in the bucket. CloudFormation copies a template when a change set is
/// made, so the object is only needed for that call; a month leaves room to inspect it.
const TEMPLATE_RETENTION_DAYS: u32 = 30;

/// The bootstrap stack's name for a platform.
pub fn stack_name(platform: &str) -> String {
    format!("{platform}-bootstrap")
}

/// The bootstrap stack's template.
pub fn template(platform: &str) -> Template {
    let mut t = Template::new(format!(
        "plinth bootstrap for {platform}: a private bucket for templates over the inline limit"
    ));
    let bucket = t.add(
        "TemplatesBucket",
        Resource::new(
            "AWS::S3::Bucket",
            json!({
                "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": true}
                ]},
                "PublicAccessBlockConfiguration": {
                    "BlockPublicAcls": true, "BlockPublicPolicy": true,
                    "IgnorePublicAcls": true, "RestrictPublicBuckets": true
                },
                "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                "LifecycleConfiguration": {"Rules": [{
                    "Id": "expire-templates",
                    "Status": "Enabled",
                    "ExpirationInDays": TEMPLATE_RETENTION_DAYS,
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}
                }]},
                "Tags": [
                    {"Key": "plinth:platform", "Value": platform},
                    {"Key": "plinth:purpose", "Value": "templates"}
                ]
            }),
        ),
    );
    t.add(
        "TemplatesBucketPolicy",
        Resource::new(
            "AWS::S3::BucketPolicy",
            json!({
                "Bucket": Expr::r(&bucket),
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [
                            Expr::att(&bucket, "Arn"),
                            Expr::sub(format!("${{{bucket}.Arn}}/*"))
                        ],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
                    }]
                }
            }),
        ),
    );
    t.output(
        BUCKET_OUTPUT,
        "Bucket for templates over the inline limit",
        Expr::r(&bucket),
        None,
    );
    t
}

/// The S3 key a template is uploaded under: by stack and content, so a plan's template is
/// never overwritten by a later one.
pub fn template_key(stack: &str, sha256: &str) -> String {
    format!("templates/{stack}/{sha256}.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_is_private_encrypted_and_tls_only() {
        let t: serde_json::Value = serde_json::from_str(&template("acme-data").to_json()).unwrap();
        let bucket = &t["Resources"]["TemplatesBucket"]["Properties"];
        assert_eq!(
            bucket["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"],
            true
        );
        assert_eq!(
            bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
                ["SSEAlgorithm"],
            "AES256"
        );
        let statement = &t["Resources"]["TemplatesBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
            [0];
        assert_eq!(statement["Effect"], "Deny");
        assert_eq!(
            statement["Condition"]["Bool"]["aws:SecureTransport"],
            "false"
        );
        assert_eq!(
            template_key("acme-data-cluster", "ab12"),
            "templates/acme-data-cluster/ab12.json"
        );
    }
}
