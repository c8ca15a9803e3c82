//! Where and how to reach one source provider: URL, credentials, OpenStack scope, TLS.
//!
//! Built from a `.providers.json` profile (`mtvt-profiles`) or by hand; the adapters only
//! read this struct. It resolves the profile's `api_url` the way the pytest suite writes it
//! (absolute `https://vcenter/sdk`, or a path such as `/sdk` joined to `https://<fqdn>`).

use mtvt_vocab::ProviderKind;
use mtvt_vocab::Secret;
use url::Url;

use crate::error::SourceError;
use crate::http::TlsOptions;

/// Keystone v3 scope of an OpenStack profile (`project_name`, domains, region).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenstackScope {
    /// Project to scope the token to.
    pub project_name: String,
    /// Domain id of the project (`project_domain_id`).
    pub project_domain_id: Option<String>,
    /// Domain name of the user (`user_domain_name`).
    pub user_domain_name: Option<String>,
    /// Domain id of the user (`user_domain_id`).
    pub user_domain_id: Option<String>,
    /// Region whose catalog endpoints to use (`region_name`; `None` = any).
    pub region_name: Option<String>,
}

/// Connection details of a vSphere, oVirt, OpenStack or OVA source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceEndpoint {
    /// Provider type.
    pub kind: ProviderKind,
    /// The profile's `api_url`: `…/sdk` (vSphere), `…/ovirt-engine/api` (oVirt), the
    /// Keystone `…/v3` (OpenStack), the NFS share (OVA).
    pub api_url: String,
    /// The profile's `fqdn` (host, optionally `:port`), used when `api_url` is a bare path.
    pub fqdn: String,
    /// User name.
    pub username: String,
    /// Password.
    pub password: Secret,
    /// OpenStack scope (ignored by other types).
    pub openstack: OpenstackScope,
    /// TLS verification settings.
    pub tls: TlsOptions,
}

impl SourceEndpoint {
    /// The absolute `api_url`: as given when it has a scheme, else `https://<fqdn><api_url>`.
    pub fn api_url(&self) -> Result<Url, SourceError> {
        let raw = self.api_url.trim();
        let text = if raw.contains("://") {
            raw.to_string()
        } else if !self.fqdn.trim().is_empty() {
            let path = raw.trim_start_matches(':');
            let path = if path.starts_with('/') || path.is_empty() {
                path.to_string()
            } else {
                format!("/{path}")
            };
            format!("https://{}{path}", self.fqdn.trim().trim_end_matches('/'))
        } else {
            return Err(self.config_error(format!(
                "api_url '{raw}' has no scheme and fqdn is empty; set api_url to e.g. {}",
                self.example_url()
            )));
        };
        Url::parse(&text).map_err(|e| {
            self.config_error(format!(
                "api_url '{text}' is not a URL ({e}); expected e.g. {}",
                self.example_url()
            ))
        })
    }

    /// The URL with `suffix` (e.g. `/sdk`) removed from the end of its path, plus a trailing
    /// slash, so that relative joins land at the server root.
    pub(crate) fn api_root(&self, suffix: &str) -> Result<Url, SourceError> {
        let mut url = self.api_url()?;
        let path = url.path().trim_end_matches('/');
        let stripped = path.strip_suffix(suffix).unwrap_or(path);
        let root = format!("{}/", stripped.trim_end_matches('/'));
        url.set_path(&root);
        url.set_query(None);
        Ok(url)
    }

    fn example_url(&self) -> &'static str {
        match self.kind {
            ProviderKind::Vsphere => "https://vcenter.example.com/sdk",
            ProviderKind::Ovirt => "https://engine.example.com/ovirt-engine/api",
            ProviderKind::Openstack => "https://keystone.example.com:5000/v3",
            ProviderKind::Ova => "nfs.example.com:/exports/ova",
            ProviderKind::Openshift => "(empty: the cluster itself)",
            ProviderKind::Hyperv => "hyperv-01.example.com",
        }
    }

    pub(crate) fn config_error(&self, message: String) -> SourceError {
        SourceError::Config {
            provider: self.kind,
            message,
        }
    }
}

/// Joins `path` (no leading slash) to a root URL ending in `/`.
pub(crate) fn join(provider: ProviderKind, root: &Url, path: &str) -> Result<Url, SourceError> {
    root.join(path.trim_start_matches('/'))
        .map_err(|e| SourceError::Config {
            provider,
            message: format!("cannot join '{path}' to '{root}': {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep(kind: ProviderKind, api_url: &str, fqdn: &str) -> SourceEndpoint {
        SourceEndpoint {
            kind,
            api_url: api_url.into(),
            fqdn: fqdn.into(),
            username: "u".into(),
            password: Secret::new("p"),
            openstack: OpenstackScope::default(),
            tls: TlsOptions::default(),
        }
    }

    #[test]
    fn api_urls_resolve() {
        let v = ep(ProviderKind::Vsphere, "https://vc.lab/sdk", "");
        assert_eq!(v.api_root("/sdk").unwrap().as_str(), "https://vc.lab/");
        let v = ep(ProviderKind::Vsphere, "/sdk", "vc.lab");
        assert_eq!(v.api_url().unwrap().as_str(), "https://vc.lab/sdk");
        assert_eq!(v.api_root("/sdk").unwrap().as_str(), "https://vc.lab/");
        let o = ep(
            ProviderKind::Ovirt,
            "http://127.0.0.1:4002/ovirt-engine/api",
            "",
        );
        assert_eq!(
            o.api_root("/ovirt-engine/api").unwrap().as_str(),
            "http://127.0.0.1:4002/"
        );
        let s = ep(ProviderKind::Openstack, ":/v3", "keystone.lab:5000");
        assert_eq!(
            s.api_url().unwrap().as_str(),
            "https://keystone.lab:5000/v3"
        );
        let bad = ep(ProviderKind::Vsphere, "/sdk", "");
        let e = bad.api_url().unwrap_err().to_string();
        assert!(e.contains("fqdn is empty"), "{e}");
        assert!(!format!("{v:?}").contains("\"p\""));
        let root = v.api_root("/sdk").unwrap();
        assert_eq!(
            join(ProviderKind::Vsphere, &root, "/api/session")
                .unwrap()
                .as_str(),
            "https://vc.lab/api/session"
        );
    }
}
