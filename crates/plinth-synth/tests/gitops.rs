//! The GitOps layout of every example that has one: snapshots of what Argo CD is handed, and
//! the proof that it delivers exactly the objects plinth applies itself, in plinth's order,
//! within each Application's project and the capability's limits.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use plinth_spec::Platform;
use plinth_synth::gitops::{FileRole, Layout, MAX_OBJECTS_PER_APPLICATION, ROOT, layout};
use plinth_synth::k8s::{ManifestFile, Wave};
use plinth_synth::{Assembly, synth};
use serde_json::Value;

/// Every example environment with a `gitops` section, with its assembly and layout.
fn examples() -> Vec<(String, Platform, Assembly, Layout)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let mut out = Vec::new();
    for path in entries
        .into_iter()
        .filter(|p| p.join("plinth.yaml").exists())
    {
        let text = std::fs::read_to_string(path.join("plinth.yaml")).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let environments = plinth_spec::environment_names(&text);
        let runs: Vec<(String, Option<String>)> = if environments.is_empty() {
            vec![(name, None)]
        } else {
            environments
                .into_iter()
                .map(|e| (format!("{name}-{e}"), Some(e)))
                .collect()
        };
        for (name, environment) in runs {
            let platform = plinth_spec::load_environment(&text, environment.as_deref())
                .platform
                .expect("examples are valid");
            let assembly = synth(&platform);
            if let Some(l) = layout(&platform, &assembly.kubernetes) {
                out.push((name, platform, assembly, l));
            }
        }
    }
    let names: Vec<&str> = out.iter().map(|(n, ..)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "web-services-dev",
            "web-services-prod",
            "web-services-staging"
        ],
        "the examples with GitOps"
    );
    out
}

/// An object's identity: API group, kind, namespace, name.
fn key(o: &Value) -> (String, String, String, String) {
    let api = o["apiVersion"].as_str().unwrap();
    let group = api.rsplit_once('/').map_or("", |(g, _)| g);
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    (
        group.to_owned(),
        s(&o["kind"]),
        s(&o["metadata"]["namespace"]),
        s(&o["metadata"]["name"]),
    )
}

fn plinth_objects(a: &Assembly) -> Vec<&Value> {
    a.kubernetes
        .iter()
        .flat_map(ManifestFile::kube_objects)
        .collect()
}

fn applications(l: &Layout) -> Vec<&Value> {
    l.files
        .iter()
        .filter(|f| f.role == FileRole::App)
        .flat_map(|f| &f.objects)
        .collect()
}

fn wave_annotation(o: &Value) -> i32 {
    o["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]
        .as_str()
        .unwrap_or("0")
        .parse()
        .unwrap()
}

/// The manifests/ directory an Application syncs, if it syncs one.
fn synced_directory<'a>(p: &Platform, app: &'a Value) -> Option<&'a str> {
    let path = app["spec"]["source"]["path"].as_str()?;
    let g = p.gitops.as_ref().unwrap();
    path.strip_prefix(&format!("{}/manifests/", g.path))
}

#[test]
fn layouts_match_snapshots() {
    for (example, _, _, l) in examples() {
        let mut listing = String::new();
        for f in &l.files {
            let role = format!("{:?}", f.role);
            writeln!(listing, "{role:<10} {:>3}  {}", f.objects.len(), f.path).unwrap();
        }
        insta::assert_snapshot!(format!("{example}__files"), listing);
        // What Argo CD is handed; manifests/ holds plinth's own objects, whose snapshots are
        // kubernetes.rs's, and which the next test proves identical.
        for role in [FileRole::Bootstrap, FileRole::App] {
            let mut text = String::new();
            for f in l.files.iter().filter(|f| f.role == role) {
                write!(text, "# {}\n{}", f.path, f.to_yaml()).unwrap();
            }
            insta::assert_snapshot!(format!("{example}__{role:?}").to_lowercase(), text);
        }
    }
}

#[test]
fn the_layout_delivers_exactly_the_objects_plinth_applies() {
    for (example, p, a, l) in examples() {
        let mut delivered: BTreeMap<_, &Value> = BTreeMap::new();
        for o in l.files.iter().flat_map(|f| &f.objects) {
            assert!(
                delivered.insert(key(o), o).is_none(),
                "{example}: {:?} twice in the layout",
                key(o)
            );
        }
        let applied: BTreeMap<_, &Value> = plinth_objects(&a)
            .into_iter()
            .map(|o| (key(o), o))
            .collect();
        for (k, o) in &applied {
            assert_eq!(
                delivered.get(k),
                Some(o),
                "{example}: {k:?} is not delivered as plinth applies it"
            );
        }
        // Beyond plinth's objects: only the root and one Application per manifests/ directory.
        let extra: BTreeSet<String> = delivered
            .keys()
            .filter(|k| !applied.contains_key(*k))
            .map(|k| {
                assert_eq!(
                    (k.0.as_str(), k.1.as_str(), k.2.as_str()),
                    ("argoproj.io", "Application", "argocd"),
                    "{example}: {k:?} is in the layout only"
                );
                k.3.clone()
            })
            .collect();
        let directories: BTreeSet<String> = l
            .files
            .iter()
            .filter(|f| f.role == FileRole::Manifests)
            .map(|f| f.path.split('/').nth(1).unwrap().to_owned())
            .collect();
        let mut expected = directories.clone();
        expected.insert(ROOT.to_owned());
        assert_eq!(extra, expected, "{example}: the layout's own Applications");
        for app in applications(&l) {
            if let Some(dir) = synced_directory(&p, app) {
                assert_eq!(
                    dir, app["metadata"]["name"],
                    "{example}: Application syncs another's directory"
                );
            }
        }
        let root = delivered
            .values()
            .find(|o| o["kind"] == "Application" && o["metadata"]["name"] == ROOT)
            .unwrap();
        let g = p.gitops.as_ref().unwrap();
        assert_eq!(root["spec"]["source"]["path"], format!("{}/apps", g.path));
        assert_eq!(root["spec"]["source"]["repoURL"], g.repository.as_str());
    }
}

#[test]
fn sync_waves_follow_plinth_waves() {
    for (example, p, a, l) in examples() {
        // The wave of every object plinth applies.
        let wave_of: BTreeMap<_, Wave> = a
            .kubernetes
            .iter()
            .flat_map(|f| f.kube_objects().iter().map(move |o| (key(o), f.wave)))
            .collect();
        for app in applications(&l) {
            let name = app["metadata"]["name"].as_str().unwrap();
            let wave = wave_annotation(app);
            if let Some(dir) = synced_directory(&p, app) {
                let waves: BTreeSet<Wave> = l
                    .files
                    .iter()
                    .filter(|f| f.path.starts_with(&format!("manifests/{dir}/")))
                    .flat_map(|f| &f.objects)
                    .map(|o| wave_of[&key(o)])
                    .collect();
                assert_eq!(waves.len(), 1, "{example}/{name}: objects of several waves");
                let w = *waves.first().unwrap();
                assert_eq!(wave, w.sync_wave(), "{example}/{name}");
            } else {
                // A Helm chart of the addons wave: ordered among addons, between the
                // foundation and the Karpenter waves.
                assert_eq!(wave_of[&key(app)], Wave::Addons, "{example}/{name}");
                assert!(
                    Wave::Foundation.sync_wave() < wave && wave < Wave::Karpenter.sync_wave(),
                    "{example}/{name}: wave {wave}"
                );
            }
        }
    }
}

#[test]
fn applications_stay_within_their_projects() {
    for (example, _, _, l) in examples() {
        let objects: Vec<&Value> = l.files.iter().flat_map(|f| &f.objects).collect();
        let projects: BTreeMap<&str, &Value> = objects
            .iter()
            .filter(|o| o["kind"] == "AppProject")
            .map(|o| (o["metadata"]["name"].as_str().unwrap(), *o))
            .collect();
        assert!(projects.contains_key("platform") && projects.contains_key("storefront"));
        let mut team_apps = 0;
        for app in applications(&l) {
            let name = app["metadata"]["name"].as_str().unwrap();
            let project = projects[app["spec"]["project"].as_str().unwrap()];
            let spec = &project["spec"];
            assert!(
                spec["sourceNamespaces"]
                    .as_array()
                    .unwrap()
                    .contains(&app["metadata"]["namespace"]),
                "{example}/{name}: the capability requires sourceNamespaces"
            );
            let repo = &app["spec"]["source"]["repoURL"];
            assert!(
                spec["sourceRepos"].as_array().unwrap().contains(repo),
                "{example}/{name}: {repo} is not a source of its project"
            );
            let allowed: Vec<(&Value, &Value)> = spec["destinations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| (&d["name"], &d["namespace"]))
                .collect();
            let destination = &app["spec"]["destination"];
            let permits = |ns: &Value| {
                allowed
                    .iter()
                    .any(|(c, n)| *c == &destination["name"] && (*n == "*" || *n == ns))
            };
            if project["metadata"]["name"] == "platform" {
                assert!(permits(&Value::from("anything")), "{example}/{name}");
                continue;
            }
            // A team's Application: only namespaced objects, in the team's namespaces.
            team_apps += 1;
            assert!(permits(&destination["namespace"]), "{example}/{name}");
            assert_eq!(spec["clusterResourceWhitelist"], serde_json::json!([]));
            let dir = format!("manifests/{name}/");
            for o in l
                .files
                .iter()
                .filter(|f| f.path.starts_with(&dir))
                .flat_map(|f| &f.objects)
            {
                let ns = &o["metadata"]["namespace"];
                assert!(
                    ns.is_string(),
                    "{example}/{name}: {:?} is cluster-scoped",
                    key(o)
                );
                assert!(
                    permits(ns),
                    "{example}/{name}: {:?} outside the team's namespaces",
                    key(o)
                );
            }
        }
        assert_eq!(
            team_apps, 3,
            "{example}: the three services belong to storefront"
        );
    }
}

#[test]
fn every_application_fits_the_capability() {
    for (example, _, _, l) in examples() {
        let mut per_app: BTreeMap<&str, usize> = BTreeMap::new();
        for f in l.files.iter().filter(|f| f.role == FileRole::Manifests) {
            *per_app
                .entry(f.path.split('/').nth(1).unwrap())
                .or_default() += f.objects.len();
        }
        for (app, n) in per_app {
            assert!(
                n <= MAX_OBJECTS_PER_APPLICATION,
                "{example}/{app}: {n} objects, the capability manages at most {MAX_OBJECTS_PER_APPLICATION}"
            );
        }
    }
}

#[test]
fn argo_cd_acts_as_the_role_and_on_the_cluster_the_cluster_stack_creates() {
    for (example, p, a, l) in examples() {
        let cluster = a
            .stacks
            .iter()
            .find(|s| s.kind.as_str() == "cluster")
            .unwrap();
        let res = &cluster.template.resources;
        let role_name = res["ArgoCdRole"].properties["RoleName"].as_str().unwrap();
        let cluster_name = res["Cluster"].properties["Name"].as_str().unwrap();
        let capability = &res["ArgoCdCapability"].properties;
        assert_eq!(capability["RoleArn"]["Fn::GetAtt"][0], "ArgoCdRole");
        assert_eq!(capability["Configuration"]["ArgoCd"]["Namespace"], "argocd");
        let objects: Vec<&Value> = l.files.iter().flat_map(|f| &f.objects).collect();
        let binding = objects
            .iter()
            .find(|o| o["kind"] == "ClusterRoleBinding")
            .unwrap();
        let arn_prefix = format!("arn:{}:", p.aws.partition.as_str());
        assert_eq!(
            binding["subjects"][0]["name"],
            format!(
                "eks-access-entry:{arn_prefix}iam::{}:role/{role_name}",
                p.aws.account
            ),
            "{example}"
        );
        let registration = objects
            .iter()
            .find(|o| o["metadata"]["labels"]["argocd.argoproj.io/secret-type"] == "cluster")
            .unwrap();
        assert_eq!(
            registration["stringData"]["server"],
            format!(
                "{arn_prefix}eks:{}:{}:cluster/{cluster_name}",
                p.aws.region, p.aws.account
            )
        );
        // Every Application deploys to the cluster registered under that name.
        for app in objects.iter().filter(|o| o["kind"] == "Application") {
            assert_eq!(
                app["spec"]["destination"]["name"], registration["stringData"]["name"],
                "{example}/{}",
                app["metadata"]["name"]
            );
        }
        // The role may read the repository's credentials, which the repository Secret names.
        let secret = p
            .gitops
            .as_ref()
            .unwrap()
            .credentials_secret
            .as_ref()
            .unwrap();
        let policy = &res["ArgoCdRole"].properties["Policies"][0]["PolicyDocument"]["Statement"][0];
        assert!(
            policy["Resource"]
                .as_array()
                .unwrap()
                .contains(&Value::from(secret.as_str()))
        );
        let repository = objects
            .iter()
            .find(|o| o["metadata"]["name"] == "repo-platform")
            .unwrap();
        assert_eq!(repository["stringData"]["secretArn"], secret.as_str());
    }
}

#[test]
fn a_hand_over_applies_the_bootstrap_and_leaves_every_other_object_to_argo_cd() {
    for (example, _, a, l) in examples() {
        let handover = l.handover();
        let waves: Vec<(Wave, &str)> = handover.iter().map(|f| (f.wave, f.path.as_str())).collect();
        assert_eq!(
            waves,
            [
                (Wave::Foundation, "kubernetes/10-foundation/argocd.yaml"),
                (Wave::Addons, "kubernetes/20-addons/root.yaml"),
            ],
            "{example}: Argo CD's settings first, the root Application after them"
        );
        let applied: Vec<_> = handover
            .iter()
            .flat_map(ManifestFile::kube_objects)
            .map(key)
            .collect();
        let bootstrap: Vec<_> = l.bootstrap().flat_map(|f| &f.objects).map(key).collect();
        assert_eq!(
            applied, bootstrap,
            "{example}: plinth applies exactly bootstrap/"
        );
        let delivered: BTreeSet<_> = l.delivered().map(key).collect();
        assert!(
            applied.iter().all(|k| !delivered.contains(k)),
            "{example}: nothing is both applied by plinth and delivered by Argo CD"
        );
        // Everything plinth would apply itself is either applied or delivered.
        let missing: Vec<_> = plinth_objects(&a)
            .into_iter()
            .map(key)
            .filter(|k| !delivered.contains(k) && !applied.contains(k))
            .collect();
        assert!(missing.is_empty(), "{example}: nobody applies {missing:?}");
    }
}
