//! Every pinned component of a platform — the Kubernetes version, each EKS managed addon, each
//! Helm chart, each container image plinth writes — with where its pin comes from and the
//! upstream it is checked against: `plinth versions`.
//!
//! The upstreams are the directories vendored under `upstream/` (each with a `PROVENANCE`:
//! repository, tag, commit), compiled in by this crate's build script. A chart pin with no
//! vendored chart is reported as unchecked; the chart tests (scripts/check_charts.py) refuse
//! such an output, so a released plinth has none.

use std::collections::BTreeMap;

use plinth_spec::Platform;
use plinth_synth::Assembly;
use serde::Serialize;
use serde_json::Value;

/// A vendored upstream, as its `PROVENANCE` file records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Upstream {
    /// `chart` (upstream/charts/NAME/VERSION), `druid` (upstream/druid/VERSION) or `kubernetes`
    /// (upstream/kubernetes, version `apis`).
    pub kind: &'static str,
    /// Chart name, or `druid`.
    pub name: &'static str,
    /// Version, as the directory is named.
    pub version: &'static str,
    /// The public repository it was taken from.
    pub repository: &'static str,
    /// Release tag.
    pub tag: &'static str,
    /// Commit of the tag.
    pub commit: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/upstream.rs"));

/// What a pinned component is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The cluster's Kubernetes minor version.
    Kubernetes,
    /// An EKS managed addon.
    EksAddon,
    /// A Helm chart an Argo CD Application installs.
    Chart,
    /// A container image in a manifest plinth writes.
    Image,
    /// A Java library plinth puts on a process's class path.
    Library,
}

/// One pinned component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pin {
    /// What it is.
    pub kind: Kind,
    /// Its name: addon, chart or image repository.
    pub name: String,
    /// The pinned version (chart version, addon version, image tag or digest).
    pub version: String,
    /// The spec field that pins it (a JSON pointer), or `None` when it is plinth's default.
    pub pinned_in: Option<String>,
    /// What uses it: releases of a chart, objects of an image.
    pub used_by: Vec<String>,
    /// The vendored upstream it is checked against, when there is one.
    pub upstream: Option<Upstream>,
    /// How the pin is checked, when no upstream is vendored for it.
    pub checked: &'static str,
}

/// Every pin of the platform: Kubernetes, EKS addons, charts, images, each sorted by name.
pub fn pins(p: &Platform, assembly: &Assembly) -> Vec<Pin> {
    let mut out = vec![Pin {
        kind: Kind::Kubernetes,
        name: "kubernetes".to_owned(),
        version: p.cluster.version(),
        pinned_in: Some("/cluster/version".to_owned()),
        used_by: vec![p.names.cluster()],
        upstream: upstream("kubernetes", "kubernetes", "apis"),
        checked: "EKS version calendar (plinth_spec::facts::KUBERNETES_VERSIONS); manifests against \
                  Kubernetes' own schemas for this minor",
    }];
    out.extend(p.cluster.addons.iter().map(|(name, version)| Pin {
        kind: Kind::EksAddon,
        name: name.clone(),
        version: version.clone(),
        pinned_in: Some(format!("/cluster/addons/{name}")),
        used_by: vec![p.names.cluster()],
        upstream: None,
        checked: "by EKS when the stack is deployed (DescribeAddonVersions)",
    }));

    let mut charts: BTreeMap<(&str, String), Pin> = BTreeMap::new();
    for r in plinth_synth::k8s::addons::releases(p) {
        let pin = charts
            .entry((r.chart, r.version.clone()))
            .or_insert_with(|| Pin {
                kind: Kind::Chart,
                name: r.chart.to_owned(),
                version: r.version.clone(),
                pinned_in: r.pinned_in.map(str::to_owned),
                used_by: Vec::new(),
                upstream: upstream("chart", r.chart, &r.version),
                checked: "NOT VENDORED: no chart in upstream/charts, nothing checks these values",
            });
        pin.used_by.push(format!("{} ({})", r.name, r.repo));
    }
    out.extend(charts.into_values());

    let mut images: BTreeMap<String, Pin> = BTreeMap::new();
    for file in &assembly.kubernetes {
        for object in file.kube_objects() {
            let what = format!(
                "{}/{}",
                object["kind"].as_str().unwrap_or("?"),
                object["metadata"]["name"].as_str().unwrap_or("?")
            );
            // A service's Deployment is named after it.
            let service = (object["kind"] == "Deployment")
                .then(|| {
                    p.services
                        .iter()
                        .position(|s| object["metadata"]["name"] == s.name.as_str())
                })
                .flatten();
            let mut found = Vec::new();
            container_images(object, &mut found);
            for image in found {
                let pin = images
                    .entry(image.to_owned())
                    .or_insert_with(|| image_pin(p, image, service));
                if !pin.used_by.contains(&what) {
                    pin.used_by.push(what.clone());
                }
            }
        }
    }
    out.extend(images.into_values());
    if p.druid.is_some() {
        let version = plinth_synth::k8s::MSK_IAM_AUTH_VERSION;
        out.push(Pin {
            kind: Kind::Library,
            name: "aws-msk-iam-auth".to_owned(),
            version: version.to_owned(),
            pinned_in: None,
            used_by: vec!["Druid's overlord and task pods (Kafka IAM auth)".to_owned()],
            upstream: upstream("library", "aws-msk-iam-auth", version),
            checked: "NOT VENDORED: no upstream/aws-msk-iam-auth at this version",
        });
    }
    out
}

/// The vendored upstream of `kind` `name` at `version`, if any.
pub fn upstream(kind: &str, name: &str, version: &str) -> Option<Upstream> {
    UPSTREAM
        .iter()
        .find(|u| u.kind == kind && u.name == name && u.version == version)
        .copied()
}

fn image_pin(p: &Platform, image: &str, service: Option<usize>) -> Pin {
    let (name, version) = split_image(image);
    let druid = p
        .druid
        .as_ref()
        .filter(|d| name == "apache/druid" && version == d.version);
    let (pinned_in, upstream, checked) = if druid.is_some() {
        (
            Some("/workloads/druid/version".to_owned()),
            self::upstream("druid", "druid", version),
            "Druid's properties, extensions, monitors and image entrypoints (scripts/check_druid.py)",
        )
    } else if let Some(i) = service {
        (
            Some(format!("/workloads/services/{i}/image")),
            None,
            "the user's own image",
        )
    } else {
        (
            None,
            None,
            "not checked: the image's registry is the reference",
        )
    };
    Pin {
        kind: Kind::Image,
        name: name.to_owned(),
        version: version.to_owned(),
        pinned_in,
        used_by: Vec::new(),
        upstream,
        checked,
    }
}

/// `repo:tag` or `repo@sha256:…` split into repository and tag or digest.
fn split_image(image: &str) -> (&str, &str) {
    if let Some((repo, digest)) = image.split_once('@') {
        return (repo, digest);
    }
    match image.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => (repo, tag),
        _ => (image, "latest"),
    }
}

/// Every `image` string of a container (or a SparkApplication's driver and executors) in the
/// object.
fn container_images<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                if k == "image"
                    && let Some(s) = child.as_str()
                {
                    out.push(s);
                    continue;
                }
                container_images(child, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| container_images(i, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_split_into_repository_and_tag_or_digest() {
        assert_eq!(
            split_image("apache/druid:34.0.0"),
            ("apache/druid", "34.0.0")
        );
        assert_eq!(
            split_image("registry:5000/team/app@sha256:abc"),
            ("registry:5000/team/app", "sha256:abc")
        );
        assert_eq!(
            split_image("registry:5000/app"),
            ("registry:5000/app", "latest")
        );
    }
}
