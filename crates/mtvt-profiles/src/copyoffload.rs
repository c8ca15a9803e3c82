//! Copy-offload settings of a vSphere profile (`copyoffload` block), with the pytest
//! suite's `COPYOFFLOAD_<FIELD>` environment overrides, the fields each storage
//! vendor needs, and the storage Secret the xcopy populator reads.
//!
//! Exists so missing copy-offload fields are reported per scenario (only scenarios
//! that use copy-offload need them) while wrong values (an unknown vendor, a bad
//! clone method) fail the load. Must not print storage or ESXi passwords.

use std::collections::BTreeMap;

use mtvt_vocab::{ProviderKind, Secret};
use serde_json::{Map, Value};

use crate::error::ProfileError;
use crate::file::{ProvidersFile, string_field};
use crate::kinds::{EsxiCloneMethod, StorageVendor};
use crate::suggest::did_you_mean;

/// Every `copyoffload` key, in documentation order. Each can be overridden with
/// `COPYOFFLOAD_<KEY upper-cased>`.
pub const COPYOFFLOAD_FIELDS: &[&str] = &[
    "storage_vendor_product",
    "datastore_id",
    "secondary_datastore_id",
    "non_xcopy_datastore_id",
    "default_vm_name",
    "storage_hostname",
    "storage_username",
    "storage_password",
    "ontap_svm",
    "vantara_storage_id",
    "vantara_storage_port",
    "vantara_hostgroup_id_list",
    "pure_cluster_prefix",
    "powerflex_system_id",
    "powermax_symmetrix_id",
    "esxi_clone_method",
    "esxi_host",
    "esxi_user",
    "esxi_password",
    "rdm_lun_uuid",
];

/// Fields every copy-offload setup needs.
pub const COPYOFFLOAD_REQUIRED: &[&str] = &[
    "storage_vendor_product",
    "datastore_id",
    "storage_hostname",
    "storage_username",
    "storage_password",
];

/// Fields the `ssh` clone method needs.
pub const COPYOFFLOAD_SSH_REQUIRED: &[&str] = &["esxi_host", "esxi_user", "esxi_password"];

/// The environment variable overriding a `copyoffload` key.
pub fn env_var_name(field: &str) -> String {
    format!("COPYOFFLOAD_{}", field.to_ascii_uppercase())
}

/// Complete copy-offload settings of a vSphere profile.
#[derive(Debug, Clone)]
pub struct CopyOffload {
    /// `storage_vendor_product`: the `vsphereXcopyConfig.storageVendorProduct`.
    pub storage_vendor_product: StorageVendor,
    /// `datastore_id`: the primary (XCOPY-capable) datastore MoRef, e.g. `datastore-12345`.
    pub datastore_id: String,
    /// `secondary_datastore_id`: a second XCOPY datastore (multi-datastore tests).
    pub secondary_datastore_id: Option<String>,
    /// `non_xcopy_datastore_id`: a datastore without XCOPY (mixed/fallback tests).
    pub non_xcopy_datastore_id: Option<String>,
    /// `default_vm_name`: overrides the source VM/template of cloned scenarios.
    pub default_vm_name: Option<String>,
    /// `storage_hostname`
    pub storage_hostname: String,
    /// `storage_username`
    pub storage_username: String,
    /// `storage_password`
    pub storage_password: Secret,
    /// Vendor-specific values by `copyoffload` key (`ontap_svm`, `vantara_storage_id`, ...).
    pub vendor_values: BTreeMap<&'static str, String>,
    /// `esxi_clone_method` (default `vib`).
    pub esxi_clone_method: EsxiCloneMethod,
    /// `esxi_host` (ssh clone method).
    pub esxi_host: Option<String>,
    /// `esxi_user` (ssh clone method).
    pub esxi_user: Option<String>,
    /// `esxi_password` (ssh clone method).
    pub esxi_password: Option<Secret>,
    /// `rdm_lun_uuid`: the LUN for RDM disk tests.
    pub rdm_lun_uuid: Option<String>,
}

impl CopyOffload {
    /// The storage Secret's data, as the pytest suite builds it: `STORAGE_HOSTNAME`,
    /// `STORAGE_USERNAME`, `STORAGE_PASSWORD`, then the vendor's keys (`ONTAP_SVM`;
    /// `STORAGE_ID`, `STORAGE_PORT`, `HOSTGROUP_ID_LIST`; `PURE_CLUSTER_PREFIX`;
    /// `POWERFLEX_SYSTEM_ID`; `POWERMAX_SYMMETRIX_ID`). The password is exposed here
    /// because it is the Secret's content: send it to the cluster, never print it.
    pub fn storage_secret_keys(&self) -> Vec<(&'static str, String)> {
        let mut keys = vec![
            ("STORAGE_HOSTNAME", self.storage_hostname.clone()),
            ("STORAGE_USERNAME", self.storage_username.clone()),
            (
                "STORAGE_PASSWORD",
                self.storage_password.expose().to_string(),
            ),
        ];
        for (field, key) in self.storage_vendor_product.vendor_fields() {
            if let Some(v) = self.vendor_values.get(field) {
                keys.push((key, v.clone()));
            }
        }
        keys
    }
}

/// A value and whether it came from the environment.
struct Resolved {
    value: String,
    from_env: bool,
}

/// Builds the copy-offload settings: `(Some(settings), [])` when complete, else
/// `(None, missing keys)`. Wrong values are errors.
pub(crate) fn resolve_copyoffload(
    file: &ProvidersFile,
    profile: &str,
    provider_type: ProviderKind,
    obj: &Map<String, Value>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(Option<CopyOffload>, Vec<&'static str>), ProfileError> {
    if !provider_type.supports_copy_offload() {
        return Ok((None, COPYOFFLOAD_REQUIRED.to_vec()));
    }
    let empty = Map::new();
    let block = match obj.get("copyoffload") {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(m)) => m,
        Some(_) => {
            return Err(file.wrong_type(
                &[profile, "copyoffload"],
                &format!("`{profile}.copyoffload`"),
                "an object",
                "another JSON type",
                "copyoffload is an object: \"copyoffload\": {\"storage_vendor_product\": \"ontap\", ...}",
            ));
        }
    };
    let path = [profile, "copyoffload"];
    let values = field_values(file, &path, block, env)?;

    let bad_value = |field: &str, r: &Resolved, problem: String, help: String| {
        let problem = if r.from_env {
            format!("{problem} (from {})", env_var_name(field))
        } else {
            problem
        };
        ProfileError::BadValue {
            profile: profile.to_string(),
            field: format!("copyoffload.{field}"),
            problem,
            help,
            src: file.named_source(),
            span: if r.from_env {
                None
            } else {
                file.span(&[profile, "copyoffload", field], false)
            },
        }
    };

    let vendor = match values.get("storage_vendor_product") {
        None => None,
        Some(r) => Some(StorageVendor::parse(&r.value).ok_or_else(|| {
            let names: Vec<&str> = StorageVendor::ALL.iter().map(|v| v.as_str()).collect();
            let hint = match did_you_mean(&r.value, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? "),
                None => String::new(),
            };
            bad_value(
                "storage_vendor_product",
                r,
                format!("`{}` is not a supported storage vendor", r.value),
                format!("{hint}use one of (case-sensitive): {}", names.join(", ")),
            )
        })?),
    };
    let clone_method = match values.get("esxi_clone_method") {
        None => EsxiCloneMethod::default(),
        Some(r) => EsxiCloneMethod::parse(&r.value).ok_or_else(|| {
            bad_value(
                "esxi_clone_method",
                r,
                format!("`{}` is not an ESXi clone method", r.value),
                "use \"vib\" (the default) or \"ssh\"".into(),
            )
        })?,
    };

    let missing = missing_fields(&values, vendor, clone_method);
    let (Some(vendor), true) = (vendor, missing.is_empty()) else {
        return Ok((None, missing));
    };

    Ok((Some(settings(values, vendor, clone_method)), Vec::new()))
}

/// Every copy-offload field that has a value: from its environment variable when set and
/// not empty, else from the profile's `copyoffload` block.
fn field_values(
    file: &ProvidersFile,
    path: &[&str],
    block: &Map<String, Value>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<BTreeMap<&'static str, Resolved>, ProfileError> {
    let mut values: BTreeMap<&'static str, Resolved> = BTreeMap::new();
    for &field in COPYOFFLOAD_FIELDS {
        let from_env = env(&env_var_name(field)).filter(|v| !v.is_empty());
        let resolved = match from_env {
            Some(value) => Some(Resolved {
                value,
                from_env: true,
            }),
            None => string_field(file, path, block, field, false)?
                .filter(|v| !v.is_empty())
                .map(|value| Resolved {
                    value,
                    from_env: false,
                }),
        };
        if let Some(r) = resolved {
            values.insert(field, r);
        }
    }
    Ok(values)
}

/// The required fields without a value: the common ones, the vendor's, and the SSH clone
/// method's.
fn missing_fields(
    values: &BTreeMap<&'static str, Resolved>,
    vendor: Option<StorageVendor>,
    clone_method: EsxiCloneMethod,
) -> Vec<&'static str> {
    let mut missing: Vec<&'static str> = COPYOFFLOAD_REQUIRED
        .iter()
        .copied()
        .filter(|f| !values.contains_key(f))
        .collect();
    if let Some(v) = vendor {
        missing.extend(
            v.vendor_fields()
                .iter()
                .map(|(f, _)| *f)
                .filter(|f| !values.contains_key(f)),
        );
    }
    if clone_method == EsxiCloneMethod::Ssh {
        missing.extend(
            COPYOFFLOAD_SSH_REQUIRED
                .iter()
                .copied()
                .filter(|f| !values.contains_key(f)),
        );
    }
    missing
}

/// The settings of a complete copy-offload section.
fn settings(
    mut values: BTreeMap<&'static str, Resolved>,
    vendor: StorageVendor,
    clone_method: EsxiCloneMethod,
) -> CopyOffload {
    let mut take = |f: &str| values.remove(f).map(|r| r.value);
    let mut vendor_values = BTreeMap::new();
    for &(field, _) in StorageVendor::ALL.iter().flat_map(|v| v.vendor_fields()) {
        if let Some(v) = take(field) {
            vendor_values.insert(field, v);
        }
    }
    CopyOffload {
        storage_vendor_product: vendor,
        datastore_id: take("datastore_id").unwrap_or_default(),
        secondary_datastore_id: take("secondary_datastore_id"),
        non_xcopy_datastore_id: take("non_xcopy_datastore_id"),
        default_vm_name: take("default_vm_name"),
        storage_hostname: take("storage_hostname").unwrap_or_default(),
        storage_username: take("storage_username").unwrap_or_default(),
        storage_password: Secret::new(take("storage_password").unwrap_or_default()),
        vendor_values,
        esxi_clone_method: clone_method,
        esxi_host: take("esxi_host"),
        esxi_user: take("esxi_user"),
        esxi_password: take("esxi_password").map(Secret::new),
        rdm_lun_uuid: take("rdm_lun_uuid"),
    }
}
