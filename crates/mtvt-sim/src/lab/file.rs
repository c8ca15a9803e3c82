//! The lab file format exactly as written (YAML; JSON is valid YAML).
//!
//! Every struct rejects unknown keys so a typo is an error, not a silently ignored field.
//! Optional fields stay `Option` here; `resolve` fills defaults and checks references.
//! Documented field by field in `docs/emulator.md`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::model::{
    DiskBus, DiskMode, Firmware, PowerState, ProviderKind, Provisioning, ToolsInstall,
};
use mtvt_vocab::Secret;

/// Top level of a lab file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabFile {
    /// Source providers.
    pub providers: Vec<ProviderFile>,
    /// Destination cluster.
    pub cluster: ClusterFile,
    /// Guest OS logins.
    #[serde(default)]
    pub guest_credentials: Option<GuestCredentialsFile>,
    /// Fault injection.
    #[serde(default)]
    pub faults: Option<FaultsFile>,
}

/// Guest logins.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuestCredentialsFile {
    pub linux_user: String,
    pub linux_password: Secret,
    pub windows_user: String,
    pub windows_password: Secret,
}

/// One source provider.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderFile {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ProviderKind,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub credentials: Option<CredentialsFile>,
    #[serde(default)]
    pub datacenter: Option<String>,
    #[serde(default)]
    pub cluster: Option<String>,
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default)]
    pub hosts: Vec<HostFile>,
    #[serde(default)]
    pub datastores: Vec<DatastoreFile>,
    #[serde(default)]
    pub luns: Vec<LunFile>,
    #[serde(default)]
    pub networks: Vec<NetworkFile>,
    #[serde(default)]
    pub folders: Vec<String>,
    #[serde(default)]
    pub copy_offload: Option<CopyOffloadFile>,
    #[serde(default)]
    pub nfs_share: Option<String>,
    #[serde(default)]
    pub vddk_init_image: Option<String>,
    #[serde(default)]
    pub esxi_endpoint: Option<EsxiEndpointFile>,
    #[serde(default)]
    pub vms: Vec<VmFile>,
}

/// A vSphere provider's host served as a standalone ESXi SDK endpoint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EsxiEndpointFile {
    pub host: String,
    #[serde(default)]
    pub api_type: Option<String>,
}

/// Accepted credentials.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialsFile {
    pub username: String,
    pub password: Secret,
    #[serde(default)]
    pub project_name: Option<String>,
    #[serde(default)]
    pub user_domain_name: Option<String>,
    #[serde(default)]
    pub project_domain_id: Option<String>,
    #[serde(default)]
    pub user_domain_id: Option<String>,
    #[serde(default)]
    pub region_name: Option<String>,
}

/// A host.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostFile {
    pub name: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub ip: Option<String>,
    #[serde(default)]
    pub in_maintenance: bool,
}

/// A datastore / storage domain / volume type.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatastoreFile {
    pub name: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub capacity_gb: Option<u64>,
    #[serde(default)]
    pub free_gb: Option<u64>,
    #[serde(default)]
    pub xcopy: bool,
    #[serde(default)]
    pub vendor: Option<String>,
    #[serde(default)]
    pub folders: Vec<String>,
}

/// A SAN LUN the hosts see (vSphere RDM).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LunFile {
    pub naa: String,
    pub capacity_gb: u64,
    #[serde(default)]
    pub datastore: Option<String>,
}

/// RDM compatibility mode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RdmModeFile {
    /// Virtual compatibility (snapshots, VMDK-like).
    #[default]
    Virtual,
    /// Physical compatibility (SCSI pass-through).
    Physical,
}

/// A network.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkFile {
    pub name: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub vlan: Option<u16>,
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(default)]
    pub cidr: Option<String>,
}

/// XCOPY setup.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CopyOffloadFile {
    pub vendor: String,
    pub datastore: String,
    #[serde(default)]
    pub secondary_datastore: Option<String>,
    #[serde(default)]
    pub non_xcopy_datastore: Option<String>,
    pub storage_hostname: String,
    pub storage_username: String,
    pub storage_password: Secret,
    #[serde(default)]
    pub rdm_lun_uuid: Option<String>,
    #[serde(default)]
    pub esxi_password: Option<Secret>,
    #[serde(default)]
    pub esxi_clone_method: Option<String>,
    #[serde(default)]
    pub extra: BTreeMap<String, String>,
}

/// CPU topology.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CpuFile {
    #[serde(default)]
    pub sockets: Option<u32>,
    #[serde(default)]
    pub cores: Option<u32>,
}

/// A VM or template.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VmFile {
    pub name: String,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub template: bool,
    #[serde(default)]
    pub power: Option<PowerState>,
    #[serde(default)]
    pub cpu: Option<CpuFile>,
    #[serde(default)]
    pub memory_mb: Option<u64>,
    #[serde(default)]
    pub firmware: Option<Firmware>,
    #[serde(default)]
    pub secure_boot: bool,
    #[serde(default)]
    pub tpm: bool,
    #[serde(default)]
    pub uuid: Option<String>,
    #[serde(default)]
    pub serial: Option<String>,
    pub guest_os: String,
    #[serde(default)]
    pub guest_id: Option<String>,
    #[serde(default)]
    pub hostname: Option<String>,
    /// The Linux guest's root filesystem is XFS v4 (`crc=0`), as on guests installed by old
    /// releases; default v5.
    #[serde(default)]
    pub root_xfs_v4: bool,
    #[serde(default)]
    pub guest_tools: Option<ToolsInstall>,
    #[serde(default)]
    pub cbt: bool,
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default)]
    pub folder: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub disks: Vec<DiskFile>,
    #[serde(default)]
    pub nics: Vec<NicFile>,
    #[serde(default)]
    pub snapshots: Vec<SnapshotFile>,
}

/// A disk.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DiskFile {
    #[serde(default)]
    pub size_gb: Option<u64>,
    #[serde(default)]
    pub datastore: Option<String>,
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub provisioning: Option<Provisioning>,
    #[serde(default)]
    pub mode: Option<DiskMode>,
    #[serde(default)]
    pub bus: Option<DiskBus>,
    #[serde(default)]
    pub shared: bool,
    #[serde(default)]
    pub rdm_lun: Option<String>,
    #[serde(default)]
    pub rdm_mode: RdmModeFile,
    #[serde(default)]
    pub serial: Option<String>,
}

/// A NIC.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NicFile {
    pub network: String,
    #[serde(default)]
    pub mac: Option<String>,
    #[serde(default)]
    pub ips: Vec<String>,
    #[serde(default, rename = "static")]
    pub static_ip: bool,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// A pre-existing snapshot.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnapshotFile {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub memory: bool,
}

/// Destination cluster.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterFile {
    pub nodes: Vec<NodeFile>,
    pub storage_classes: Vec<StorageClassFile>,
    #[serde(default = "installed")]
    pub smb_csi_driver: bool,
}

fn installed() -> bool {
    true
}

/// Node role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeRole {
    /// Control plane (master).
    ControlPlane,
    /// Worker.
    Worker,
}

/// A node.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeFile {
    pub name: String,
    pub roles: Vec<NodeRole>,
    #[serde(default)]
    pub zone: Option<String>,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// A storage class.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageClassFile {
    pub name: String,
    pub provisioner: String,
    #[serde(default)]
    pub default: bool,
    #[serde(default)]
    pub volume_binding_mode: Option<String>,
    #[serde(default)]
    pub reclaim_policy: Option<String>,
    #[serde(default)]
    pub allow_volume_expansion: Option<bool>,
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
}

/// Fault injection.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultsFile {
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub rules: Vec<FaultRuleFile>,
    #[serde(default)]
    pub failing_images: Vec<String>,
    #[serde(default)]
    pub inventory_parity_seconds: Option<u64>,
    /// Emulate a Forklift regression: `resumeConversion` ignored.
    #[serde(default)]
    pub resume_recopies: bool,
    /// Broken migrated guests: `{vm: GLOB, fault: lose_static_ip}`.
    #[serde(default)]
    pub guest: Vec<crate::guest::GuestFault>,
    /// Forklift features to break: `[xfs_compatibility]`.
    #[serde(default)]
    pub broken: Vec<super::BrokenFeature>,
}

/// One fault rule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRuleFile {
    pub vm: String,
    pub step: String,
    #[serde(default)]
    pub plan: Option<String>,
    #[serde(default)]
    pub fail: Option<String>,
    #[serde(default)]
    pub slow_factor: Option<f64>,
    #[serde(default)]
    pub extra_seconds: Option<u64>,
    #[serde(default)]
    pub source_outage_seconds: Option<u64>,
    #[serde(default)]
    pub kill_conversion_after_seconds: Option<u64>,
    #[serde(default)]
    pub probability: Option<f64>,
}
