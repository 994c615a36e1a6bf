//! `cost::estimate` on every example (snapshotted), and the assumptions a spec overrides.

use std::path::Path;

use plinth_insight::cost;

fn example(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
        .join("plinth.yaml");
    std::fs::read_to_string(path).unwrap()
}

fn estimate(text: &str) -> Result<cost::Estimate, cost::Error> {
    let platform = plinth_spec::load(text).platform.expect("a valid spec");
    let assembly = plinth_synth::synth(&platform);
    cost::estimate(&platform, &assembly)
}

#[test]
fn examples_match_snapshots() {
    for name in ["druid-analytics", "druid-lean"] {
        let e = estimate(&example(name)).unwrap();
        let sum: f64 = e.lines.iter().map(|l| l.monthly).sum();
        assert!((sum - e.total).abs() < 1e-6);
        insta::assert_json_snapshot!(format!("cost__{name}"), e);
    }
}

#[test]
fn the_spec_overrides_assumptions() {
    let base = estimate(&example("druid-lean")).unwrap();
    let text = format!(
        "{}cost:\n  assumptions:\n    deepStorageGb: 10000\n    spotSavingsPercent: 0\n",
        example("druid-lean")
    );
    let e = estimate(&text).unwrap();
    let deep = e
        .assumptions
        .iter()
        .find(|a| a.name == "deepStorageGb")
        .unwrap();
    assert!(deep.from_spec);
    assert!((deep.value - 10000.0).abs() < f64::EPSILON);
    let s3 = |e: &cost::Estimate| {
        e.lines
            .iter()
            .find(|l| l.component == "S3")
            .unwrap()
            .monthly
    };
    assert!((s3(&e) - 10000.0 * 0.023).abs() < 1e-9, "{}", s3(&e));
    assert!(
        e.total > base.total,
        "no spot savings and more storage cost more"
    );
    let untouched = e
        .assumptions
        .iter()
        .find(|a| a.name == "natDataGb")
        .unwrap();
    assert!(!untouched.from_spec);
}

#[test]
fn negative_assumptions_are_located_errors() {
    let text = format!(
        "{}cost:\n  assumptions:\n    natDataGb: -5\n",
        example("druid-lean")
    );
    let loaded = plinth_spec::load(&text);
    assert!(loaded.platform.is_none());
    assert!(
        loaded
            .diagnostics
            .iter()
            .any(|d| d.is_error() && d.span.is_some())
    );
}

#[test]
fn a_region_without_prices_is_an_error() {
    let text = example("druid-lean").replace("eu-west-1", "ap-southeast-4");
    match estimate(&text) {
        Err(cost::Error::UnknownRegion(r, _)) => assert_eq!(r, "ap-southeast-4"),
        other => panic!("expected an unknown region, got {other:?}"),
    }
}
