//! The source-side records every adapter speaks: VM handles, clone and add-disk requests,
//! and [`SourceVmFacts`], the normalised view of a source VM that the engine's
//! post-migration checks compare against the migrated VM. Provider kinds, power states,
//! disk modes, provisioning and firmware are `mtvt_vocab` types.
//!
//! Plain data (serde), no I/O. Fields a protocol cannot report are `Option`/empty and say so
//! in their docs rather than carrying invented values.

use mtvt_vocab::{DiskMode, Firmware, PowerState, ProviderKind, Provisioning};
use serde::{Deserialize, Serialize};

/// A VM (or template) on the source, as returned by `find_vm` / `clone_vm`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VmRef {
    /// Provider id: vSphere moRef (`vm-1001`), oVirt/OpenStack UUID, KubeVirt `namespace/name`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// True for a template (oVirt templates, vSphere templates).
    pub template: bool,
}

/// What `clone_vm` should produce. Build the name with [`crate::naming::clone_vm_name`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloneRequest {
    /// Name of the new VM (used as given).
    pub new_name: String,
    /// Keep `new_name` even if it is not a DNS-1123 label (`XCopy_Test_VM_CAPS`); otherwise
    /// such a name is refused before anything is created.
    pub preserve_name_format: bool,
    /// Datastore id (vSphere moRef such as `datastore-1041`, or its name) for every disk;
    /// OpenShift: the storage class of the cloned volumes.
    pub target_datastore: Option<String>,
    /// Disk provisioning of the clone's disks (`None` = as the source).
    pub disk_provisioning: Option<Provisioning>,
    /// Power the clone on once created (the pytest suite clones powered off).
    pub power_on: bool,
    /// Enable changed block tracking on the clone (warm migrations).
    pub enable_cbt: bool,
}

impl CloneRequest {
    /// A powered-off clone named `new_name` with the source's placement and provisioning.
    pub fn new(new_name: impl Into<String>) -> Self {
        Self {
            new_name: new_name.into(),
            preserve_name_format: false,
            target_datastore: None,
            disk_provisioning: None,
            power_on: false,
            enable_cbt: false,
        }
    }
}

/// Something a clone left behind on the source that teardown must delete besides the VM
/// (OpenStack clones go through a snapshot image and volume snapshots).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SourceArtifact {
    /// A Glance image (OpenStack server snapshot).
    Image {
        /// Image id.
        id: String,
        /// Image name.
        name: String,
    },
    /// A Cinder volume snapshot referenced by a snapshot image.
    VolumeSnapshot {
        /// Snapshot id.
        id: String,
    },
}

/// The result of `clone_vm`: the new VM and what else teardown must remove.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClonedVm {
    /// The new VM.
    pub vm: VmRef,
    /// Extra objects created on the way, deleted at teardown with `delete_artifact`.
    pub artifacts: Vec<SourceArtifact>,
}

/// A disk to add to a (cloned) source VM.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddDisk {
    /// Capacity in bytes.
    pub size_bytes: u64,
    /// Disk mode (vSphere only; anything but `persistent` is unsupported elsewhere).
    pub mode: DiskMode,
    /// Provisioning (`None` = the platform default).
    pub provisioning: Option<Provisioning>,
    /// Datastore id or name (vSphere), storage domain id/name (oVirt), storage class
    /// (OpenShift). `None` = next to the VM's first disk.
    pub datastore: Option<String>,
    /// Folder on the datastore (vSphere, e.g. `shared_disks`).
    pub folder: Option<String>,
    /// Raw device mapping of this LUN (vSphere, `naa.…`) instead of a VMDK; the disk then
    /// has the LUN's size (`size_bytes` is ignored).
    pub rdm_lun_uuid: Option<String>,
    /// The RDM's compatibility mode is physical (SCSI pass-through) rather than virtual.
    #[serde(default)]
    pub rdm_physical: bool,
}

impl AddDisk {
    /// A persistent disk of `size_bytes` with the platform's default placement.
    pub fn new(size_bytes: u64) -> Self {
        Self {
            size_bytes,
            mode: DiskMode::Persistent,
            provisioning: None,
            datastore: None,
            folder: None,
            rdm_lun_uuid: None,
            rdm_physical: false,
        }
    }
}

/// Guest tools / agent as the source platform reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuestToolsState {
    /// Tools/agent installed and running (reporting guest data).
    Running,
    /// Installed but not running (e.g. VM off).
    NotRunning,
    /// Not installed.
    NotInstalled,
    /// The protocol does not tell.
    Unknown,
}

/// Guest data reported once tools run (`wait_for_guest_info`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuestInfo {
    /// Guest host name, when reported.
    pub hostname: Option<String>,
    /// Guest IP addresses (first is the primary one).
    pub ips: Vec<String>,
}

/// One NIC of a source VM.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NicFacts {
    /// MAC address (lower-case as reported).
    pub mac: String,
    /// Network name (vSphere network, oVirt network, OpenStack network, `pod` or the NAD
    /// `ns/name` for KubeVirt); `None` when the protocol only gives an opaque id.
    pub network: Option<String>,
    /// Guest IPs on this NIC (only while guest tools report them).
    pub ips: Vec<String>,
    /// Whether the guest configured the address statically (`None` = unknown).
    pub static_ip: Option<bool>,
    /// Prefix length of the first IPv4 address, when reported.
    #[serde(default)]
    pub prefix: Option<u8>,
    /// Default gateway through this NIC, when reported.
    #[serde(default)]
    pub gateway: Option<String>,
}

/// One disk of a source VM.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DiskFacts {
    /// Device key (vSphere `2000`), disk/volume id (oVirt, OpenStack) or volume name (KubeVirt).
    pub key: String,
    /// Backing file (`[ds] vm/vm.vmdk`), when the platform has one.
    pub file: Option<String>,
    /// Datastore / storage domain / volume type / storage class id.
    pub datastore_id: Option<String>,
    /// Its name.
    pub datastore_name: Option<String>,
    /// Capacity in bytes (`None` when the protocol does not return it).
    pub capacity_bytes: Option<u64>,
    /// Provisioning (vSphere; oVirt sparse → thin, raw → thick-lazy).
    pub provisioning: Option<Provisioning>,
    /// Disk mode (vSphere).
    pub mode: Option<DiskMode>,
    /// Shared / multi-writer disk.
    pub shared: bool,
    /// Key of the controller the disk hangs on (vSphere `controllerKey`: `1000` …), when known.
    pub controller_key: Option<i64>,
    /// Position on that controller (vSphere `unitNumber`), when known.
    pub unit_number: Option<i64>,
}

/// One snapshot of a source VM.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SnapshotFacts {
    /// Name (oVirt: the description, which is its only name).
    pub name: String,
    /// Id (vSphere moRef `snapshot-N`, oVirt/Glance UUID, KubeVirt object name).
    pub id: String,
    /// Description.
    pub description: String,
    /// State the snapshot captured (vSphere `poweredOff` / `poweredOn` / `suspended`), when read.
    pub state: Option<String>,
    /// Creation time, RFC 3339 (vSphere `createTime`), when read.
    pub created: Option<String>,
}

/// The normalised view of a source VM (what the pytest suite's `vm_dict()` gives).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceVmFacts {
    /// Provider type.
    pub provider: ProviderKind,
    /// Name.
    pub name: String,
    /// Provider id (as in [`VmRef::id`]).
    pub id: String,
    /// BIOS UUID (vSphere), VM id (oVirt), server id (OpenStack), firmware UUID (KubeVirt).
    pub uuid: Option<String>,
    /// System serial the guest sees: vSphere `VMware-42 2c …`, oVirt serial number, KubeVirt
    /// `firmware.serial`.
    pub serial: Option<String>,
    /// Power state now.
    pub power_state: PowerState,
    /// Template flag.
    pub template: bool,
    /// CPU sockets (`None` when the platform only reports a vCPU count, e.g. OpenStack).
    pub cpu_sockets: Option<u32>,
    /// Cores per socket (`None` as above).
    pub cpu_cores_per_socket: Option<u32>,
    /// Total vCPUs.
    pub cpu_count: u32,
    /// Memory in MiB.
    pub memory_mib: u64,
    /// Firmware (`None` when not reported).
    pub firmware: Option<Firmware>,
    /// Guest OS id (`rhel8_64Guest`, `rhel_8x64`, …).
    pub guest_os: Option<String>,
    /// Guest tools / agent.
    pub guest_tools: GuestToolsState,
    /// Changed block tracking (vSphere), `None` elsewhere.
    pub cbt_enabled: Option<bool>,
    /// NICs in device order.
    pub nics: Vec<NicFacts>,
    /// Disks in device order.
    pub disks: Vec<DiskFacts>,
    /// Snapshots, oldest first.
    pub snapshots: Vec<SnapshotFacts>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_serialize_with_the_vocabulary_spellings() {
        let mut disk = AddDisk::new(1 << 30);
        disk.mode = DiskMode::IndependentPersistent;
        disk.provisioning = Some(Provisioning::ThickEager);
        let json = serde_json::to_value(&disk).unwrap();
        assert_eq!(json["mode"], "independent_persistent");
        assert_eq!(json["provisioning"], "thick-eager");
        assert_eq!(serde_json::from_value::<AddDisk>(json).unwrap(), disk);
        assert_eq!(CloneRequest::new("c").disk_provisioning, None);
    }
}
