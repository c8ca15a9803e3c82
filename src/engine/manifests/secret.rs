//! Secret manifests: the source provider's credentials (keys per provider type, as the
//! pytest suite writes them), the remote destination's token, and the copy-offload storage
//! Secret. Values are passed in already exposed and go into `stringData` only; callers
//! must never log these manifests (`render` redacts them).

use std::collections::BTreeMap;

use mtvt_profiles::Profile;
use mtvt_vocab::ProviderKind;
use serde_json::{Value, json};

use super::{Manifest, Owner, object, set};
use crate::cluster::kinds;

/// What the source Secret is made of.
#[derive(Clone)]
pub struct SourceSecretInput<'a> {
    /// The provider profile.
    pub profile: &'a Profile,
    /// The provider URL (absolute `api_url`; the cluster URL for OpenShift).
    pub url: &'a str,
    /// Skip TLS verification (`insecureSkipVerify`).
    pub insecure: bool,
    /// CA certificate(s) of the source endpoint (PEM), stored under `ca_key`.
    pub ca_pem: Option<&'a str>,
    /// The Secret key of the CA ([`ca_key`]).
    pub ca_key: &'static str,
    /// OpenShift sources: the cluster bearer token.
    pub cluster_token: Option<&'a str>,
}

/// The first MTV version whose Forklift reads the CA from `ca.crt`.
pub const CA_CRT_SINCE: [u64; 2] = [2, 12];

/// The Secret key of a source provider's CA for the installed MTV version: `ca.crt`, the
/// Kubernetes convention Forklift reads first (pkg/lib/util/util.go:128-137), from MTV 2.12
/// on; `cacert` before, or when the version is unknown (still read by every Forklift so
/// far, but deprecated and due to be removed in Forklift 2.14).
pub fn ca_key(mtv_version: Option<&[u64]>) -> &'static str {
    match mtv_version {
        Some(v) if v >= CA_CRT_SINCE.as_slice() => "ca.crt",
        _ => "cacert",
    }
}

/// The source provider Secret.
pub fn source_secret(
    name: &str,
    namespace: &str,
    owner: &Owner,
    input: &SourceSecretInput<'_>,
) -> Manifest {
    let p = input.profile;
    let mut data: BTreeMap<&str, String> = BTreeMap::new();
    let insecure = if input.insecure { "true" } else { "false" };
    match p.provider_type {
        ProviderKind::Vsphere | ProviderKind::Ovirt => {
            data.insert("url", input.url.to_string());
            data.insert("user", p.username.clone());
            data.insert("password", p.password.expose().to_string());
            data.insert("insecureSkipVerify", insecure.into());
        }
        ProviderKind::Openstack => {
            data.insert("url", input.url.to_string());
            data.insert("username", p.username.clone());
            data.insert("password", p.password.expose().to_string());
            data.insert("regionName", p.region_name.clone().unwrap_or_default());
            data.insert("projectName", p.project_name.clone().unwrap_or_default());
            data.insert("domainName", p.user_domain_name.clone().unwrap_or_default());
            data.insert("insecureSkipVerify", insecure.into());
        }
        ProviderKind::Openshift => {
            data.insert("token", input.cluster_token.unwrap_or_default().to_string());
            data.insert("insecureSkipVerify", "true".into());
        }
        ProviderKind::Ova => {
            data.insert("url", input.url.to_string());
        }
        // pkg/controller/hyperv/secret.go field names; SMB credentials default to the host's
        ProviderKind::Hyperv => {
            data.insert("username", p.username.clone());
            data.insert("password", p.password.expose().to_string());
            data.insert("smbUrl", p.smb_url.clone().unwrap_or_default());
            if let Some(u) = &p.smb_user {
                data.insert("smbUser", u.clone());
            }
            if let Some(pw) = &p.smb_password {
                data.insert("smbPassword", pw.expose().to_string());
            }
            data.insert("insecureSkipVerify", insecure.into());
        }
    }
    if let Some(ca) = input.ca_pem
        && !matches!(p.provider_type, ProviderKind::Openshift | ProviderKind::Ova)
    {
        data.insert(input.ca_key, ca.to_string());
    }
    let mut o = object(kinds::SECRET, name, Some(namespace), owner);
    set(&mut o.body, "type", json!("Opaque"));
    set(&mut o.body, "stringData", json!(data));
    o
}

/// The token Secret of a remote OpenShift destination.
pub fn remote_token_secret(name: &str, namespace: &str, owner: &Owner, token: &str) -> Manifest {
    let mut o = object(kinds::SECRET, name, Some(namespace), owner);
    set(&mut o.body, "type", json!("Opaque"));
    set(
        &mut o.body,
        "stringData",
        json!({"token": token, "insecureSkipVerify": "true"}),
    );
    o
}

/// An Opaque Secret of `string_data`: the copy-offload storage Secret (the populator's
/// `STORAGE_*` and vendor keys), a VM's LUKS passphrase.
pub fn opaque_secret(name: &str, namespace: &str, owner: &Owner, string_data: Value) -> Manifest {
    let mut o = object(kinds::SECRET, name, Some(namespace), owner);
    set(&mut o.body, "type", json!("Opaque"));
    set(&mut o.body, "stringData", string_data);
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(json: &str) -> Profile {
        let f = mtvt_profiles::ProvidersFile::parse("p.json", json).unwrap();
        f.profile("p", &|_| None).unwrap()
    }

    fn owner() -> Owner {
        Owner {
            session: "s".into(),
            scenario: None,
        }
    }

    #[test]
    fn keys_per_type() {
        let v = profile(
            r#"{"p": {"type": "vsphere", "fqdn": "vc", "api_url": "https://vc/sdk", "username": "u", "password": "pw"}}"#,
        );
        let s = source_secret(
            "sec",
            "ns",
            &owner(),
            &SourceSecretInput {
                profile: &v,
                url: "https://vc/sdk",
                insecure: false,
                ca_pem: Some("PEM"),
                ca_key: ca_key(Some(&[2, 10, 0])),
                cluster_token: None,
            },
        );
        assert_eq!(
            s.body["stringData"],
            json!({"url": "https://vc/sdk", "user": "u", "password": "pw", "insecureSkipVerify": "false", "cacert": "PEM"})
        );
        let o = profile(
            r#"{"p": {"type": "openstack", "fqdn": "ks", "api_url": "https://ks:5000/v3", "username": "admin", "password": "pw",
            "project_name": "qe", "user_domain_name": "Default", "region_name": "regionOne", "user_domain_id": "default", "project_domain_id": "default"}}"#,
        );
        let s = source_secret(
            "sec",
            "ns",
            &owner(),
            &SourceSecretInput {
                profile: &o,
                url: "https://ks:5000/v3",
                insecure: true,
                ca_pem: None,
                ca_key: "ca.crt",
                cluster_token: None,
            },
        );
        assert_eq!(s.body["stringData"]["projectName"], "qe");
        assert_eq!(s.body["stringData"]["domainName"], "Default");
        assert_eq!(s.body["stringData"]["insecureSkipVerify"], "true");
        let t = remote_token_secret("t", "ns", &owner(), "tok");
        assert_eq!(t.body["stringData"]["token"], "tok");
    }

    #[test]
    fn the_ca_key_follows_the_mtv_version() {
        assert_eq!(ca_key(None), "cacert");
        assert_eq!(ca_key(Some(&[2, 11, 9])), "cacert");
        assert_eq!(ca_key(Some(&[2, 12])), "ca.crt");
        assert_eq!(ca_key(Some(&[2, 12, 0])), "ca.crt");
        assert_eq!(ca_key(Some(&[3])), "ca.crt");
    }
}
