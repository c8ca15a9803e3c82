//! A source VM: sizing, firmware, guest OS and tools, placement, disks, NICs (with guest
//! IPs) and snapshots.

use chrono::{DateTime, Utc};

use super::*;

/// The guest OS as each platform names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuestOs {
    /// Symbolic name from the lab file (`rhel8`, `win2019`, ...).
    pub key: String,
    /// Linux or Windows.
    pub family: OsFamily,
    /// Human name (`Red Hat Enterprise Linux 8 (64-bit)`).
    pub full_name: String,
    /// vSphere guest id (`rhel8_64Guest`).
    pub vsphere_id: String,
    /// oVirt OS type (`rhel_8x64`).
    pub ovirt_id: String,
    /// OpenStack image `os_distro`/`os_version` style name (`rhel8`).
    pub openstack_id: String,
    /// Guest host name reported by tools.
    pub hostname: String,
    /// The root filesystem is XFS v4 (`crc=0`), not v5 (Linux guests).
    pub root_xfs_v4: bool,
}

/// A virtual disk.
#[derive(Clone, Debug, PartialEq)]
pub struct Disk {
    /// Provider id (vSphere: `<vm id>-<key>`; oVirt/OpenStack: UUID; OVA: disk id).
    pub id: String,
    /// vSphere device key (2000, 2001, ...).
    pub key: i32,
    /// Controller device key (1000 = first SCSI controller).
    pub controller_key: i32,
    /// Unit number on the controller.
    pub unit_number: i32,
    /// Bus.
    pub bus: DiskBus,
    /// Display name (`Hard disk 1`, oVirt disk alias, volume name).
    pub name: String,
    /// Datastore id.
    pub datastore: String,
    /// Base backing file, `[datastore] dir/file.vmdk` (vSphere), file name elsewhere.
    pub file: String,
    /// Capacity in bytes.
    pub capacity: u64,
    /// Provisioning.
    pub provisioning: Provisioning,
    /// Disk mode.
    pub mode: DiskMode,
    /// Shared between VMs.
    pub shared: bool,
    /// The LUN it maps, when the disk is a raw device mapping (`file` is the mapping file).
    pub rdm: Option<Rdm>,
    /// Disk serial (vSphere `6000C29...`).
    pub serial: String,
    /// Boot disk.
    pub bootable: bool,
}

/// An IP address with its prefix length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IpConfig {
    /// Address (`10.6.46.21`).
    pub address: String,
    /// Prefix length (24).
    pub prefix: u8,
}

impl IpConfig {
    /// 4 or 6.
    pub fn version(&self) -> u8 {
        if self.address.contains(':') { 6 } else { 4 }
    }
}

/// A virtual NIC.
#[derive(Clone, Debug, PartialEq)]
pub struct Nic {
    /// Provider id (oVirt NIC UUID, OpenStack port UUID; vSphere `<vm>-<key>`).
    pub id: String,
    /// Device key (4000, 4001, ...).
    pub key: i32,
    /// Display name (`Network adapter 1`, `nic1`, `eth0`).
    pub name: String,
    /// Network id.
    pub network: String,
    /// MAC address, lower case.
    pub mac: String,
    /// Guest IP configuration.
    pub ips: Vec<IpConfig>,
    /// Whether the guest configures the IPs statically (vs DHCP).
    pub static_ip: bool,
    /// Device model (`vmxnet3`, `virtio`, `e1000e`).
    pub model: String,
}

/// A VM snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// Provider id (`snapshot-7`, UUID, Glance image id).
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Creation time (virtual).
    pub created_at: DateTime<Utc>,
    /// Includes memory.
    pub memory: bool,
    /// Quiesced.
    pub quiesce: bool,
    /// Parent snapshot id.
    pub parent: Option<String>,
}

/// A VM or template.
#[derive(Clone, Debug, PartialEq)]
pub struct Vm {
    /// Provider id (`vm-1001`, UUID).
    pub id: String,
    /// Name.
    pub name: String,
    /// Template (cannot be powered on; vSphere/oVirt inventory lists skip it).
    pub template: bool,
    /// Power state.
    pub power: PowerState,
    /// CPU sockets.
    pub cpu_sockets: u32,
    /// Cores per socket.
    pub cores_per_socket: u32,
    /// Memory in MiB.
    pub memory_mb: u64,
    /// Firmware.
    pub firmware: Firmware,
    /// UEFI secure boot.
    pub secure_boot: bool,
    /// Virtual TPM.
    pub tpm: bool,
    /// BIOS UUID.
    pub uuid: String,
    /// Instance UUID (vSphere).
    pub instance_uuid: String,
    /// Serial number as the guest firmware sees it (vSphere `VMware-42 2c ...`).
    pub serial: String,
    /// Guest OS.
    pub guest_os: GuestOs,
    /// Guest tools / agent installation.
    pub tools: ToolsInstall,
    /// Changed block tracking (vSphere `ctkEnabled`).
    pub cbt: bool,
    /// Host id.
    pub host: String,
    /// VM folder id (vSphere).
    pub folder: Option<String>,
    /// Namespace (OpenShift sources).
    pub namespace: Option<String>,
    /// Disks.
    pub disks: Vec<Disk>,
    /// NICs.
    pub nics: Vec<Nic>,
    /// Snapshots, oldest first.
    pub snapshots: Vec<Snapshot>,
    /// Inventory revision: starts at 1, +1 on every change.
    pub revision: u64,
    /// Creation time (virtual).
    pub created_at: DateTime<Utc>,
    /// Free text.
    pub description: String,
    /// The VM/template this one was cloned from.
    pub cloned_from: Option<String>,
}

impl Vm {
    /// Total vCPUs.
    pub fn cpu_count(&self) -> u32 {
        self.cpu_sockets.saturating_mul(self.cores_per_socket)
    }

    /// Guest tools run only while the VM is on and they are installed.
    pub fn tools_running(&self) -> bool {
        self.power == PowerState::On && self.tools != ToolsInstall::NotInstalled
    }

    /// IPs the guest reports: only while powered on with tools running.
    pub fn guest_ips(&self) -> Vec<(&Nic, &IpConfig)> {
        if !self.tools_running() {
            return Vec::new();
        }
        self.nics
            .iter()
            .flat_map(|n| n.ips.iter().map(move |ip| (n, ip)))
            .collect()
    }

    /// The current snapshot (the newest one).
    pub fn current_snapshot(&self) -> Option<&Snapshot> {
        self.snapshots.last()
    }

    /// The file currently backing `disk`: with snapshots, vSphere writes to a delta
    /// `<base>-00000N.vmdk`; independent disks are never snapshotted.
    pub fn disk_backing_file(&self, disk: &Disk) -> String {
        let n = self.snapshots.len();
        if n == 0 || disk.mode != DiskMode::Persistent {
            return disk.file.clone();
        }
        match disk.file.strip_suffix(".vmdk") {
            Some(stem) => format!("{stem}-{n:06}.vmdk"),
            None => disk.file.clone(),
        }
    }

    /// The parent of the current backing file (empty without snapshots).
    pub fn disk_parent_file(&self, disk: &Disk) -> String {
        let n = self.snapshots.len();
        if n == 0 || disk.mode != DiskMode::Persistent {
            return String::new();
        }
        if n == 1 {
            return disk.file.clone();
        }
        match disk.file.strip_suffix(".vmdk") {
            Some(stem) => format!("{stem}-{:06}.vmdk", n - 1),
            None => disk.file.clone(),
        }
    }
}
