//! Environments change exactly what their overlays say: the assemblies of two environments of
//! one spec, with each environment's identity (id, stack prefix, environment name) replaced by
//! placeholders, differ only where the overlays differ.

use std::collections::{BTreeMap, BTreeSet};

use plinth_synth::{Assembly, synth};
use serde_json::Value;

const SPEC: &str = include_str!("../../../tests/specs/valid/environments.yaml");
const WEB_SERVICES: &str = include_str!("../../../examples/web-services/plinth.yaml");

/// Every leaf of an environment's assembly by path, with its identity made generic. Templates
/// are keyed `stack:/Resources/Id/…`, Kubernetes objects `path:Kind/name/…`.
fn leaves(spec: &str, environment: &str) -> BTreeMap<String, Value> {
    let loaded = plinth_spec::load_environment(spec, Some(environment));
    let platform = loaded
        .platform
        .unwrap_or_else(|| panic!("{environment} is invalid: {:#?}", loaded.diagnostics));
    let identity = Identity {
        platform: platform.names.platform().to_owned(),
        id: platform.names.id().to_owned(),
        environment: platform.metadata.environment.clone(),
        alias: platform.metadata.alias.clone(),
        part_of: format!(
            "{}.{}.{}",
            platform.metadata.organization, platform.metadata.name, platform.metadata.alias
        ),
    };
    let assembly: Assembly = synth(&platform);
    let mut out = BTreeMap::new();
    for stack in &assembly.stacks {
        let template = serde_json::to_value(&stack.template).unwrap();
        flatten(
            &template,
            &format!("{}:", stack.kind.as_str()),
            &identity,
            &mut out,
        );
    }
    for file in &assembly.kubernetes {
        for o in file.kube_objects() {
            let key = format!(
                "{}:{}/{}",
                file.path,
                o["kind"].as_str().unwrap_or_default(),
                identity.generic(o["metadata"]["name"].as_str().unwrap_or_default())
            );
            flatten(o, &key, &identity, &mut out);
        }
    }
    let manifest = serde_json::to_value(&assembly.manifest).unwrap();
    flatten(&manifest, "synth.json:", &identity, &mut out);
    out
}

struct Identity {
    platform: String,
    id: String,
    environment: String,
    alias: String,
    /// The `{domain}:part-of` tag value.
    part_of: String,
}

impl Identity {
    fn generic(&self, s: &str) -> String {
        // Load balancer tags are written `key=value,key=value`.
        if s.contains('=') && !s.contains(['{', ' ', '/']) {
            return s
                .split(',')
                .map(|pair| match pair.split_once('=') {
                    Some((k, v)) => format!("{k}={}", self.generic(v)),
                    None => pair.to_owned(),
                })
                .collect::<Vec<_>>()
                .join(",");
        }
        let s = s
            .replace(&self.part_of, "{part-of}")
            .replace(&self.platform, "{platform}")
            .replace(&self.id, "{id}");
        if s == self.environment || s == self.alias {
            "{environment}".to_owned()
        } else {
            s
        }
    }
}

fn flatten(v: &Value, path: &str, identity: &Identity, out: &mut BTreeMap<String, Value>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                flatten(
                    child,
                    &format!("{path}/{}", identity.generic(k)),
                    identity,
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                flatten(child, &format!("{path}/{i}"), identity, out);
            }
        }
        Value::String(s) => {
            out.insert(path.to_owned(), Value::from(identity.generic(s)));
        }
        other => {
            out.insert(path.to_owned(), other.clone());
        }
    }
}

/// Paths whose values differ between two environments, or that only one of them has.
fn differences(spec: &str, a: &str, b: &str) -> BTreeSet<String> {
    let (a, b) = (leaves(spec, a), leaves(spec, b));
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// The CloudFormation resources (`stack:LogicalId`) a set of differences touches.
fn resources(diffs: &BTreeSet<String>) -> BTreeSet<String> {
    diffs
        .iter()
        .filter_map(|p| {
            let (stack, rest) = p.split_once(":/Resources/")?;
            Some(format!("{stack}:{}", rest.split('/').next()?))
        })
        .collect()
}

/// The Kubernetes objects (`file:Kind/name`) a set of differences touches.
fn kubernetes_objects(diffs: &BTreeSet<String>) -> BTreeSet<String> {
    diffs
        .iter()
        .filter(|p| p.starts_with("kubernetes/"))
        .filter_map(|p| {
            let (file, rest) = p.split_once(':')?;
            let mut parts = rest.splitn(3, '/');
            Some(format!("{file}:{}/{}", parts.next()?, parts.next()?))
        })
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn an_identity_only_overlay_changes_nothing_but_the_identity() {
    // staging's overlay sets only metadata.id and metadata.alias; the base's node group is
    // dev's but for its sizes.
    let diffs = differences(SPEC, "staging", "dev");
    let expected: BTreeSet<String> = ["MinSize", "DesiredSize", "MaxSize"]
        .iter()
        .map(|f| format!("cluster:/Resources/NodegroupSystem/Properties/ScalingConfig/{f}"))
        .collect();
    assert_eq!(diffs, expected);
}

#[test]
fn prod_differs_from_staging_where_its_overlay_says() {
    let diffs = differences(SPEC, "staging", "prod");
    // NAT gateways 1 → 3: two more gateways with their addresses, and the private routes of
    // the second and third zones move to their own zone's gateway.
    // The system node group resized, and a batch node group with its launch template.
    let expected: BTreeSet<String> = [
        "network:NatGatewayUsEast1b",
        "network:NatEipUsEast1b",
        "network:NatGatewayUsEast1c",
        "network:NatEipUsEast1c",
        "network:PrivateRouteTableUsEast1bDefaultRoute",
        "network:PrivateRouteTableUsEast1cDefaultRoute",
        "cluster:NodegroupSystem",
        "cluster:NodegroupBatch",
        "cluster:LaunchTemplateBatch",
        // CoreDNS waits for every node group.
        "cluster:AddonCoredns",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(resources(&diffs), expected, "{diffs:#?}");
    let system: BTreeSet<&String> = diffs
        .iter()
        .filter(|p| p.starts_with("cluster:/Resources/NodegroupSystem/"))
        .collect();
    assert_eq!(
        system.len(),
        3,
        "only the system group's sizes change: {system:#?}"
    );
    // Outside the templates' resources: the resource counts in synth.json, and nothing in
    // the Kubernetes output.
    let elsewhere: BTreeSet<&String> = diffs
        .iter()
        .filter(|p| !p.contains(":/Resources/"))
        .collect();
    assert!(
        elsewhere.iter().all(|p| p.starts_with("synth.json:")),
        "{elsewhere:#?}"
    );
}

#[test]
fn the_web_services_environments_differ_where_their_overlays_say() {
    // dev: a public endpoint, a smaller system group, its own host served by ingress-nginx
    // with a Let's Encrypt certificate (so cert-manager's DNS-01 role and issuers instead of
    // an ACM certificate), fewer frontend pods and one pod of each backend.
    let diffs = differences(WEB_SERVICES, "staging", "dev");
    assert_eq!(
        resources(&diffs),
        set(&[
            "cluster:Cluster",
            "cluster:NodegroupSystem",
            "services:CertManagerDns01PodIdentity",
            "services:CertManagerDns01Role",
            "services:CertificateFrontend",
        ]),
        "{diffs:#?}"
    );
    let cluster: BTreeSet<&String> = diffs
        .iter()
        .filter(|p| p.starts_with("cluster:/Resources/Cluster/"))
        .collect();
    assert!(
        cluster
            .iter()
            .all(|p| p.contains("/ResourcesVpcConfig/EndpointP")),
        "only the endpoint access of the cluster changes: {cluster:#?}"
    );
    let w = "kubernetes/40-workloads";
    assert_eq!(
        kubernetes_objects(&diffs),
        set(&[
            // ingress-nginx's chart repository is a source of the platform project.
            "kubernetes/10-foundation/argocd.yaml:AppProject/platform",
            "kubernetes/10-foundation/namespaces.yaml:Namespace/ingress-nginx",
            "kubernetes/20-addons/applications.yaml:Application/ingress-nginx",
            &format!("{w}/cert-manager-issuers.yaml:ClusterIssuer/letsencrypt-dns01"),
            &format!("{w}/cert-manager-issuers.yaml:ClusterIssuer/letsencrypt-http01"),
            &format!("{w}/services-network.yaml:NetworkPolicy/acme-http01-solver"),
            &format!("{w}/service-frontend.yaml:Ingress/frontend"),
            &format!("{w}/service-frontend.yaml:NetworkPolicy/frontend"),
            &format!("{w}/service-frontend.yaml:HorizontalPodAutoscaler/frontend"),
            &format!("{w}/service-backend-app.yaml:Deployment/backend-app"),
            &format!("{w}/service-backend-service.yaml:Deployment/backend-service"),
        ]),
        "{diffs:#?}"
    );
    for (object, field) in [
        ("Deployment/backend-app", "/spec/replicas"),
        ("Deployment/backend-service", "/spec/replicas"),
        ("HorizontalPodAutoscaler/frontend", "/spec/minReplicas"),
        ("HorizontalPodAutoscaler/frontend", "/spec/maxReplicas"),
        ("Ingress/frontend", "/spec/ingressClassName"),
    ] {
        assert!(
            diffs
                .iter()
                .any(|p| p.ends_with(&format!("{object}{field}"))),
            "{object}{field} should differ: {diffs:#?}"
        );
    }
    assert!(
        diffs
            .iter()
            .filter(|p| p.contains(":Deployment/"))
            .all(|p| p.ends_with("/spec/replicas")),
        "only the backends' replica counts change in their Deployments: {diffs:#?}"
    );

    // prod: three NAT gateways, a larger system group, bigger frontend pods, more of every
    // service, the base's host where staging has its own, and backups and a bastion (the
    // operations stack; the StorageClass tags its volumes for the backup plan).
    let diffs = differences(WEB_SERVICES, "staging", "prod");
    let operations: BTreeSet<String> = resources(&diffs)
        .into_iter()
        .filter(|r| r.starts_with("operations:"))
        .collect();
    assert!(
        [
            "operations:BackupPlan",
            "operations:BackupSelection",
            "operations:Bastion",
            "operations:BastionClusterIngress",
        ]
        .iter()
        .all(|r| operations.contains(*r)),
        "{operations:#?}"
    );
    let services: BTreeSet<String> = resources(&diffs)
        .into_iter()
        .filter(|r| r.starts_with("services:"))
        .collect();
    assert_eq!(
        services,
        set(&["services:CertificateFrontend"]),
        "{diffs:#?}"
    );
    assert!(
        resources(&diffs).contains("network:NatGatewayUsEast1c"),
        "{diffs:#?}"
    );
    assert_eq!(
        kubernetes_objects(&diffs),
        set(&[
            "kubernetes/10-foundation/storage.yaml:StorageClass/gp3-encrypted",
            &format!("{w}/service-frontend.yaml:Deployment/frontend"),
            &format!("{w}/service-frontend.yaml:HorizontalPodAutoscaler/frontend"),
            &format!("{w}/service-frontend.yaml:Ingress/frontend"),
            &format!("{w}/service-backend-app.yaml:Deployment/backend-app"),
            &format!("{w}/service-backend-service.yaml:Deployment/backend-service"),
        ]),
        "{diffs:#?}"
    );
}

#[test]
fn every_environment_has_a_platform_only_when_all_of_them_load() {
    let each = plinth_spec::load_each(WEB_SERVICES).expect("the example has environments");
    let names: Vec<&str> = each
        .platforms()
        .expect("every environment of the example loads")
        .iter()
        .map(|(name, platform)| {
            assert_eq!(platform.metadata.environment, *name);
            *name
        })
        .collect();
    assert_eq!(names, ["dev", "prod", "staging"]);

    // dev's node group cannot have more nodes than its maximum: dev has no platform, so
    // neither does the set.
    let broken = WEB_SERVICES.replace(
        "{name: system, minSize: 1, desiredSize: 1, maxSize: 3}",
        "{name: system, minSize: 1, desiredSize: 5, maxSize: 3}",
    );
    assert_ne!(broken, WEB_SERVICES);
    let each = plinth_spec::load_each(&broken).unwrap();
    assert!(each.has_errors());
    assert!(each.platforms().is_none());
}
