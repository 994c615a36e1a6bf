//! Criterion benchmarks of the pure pipeline behind `plinth synth`: loading the reference
//! spec, synthesizing it, loading and synthesizing generated specs with a growing number of
//! node groups, and rendering every output file to text.
//!
//! Run with `cargo bench -p plinth` (one group: `cargo bench -p plinth -- synth/`). Specs are
//! read and generated before timing starts, so the timed closures do no IO. The generated specs
//! are the reference example with `cluster.nodeGroups` replaced by N copies of its `core` group,
//! exactly what `scripts/gen-spec.py N` prints. Results and the comparison with AWS CDK are in
//! `docs/performance.md`.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use plinth_synth::Assembly;

/// Every generated node group after its name line: the example's `core` group.
const NODE_GROUP_BODY: &str = "      amiFamily: bottlerocket
      instanceTypes: [t3.medium, t3.large]
      minSize: 2
      desiredSize: 3
      maxSize: 10
";

/// Node-group counts for the scaling benchmark.
const SIZES: [usize; 4] = [1, 10, 50, 100];

fn example() -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/druid-analytics/plinth.yaml");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The reference example with `count` node groups; the same text as `scripts/gen-spec.py`.
fn with_node_groups(example: &str, count: usize) -> String {
    let lines: Vec<&str> = example.split_inclusive('\n').collect();
    let start = lines
        .iter()
        .position(|l| l.trim_end() == "  nodeGroups:")
        .expect("the example has a `  nodeGroups:` line");
    let end = lines[start + 1..]
        .iter()
        .position(|l| !(l.starts_with("    ") || l.trim().is_empty()))
        .map_or(lines.len(), |i| start + 1 + i);
    let mut out: String = lines[..=start].concat();
    for i in 1..=count {
        let name = if i == 1 {
            "core".to_owned()
        } else {
            format!("ng-{i:03}")
        };
        writeln!(out, "    - name: {name}").expect("writing to a String");
        out.push_str(NODE_GROUP_BODY);
    }
    out.push_str(&lines[end..].concat());
    out
}

fn load(source: &str) -> plinth_spec::Platform {
    let loaded = plinth_spec::load(source);
    assert!(
        !loaded.has_errors(),
        "the benchmark spec is invalid: {:?}",
        loaded.diagnostics
    );
    loaded
        .platform
        .expect("a spec without errors has a platform")
}

/// Every file `plinth synth` writes, as text, in the order the binary builds them.
fn render(assembly: &Assembly) -> Vec<String> {
    let mut files: Vec<String> = assembly
        .stacks
        .iter()
        .map(|s| s.template.to_json())
        .collect();
    files.extend(
        assembly
            .kubernetes
            .iter()
            .map(plinth_synth::k8s::ManifestFile::to_yaml),
    );
    files.push(serde_json::to_string_pretty(&assembly.manifest).expect("the manifest serializes"));
    files
}

fn reference(c: &mut Criterion) {
    let source = example();
    let platform = load(&source);
    let assembly = plinth_synth::synth(&platform);

    let mut g = c.benchmark_group("reference");
    g.bench_function("load", |b| b.iter(|| plinth_spec::load(black_box(&source))));
    g.bench_function("synth", |b| {
        b.iter(|| plinth_synth::synth(black_box(&platform)));
    });
    g.bench_function("render", |b| b.iter(|| render(black_box(&assembly))));
    g.bench_function("load+synth+render", |b| {
        b.iter(|| render(&plinth_synth::synth(&load(black_box(&source)))));
    });
    g.finish();
}

fn scaling(c: &mut Criterion) {
    let example = example();
    let mut g = c.benchmark_group("node-groups");
    for n in SIZES {
        let source = with_node_groups(&example, n);
        // Fail before timing if the generated spec does not validate.
        load(&source);
        g.bench_with_input(BenchmarkId::new("load+synth", n), &source, |b, s| {
            b.iter(|| plinth_synth::synth(&load(black_box(s))));
        });
    }
    g.finish();
}

criterion_group!(benches, reference, scaling);
criterion_main!(benches);
