//! Addons wave: platform addons as Argo CD Applications with pinned charts, and the same
//! values as files for `helm`. Filled in by the addons work; empty until then.

use plinth_spec::Platform;

use super::ManifestFile;

pub fn files(_p: &Platform) -> Vec<ManifestFile> {
    Vec::new()
}
