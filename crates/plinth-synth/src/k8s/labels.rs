//! Labels every object carries: the recommended `app.kubernetes.io/*` set plus the platform's
//! `{domain}/…` keys, mirroring the `{domain}:…` tags on AWS resources.

use std::collections::BTreeMap;

use plinth_spec::Platform;

/// Labels for an object of `component` that belongs to `part_of` (e.g. `druid`).
pub fn labels(p: &Platform, part_of: &str, component: &str) -> BTreeMap<String, String> {
    let m = &p.metadata;
    let d = &m.domain;
    BTreeMap::from([
        (
            "app.kubernetes.io/managed-by".to_owned(),
            "plinth".to_owned(),
        ),
        ("app.kubernetes.io/part-of".to_owned(), part_of.to_owned()),
        (
            "app.kubernetes.io/component".to_owned(),
            component.to_owned(),
        ),
        (format!("{d}/platform"), p.names.platform().to_owned()),
        (format!("{d}/environment"), m.environment.clone()),
        (format!("{d}/version"), m.version.clone()),
        (format!("{d}/managed-by"), "plinth".to_owned()),
    ])
}

/// Labels that select the pods of one workload (a subset that never changes).
pub fn selector(part_of: &str, component: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/part-of".to_owned(), part_of.to_owned()),
        (
            "app.kubernetes.io/component".to_owned(),
            component.to_owned(),
        ),
    ])
}
