//! A provider profile: one entry of `.providers.json`, checked against the fields
//! its provider type needs (the ones the pytest suite reads to create the Provider,
//! its Secret and the source client).
//!
//! Exists so a missing password or a typo in `type` is reported when the file is
//! loaded, with a label on the entry, not halfway through a migration. Must not
//! require copy-offload fields (only scenarios that use copy-offload need them; see
//! [`Profile::copyoffload_missing_fields`]) and must keep secrets in [`Secret`].

use mtvt_vocab::{ProviderKind, Secret};
use serde_json::{Map, Value};

use crate::copyoffload::{CopyOffload, resolve_copyoffload};
use crate::error::ProfileError;
use crate::file::{ProvidersFile, string_field};
use crate::kinds::{SdkEndpoint, required_fields};
use crate::suggest::did_you_mean;

/// One validated provider profile. `Debug` never shows secrets.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The profile's key in the file (what scenarios and `--profile` name).
    pub name: String,
    /// `type`
    pub provider_type: ProviderKind,
    /// `version`: a label used in resource names (may be empty).
    pub version: String,
    /// `fqdn`: host of the provider (CA certificate download, direct connections).
    pub fqdn: String,
    /// `api_url`: the Provider URL (`…/sdk`, `…/ovirt-engine/api`, Keystone `…/v3`,
    /// the OVA NFS share). Empty for OpenShift (the cluster itself is used).
    pub api_url: String,
    /// `username`
    pub username: String,
    /// `password`
    pub password: Secret,
    /// `guest_vm_linux_user`: login for post-migration checks in Linux guests.
    pub guest_vm_linux_user: Option<String>,
    /// `guest_vm_linux_password`
    pub guest_vm_linux_password: Option<Secret>,
    /// `guest_vm_win_user`: login for post-migration checks in Windows guests.
    pub guest_vm_win_user: Option<String>,
    /// `guest_vm_win_password`
    pub guest_vm_win_password: Option<Secret>,
    /// `vddk_init_image` (vSphere): passed to the Provider's `settings.vddkInitImage`.
    pub vddk_init_image: Option<String>,
    /// `user_domain_name` (OpenStack): the Secret's `domainName`.
    pub user_domain_name: Option<String>,
    /// `region_name` (OpenStack): the Secret's `regionName`.
    pub region_name: Option<String>,
    /// `project_name` (OpenStack): the Secret's `projectName`.
    pub project_name: Option<String>,
    /// `user_domain_id` (OpenStack)
    pub user_domain_id: Option<String>,
    /// `project_domain_id` (OpenStack)
    pub project_domain_id: Option<String>,
    /// The copy-offload settings, when every field copy-offload needs is present
    /// (after `COPYOFFLOAD_*` overrides). See [`Profile::copyoffload_missing_fields`].
    pub copyoffload: Option<CopyOffload>,
    /// `endpoint_type` (vSphere): `esxi` when `api_url` is a standalone ESXi host; the
    /// Provider then gets `spec.settings.sdkEndpoint: esxi`. `vcenter` when unset.
    pub endpoint_type: SdkEndpoint,
    /// `clone_provider` (vSphere ESXi profiles): the profile whose source API prepares the
    /// VMs (clone, power, facts): an ESXi host cannot clone, so the suite names the vCenter
    /// that manages it. `None`: this profile's own API.
    pub clone_provider: Option<String>,
    /// `smb_url` (Hyper-V): the SMB share holding the VMs' disks (`//host/share`), the
    /// Secret's `smbUrl`.
    pub smb_url: Option<String>,
    /// `smb_user` / `smb_password` (Hyper-V, optional): SMB credentials when they differ
    /// from the host's (Secret `smbUser`/`smbPassword`).
    pub smb_user: Option<String>,
    /// See [`Profile::smb_user`].
    pub smb_password: Option<Secret>,
    /// The loaded `clone_provider` profile (set by [`crate::ProvidersFile::profile`]).
    pub source_api: Option<Box<Profile>>,
    copyoffload_missing: Vec<&'static str>,
}

impl Profile {
    /// The profile whose source API prepares this profile's VMs: its `clone_provider`
    /// when set (an ESXi host cannot clone), else itself.
    pub fn source_api_profile(&self) -> &Profile {
        self.source_api.as_deref().unwrap_or(self)
    }

    /// The copy-offload fields that are still missing (empty when
    /// [`Profile::copyoffload`] is set). Names are the `copyoffload` JSON keys; each
    /// can also come from `COPYOFFLOAD_<KEY>`. For non-vSphere profiles this lists
    /// the base fields: copy-offload exists only for vSphere
    /// ([`ProviderKind::supports_copy_offload`]).
    pub fn copyoffload_missing_fields(&self) -> Vec<&'static str> {
        self.copyoffload_missing.clone()
    }
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

/// Builds and validates the profile `name` from its JSON object.
pub(crate) fn build_profile(
    file: &ProvidersFile,
    name: &str,
    obj: &Map<String, Value>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Profile, ProfileError> {
    let path = [name];
    let field = |f: &str| string_field(file, &path, obj, f, false);

    let type_text = field("type")?;
    let provider_type = match type_text.as_deref() {
        None => return Err(missing(file, name, obj, "type", "all", None)),
        Some("") => return Err(missing(file, name, obj, "type", "all", Some(()))),
        Some(t) => t.parse::<ProviderKind>().map_err(|e| {
            let hint = match did_you_mean(t, e.expected.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? "),
                None => String::new(),
            };
            ProfileError::BadValue {
                profile: name.to_string(),
                field: "type".into(),
                problem: format!("`{t}` is not a provider type"),
                help: format!("{hint}use one of: {}", e.expected.join(", ")),
                src: file.named_source(),
                span: file.span(&[name, "type"], false),
            }
        })?,
    };

    for required in required_fields(provider_type) {
        match field(required)? {
            None => {
                return Err(missing(
                    file,
                    name,
                    obj,
                    required,
                    provider_type.as_str(),
                    None,
                ));
            }
            Some(v) if v.is_empty() => {
                return Err(missing(
                    file,
                    name,
                    obj,
                    required,
                    provider_type.as_str(),
                    Some(()),
                ));
            }
            Some(_) => {}
        }
    }

    let api_url = field("api_url")?.unwrap_or_default();
    if provider_type == ProviderKind::Ovirt
        && !api_url.trim_end_matches('/').ends_with("/ovirt-engine/api")
    {
        return Err(ProfileError::BadValue {
            profile: name.to_string(),
            field: "api_url".into(),
            problem: format!("`{api_url}` is not an oVirt engine API URL"),
            help: "the URL must end with /ovirt-engine/api, e.g. https://engine.example.com/ovirt-engine/api".into(),
            src: file.named_source(),
            span: file.span(&[name, "api_url"], false),
        });
    }

    let endpoint_type = match non_empty(field("endpoint_type")?) {
        None => SdkEndpoint::default(),
        Some(t) => match SdkEndpoint::parse(&t) {
            Some(e) if provider_type == ProviderKind::Vsphere || e == SdkEndpoint::Vcenter => e,
            _ => {
                return Err(ProfileError::BadValue {
                    profile: name.to_string(),
                    field: "endpoint_type".into(),
                    problem: format!(
                        "`{t}` is not a {} SDK endpoint",
                        provider_type.display_name()
                    ),
                    help: "use `vcenter` or `esxi` (vSphere profiles only)".into(),
                    src: file.named_source(),
                    span: file.span(&[name, "endpoint_type"], false),
                });
            }
        },
    };

    let (copyoffload, copyoffload_missing) =
        resolve_copyoffload(file, name, provider_type, obj, env)?;

    let secret = |v: Option<String>| non_empty(v).map(Secret::new);
    Ok(Profile {
        name: name.to_string(),
        provider_type,
        version: string_field(file, &path, obj, "version", true)?.unwrap_or_default(),
        fqdn: field("fqdn")?.unwrap_or_default(),
        api_url,
        username: field("username")?.unwrap_or_default(),
        password: Secret::new(field("password")?.unwrap_or_default()),
        guest_vm_linux_user: non_empty(field("guest_vm_linux_user")?),
        guest_vm_linux_password: secret(field("guest_vm_linux_password")?),
        guest_vm_win_user: non_empty(field("guest_vm_win_user")?),
        guest_vm_win_password: secret(field("guest_vm_win_password")?),
        vddk_init_image: non_empty(field("vddk_init_image")?),
        user_domain_name: non_empty(field("user_domain_name")?),
        region_name: non_empty(field("region_name")?),
        project_name: non_empty(field("project_name")?),
        user_domain_id: non_empty(field("user_domain_id")?),
        project_domain_id: non_empty(field("project_domain_id")?),
        copyoffload,
        endpoint_type,
        clone_provider: non_empty(field("clone_provider")?),
        source_api: None,
        smb_url: non_empty(field("smb_url")?),
        smb_user: non_empty(field("smb_user")?),
        smb_password: secret(field("smb_password")?),
        copyoffload_missing,
    })
}

/// A `P0004` error: `field` is absent (`empty` = None) or empty (`Some(())`).
pub(crate) fn missing(
    file: &ProvidersFile,
    profile: &str,
    obj: &Map<String, Value>,
    field: &str,
    provider_type: &str,
    empty: Option<()>,
) -> ProfileError {
    let typo = did_you_mean(
        field,
        obj.keys().map(String::as_str).filter(|k| *k != field),
    );
    let mut help = format!("set \"{field}\": \"...\" in the `{profile}` entry");
    if let Some(t) = typo {
        help.push_str(&format!(
            " (the entry has `{t}`: a misspelling of `{field}`?)"
        ));
    }
    let (what, span) = match empty {
        Some(()) => ("has an empty", file.span(&[profile, field], false)),
        None => ("has no", file.span(&[profile], true)),
    };
    ProfileError::MissingField {
        profile: profile.to_string(),
        provider_type: provider_type.to_string(),
        field: field.to_string(),
        what: what.to_string(),
        help,
        src: file.named_source(),
        span: span.unwrap_or_else(|| (0, 0).into()),
    }
}
