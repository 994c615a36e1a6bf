//! Semantic checks of application services (`workloads.services`) and DNS zones (`dns`).

use std::collections::{BTreeMap, BTreeSet};

use super::{Cx, is_dns_name, is_email, is_slug};
use crate::diagnostic::Diagnostic;
use crate::model::{
    AcmeChallenge, Architecture, Autoscaling, AwsTarget, Dns, Exposure, Image, IngressClass,
    LetsEncrypt, PublicZone, Resources, SecretEnv, Service,
};
use crate::names::{NameKind, Names};
use crate::raw::{self, AcmeServer, ExposeType, RawSpec};
use crate::suggest::closest;
use crate::yaml::escape_pointer;

/// Namespace of services that name none.
pub const DEFAULT_NAMESPACE: &str = "apps";
/// Container port when the spec gives none.
pub const DEFAULT_PORT: u16 = 8080;
/// Service (and load balancer) port when the spec gives none.
pub const DEFAULT_SERVICE_PORT: u16 = 80;
/// Pods when the spec gives no count.
pub const DEFAULT_REPLICAS: u32 = 2;

/// Variables plinth sets in every service's container; the spec may not set them.
pub const RESERVED_ENV: &[&str] = &["PORT", "POD_NAME", "POD_NAMESPACE", "NODE_NAME", "POD_IP"];

/// Namespaces services may not use: Kubernetes' own and those of platform components.
pub(super) const RESERVED_NAMESPACES: &[&str] = &[
    "default",
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "argocd",
    "cert-manager",
    "aws-load-balancer",
    "aws-secrets-store",
    "external-dns",
    "ingress-nginx",
    "monitoring",
    "druid",
    "kafka",
    "spark",
    "airflow",
    "mongodb",
];

impl Cx<'_> {
    /// Checks the DNS zones and every service; returns them validated.
    pub(super) fn services(
        &mut self,
        raw: &RawSpec,
        aws: &AwsTarget,
        naming: &Names,
    ) -> (Vec<Service>, Dns) {
        let dns = self.dns(raw.dns.as_ref());
        let list: &[raw::Service] = raw.workloads.as_ref().map_or(&[], |w| &w.services);
        let names: BTreeSet<&str> = list.iter().map(|s| s.name.as_str()).collect();
        let mut seen = BTreeSet::new();
        let mut hosts: BTreeMap<String, String> = BTreeMap::new();
        let mut out = Vec::new();
        for (i, s) in list.iter().enumerate() {
            let p = format!("/workloads/services/{i}");
            if !seen.insert(s.name.as_str()) {
                self.error(
                    "spec::duplicate-service",
                    &format!("{p}/name"),
                    format!("service `{}` is defined twice", s.name),
                );
            }
            let service = self.service(&p, s, &names, &dns, aws, naming);
            if let Some(service) = service {
                let name = match &service.exposure {
                    Exposure::Public { host, .. } => Some((host.clone(), "host")),
                    Exposure::Internal {
                        private_dns: Some(n),
                    } => Some((n.clone(), "privateDns")),
                    _ => None,
                };
                if let Some((name, field)) = name
                    && let Some(other) = hosts.insert(name.clone(), s.name.clone())
                {
                    self.error(
                        "spec::duplicate-host",
                        &format!("{p}/expose/{field}"),
                        format!("`{name}` is already the name of service `{other}`"),
                    )
                    .help = Some("give each service its own name".into());
                }
                out.push(service);
            }
        }
        self.service_prerequisites(raw, &out);
        (out, dns)
    }

    fn dns(&mut self, d: Option<&raw::Dns>) -> Dns {
        let Some(d) = d else {
            return Dns::default();
        };
        let mut zones = BTreeSet::new();
        for (i, z) in d.private_zones.iter().enumerate() {
            let p = format!("/dns/privateZones/{i}");
            if !is_dns_name(z) {
                self.error(
                    "spec::invalid-domain",
                    &p,
                    format!("`{z}` is not a DNS name"),
                )
                .help =
                    Some("use lowercase labels separated by dots, e.g. `backend.internal`".into());
            } else if !zones.insert(z.clone()) {
                self.error(
                    "spec::duplicate-zone",
                    &p,
                    format!("zone `{z}` is listed twice"),
                );
            }
        }
        let mut public_zones = Vec::new();
        for (i, z) in d.public_zones.iter().enumerate() {
            let p = format!("/dns/publicZones/{i}");
            if !is_dns_name(&z.name) {
                self.error(
                    "spec::invalid-domain",
                    &format!("{p}/name"),
                    format!("`{}` is not a DNS name", z.name),
                );
            } else if !zones.insert(z.name.clone()) {
                self.error(
                    "spec::duplicate-zone",
                    &format!("{p}/name"),
                    format!("zone `{}` is listed twice", z.name),
                )
                .help = Some("a name is either a private zone plinth creates or a public zone that exists; not both".into());
            }
            let id = &z.hosted_zone_id;
            if !(id.len() >= 2
                && id.len() <= 32
                && id.starts_with('Z')
                && id
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
            {
                self.error(
                    "spec::invalid-zone-id",
                    &format!("{p}/hostedZoneId"),
                    format!("`{id}` is not a Route 53 hosted zone id"),
                )
                .help = Some("copy it from `aws route53 list-hosted-zones-by-name`, without `/hostedzone/`: e.g. `Z0123456789ABCDEFGHIJ`".into());
            }
            public_zones.push(PublicZone {
                name: z.name.clone(),
                hosted_zone_id: z.hosted_zone_id.clone(),
            });
        }
        let mut private_zones = d.private_zones.clone();
        private_zones.sort();
        private_zones.dedup();
        Dns {
            private_zones,
            public_zones,
        }
    }

    fn service(
        &mut self,
        p: &str,
        s: &raw::Service,
        names: &BTreeSet<&str>,
        dns: &Dns,
        aws: &AwsTarget,
        naming: &Names,
    ) -> Option<Service> {
        let errors = self.diags.iter().filter(|d| d.is_error()).count();
        self.slug(&format!("{p}/name"), "service name", &s.name, 40);
        let namespace = s
            .namespace
            .clone()
            .unwrap_or_else(|| DEFAULT_NAMESPACE.to_owned());
        if s.namespace.is_some() {
            let np = format!("{p}/namespace");
            if !is_slug(&namespace) || namespace.len() > 63 {
                self.error(
                    "spec::invalid-name",
                    &np,
                    format!("namespace `{namespace}` is not a valid name"),
                )
                .help = Some("use up to 63 lowercase letters, digits and `-`".into());
            } else if RESERVED_NAMESPACES.contains(&namespace.as_str()) {
                self.error(
                    "spec::reserved-namespace",
                    &np,
                    format!("namespace `{namespace}` belongs to Kubernetes or the platform"),
                )
                .help = Some(format!(
                    "leave it out to use `{DEFAULT_NAMESPACE}`, or name the team's own namespace"
                ));
            }
        }
        let role = naming.service_role(&s.name);
        if is_slug(&s.name) && s.name.len() <= 40 && role.len() > NameKind::IamRole.limit() {
            self.error(
                "spec::derived-name-too-long",
                &format!("{p}/name"),
                format!(
                    "the IAM role `{role}` would be {} characters; AWS allows {}",
                    role.len(),
                    NameKind::IamRole.limit()
                ),
            )
            .help = Some("shorten the service name or metadata.id".into());
        }
        let image = self.image(&format!("{p}/image"), &s.image);
        let port = s.port.unwrap_or(DEFAULT_PORT);
        if port < 1024 {
            self.error(
                "spec::privileged-port",
                &format!("{p}/port"),
                format!("port {port} needs root or NET_BIND_SERVICE, which services do not get"),
            )
            .help = Some(
                "listen on 1024 or above, e.g. 8080; the Service still answers on port 80".into(),
            );
        }
        let resources = self.resources(&format!("{p}/resources"), s.resources.as_ref());
        self.env(p, s);
        let mut secret_env = BTreeMap::new();
        for (k, v) in &s.secret_env {
            let vp = format!("{p}/secretEnv/{}", escape_pointer(k));
            self.secret_arn(&format!("{vp}/secret"), &v.secret, aws);
            if let Some(key) = &v.key
                && (key.is_empty()
                    || !key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)))
            {
                self.error(
                    "spec::invalid-value",
                    &format!("{vp}/key"),
                    format!("`{key}` is not a key plinth can read from a JSON secret"),
                )
                .help = Some("use the key's name: letters, digits, `_`, `-` and `.`".into());
            }
            secret_env.insert(
                k.clone(),
                SecretEnv {
                    secret: v.secret.clone(),
                    key: v.key.clone(),
                },
            );
        }
        let health = s.health.clone().unwrap_or_default();
        let liveness = health.liveness.unwrap_or_else(|| "/health".into());
        let readiness = health.readiness.unwrap_or_else(|| "/ready".into());
        for (field, path) in [("liveness", &liveness), ("readiness", &readiness)] {
            self.http_path(&format!("{p}/health/{field}"), path);
        }
        if let Some(m) = &s.metrics_path {
            self.http_path(&format!("{p}/metricsPath"), m);
        }
        let (exposure, service_port) = self.exposure(p, s, dns);
        let autoscaling = s.autoscaling.as_ref().map(|a| self.autoscaling(p, s, a));
        let replicas = s.replicas.unwrap_or(DEFAULT_REPLICAS);
        if s.replicas == Some(0) {
            self.error(
                "spec::invalid-size",
                &format!("{p}/replicas"),
                "a service needs at least one replica",
            )
            .help = Some("remove the service from the spec (or the environment) to stop it".into());
        }
        let mut allow_from = BTreeSet::new();
        for (j, caller) in s.allow_from.iter().enumerate() {
            let cp = format!("{p}/allowFrom/{j}");
            if caller == &s.name {
                self.warning(
                    "spec::allow-self",
                    &cp,
                    format!("`{caller}` allows itself; pods of a service always reach each other"),
                );
            } else if !names.contains(caller.as_str()) {
                let d = self.error(
                    "spec::unknown-service",
                    &cp,
                    format!("`{caller}` is not a service of this spec"),
                );
                d.help = Some(match closest(caller, names.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "name a service from workloads.services".into(),
                });
            } else {
                allow_from.insert(caller.clone());
            }
        }
        let ok = self.diags.iter().filter(|d| d.is_error()).count() == errors;
        Some(Service {
            name: s.name.clone(),
            namespace,
            image: image?,
            port,
            replicas,
            resources: resources?,
            env: s.env.clone(),
            secret_env,
            liveness,
            readiness,
            exposure: exposure?,
            service_port,
            autoscaling: autoscaling.flatten(),
            allow_from: allow_from.into_iter().collect(),
            metrics_path: s.metrics_path.clone(),
            architecture: s.architecture.unwrap_or(Architecture::Amd64),
        })
        .filter(|_| ok)
    }

    fn image(&mut self, p: &str, i: &raw::Image) -> Option<Image> {
        let mut ok = true;
        if i.tag.is_none() && i.digest.is_none() {
            self.error(
                "spec::image-unpinned",
                p,
                "the image has neither a tag nor a digest",
            )
            .help = Some("give a `tag` (e.g. `1.4.2`) or a `digest` (`sha256:…`)".into());
            ok = false;
        }
        if let Some(repo) = &i.repository
            && !is_repository(repo)
        {
            self.error(
                "spec::invalid-image",
                &format!("{p}/repository"),
                format!("`{repo}` is not an image repository"),
            )
            .help = Some(
                "write it as registry/path, e.g. `ghcr.io/acme/frontend`, without a tag".into(),
            );
            ok = false;
        }
        if let Some(tag) = &i.tag {
            let valid = !tag.is_empty()
                && tag.len() <= 128
                && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                && tag
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
            if !valid {
                self.error(
                    "spec::invalid-image",
                    &format!("{p}/tag"),
                    format!("`{tag}` is not an image tag"),
                )
                .help = Some("up to 128 letters, digits, `_`, `.` and `-`, e.g. `1.4.2`".into());
                ok = false;
            } else if tag == "latest" && i.digest.is_none() {
                self.warning(
                    "spec::mutable-image-tag",
                    &format!("{p}/tag"),
                    "`latest` names whatever was pushed last, so a restart can run other code",
                )
                .help = Some("pin a version tag or a digest".into());
            }
        }
        if let Some(digest) = &i.digest {
            let hex = digest.strip_prefix("sha256:");
            if !hex.is_some_and(|h| {
                h.len() == 64
                    && h.bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
            }) {
                self.error(
                    "spec::invalid-image",
                    &format!("{p}/digest"),
                    format!("`{digest}` is not an image digest"),
                )
                .help = Some("write `sha256:` and 64 lowercase hex digits".into());
                ok = false;
            }
        }
        ok.then(|| Image {
            repository: i.repository.clone(),
            tag: i.tag.clone(),
            digest: i.digest.clone(),
        })
    }

    fn resources(&mut self, p: &str, r: Option<&raw::Resources>) -> Option<Resources> {
        self.resources_or(p, r, ("100m", "128Mi"))
    }

    /// Checks container resources at `p`, with `defaults` (CPU, memory) for requests the spec
    /// leaves out; the memory limit defaults to the request.
    pub(super) fn resources_or(
        &mut self,
        p: &str,
        r: Option<&raw::Resources>,
        defaults: (&str, &str),
    ) -> Option<Resources> {
        let requests = r.and_then(|r| r.requests.clone()).unwrap_or_default();
        let limits = r.and_then(|r| r.limits.clone()).unwrap_or_default();
        let cpu = requests.cpu.unwrap_or_else(|| defaults.0.into());
        let memory = requests.memory.unwrap_or_else(|| defaults.1.into());
        let cpu_m = self.quantity(&format!("{p}/requests/cpu"), &cpu, cpu_millis, "CPU");
        let mem_b = self.quantity(
            &format!("{p}/requests/memory"),
            &memory,
            memory_bytes,
            "memory",
        );
        let cpu_limit = limits.cpu;
        if let Some(l) = &cpu_limit
            && let (Some(limit), Some(request)) = (
                self.quantity(&format!("{p}/limits/cpu"), l, cpu_millis, "CPU"),
                cpu_m,
            )
            && limit < request
        {
            self.error(
                "spec::limit-below-request",
                &format!("{p}/limits/cpu"),
                format!("the CPU limit {l} is below the request {cpu}"),
            );
        }
        let memory_limit = limits.memory.unwrap_or_else(|| memory.clone());
        if let (Some(limit), Some(request)) = (
            self.quantity(
                &format!("{p}/limits/memory"),
                &memory_limit,
                memory_bytes,
                "memory",
            ),
            mem_b,
        ) && limit < request
        {
            self.error(
                "spec::limit-below-request",
                &format!("{p}/limits/memory"),
                format!("the memory limit {memory_limit} is below the request {memory}"),
            );
        }
        let ok = cpu_m.is_some() && mem_b.is_some();
        ok.then_some(Resources {
            cpu,
            memory,
            cpu_limit,
            memory_limit,
        })
    }

    fn quantity(
        &mut self,
        p: &str,
        text: &str,
        parse: fn(&str) -> Option<u64>,
        what: &str,
    ) -> Option<u64> {
        let v = parse(text).filter(|v| *v > 0);
        if v.is_none() {
            self.error(
                "spec::invalid-quantity",
                p,
                format!("`{text}` is not a {what} quantity"),
            )
            .help = Some(if what == "CPU" {
                "cores or millicores, e.g. `1`, `0.5` or `250m`".into()
            } else {
                "bytes with a binary suffix, e.g. `256Mi` or `1Gi`".into()
            });
        }
        v
    }

    fn env(&mut self, p: &str, s: &raw::Service) {
        let plain = s.env.keys().map(|k| (k, "env"));
        let secret = s.secret_env.keys().map(|k| (k, "secretEnv"));
        for (k, field) in plain.chain(secret) {
            let kp = format!("{p}/{field}/{}", escape_pointer(k));
            let valid = k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            let at = self.spans.key(&kp);
            if !valid {
                self.diags.push(
                    Diagnostic::error(
                        "spec::invalid-env-name",
                        format!("`{k}` is not an environment variable name"),
                    )
                    .at(at)
                    .help("letters, digits and `_`, not starting with a digit"),
                );
            } else if RESERVED_ENV.contains(&k.as_str()) {
                self.diags.push(
                    Diagnostic::error("spec::reserved-env", format!("plinth sets `{k}` itself"))
                        .at(at)
                        .help(if k == "PORT" {
                            "set the service's `port` instead".to_owned()
                        } else {
                            format!("`{k}` comes from the Kubernetes downward API")
                        }),
                );
            } else if field == "secretEnv" && s.env.contains_key(k) {
                self.diags.push(
                    Diagnostic::error(
                        "spec::duplicate-env",
                        format!("`{k}` is set both in `env` and in `secretEnv`"),
                    )
                    .at(at)
                    .help("keep one of them"),
                );
            }
        }
    }

    fn http_path(&mut self, p: &str, path: &str) {
        if !path.starts_with('/') || path.contains(char::is_whitespace) {
            self.error(
                "spec::invalid-path",
                p,
                format!("`{path}` is not an HTTP path"),
            )
            .help = Some("start it with `/`, e.g. `/health`".into());
        }
    }

    fn exposure(&mut self, p: &str, s: &raw::Service, dns: &Dns) -> (Option<Exposure>, u16) {
        let Some(e) = &s.expose else {
            return (Some(Exposure::Cluster), DEFAULT_SERVICE_PORT);
        };
        let ep = format!("{p}/expose");
        let port = e.port.unwrap_or(DEFAULT_SERVICE_PORT);
        if e.port == Some(0) {
            self.error(
                "spec::invalid-value",
                &format!("{ep}/port"),
                "port 0 is not a port",
            );
        }
        let not_here = |cx: &mut Self, field: &str, why: &str| {
            cx.error(
                "spec::field-not-used",
                &format!("{ep}/{field}"),
                format!(
                    "`{field}` does not apply to a `{}` service",
                    type_name(e.kind)
                ),
            )
            .help = Some(why.into());
        };
        let exposure = match e.kind {
            ExposeType::Cluster => {
                if e.private_dns.is_some() {
                    not_here(
                        self,
                        "privateDns",
                        "a private name resolves to an internal load balancer; use `type: internal`",
                    );
                }
                if e.host.is_some() || e.ingress.is_some() {
                    not_here(
                        self,
                        if e.host.is_some() { "host" } else { "ingress" },
                        "only `public` services have a host and an ingress",
                    );
                }
                Some(Exposure::Cluster)
            }
            ExposeType::Internal => {
                if e.host.is_some() || e.ingress.is_some() {
                    not_here(
                        self,
                        if e.host.is_some() { "host" } else { "ingress" },
                        "an internal service is named with `privateDns`",
                    );
                }
                let private_dns = e.private_dns.as_ref().map(|n| {
                    self.name_in_zone(
                        &format!("{ep}/privateDns"),
                        n,
                        &dns.private_zones,
                        "dns.privateZones",
                    );
                    n.clone()
                });
                Some(Exposure::Internal { private_dns })
            }
            ExposeType::Public => {
                if e.private_dns.is_some() {
                    not_here(self, "privateDns", "a public service is named with `host`");
                }
                let zones: Vec<String> = dns.public_zones.iter().map(|z| z.name.clone()).collect();
                match &e.host {
                    None => {
                        self.error(
                            "spec::missing-host",
                            &ep,
                            "a public service needs a `host`",
                        )
                        .help = Some("name it in one of dns.publicZones, e.g. `host: shop.example.com`; it gets a certificate and a DNS record".into());
                        None
                    }
                    Some(host) => self
                        .name_in_zone(&format!("{ep}/host"), host, &zones, "dns.publicZones")
                        .and_then(|z| dns.public_zones.iter().find(|pz| pz.name == z).cloned())
                        .map(|zone| Exposure::Public {
                            ingress: e.ingress.unwrap_or(IngressClass::Alb),
                            host: host.clone(),
                            zone,
                        }),
                }
            }
        };
        (exposure, port)
    }

    /// Checks that `name` is a DNS name inside one of `zones`; returns the (longest) zone.
    fn name_in_zone(
        &mut self,
        p: &str,
        name: &str,
        zones: &[String],
        field: &str,
    ) -> Option<String> {
        if !is_dns_name(name) {
            self.error(
                "spec::invalid-domain",
                p,
                format!("`{name}` is not a DNS name"),
            );
            return None;
        }
        let zone = zones
            .iter()
            .filter(|z| name.ends_with(&format!(".{z}")))
            .max_by_key(|z| z.len())
            .cloned();
        if zone.is_none() {
            self.error(
                "spec::name-outside-zones",
                p,
                format!("`{name}` is in none of {field}"),
            )
            .help = Some(if zones.is_empty() {
                format!("add its zone to {field}")
            } else {
                format!("zones: {}; add its zone to {field}", zones.join(", "))
            });
        }
        zone
    }

    fn autoscaling(
        &mut self,
        p: &str,
        s: &raw::Service,
        a: &raw::Autoscaling,
    ) -> Option<Autoscaling> {
        let ap = format!("{p}/autoscaling");
        let mut ok = true;
        if a.min_replicas == 0 || a.min_replicas > a.max_replicas {
            self.error(
                "spec::invalid-size",
                &format!("{ap}/minReplicas"),
                format!(
                    "replicas must satisfy 1 ≤ minReplicas ≤ maxReplicas; got {} and {}",
                    a.min_replicas, a.max_replicas
                ),
            );
            ok = false;
        }
        for (field, v) in [
            ("cpuUtilization", a.cpu_utilization),
            ("memoryUtilization", a.memory_utilization),
        ] {
            if let Some(v) = v
                && !(1..=100).contains(&v)
            {
                self.error(
                    "spec::invalid-value",
                    &format!("{ap}/{field}"),
                    format!("{v}% is not a utilization target"),
                )
                .help = Some("a percentage of the request from 1 to 100, e.g. 70".into());
                ok = false;
            }
        }
        if s.replicas.is_some() {
            self.warning(
                "spec::replicas-with-autoscaling",
                &format!("{p}/replicas"),
                "replicas is ignored: the autoscaler decides between minReplicas and maxReplicas",
            )
            .help = Some("remove `replicas`".into());
        }
        ok.then(|| Autoscaling {
            min_replicas: a.min_replicas,
            max_replicas: a.max_replicas,
            cpu_utilization: a.cpu_utilization.unwrap_or(70),
            memory_utilization: a.memory_utilization,
        })
    }

    /// Services need controllers: load balancers, DNS records and secrets each come from an
    /// addon.
    fn service_prerequisites(&mut self, raw: &RawSpec, services: &[Service]) {
        let a = raw.addons.as_ref();
        let lbc = a.is_some_and(|a| a.aws_load_balancer_controller.is_some());
        let external_dns = a.is_some_and(|a| a.external_dns.is_some());
        let csi = a.is_some_and(|a| a.secrets_store_csi.is_some());
        let list: &[raw::Service] = raw.workloads.as_ref().map_or(&[], |w| &w.services);
        for s in services {
            let Some(i) = list.iter().position(|r| r.name == s.name) else {
                continue;
            };
            let p = format!("/workloads/services/{i}");
            let need = |cx: &mut Self, missing: bool, addon: &str, pointer: String, why: &str| {
                if missing {
                    cx.error(
                        "spec::service-needs-addon",
                        &pointer,
                        format!("service `{}` needs the `{addon}` addon", s.name),
                    )
                    .help = Some(format!("add `addons.{addon}` with a version: it {why}"));
                }
            };
            match &s.exposure {
                Exposure::Cluster => {}
                Exposure::Internal { private_dns } => {
                    need(
                        self,
                        !lbc,
                        "awsLoadBalancerController",
                        format!("{p}/expose/type"),
                        "creates the internal network load balancer",
                    );
                    need(
                        self,
                        private_dns.is_some() && !external_dns,
                        "externalDns",
                        format!("{p}/expose/privateDns"),
                        "keeps the private record pointing at the load balancer",
                    );
                }
                Exposure::Public { ingress, .. } => {
                    let (controller, why) = match ingress {
                        IngressClass::Alb => (
                            "awsLoadBalancerController",
                            "creates the application load balancer",
                        ),
                        IngressClass::Nginx => {
                            ("ingressNginx", "routes public traffic to the service")
                        }
                    };
                    let missing = match ingress {
                        IngressClass::Alb => !lbc,
                        IngressClass::Nginx => a.is_none_or(|a| a.ingress_nginx.is_none()),
                    };
                    need(self, missing, controller, format!("{p}/expose/type"), why);
                    need(
                        self,
                        !external_dns,
                        "externalDns",
                        format!("{p}/expose/host"),
                        "keeps the public record pointing at the load balancer",
                    );
                    if *ingress == IngressClass::Nginx {
                        need(
                            self,
                            a.is_none_or(|a| a.cert_manager.is_none()),
                            "certManager",
                            format!("{p}/expose/ingress"),
                            "issues the host's Let's Encrypt certificate",
                        );
                    }
                }
            }
            need(
                self,
                !s.secret_env.is_empty() && !csi,
                "secretsStoreCsi",
                format!("{p}/secretEnv"),
                "delivers the secrets to the pods",
            );
        }
    }
}

impl Cx<'_> {
    /// Checks `tls.letsEncrypt` and which challenges the platform can answer: DNS-01 needs a
    /// public zone, HTTP-01 ingress-nginx, both cert-manager. Warns about ingress-nginx, which
    /// is no longer maintained.
    pub(super) fn lets_encrypt(&mut self, raw: &RawSpec, dns: &Dns) -> Option<LetsEncrypt> {
        let a = raw.addons.as_ref();
        let nginx = a.is_some_and(|a| a.ingress_nginx.is_some());
        if nginx {
            self.warning(
                "spec::ingress-nginx-retired",
                "/addons/ingressNginx",
                "ingress-nginx reached the end of its maintenance in March 2026: no more releases or security fixes",
            )
            .help = Some("prefer `ingress: alb` for public services (https://kubernetes.io/blog/2025/11/11/ingress-nginx-retirement/)".into());
        }
        let nginx_services = raw
            .workloads
            .as_ref()
            .map_or(&[][..], |w| &w.services)
            .iter()
            .position(|s| {
                s.expose
                    .as_ref()
                    .is_some_and(|e| e.ingress == Some(IngressClass::Nginx))
            });
        let Some(le) = raw.tls.as_ref().and_then(|t| t.lets_encrypt.as_ref()) else {
            if let Some(i) = nginx_services {
                self.error(
                    "spec::nginx-needs-lets-encrypt",
                    &format!("/workloads/services/{i}/expose/ingress"),
                    "an `ingress: nginx` service gets its certificate from Let's Encrypt, which the spec does not set up",
                )
                .help = Some("add `tls.letsEncrypt` with a contact `email`".into());
            }
            return None;
        };
        let p = "/tls/letsEncrypt";
        if !is_email(&le.email) {
            self.error(
                "spec::invalid-email",
                &format!("{p}/email"),
                format!("`{}` is not an email address", le.email),
            )
            .help = Some("Let's Encrypt writes to it about expiring certificates".into());
        }
        if a.is_none_or(|a| a.cert_manager.is_none()) {
            self.error(
                "spec::tls-needs-addon",
                p,
                "Let's Encrypt certificates need the `certManager` addon",
            )
            .help = Some("add `addons.certManager` with a version".into());
        }
        let mut issuers = Vec::new();
        if !dns.public_zones.is_empty() {
            issuers.push(AcmeChallenge::Dns01);
        }
        if nginx {
            issuers.push(AcmeChallenge::Http01);
        }
        let challenge = le.challenge.unwrap_or(if dns.public_zones.is_empty() {
            AcmeChallenge::Http01
        } else {
            AcmeChallenge::Dns01
        });
        if !issuers.contains(&challenge) {
            let (why, fix) = match challenge {
                AcmeChallenge::Dns01 => (
                    "DNS-01 writes a TXT record into a public zone, and the spec has none",
                    "add the zone to dns.publicZones, or use `challenge: http01`",
                ),
                AcmeChallenge::Http01 => (
                    "HTTP-01 is answered through ingress-nginx, which the spec does not install",
                    "add `addons.ingressNginx`, or use `challenge: dns01`",
                ),
            };
            self.error(
                "spec::challenge-unavailable",
                &format!("{p}/challenge"),
                why,
            )
            .help = Some(fix.into());
        }
        Some(LetsEncrypt {
            email: le.email.clone(),
            staging: le.server == Some(AcmeServer::Staging),
            challenge,
            issuers,
        })
    }
}

fn type_name(t: ExposeType) -> &'static str {
    match t {
        ExposeType::Public => "public",
        ExposeType::Internal => "internal",
        ExposeType::Cluster => "cluster",
    }
}

/// `registry/path` as Docker references allow it: an optional host (with a port) and lowercase
/// path components separated by `/`, each `[a-z0-9]+` joined by `.`, `_`, `__` or `-`s.
fn is_repository(repo: &str) -> bool {
    let mut parts: Vec<&str> = repo.split('/').collect();
    if parts.len() > 1 && (parts[0].contains(['.', ':']) || parts[0] == "localhost") {
        let host = parts.remove(0);
        let (name, port) = host.split_once(':').unwrap_or((host, "0"));
        if !port.bytes().all(|b| b.is_ascii_digit())
            || name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        {
            return false;
        }
    }
    !parts.is_empty()
        && parts.iter().all(|c| {
            !c.is_empty()
                && c.starts_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
                && c.ends_with(|ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit())
                && c.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || "._-".contains(ch))
        })
}

/// CPU in millicores: `250m`, `1`, `0.5`.
fn cpu_millis(text: &str) -> Option<u64> {
    if let Some(m) = text.strip_suffix('m') {
        return m.parse().ok();
    }
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if frac.len() > 3 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u64 = whole.parse().ok()?;
    let frac: u64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<3}").parse().ok()?
    };
    whole.checked_mul(1000)?.checked_add(frac)
}

/// Memory in bytes: `128Mi`, `1Gi`, `500M`, `1048576`.
fn memory_bytes(text: &str) -> Option<u64> {
    const UNITS: &[(&str, u64)] = &[
        ("Ki", 1 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("Ti", 1 << 40),
        ("k", 1000),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
        ("T", 1_000_000_000_000),
    ];
    let (digits, factor) = UNITS
        .iter()
        .find_map(|(u, f)| text.strip_suffix(u).map(|d| (d, *f)))
        .unwrap_or((text, 1));
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quantities() {
        assert_eq!(cpu_millis("250m"), Some(250));
        assert_eq!(cpu_millis("1"), Some(1000));
        assert_eq!(cpu_millis("0.5"), Some(500));
        assert_eq!(cpu_millis("1.25"), Some(1250));
        assert_eq!(cpu_millis("1.2345"), None);
        assert_eq!(cpu_millis("one"), None);
        assert_eq!(memory_bytes("128Mi"), Some(128 << 20));
        assert_eq!(memory_bytes("1Gi"), Some(1 << 30));
        assert_eq!(memory_bytes("500M"), Some(500_000_000));
        assert_eq!(memory_bytes("1.5Gi"), None);
        assert_eq!(memory_bytes("Mi"), None);
    }

    #[test]
    fn reads_repositories() {
        assert!(is_repository("ghcr.io/acme/frontend"));
        assert!(is_repository("nginx"));
        assert!(is_repository("registry.example.com:5000/team/app"));
        assert!(is_repository("public.ecr.aws/nginx/nginx"));
        assert!(!is_repository("ghcr.io/Acme/frontend"));
        assert!(!is_repository("ghcr.io/acme/frontend:1.0"));
        assert!(!is_repository("ghcr.io//frontend"));
        assert!(!is_repository(""));
    }
}
