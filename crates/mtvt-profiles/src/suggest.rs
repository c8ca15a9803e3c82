//! "Did you mean" for profile names, provider types, vendors and field names.
//!
//! Exists so every suggestion in this crate uses the same measure. Must not suggest
//! anything for inputs that are not plausibly typos (then callers list the valid set).

/// The candidate closest to `input` (case-insensitive Jaro-Winkler ≥ 0.8), if any.
pub(crate) fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let needle = input.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let score = if c.eq_ignore_ascii_case(input) {
                1.0
            } else {
                strsim::jaro_winkler(&needle, &c.to_lowercase())
            };
            (score, c)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let vendors = [
            "ontap",
            "pureFlashArray",
            "powerflex",
            "powermax",
            "vantara",
        ];
        assert_eq!(did_you_mean("ONTAP", vendors), Some("ontap"));
        assert_eq!(
            did_you_mean("pureflasharray", vendors),
            Some("pureFlashArray")
        );
        assert_eq!(did_you_mean("powerflx", vendors), Some("powerflex"));
        assert_eq!(did_you_mean("emc", vendors), None);
        assert_eq!(
            did_you_mean("vsphre", ["vsphere", "ovirt"]),
            Some("vsphere")
        );
    }
}
