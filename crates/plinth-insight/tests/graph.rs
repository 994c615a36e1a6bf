//! `graph::build` on every example: the Mermaid and DOT texts are snapshotted (the test script
//! also parses the Mermaid with Mermaid's own parser), and the diagram holds what the seeds
//! draw.

use std::path::Path;

use plinth_insight::graph::{self, Graph};

fn graph_of(name: &str) -> Graph {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples")
        .join(name)
        .join("plinth.yaml");
    let platform = plinth_spec::load(&std::fs::read_to_string(path).unwrap())
        .platform
        .expect("a valid example");
    graph::build(&platform, &plinth_synth::synth(&platform))
}

#[test]
fn examples_match_snapshots() {
    for name in ["druid-analytics", "druid-lean"] {
        let g = graph_of(name);
        insta::assert_snapshot!(format!("graph__{name}.mmd"), g.mermaid());
        insta::assert_snapshot!(format!("graph__{name}.dot"), g.dot());
    }
}

#[test]
fn every_edge_and_node_is_declared() {
    for name in ["druid-analytics", "druid-lean"] {
        let g = graph_of(name);
        let known =
            |id: &str| g.nodes.iter().any(|n| n.id == id) || g.groups.iter().any(|x| x.id == id);
        for e in &g.edges {
            assert!(
                known(&e.from) && known(&e.to),
                "{name}: edge {} -> {} to nothing",
                e.from,
                e.to
            );
        }
        for n in &g.nodes {
            assert!(
                n.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{}",
                n.id
            );
            if let Some(grp) = &n.group {
                assert!(
                    g.groups.iter().any(|x| &x.id == grp),
                    "{} in unknown group {grp}",
                    n.id
                );
            }
        }
    }
}

#[test]
fn the_seed_data_flows_are_drawn() {
    let g = graph_of("druid-analytics");
    let has = |from: &str, to: &str| g.edges.iter().any(|e| e.from == from && e.to == to);
    // client → router → broker → historical; Kafka → tasks → S3 → historical.
    for (from, to) in [
        ("clients", "druid_router"),
        ("druid_router", "druid_broker"),
        ("druid_broker", "druid_historical"),
        ("kafka", "druid_tasks"),
        ("druid_tasks", "deep_storage"),
        ("deep_storage", "druid_historical"),
    ] {
        assert!(has(from, to), "no {from} -> {to}");
    }
    // Three zones, two NAT gateways: the third zone's egress goes through another zone's.
    let nats = g.nodes.iter().filter(|n| n.id.starts_with("nat_")).count();
    assert_eq!(nats, 2);
    assert!(has("private_us_west_2c", "nat_us_west_2a"));
}
