//! CloudFormation's per-template quotas, which a template must fit before CloudFormation
//! accepts it ([CloudFormation quotas](https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html)).
//! A large spec can outgrow them (hundreds of services in one stack); plinth refuses such an
//! assembly before writing or deploying it rather than letting CreateChangeSet fail.

use crate::Template;

/// Resources one template may declare.
pub const MAX_RESOURCES: usize = 500;
/// Outputs one template may declare.
pub const MAX_OUTPUTS: usize = 200;
/// Parameters one template may declare.
pub const MAX_PARAMETERS: usize = 200;
/// Bytes of a template body read from S3 (the quota's "1 MB", taken as 10^6 bytes as
/// cfn-lint does). Deploy uploads every template over the inline limit to S3.
pub const MAX_TEMPLATE_BYTES: usize = 1_000_000;

/// One quota a template breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// What is counted: `resources`, `outputs`, `parameters` or `bytes`.
    pub what: &'static str,
    /// How many the template has.
    pub count: usize,
    /// The most CloudFormation accepts.
    pub limit: usize,
}

impl std::fmt::Display for Breach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}, over CloudFormation's {}",
            self.count, self.what, self.limit
        )
    }
}

/// Every quota `template` breaks; `rendered_len` is the length of its JSON as written.
pub fn breaches(template: &Template, rendered_len: usize) -> Vec<Breach> {
    [
        ("resources", template.resources.len(), MAX_RESOURCES),
        ("outputs", template.outputs.len(), MAX_OUTPUTS),
        ("parameters", template.parameters.len(), MAX_PARAMETERS),
        ("bytes", rendered_len, MAX_TEMPLATE_BYTES),
    ]
    .into_iter()
    .filter(|&(_, count, limit)| count > limit)
    .map(|(what, count, limit)| Breach { what, count, limit })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Output, Resource};
    use serde_json::json;

    fn with(resources: usize, outputs: usize) -> Template {
        let mut t = Template::default();
        for i in 0..resources {
            t.resources.insert(
                format!("Topic{i}"),
                Resource::new("AWS::SNS::Topic", json!({})),
            );
        }
        for i in 0..outputs {
            t.outputs.insert(
                format!("Out{i}"),
                Output {
                    description: "an output".into(),
                    value: json!("x"),
                    export: None,
                },
            );
        }
        t
    }

    #[test]
    fn a_template_at_the_quotas_fits() {
        assert_eq!(
            breaches(&with(MAX_RESOURCES, MAX_OUTPUTS), MAX_TEMPLATE_BYTES),
            vec![]
        );
    }

    #[test]
    fn one_over_each_quota_is_a_breach() {
        let found = breaches(
            &with(MAX_RESOURCES + 1, MAX_OUTPUTS + 1),
            MAX_TEMPLATE_BYTES + 1,
        );
        let what: Vec<_> = found.iter().map(|b| b.what).collect();
        assert_eq!(what, ["resources", "outputs", "bytes"]);
        assert_eq!(
            found[0].to_string(),
            "501 resources, over CloudFormation's 500"
        );
    }
}
