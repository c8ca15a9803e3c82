//! Cloning a VM: a new identity (id, BIOS UUID, serial, instance UUID), disks copied onto
//! the requested (or the source's) datastores with new files and serials, NICs with fresh
//! MACs and — unless static — fresh DHCP leases.

use chrono::{DateTime, Utc};

use super::{CloneSpec, resolve_datastore, vm_index};
use crate::lab::error::LabOpError;
use crate::lab::ids::{disk_serial, mac_for, uuid_for, vmware_serial, vsphere_uuid};
use crate::lab::model::*;
use crate::lab::resolve::{disk_file, disk_name};

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
    let (folder, host) = placement(p, &spec, &src)?;
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
    let disks = clone_disks(p, &src, &spec, target_ds.as_ref(), &id);
    let nics = clone_nics(p, &src, &id);
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

/// The clone's folder and host ids: the requested ones (which must exist) or the source's.
fn placement(
    p: &Provider,
    spec: &CloneSpec,
    src: &Vm,
) -> Result<(Option<String>, String), LabOpError> {
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
    Ok((folder, host))
}

/// The source's disks copied onto `target_ds` (or each disk's own datastore).
fn clone_disks(
    p: &Provider,
    src: &Vm,
    spec: &CloneSpec,
    target_ds: Option<&Datastore>,
    id: &str,
) -> Vec<Disk> {
    let kind = p.kind;
    let mut disks = Vec::new();
    for (i, d) in src.disks.iter().enumerate() {
        let ds = match target_ds {
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
                _ => uuid_for(&[&p.name, "clone-disk", id, &i.to_string()]),
            },
            name: match kind {
                ProviderKind::Vsphere => d.name.clone(),
                _ => disk_name(kind, &spec.name, i),
            },
            datastore: ds.id.clone(),
            file: disk_file(kind, &ds.name, &spec.name, &spec.name, i),
            provisioning: spec.provisioning.unwrap_or(d.provisioning),
            serial: disk_serial(&[&p.name, id, &i.to_string()]),
            ..d.clone()
        });
    }
    disks
}

/// The source's NICs with fresh MACs and, unless static, fresh DHCP leases.
fn clone_nics(p: &mut Provider, src: &Vm, id: &str) -> Vec<Nic> {
    let kind = p.kind;
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
                _ => uuid_for(&[&p.name, "clone-nic", id, &i.to_string()]),
            },
            mac,
            ips,
            ..nic.clone()
        });
    }
    nics
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
