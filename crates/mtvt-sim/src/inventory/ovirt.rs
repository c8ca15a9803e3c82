//! oVirt inventory payloads (`pkg/controller/provider/web/ovirt`): UUID ids, paths
//! `<datacenter>/<name>` (VMs: `<cluster>/<name>`), disk attachment id = disk id, NIC
//! profiles pointing at networks. Templates are not VMs.

use serde_json::{Value, json};

use super::content::Item;
use crate::lab::{DiskBus, Firmware, PowerState, Provider, ToolsInstall, Vm};

const RESOURCE: &[&str] = &["id", "revision", "path", "name", "description", "selfLink"];
const VM1: &[&str] = &[
    "id",
    "revision",
    "path",
    "name",
    "description",
    "selfLink",
    "cluster",
    "status",
    "host",
    "revisionValidated",
    "nics",
    "diskAttachments",
    "concerns",
];
const LEVELS: &[&[&str]] = &[RESOURCE];
const VM_LEVELS: &[&[&str]] = &[RESOURCE, VM1];

fn merge(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
    base
}

struct Ctx<'a> {
    p: &'a Provider,
    base: &'a str,
}

impl Ctx<'_> {
    fn resource(&self, coll: &str, id: &str, name: &str, path: &str, revision: u64) -> Value {
        let mut v = json!({"id": id, "revision": revision, "name": name, "selfLink": format!("{}/{coll}/{id}", self.base)});
        if !path.is_empty()
            && let Some(m) = v.as_object_mut()
        {
            m.insert("path".into(), json!(path));
        }
        v
    }

    fn dc_path(&self, leaf: &str) -> String {
        format!("{}/{leaf}", self.p.datacenter.name)
    }
}

fn item(
    id: &str,
    name: &str,
    path: String,
    full: Value,
    levels: &'static [&'static [&'static str]],
) -> Item {
    Item {
        id: id.to_string(),
        name: name.to_string(),
        path,
        full,
        levels,
    }
}

/// The objects of an oVirt collection, or `None` if the collection does not exist.
pub fn collection(p: &Provider, coll: &str, base: &str) -> Option<Vec<Item>> {
    let c = Ctx { p, base };
    Some(match coll {
        "vms" => p.vms.iter().filter(|v| !v.template).map(|v| vm(&c, v)).collect(),
        "disks" => disks(&c),
        "storagedomains" => storage_domains(&c),
        "networks" => networks(&c),
        "nicprofiles" => nic_profiles(&c),
        "datacenters" => {
            let dc = &p.datacenter;
            let full = merge(c.resource("datacenters", &dc.id, &dc.name, &dc.name, 1), json!({}));
            vec![item(&dc.id, &dc.name, dc.name.clone(), full, LEVELS)]
        }
        "clusters" => {
            let cl = &p.cluster;
            let path = c.dc_path(&cl.name);
            let full = merge(
                c.resource("clusters", &cl.id, &cl.name, &path, 1),
                json!({"dataCenter": p.datacenter.id, "haReservation": false, "ksmEnabled": false, "biosType": "q35_sea_bios", "cpu": {"type": "Intel Icelake Server Family"}}),
            );
            vec![item(&cl.id, &cl.name, path, full, LEVELS)]
        }
        "hosts" => p
            .hosts
            .iter()
            .map(|h| {
                let path = format!("{}/{}", p.cluster.name, h.name);
                let full = merge(
                    c.resource("hosts", &h.id, &h.name, &path, 1),
                    json!({"cluster": p.cluster.id, "status": if h.in_maintenance { "maintenance" } else { "up" },
                           "productName": "RHEL", "productVersion": "9.4", "inMaintenance": h.in_maintenance,
                           "cpuSockets": 2, "cpuCores": 32, "networkAttachments": [], "nics": []}),
                );
                item(&h.id, &h.name, path, full, LEVELS)
            })
            .collect(),
        _ => return None,
    })
}

fn disk_profile(p: &Provider, sd: &str) -> String {
    crate::lab::uuid_for(&[&p.name, "diskprofile", sd])
}

fn disks(c: &Ctx<'_>) -> Vec<Item> {
    c.p.vms
        .iter()
        .flat_map(|v| v.disks.iter())
        .map(|d| {
            let full = merge(
                c.resource("disks", &d.id, &d.name, "", 1),
                json!({
                    "shared": d.shared, "storageDomain": d.datastore, "profile": disk_profile(c.p, &d.datastore),
                    "provisionedSize": d.capacity, "actualSize": d.capacity / 3, "storageType": "image",
                    "status": "ok", "lunStorage": {"LogicalUnits": {"logicalUnit": []}},
                }),
            );
            item(&d.id, &d.name, String::new(), full, LEVELS)
        })
        .collect()
}

fn storage_domains(c: &Ctx<'_>) -> Vec<Item> {
    c.p.datastores
        .iter()
        .map(|d| {
            let path = c.dc_path(&d.name);
            let full = merge(
                c.resource("storagedomains", &d.id, &d.name, &path, 1),
                json!({"dataCenter": c.p.datacenter.id, "type": "data", "capacity": d.capacity, "free": d.free,
                       "storage": {"type": d.kind.to_lowercase()}}),
            );
            item(&d.id, &d.name, path, full, LEVELS)
        })
        .collect()
}

fn networks(c: &Ctx<'_>) -> Vec<Item> {
    c.p.networks
        .iter()
        .map(|n| {
            let path = c.dc_path(&n.name);
            let full = merge(
                c.resource("networks", &n.id, &n.name, &path, 1),
                json!({"dataCenter": c.p.datacenter.id, "vlan": n.vlan.map(|v| v.to_string()).unwrap_or_default(),
                       "usages": ["vm"], "nicProfiles": [n.profile_id]}),
            );
            item(&n.id, &n.name, path, full, LEVELS)
        })
        .collect()
}

fn nic_profiles(c: &Ctx<'_>) -> Vec<Item> {
    c.p.networks
        .iter()
        .map(|n| {
            let full = merge(
                c.resource("nicprofiles", &n.profile_id, &n.name, "", 1),
                json!({"network": n.id, "networkFilter": "", "portMirroring": false, "qos": "", "properties": [], "passThrough": false}),
            );
            item(&n.profile_id, &n.name, String::new(), full, LEVELS)
        })
        .collect()
}

/// The oVirt BIOS type for a VM.
pub fn bios_type(vm: &Vm) -> &'static str {
    match (vm.firmware, vm.secure_boot) {
        (Firmware::Bios, _) => "q35_sea_bios",
        (Firmware::Efi, false) => "q35_ovmf",
        (Firmware::Efi, true) => "q35_secure_boot",
    }
}

fn vm(c: &Ctx<'_>, vm: &Vm) -> Item {
    let p = c.p;
    let path = format!("{}/{}", p.cluster.name, vm.name);
    let agent = vm.power == PowerState::On && vm.tools != ToolsInstall::NotInstalled;
    let nics: Vec<Value> = vm
        .nics
        .iter()
        .map(|n| {
            let ips: Vec<Value> = if agent {
                n.ips.iter().map(|ip| json!({"address": ip.address, "version": format!("v{}", ip.version())})).collect()
            } else {
                Vec::new()
            };
            let profile = p.network(&n.network).map(|x| x.profile_id.clone()).unwrap_or_default();
            json!({"id": n.id, "name": n.name, "interface": n.model, "plugged": true, "ipAddress": ips, "profile": profile, "mac": n.mac})
        })
        .collect();
    let attachments: Vec<Value> = vm
        .disks
        .iter()
        .map(|d| {
            let iface = if d.bus == DiskBus::Virtio { "virtio" } else { "virtio_scsi" };
            json!({"id": d.id, "interface": iface, "scsiReservation": false, "disk": d.id, "bootable": d.bootable})
        })
        .collect();
    let mut snapshots = vec![
        json!({"id": crate::lab::uuid_for(&[&p.name, "active", &vm.id]), "description": "Active VM", "type": "active", "persistMemory": false}),
    ];
    snapshots.extend(vm.snapshots.iter().map(|s| json!({"id": s.id, "description": s.name, "type": "regular", "persistMemory": s.memory})));
    let full = json!({
        "id": vm.id, "revision": vm.revision, "path": path, "name": vm.name,
        "selfLink": format!("{}/vms/{}", c.base, vm.id),
        "cluster": p.cluster.id, "status": if vm.power == PowerState::On { "up" } else { "down" },
        "host": if vm.power == PowerState::On { vm.host.as_str() } else { "" },
        "revisionValidated": vm.revision, "nics": nics, "diskAttachments": attachments, "concerns": [],
    });
    let more = json!({
        "policyVersion": 1, "guestName": if agent { vm.guest_os.full_name.as_str() } else { "" },
        "cpuSockets": vm.cpu_sockets, "cpuCores": vm.cores_per_socket, "cpuThreads": 1, "cpuShares": 0,
        "cpuAffinity": [], "cpuPinningPolicy": "none", "memory": vm.memory_mb * (1 << 20),
        "balloonedMemory": false, "ioThreads": 1, "bios": bios_type(vm), "display": "vnc",
        "hasIllegalImages": false, "numaNodeAffinity": [], "leaseStorageDomain": "",
        "storageErrorResumeBehaviour": "auto_resume", "haEnabled": false, "usbEnabled": false,
        "bootMenuEnabled": false, "placementPolicyAffinity": "migratable", "timezone": "",
        "stateless": "false", "serialNumber": vm.serial, "hostDevices": [], "cdroms": [], "watchDogs": [],
        "properties": [], "snapshots": snapshots,
        "guest": {"distribution": if agent { vm.guest_os.full_name.as_str() } else { "" }, "fullVersion": ""},
        "osType": vm.guest_os.ovirt_id, "customCpuModel": "",
    });
    let full = merge(full, more);
    item(&vm.id, &vm.name, path, full, VM_LEVELS)
}
