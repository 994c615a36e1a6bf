//! Backups across both layers: the backup plan selects by one tag, and the resources that hold
//! data — Druid's metadata database in the data stack and the volumes of the default
//! StorageClass — carry exactly that tag. Run on the reference Druid spec with a backup
//! section added, so the database path is exercised too.

use plinth_spec::model::StackKind;
use plinth_synth::k8s::Content;
use plinth_synth::{Assembly, synth};

const DRUID: &str = include_str!("../../../examples/druid-lean/plinth.yaml");

fn assembly(backup: &str) -> Assembly {
    let spec = format!("{DRUID}\n{backup}");
    let loaded = plinth_spec::load_environment(&spec, None);
    let platform = loaded
        .platform
        .unwrap_or_else(|| panic!("invalid: {:#?}", loaded.diagnostics));
    synth(&platform)
}

fn resource<'a>(a: &'a Assembly, kind: StackKind, id: &str) -> Option<&'a plinth_cfn::Resource> {
    a.stacks
        .iter()
        .find(|s| s.kind == kind)
        .and_then(|s| s.template.resources.get(id))
}

/// `(key, value)` the backup selection asks for.
fn selected_tag(a: &Assembly) -> (String, String) {
    let selection =
        resource(a, StackKind::Operations, "BackupSelection").expect("a backup selection");
    let condition = &selection.properties["BackupSelection"]["ListOfTags"][0];
    assert_eq!(condition["ConditionType"], "STRINGEQUALS");
    (
        condition["ConditionKey"].as_str().unwrap().to_owned(),
        condition["ConditionValue"].as_str().unwrap().to_owned(),
    )
}

fn storage_class_tags(a: &Assembly) -> Vec<String> {
    a.kubernetes
        .iter()
        .filter_map(|f| match &f.content {
            Content::Objects(objects) => Some(objects),
            Content::Values(_) => None,
        })
        .flatten()
        .filter(|o| o["kind"] == "StorageClass")
        .flat_map(|o| {
            o["parameters"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| k.starts_with("tagSpecification_"))
                .map(|(_, v)| v.as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn the_backup_selection_names_the_tag_the_database_and_volumes_carry() {
    let a = assembly(
        "backup: {schedule: \"cron(0 3 * * ? *)\", retentionDays: 120, coldStorageAfterDays: 30}",
    );
    let (key, value) = selected_tag(&a);
    let cluster = resource(&a, StackKind::Data, "MetadataCluster").expect("the metadata cluster");
    let tags = cluster.properties["Tags"].as_array().unwrap();
    assert!(
        tags.iter()
            .any(|t| t["Key"] == key.as_str() && t["Value"] == value.as_str()),
        "the metadata cluster lacks {key}={value}: {tags:#?}"
    );
    assert_eq!(storage_class_tags(&a), vec![format!("{key}={value}")]);

    let plan = resource(&a, StackKind::Operations, "BackupPlan").unwrap();
    let rule = &plan.properties["BackupPlan"]["BackupPlanRule"][0];
    assert_eq!(rule["ScheduleExpression"], "cron(0 3 * * ? *)");
    assert_eq!(rule["Lifecycle"]["DeleteAfterDays"], 120);
    assert_eq!(rule["Lifecycle"]["MoveToColdStorageAfterDays"], 30);
    assert!(rule.get("CopyActions").is_none());
}

#[test]
fn without_backup_nothing_is_tagged_and_there_is_no_operations_stack() {
    let a = assembly("");
    assert!(a.stacks.iter().all(|s| s.kind != StackKind::Operations));
    assert!(storage_class_tags(&a).is_empty());
    let cluster = resource(&a, StackKind::Data, "MetadataCluster").unwrap();
    let tagged = cluster.properties["Tags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["Key"].as_str().is_some_and(|k| k.ends_with(":backup")));
    assert!(!tagged);
}

#[test]
fn the_bastion_is_reachable_only_through_session_manager() {
    let spec = DRUID.replace(
        "  access:\n",
        "  access:\n    bastion: {instanceType: t3.micro}\n",
    );
    assert_ne!(spec, DRUID, "the reference spec has cluster.access");
    let platform = plinth_spec::load_environment(&spec, None)
        .platform
        .expect("valid");
    let a = synth(&platform);
    let instance = resource(&a, StackKind::Operations, "Bastion").expect("a bastion");
    let p = &instance.properties;
    assert!(p.get("KeyName").is_none());
    assert_eq!(p["MetadataOptions"]["HttpTokens"], "required");
    assert_eq!(p["BlockDeviceMappings"][0]["Ebs"]["Encrypted"], true);
    assert!(
        p["ImageId"]
            .as_str()
            .unwrap()
            .ends_with("al2023-ami-kernel-default-x86_64}}"),
        "t3 is x86_64: {}",
        p["ImageId"]
    );
    let group = resource(&a, StackKind::Operations, "BastionSecurityGroup").unwrap();
    assert!(group.properties.get("SecurityGroupIngress").is_none());
    let ingress = resource(&a, StackKind::Operations, "BastionClusterIngress").unwrap();
    assert_eq!(ingress.properties["FromPort"], 443);
    assert_eq!(
        ingress.properties["SourceSecurityGroupId"],
        plinth_cfn::Expr::att("BastionSecurityGroup", "GroupId")
    );
}
