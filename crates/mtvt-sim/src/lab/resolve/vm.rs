//! A provider's VMs: id, guest OS, power and sizing checks, BIOS UUID and serial, host and
//! folder placement, then their disks, NICs and snapshot chain.

use chrono::{DateTime, Utc};

use super::disk::resolve_disk;
use super::issue;
use super::nic::resolve_nic;
use crate::lab::error::LabIssue;
use crate::lab::file::{SnapshotFile, VmFile};
use crate::lab::guest_os;
use crate::lab::ids::{uuid_for, vmware_serial, vsphere_uuid};
use crate::lab::model::*;

pub(super) fn resolve_vm(
    v: VmFile,
    index: usize,
    path: &str,
    p: &mut Provider,
    origin: DateTime<Utc>,
    issues: &mut Vec<LabIssue>,
) -> Vm {
    let kind = p.kind;
    let id = v.id.clone().unwrap_or_else(|| match kind {
        ProviderKind::Vsphere => format!("vm-{}", 1001 + index),
        _ => uuid_for(&[&p.name, "vm", &v.name]),
    });
    let hostname = v.hostname.clone().unwrap_or_else(|| v.name.clone());
    let guest = guest(&v, kind, &hostname, path, issues);
    let power = v.power.unwrap_or(PowerState::Off);
    let (sockets, cores, memory_mb) = sizing(&v, power, path, issues);
    let uuid = v.uuid.clone().unwrap_or_else(|| match kind {
        ProviderKind::Vsphere => vsphere_uuid(&[&p.name, "bios", &v.name]),
        _ => uuid_for(&[&p.name, "bios", &v.name]),
    });
    let serial = v.serial.clone().unwrap_or_else(|| match kind {
        ProviderKind::Vsphere | ProviderKind::Ova => vmware_serial(&uuid),
        _ => uuid.clone(),
    });
    let (host, folder) = placement(&v, p, path, issues);
    let namespace = (kind == ProviderKind::Openshift).then(|| {
        v.namespace
            .clone()
            .unwrap_or_else(|| p.project.name.clone())
    });
    let disks = v
        .disks
        .into_iter()
        .enumerate()
        .map(|(j, d)| resolve_disk(d, j, &v.name, &id, &format!("{path}.disks[{j}]"), p, issues))
        .collect();
    let nics = v
        .nics
        .into_iter()
        .enumerate()
        .map(|(j, n)| resolve_nic(n, j, &id, &format!("{path}.nics[{j}]"), p, issues))
        .collect();
    let snapshots = snapshots(&v.name, v.snapshots, p, origin);
    Vm {
        instance_uuid: uuid_for(&[&p.name, "instance", &v.name]),
        id,
        name: v.name,
        template: v.template,
        power,
        cpu_sockets: sockets,
        cores_per_socket: cores,
        memory_mb,
        firmware: v.firmware.unwrap_or(Firmware::Bios),
        secure_boot: v.secure_boot,
        tpm: v.tpm,
        uuid,
        serial,
        guest_os: guest,
        tools: v.guest_tools.unwrap_or(ToolsInstall::Installed),
        cbt: v.cbt,
        host,
        folder,
        namespace,
        disks,
        nics,
        snapshots,
        revision: 1,
        created_at: origin,
        description: v.description.unwrap_or_default(),
        cloned_from: None,
    }
}

/// The guest OS of the VM's `guest_os` key (RHEL 8 with an issue when unknown), with the
/// platform's guest id overridden by `guest_id`.
fn guest(
    v: &VmFile,
    kind: ProviderKind,
    hostname: &str,
    path: &str,
    issues: &mut Vec<LabIssue>,
) -> GuestOs {
    let mut guest = guest_os::lookup(&v.guest_os, hostname).unwrap_or_else(|| {
        issue(
            issues,
            format!("{path}.guest_os"),
            format!("unknown guest OS {:?}", v.guest_os),
            &format!("use one of: {}", guest_os::known_keys().join(", ")),
        );
        guest_os::lookup("rhel8", hostname).unwrap_or(GuestOs {
            key: v.guest_os.clone(),
            family: OsFamily::Linux,
            full_name: String::new(),
            vsphere_id: String::new(),
            ovirt_id: String::new(),
            openstack_id: String::new(),
            hostname: hostname.to_string(),
            root_xfs_v4: false,
        })
    });
    guest.root_xfs_v4 = v.root_xfs_v4;
    if let Some(gid) = &v.guest_id {
        match kind {
            ProviderKind::Ovirt => guest.ovirt_id = gid.clone(),
            ProviderKind::Openstack => guest.openstack_id = gid.clone(),
            _ => guest.vsphere_id = gid.clone(),
        }
    }
    guest
}

/// `(sockets, cores per socket, memory MiB)`, checked (a template cannot be on, nothing is 0).
fn sizing(
    v: &VmFile,
    power: PowerState,
    path: &str,
    issues: &mut Vec<LabIssue>,
) -> (u32, u32, u64) {
    if v.template && power == PowerState::On {
        issue(
            issues,
            format!("{path}.power"),
            "a template cannot be powered on".into(),
            "remove `power: on` or `template: true`",
        );
    }
    let (sockets, cores) = v
        .cpu
        .as_ref()
        .map_or((1, 2), |c| (c.sockets.unwrap_or(1), c.cores.unwrap_or(1)));
    if sockets == 0 || cores == 0 {
        issue(
            issues,
            format!("{path}.cpu"),
            "sockets and cores must be at least 1".into(),
            "set `cpu: {sockets: 1, cores: 2}`",
        );
    }
    let memory_mb = v.memory_mb.unwrap_or(4096);
    if memory_mb == 0 {
        issue(
            issues,
            format!("{path}.memory_mb"),
            "memory must be at least 1 MiB".into(),
            "set e.g. `memory_mb: 4096`",
        );
    }
    (sockets, cores, memory_mb)
}

/// The ids of the VM's host (default: the first) and folder (default: the first), checked.
fn placement(
    v: &VmFile,
    p: &Provider,
    path: &str,
    issues: &mut Vec<LabIssue>,
) -> (String, Option<String>) {
    let host = match &v.host {
        Some(h) => match p.host(h) {
            Some(h) => h.id.clone(),
            None => {
                issue(
                    issues,
                    format!("{path}.host"),
                    format!("host {h:?} is not defined"),
                    "use the name of a host listed under this provider",
                );
                String::new()
            }
        },
        None => p.hosts.first().map(|h| h.id.clone()).unwrap_or_default(),
    };
    let folder = match &v.folder {
        Some(f) => match p.folder(f) {
            Some(f) => Some(f.id.clone()),
            None => {
                issue(
                    issues,
                    format!("{path}.folder"),
                    format!("folder {f:?} is not defined"),
                    "add it to the provider's `folders` list",
                );
                None
            }
        },
        None => p.folders.first().map(|f| f.id.clone()),
    };
    (host, folder)
}

/// The VM's snapshots, as a chain (each one's parent is the previous one).
fn snapshots(
    vm: &str,
    files: Vec<SnapshotFile>,
    p: &mut Provider,
    origin: DateTime<Utc>,
) -> Vec<Snapshot> {
    let snaps = files
        .into_iter()
        .enumerate()
        .map(|(j, s)| {
            p.counters.snapshot += 1;
            Snapshot {
                id: match p.kind {
                    ProviderKind::Vsphere => format!("snapshot-{}", p.counters.snapshot),
                    _ => uuid_for(&[&p.name, "snapshot", vm, &s.name]),
                },
                name: s.name,
                description: s.description.unwrap_or_default(),
                created_at: origin,
                memory: s.memory,
                quiesce: false,
                parent: (j > 0).then(|| format!("#{}", j - 1)),
            }
        })
        .collect::<Vec<_>>();
    link_snapshot_parents(snaps)
}

/// Snapshots in a file form a chain: each one's parent is the previous one.
fn link_snapshot_parents(mut snaps: Vec<Snapshot>) -> Vec<Snapshot> {
    let ids: Vec<String> = snaps.iter().map(|s| s.id.clone()).collect();
    for (i, s) in snaps.iter_mut().enumerate() {
        s.parent = i.checked_sub(1).and_then(|j| ids.get(j).cloned());
    }
    snaps
}
