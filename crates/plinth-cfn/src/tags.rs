//! How each resource type takes tags.
//!
//! CloudFormation is not uniform: most types take a list of `{Key, Value}`, a few take a map,
//! launch templates tag what they launch, and some take none. The table covers every type
//! plinth emits; the test script checks it against the resource schemas cfn-lint ships.

/// The shape of a resource type's `Tags` property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagStyle {
    /// `Tags: [{Key, Value}]`.
    List,
    /// `Tags: {key: value}`.
    Map,
    /// The type has no tags.
    None,
}

/// The tag style of a resource type. Unknown types are treated as untaggable, and a test
/// fails on any type plinth emits that is missing here.
pub fn tag_style(kind: &str) -> Option<TagStyle> {
    use TagStyle::{List, Map, None};
    Some(match kind {
        "AWS::EC2::VPC"
        | "AWS::EC2::InternetGateway"
        | "AWS::EC2::Subnet"
        | "AWS::EC2::RouteTable"
        | "AWS::EC2::EIP"
        | "AWS::EC2::NatGateway"
        | "AWS::EC2::FlowLog"
        | "AWS::EC2::SecurityGroup"
        | "AWS::EC2::LaunchTemplate"
        | "AWS::Logs::LogGroup"
        | "AWS::IAM::Role"
        | "AWS::KMS::Key"
        | "AWS::EKS::Cluster"
        | "AWS::EKS::Addon"
        | "AWS::EKS::AccessEntry"
        | "AWS::EKS::PodIdentityAssociation"
        | "AWS::EKS::Capability"
        | "AWS::SQS::Queue"
        | "AWS::Events::Rule"
        | "AWS::S3::Bucket"
        | "AWS::SecretsManager::Secret"
        | "AWS::RDS::DBCluster"
        | "AWS::RDS::DBInstance"
        | "AWS::RDS::DBSubnetGroup"
        | "AWS::RDS::DBClusterParameterGroup"
        | "AWS::RDS::DBParameterGroup"
        | "AWS::ECR::Repository"
        | "AWS::CertificateManager::Certificate"
        | "AWS::SNS::Topic"
        | "AWS::EC2::Instance" => List,
        "AWS::EKS::Nodegroup" | "AWS::MSK::ServerlessCluster" | "AWS::SSM::Parameter" => Map,
        "AWS::EC2::VPCGatewayAttachment"
        | "AWS::EC2::Route"
        | "AWS::EC2::SubnetRouteTableAssociation"
        | "AWS::EC2::SecurityGroupIngress"
        | "AWS::EC2::SecurityGroupEgress"
        | "AWS::IAM::Policy"
        | "AWS::IAM::ManagedPolicy"
        | "AWS::KMS::Alias"
        | "AWS::SQS::QueuePolicy"
        | "AWS::S3::BucketPolicy"
        | "AWS::SecretsManager::SecretTargetAttachment"
        | "AWS::SNS::Subscription"
        | "AWS::SNS::TopicPolicy"
        | "AWS::IAM::InstanceProfile"
        | "AWS::Backup::BackupSelection"
        | "AWS::EFS::MountTarget"
        // Tagged through `HostedZoneTags`, `BackupVaultTags`, `BackupPlanTags` and
        // `FileSystemTags`, which their stacks set themselves.
        | "AWS::EFS::FileSystem"
        | "AWS::Route53::HostedZone"
        | "AWS::Backup::BackupVault"
        | "AWS::Backup::BackupPlan" => None,
        _ => return Option::None,
    })
}
