//! Compiles the provenance of what plinth is checked against into the binary: every
//! `PROVENANCE` file under the repository's `upstream/` (a vendored Helm chart at
//! `upstream/charts/NAME/VERSION/`, Apache Druid's facts at `upstream/druid/VERSION/`, the
//! aws-msk-iam-auth library at `upstream/aws-msk-iam-auth/VERSION/`, the Kubernetes API table
//! at `upstream/kubernetes/`) becomes one
//! entry of `UPSTREAM`, which `plinth versions` prints beside each pin. The files stay the one
//! source: scripts/vendor-chart writes them, and the chart tests read the same directories.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../upstream");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut entries = Vec::new();
    for (kind, dir) in [
        ("chart", root.join("charts")),
        ("druid", root.join("druid")),
        ("library", root.join("aws-msk-iam-auth")),
        ("kubernetes", root.clone()),
    ] {
        println!("cargo:rerun-if-changed={}", dir.display());
        let provenances = match kind {
            "chart" => children(&dir)
                .into_iter()
                .flat_map(|d| children(&d))
                .collect(),
            "druid" | "library" => children(&dir),
            _ => vec![dir.join("kubernetes")],
        };
        for d in provenances {
            let file = d.join("PROVENANCE");
            println!("cargo:rerun-if-changed={}", file.display());
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            let field = |name: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(':')))
                    .map(|v| v.trim().to_owned())
                    .unwrap_or_default()
            };
            let name = match kind {
                "chart" => field("chart"),
                // upstream/LIBRARY/VERSION
                "library" => d
                    .parent()
                    .and_then(Path::file_name)
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                _ => kind.to_owned(),
            };
            // upstream/kubernetes holds one table for every minor it covers.
            let version = if kind == "kubernetes" {
                "apis".to_owned()
            } else {
                d.file_name().unwrap().to_string_lossy().into_owned()
            };
            entries.push((
                kind,
                name,
                version,
                field("repository"),
                field("tag"),
                field("commit"),
            ));
        }
    }
    entries.sort();
    let mut out = String::from(
        "/// Every vendored upstream, from `upstream/**/PROVENANCE`.\npub const UPSTREAM: &[Upstream] = &[\n",
    );
    for (kind, name, version, repository, tag, commit) in entries {
        writeln!(
            out,
            "    Upstream {{ kind: {kind:?}, name: {name:?}, version: {version:?}, repository: {repository:?}, tag: {tag:?}, commit: {commit:?} }},"
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("upstream.rs");
    std::fs::write(dest, out).unwrap();
}

/// The directories in `dir`, sorted; none when it does not exist.
fn children(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}
