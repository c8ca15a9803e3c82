//! A VM's disks: the datastore (or RDM LUN) they live on, their size, bus address, name,
//! backing file, mode and serial, with the platform's defaults.

use super::{GIB, issue};
use crate::lab::error::LabIssue;
use crate::lab::file::DiskFile;
use crate::lab::ids::{disk_serial, uuid_for};
use crate::lab::model::*;

/// vSphere controller key and unit number for the `index`-th disk on `bus`.
pub(crate) fn disk_address(bus: DiskBus, index: usize) -> (i32, i32) {
    let index = i32::try_from(index).unwrap_or(i32::MAX);
    match bus {
        // unit 7 is the SCSI controller itself
        DiskBus::Scsi | DiskBus::Virtio => (1000, if index >= 7 { index + 1 } else { index }),
        DiskBus::Sata => (15000, index),
        DiskBus::Ide => (200 + index / 2, index % 2),
        DiskBus::Nvme => (31000, index),
    }
}

/// The default disk name on each platform.
pub(crate) fn disk_name(kind: ProviderKind, vm: &str, index: usize) -> String {
    match kind {
        ProviderKind::Vsphere => format!("Hard disk {}", index + 1),
        ProviderKind::Ovirt => format!("{vm}_Disk{}", index + 1),
        ProviderKind::Openstack => format!("{vm}-vol-{index}"),
        ProviderKind::Ova => format!("{vm}-disk{}.vmdk", index + 1),
        ProviderKind::Hyperv => format!("{vm}-disk{}.vhdx", index + 1),
        ProviderKind::Openshift => {
            if index == 0 {
                format!("{vm}-rootdisk")
            } else {
                format!("{vm}-disk-{index}")
            }
        }
    }
}

/// The default backing file of a disk.
pub(crate) fn disk_file(
    kind: ProviderKind,
    ds_name: &str,
    folder: &str,
    vm: &str,
    index: usize,
) -> String {
    match kind {
        ProviderKind::Vsphere => {
            if index == 0 {
                format!("[{ds_name}] {folder}/{vm}.vmdk")
            } else {
                format!("[{ds_name}] {folder}/{vm}_{index}.vmdk")
            }
        }
        _ => disk_name(kind, vm, index),
    }
}

pub(super) fn resolve_disk(
    d: DiskFile,
    index: usize,
    vm: &str,
    vm_id: &str,
    path: &str,
    p: &Provider,
    issues: &mut Vec<LabIssue>,
) -> Disk {
    let kind = p.kind;
    let ds = match &d.datastore {
        Some(name) => match p.datastore(name) {
            Some(ds) => Some(ds.clone()),
            None => {
                issue(
                    issues,
                    format!("{path}.datastore"),
                    format!("datastore {name:?} is not defined in provider {:?}", p.name),
                    "use the name or id of a datastore listed under this provider",
                );
                None
            }
        },
        None => p.datastores.first().cloned(),
    };
    if ds.is_none() && d.datastore.is_none() && kind != ProviderKind::Ova {
        issue(
            issues,
            format!("{path}.datastore"),
            "the provider has no datastore to put this disk on".into(),
            "add a datastore to the provider or set `datastore` on the disk",
        );
    }
    let rdm = d.rdm_lun.as_deref().and_then(|lun| {
        crate::lab::luns::resolve_rdm(lun, d.rdm_mode, ds.as_ref(), p, path, issues)
    });
    let capacity = match (&rdm, d.size_gb) {
        (Some((_, lun_size)), _) => *lun_size,
        (None, Some(gb)) if gb > 0 => gb * GIB,
        (None, _) => {
            issue(
                issues,
                format!("{path}.size_gb"),
                "disk size must be at least 1 GiB".into(),
                "set `size_gb` to a positive number (RDM disks take the size of their `rdm_lun`)",
            );
            0
        }
    };
    let bus = d.bus.unwrap_or(match kind {
        ProviderKind::Vsphere | ProviderKind::Ova => DiskBus::Scsi,
        _ => DiskBus::Virtio,
    });
    let (controller_key, unit_number) = disk_address(bus, index);
    let key = 2000 + i32::try_from(index).unwrap_or(0);
    let ds_name = ds.as_ref().map(|d| d.name.clone()).unwrap_or_default();
    let mode = match &rdm {
        // vSphere reports physical-mode RDMs as independent (no snapshots pass through).
        Some((r, _)) if r.physical => DiskMode::IndependentPersistent,
        _ => d.mode.unwrap_or(DiskMode::Persistent),
    };
    Disk {
        id: d.id.unwrap_or_else(|| match kind {
            ProviderKind::Vsphere => key.to_string(),
            _ => uuid_for(&[&p.name, "disk", vm, &index.to_string()]),
        }),
        key,
        controller_key,
        unit_number,
        bus,
        name: d.name.unwrap_or_else(|| disk_name(kind, vm, index)),
        datastore: ds.map(|d| d.id).unwrap_or_default(),
        file: d
            .file
            .unwrap_or_else(|| disk_file(kind, &ds_name, vm, vm, index)),
        capacity,
        provisioning: d.provisioning.unwrap_or(Provisioning::Thin),
        mode,
        shared: d.shared,
        rdm: rdm.map(|(r, _)| r),
        serial: d
            .serial
            .unwrap_or_else(|| disk_serial(&[&p.name, vm_id, &index.to_string()])),
        bootable: index == 0,
    }
}
