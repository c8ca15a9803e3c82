//! The source view of one Provider CR ([`SourceView`]): the lab provider as the inventory
//! shows it (`refresh_delay` ago) or this cluster's VirtualMachines, and lookups of VMs,
//! networks, storage and datastores by reference; lab VMs as [`SourceVm`]s.

use serde_json::Value;

use super::super::{Ctx, gvr};
use super::cluster::{cluster_objects, restricted_namespace};
use super::openshift::ocp_vm;
use super::{Backend, Lookup, SourceDisk, SourceNic, SourceRdm, SourceVm, SrcRef, backend_of};
use crate::lab::{DiskBus, OsFamily, PowerState, Provider, ProviderKind, ToolsInstall, Vm};
use crate::store::object;

/// The source view of one Provider CR.
pub struct SourceView<'a> {
    ctx: &'a Ctx,
    kind: ProviderKind,
    lab: Option<Provider>,
    /// The namespace a restricted host source is limited to.
    restricted: Option<String>,
}

impl<'a> SourceView<'a> {
    /// Opens the view of `provider` (None when its backend is unknown).
    pub fn open(ctx: &'a Ctx, provider: &Value) -> Option<Self> {
        let kind = provider
            .pointer("/spec/type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .parse::<ProviderKind>()
            .ok()?;
        let lab = match backend_of(ctx, provider)? {
            Backend::Lab(name) => {
                let at = ctx.clock.now()
                    - chrono::Duration::from_std(ctx.settings.refresh_delay).unwrap_or_default();
                Some(ctx.lab.world_at(at).provider(&name)?.clone())
            }
            Backend::Cluster => None,
        };
        let restricted = restricted_namespace(ctx, provider).map(str::to_string);
        Some(Self {
            ctx,
            kind,
            lab,
            restricted,
        })
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
        let list = cluster_objects(self.ctx, self.restricted.as_deref(), "vms", None);
        let found: Vec<_> = list
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
            // A VM the inventory cannot decode is not in it (see `openshift`).
            [one] => ocp_vm(self.ctx, one).map_err(|e| {
                tracing::warn!("OpenShift source VM left out of the inventory: {e}");
                Lookup::NotFound
            }),
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
            let found = !ns.is_empty()
                && cluster_objects(
                    self.ctx,
                    self.restricted.as_deref(),
                    "networkattachmentdefinitions",
                    Some(&ns),
                )
                .iter()
                .any(|n| object::name(n) == name);
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
            independent: d.mode != crate::lab::DiskMode::Persistent,
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
        tpm: v.tpm,
        serial: v.serial.clone(),
        uuid: v.uuid.clone(),
        windows: v.guest_os.family == OsFamily::Windows,
        os: v.guest_os.key.clone(),
        hostname: v.guest_os.hostname.clone(),
        root_xfs_v4: v.guest_os.root_xfs_v4,
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
