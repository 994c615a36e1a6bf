//! The data stack: Druid's AWS data layer (deep storage, metadata database, secrets, Kafka,
//! and the role its pods run with). Present only when the spec has Druid.

use plinth_cfn::Template;
use plinth_spec::Platform;

/// The data stack's template, when the platform has Druid.
pub fn template(p: &Platform) -> Option<Template> {
    let _druid = p.druid.as_ref()?;
    None
}
