//! The optional provider profile of the server (`mtvt lsp --providers-file F
//! --provider NAME`): its facts turn on the checker's profile rules (as `mtvt check
//! --provider`), and the source VM names it names (`copyoffload.default_vm_name`) are
//! offered when completing `vm "…"`. Profile files hold credentials: nothing here logs
//! or returns anything but the provider type, profile names and VM names.

use std::path::{Path, PathBuf};

use mtvt_lang::ProviderFacts;

/// What the server was started with.
#[derive(Debug, Clone, Default)]
pub struct ProfileConfig {
    /// `--providers-file`.
    pub providers_file: Option<PathBuf>,
    /// `--provider`.
    pub provider: Option<String>,
}

/// What the server uses from the providers file.
#[derive(Debug, Clone, Default)]
pub struct ProfileInfo {
    /// Facts of the selected profile (diagnostics apply its rules).
    pub facts: Option<ProviderFacts>,
    /// VM names from the profile(s): `(name, profile)`.
    pub vm_names: Vec<(String, String)>,
}

/// Loads the providers file. `Err` carries a message for the editor (never secrets).
pub fn load(config: &ProfileConfig) -> Result<ProfileInfo, String> {
    let Some(path) = config.providers_file.clone().or_else(|| {
        config
            .provider
            .as_ref()
            .map(|_| PathBuf::from(".providers.json"))
    }) else {
        return Ok(ProfileInfo::default());
    };
    load_from(&path, config.provider.as_deref())
}

fn load_from(path: &Path, provider: Option<&str>) -> Result<ProfileInfo, String> {
    let file = mtvt_profiles::load(path).map_err(|e| {
        format!(
            "mtvt lsp: cannot use the providers file {}: {e}",
            path.display()
        )
    })?;
    let env = |k: &str| std::env::var(k).ok();
    let names: Vec<String> = match provider {
        Some(p) => vec![p.to_string()],
        None => file
            .profile_names()
            .iter()
            .map(|s| (*s).to_string())
            .collect(),
    };
    let mut info = ProfileInfo::default();
    for name in names {
        let profile = match file.profile(&name, &env) {
            Ok(p) => p,
            Err(e) if provider.is_some() => {
                return Err(format!(
                    "mtvt lsp: profile `{name}` in {}: {e}",
                    path.display()
                ));
            }
            Err(_) => continue,
        };
        if provider.is_some() {
            info.facts = Some(mtvt_lang::profile::facts(&profile));
        }
        if let Some(vm) = profile
            .copyoffload
            .as_ref()
            .and_then(|c| c.default_vm_name.clone())
        {
            info.vm_names.push((vm, name.clone()));
        }
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"{
      "vs": {"type": "vsphere", "fqdn": "vc.example.com", "api_url": "https://vc.example.com/sdk",
             "username": "u", "password": "pw-secret-1",
             "copyoffload": {"storage_vendor_product": "ontap", "datastore_id": "d1",
                             "storage_hostname": "s", "storage_username": "u",
                             "storage_password": "pw-secret-2", "ontap_svm": "svm",
                             "default_vm_name": "rhel9-template"}},
      "ov": {"type": "ovirt", "fqdn": "e.example.com", "api_url": "https://e.example.com/ovirt-engine/api",
             "username": "u", "password": "pw-secret-3"}
    }"#;

    #[test]
    fn facts_and_vm_names_without_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("providers.json");
        std::fs::write(&path, FILE).unwrap();
        let all = load_from(&path, None).unwrap();
        assert!(all.facts.is_none());
        assert_eq!(
            all.vm_names,
            [(String::from("rhel9-template"), String::from("vs"))]
        );
        let ov = load_from(&path, Some("ov")).unwrap();
        assert_eq!(ov.facts.unwrap().provider_type.as_str(), "ovirt");
        let err = load_from(&path, Some("nope")).unwrap_err();
        assert!(err.contains("nope") && !err.contains("pw-secret"), "{err}");
        let missing = load_from(&dir.path().join("absent.json"), None).unwrap_err();
        assert!(missing.contains("absent.json"), "{missing}");
        assert!(load(&ProfileConfig::default()).unwrap().facts.is_none());
    }
}
