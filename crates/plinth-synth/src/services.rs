//! The services stack: what application services need from AWS.
//!
//! - an ECR repository per service that builds its own image: scanned on push, immutable tags,
//!   encrypted with KMS, a lifecycle policy, retained when the stack goes (images are
//!   artifacts, and a repository holding images cannot be deleted by CloudFormation anyway);
//! - a private hosted zone per `dns.privateZones` entry, associated with the VPC;
//! - an ACM certificate, validated through DNS in its public zone, per public ALB host (the
//!   Load Balancer Controller finds it by host name);
//! - per service with secret variables, a role that may read exactly those secrets, bound to
//!   the service account by pod identity;
//! - external-dns's roles, one per zone type, allowed to change records in exactly the zones
//!   plinth knows of;
//! - with Let's Encrypt over DNS-01, cert-manager's role, allowed to write the challenge
//!   records in the public zones.
//!
//! It imports the VPC from the network stack and the cluster's name from the cluster stack, so
//! it deploys after both.

use plinth_cfn::sorted::Sorted;
use plinth_cfn::{Expr, Policy, Pseudo, Resource, Template, pascal};
use plinth_spec::Platform;
use plinth_spec::model::{AcmeChallenge, Exposure, IngressClass, Service};
use serde_json::{Value, json};

use crate::builder::{Builder, Role, att, list, r};
use crate::iam;
use crate::k8s::services::{
    CERT_MANAGER, EXTERNAL_DNS_NAMESPACE, ExternalDns, external_dns_instances, secret_arns,
};

/// Untagged images are expired after this many days.
const UNTAGGED_DAYS: u32 = 7;
/// Images kept per repository, newest first.
const KEEP_IMAGES: u32 = 100;

fn role<'a>(resource_type: &'a str, category: &'a str, component: &'a str) -> Role<'a> {
    Role {
        resource_type,
        category,
        component,
    }
}

/// The services stack's template, when the spec has services, private zones or DNS-01.
pub fn template(p: &Platform) -> Option<Template> {
    let dns01 = p
        .lets_encrypt
        .as_ref()
        .is_some_and(|le| le.issuers.contains(&AcmeChallenge::Dns01));
    if p.services.is_empty() && p.dns.private_zones.is_empty() && !dns01 {
        return None;
    }
    let names = p.names.clone();
    let mut b = Builder::new(
        p,
        format!(
            "plinth {}: registries, DNS zones, certificates and roles of application services",
            names.platform()
        ),
    );
    for s in p.services.iter().filter(|s| s.builds_image()) {
        repository(&mut b, s);
    }
    for zone in &p.dns.private_zones {
        private_zone(&mut b, zone);
    }
    for s in &p.services {
        if let Exposure::Public {
            ingress: IngressClass::Alb,
            host,
            zone,
        } = &s.exposure
        {
            b.add(
                &format!("Certificate{}", pascal(&s.name)),
                Resource::new(
                    "AWS::CertificateManager::Certificate",
                    json!({
                        "DomainName": host,
                        "ValidationMethod": "DNS",
                        // CloudFormation writes the validation record into the zone itself and
                        // waits for the certificate to be issued.
                        "DomainValidationOptions": [{ "DomainName": host, "HostedZoneId": zone.hosted_zone_id }],
                    }),
                ),
                role("acm-certificate", "security", &s.name),
                Some(host),
            );
        }
        if !s.secret_env.is_empty() {
            secret_role(&mut b, s);
        }
    }
    for instance in external_dns_instances(p) {
        external_dns(&mut b, &instance);
    }
    if dns01 {
        cert_manager(&mut b);
    }
    Some(b.template)
}

fn repository(b: &mut Builder<'_>, s: &Service) {
    let name = b.platform().names.ecr_repository(&s.name);
    let id = format!("Repository{}", pascal(&s.name));
    // https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html: a rule
    // for `any` tag status must have the highest priority number.
    let lifecycle = json!({
        "rules": [
            {
                "rulePriority": 1,
                "description": format!("expire untagged images after {UNTAGGED_DAYS} days"),
                "selection": { "tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": UNTAGGED_DAYS },
                "action": { "type": "expire" },
            },
            {
                "rulePriority": 2,
                "description": format!("keep the newest {KEEP_IMAGES} images"),
                "selection": { "tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": KEEP_IMAGES },
                "action": { "type": "expire" },
            },
        ],
    });
    b.add(
        &id,
        Resource::new(
            "AWS::ECR::Repository",
            json!({
                "RepositoryName": name,
                "ImageTagMutability": "IMMUTABLE",
                "ImageScanningConfiguration": { "ScanOnPush": true },
                "EncryptionConfiguration": { "EncryptionType": "KMS" },
                "LifecyclePolicy": { "LifecyclePolicyText": Sorted(&lifecycle).to_string() },
                "EmptyOnDelete": false,
            }),
        )
        .keep(Policy::Retain),
        role("ecr-repository", "compute", &s.name),
        None,
    );
    // No output for the repository's URI: it is `{account}.dkr.ecr.{region}.amazonaws.com/{name}`
    // by construction, and one output per service would hit CloudFormation's 200 outputs per
    // template long before its 500 resources.
}

fn private_zone(b: &mut Builder<'_>, zone: &str) {
    let names = b.platform().names.clone();
    let id = format!("PrivateZone{}", pascal(zone));
    let tags = b.tags(role("route53-hosted-zone", "network", "dns"), Some(zone));
    b.add(
        &id,
        Resource::new(
            "AWS::Route53::HostedZone",
            json!({
                "Name": zone,
                "HostedZoneConfig": { "Comment": format!("private names of {} in {}", names.platform(), names.vpc()) },
                "VPCs": [{ "VPCId": Expr::import(names.export("VpcId")), "VPCRegion": Value::from(Pseudo::Region) }],
                // Hosted zones take their tags here, not in `Tags`.
                "HostedZoneTags": list(&tags),
            }),
        ),
        role("route53-hosted-zone", "network", "dns"),
        None,
    );
    b.export(
        &format!("{id}Id"),
        &format!("Private hosted zone {zone}"),
        r(&id),
    );
}

fn secret_role(b: &mut Builder<'_>, s: &Service) {
    let names = b.platform().names.clone();
    let id = pascal(&s.name);
    // A secret named without the six random characters Secrets Manager appends to its ARN is
    // matched by `-??????` (exactly six), never by a wider `*`.
    let resources: Vec<Value> = secret_arns(s)
        .into_iter()
        .flat_map(|arn| {
            [
                Value::from(arn.clone()),
                Value::from(format!("{arn}-??????")),
            ]
        })
        .collect();
    let role_id = b.add(
        &format!("Service{id}Role"),
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": names.service_role(&s.name),
                "Description": format!("Secrets of service {} ({}/{})", s.name, s.namespace, s.name),
                "AssumeRolePolicyDocument": iam::trust_pod_identity(),
                "Policies": [iam::inline("read-secrets", vec![json!({
                    "Effect": "Allow",
                    "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                    "Resource": resources,
                })])],
            }),
        ),
        role("iam-role", "security", &s.name),
        None,
    );
    b.add(
        &format!("Service{id}PodIdentity"),
        Resource::new(
            "AWS::EKS::PodIdentityAssociation",
            json!({
                "ClusterName": Expr::import(names.export("EksClusterName")),
                "Namespace": s.namespace,
                "ServiceAccount": s.name,
                "RoleArn": att(&role_id, "Arn"),
            }),
        ),
        role("eks-pod-identity-association", "security", &s.name),
        None,
    );
}

/// external-dns's role for one zone type: change records in those zones only; listing zones
/// is account-wide in Route 53.
fn external_dns(b: &mut Builder<'_>, instance: &ExternalDns) {
    let names = b.platform().names.clone();
    let id = format!("ExternalDns{}", pascal(instance.zone_type));
    let zones: Vec<Value> = instance
        .zone_ids
        .iter()
        .map(|z| match z {
            ZoneRef::Known(id) => Expr::arn(&format!("route53:::hostedzone/{id}")),
            ZoneRef::Logical(logical) => Expr::sub(format!(
                "arn:${{AWS::Partition}}:route53:::hostedzone/${{{logical}}}"
            )),
        })
        .collect();
    let role_id = b.add(
        &format!("{id}Role"),
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": names.cluster_role(&format!("external-dns-{}", instance.zone_type)),
                "Description": format!("external-dns for the {} zones of {} ({EXTERNAL_DNS_NAMESPACE}/{})", instance.zone_type, names.cluster(), instance.release),
                "AssumeRolePolicyDocument": iam::trust_pod_identity(),
                "Policies": [iam::inline("route53-records", vec![
                    json!({
                        "Effect": "Allow",
                        "Action": ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"],
                        "Resource": zones,
                    }),
                    json!({
                        "Effect": "Allow",
                        "Action": ["route53:ListHostedZones", "route53:GetChange"],
                        "Resource": "*",
                    }),
                ])],
            }),
        ),
        role("iam-role", "security", "external-dns"),
        None,
    );
    b.add(
        &format!("{id}PodIdentity"),
        Resource::new(
            "AWS::EKS::PodIdentityAssociation",
            json!({
                "ClusterName": Expr::import(names.export("EksClusterName")),
                "Namespace": EXTERNAL_DNS_NAMESPACE,
                "ServiceAccount": instance.release,
                "RoleArn": att(&role_id, "Arn"),
            }),
        ),
        role("eks-pod-identity-association", "security", "external-dns"),
        None,
    );
}

/// cert-manager's role for DNS-01 in the public zones, as its Route 53 guide lists:
/// https://cert-manager.io/docs/configuration/acme/dns01/route53/
fn cert_manager(b: &mut Builder<'_>) {
    let p = b.platform();
    let names = p.names.clone();
    let zones: Vec<Value> = p
        .dns
        .public_zones
        .iter()
        .map(|z| Expr::arn(&format!("route53:::hostedzone/{}", z.hosted_zone_id)))
        .collect();
    let (namespace, account) = CERT_MANAGER;
    let role_id = b.add(
        "CertManagerDns01Role",
        Resource::new(
            "AWS::IAM::Role",
            json!({
                "RoleName": names.cluster_role("cert-manager-dns01"),
                "Description": format!("cert-manager's ACME DNS-01 records in the public zones of {} ({namespace}/{account})", names.cluster()),
                "AssumeRolePolicyDocument": iam::trust_pod_identity(),
                "Policies": [iam::inline("route53-acme-challenges", vec![
                    json!({ "Effect": "Allow", "Action": "route53:GetChange", "Resource": Expr::arn("route53:::change/*") }),
                    json!({
                        "Effect": "Allow",
                        "Action": ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"],
                        "Resource": zones,
                    }),
                    json!({ "Effect": "Allow", "Action": "route53:ListHostedZonesByName", "Resource": "*" }),
                ])],
            }),
        ),
        role("iam-role", "security", "cert-manager"),
        None,
    );
    b.add(
        "CertManagerDns01PodIdentity",
        Resource::new(
            "AWS::EKS::PodIdentityAssociation",
            json!({
                "ClusterName": Expr::import(names.export("EksClusterName")),
                "Namespace": namespace,
                "ServiceAccount": account,
                "RoleArn": att(&role_id, "Arn"),
            }),
        ),
        role("eks-pod-identity-association", "security", "cert-manager"),
        None,
    );
}

/// A hosted zone external-dns may write to: one the spec names by id, or one this stack
/// creates.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ZoneRef {
    /// An existing zone's id.
    Known(String),
    /// The logical id of a zone in this stack.
    Logical(String),
}

impl ZoneRef {
    /// The private zone of `name` in this stack.
    pub fn private(name: &str) -> Self {
        ZoneRef::Logical(format!("PrivateZone{}", pascal(name)))
    }
}
