//! A source provider: credentials, datacenter/cluster/project, hosts, datastores, LUNs,
//! networks, folders, the copy-offload profile, its VMs and id counters, and lookups by name
//! or id.

use std::collections::BTreeMap;

use mtvt_vocab::Secret;

use super::*;

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
    /// root's password on the provider's ESXi hosts (the `esxi_password` handed out).
    pub esxi_password: Secret,
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
    /// vSphere: the VDDK init image of its `.providers.json` profile (`vddk_init_image`;
    /// empty = none).
    pub vddk_init_image: String,
    /// vSphere: the host whose own SDK the emulator also serves (`sdkEndpoint: esxi`).
    pub esxi_endpoint: Option<EsxiEndpoint>,
    /// Until when its API is unreachable for connection tests (a `source_outage` fault).
    pub unreachable_until: Option<chrono::DateTime<chrono::Utc>>,
    /// VMs and templates.
    pub vms: Vec<Vm>,
    /// Counters for new ids; private to the mutation code.
    pub(crate) counters: Counters,
}

/// A vSphere host's own SDK endpoint (what a Provider with `sdkEndpoint: esxi` reaches).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EsxiEndpoint {
    /// The host's name (one of the provider's hosts).
    pub host: String,
    /// What its `AboutInfo.apiType` says: `HostAgent` (an ESXi host); a lab may set
    /// `VirtualCenter` to make it answer like a vCenter (Forklift then refuses the
    /// Provider, pkg/controller/provider/container/vsphere/collector.go:819-829).
    pub api_type: String,
}

impl EsxiEndpoint {
    /// Whether it answers as a vCenter (`apiType` `VirtualCenter`).
    pub fn is_vcenter(&self) -> bool {
        self.api_type == "VirtualCenter"
    }
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
    /// What the host's own SDK shows (`sdkEndpoint: esxi`): the datacenter
    /// `ha-datacenter`, the host as its only compute resource, the VMs placed on it.
    pub fn esxi_view(&self, host: &str) -> Option<Provider> {
        let h = self.hosts.iter().find(|x| x.name == host || x.id == host)?;
        let mut v = self.clone();
        v.datacenter = Named {
            id: "ha-datacenter".into(),
            name: "ha-datacenter".into(),
        };
        v.cluster = Named {
            id: "ha-compute-res".into(),
            name: h.name.clone(),
        };
        v.hosts = vec![h.clone()];
        v.vms.retain(|vm| vm.host == h.id);
        Some(v)
    }

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
