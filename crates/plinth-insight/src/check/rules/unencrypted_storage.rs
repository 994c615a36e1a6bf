//! PLN106: storage without encryption at rest.

use serde_json::Value;

use crate::check::{Context, Finding, Rule, RuleInfo, declare_rule};

declare_rule! {
    /// ## What it does
    /// Flags storage that plinth synthesized without encryption at rest: S3 buckets without
    /// default encryption, Aurora clusters without `StorageEncrypted`, EBS volumes of launch
    /// templates and Karpenter node classes without `Encrypted`, SQS queues without
    /// server-side encryption, EFS file systems without `Encrypted`, and EBS StorageClasses
    /// whose volumes are not encrypted (an EFS StorageClass's volumes are directories of the
    /// file system, encrypted or not with it).
    ///
    /// ## Why is this bad?
    /// Unencrypted volumes, snapshots and objects are readable by anyone who obtains a copy
    /// (a shared snapshot, a misrouted backup), and most compliance regimes require
    /// encryption at rest. Encryption cannot be turned on in place for RDS or EBS: the data
    /// has to be copied.
    ///
    /// ## Example
    /// plinth encrypts every store it creates, so this fires only if synthesis regresses or
    /// an output is edited by hand, e.g. a launch template volume with
    /// `"Encrypted": false`.
    pub struct UnencryptedStorage {
        code: "PLN106",
        category: Security,
        severity: High,
        summary: "storage is not encrypted at rest",
    }
}

impl Rule for UnencryptedStorage {
    fn info(&self) -> RuleInfo {
        Self::INFO
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for r in cx.resources() {
            let what = match r.resource.kind {
                "AWS::S3::Bucket" if r.prop("/BucketEncryption").is_none() => {
                    Some("S3 bucket has no default encryption".to_owned())
                }
                "AWS::RDS::DBCluster"
                    if r.prop("/StorageEncrypted") != Some(&Value::Bool(true)) =>
                {
                    Some("Aurora cluster storage is not encrypted".to_owned())
                }
                "AWS::EFS::FileSystem" if r.prop("/Encrypted") != Some(&Value::Bool(true)) => {
                    Some("EFS file system is not encrypted".to_owned())
                }
                "AWS::SQS::Queue"
                    if r.prop("/SqsManagedSseEnabled") != Some(&Value::Bool(true))
                        && r.prop("/KmsMasterKeyId").is_none() =>
                {
                    Some("SQS queue has no server-side encryption".to_owned())
                }
                "AWS::EC2::LaunchTemplate" => {
                    let devices = r
                        .prop("/LaunchTemplateData/BlockDeviceMappings")
                        .and_then(Value::as_array);
                    devices
                        .into_iter()
                        .flatten()
                        .filter(|d| d.pointer("/Ebs/Encrypted") != Some(&Value::Bool(true)))
                        .map(|d| d["DeviceName"].as_str().unwrap_or("a device").to_owned())
                        .next()
                        .map(|dev| format!("launch template volume {dev} is not encrypted"))
                }
                _ => None,
            };
            if let Some(what) = what {
                out.push(
                    Self::finding(cx.origin_of_resource(&r), what)
                        .target(r.file(), r.id)
                        .help("encrypt it (plinth does by default; regenerate the output with `plinth synth`)"),
                );
            }
        }
        for o in cx.objects() {
            let what = match o.kind() {
                // `encrypted` is the EBS CSI driver's parameter.
                "StorageClass" if o.value["provisioner"] == "ebs.csi.aws.com" => (o
                    .value
                    .pointer("/parameters/encrypted")
                    .and_then(Value::as_str)
                    != Some("true"))
                .then(|| "StorageClass provisions unencrypted volumes".to_owned()),
                "EC2NodeClass" => o
                    .value
                    .pointer("/spec/blockDeviceMappings")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .find(|d| d.pointer("/ebs/encrypted") != Some(&Value::Bool(true)))
                    .map(|d| {
                        format!(
                            "node class volume {} is not encrypted",
                            d["deviceName"].as_str().unwrap_or("?")
                        )
                    }),
                _ => None,
            };
            if let Some(what) = what {
                out.push(
                    Self::finding(cx.origin_of_object(&o), what)
                        .target(o.file.path.clone(), o.target_name())
                        .help(
                            "encrypt the volumes (plinth does by default; regenerate the output)",
                        ),
                );
            }
        }
    }
}
