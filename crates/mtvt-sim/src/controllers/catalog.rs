//! The source side as Forklift's inventory web client presents it to the controllers: a
//! Provider CR resolved to its backend (a lab provider behind one of the emulator's source
//! listeners, or this cluster for OpenShift), and lookups of VMs, networks and storage by
//! reference (`id` first, then `name`; ambiguous names are errors, as upstream).
//!
//! Lab providers are read as the lab was `refresh_delay` ago, exactly like the inventory
//! API, so the controllers and the inventory REST API never disagree. This module reads only;
//! it must not change the lab or the store.

use serde_json::Value;

use super::Ctx;
use super::gvr;
use crate::lab::{
    DiskBus, Firmware, OsFamily, PowerState, Provider, ProviderKind, ToolsInstall, Vm,
};
use crate::store::{ListOptions, object};

/// A source object reference (`ref.Ref`): `{id, name, namespace, type}`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SrcRef {
    /// `id`
    pub id: String,
    /// `name`
    pub name: String,
    /// `namespace`
    pub namespace: String,
    /// `type`
    pub kind: String,
}

impl SrcRef {
    /// Reads a ref from JSON (missing fields are empty).
    pub fn from_json(v: &Value) -> Self {
        let s = |k: &str| {
            v.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        Self {
            id: s("id"),
            name: s("name"),
            namespace: s("namespace"),
            kind: s("type"),
        }
    }

    /// "NotSet": no id, name or type.
    pub fn not_set(&self) -> bool {
        self.id.is_empty() && self.name.is_empty() && self.kind.is_empty()
    }

    /// Forklift's `Ref.String()`, used in condition items.
    pub fn display(&self) -> String {
        let t = if self.kind.is_empty() {
            String::new()
        } else {
            format!("({})", self.kind)
        };
        format!("{t} id:{} name:'{}' ", self.id, self.name)
    }
}

/// Why a lookup failed.
#[derive(Clone, Debug, PartialEq)]
pub enum Lookup {
    /// Nothing matches.
    NotFound,
    /// A name matches more than one object.
    Ambiguous,
}

/// A source disk, normalized across providers.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceDisk {
    /// Disk id (vSphere `<vm>-<key>`, oVirt/OpenStack UUID, OVA disk id, OCP volume name).
    pub id: String,
    /// vSphere device key.
    pub key: i32,
    /// Storage id the disk lives on (datastore, storage domain, volume type, OVA disk id,
    /// storage class).
    pub storage: String,
    /// Capacity in bytes.
    pub capacity: u64,
    /// Backing file (`[ds] vm/vm.vmdk`) or disk name.
    pub file: String,
    /// Bus.
    pub bus: DiskBus,
    /// Shared disk.
    pub shared: bool,
    /// vSphere disk serial.
    pub serial: String,
    /// OpenShift: the source PVC (`ns`, `name`).
    pub pvc: Option<(String, String)>,
    /// Boot disk.
    pub bootable: bool,
    /// Controller key / unit number (vSphere ordering).
    pub order: (i32, i32),
    /// vSphere raw device mapping: the LUN and the datastore of its array.
    pub rdm: Option<SourceRdm>,
}

/// The LUN behind an RDM disk, as the controllers need it for copy offload.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceRdm {
    /// LUN canonical name (`naa....`).
    pub lun: String,
    /// Physical compatibility mode.
    pub physical: bool,
    /// The datastore on the LUN's array (vendor and XCOPY ability).
    pub array_datastore: String,
}

/// A source NIC, normalized.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceNic {
    /// MAC address.
    pub mac: String,
    /// Network id (`pod` or `ns/nad` for OpenShift).
    pub network: String,
    /// Guest IPs (`addr/prefix`) and whether they are static.
    pub ips: Vec<String>,
    /// Static IP configuration.
    pub static_ip: bool,
}

/// A source VM, normalized across providers.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceVm {
    /// Provider id (OpenShift: VM UID).
    pub id: String,
    /// Name.
    pub name: String,
    /// OpenShift namespace.
    pub namespace: String,
    /// Powered on.
    pub power_on: bool,
    /// Guest tools installed (any version).
    pub tools_installed: bool,
    /// Guest tools running.
    pub tools_running: bool,
    /// CPU sockets / cores per socket.
    pub cpu: (u32, u32),
    /// Memory in MiB.
    pub memory_mb: u64,
    /// Firmware.
    pub firmware: Firmware,
    /// Secure boot.
    pub secure_boot: bool,
    /// Guest-visible serial.
    pub serial: String,
    /// BIOS UUID.
    pub uuid: String,
    /// Windows guest.
    pub windows: bool,
    /// Guest OS key (`rhel8`).
    pub os: String,
    /// Host name of the guest.
    pub hostname: String,
    /// Changed block tracking.
    pub cbt: bool,
    /// Has snapshots.
    pub snapshots: usize,
    /// Host in maintenance (vSphere).
    pub host_in_maintenance: bool,
    /// Disks (in bus order for vSphere).
    pub disks: Vec<SourceDisk>,
    /// NICs.
    pub nics: Vec<SourceNic>,
    /// The lab provider backing it (lab-backed providers).
    pub lab_provider: Option<String>,
    /// The source VirtualMachine object (OpenShift).
    pub object: Option<Value>,
}

impl SourceVm {
    /// Its reference with id and name resolved.
    pub fn src_ref(&self) -> SrcRef {
        SrcRef {
            id: self.id.clone(),
            name: self.name.clone(),
            namespace: self.namespace.clone(),
            kind: String::new(),
        }
    }
}

/// Where a Provider CR's inventory comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum Backend {
    /// A lab provider (name).
    Lab(String),
    /// This cluster (OpenShift host, or a remote URL pointing at this API server).
    Cluster,
}

/// The backend of a Provider CR, by type and URL; `None` when the URL reaches nothing.
pub fn backend_of(ctx: &Ctx, provider: &Value) -> Option<Backend> {
    let kind = provider
        .pointer("/spec/type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let url = provider
        .pointer("/spec/url")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if kind == "openshift" {
        if url.is_empty() || host_of(url) == ctx.settings.api_host {
            return Some(Backend::Cluster);
        }
        return None;
    }
    let pk = ProviderKind::parse(kind)?;
    if pk == ProviderKind::Ova {
        return ctx
            .lab
            .lab()
            .providers
            .iter()
            .find(|p| p.kind == pk && p.nfs_share.as_deref() == Some(url))
            .map(|p| Backend::Lab(p.name.clone()));
    }
    let host = host_of(url);
    ctx.endpoints
        .iter()
        .find(|(name, base)| {
            host_of(base) == host && ctx.lab.lab().provider(name).is_some_and(|p| p.kind == pk)
        })
        .map(|(name, _)| Backend::Lab(name.clone()))
}

/// `host:port` of a URL.
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap_or_default()
}

/// The source view of one Provider CR.
pub struct SourceView<'a> {
    ctx: &'a Ctx,
    kind: ProviderKind,
    lab: Option<Provider>,
}

impl<'a> SourceView<'a> {
    /// Opens the view of `provider` (None when its backend is unknown).
    pub fn open(ctx: &'a Ctx, provider: &Value) -> Option<Self> {
        let kind = ProviderKind::parse(
            provider
                .pointer("/spec/type")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        )?;
        let lab = match backend_of(ctx, provider)? {
            Backend::Lab(name) => {
                let at = ctx.clock.now()
                    - chrono::Duration::from_std(ctx.settings.refresh_delay).unwrap_or_default();
                Some(ctx.lab.world_at(at).provider(&name)?.clone())
            }
            Backend::Cluster => None,
        };
        Some(Self { ctx, kind, lab })
    }

    /// The provider type.
    pub fn kind(&self) -> ProviderKind {
        self.kind
    }

    /// Finds a VM by reference.
    pub fn vm(&self, r: &SrcRef) -> Result<SourceVm, Lookup> {
        match &self.lab {
            Some(p) => lab_vm(p, r),
            None => self.cluster_vm(r),
        }
    }

    fn cluster_vm(&self, r: &SrcRef) -> Result<SourceVm, Lookup> {
        let list = self
            .ctx
            .store
            .list(&gvr::vms(), None, &ListOptions::default())
            .map_err(|_| Lookup::NotFound)?;
        let found: Vec<_> = list
            .items
            .iter()
            .filter(|v| {
                if !r.id.is_empty() {
                    object::uid(v) == r.id
                } else {
                    object::name(v) == r.name
                        && (r.namespace.is_empty() || object::namespace(v) == r.namespace)
                }
            })
            .collect();
        match found.as_slice() {
            [] => Err(Lookup::NotFound),
            [one] => Ok(ocp_vm(self.ctx, one)),
            _ => Err(Lookup::Ambiguous),
        }
    }

    /// Resolves a network reference to `(id, name)`.
    pub fn network(&self, r: &SrcRef) -> Result<(String, String), Lookup> {
        let Some(p) = &self.lab else {
            if r.kind == "pod" {
                return Ok(("pod".into(), "pod".into()));
            }
            let (ns, name) = match r.name.split_once('/') {
                Some((ns, n)) => (ns.to_string(), n.to_string()),
                None => (r.namespace.clone(), r.name.clone()),
            };
            let found = self.ctx.store.get(&gvr::nads(), &ns, &name).is_ok();
            return if found && !ns.is_empty() {
                let id = format!("{ns}/{name}");
                Ok((id.clone(), id))
            } else {
                Err(Lookup::NotFound)
            };
        };
        let dc = &p.datacenter.name;
        let matches: Vec<_> = p
            .networks
            .iter()
            .filter(|n| {
                if !r.id.is_empty() {
                    return n.id == r.id;
                }
                let path = format!("{dc}/{}", n.name);
                n.name == r.name || path == r.name || r.name.ends_with(&format!("/{path}"))
            })
            .collect();
        match matches.as_slice() {
            [] => Err(Lookup::NotFound),
            [n] => Ok((n.id.clone(), n.name.clone())),
            _ => Err(Lookup::Ambiguous),
        }
    }

    /// Resolves a storage reference to `(id, name)`.
    pub fn storage(&self, r: &SrcRef) -> Result<(String, String), Lookup> {
        let Some(p) = &self.lab else {
            let name = if r.name.is_empty() { &r.id } else { &r.name };
            return match self.ctx.store.get(&gvr::storage_classes(), "", name) {
                Ok(_) => Ok((name.clone(), name.clone())),
                Err(_) => Err(Lookup::NotFound),
            };
        };
        if self.kind == ProviderKind::Ova {
            let disks: Vec<_> = p
                .vms
                .iter()
                .flat_map(|v| v.disks.iter())
                .filter(|d| {
                    if r.id.is_empty() {
                        d.name == r.name
                    } else {
                        d.id == r.id
                    }
                })
                .collect();
            return match disks.as_slice() {
                [] => Err(Lookup::NotFound),
                [d] => Ok((d.id.clone(), d.name.clone())),
                _ => Err(Lookup::Ambiguous),
            };
        }
        if self.kind == ProviderKind::Openstack && r.name == "glance" {
            return Ok(("glance".into(), "glance".into()));
        }
        let matches: Vec<_> = p
            .datastores
            .iter()
            .filter(|d| {
                if r.id.is_empty() {
                    d.name == r.name
                } else {
                    d.id == r.id
                }
            })
            .collect();
        match matches.as_slice() {
            [] => Err(Lookup::NotFound),
            [d] => Ok((d.id.clone(), d.name.clone())),
            _ => Err(Lookup::Ambiguous),
        }
    }

    /// The datastore with this id (lab-backed providers): XCOPY capability and vendor.
    pub fn datastore(&self, id: &str) -> Option<crate::lab::Datastore> {
        self.lab.as_ref()?.datastore(id).cloned()
    }

    /// The lab provider state (lab-backed providers).
    pub fn lab(&self) -> Option<&Provider> {
        self.lab.as_ref()
    }
}

fn lab_vm(p: &Provider, r: &SrcRef) -> Result<SourceVm, Lookup> {
    // Inventory VM lists skip templates for vSphere and oVirt.
    let listed =
        |v: &&Vm| !(v.template && matches!(p.kind, ProviderKind::Vsphere | ProviderKind::Ovirt));
    let found: Vec<&Vm> = if r.id.is_empty() {
        p.vms
            .iter()
            .filter(listed)
            .filter(|v| v.name == r.name)
            .collect()
    } else {
        p.vms
            .iter()
            .filter(listed)
            .filter(|v| v.id == r.id)
            .collect()
    };
    match found.as_slice() {
        [] => Err(Lookup::NotFound),
        [v] => Ok(from_lab(p, v)),
        _ => Err(Lookup::Ambiguous),
    }
}

fn bus_rank(b: DiskBus) -> u8 {
    match b {
        DiskBus::Sata => 0,
        DiskBus::Ide => 1,
        DiskBus::Scsi => 2,
        DiskBus::Nvme => 3,
        DiskBus::Virtio => 4,
    }
}

/// A lab VM as the controllers see it.
pub fn from_lab(p: &Provider, v: &Vm) -> SourceVm {
    let mut disks: Vec<SourceDisk> = v
        .disks
        .iter()
        .map(|d| SourceDisk {
            id: d.id.clone(),
            key: d.key,
            storage: if p.kind == ProviderKind::Ova {
                d.id.clone()
            } else {
                d.datastore.clone()
            },
            capacity: d.capacity,
            file: d.file.clone(),
            bus: d.bus,
            shared: d.shared,
            serial: d.serial.clone(),
            pvc: None,
            bootable: d.bootable,
            order: (d.controller_key, d.unit_number),
            rdm: d.rdm.as_ref().map(|r| SourceRdm {
                lun: r.lun.clone(),
                physical: r.physical,
                array_datastore: p
                    .lun(&r.lun)
                    .map(|l| l.datastore.clone())
                    .unwrap_or_else(|| d.datastore.clone()),
            }),
        })
        .collect();
    if p.kind == ProviderKind::Vsphere {
        disks.sort_by_key(|d| (bus_rank(d.bus), d.order.0, d.order.1, d.key));
    }
    let host_in_maintenance = p.host(&v.host).is_some_and(|h| h.in_maintenance);
    SourceVm {
        id: v.id.clone(),
        name: v.name.clone(),
        namespace: v.namespace.clone().unwrap_or_default(),
        power_on: v.power == PowerState::On,
        tools_installed: v.tools != ToolsInstall::NotInstalled,
        tools_running: v.tools_running(),
        cpu: (v.cpu_sockets, v.cores_per_socket),
        memory_mb: v.memory_mb,
        firmware: v.firmware,
        secure_boot: v.secure_boot,
        serial: v.serial.clone(),
        uuid: v.uuid.clone(),
        windows: v.guest_os.family == OsFamily::Windows,
        os: v.guest_os.key.clone(),
        hostname: v.guest_os.hostname.clone(),
        cbt: v.cbt,
        snapshots: v.snapshots.len(),
        host_in_maintenance,
        disks,
        nics: v
            .nics
            .iter()
            .map(|n| SourceNic {
                mac: n.mac.clone(),
                network: n.network.clone(),
                ips: n
                    .ips
                    .iter()
                    .map(|i| format!("{}/{}", i.address, i.prefix))
                    .collect(),
                static_ip: n.static_ip,
            })
            .collect(),
        lab_provider: Some(p.name.clone()),
        object: None,
    }
}

/// Parses a Kubernetes quantity (`30Gi`, `512Mi`, `2G`, `1024`) into bytes.
pub fn quantity_bytes(q: &str) -> u64 {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(q.len());
    let (num, unit) = q.split_at(split);
    let n: f64 = num.parse().unwrap_or(0.0);
    let mult: f64 = match unit {
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024.0f64.powi(4),
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        _ => 1.0,
    };
    (n * mult) as u64
}

fn ocp_vm(ctx: &Ctx, vm: &Value) -> SourceVm {
    let ns = object::namespace(vm).to_string();
    let name = object::name(vm).to_string();
    let spec = vm
        .pointer("/spec/template/spec")
        .cloned()
        .unwrap_or(Value::Null);
    let dom = spec.get("domain").cloned().unwrap_or(Value::Null);
    let num = |p: &str| dom.pointer(p).and_then(Value::as_u64).unwrap_or(1) as u32;
    let memory = dom
        .pointer("/memory/guest")
        .and_then(Value::as_str)
        .map(quantity_bytes)
        .unwrap_or(0)
        / (1 << 20);
    let mut disks = Vec::new();
    for vol in spec
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let claim = vol
            .pointer("/dataVolume/name")
            .or_else(|| vol.pointer("/persistentVolumeClaim/claimName"))
            .and_then(Value::as_str);
        let Some(claim) = claim else { continue };
        let pvc = ctx.store.get(&gvr::pvcs(), &ns, claim).ok();
        let sc = pvc
            .as_ref()
            .and_then(|p| p.pointer("/spec/storageClassName"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let size = pvc
            .as_ref()
            .and_then(|p| p.pointer("/spec/resources/requests/storage"))
            .and_then(Value::as_str)
            .map(quantity_bytes)
            .unwrap_or(0);
        disks.push(SourceDisk {
            id: vol
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            key: 0,
            storage: sc,
            capacity: size,
            file: claim.to_string(),
            bus: DiskBus::Virtio,
            shared: false,
            serial: String::new(),
            pvc: Some((ns.clone(), claim.to_string())),
            bootable: disks.is_empty(),
            order: (0, 0),
            rdm: None,
        });
    }
    let nets = spec
        .get("networks")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let ifaces = dom
        .pointer("/devices/interfaces")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let lab_vm = ctx
        .lab
        .world()
        .providers
        .iter()
        .filter(|p| p.kind == ProviderKind::Openshift)
        .find_map(|p| p.vms.iter().find(|v| v.name == name).cloned());
    let nics = ifaces
        .iter()
        .map(|i| {
            let iname = i.get("name").and_then(Value::as_str).unwrap_or_default();
            let net = nets
                .iter()
                .find(|n| n.get("name").and_then(Value::as_str) == Some(iname));
            let network = match net {
                Some(n) if n.get("pod").is_some() => "pod".to_string(),
                Some(n) => {
                    let nn = n
                        .pointer("/multus/networkName")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    if nn.contains('/') {
                        nn.to_string()
                    } else {
                        format!("{ns}/{nn}")
                    }
                }
                None => String::new(),
            };
            let mac = i
                .get("macAddress")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let lab_nic = lab_vm
                .as_ref()
                .and_then(|v| v.nics.iter().find(|n| n.mac == mac));
            SourceNic {
                mac,
                network,
                ips: lab_nic
                    .map(|n| {
                        n.ips
                            .iter()
                            .map(|i| format!("{}/{}", i.address, i.prefix))
                            .collect()
                    })
                    .unwrap_or_default(),
                static_ip: lab_nic.is_some_and(|n| n.static_ip),
            }
        })
        .collect();
    let running = vm.pointer("/spec/runStrategy").and_then(Value::as_str) == Some("Always")
        || vm
            .pointer("/status/printableStatus")
            .and_then(Value::as_str)
            == Some("Running");
    let os = vm
        .pointer("/metadata/annotations/vm.kubevirt.io~1os")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let firmware = if dom.pointer("/firmware/bootloader/efi").is_some() {
        Firmware::Efi
    } else {
        Firmware::Bios
    };
    SourceVm {
        id: object::uid(vm).to_string(),
        name: name.clone(),
        namespace: ns,
        power_on: running,
        tools_installed: lab_vm
            .as_ref()
            .is_none_or(|v| v.tools != ToolsInstall::NotInstalled),
        tools_running: running,
        cpu: (num("/cpu/sockets"), num("/cpu/cores")),
        memory_mb: memory,
        firmware,
        secure_boot: dom
            .pointer("/firmware/bootloader/efi/secureBoot")
            .and_then(Value::as_bool)
            == Some(true),
        serial: dom
            .pointer("/firmware/serial")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        uuid: dom
            .pointer("/firmware/uuid")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        windows: os.starts_with("win"),
        os,
        hostname: lab_vm
            .as_ref()
            .map(|v| v.guest_os.hostname.clone())
            .unwrap_or(name),
        cbt: false,
        snapshots: 0,
        host_in_maintenance: false,
        disks,
        nics,
        lab_provider: None,
        object: Some(vm.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_display_matches_forklift() {
        let r = SrcRef {
            id: "vm-12".into(),
            name: "rhel9".into(),
            ..Default::default()
        };
        assert_eq!(r.display(), " id:vm-12 name:'rhel9' ");
        let t = SrcRef {
            kind: "VM".into(),
            ..r
        };
        assert_eq!(t.display(), "(VM) id:vm-12 name:'rhel9' ");
    }

    #[test]
    fn quantities() {
        assert_eq!(quantity_bytes("30Gi"), 30 << 30);
        assert_eq!(quantity_bytes("512Mi"), 512 << 20);
        assert_eq!(quantity_bytes("1024"), 1024);
        assert_eq!(quantity_bytes("2G"), 2_000_000_000);
    }

    #[test]
    fn hosts() {
        assert_eq!(host_of("https://127.0.0.1:4000/sdk"), "127.0.0.1:4000");
        assert_eq!(host_of("127.0.0.1:4000"), "127.0.0.1:4000");
    }
}
