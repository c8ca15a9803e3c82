//! The names of the fields mtvt reads from a providers file, split into those whose
//! values a diagnostic may show and those that hold secrets.
//!
//! Exists so what a diagnostic may show is a positive list in one place: a value is
//! shown only under a key listed in [`SHOWN`]; every other value (secret fields, keys
//! mtvt does not know, misspelt keys) is masked. [`KNOWN`] keys are also the only words
//! an excerpt of a file that does not parse may show. Must never list a field whose value
//! becomes a `Secret`.

/// Fields whose values are not secret: shown in excerpts of a file that parses.
pub(crate) const SHOWN: &[&str] = &[
    "type",
    "version",
    "fqdn",
    "api_url",
    "username",
    "guest_vm_linux_user",
    "guest_vm_win_user",
    "vddk_init_image",
    "endpoint_type",
    "smb_url",
    "smb_user",
    "clone_provider",
    "user_domain_name",
    "region_name",
    "project_name",
    "user_domain_id",
    "project_domain_id",
    "copyoffload",
    "storage_vendor_product",
    "datastore_id",
    "secondary_datastore_id",
    "non_xcopy_datastore_id",
    "default_vm_name",
    "storage_hostname",
    "storage_username",
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
    "rdm_lun_uuid",
];

/// Fields whose values are secrets (read into `Secret`s; masked everywhere).
pub(crate) const SECRET: &[&str] = &[
    "password",
    "guest_vm_linux_password",
    "guest_vm_win_password",
    "storage_password",
    "esxi_password",
    "smb_password",
];

/// Whether values under `key` may be shown.
pub(crate) fn shown(key: &str) -> bool {
    SHOWN.contains(&key)
}

/// Whether `word` is the name of a field mtvt reads.
pub(crate) fn known(word: &str) -> bool {
    SHOWN.contains(&word) || SECRET.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::copyoffload::COPYOFFLOAD_FIELDS;

    #[test]
    fn every_field_is_classified_once() {
        for s in SECRET {
            assert!(!SHOWN.contains(s), "{s} is both shown and secret");
        }
        for f in COPYOFFLOAD_FIELDS {
            assert!(known(f), "copyoffload field {f} is not classified");
        }
        for &kind in mtvt_vocab::ProviderKind::ALL {
            for f in crate::kinds::required_fields(kind) {
                assert!(known(f), "required field {f} is not classified");
            }
        }
        for s in ["storage_password", "esxi_password", "password"] {
            assert!(!shown(s));
        }
    }
}
