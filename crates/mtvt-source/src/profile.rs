//! The bridge from a `.providers.json` profile (`mtvt-profiles`) to what the adapters read:
//! [`SourceEndpoint::from_profile`]. The only module of this crate that knows the profile
//! format.

use mtvt_profiles::Profile;

use crate::endpoint::{OpenstackScope, SourceEndpoint};
use crate::http::TlsOptions;

impl SourceEndpoint {
    /// The endpoint of a validated profile. OpenShift profiles carry no endpoint (the
    /// OpenShift adapter takes a `kube::Client`); the result is still well-formed but unused.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// let file = mtvt_profiles::load(std::path::Path::new(".providers.json"))?;
    /// let profile = file.profile("vsphere", &|k| std::env::var(k).ok())?;
    /// let endpoint = mtvt_source::SourceEndpoint::from_profile(&profile, Default::default());
    /// # let _ = endpoint; Ok(()) }
    /// ```
    pub fn from_profile(profile: &Profile, tls: TlsOptions) -> SourceEndpoint {
        SourceEndpoint {
            kind: profile.provider_type,
            api_url: profile.api_url.clone(),
            fqdn: profile.fqdn.clone(),
            username: profile.username.clone(),
            password: profile.password.clone(),
            openstack: OpenstackScope {
                project_name: profile.project_name.clone().unwrap_or_default(),
                project_domain_id: profile.project_domain_id.clone(),
                user_domain_name: profile.user_domain_name.clone(),
                user_domain_id: profile.user_domain_id.clone(),
                region_name: profile.region_name.clone(),
            },
            tls,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mtvt_vocab::ProviderKind;

    #[test]
    fn openstack_profile_maps_scope_and_keeps_password_secret() {
        let text = r#"{"os": {"type": "openstack", "version": "17.1", "fqdn": "keystone.lab",
            "api_url": "https://keystone.lab:5000/v3", "username": "admin", "password": "s3cr3t-pw",
            "project_name": "mtv-qe", "user_domain_name": "Default", "region_name": "regionOne",
            "user_domain_id": "default", "project_domain_id": "default"}}"#;
        let file = mtvt_profiles::ProvidersFile::parse("p.json", text).unwrap();
        let profile = file.profile("os", &|_| None).unwrap();
        let ep = SourceEndpoint::from_profile(&profile, TlsOptions::default());
        assert_eq!(ep.kind, ProviderKind::Openstack);
        assert_eq!(ep.openstack.project_name, "mtv-qe");
        assert_eq!(ep.openstack.region_name.as_deref(), Some("regionOne"));
        assert_eq!(ep.password.expose(), "s3cr3t-pw");
        assert!(!format!("{ep:?}").contains("s3cr3t-pw"));
        assert_eq!(
            ep.api_url().unwrap().as_str(),
            "https://keystone.lab:5000/v3"
        );
    }
}
