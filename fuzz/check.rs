//! What must hold for any input, shared by the fuzz target (`fuzz_targets/synth.rs`) and the
//! replay of its corpus in the test suite (`crates/plinth-synth/tests/fuzz_corpus.rs`):
//!
//! - loading never panics, and yields a platform exactly when it reports no error;
//! - every diagnostic's span lies inside the source, on character boundaries (the CLI cuts
//!   the source there to underline it);
//! - a valid spec (each environment of one that has environments) synthesizes without
//!   panicking into stacks whose `Ref`/`GetAtt` targets exist and whose imports are all
//!   exported by another stack of the same assembly;
//! - every file (and every file of the GitOps layout) renders, and synthesizing the same platform twice renders the same bytes.

use plinth_cfn::refs;
use plinth_spec::Loaded;

/// Checks one input. Bytes that are not UTF-8 stop at the check the CLI makes before loading.
pub fn spec_bytes(data: &[u8]) {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    match plinth_spec::load_each(source) {
        None => loaded(source, &plinth_spec::load(source)),
        Some(each) => {
            // Together they may have more errors (environments colliding), never fewer.
            assert!(
                each.has_errors() || !each.environments.iter().any(|(_, l)| l.has_errors()),
                "an environment's error is missing from the errors reported together"
            );
            for (_, l) in &each.environments {
                loaded(source, l);
            }
        }
    }
}

fn loaded(source: &str, l: &Loaded) {
    for d in &l.diagnostics {
        if let Some(span) = d.span {
            assert!(
                span.start <= span.end && span.end <= source.len(),
                "{}: span {}..{} outside a source of {} bytes",
                d.code,
                span.start,
                span.end,
                source.len()
            );
            assert!(
                source.is_char_boundary(span.start) && source.is_char_boundary(span.end),
                "{}: span {}..{} cuts a character",
                d.code,
                span.start,
                span.end
            );
        }
    }
    let Some(platform) = &l.platform else {
        assert!(l.has_errors(), "no platform, but no error either");
        return;
    };
    assert!(!l.has_errors(), "a platform despite an error");
    let first = render(platform, &plinth_synth::synth(platform));
    let second = render(platform, &plinth_synth::synth(platform));
    assert!(
        first == second,
        "the same platform rendered differently twice"
    );
}

/// Every file of an assembly (and of its GitOps layout) as text, after checking its stacks'
/// references.
fn render(platform: &plinth_spec::Platform, assembly: &plinth_synth::Assembly) -> Vec<String> {
    let exported: std::collections::BTreeSet<String> = assembly
        .stacks
        .iter()
        .flat_map(|s| s.template.exports())
        .collect();
    for stack in &assembly.stacks {
        let dangling = refs::dangling(&stack.template);
        assert!(dangling.is_empty(), "{}: dangling {dangling:?}", stack.name);
        for import in refs::collect(&stack.template).imports {
            assert!(
                exported.contains(&import),
                "{} imports {import}, which no stack exports",
                stack.name
            );
        }
    }
    let mut files: Vec<String> = assembly.files().into_iter().map(|(_, text)| text).collect();
    if let Some(layout) = plinth_synth::gitops::layout(platform, &assembly.kubernetes) {
        files.extend(
            layout
                .files
                .iter()
                .map(plinth_synth::gitops::LayoutFile::to_yaml),
        );
    }
    files
}
