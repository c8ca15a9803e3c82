//! Broken Forklift features (`faults.broken` in the lab file, `--sim-break FEATURE`): the
//! emulated Forklift behaves as if a feature were missing, so a test can show that the
//! scenario exercising the feature fails, and fails for that reason. Each variant names the
//! upstream behaviour it switches off; the controllers ask [`super::Faults::breaks`].
//!
//! Only the decision lives here: what a broken feature does is in the controller that
//! implements the feature.

use serde::Deserialize;

/// A Forklift feature the emulator can be told to break.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BrokenFeature {
    /// `spec.xfsCompatibility` is ignored: guests are converted with the default
    /// (`VIRT_V2V_IMAGE`) virt-v2v image, whose kernel cannot mount XFS v4.
    XfsCompatibility,
    /// `spec.targetLabels` is not copied onto the migrated VM's template.
    TargetLabels,
}

impl BrokenFeature {
    /// Every feature name, for messages.
    pub const NAMES: &'static str = "xfs_compatibility, target_labels";

    /// Parses a feature name.
    pub fn parse(s: &str) -> Option<BrokenFeature> {
        serde_json::from_value(serde_json::Value::String(s.trim().to_string())).ok()
    }
}

impl std::str::FromStr for BrokenFeature {
    type Err = String;

    /// A feature name, as `--sim-break` takes it.
    fn from_str(s: &str) -> Result<Self, String> {
        BrokenFeature::parse(s).ok_or_else(|| {
            format!(
                "unknown feature {s:?} to break; use one of {}",
                BrokenFeature::NAMES
            )
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_every_named_feature_and_rejects_others() {
        for name in BrokenFeature::NAMES.split(", ") {
            assert!(BrokenFeature::parse(name).is_some(), "{name}");
        }
        assert_eq!(
            "xfs_compatibility".parse::<BrokenFeature>(),
            Ok(BrokenFeature::XfsCompatibility)
        );
        assert_eq!(
            "target_labels".parse::<BrokenFeature>(),
            Ok(BrokenFeature::TargetLabels)
        );
        let err = "xfs".parse::<BrokenFeature>().unwrap_err();
        assert!(
            err.contains("use one of xfs_compatibility, target_labels"),
            "{err}"
        );
    }
}
