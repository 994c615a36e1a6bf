//! Deploy-time values: the `${plinth:output:STACK:OUTPUT}` tokens synthesis writes where a
//! manifest needs a value that exists only once the stacks are deployed (see
//! `plinth_synth::k8s::stack_output`), replaced by the stacks' outputs before anything is
//! applied. Pure: the outputs arrive as data.

use std::collections::BTreeMap;

use plinth_synth::k8s::{Content, ManifestFile, OUTPUT_TOKEN_OPEN};
use serde_json::Value;

/// Outputs by stack short name (`data`, `cluster`, …), then output key.
pub type StackOutputs = BTreeMap<String, BTreeMap<String, String>>;

/// A token names an output the stacks do not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{file}: `{token}` needs the output {output} of the {stack} stack, which has no such output (is the stack deployed?)"
)]
pub struct MissingOutput {
    /// The manifest file holding the token.
    pub file: String,
    /// The token as written.
    pub token: String,
    /// The stack's short name.
    pub stack: String,
    /// The output key.
    pub output: String,
}

/// The files with every token replaced by its output's value.
pub fn resolve(
    files: &[ManifestFile],
    outputs: &StackOutputs,
) -> Result<Vec<ManifestFile>, MissingOutput> {
    files
        .iter()
        .map(|f| {
            let mut f = f.clone();
            if let Content::Objects(objects) = &mut f.content {
                for o in objects {
                    fill(o, &f.path, outputs)?;
                }
            }
            Ok(f)
        })
        .collect()
}

fn fill(v: &mut Value, file: &str, outputs: &StackOutputs) -> Result<(), MissingOutput> {
    match v {
        Value::String(s) if s.contains(OUTPUT_TOKEN_OPEN) => *s = replace(s, file, outputs)?,
        Value::Array(items) => {
            for i in items {
                fill(i, file, outputs)?;
            }
        }
        Value::Object(map) => {
            for i in map.values_mut() {
                fill(i, file, outputs)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// `s` with each token replaced; text around tokens is kept.
fn replace(s: &str, file: &str, outputs: &StackOutputs) -> Result<String, MissingOutput> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find(OUTPUT_TOKEN_OPEN) {
        out.push_str(&rest[..at]);
        let after = &rest[at + OUTPUT_TOKEN_OPEN.len()..];
        let Some(end) = after.find('}') else {
            // Not a token after all: keep the text as it is.
            out.push_str(&rest[at..]);
            return Ok(out);
        };
        let (stack, output) = after[..end].split_once(':').unwrap_or((&after[..end], ""));
        let missing = || MissingOutput {
            file: file.to_owned(),
            token: rest[at..=at + OUTPUT_TOKEN_OPEN.len() + end].to_owned(),
            stack: stack.to_owned(),
            output: output.to_owned(),
        };
        let value = outputs
            .get(stack)
            .and_then(|o| o.get(output))
            .ok_or_else(missing)?;
        out.push_str(value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use plinth_spec::model::StackKind;
    use plinth_synth::k8s::{Wave, stack_output};
    use serde_json::json;

    fn file(objects: Vec<Value>) -> ManifestFile {
        ManifestFile {
            path: "kubernetes/10-foundation/efs.yaml".into(),
            wave: Wave::Foundation,
            content: Content::Objects(objects),
        }
    }

    fn outputs() -> StackOutputs {
        BTreeMap::from([(
            "data".to_owned(),
            BTreeMap::from([(
                "EfsFileSystemId".to_owned(),
                "fs-0123456789abcdef0".to_owned(),
            )]),
        )])
    }

    #[test]
    fn tokens_become_output_values_wherever_they_are() {
        let token = stack_output(StackKind::Data, "EfsFileSystemId");
        let f = file(vec![json!({
            "kind": "StorageClass",
            "parameters": { "fileSystemId": token, "other": "kept" },
            "list": [format!("prefix-{token}-suffix"), 3],
        })]);
        let resolved = resolve(&[f], &outputs()).unwrap();
        let o = &resolved[0].kube_objects()[0];
        assert_eq!(o["parameters"]["fileSystemId"], "fs-0123456789abcdef0");
        assert_eq!(o["parameters"]["other"], "kept");
        assert_eq!(o["list"][0], "prefix-fs-0123456789abcdef0-suffix");
        assert_eq!(o["list"][1], 3);
        assert!(!resolved[0].to_yaml().contains(OUTPUT_TOKEN_OPEN));
    }

    #[test]
    fn a_missing_output_or_stack_is_an_error_naming_both() {
        for (stack, output) in [
            (StackKind::Data, "Nope"),
            (StackKind::Services, "EfsFileSystemId"),
        ] {
            let f = file(vec![json!({ "v": stack_output(stack, output) })]);
            let e = resolve(&[f], &outputs()).unwrap_err();
            assert_eq!(e.stack, stack.as_str());
            assert_eq!(e.output, output);
            assert_eq!(e.file, "kubernetes/10-foundation/efs.yaml");
            assert!(
                e.to_string()
                    .contains(&format!("output {output} of the {} stack", stack.as_str())),
                "{e}"
            );
        }
    }

    #[test]
    fn files_without_tokens_are_unchanged() {
        let f = file(vec![json!({ "a": "${HOME}", "b": "{x}" })]);
        let resolved = resolve(std::slice::from_ref(&f), &StackOutputs::new()).unwrap();
        assert_eq!(resolved[0].to_yaml(), f.to_yaml());
    }
}
