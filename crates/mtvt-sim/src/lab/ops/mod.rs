//! The changes a test harness or a controller makes on the source side, applied to one
//! provider's state: clone, power, snapshots, add disk, CBT, delete.
//!
//! Pure functions over `&mut Provider`; locking, history and notification are `handle`'s job.
//! Every refusal is a typed [`LabOpError`] that the protocols translate.

mod clone;
mod disk;

pub(crate) use clone::clone_vm;
pub(crate) use disk::add_disk;

use chrono::{DateTime, Utc};

use super::error::LabOpError;
use super::ids::uuid_for;
use super::model::*;

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

fn resolve_datastore(p: &Provider, ds: &str) -> Result<Datastore, LabOpError> {
    p.datastore(ds)
        .cloned()
        .ok_or_else(|| LabOpError::DatastoreNotFound {
            provider: p.name.clone(),
            datastore: ds.to_string(),
        })
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
mod tests;
