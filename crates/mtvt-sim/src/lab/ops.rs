//! The changes a test harness or a controller makes on the source side, applied to one
//! provider's state: clone, power, snapshots, add disk, CBT, delete.
//!
//! Pure functions over `&mut Provider`; locking, history and notification are `handle`'s job.
//! Every refusal is a typed [`LabOpError`] that the protocols translate.

use chrono::{DateTime, Utc};

use super::error::LabOpError;
use super::ids::{disk_serial, mac_for, uuid_for, vmware_serial, vsphere_uuid};
use super::model::*;
use super::resolve::{disk_address, disk_file, disk_name};

/// How to clone a VM.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CloneSpec {
    /// Name of the new VM.
    pub name: String,
    /// Datastore (id or name) for every disk; default: the source disk's.
    pub datastore: Option<String>,
    /// VM folder (id or name); default: the source's.
    pub folder: Option<String>,
    /// Host (id or name); default: the source's.
    pub host: Option<String>,
    /// Disk provisioning of the copies; default: the source disk's.
    pub provisioning: Option<Provisioning>,
    /// Power the clone on.
    pub power_on: bool,
    /// Changed block tracking on the clone; default: the source's.
    pub cbt: Option<bool>,
}

/// How to add a disk.
#[derive(Clone, Debug, PartialEq)]
pub struct AddDiskSpec {
    /// Capacity in bytes (ignored for an RDM disk, which has its LUN's size).
    pub capacity: u64,
    /// Datastore (id or name); default: the VM's first disk's datastore.
    pub datastore: Option<String>,
    /// Folder on the datastore (must be listed on it); default: the VM's folder.
    pub folder: Option<String>,
    /// Provisioning.
    pub provisioning: Provisioning,
    /// Disk mode.
    pub mode: DiskMode,
    /// Bus; default: the VM's first disk's bus.
    pub bus: Option<DiskBus>,
    /// Display name; default: the platform's naming.
    pub name: Option<String>,
    /// Base file name without extension; default: `<vm>_<n>`.
    pub file_name: Option<String>,
    /// Map a LUN raw (vSphere RDM): the file is then the mapping file.
    pub rdm: Option<RdmSpec>,
}

/// The LUN an RDM disk maps.
#[derive(Clone, Debug, PartialEq)]
pub struct RdmSpec {
    /// LUN canonical name (`naa....`), `/vmfs/devices/disks/naa....` or `ScsiLun.uuid`.
    pub lun: String,
    /// Physical compatibility mode (else virtual).
    pub physical: bool,
}

/// How to take a snapshot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SnapshotSpec {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Include memory (only meaningful when powered on).
    pub memory: bool,
    /// Quiesce the guest file systems.
    pub quiesce: bool,
}

fn vm_index(p: &Provider, vm: &str) -> Result<usize, LabOpError> {
    p.vms
        .iter()
        .position(|v| v.id == vm)
        .or_else(|| p.vms.iter().position(|v| v.name == vm && !v.template))
        .or_else(|| p.vms.iter().position(|v| v.name == vm))
        .ok_or_else(|| LabOpError::VmNotFound {
            provider: p.name.clone(),
            vm: vm.to_string(),
        })
}

fn vm_mut<'a>(p: &'a mut Provider, vm: &str) -> Result<&'a mut Vm, LabOpError> {
    let i = vm_index(p, vm)?;
    let name = p.name.clone();
    p.vms.get_mut(i).ok_or(LabOpError::VmNotFound {
        provider: name,
        vm: vm.to_string(),
    })
}

fn next_mac(p: &mut Provider) -> String {
    loop {
        p.counters.mac += 1;
        let mac = mac_for(p.kind, &p.name, p.counters.mac);
        if !p.vms.iter().flat_map(|v| &v.nics).any(|n| n.mac == mac) {
            return mac;
        }
    }
}

/// A fresh DHCP lease in the same /24 (or the network's `cidr`) as `ip`.
fn next_ip(p: &mut Provider, ip: &IpConfig) -> IpConfig {
    let base: Vec<&str> = ip.address.split('.').collect();
    let [a, b, c, _] = base.as_slice() else {
        return ip.clone();
    };
    let (a, b, c) = (a.to_string(), b.to_string(), c.to_string());
    loop {
        p.counters.ip += 1;
        let host = 100 + (p.counters.ip % 150);
        let address = format!("{a}.{b}.{c}.{host}");
        let taken = p
            .vms
            .iter()
            .flat_map(|v| &v.nics)
            .flat_map(|n| &n.ips)
            .any(|x| x.address == address);
        if !taken || p.counters.ip > 10_000 {
            return IpConfig {
                address,
                prefix: ip.prefix,
            };
        }
    }
}

fn resolve_datastore(p: &Provider, ds: &str) -> Result<Datastore, LabOpError> {
    p.datastore(ds)
        .cloned()
        .ok_or_else(|| LabOpError::DatastoreNotFound {
            provider: p.name.clone(),
            datastore: ds.to_string(),
        })
}

pub(crate) fn clone_vm(
    p: &mut Provider,
    source: &str,
    spec: CloneSpec,
    now: DateTime<Utc>,
) -> Result<Vm, LabOpError> {
    if spec.name.trim().is_empty() {
        return Err(LabOpError::InvalidArgument {
            message: "the clone needs a name".into(),
        });
    }
    if p.vms.iter().any(|v| v.name == spec.name) {
        return Err(LabOpError::NameTaken {
            provider: p.name.clone(),
            name: spec.name,
        });
    }
    let src = p
        .vms
        .get(vm_index(p, source)?)
        .cloned()
        .ok_or_else(|| LabOpError::VmNotFound {
            provider: p.name.clone(),
            vm: source.to_string(),
        })?;
    let target_ds = spec
        .datastore
        .as_deref()
        .map(|d| resolve_datastore(p, d))
        .transpose()?;
    let folder =
        match spec.folder.as_deref() {
            Some(f) => Some(p.folder(f).map(|f| f.id.clone()).ok_or_else(|| {
                LabOpError::FolderNotFound {
                    folder: f.to_string(),
                }
            })?),
            None => src.folder.clone(),
        };
    let host = match spec.host.as_deref() {
        Some(h) => p
            .host(h)
            .map(|h| h.id.clone())
            .ok_or_else(|| LabOpError::HostNotFound {
                provider: p.name.clone(),
                host: h.to_string(),
            })?,
        None => src.host.clone(),
    };
    p.counters.vm += 1;
    let n = p.counters.vm;
    let kind = p.kind;
    let id = match kind {
        ProviderKind::Vsphere => {
            let mut k = 1000 + n;
            while p.vms.iter().any(|v| v.id == format!("vm-{k}")) {
                k += 1;
            }
            format!("vm-{k}")
        }
        _ => uuid_for(&[&p.name, "clone", &spec.name, &n.to_string()]),
    };
    let uuid = match kind {
        ProviderKind::Vsphere => vsphere_uuid(&[&p.name, "clone-bios", &spec.name, &n.to_string()]),
        _ => uuid_for(&[&p.name, "clone-bios", &spec.name, &n.to_string()]),
    };
    let mut disks = Vec::new();
    for (i, d) in src.disks.iter().enumerate() {
        let ds = match &target_ds {
            Some(ds) => ds.clone(),
            None => resolve_datastore(p, &d.datastore).unwrap_or_else(|_| Datastore {
                id: d.datastore.clone(),
                name: String::new(),
                kind: String::new(),
                capacity: 0,
                free: 0,
                xcopy: false,
                vendor: None,
                folders: Vec::new(),
            }),
        };
        disks.push(Disk {
            id: match kind {
                ProviderKind::Vsphere => d.key.to_string(),
                _ => uuid_for(&[&p.name, "clone-disk", &id, &i.to_string()]),
            },
            name: match kind {
                ProviderKind::Vsphere => d.name.clone(),
                _ => disk_name(kind, &spec.name, i),
            },
            datastore: ds.id.clone(),
            file: disk_file(kind, &ds.name, &spec.name, &spec.name, i),
            provisioning: spec.provisioning.unwrap_or(d.provisioning),
            serial: disk_serial(&[&p.name, &id, &i.to_string()]),
            ..d.clone()
        });
    }
    let mut nics = Vec::new();
    for (i, nic) in src.nics.iter().enumerate() {
        let mac = next_mac(p);
        let ips = if nic.static_ip {
            nic.ips.clone()
        } else {
            nic.ips.iter().map(|ip| next_ip(p, ip)).collect()
        };
        nics.push(Nic {
            id: match kind {
                ProviderKind::Vsphere => nic.key.to_string(),
                _ => uuid_for(&[&p.name, "clone-nic", &id, &i.to_string()]),
            },
            mac,
            ips,
            ..nic.clone()
        });
    }
    let vm = Vm {
        id,
        name: spec.name.clone(),
        template: false,
        power: if spec.power_on {
            PowerState::On
        } else {
            PowerState::Off
        },
        instance_uuid: uuid_for(&[&p.name, "clone-instance", &spec.name, &n.to_string()]),
        serial: match kind {
            ProviderKind::Vsphere | ProviderKind::Ova => vmware_serial(&uuid),
            _ => uuid.clone(),
        },
        uuid,
        cbt: spec.cbt.unwrap_or(src.cbt),
        host,
        folder,
        disks,
        nics,
        snapshots: Vec::new(),
        revision: 1,
        created_at: now,
        cloned_from: Some(src.id.clone()),
        guest_os: GuestOs {
            hostname: spec.name.clone(),
            ..src.guest_os.clone()
        },
        ..src
    };
    p.vms.push(vm.clone());
    Ok(vm)
}

pub(crate) fn set_power(p: &mut Provider, vm: &str, on: bool) -> Result<Vm, LabOpError> {
    let v = vm_mut(p, vm)?;
    if v.template {
        return Err(LabOpError::IsTemplate { vm: v.name.clone() });
    }
    match (v.power, on) {
        (PowerState::On, true) => return Err(LabOpError::AlreadyOn { vm: v.name.clone() }),
        (PowerState::Off, false) => return Err(LabOpError::AlreadyOff { vm: v.name.clone() }),
        _ => {}
    }
    v.power = if on { PowerState::On } else { PowerState::Off };
    v.revision += 1;
    Ok(v.clone())
}

pub(crate) fn create_snapshot(
    p: &mut Provider,
    vm: &str,
    spec: SnapshotSpec,
    now: DateTime<Utc>,
) -> Result<Snapshot, LabOpError> {
    if spec.name.trim().is_empty() {
        return Err(LabOpError::InvalidArgument {
            message: "the snapshot needs a name".into(),
        });
    }
    let i = vm_index(p, vm)?;
    p.counters.snapshot += 1;
    let n = p.counters.snapshot;
    let kind = p.kind;
    let pname = p.name.clone();
    let v = p.vms.get_mut(i).ok_or(LabOpError::VmNotFound {
        provider: pname.clone(),
        vm: vm.to_string(),
    })?;
    if v.template && kind != ProviderKind::Openstack {
        return Err(LabOpError::IsTemplate { vm: v.name.clone() });
    }
    let snap = Snapshot {
        id: match kind {
            ProviderKind::Vsphere => format!("snapshot-{}", 100 + n),
            _ => uuid_for(&[&pname, "snapshot", &v.id, &n.to_string()]),
        },
        name: spec.name,
        description: spec.description,
        created_at: now,
        memory: spec.memory && v.power == PowerState::On,
        quiesce: spec.quiesce,
        parent: v.snapshots.last().map(|s| s.id.clone()),
    };
    v.snapshots.push(snap.clone());
    v.revision += 1;
    Ok(snap)
}

pub(crate) fn remove_snapshot(
    p: &mut Provider,
    vm: &str,
    snapshot: &str,
) -> Result<(), LabOpError> {
    let v = vm_mut(p, vm)?;
    let pos = v
        .snapshots
        .iter()
        .position(|s| s.id == snapshot)
        .ok_or_else(|| LabOpError::SnapshotNotFound {
            vm: v.name.clone(),
            snapshot: snapshot.to_string(),
        })?;
    let removed = v.snapshots.remove(pos);
    for s in &mut v.snapshots {
        if s.parent.as_deref() == Some(removed.id.as_str()) {
            s.parent = removed.parent.clone();
        }
    }
    v.revision += 1;
    Ok(())
}

pub(crate) fn add_disk(p: &mut Provider, vm: &str, spec: AddDiskSpec) -> Result<Disk, LabOpError> {
    // An RDM disk has the size of its LUN (vSphere ignores the requested capacity).
    let rdm = match &spec.rdm {
        Some(r) => {
            let lun = p.lun(&r.lun).ok_or_else(|| LabOpError::LunNotFound {
                provider: p.name.clone(),
                lun: r.lun.clone(),
            })?;
            Some((
                Rdm {
                    lun: lun.canonical_name.clone(),
                    physical: r.physical,
                },
                lun.capacity,
            ))
        }
        None => None,
    };
    let capacity = rdm.as_ref().map_or(spec.capacity, |(_, c)| *c);
    if capacity == 0 {
        return Err(LabOpError::InvalidArgument {
            message: "disk capacity must be positive".into(),
        });
    }
    let i = vm_index(p, vm)?;
    let kind = p.kind;
    let pname = p.name.clone();
    let (vm_name, vm_id, first_ds, first_bus, count, used_keys) = {
        let v = p.vms.get(i).ok_or(LabOpError::VmNotFound {
            provider: pname.clone(),
            vm: vm.to_string(),
        })?;
        (
            v.name.clone(),
            v.id.clone(),
            v.disks.first().map(|d| d.datastore.clone()),
            v.disks.first().map(|d| d.bus),
            v.disks.len(),
            v.disks.iter().map(|d| d.key).collect::<Vec<_>>(),
        )
    };
    let ds_ref = spec
        .datastore
        .clone()
        .or(first_ds)
        .or_else(|| p.datastores.first().map(|d| d.id.clone()));
    let ds = match ds_ref {
        Some(d) => resolve_datastore(p, &d)?,
        None => {
            return Err(LabOpError::InvalidArgument {
                message: "no datastore to place the disk on".into(),
            });
        }
    };
    if let Some(folder) = &spec.folder
        && !ds.folders.iter().any(|f| f == folder)
    {
        return Err(LabOpError::FolderNotFound {
            folder: format!("[{}] {folder}", ds.name),
        });
    }
    if rdm.is_some() && ds.kind != "VMFS" {
        return Err(LabOpError::InvalidArgument {
            message: format!(
                "an RDM mapping file needs a VMFS datastore; {} is {}",
                ds.name, ds.kind
            ),
        });
    }
    let bus = spec.bus.or(first_bus).unwrap_or(DiskBus::Scsi);
    let on_bus = p
        .vms
        .get(i)
        .map_or(0, |v| v.disks.iter().filter(|d| d.bus == bus).count());
    let (controller_key, unit_number) = disk_address(bus, on_bus);
    let mut key = 2000 + i32::try_from(count).unwrap_or(0);
    while used_keys.contains(&key) {
        key += 1;
    }
    let dir = spec.folder.clone().unwrap_or_else(|| vm_name.clone());
    let file = match (kind, &spec.file_name) {
        (ProviderKind::Vsphere, Some(f)) => format!("[{}] {dir}/{f}.vmdk", ds.name),
        (ProviderKind::Vsphere, None) => format!("[{}] {dir}/{vm_name}_{count}.vmdk", ds.name),
        (_, Some(f)) => f.clone(),
        (_, None) => disk_name(kind, &vm_name, count),
    };
    let disk = Disk {
        id: match kind {
            ProviderKind::Vsphere => key.to_string(),
            _ => uuid_for(&[&pname, "added-disk", &vm_id, &key.to_string()]),
        },
        key,
        controller_key,
        unit_number,
        bus,
        name: spec
            .name
            .unwrap_or_else(|| disk_name(kind, &vm_name, count)),
        datastore: ds.id,
        file,
        capacity,
        provisioning: spec.provisioning,
        // vSphere reports physical-mode RDMs as independent (snapshots do not cover them).
        mode: match &rdm {
            Some((r, _)) if r.physical => DiskMode::IndependentPersistent,
            _ => spec.mode,
        },
        shared: false,
        rdm: rdm.map(|(r, _)| r),
        serial: disk_serial(&[&pname, &vm_id, "added", &key.to_string()]),
        bootable: count == 0,
    };
    let v = p.vms.get_mut(i).ok_or(LabOpError::VmNotFound {
        provider: pname,
        vm: vm.to_string(),
    })?;
    v.disks.push(disk.clone());
    v.revision += 1;
    Ok(disk)
}

pub(crate) fn set_cbt(p: &mut Provider, vm: &str, enabled: bool) -> Result<Vm, LabOpError> {
    let v = vm_mut(p, vm)?;
    if v.cbt != enabled {
        v.cbt = enabled;
        v.revision += 1;
    }
    Ok(v.clone())
}

pub(crate) fn delete_vm(p: &mut Provider, vm: &str) -> Result<Vm, LabOpError> {
    let i = vm_index(p, vm)?;
    let name = p.name.clone();
    let v = p.vms.get(i).ok_or(LabOpError::VmNotFound {
        provider: name,
        vm: vm.to_string(),
    })?;
    if v.power == PowerState::On {
        return Err(LabOpError::PoweredOn { vm: v.name.clone() });
    }
    Ok(p.vms.remove(i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Lab;

    fn vsphere() -> Provider {
        Lab::default_lab()
            .unwrap()
            .provider("vsphere")
            .unwrap()
            .clone()
    }

    fn now() -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH
    }

    #[test]
    fn clone_gets_new_identity_and_files() {
        let mut p = vsphere();
        let src = p.vm_by_name("mtv-tests-rhel8").unwrap().clone();
        let c = clone_vm(
            &mut p,
            "mtv-tests-rhel8",
            CloneSpec {
                name: "rhel8-clone".into(),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
        assert_ne!(c.id, src.id);
        assert_ne!(c.uuid, src.uuid);
        assert_eq!(c.power, PowerState::Off);
        assert_eq!(c.cloned_from.as_deref(), Some(src.id.as_str()));
        assert!(
            c.disks[0].file.ends_with("rhel8-clone/rhel8-clone.vmdk"),
            "{}",
            c.disks[0].file
        );
        assert_ne!(c.nics[0].mac, src.nics[0].mac);
        assert!(c.serial.starts_with("VMware-42 "));
        let again = clone_vm(
            &mut p,
            "mtv-tests-rhel8",
            CloneSpec {
                name: "rhel8-clone".into(),
                ..Default::default()
            },
            now(),
        );
        assert!(matches!(again, Err(LabOpError::NameTaken { .. })));
    }

    #[test]
    fn clone_to_other_datastore_with_provisioning() {
        let mut p = vsphere();
        let non = p
            .copy_offload
            .clone()
            .unwrap()
            .non_xcopy_datastore_id
            .unwrap();
        let c = clone_vm(
            &mut p,
            "xcopy-template-test",
            CloneSpec {
                name: "x1".into(),
                datastore: Some(non.clone()),
                provisioning: Some(Provisioning::ThickEager),
                cbt: Some(true),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
        assert!(!c.template);
        assert!(c.cbt);
        assert!(
            c.disks
                .iter()
                .all(|d| d.datastore == non && d.provisioning == Provisioning::ThickEager)
        );
    }

    #[test]
    fn power_and_tools() {
        let mut p = vsphere();
        let v = set_power(&mut p, "mtv-tests-rhel8", true).unwrap();
        assert!(v.tools_running());
        assert!(!v.guest_ips().is_empty());
        assert_eq!(
            set_power(&mut p, "mtv-tests-rhel8", true),
            Err(LabOpError::AlreadyOn {
                vm: "mtv-tests-rhel8".into()
            })
        );
        assert!(matches!(
            delete_vm(&mut p, "mtv-tests-rhel8"),
            Err(LabOpError::PoweredOn { .. })
        ));
        let v = set_power(&mut p, "mtv-tests-rhel8", false).unwrap();
        assert!(v.guest_ips().is_empty());
        assert!(matches!(
            set_power(&mut p, "xcopy-template-test", true),
            Err(LabOpError::IsTemplate { .. })
        ));
    }

    #[test]
    fn snapshots_chain_and_delta_files() {
        let mut p = vsphere();
        let s1 = create_snapshot(
            &mut p,
            "mtv-tests-rhel8",
            SnapshotSpec {
                name: "s1".into(),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
        let s2 = create_snapshot(
            &mut p,
            "mtv-tests-rhel8",
            SnapshotSpec {
                name: "s2".into(),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
        assert_eq!(s2.parent.as_deref(), Some(s1.id.as_str()));
        let v = p.vm_by_name("mtv-tests-rhel8").unwrap();
        let d = &v.disks[0];
        assert!(v.disk_backing_file(d).ends_with("-000002.vmdk"));
        assert!(v.disk_parent_file(d).ends_with("-000001.vmdk"));
        remove_snapshot(&mut p, "mtv-tests-rhel8", &s1.id).unwrap();
        let v = p.vm_by_name("mtv-tests-rhel8").unwrap();
        assert_eq!(v.snapshots[0].parent, None);
        assert!(matches!(
            remove_snapshot(&mut p, "mtv-tests-rhel8", "nope"),
            Err(LabOpError::SnapshotNotFound { .. })
        ));
    }

    #[test]
    fn add_disk_in_datastore_folder() {
        let mut p = vsphere();
        let primary = p.copy_offload.clone().unwrap().datastore_id;
        let d = add_disk(
            &mut p,
            "mtv-tests-rhel8",
            AddDiskSpec {
                capacity: 30 << 30,
                datastore: Some(primary.clone()),
                folder: Some("shared_disks".into()),
                provisioning: Provisioning::ThickLazy,
                mode: DiskMode::IndependentPersistent,
                bus: None,
                name: None,
                file_name: None,
                rdm: None,
            },
        )
        .unwrap();
        assert!(
            d.file.contains("] shared_disks/mtv-tests-rhel8_1.vmdk"),
            "{}",
            d.file
        );
        assert_eq!(d.key, 2001);
        assert_eq!(d.unit_number, 1);
        let err = add_disk(
            &mut p,
            "mtv-tests-rhel8",
            AddDiskSpec {
                capacity: 1,
                datastore: Some(primary),
                folder: Some("nope".into()),
                provisioning: Provisioning::Thin,
                mode: DiskMode::Persistent,
                bus: None,
                name: None,
                file_name: None,
                rdm: None,
            },
        );
        assert!(matches!(err, Err(LabOpError::FolderNotFound { .. })));
    }
}
