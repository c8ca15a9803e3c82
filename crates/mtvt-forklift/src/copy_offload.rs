//! vSphere copy-offload (XCOPY) resources, as pure functions of a profile's `copyoffload`
//! settings: the storage Secret the populator reads, the datastores a VM's disks need
//! mapped (primary, secondary, non-XCOPY), and the StorageMap entries with
//! `offloadPlugin.vsphereXcopyConfig`. Nothing here talks to a cluster.
//!
//! ```
//! use mtvt_forklift::copy_offload::{map_entries, offload_datastores, DatastoreRole};
//! # let text = r#"{"v": {"type": "vsphere", "fqdn": "vc", "api_url": "https://vc/sdk", "username": "u",
//! #   "password": "p", "copyoffload": {"storage_vendor_product": "ontap", "datastore_id": "datastore-1",
//! #   "storage_hostname": "h", "storage_username": "u", "storage_password": "s", "ontap_svm": "svm"}}}"#;
//! # let file = mtvt_profiles::ProvidersFile::parse("p.json", text).unwrap();
//! # let co = file.profile("v", &|_| None).unwrap().copyoffload.unwrap();
//! let ds = offload_datastores(&co, &["datastore-1".to_string()]);
//! assert_eq!(ds[0].role, DatastoreRole::Primary);
//! let entries = map_entries(&ds, "ocs-storagecluster-ceph-rbd", "xcopy-secret", co.storage_vendor_product);
//! assert_eq!(entries[0]["offloadPlugin"]["vsphereXcopyConfig"]["storageVendorProduct"], "ontap");
//! ```

use std::collections::BTreeMap;
use std::fmt;

use mtvt_profiles::{CopyOffload, StorageVendor};
use serde_json::{Value, json};

use mtvt_vocab::Secret;

/// Provider annotation that steers a vSphere Provider to copy-offload (no VDDK image).
pub const EMPTY_VDDK_ANNOTATION: (&str, &str) =
    ("forklift.konveyor.io/empty-vddk-init-image", "yes");

/// The `pvcNameTemplate` the pytest suite forces on copy-offload plans.
pub const PVC_NAME_TEMPLATE: &str = "pvc";

/// The copy-offload storage Secret's data: `STORAGE_HOSTNAME`, `STORAGE_USERNAME`,
/// `STORAGE_PASSWORD` and the vendor's keys. `Debug` shows key names only.
#[derive(Clone, PartialEq, Eq)]
pub struct StorageSecretData {
    entries: BTreeMap<&'static str, Secret>,
}

impl StorageSecretData {
    /// Key names, sorted.
    pub fn keys(&self) -> Vec<&'static str> {
        self.entries.keys().copied().collect()
    }

    /// One value (exposed: it goes into a Secret manifest).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries.get(key).map(Secret::expose)
    }

    /// The Secret's `stringData` object. Exposes the values: send it to the cluster, never
    /// print it.
    pub fn string_data(&self) -> Value {
        Value::Object(
            self.entries
                .iter()
                .map(|(k, v)| ((*k).to_string(), Value::String(v.expose().to_string())))
                .collect(),
        )
    }
}

impl fmt::Debug for StorageSecretData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StorageSecretData")
            .field("keys", &self.keys())
            .finish_non_exhaustive()
    }
}

/// The storage Secret data of `co` (the profile crate's vendor key mapping).
pub fn storage_secret_data(co: &CopyOffload) -> StorageSecretData {
    StorageSecretData {
        entries: co
            .storage_secret_keys()
            .into_iter()
            .map(|(k, v)| (k, Secret::new(v)))
            .collect(),
    }
}

/// What a datastore is to copy-offload.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DatastoreRole {
    /// `datastore_id`: the primary XCOPY datastore.
    Primary,
    /// `secondary_datastore_id`: another XCOPY datastore on the same array.
    Secondary,
    /// `non_xcopy_datastore_id`: no XCOPY (fallback to a regular copy).
    NonXcopy,
    /// A datastore the profile does not name.
    Other,
}

/// A datastore to map, with its role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OffloadDatastore {
    /// vSphere moRef (`datastore-1041`).
    pub id: String,
    /// Role in the profile.
    pub role: DatastoreRole,
}

/// The role of datastore `id` in `co`.
pub fn role_of(co: &CopyOffload, id: &str) -> DatastoreRole {
    if id == co.datastore_id {
        DatastoreRole::Primary
    } else if co.secondary_datastore_id.as_deref() == Some(id) {
        DatastoreRole::Secondary
    } else if co.non_xcopy_datastore_id.as_deref() == Some(id) {
        DatastoreRole::NonXcopy
    } else {
        DatastoreRole::Other
    }
}

/// Resolves a symbolic datastore of a scenario (`primary`/`datastore_id`,
/// `secondary`/`secondary_datastore_id`, `non_xcopy`/`non_xcopy_datastore_id`) to its id;
/// any other text is taken as an id. `None` when the profile lacks that datastore.
pub fn resolve_datastore<'a>(co: &'a CopyOffload, symbol: &'a str) -> Option<&'a str> {
    match symbol {
        "primary" | "datastore_id" => Some(co.datastore_id.as_str()),
        "secondary" | "secondary_datastore_id" => co.secondary_datastore_id.as_deref(),
        "non_xcopy" | "non_xcopy_datastore_id" => co.non_xcopy_datastore_id.as_deref(),
        other => Some(other),
    }
}

/// The datastores to map for VMs whose disks are on `used` (datastore ids): the primary
/// always (the pytest suite maps it for every copy-offload plan), then every used one by
/// role (secondary, non-XCOPY, others in first-seen order), without duplicates.
pub fn offload_datastores(co: &CopyOffload, used: &[String]) -> Vec<OffloadDatastore> {
    let mut out = vec![OffloadDatastore {
        id: co.datastore_id.clone(),
        role: DatastoreRole::Primary,
    }];
    let mut rest: Vec<OffloadDatastore> = Vec::new();
    for id in used {
        if out.iter().chain(rest.iter()).any(|d| &d.id == id) {
            continue;
        }
        rest.push(OffloadDatastore {
            id: id.clone(),
            role: role_of(co, id),
        });
    }
    rest.sort_by_key(|d| d.role); // stable: others keep first-seen order
    out.extend(rest);
    out
}

/// StorageMap `spec.map` entries for copy-offload: each datastore → `storage_class` as a
/// `ReadWriteOnce` `Block` volume, with `offloadPlugin.vsphereXcopyConfig` (kept on
/// non-XCOPY datastores too, so Forklift exercises its fallback).
pub fn map_entries(
    datastores: &[OffloadDatastore],
    storage_class: &str,
    secret_name: &str,
    vendor: StorageVendor,
) -> Vec<Value> {
    datastores
        .iter()
        .map(|d| {
            json!({
                "source": {"id": d.id},
                "destination": {"storageClass": storage_class, "accessMode": "ReadWriteOnce", "volumeMode": "Block"},
                "offloadPlugin": {"vsphereXcopyConfig": {"secretRef": secret_name, "storageVendorProduct": vendor.as_str()}},
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn co(vendor_fields: &str) -> CopyOffload {
        let text = format!(
            r#"{{"v": {{"type": "vsphere", "fqdn": "vc", "api_url": "https://vc/sdk", "username": "u", "password": "p",
            "copyoffload": {{"datastore_id": "datastore-1", "secondary_datastore_id": "datastore-2",
            "non_xcopy_datastore_id": "datastore-3", "storage_hostname": "array.lab", "storage_username": "admin",
            "storage_password": "array-pw-42", {vendor_fields}}}}}}}"#
        );
        let file = mtvt_profiles::ProvidersFile::parse("p.json", text).unwrap();
        file.profile("v", &|_| None).unwrap().copyoffload.unwrap()
    }

    #[test]
    fn secret_data_per_vendor() {
        let ontap = storage_secret_data(&co(
            r#""storage_vendor_product": "ontap", "ontap_svm": "svm1""#,
        ));
        assert_eq!(
            ontap.keys(),
            vec![
                "ONTAP_SVM",
                "STORAGE_HOSTNAME",
                "STORAGE_PASSWORD",
                "STORAGE_USERNAME"
            ]
        );
        assert_eq!(ontap.get("STORAGE_PASSWORD"), Some("array-pw-42"));
        assert_eq!(ontap.string_data()["ONTAP_SVM"], "svm1");
        assert!(!format!("{ontap:?}").contains("array-pw-42"));
        let vantara = storage_secret_data(&co(
            r#""storage_vendor_product": "vantara", "vantara_storage_id": "123", "vantara_storage_port": "443", "vantara_hostgroup_id_list": "CL1-A,1""#,
        ));
        for k in ["STORAGE_ID", "STORAGE_PORT", "HOSTGROUP_ID_LIST"] {
            assert!(vantara.get(k).is_some(), "{k}");
        }
        let plain = storage_secret_data(&co(r#""storage_vendor_product": "powerstore""#));
        assert_eq!(plain.keys().len(), 3);
    }

    #[test]
    fn datastores_by_role() {
        let c = co(r#""storage_vendor_product": "ontap", "ontap_svm": "s""#);
        let used = |ids: &[&str]| ids.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let d = offload_datastores(
            &c,
            &used(&["datastore-3", "datastore-9", "datastore-1", "datastore-2"]),
        );
        let got: Vec<_> = d.iter().map(|x| (x.id.as_str(), x.role)).collect();
        assert_eq!(
            got,
            vec![
                ("datastore-1", DatastoreRole::Primary),
                ("datastore-2", DatastoreRole::Secondary),
                ("datastore-3", DatastoreRole::NonXcopy),
                ("datastore-9", DatastoreRole::Other),
            ]
        );
        assert_eq!(offload_datastores(&c, &[]).len(), 1);
        assert_eq!(
            resolve_datastore(&c, "secondary_datastore_id"),
            Some("datastore-2")
        );
        assert_eq!(resolve_datastore(&c, "non_xcopy"), Some("datastore-3"));
        assert_eq!(resolve_datastore(&c, "datastore-77"), Some("datastore-77"));
    }

    #[test]
    fn map_entries_shape() {
        let c = co(r#""storage_vendor_product": "pureFlashArray", "pure_cluster_prefix": "px_1""#);
        let e = map_entries(
            &offload_datastores(&c, &[]),
            "block-sc",
            "xcopy-secret",
            c.storage_vendor_product,
        );
        assert_eq!(
            e,
            vec![json!({"source": {"id": "datastore-1"},
                "destination": {"storageClass": "block-sc", "accessMode": "ReadWriteOnce", "volumeMode": "Block"},
                "offloadPlugin": {"vsphereXcopyConfig": {"secretRef": "xcopy-secret", "storageVendorProduct": "pureFlashArray"}}})]
        );
    }
}
