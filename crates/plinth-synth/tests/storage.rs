//! The shared EFS file system across both layers: the data stack's file system, mount targets
//! and security group, and the StorageClass that names the file system by a deploy-time value
//! the data stack exports. Run on the lean Druid example with `storage.efs` added, and on the
//! web-services example for GitOps.

use plinth_spec::model::StackKind;
use plinth_synth::gitops::FileRole;
use plinth_synth::k8s::{OUTPUT_TOKEN_OPEN, Wave, stack_output};
use plinth_synth::{Assembly, synth};
use serde_json::Value;

const DRUID: &str = include_str!("../../../examples/druid-lean/plinth.yaml");
const WEB: &str = include_str!("../../../examples/web-services/plinth.yaml");
const ADDON: &str = "    eks-pod-identity-agent: v1.3.9-eksbuild.3\n";

fn with_efs(spec: &str, extra: &str) -> String {
    let spec = spec.replacen(
        ADDON,
        &format!("{ADDON}    aws-efs-csi-driver: v3.3.0-eksbuild.1\n"),
        1,
    );
    assert!(spec.contains("aws-efs-csi-driver"), "the addon went in");
    // Top-level sections go before `environments:` where a spec has one.
    let section = format!("storage:\n  efs: {{transitionToIaDays: 90}}\n{extra}\n");
    match spec.find("\nenvironments:") {
        Some(at) => format!("{}\n{section}{}", &spec[..at], &spec[at..]),
        None => format!("{spec}\n{section}"),
    }
}

fn load(spec: &str, environment: Option<&str>) -> (plinth_spec::Platform, Assembly) {
    let loaded = plinth_spec::load_environment(spec, environment);
    let platform = loaded
        .platform
        .unwrap_or_else(|| panic!("invalid: {:#?}", loaded.diagnostics));
    let a = synth(&platform);
    (platform, a)
}

fn data(a: &Assembly) -> &plinth_cfn::Template {
    &a.stacks
        .iter()
        .find(|s| s.kind == StackKind::Data)
        .expect("a data stack")
        .template
}

fn of_type<'a>(t: &'a plinth_cfn::Template, kind: &str) -> Vec<(&'a String, &'a Value)> {
    t.resources
        .iter()
        .filter(|(_, r)| r.kind == kind)
        .map(|(id, r)| (id, &r.properties))
        .collect()
}

fn efs_class(a: &Assembly) -> &Value {
    a.kubernetes
        .iter()
        .flat_map(plinth_synth::k8s::ManifestFile::kube_objects)
        .find(|o| o["kind"] == "StorageClass" && o["metadata"]["name"] == "efs")
        .expect("the StorageClass efs")
}

#[test]
fn the_file_system_is_encrypted_and_reached_only_from_the_cluster_in_every_zone() {
    let (p, a) = load(&with_efs(DRUID, ""), None);
    let t = data(&a);
    let fs = of_type(t, "AWS::EFS::FileSystem");
    assert_eq!(fs.len(), 1);
    let (fs_id, props) = fs[0];
    assert_eq!(props["Encrypted"], true);
    assert_eq!(props["KmsKeyId"]["Fn::GetAtt"][0], "EfsKey");
    assert_eq!(
        props["LifecyclePolicies"][0]["TransitionToIA"],
        "AFTER_90_DAYS"
    );
    assert_eq!(props["ThroughputMode"], "elastic");
    let policy = props["FileSystemPolicy"]["Statement"].as_array().unwrap();
    assert!(
        policy
            .iter()
            .any(|s| s["Effect"] == "Deny"
                && s["Condition"]["Bool"]["aws:SecureTransport"] == "false")
    );

    let targets = of_type(t, "AWS::EFS::MountTarget");
    assert_eq!(targets.len(), p.network.zones.len());
    let mut subnets: Vec<String> = targets
        .iter()
        .map(|(_, m)| {
            assert_eq!(m["FileSystemId"]["Ref"], fs_id.as_str());
            let select = &m["SubnetId"]["Fn::Select"];
            assert_eq!(
                select[1]["Fn::Split"][1]["Fn::ImportValue"],
                p.names.export("PrivateSubnetIds")
            );
            select[0].as_str().unwrap().to_owned()
        })
        .collect();
    subnets.sort();
    subnets.dedup();
    assert_eq!(
        subnets.len(),
        p.network.zones.len(),
        "one target per subnet"
    );

    let ingress = of_type(t, "AWS::EC2::SecurityGroupIngress")
        .into_iter()
        .filter(|(_, i)| i["GroupId"]["Fn::GetAtt"][0] == "EfsSecurityGroup")
        .map(|(_, i)| i)
        .collect::<Vec<_>>();
    assert_eq!(ingress.len(), 1, "NFS from the cluster, nothing else");
    assert_eq!(ingress[0]["FromPort"], 2049);
    assert_eq!(ingress[0]["ToPort"], 2049);
    assert_eq!(
        ingress[0]["SourceSecurityGroupId"]["Fn::ImportValue"],
        p.names.export("EksClusterSecurityGroupId")
    );
}

#[test]
fn the_storage_class_names_the_file_system_by_an_output_the_data_stack_exports() {
    let (_, a) = load(&with_efs(DRUID, ""), None);
    let class = efs_class(&a);
    assert_eq!(class["provisioner"], "efs.csi.aws.com");
    assert_eq!(class["parameters"]["provisioningMode"], "efs-ap");
    assert_eq!(class["parameters"]["directoryPerms"], "700");
    let token = class["parameters"]["fileSystemId"].as_str().unwrap();
    let output = token
        .strip_prefix(&format!("{OUTPUT_TOKEN_OPEN}data:"))
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or_else(|| panic!("`{token}` is not a data stack output token"));
    assert_eq!(token, stack_output(StackKind::Data, output));
    let exported = &data(&a).outputs[output].value;
    assert_eq!(exported["Ref"], "EfsFileSystem");
    // synth.json lists the file and its token for the deploy.
    let listed = &a.manifest.deploy_time_values;
    assert_eq!(listed.len(), 1);
    let (path, tokens) = listed.iter().next().unwrap();
    assert!(path.starts_with("kubernetes/10-foundation/"), "{path}");
    assert!(tokens.contains(token));
}

#[test]
fn with_backup_the_file_system_carries_the_backup_tag_and_efs_backups_stay_off() {
    for backup in [false, true] {
        let extra = if backup {
            "backup: {schedule: \"0 3 * * ? *\", retentionDays: 35}"
        } else {
            ""
        };
        let (_, a) = load(&with_efs(DRUID, extra), None);
        let (_, props) = of_type(data(&a), "AWS::EFS::FileSystem")[0];
        assert_eq!(props["BackupPolicy"]["Status"], "DISABLED");
        let tagged = props["FileSystemTags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["Key"].as_str().is_some_and(|k| k.ends_with(":backup")));
        assert_eq!(tagged, backup);
    }
}

#[test]
fn without_efs_there_is_no_file_system_and_no_deploy_time_value() {
    let (_, a) = load(DRUID, None);
    assert!(of_type(data(&a), "AWS::EFS::FileSystem").is_empty());
    assert!(a.manifest.deploy_time_values.is_empty());
}

/// Argo CD cannot fill in a deploy-time value, so the file holding one is part of the
/// bootstrap plinth applies, in the foundation wave, and nothing Argo CD delivers holds one.
#[test]
fn with_gitops_plinth_applies_the_storage_class_itself() {
    let (p, a) = load(&with_efs(WEB, ""), Some("dev"));
    let layout = plinth_synth::gitops::layout(&p, &a.kubernetes).expect("gitops");
    let boot = layout
        .files
        .iter()
        .find(|f| f.path == "bootstrap/efs.yaml")
        .expect("bootstrap/efs.yaml");
    assert_eq!(boot.role, FileRole::Bootstrap);
    assert!(boot.to_yaml().contains(OUTPUT_TOKEN_OPEN));
    assert!(
        layout
            .files
            .iter()
            .filter(|f| f.role != FileRole::Bootstrap)
            .all(|f| !f.to_yaml().contains(OUTPUT_TOKEN_OPEN))
    );
    let handover = layout.handover();
    let efs = handover
        .iter()
        .find(|f| f.to_yaml().contains(OUTPUT_TOKEN_OPEN))
        .expect("the handover applies it");
    assert_eq!(efs.wave, Wave::Foundation);
}
