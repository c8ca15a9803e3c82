//! The resolved lab: every id, file name, MAC and key filled in.
//!
//! These are the types the source APIs, the inventory and the controllers read. They are
//! produced from the file format by `resolve` and changed only through `LabHandle`; nothing
//! here parses text or talks HTTP.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::secret::Secret;

/// The source platforms a lab can describe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// VMware vSphere (vCenter).
    Vsphere,
    /// oVirt / Red Hat Virtualization.
    Ovirt,
    /// OpenStack.
    Openstack,
    /// OpenShift Virtualization (KubeVirt) as a source.
    Openshift,
    /// OVA files on an NFS share.
    Ova,
}

impl ProviderKind {
    /// Every kind, in a stable order.
    pub const ALL: [ProviderKind; 5] = [
        ProviderKind::Vsphere,
        ProviderKind::Ovirt,
        ProviderKind::Openstack,
        ProviderKind::Openshift,
        ProviderKind::Ova,
    ];

    /// The Forklift `Provider.spec.type` value.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Vsphere => "vsphere",
            ProviderKind::Ovirt => "ovirt",
            ProviderKind::Openstack => "openstack",
            ProviderKind::Openshift => "openshift",
            ProviderKind::Ova => "ova",
        }
    }

    /// Parses a Forklift provider type.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Credentials the source API accepts (and the `.providers.json` hands out).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Credentials {
    /// Login name (`administrator@vsphere.local`, `admin@internal`, ...).
    pub username: String,
    /// Password; never printed.
    pub password: Secret,
    /// OpenStack project name.
    pub project_name: String,
    /// OpenStack user domain name.
    pub user_domain_name: String,
    /// OpenStack project domain id.
    pub project_domain_id: String,
    /// OpenStack user domain id.
    pub user_domain_id: String,
    /// OpenStack region.
    pub region_name: String,
}

/// A named inventory object with a provider-specific id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// Provider id (`datacenter-1`, a UUID, ...).
    pub id: String,
    /// Display name.
    pub name: String,
}

/// A hypervisor host (ESXi, oVirt host, Nova compute).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    /// Provider id (`host-12`, UUID).
    pub id: String,
    /// Host name.
    pub name: String,
    /// Management IP address.
    pub ip: String,
    /// Whether the host is in maintenance mode.
    pub in_maintenance: bool,
}

/// Storage: a vSphere datastore, an oVirt storage domain, an OpenStack volume type, an
/// OpenShift storage class (for OpenShift sources) or the OVA share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Datastore {
    /// Provider id (`datastore-21`, UUID, storage class name).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Backing type (`VMFS`, `NFS`, `vsan`, ...).
    pub kind: String,
    /// Capacity in bytes.
    pub capacity: u64,
    /// Free space in bytes.
    pub free: u64,
    /// Whether the array behind it supports XCOPY/VAAI offload.
    pub xcopy: bool,
    /// Storage vendor product (`ontap`, `vantara`, ...), when known.
    pub vendor: Option<String>,
    /// Folders that exist on the datastore (e.g. `shared_disks`).
    pub folders: Vec<String>,
}

/// A SAN LUN the ESXi hosts see (vSphere), which a VM can map raw (RDM).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lun {
    /// Canonical name (`naa.600a0980...`): what `/vmfs/devices/disks/` lists.
    pub canonical_name: String,
    /// The vSphere `ScsiLun.uuid` (what an RDM backing's `lunUuid` holds).
    pub uuid: String,
    /// Capacity in bytes (an RDM disk has the LUN's size).
    pub capacity: u64,
    /// The datastore on the same array (its vendor and XCOPY ability are the LUN's).
    pub datastore: String,
}

/// A raw device mapping: the LUN a disk maps and its compatibility mode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rdm {
    /// The LUN's canonical name (`naa....`).
    pub lun: String,
    /// Physical compatibility mode (SCSI pass-through); virtual mode otherwise.
    pub physical: bool,
}

impl Rdm {
    /// The vSphere `compatibilityMode` value.
    pub fn compatibility_mode(&self) -> &'static str {
        if self.physical {
            "physicalMode"
        } else {
            "virtualMode"
        }
    }
}

/// A source network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Network {
    /// Provider id (`network-31`, `dvportgroup-40`, UUID, `ns/name` for OpenShift NADs).
    pub id: String,
    /// Display name.
    pub name: String,
    /// VLAN id, when tagged.
    pub vlan: Option<u16>,
    /// vSphere variant (`Standard`, `DvPortGroup`); empty elsewhere.
    pub variant: String,
    /// oVirt vNIC profile id bound to this network.
    pub profile_id: String,
    /// IPv4 prefix used when handing out new DHCP addresses (`10.6.46.0/24`).
    pub cidr: Option<String>,
}

/// A VM folder (vSphere).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folder {
    /// `group-v41`.
    pub id: String,
    /// Folder name.
    pub name: String,
}

/// Copy-offload (XCOPY) setup of a vSphere provider.
#[derive(Clone, Debug, PartialEq)]
pub struct CopyOffload {
    /// `storage_vendor_product` (`ontap`, `vantara`, ...).
    pub vendor: String,
    /// Primary XCOPY datastore id.
    pub datastore_id: String,
    /// Secondary XCOPY datastore id (same array).
    pub secondary_datastore_id: Option<String>,
    /// A datastore without XCOPY.
    pub non_xcopy_datastore_id: Option<String>,
    /// Storage array management host.
    pub storage_hostname: String,
    /// Storage array user.
    pub storage_username: String,
    /// Storage array password.
    pub storage_password: Secret,
    /// Vendor-specific extra keys (`ontap_svm`, ...), passed through to `.providers.json`.
    pub extra: BTreeMap<String, String>,
    /// LUN for RDM tests.
    pub rdm_lun_uuid: Option<String>,
    /// `vib` or `ssh`.
    pub esxi_clone_method: Option<String>,
}

/// Power state of a VM.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PowerState {
    /// Running.
    On,
    /// Stopped.
    Off,
}

/// Firmware type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Firmware {
    /// Legacy BIOS.
    Bios,
    /// UEFI.
    Efi,
}

impl Firmware {
    /// `bios` / `efi`.
    pub fn as_str(self) -> &'static str {
        match self {
            Firmware::Bios => "bios",
            Firmware::Efi => "efi",
        }
    }
}

/// Guest operating system family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OsFamily {
    /// Linux guests.
    Linux,
    /// Windows guests.
    Windows,
}

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
}

/// Whether guest tools / the guest agent are installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolsInstall {
    /// Installed and current.
    Installed,
    /// Installed, older than the host supports.
    Outdated,
    /// Not installed.
    NotInstalled,
}

/// Disk provisioning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Provisioning {
    /// Thin (sparse).
    Thin,
    /// Thick, lazily zeroed (flat).
    ThickLazy,
    /// Thick, eagerly zeroed.
    ThickEager,
}

impl Provisioning {
    /// `thin` / `thick-lazy` / `thick-eager`.
    pub fn as_str(self) -> &'static str {
        match self {
            Provisioning::Thin => "thin",
            Provisioning::ThickLazy => "thick-lazy",
            Provisioning::ThickEager => "thick-eager",
        }
    }
}

/// vSphere disk mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiskMode {
    /// Included in snapshots.
    Persistent,
    /// Excluded from snapshots, changes kept.
    IndependentPersistent,
    /// Excluded from snapshots, changes dropped at power off.
    IndependentNonpersistent,
}

impl DiskMode {
    /// The vSphere `diskMode` value.
    pub fn as_str(self) -> &'static str {
        match self {
            DiskMode::Persistent => "persistent",
            DiskMode::IndependentPersistent => "independent_persistent",
            DiskMode::IndependentNonpersistent => "independent_nonpersistent",
        }
    }
}

/// Disk bus.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiskBus {
    /// SCSI (vSphere default).
    Scsi,
    /// SATA.
    Sata,
    /// IDE.
    Ide,
    /// NVMe.
    Nvme,
    /// virtio-blk (oVirt, OpenStack, KubeVirt).
    Virtio,
}

impl DiskBus {
    /// Lower-case bus name.
    pub fn as_str(self) -> &'static str {
        match self {
            DiskBus::Scsi => "scsi",
            DiskBus::Sata => "sata",
            DiskBus::Ide => "ide",
            DiskBus::Nvme => "nvme",
            DiskBus::Virtio => "virtio",
        }
    }
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

/// One source provider of the lab, with its current VMs.
#[derive(Clone, Debug, PartialEq)]
pub struct Provider {
    /// Lab name; also the `.providers.json` profile key.
    pub name: String,
    /// Platform.
    pub kind: ProviderKind,
    /// Product version (`8.0.3`, `4.5.5`, ...).
    pub version: String,
    /// Accepted credentials.
    pub credentials: Credentials,
    /// Datacenter (vSphere/oVirt).
    pub datacenter: Named,
    /// Compute cluster (vSphere/oVirt).
    pub cluster: Named,
    /// OpenStack project (tenant) / OpenShift default namespace.
    pub project: Named,
    /// Hosts.
    pub hosts: Vec<Host>,
    /// Storage.
    pub datastores: Vec<Datastore>,
    /// SAN LUNs the hosts see (vSphere RDM).
    pub luns: Vec<Lun>,
    /// Networks.
    pub networks: Vec<Network>,
    /// VM folders.
    pub folders: Vec<Folder>,
    /// XCOPY setup (vSphere).
    pub copy_offload: Option<CopyOffload>,
    /// OVA NFS share (`nfs.example.com:/ova`).
    pub nfs_share: Option<String>,
    /// VMs and templates.
    pub vms: Vec<Vm>,
    /// Counters for new ids; private to the mutation code.
    pub(crate) counters: Counters,
}

/// Monotonic counters used when creating objects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counters {
    pub vm: u64,
    pub snapshot: u64,
    pub mac: u64,
    pub ip: u64,
    pub object: u64,
}

impl Provider {
    /// A VM or template by id.
    pub fn vm(&self, id: &str) -> Option<&Vm> {
        self.vms.iter().find(|v| v.id == id)
    }

    /// A VM or template by name (VMs first, then templates).
    pub fn vm_by_name(&self, name: &str) -> Option<&Vm> {
        self.vms
            .iter()
            .find(|v| v.name == name && !v.template)
            .or_else(|| self.vms.iter().find(|v| v.name == name))
    }

    /// A VM or template by id, or else by name.
    pub fn find_vm(&self, id_or_name: &str) -> Option<&Vm> {
        self.vm(id_or_name).or_else(|| self.vm_by_name(id_or_name))
    }

    /// A datastore by id or name.
    pub fn datastore(&self, id_or_name: &str) -> Option<&Datastore> {
        self.datastores
            .iter()
            .find(|d| d.id == id_or_name)
            .or_else(|| self.datastores.iter().find(|d| d.name == id_or_name))
    }

    /// A LUN by canonical name (`naa....`), `/vmfs/devices/disks/` path or `ScsiLun.uuid`.
    pub fn lun(&self, name_path_or_uuid: &str) -> Option<&Lun> {
        let key = name_path_or_uuid.trim_start_matches("/vmfs/devices/disks/");
        self.luns
            .iter()
            .find(|l| l.canonical_name == key || l.uuid == key)
    }

    /// A network by id or name.
    pub fn network(&self, id_or_name: &str) -> Option<&Network> {
        self.networks
            .iter()
            .find(|n| n.id == id_or_name)
            .or_else(|| self.networks.iter().find(|n| n.name == id_or_name))
    }

    /// A host by id or name.
    pub fn host(&self, id_or_name: &str) -> Option<&Host> {
        self.hosts
            .iter()
            .find(|h| h.id == id_or_name || h.name == id_or_name)
    }

    /// A folder by id or name.
    pub fn folder(&self, id_or_name: &str) -> Option<&Folder> {
        self.folders
            .iter()
            .find(|f| f.id == id_or_name || f.name == id_or_name)
    }
}

/// A destination cluster node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Node name.
    pub name: String,
    /// Labels (including `kubernetes.io/hostname` and role labels).
    pub labels: BTreeMap<String, String>,
    /// Whether the node runs workloads (has the worker role).
    pub worker: bool,
}

/// A destination storage class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageClass {
    /// Name.
    pub name: String,
    /// CSI provisioner.
    pub provisioner: String,
    /// Annotated as the default class.
    pub default: bool,
    /// `Immediate` or `WaitForFirstConsumer`.
    pub volume_binding_mode: String,
    /// `Delete` or `Retain`.
    pub reclaim_policy: String,
    /// Expansion allowed.
    pub allow_volume_expansion: bool,
    /// Parameters.
    pub parameters: BTreeMap<String, String>,
}

/// The destination OpenShift cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// Nodes.
    pub nodes: Vec<Node>,
    /// Storage classes.
    pub storage_classes: Vec<StorageClass>,
}

/// Guest OS logins handed to post-migration checks through `.providers.json`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GuestCredentials {
    /// Linux user.
    pub linux_user: String,
    /// Linux password.
    pub linux_password: Secret,
    /// Windows user.
    pub windows_user: String,
    /// Windows password.
    pub windows_password: Secret,
}
