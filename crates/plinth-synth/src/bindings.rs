//! The bindings stack: pod identity associations between workload roles of the data stack
//! and service accounts in the cluster. Present only when some workload has a role.

use plinth_cfn::Template;
use plinth_spec::Platform;

/// The bindings stack's template, when any workload needs one.
pub fn template(p: &Platform) -> Option<Template> {
    let _druid = p.druid.as_ref()?;
    None
}
