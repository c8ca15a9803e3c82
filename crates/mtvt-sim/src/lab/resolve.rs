//! Turns a parsed lab file into the resolved model: fills defaults and ids, checks every
//! reference, and reports all problems at once with their field path.
//!
//! It must not fail fast: a user fixing a lab file wants the whole list.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::Lab;
use super::error::LabIssue;
use super::file::{
    ClusterFile, CopyOffloadFile, DiskFile, LabFile, NicFile, NodeRole, ProviderFile, VmFile,
};
use super::guest_os;
use super::ids::{disk_serial, mac_for, uuid_for, vmware_serial, vsphere_uuid};
use super::model::*;

/// The vendor names Forklift accepts in `vsphereXcopyConfig.storageVendorProduct`.
pub const XCOPY_VENDORS: &[&str] = &[
    "flashsystem",
    "vantara",
    "ontap",
    "primera3par",
    "pureFlashArray",
    "powerflex",
    "powermax",
    "powerstore",
    "infinibox",
];

const GIB: u64 = 1 << 30;

fn issue(issues: &mut Vec<LabIssue>, path: String, message: String, help: &str) {
    issues.push(LabIssue {
        path,
        message,
        help: help.to_string(),
    });
}

/// Resolves a whole lab; `Err` holds every problem found.
pub(crate) fn resolve(file: LabFile, origin: DateTime<Utc>) -> Result<Lab, Vec<LabIssue>> {
    let mut issues = Vec::new();
    let cluster = resolve_cluster(file.cluster, &mut issues);
    let mut names = BTreeSet::new();
    let mut providers = Vec::new();
    for (i, p) in file.providers.into_iter().enumerate() {
        let path = format!("providers[{i}]");
        if !names.insert(p.name.clone()) {
            issue(
                &mut issues,
                format!("{path}.name"),
                format!("provider name {:?} is used twice", p.name),
                "give every provider a unique name",
            );
        }
        providers.push(resolve_provider(p, &path, &cluster, origin, &mut issues));
    }
    let faults = super::faults::resolve_faults(file.faults, &mut issues);
    let guest_credentials = file
        .guest_credentials
        .map(|g| GuestCredentials {
            linux_user: g.linux_user,
            linux_password: g.linux_password,
            windows_user: g.windows_user,
            windows_password: g.windows_password,
        })
        .unwrap_or_default();
    if issues.is_empty() {
        Ok(Lab {
            providers,
            cluster,
            faults,
            guest_credentials,
        })
    } else {
        Err(issues)
    }
}

fn resolve_cluster(c: ClusterFile, issues: &mut Vec<LabIssue>) -> Cluster {
    let mut seen = BTreeSet::new();
    let mut nodes = Vec::new();
    for (i, n) in c.nodes.into_iter().enumerate() {
        if !seen.insert(n.name.clone()) {
            issue(
                issues,
                format!("cluster.nodes[{i}].name"),
                format!("node {:?} is listed twice", n.name),
                "give every node a unique name",
            );
        }
        let mut labels = BTreeMap::new();
        labels.insert("kubernetes.io/hostname".to_string(), n.name.clone());
        labels.insert("kubernetes.io/os".to_string(), "linux".to_string());
        labels.insert("kubernetes.io/arch".to_string(), "amd64".to_string());
        let worker = n.roles.contains(&NodeRole::Worker);
        if worker {
            labels.insert("node-role.kubernetes.io/worker".to_string(), String::new());
        }
        if n.roles.contains(&NodeRole::ControlPlane) {
            labels.insert(
                "node-role.kubernetes.io/control-plane".to_string(),
                String::new(),
            );
            labels.insert("node-role.kubernetes.io/master".to_string(), String::new());
        }
        if let Some(zone) = n.zone {
            labels.insert("topology.kubernetes.io/zone".to_string(), zone);
        }
        labels.extend(n.labels);
        nodes.push(Node {
            name: n.name,
            labels,
            worker,
        });
    }
    if !nodes.iter().any(|n| n.worker) {
        issue(
            issues,
            "cluster.nodes".into(),
            "no node has the worker role".into(),
            "add `roles: [worker]` to at least one node",
        );
    }
    let mut storage_classes = Vec::new();
    let mut sc_names = BTreeSet::new();
    for (i, s) in c.storage_classes.into_iter().enumerate() {
        if !sc_names.insert(s.name.clone()) {
            issue(
                issues,
                format!("cluster.storage_classes[{i}].name"),
                format!("storage class {:?} is listed twice", s.name),
                "give every storage class a unique name",
            );
        }
        storage_classes.push(StorageClass {
            name: s.name,
            provisioner: s.provisioner,
            default: s.default,
            volume_binding_mode: s.volume_binding_mode.unwrap_or_else(|| "Immediate".into()),
            reclaim_policy: s.reclaim_policy.unwrap_or_else(|| "Delete".into()),
            allow_volume_expansion: s.allow_volume_expansion.unwrap_or(true),
            parameters: s.parameters,
        });
    }
    if storage_classes.iter().filter(|s| s.default).count() > 1 {
        issue(
            issues,
            "cluster.storage_classes".into(),
            "more than one storage class is marked default".into(),
            "keep `default: true` on one class only",
        );
    }
    Cluster {
        nodes,
        storage_classes,
    }
}

/// Id generator per provider kind.
struct Ids<'a> {
    kind: ProviderKind,
    provider: &'a str,
}

impl Ids<'_> {
    fn make(&self, what: &str, name: &str, moref: impl FnOnce() -> String) -> String {
        match self.kind {
            ProviderKind::Vsphere => moref(),
            ProviderKind::Openshift if what == "datastore" || what == "network" => name.to_string(),
            _ => uuid_for(&[self.provider, what, name]),
        }
    }
}

fn resolve_provider(
    p: ProviderFile,
    path: &str,
    cluster: &Cluster,
    origin: DateTime<Utc>,
    issues: &mut Vec<LabIssue>,
) -> Provider {
    let kind = p.kind;
    let ids = Ids {
        kind,
        provider: &p.name,
    };
    let credentials = match p.credentials {
        Some(c) => Credentials {
            username: c.username,
            password: c.password,
            project_name: c.project_name.unwrap_or_default(),
            user_domain_name: c.user_domain_name.unwrap_or_default(),
            project_domain_id: c.project_domain_id.unwrap_or_default(),
            user_domain_id: c.user_domain_id.unwrap_or_default(),
            region_name: c.region_name.unwrap_or_default(),
        },
        None => {
            if matches!(
                kind,
                ProviderKind::Vsphere | ProviderKind::Ovirt | ProviderKind::Openstack
            ) {
                issue(
                    issues,
                    format!("{path}.credentials"),
                    format!("a {kind} provider needs credentials"),
                    "add `credentials: {username: ..., password: ...}`",
                );
            }
            Credentials::default()
        }
    };
    if kind == ProviderKind::Openstack
        && credentials.project_name.is_empty()
        && !credentials.username.is_empty()
    {
        issue(
            issues,
            format!("{path}.credentials.project_name"),
            "an OpenStack provider needs a project_name".into(),
            "add `project_name` (and user_domain_name, region_name) to the credentials",
        );
    }
    let (dc_default, cluster_default, version_default) = match kind {
        ProviderKind::Vsphere => ("Datacenter", "Cluster", "8.0.3"),
        ProviderKind::Ovirt => ("Default", "Default", "4.5.5"),
        ProviderKind::Openstack => ("", "", "17.1"),
        ProviderKind::Openshift => ("", "", "4.19"),
        ProviderKind::Ova => ("", "", "1"),
    };
    let dc_name = p.datacenter.unwrap_or_else(|| dc_default.to_string());
    let datacenter = Named {
        id: ids.make("datacenter", &dc_name, || "datacenter-1".into()),
        name: dc_name,
    };
    let cl_name = p.cluster.unwrap_or_else(|| cluster_default.to_string());
    let compute = Named {
        id: ids.make("cluster", &cl_name, || "domain-c8".into()),
        name: cl_name,
    };
    let project_name = p.project.unwrap_or_else(|| match kind {
        ProviderKind::Openshift => "mtv-source-vms".to_string(),
        _ => credentials.project_name.clone(),
    });
    let project = Named {
        id: ids.make("project", &project_name, String::new),
        name: project_name,
    };

    let hosts: Vec<Host> = p
        .hosts
        .into_iter()
        .enumerate()
        .map(|(i, h)| Host {
            id: h
                .id
                .unwrap_or_else(|| ids.make("host", &h.name, || format!("host-{}", 10 + i))),
            ip: h.ip.unwrap_or_else(|| format!("10.6.46.{}", 11 + i)),
            name: h.name,
            in_maintenance: h.in_maintenance,
        })
        .collect();

    let mut datastores: Vec<Datastore> = p
        .datastores
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let capacity = d.capacity_gb.unwrap_or(4096) * GIB;
            Datastore {
                id: d.id.unwrap_or_else(|| {
                    ids.make("datastore", &d.name, || format!("datastore-{}", 20 + i))
                }),
                kind: d.kind.unwrap_or_else(|| {
                    if kind == ProviderKind::Vsphere {
                        "VMFS".into()
                    } else {
                        "NFS".into()
                    }
                }),
                free: d.free_gb.map_or(capacity / 2, |f| f * GIB),
                capacity,
                xcopy: d.xcopy,
                vendor: d.vendor,
                folders: d.folders,
                name: d.name,
            }
        })
        .collect();
    if kind == ProviderKind::Openshift && datastores.is_empty() {
        datastores = cluster
            .storage_classes
            .iter()
            .map(|s| Datastore {
                id: s.name.clone(),
                name: s.name.clone(),
                kind: s.provisioner.clone(),
                capacity: 0,
                free: 0,
                xcopy: false,
                vendor: None,
                folders: Vec::new(),
            })
            .collect();
    }
    for (i, d) in datastores.iter().enumerate() {
        if let Some(v) = &d.vendor
            && !XCOPY_VENDORS.contains(&v.as_str())
        {
            issue(
                issues,
                format!("{path}.datastores[{i}].vendor"),
                format!("unknown storage vendor {v:?}"),
                &format!("use one of: {}", XCOPY_VENDORS.join(", ")),
            );
        }
    }

    let luns = super::luns::resolve_luns(p.luns, kind, &datastores, path, issues);

    let mut networks: Vec<Network> = p
        .networks
        .into_iter()
        .enumerate()
        .map(|(i, n)| {
            let variant = match kind {
                ProviderKind::Vsphere => n.variant.unwrap_or_else(|| "Standard".into()),
                _ => n.variant.unwrap_or_default(),
            };
            let dv = variant == "DvPortGroup";
            Network {
                id: n.id.unwrap_or_else(|| {
                    ids.make("network", &n.name, || {
                        if dv {
                            format!("dvportgroup-{}", 30 + i)
                        } else {
                            format!("network-{}", 30 + i)
                        }
                    })
                }),
                profile_id: uuid_for(&[&p.name, "vnicprofile", &n.name]),
                vlan: n.vlan,
                variant,
                cidr: n.cidr,
                name: n.name,
            }
        })
        .collect();
    if kind == ProviderKind::Openshift && !networks.iter().any(|n| n.id == "pod") {
        networks.insert(
            0,
            Network {
                id: "pod".into(),
                name: "pod".into(),
                vlan: None,
                variant: String::new(),
                profile_id: String::new(),
                cidr: None,
            },
        );
    }

    let folders: Vec<Folder> = p
        .folders
        .into_iter()
        .enumerate()
        .map(|(i, f)| Folder {
            id: ids.make("folder", &f, || format!("group-v{}", 40 + i)),
            name: f,
        })
        .collect();

    let mut provider = Provider {
        name: p.name.clone(),
        kind,
        version: p.version.unwrap_or_else(|| version_default.to_string()),
        credentials,
        datacenter,
        cluster: compute,
        project,
        hosts,
        datastores,
        luns,
        networks,
        folders,
        copy_offload: None,
        nfs_share: p.nfs_share.or_else(|| {
            (kind == ProviderKind::Ova).then(|| "nfs.mtv.lab:/exports/ova".to_string())
        }),
        vms: Vec::new(),
        counters: Counters::default(),
    };
    provider.copy_offload = p
        .copy_offload
        .and_then(|c| resolve_copy_offload(c, &provider, path, issues));
    super::luns::check_profile_lun(
        provider
            .copy_offload
            .as_ref()
            .and_then(|c| c.rdm_lun_uuid.as_deref()),
        &provider.luns,
        path,
        issues,
    );

    let mut vm_names = BTreeSet::new();
    let mut macs = BTreeSet::new();
    for (i, v) in p.vms.into_iter().enumerate() {
        let vpath = format!("{path}.vms[{i}]");
        if !vm_names.insert(v.name.clone()) {
            issue(
                issues,
                format!("{vpath}.name"),
                format!(
                    "VM {:?} is defined twice in provider {:?}",
                    v.name, provider.name
                ),
                "rename one of them or remove the duplicate",
            );
        }
        let vm = resolve_vm(v, i, &vpath, &mut provider, origin, issues);
        for (j, n) in vm.nics.iter().enumerate() {
            if !macs.insert(n.mac.clone()) {
                issue(
                    issues,
                    format!("{vpath}.nics[{j}].mac"),
                    format!(
                        "MAC {} is used twice in provider {:?}",
                        n.mac, provider.name
                    ),
                    "remove the `mac` to get a generated one, or pick another",
                );
            }
        }
        provider.vms.push(vm);
    }
    provider.counters.vm = provider.vms.len() as u64;
    provider
}

fn resolve_copy_offload(
    c: CopyOffloadFile,
    p: &Provider,
    path: &str,
    issues: &mut Vec<LabIssue>,
) -> Option<CopyOffload> {
    let cpath = format!("{path}.copy_offload");
    if p.kind != ProviderKind::Vsphere {
        issue(
            issues,
            cpath,
            "copy_offload is only meaningful for vsphere providers".into(),
            "remove it from this provider",
        );
        return None;
    }
    if !XCOPY_VENDORS.contains(&c.vendor.as_str()) {
        issue(
            issues,
            format!("{cpath}.vendor"),
            format!("unknown storage vendor {:?}", c.vendor),
            &format!("use one of: {}", XCOPY_VENDORS.join(", ")),
        );
    }
    let mut lookup = |field: &str, name: &str, want_xcopy: bool| -> Option<String> {
        match p.datastore(name) {
            Some(d) if d.xcopy == want_xcopy => Some(d.id.clone()),
            Some(_) => {
                let what = if want_xcopy {
                    "is not XCOPY-capable"
                } else {
                    "is XCOPY-capable"
                };
                issue(
                    issues,
                    format!("{cpath}.{field}"),
                    format!("datastore {name:?} {what}"),
                    "set `xcopy` on the datastore accordingly or pick another datastore",
                );
                None
            }
            None => {
                issue(
                    issues,
                    format!("{cpath}.{field}"),
                    format!("datastore {name:?} is not defined"),
                    "use the name or id of a datastore listed under this provider",
                );
                None
            }
        }
    };
    let datastore_id = lookup("datastore", &c.datastore, true)?;
    let secondary = c
        .secondary_datastore
        .as_deref()
        .and_then(|d| lookup("secondary_datastore", d, true));
    let non_xcopy = c
        .non_xcopy_datastore
        .as_deref()
        .and_then(|d| lookup("non_xcopy_datastore", d, false));
    Some(CopyOffload {
        vendor: c.vendor,
        datastore_id,
        secondary_datastore_id: secondary,
        non_xcopy_datastore_id: non_xcopy,
        storage_hostname: c.storage_hostname,
        storage_username: c.storage_username,
        storage_password: c.storage_password,
        extra: c.extra,
        rdm_lun_uuid: c.rdm_lun_uuid,
        esxi_clone_method: c.esxi_clone_method,
    })
}

fn resolve_vm(
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
    let mut guest = guest_os::lookup(&v.guest_os, &hostname).unwrap_or_else(|| {
        issue(
            issues,
            format!("{path}.guest_os"),
            format!("unknown guest OS {:?}", v.guest_os),
            &format!("use one of: {}", guest_os::known_keys().join(", ")),
        );
        guest_os::lookup("rhel8", &hostname).unwrap_or(GuestOs {
            key: v.guest_os.clone(),
            family: OsFamily::Linux,
            full_name: String::new(),
            vsphere_id: String::new(),
            ovirt_id: String::new(),
            openstack_id: String::new(),
            hostname: hostname.clone(),
        })
    });
    if let Some(gid) = &v.guest_id {
        match kind {
            ProviderKind::Ovirt => guest.ovirt_id = gid.clone(),
            ProviderKind::Openstack => guest.openstack_id = gid.clone(),
            _ => guest.vsphere_id = gid.clone(),
        }
    }
    let power = v.power.unwrap_or(PowerState::Off);
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
    let uuid = v.uuid.clone().unwrap_or_else(|| match kind {
        ProviderKind::Vsphere => vsphere_uuid(&[&p.name, "bios", &v.name]),
        _ => uuid_for(&[&p.name, "bios", &v.name]),
    });
    let serial = v.serial.clone().unwrap_or_else(|| match kind {
        ProviderKind::Vsphere | ProviderKind::Ova => vmware_serial(&uuid),
        _ => uuid.clone(),
    });
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
    let snapshots = v
        .snapshots
        .into_iter()
        .enumerate()
        .map(|(j, s)| {
            p.counters.snapshot += 1;
            Snapshot {
                id: match kind {
                    ProviderKind::Vsphere => format!("snapshot-{}", p.counters.snapshot),
                    _ => uuid_for(&[&p.name, "snapshot", &v.name, &s.name]),
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
    let snapshots = link_snapshot_parents(snapshots);
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

/// Snapshots in a file form a chain: each one's parent is the previous one.
fn link_snapshot_parents(mut snaps: Vec<Snapshot>) -> Vec<Snapshot> {
    let ids: Vec<String> = snaps.iter().map(|s| s.id.clone()).collect();
    for (i, s) in snaps.iter_mut().enumerate() {
        s.parent = i.checked_sub(1).and_then(|j| ids.get(j).cloned());
    }
    snaps
}

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

fn resolve_disk(
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
    let rdm = d
        .rdm_lun
        .as_deref()
        .and_then(|lun| super::luns::resolve_rdm(lun, d.rdm_mode, ds.as_ref(), p, path, issues));
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

/// Parses `10.0.0.5/24` (prefix defaults to 24 for IPv4, 64 for IPv6).
pub(crate) fn parse_ip(s: &str) -> Option<IpConfig> {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
        None => (s, None),
    };
    let ip: std::net::IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = prefix.unwrap_or(if ip.is_ipv4() { 24 } else { 64 });
    (prefix <= max).then(|| IpConfig {
        address: ip.to_string(),
        prefix,
    })
}

/// True for `aa:bb:cc:dd:ee:ff` (hex, lower or upper case).
pub(crate) fn valid_mac(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    parts.len() == 6
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_hexdigit()))
}

fn resolve_nic(
    n: NicFile,
    index: usize,
    vm_id: &str,
    path: &str,
    p: &mut Provider,
    issues: &mut Vec<LabIssue>,
) -> Nic {
    let kind = p.kind;
    let network = match p.network(&n.network) {
        Some(net) => net.id.clone(),
        None => {
            issue(
                issues,
                format!("{path}.network"),
                format!(
                    "network {:?} is not defined in provider {:?}",
                    n.network, p.name
                ),
                "use the name of a network listed under this provider's `networks`",
            );
            String::new()
        }
    };
    let mac = match n.mac {
        Some(m) if valid_mac(&m) => m.to_lowercase(),
        Some(m) => {
            issue(
                issues,
                format!("{path}.mac"),
                format!("{m:?} is not a MAC address"),
                "write it as six hex pairs, e.g. 00:50:56:a1:b2:c3",
            );
            m
        }
        None => {
            p.counters.mac += 1;
            mac_for(kind, &p.name, p.counters.mac)
        }
    };
    let mut ips = Vec::new();
    for (k, s) in n.ips.iter().enumerate() {
        match parse_ip(s) {
            Some(ip) => ips.push(ip),
            None => issue(
                issues,
                format!("{path}.ips[{k}]"),
                format!("{s:?} is not an IP address"),
                "write it as 10.6.46.21/24",
            ),
        }
    }
    let key = 4000 + i32::try_from(index).unwrap_or(0);
    Nic {
        id: match kind {
            ProviderKind::Vsphere => format!("{key}"),
            _ => uuid_for(&[&p.name, "nic", vm_id, &index.to_string()]),
        },
        key,
        name: n.name.unwrap_or_else(|| match kind {
            ProviderKind::Vsphere | ProviderKind::Ova => format!("Network adapter {}", index + 1),
            ProviderKind::Ovirt => format!("nic{}", index + 1),
            ProviderKind::Openstack => format!("port-{index}"),
            ProviderKind::Openshift => {
                if index == 0 {
                    "default".into()
                } else {
                    format!("nic-{index}")
                }
            }
        }),
        network,
        mac,
        ips,
        static_ip: n.static_ip,
        model: n.model.unwrap_or_else(|| match kind {
            ProviderKind::Vsphere | ProviderKind::Ova => "vmxnet3".into(),
            _ => "virtio".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ip_parsing() {
        assert_eq!(parse_ip("10.0.0.5/16").unwrap().prefix, 16);
        assert_eq!(parse_ip("10.0.0.5").unwrap().prefix, 24);
        assert!(parse_ip("10.0.0.5/33").is_none());
        assert!(parse_ip("10.0.0/24").is_none());
        assert_eq!(parse_ip("fd00::5").unwrap().version(), 6);
    }

    #[test]
    fn mac_validation() {
        assert!(valid_mac("00:50:56:A1:b2:c3"));
        assert!(!valid_mac("00:50:56:a1:b2"));
        assert!(!valid_mac("00:50:56:a1:b2:zz"));
    }

    #[test]
    fn scsi_skips_unit_seven() {
        assert_eq!(disk_address(DiskBus::Scsi, 6), (1000, 6));
        assert_eq!(disk_address(DiskBus::Scsi, 7), (1000, 8));
        assert_eq!(disk_address(DiskBus::Ide, 3), (201, 1));
    }
}
