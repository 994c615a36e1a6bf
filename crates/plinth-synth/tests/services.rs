//! Application services across both layers: every name a manifest uses for something the
//! services stack creates (repository, role binding, zone, certificate) is the name that stack
//! gives it, and network policies admit exactly the callers the spec names. Run over every
//! environment of every example with services.

use std::collections::BTreeSet;
use std::path::PathBuf;

use plinth_spec::Platform;
use plinth_spec::model::StackKind;
use plinth_synth::{Assembly, synth};
use serde_json::Value;

/// Every (example-environment, platform, assembly) whose platform has services.
fn examples() -> Vec<(String, Platform, Assembly)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("plinth.yaml").exists())
        .collect();
    entries.sort();
    let mut out = Vec::new();
    for path in entries {
        let text = std::fs::read_to_string(path.join("plinth.yaml")).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let environments = plinth_spec::environment_names(&text);
        let runs: Vec<Option<&str>> = if environments.is_empty() {
            vec![None]
        } else {
            environments.iter().map(|e| Some(e.as_str())).collect()
        };
        for env in runs {
            let platform = plinth_spec::load_environment(&text, env)
                .platform
                .expect("examples are valid");
            if platform.services.is_empty() {
                continue;
            }
            let assembly = synth(&platform);
            out.push((
                format!("{name}-{}", env.unwrap_or("base")),
                platform,
                assembly,
            ));
        }
    }
    assert!(
        out.len() >= 3,
        "expected the web-services example in three environments"
    );
    out
}

fn objects(a: &Assembly) -> Vec<&Value> {
    a.kubernetes
        .iter()
        .flat_map(plinth_synth::k8s::ManifestFile::kube_objects)
        .collect()
}

fn find<'a>(a: &'a Assembly, kind: &str, name: &str) -> Option<&'a Value> {
    objects(a)
        .into_iter()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
}

/// The services stack's resources of a type.
fn resources<'a>(a: &'a Assembly, kind: &str) -> Vec<(&'a String, &'a plinth_cfn::Resource)> {
    a.stacks
        .iter()
        .filter(|s| s.kind == StackKind::Services)
        .flat_map(|s| s.template.resources.iter())
        .filter(|(_, r)| r.kind == kind)
        .collect()
}

fn str_prop<'a>(r: &'a plinth_cfn::Resource, prop: &str) -> &'a str {
    r.properties[prop].as_str().unwrap_or_default()
}

#[test]
fn images_come_from_the_repositories_plinth_creates() {
    for (example, p, a) in examples() {
        let repositories: BTreeSet<&str> = resources(&a, "AWS::ECR::Repository")
            .into_iter()
            .map(|(_, r)| str_prop(r, "RepositoryName"))
            .collect();
        let registry = format!("{}.dkr.ecr.{}.amazonaws.com/", p.aws.account, p.aws.region);
        let mut built = 0;
        for s in &p.services {
            let d = find(&a, "Deployment", &s.name).unwrap();
            let image = d["spec"]["template"]["spec"]["containers"][0]["image"]
                .as_str()
                .unwrap();
            if s.builds_image() {
                built += 1;
                let repo = image
                    .strip_prefix(&registry)
                    .and_then(|rest| rest.split([':', '@']).next())
                    .unwrap_or_else(|| panic!("{example}: {image} is not in {registry}"));
                assert!(
                    repositories.contains(repo),
                    "{example}: {} runs {image}, but the stack creates only {repositories:?}",
                    s.name
                );
            }
        }
        assert_eq!(
            built,
            repositories.len(),
            "{example}: one repository per built image"
        );
    }
}

#[test]
fn secret_roles_bind_the_pods_that_read_exactly_their_secrets() {
    let mut checked = 0;
    for (example, p, a) in examples() {
        let associations = resources(&a, "AWS::EKS::PodIdentityAssociation");
        for s in p.services.iter().filter(|s| !s.secret_env.is_empty()) {
            let d = find(&a, "Deployment", &s.name).unwrap();
            let pod = &d["spec"]["template"]["spec"];
            let (namespace, account) = (&d["metadata"]["namespace"], &pod["serviceAccountName"]);
            let (_, association) = associations
                .iter()
                .find(|(_, r)| {
                    &r.properties["Namespace"] == namespace
                        && &r.properties["ServiceAccount"] == account
                })
                .unwrap_or_else(|| panic!("{example}: nothing binds {namespace}/{account}"));
            let role_id = association.properties["RoleArn"]["Fn::GetAtt"][0]
                .as_str()
                .unwrap();
            let role = &a
                .stacks
                .iter()
                .find(|st| st.kind == StackKind::Services)
                .unwrap()
                .template
                .resources[role_id];
            let allowed: BTreeSet<&str> =
                role.properties["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
            let spc = find(&a, "SecretProviderClass", &format!("{}-secrets", s.name)).unwrap();
            let objects = plinth_spec::yaml::parse(
                spc["spec"]["parameters"]["objects"].as_str().unwrap(),
                plinth_spec::yaml::Limits::default(),
            )
            .0
            .unwrap()
            .value;
            let read: BTreeSet<&str> = objects
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|o| o["objectName"].as_str())
                .collect();
            assert!(!read.is_empty());
            for arn in &read {
                assert!(
                    allowed.contains(arn),
                    "{example}: {} mounts {arn}, which its role cannot read ({allowed:?})",
                    s.name
                );
            }
            // Each readable ARN is one the pods mount, with or without the random suffix.
            for arn in &allowed {
                assert!(
                    read.contains(arn.trim_end_matches("-??????")),
                    "{example}: the role of {} may read {arn}, which it does not use",
                    s.name
                );
            }
            // Every secret variable is synced into the Secret the container reads.
            let synced: BTreeSet<&str> = spc["spec"]["secretObjects"][0]["data"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|d| d["key"].as_str())
                .collect();
            let env: BTreeSet<&str> = pod["containers"][0]["env"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| !e["valueFrom"]["secretKeyRef"].is_null())
                .map(|e| e["valueFrom"]["secretKeyRef"]["key"].as_str().unwrap())
                .collect();
            assert_eq!(synced, env, "{example}: {}", s.name);
            checked += 1;
        }
    }
    assert!(checked > 0, "some example reads a secret");
}

#[test]
fn names_and_certificates_are_in_the_zones_plinth_manages() {
    for (example, _, a) in examples() {
        let zones: BTreeSet<&str> = resources(&a, "AWS::Route53::HostedZone")
            .into_iter()
            .map(|(_, r)| str_prop(r, "Name"))
            .collect();
        let certificates: BTreeSet<&str> = resources(&a, "AWS::CertificateManager::Certificate")
            .into_iter()
            .map(|(_, r)| str_prop(r, "DomainName"))
            .collect();
        for o in objects(&a) {
            if let Some(name) =
                o["metadata"]["annotations"]["external-dns.alpha.kubernetes.io/hostname"].as_str()
            {
                assert!(
                    zones.iter().any(|z| name.ends_with(&format!(".{z}"))),
                    "{example}: {name} is in none of the private zones {zones:?}"
                );
            }
            if o["kind"] == "Ingress" && o["spec"]["ingressClassName"] == "alb" {
                let host = o["spec"]["rules"][0]["host"].as_str().unwrap();
                assert!(
                    certificates.contains(host),
                    "{example}: no certificate for {host} ({certificates:?})"
                );
            }
        }
        // external-dns manages exactly the zones, under the service accounts the stack binds.
        let associations = resources(&a, "AWS::EKS::PodIdentityAssociation");
        for release in ["external-dns-private", "external-dns-public"] {
            let Some(app) = find(&a, "Application", release) else {
                continue;
            };
            let values = &app["spec"]["source"]["helm"]["valuesObject"];
            let account = &values["serviceAccount"]["name"];
            let namespace = &app["spec"]["destination"]["namespace"];
            assert!(
                associations
                    .iter()
                    .any(|(_, r)| &r.properties["ServiceAccount"] == account
                        && &r.properties["Namespace"] == namespace),
                "{example}: {release}'s service account has no role"
            );
            if release.ends_with("private") {
                let filters: BTreeSet<&str> = values["domainFilters"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(Value::as_str)
                    .collect();
                assert_eq!(filters, zones, "{example}");
            }
        }
    }
}

#[test]
fn network_policies_admit_exactly_the_callers_the_spec_names() {
    for (example, p, a) in examples() {
        for s in &p.services {
            let policy = find(&a, "NetworkPolicy", &s.name);
            let from: Vec<&Value> = policy
                .and_then(|pol| pol["spec"]["ingress"].as_array())
                .map(|rules| {
                    rules
                        .iter()
                        .flat_map(|r| r["from"].as_array().unwrap())
                        .collect()
                })
                .unwrap_or_default();
            for caller in &p.services {
                let d = find(&a, "Deployment", &caller.name).unwrap();
                let labels = &d["spec"]["template"]["metadata"]["labels"];
                let namespace = &d["metadata"]["namespace"];
                let admitted = from.iter().any(|peer| {
                    let pods = peer["podSelector"]["matchLabels"].as_object();
                    let ns =
                        &peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"];
                    pods.is_some_and(|m| m.iter().all(|(k, v)| &labels[k] == v)) && ns == namespace
                });
                assert_eq!(
                    admitted,
                    s.allow_from.contains(&caller.name),
                    "{example}: {} admits {}: {admitted}",
                    s.name,
                    caller.name
                );
            }
        }
        // Every namespace with services refuses what no policy admits.
        for ns in p.services.iter().map(|s| &s.namespace) {
            assert!(
                objects(&a).iter().any(|o| o["kind"] == "NetworkPolicy"
                    && &o["metadata"]["namespace"] == ns
                    && o["spec"]["podSelector"] == serde_json::json!({})),
                "{example}: {ns} has no default-deny policy"
            );
        }
    }
}

#[test]
fn nginx_ingresses_name_issuers_whose_zones_cert_manager_may_write() {
    let mut checked = 0;
    for (example, _, a) in examples() {
        let issuers: Vec<&Value> = objects(&a)
            .into_iter()
            .filter(|o| o["kind"] == "ClusterIssuer")
            .collect();
        for ingress in objects(&a)
            .into_iter()
            .filter(|o| o["kind"] == "Ingress" && o["spec"]["ingressClassName"] == "nginx")
        {
            let name = &ingress["metadata"]["annotations"]["cert-manager.io/cluster-issuer"];
            assert!(
                issuers.iter().any(|i| &i["metadata"]["name"] == name),
                "{example}: the Ingress names issuer {name}, which is not synthesized"
            );
            assert!(
                ingress["spec"]["tls"][0]["secretName"].is_string(),
                "{example}: cert-manager needs a Secret to write the certificate to"
            );
            checked += 1;
        }
        // DNS-01 solvers name the zones the cert-manager role may change, and the role is
        // bound to cert-manager's service account.
        let zones: BTreeSet<String> = issuers
            .iter()
            .flat_map(|i| i["spec"]["acme"]["solvers"].as_array().unwrap())
            .filter_map(|s| s["dns01"]["route53"]["hostedZoneID"].as_str())
            .map(|id| format!("arn:${{AWS::Partition}}:route53:::hostedzone/{id}"))
            .collect();
        if zones.is_empty() {
            continue;
        }
        let (_, role) = resources(&a, "AWS::IAM::Role")
            .into_iter()
            .find(|(id, _)| id.as_str() == "CertManagerDns01Role")
            .unwrap_or_else(|| panic!("{example}: DNS-01 issuers but no cert-manager role"));
        let allowed: BTreeSet<String> =
            role.properties["Policies"][0]["PolicyDocument"]["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["Action"].to_string().contains("ChangeResourceRecordSets"))
                .flat_map(|s| s["Resource"].as_array().unwrap())
                .filter_map(|r| r["Fn::Sub"].as_str().map(str::to_owned))
                .collect();
        assert_eq!(zones, allowed, "{example}");
        assert!(
            resources(&a, "AWS::EKS::PodIdentityAssociation")
                .iter()
                .any(|(_, r)| r.properties["Namespace"] == "cert-manager"
                    && r.properties["ServiceAccount"] == "cert-manager"),
            "{example}: cert-manager's service account has no role"
        );
    }
    assert!(checked > 0, "some environment serves through ingress-nginx");
}
