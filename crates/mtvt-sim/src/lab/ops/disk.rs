//! Adding a disk to a VM: a flat VMDK of a given capacity, or a raw device mapping of a LUN
//! (with the LUN's size), on the requested or the VM's first datastore (and folder), at the
//! next free bus address and key.

use super::{AddDiskSpec, RdmSpec, resolve_datastore, vm_index};
use crate::lab::error::LabOpError;
use crate::lab::ids::{disk_serial, uuid_for};
use crate::lab::model::*;
use crate::lab::resolve::{disk_address, disk_name};

pub(crate) fn add_disk(p: &mut Provider, vm: &str, spec: AddDiskSpec) -> Result<Disk, LabOpError> {
    // An RDM disk has the size of its LUN (vSphere ignores the requested capacity).
    let rdm = spec.rdm.as_ref().map(|r| rdm_of(p, r)).transpose()?;
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
    let ds = datastore(p, &spec, first_ds, rdm.is_some())?;
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

/// The mapping of the LUN `r` names, and the LUN's size.
fn rdm_of(p: &Provider, r: &RdmSpec) -> Result<(Rdm, u64), LabOpError> {
    let lun = p.lun(&r.lun).ok_or_else(|| LabOpError::LunNotFound {
        provider: p.name.clone(),
        lun: r.lun.clone(),
    })?;
    Ok((
        Rdm {
            lun: lun.canonical_name.clone(),
            physical: r.physical,
        },
        lun.capacity,
    ))
}

/// The datastore the disk goes on (the requested one, the VM's first disk's, or the
/// provider's first), with the requested folder on it; an RDM's mapping file needs VMFS.
fn datastore(
    p: &Provider,
    spec: &AddDiskSpec,
    first_ds: Option<String>,
    rdm: bool,
) -> Result<Datastore, LabOpError> {
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
    if rdm && ds.kind != "VMFS" {
        return Err(LabOpError::InvalidArgument {
            message: format!(
                "an RDM mapping file needs a VMFS datastore; {} is {}",
                ds.name, ds.kind
            ),
        });
    }
    Ok(ds)
}
