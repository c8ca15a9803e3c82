//! The closed vocabularies of a profile: the fields each provider kind needs,
//! copy-offload storage vendors (with the Secret keys the vsphere-xcopy populator reads)
//! and ESXi clone methods. Provider kinds themselves are `mtvt_vocab::ProviderKind`.
//!
//! Exists so every spelling lives in one place and matches Forklift exactly (the
//! `storageVendorProduct` CRD enum, `esxiCloneMethod`). Must not read files or
//! environment.

use std::fmt;

use mtvt_vocab::ProviderKind;

/// The fields a profile of `kind` must set (non-empty).
pub fn required_fields(kind: ProviderKind) -> &'static [&'static str] {
    match kind {
        ProviderKind::Vsphere | ProviderKind::Ovirt => &["fqdn", "api_url", "username", "password"],
        ProviderKind::Openstack => &[
            "fqdn",
            "api_url",
            "username",
            "password",
            "project_name",
            "user_domain_name",
            "region_name",
            "user_domain_id",
            "project_domain_id",
        ],
        ProviderKind::Openshift => &[],
        ProviderKind::Ova => &["api_url"],
        // the Hyper-V host (WinRM) and the SMB share holding the disks (Secret `smbUrl`)
        ProviderKind::Hyperv => &["api_url", "username", "password", "smb_url"],
    }
}

/// A copy-offload storage backend (`storageVendorProduct`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StorageVendor {
    /// IBM FlashSystem (`flashsystem`).
    Flashsystem,
    /// Hitachi Vantara (`vantara`).
    Vantara,
    /// NetApp ONTAP (`ontap`).
    Ontap,
    /// HPE Primera / 3PAR (`primera3par`).
    Primera3par,
    /// Pure Storage FlashArray (`pureFlashArray`).
    PureFlashArray,
    /// Dell PowerFlex (`powerflex`).
    Powerflex,
    /// Dell PowerMax (`powermax`).
    Powermax,
    /// Dell PowerStore (`powerstore`).
    Powerstore,
    /// Infinidat InfiniBox (`infinibox`).
    Infinibox,
}

impl StorageVendor {
    /// Every vendor, in the CRD enum's order.
    pub const ALL: [StorageVendor; 9] = [
        StorageVendor::Flashsystem,
        StorageVendor::Vantara,
        StorageVendor::Ontap,
        StorageVendor::Primera3par,
        StorageVendor::PureFlashArray,
        StorageVendor::Powerflex,
        StorageVendor::Powermax,
        StorageVendor::Powerstore,
        StorageVendor::Infinibox,
    ];

    /// The exact CRD enum spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            StorageVendor::Flashsystem => "flashsystem",
            StorageVendor::Vantara => "vantara",
            StorageVendor::Ontap => "ontap",
            StorageVendor::Primera3par => "primera3par",
            StorageVendor::PureFlashArray => "pureFlashArray",
            StorageVendor::Powerflex => "powerflex",
            StorageVendor::Powermax => "powermax",
            StorageVendor::Powerstore => "powerstore",
            StorageVendor::Infinibox => "infinibox",
        }
    }

    /// Parses the exact (case-sensitive) spelling.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The product name.
    pub fn product_name(self) -> &'static str {
        match self {
            StorageVendor::Flashsystem => "IBM FlashSystem",
            StorageVendor::Vantara => "Hitachi Vantara",
            StorageVendor::Ontap => "NetApp ONTAP",
            StorageVendor::Primera3par => "HPE Primera / 3PAR",
            StorageVendor::PureFlashArray => "Pure Storage FlashArray",
            StorageVendor::Powerflex => "Dell PowerFlex",
            StorageVendor::Powermax => "Dell PowerMax",
            StorageVendor::Powerstore => "Dell PowerStore",
            StorageVendor::Infinibox => "Infinidat InfiniBox",
        }
    }

    /// The vendor's extra `copyoffload` fields and the storage Secret key each one
    /// becomes (the environment variables of `cmd/vsphere-copy-offload-populator`).
    pub fn vendor_fields(self) -> &'static [(&'static str, &'static str)] {
        match self {
            StorageVendor::Ontap => &[("ontap_svm", "ONTAP_SVM")],
            StorageVendor::Vantara => &[
                ("vantara_storage_id", "STORAGE_ID"),
                ("vantara_storage_port", "STORAGE_PORT"),
                ("vantara_hostgroup_id_list", "HOSTGROUP_ID_LIST"),
            ],
            StorageVendor::PureFlashArray => &[("pure_cluster_prefix", "PURE_CLUSTER_PREFIX")],
            StorageVendor::Powerflex => &[("powerflex_system_id", "POWERFLEX_SYSTEM_ID")],
            StorageVendor::Powermax => &[("powermax_symmetrix_id", "POWERMAX_SYMMETRIX_ID")],
            StorageVendor::Flashsystem
            | StorageVendor::Primera3par
            | StorageVendor::Powerstore
            | StorageVendor::Infinibox => &[],
        }
    }
}

impl fmt::Display for StorageVendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the copy-offload populator clones disks on ESXi (`esxiCloneMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EsxiCloneMethod {
    /// The VIB installed on the ESXi hosts (Forklift's default).
    #[default]
    Vib,
    /// SSH to the ESXi host with a key Forklift generates.
    Ssh,
}

impl EsxiCloneMethod {
    /// The spelling in `.providers.json` and in `Provider.spec.settings`.
    pub fn as_str(self) -> &'static str {
        match self {
            EsxiCloneMethod::Vib => "vib",
            EsxiCloneMethod::Ssh => "ssh",
        }
    }

    /// Parses `vib` or `ssh`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "vib" => Some(EsxiCloneMethod::Vib),
            "ssh" => Some(EsxiCloneMethod::Ssh),
            _ => None,
        }
    }
}

/// Which vSphere SDK a profile's URL points at (`endpoint_type`, the Provider's
/// `spec.settings.sdkEndpoint`; Forklift pkg/apis/forklift/v1beta1/provider.go `VCenter`/`ESXI`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SdkEndpoint {
    /// A vCenter server (Forklift's default: its webhook sets `vcenter` when unset).
    #[default]
    Vcenter,
    /// A standalone ESXi host: no vCenter-only calls (clones, the Automation REST API).
    Esxi,
}

impl SdkEndpoint {
    /// The spelling in `.providers.json` and in `Provider.spec.settings.sdkEndpoint`.
    pub fn as_str(self) -> &'static str {
        match self {
            SdkEndpoint::Vcenter => "vcenter",
            SdkEndpoint::Esxi => "esxi",
        }
    }

    /// Parses `vcenter` or `esxi` (Forklift's admitter accepts only these).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "vcenter" => Some(SdkEndpoint::Vcenter),
            "esxi" => Some(SdkEndpoint::Esxi),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for v in StorageVendor::ALL {
            assert_eq!(StorageVendor::parse(v.as_str()), Some(v));
        }
        assert_eq!(
            StorageVendor::parse("PureFlashArray"),
            None,
            "case-sensitive like the CRD"
        );
        assert_eq!(EsxiCloneMethod::parse("ssh"), Some(EsxiCloneMethod::Ssh));
        assert_eq!(SdkEndpoint::parse("esxi"), Some(SdkEndpoint::Esxi));
        assert_eq!(SdkEndpoint::parse("ESXi"), None);
        assert_eq!(SdkEndpoint::default().as_str(), "vcenter");
        assert_eq!(EsxiCloneMethod::default().as_str(), "vib");
    }

    #[test]
    fn required_fields_per_kind() {
        assert!(required_fields(ProviderKind::Openshift).is_empty());
        assert_eq!(required_fields(ProviderKind::Ova), ["api_url"]);
        assert_eq!(required_fields(ProviderKind::Openstack).len(), 9);
        for k in [ProviderKind::Vsphere, ProviderKind::Ovirt] {
            assert_eq!(
                required_fields(k),
                ["fqdn", "api_url", "username", "password"]
            );
        }
    }

    #[test]
    fn vendor_secret_keys() {
        let keys: Vec<&str> = StorageVendor::ALL
            .iter()
            .flat_map(|v| v.vendor_fields().iter().map(|(_, k)| *k))
            .collect();
        assert_eq!(
            keys,
            vec![
                "STORAGE_ID",
                "STORAGE_PORT",
                "HOSTGROUP_ID_LIST",
                "ONTAP_SVM",
                "PURE_CLUSTER_PREFIX",
                "POWERFLEX_SYSTEM_ID",
                "POWERMAX_SYMMETRIX_ID"
            ]
        );
    }
}
