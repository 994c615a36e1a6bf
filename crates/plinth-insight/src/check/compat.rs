//! The cross-layer compatibility table: which Kubernetes minors each chart release and EKS
//! addon line supports. Karpenter's matrix lives beside the other Kubernetes facts in
//! `plinth_spec::facts` because validation needs it too.
//!
//! A version missing from the table is not judged: rules only speak about releases the table
//! knows. When a new release comes out, add its line with its source.

/// Kubernetes minors (1.x → x) a release line supports, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// Oldest supported minor.
    pub min: u32,
    /// Newest supported minor.
    pub max: u32,
}

impl Range {
    /// Whether minor `v` is inside.
    pub fn contains(self, v: u32) -> bool {
        (self.min..=self.max).contains(&v)
    }
}

/// cert-manager release lines and the Kubernetes versions they support, from the supported
/// releases table (<https://cert-manager.io/docs/releases/>, read 2026-11-24).
pub const CERT_MANAGER: &[(&str, Range)] = &[
    ("v1.18", Range { min: 29, max: 33 }),
    ("v1.19", Range { min: 31, max: 35 }),
    ("v1.20", Range { min: 32, max: 35 }),
    ("v1.21", Range { min: 33, max: 36 }),
];

/// The CoreDNS addon line EKS publishes for each Kubernetes minor, from "Manage CoreDNS"
/// (<https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html>, read
/// 2026-11-24).
pub const COREDNS: &[(u32, &str)] = &[
    (28, "v1.10"),
    (29, "v1.11"),
    (30, "v1.11"),
    (31, "v1.11"),
    (32, "v1.11"),
    (33, "v1.12"),
    (34, "v1.12"),
];

/// The `major.minor` line of a version, with its `v`: `v1.19.1` → `v1.19`.
pub fn line(version: &str) -> String {
    let v = version.strip_prefix('v').unwrap_or(version);
    let mut parts = v.split(['.', '-']);
    match (parts.next(), parts.next()) {
        (Some(major), Some(minor)) => format!("v{major}.{minor}"),
        _ => format!("v{v}"),
    }
}

/// The Kubernetes range of a cert-manager chart version, when the table knows its line.
pub fn cert_manager(version: &str) -> Option<Range> {
    let l = line(version);
    CERT_MANAGER.iter().find(|(v, _)| *v == l).map(|(_, r)| *r)
}

/// The CoreDNS addon line for a Kubernetes minor, when the table knows it.
pub fn coredns(kubernetes_minor: u32) -> Option<&'static str> {
    COREDNS
        .iter()
        .find(|(k, _)| *k == kubernetes_minor)
        .map(|(_, l)| *l)
}

/// The newest Kubernetes minor a Karpenter chart version supports, when known.
pub fn karpenter_max(version: &str) -> Option<u32> {
    let minor: u32 = line(version).split('.').nth(1)?.parse().ok()?;
    plinth_spec::facts::KARPENTER_MAX_KUBERNETES
        .iter()
        .find(|(k, _)| *k == minor)
        .map(|(_, max)| *max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        assert_eq!(line("v1.19.1"), "v1.19");
        assert_eq!(line("1.8.2"), "v1.8");
        assert_eq!(line("v1.12.4-eksbuild.1"), "v1.12");
    }

    #[test]
    fn lookups() {
        assert!(cert_manager("v1.19.1").unwrap().contains(34));
        assert!(!cert_manager("v1.18.2").unwrap().contains(34));
        assert_eq!(cert_manager("v1.2.0"), None);
        assert_eq!(coredns(34), Some("v1.12"));
        assert_eq!(karpenter_max("1.8.2"), Some(34));
    }
}
