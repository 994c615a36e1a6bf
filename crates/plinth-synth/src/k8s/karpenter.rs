//! Karpenter wave: EC2NodeClasses (Bottlerocket, discovered subnets and security groups,
//! encrypted volumes, IMDSv2) and NodePools — a general pool, and one per Druid component with
//! the instance families, capacity types and consolidation of the reference platform.

use std::collections::BTreeMap;

use plinth_spec::Platform;
use serde_json::{Value, json};

use super::druid::{COMPONENTS, Component};
use super::labels::labels;
use super::{ManifestFile, Wave};

/// The node class every pool uses unless it is a Druid pool.
pub const DEFAULT_CLASS: &str = "default";
/// The node class of Druid pools: adds the Druid clients security group and RAID-0 instance
/// store for the segment cache.
pub const DRUID_CLASS: &str = "druid";
/// The pool for everything that is not Druid.
pub const GENERAL_POOL: &str = "general";

/// The NodePool a Druid component schedules onto.
pub fn druid_pool(component: &str) -> String {
    format!("druid-{component}")
}

/// The taint key that keeps other pods off Druid nodes.
pub fn druid_taint_key(p: &Platform) -> String {
    format!("{}/druid", p.metadata.domain)
}

pub fn files(p: &Platform) -> Vec<ManifestFile> {
    if p.cluster.karpenter.is_none() {
        return Vec::new();
    }
    let mut classes = vec![node_class(p, DEFAULT_CLASS, None)];
    let mut pools = vec![pool(
        p,
        GENERAL_POOL,
        DEFAULT_CLASS,
        &["m6i", "m7i", "c6i", "c7i", "r6i", "r7i"],
        &["spot", "on-demand"],
        ("WhenEmptyOrUnderutilized", "1m"),
        None,
    )];
    if let Some(druid) = &p.druid {
        let clients = p.names.druid("clients");
        classes.push(node_class(p, DRUID_CLASS, clients.as_deref()));
        for c in COMPONENTS {
            pools.push(druid_node_pool(p, c, &druid.release));
        }
    }
    vec![
        ManifestFile::objects(Wave::Karpenter, "nodeclasses", classes),
        ManifestFile::objects(Wave::Karpenter, "nodepools", pools),
    ]
}

fn aws_tags(p: &Platform) -> BTreeMap<String, String> {
    let m = &p.metadata;
    let d = &m.domain;
    let mut tags: BTreeMap<String, String> = m.tags.clone();
    for (k, v) in [
        ("billing", m.organization.as_str()),
        ("managed-by", "plinth"),
        ("environment", m.environment.as_str()),
        (
            "part-of",
            &format!("{}.{}.{}", m.organization, m.name, m.alias),
        ),
        ("component", "karpenter"),
    ] {
        tags.insert(format!("{d}:{k}"), v.to_owned());
    }
    tags
}

fn node_class(p: &Platform, name: &str, extra_security_group: Option<&str>) -> Value {
    let key = super::ebs_key_alias_arn(p);
    let volume = |device: &str, size: &str| {
        json!({
            "deviceName": device,
            "ebs": { "volumeSize": size, "volumeType": "gp3", "encrypted": true, "kmsKeyID": key, "deleteOnTermination": true },
        })
    };
    // EKS tags the security group it creates for the cluster with aws:eks:cluster-name; that
    // group lets nodes reach the control plane and each other.
    let mut security_groups =
        vec![json!({ "tags": { "aws:eks:cluster-name": p.names.cluster() } })];
    if let Some(sg) = extra_security_group {
        security_groups.push(json!({ "name": sg }));
    }
    let mut spec = json!({
        "amiSelectorTerms": [{ "alias": "bottlerocket@latest" }],
        "role": p.names.cluster_role("karpenter-node"),
        "subnetSelectorTerms": [{ "tags": { "karpenter.sh/discovery": p.names.vpc() } }],
        "securityGroupSelectorTerms": security_groups,
        "metadataOptions": { "httpEndpoint": "enabled", "httpProtocolIPv6": "disabled", "httpPutResponseHopLimit": 2, "httpTokens": "required" },
        "blockDeviceMappings": [volume("/dev/xvda", "4Gi"), volume("/dev/xvdb", "80Gi")],
        "tags": aws_tags(p),
    });
    if extra_security_group.is_some() {
        spec["instanceStorePolicy"] = json!("RAID0");
    }
    json!({
        "apiVersion": "karpenter.k8s.aws/v1",
        "kind": "EC2NodeClass",
        "metadata": { "name": name, "labels": labels(p, "karpenter", "node-class") },
        "spec": spec,
    })
}

fn pool(
    p: &Platform,
    name: &str,
    class: &str,
    families: &[&str],
    capacity: &[&str],
    (policy, after): (&str, &str),
    taint: Option<Value>,
) -> Value {
    let mut node_labels = BTreeMap::new();
    node_labels.insert(format!("{}/pool", p.metadata.domain), name.to_owned());
    let mut template_spec = json!({
        "nodeClassRef": { "group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": class },
        "requirements": [
            { "key": "karpenter.k8s.aws/instance-family", "operator": "In", "values": families },
            { "key": "karpenter.sh/capacity-type", "operator": "In", "values": capacity },
            { "key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"] },
            { "key": "kubernetes.io/os", "operator": "In", "values": ["linux"] },
        ],
        "expireAfter": "720h",
    });
    if let Some(t) = taint {
        template_spec["taints"] = json!([t]);
    }
    json!({
        "apiVersion": "karpenter.sh/v1",
        "kind": "NodePool",
        "metadata": { "name": name, "labels": labels(p, "karpenter", "node-pool") },
        "spec": {
            "template": { "metadata": { "labels": node_labels }, "spec": template_spec },
            "disruption": { "consolidationPolicy": policy, "consolidateAfter": after, "budgets": [{ "nodes": "10%" }] },
            "limits": { "cpu": "256", "memory": "1024Gi" },
        },
    })
}

fn druid_node_pool(p: &Platform, c: &Component, _release: &str) -> Value {
    let taint = json!({ "key": druid_taint_key(p), "value": c.name, "effect": "NoSchedule" });
    pool(
        p,
        &druid_pool(c.name),
        DRUID_CLASS,
        c.families,
        c.capacity,
        ("WhenEmpty", c.consolidate_after),
        Some(taint),
    )
}
