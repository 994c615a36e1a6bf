//! Property tests: loading never panics on any input, and whatever spec validates synthesizes
//! into an internally consistent assembly.

use plinth_cfn::refs;
use proptest::prelude::*;

const REFERENCE: &str = include_str!("../../../examples/druid-analytics/plinth.yaml");

/// One edit of the reference spec: drop, duplicate or rewrite a line, or splice in a token.
#[derive(Debug, Clone)]
enum Edit {
    Drop(usize),
    Duplicate(usize),
    ReplaceValue(usize, String),
    Insert(usize, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    let token = prop_oneof![
        Just(String::new()),
        Just("~".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("-1".to_owned()),
        Just("99999999999999999999".to_owned()),
        Just("\"1.34\"".to_owned()),
        Just("10.0.0.0/8".to_owned()),
        Just("&a [*a]".to_owned()),
        Just("!!binary aGk=".to_owned()),
        "[a-zA-Z0-9./:_-]{0,80}",
        ".{0,40}",
    ];
    prop_oneof![
        (0usize..100).prop_map(Edit::Drop),
        (0usize..100).prop_map(Edit::Duplicate),
        ((0usize..100), token.clone()).prop_map(|(i, t)| Edit::ReplaceValue(i, t)),
        ((0usize..100), token).prop_map(|(i, t)| Edit::Insert(i, t)),
    ]
}

fn apply(edits: &[Edit]) -> String {
    let mut lines: Vec<String> = REFERENCE.lines().map(str::to_owned).collect();
    for e in edits {
        let n = lines.len().max(1);
        match e {
            Edit::Drop(i) => {
                if !lines.is_empty() {
                    lines.remove(i % n);
                }
            }
            Edit::Duplicate(i) => {
                if let Some(l) = lines.get(i % n).cloned() {
                    lines.insert(i % n, l);
                }
            }
            Edit::ReplaceValue(i, t) => {
                if let Some(l) = lines.get_mut(i % n)
                    && let Some((k, _)) = l.split_once(": ")
                {
                    *l = format!("{k}: {t}");
                }
            }
            Edit::Insert(i, t) => lines.insert(i % n, t.clone()),
        }
    }
    lines.join("\n")
}

fn check_assembly(text: &str) {
    let loaded = plinth_spec::load(text);
    if let Some(platform) = loaded.platform {
        let assembly = plinth_synth::synth(&platform);
        for stack in &assembly.stacks {
            assert!(
                refs::dangling(&stack.template).is_empty(),
                "dangling refs in {}",
                stack.name
            );
        }
        // Rendering is part of synthesis as far as users are concerned.
        for f in &assembly.kubernetes {
            assert!(!f.to_yaml().is_empty());
        }
    } else {
        assert!(loaded.has_errors(), "no platform but no error either");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_text_loads_without_panicking(text in ".{0,400}") {
        let loaded = plinth_spec::load(&text);
        prop_assert!(loaded.platform.is_some() || loaded.has_errors());
    }

    #[test]
    fn edited_reference_specs_never_panic_and_stay_consistent(edits in prop::collection::vec(edit(), 1..6)) {
        check_assembly(&apply(&edits));
    }
}

#[test]
fn the_reference_itself_is_consistent() {
    check_assembly(REFERENCE);
}
