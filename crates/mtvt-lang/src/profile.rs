//! Bridge from provider profiles (mtvt-profiles: `.providers.json`, validated, with
//! `COPYOFFLOAD_*` overrides) to the facts the checker's provider rules need. The
//! checker itself never reads files or environment variables.

use std::path::Path;

use crate::check::{CopyOffloadFacts, ProviderFacts};

pub use mtvt_profiles::{Profile, ProfileError};

/// The facts of a validated profile.
pub fn facts(p: &Profile) -> ProviderFacts {
    let copyoffload = match &p.copyoffload {
        Some(c) => CopyOffloadFacts {
            missing_fields: Vec::new(),
            has_secondary_datastore: c.secondary_datastore_id.is_some(),
            has_non_xcopy_datastore: c.non_xcopy_datastore_id.is_some(),
            has_rdm_lun: c.rdm_lun_uuid.is_some(),
        },
        None => CopyOffloadFacts {
            missing_fields: p
                .copyoffload_missing_fields()
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
            ..CopyOffloadFacts::default()
        },
    };
    ProviderFacts {
        profile: p.name.clone(),
        provider_type: p.provider_type,
        copyoffload: Some(copyoffload),
    }
}

/// Loads profile `name` from the providers file at `path` (environment overrides from
/// the process environment) and returns its facts.
pub fn load_facts(path: &Path, name: &str) -> Result<ProviderFacts, Box<ProfileError>> {
    let file = mtvt_profiles::load(path).map_err(Box::new)?;
    let env = |k: &str| std::env::var(k).ok();
    let profile = file.profile(name, &env).map_err(Box::new)?;
    Ok(facts(&profile))
}

/// Renders a profile error with its source snippet (no colour, fixed width).
pub fn render_error(e: &ProfileError) -> String {
    let mut out = String::new();
    if crate::diag::render::plain_handler()
        .render_report(&mut out, e)
        .is_err()
    {
        out = e.to_string();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtvt_vocab::ProviderKind;

    #[test]
    fn facts_from_fixture_profiles() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/providers.json");
        let full = load_facts(&path, "vsphere-xcopy").expect("loads");
        assert_eq!(full.provider_type, ProviderKind::Vsphere);
        let co = full.copyoffload.expect("facts");
        assert!(co.missing_fields.is_empty() && !co.has_secondary_datastore && !co.has_rdm_lun);
        let partial = load_facts(&path, "vsphere-incomplete").expect("loads");
        let missing = partial.copyoffload.expect("facts").missing_fields;
        assert!(
            missing.iter().any(|f| f == "storage_username"),
            "{missing:?}"
        );
        let err = load_facts(&path, "nope").map(|_| ()).unwrap_err();
        assert!(matches!(*err, ProfileError::UnknownProfile { .. }));
        assert!(load_facts(Path::new("/nonexistent/providers.json"), "x").is_err());
    }
}
