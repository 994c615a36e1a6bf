//! "Did you mean …?" for names the user mistyped.

/// The candidate closest to `input`, if any is close enough to be a likely typo.
pub fn closest<'a>(input: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = input.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_near_misses_only() {
        let fields = ["instanceTypes", "minSize", "maxSize", "desiredSize"];
        assert_eq!(closest("instanceType", fields), Some("instanceTypes"));
        assert_eq!(closest("desiredsize", fields), Some("desiredSize"));
        assert_eq!(closest("zzz", fields), None);
    }
}
