//! Hyper-V inventory payloads (`pkg/controller/provider/web/hyperv`, model
//! `pkg/controller/provider/model/hyperv/model.go`): VMs (`uuid`, `powerState` On/Off,
//! `cpuCount`, `memoryMB`, `firmware`, `disks[]` with `windowsPath`/`smbPath`/`capacity`/
//! `format`/`datastore`, `nics[]` with `mac`/`network`/`networkName`, `guestNetworks[]`
//! from the KVP exchange), networks (virtual switches: `uuid`, `switchName`, `switchType`),
//! hosts, disks and `storages`, which has one entry, `storage-0`: the SMB share every disk
//! is read from (docs/hyperv-setup-guide.md "Hyper-V always uses storage-0").

use serde_json::{Value, json};

use super::content::Item;
use crate::lab::{Disk, Provider, Vm};

const RESOURCE: &[&str] = &["id", "variant", "name", "selfLink", "path"];
const VM1: &[&str] = &[
    "id",
    "variant",
    "name",
    "selfLink",
    "path",
    "revisionValidated",
    "disks",
    "nics",
    "networks",
    "concerns",
];
const LEVELS: &[&[&str]] = &[RESOURCE];
const VM_LEVELS: &[&[&str]] = &[RESOURCE, VM1];

/// The id of Hyper-V's single storage (the SMB share).
pub const STORAGE_ID: &str = "storage-0";

fn item(id: &str, name: &str, full: Value, levels: &'static [&'static [&'static str]]) -> Item {
    Item {
        id: id.to_string(),
        name: name.to_string(),
        path: String::new(),
        full,
        levels,
    }
}

/// The share the lab's Hyper-V VMs' disks are on (`//host/share`).
pub fn smb_share(p: &Provider) -> String {
    p.nfs_share.clone().unwrap_or_default()
}

/// `C:\Hyper-V\<vm>\<file>` on the host and the same file under the share.
fn disk_model(p: &Provider, vm: &Vm, d: &Disk) -> Value {
    json!({"id": d.id, "name": d.file, "revision": 1,
           "windowsPath": format!("C:\\Hyper-V\\Virtual Hard Disks\\{}\\{}", vm.name, d.file),
           "smbPath": format!("{}/{}/{}", smb_share(p), vm.name, d.file),
           "capacity": d.capacity, "format": "vhdx", "rctEnabled": false,
           "datastore": {"kind": "Storage", "id": STORAGE_ID}})
}

fn network_model(p: &Provider, n: &crate::lab::Network, base: &str) -> Value {
    json!({"id": n.id, "name": n.name, "selfLink": format!("{base}/networks/{}", n.id),
           "uuid": n.id, "switchName": n.name, "switchType": "External",
           "description": format!("virtual switch {}", n.name),
           "hosts": p.hosts.iter().map(|h| json!({"kind": "Host", "id": h.id})).collect::<Vec<_>>()})
}

/// The objects of a Hyper-V collection, or `None` if the collection does not exist.
pub fn collection(p: &Provider, coll: &str, base: &str) -> Option<Vec<Item>> {
    Some(match coll {
        "vms" => p.vms.iter().filter(|v| !v.template).map(|v| vm(p, base, v)).collect(),
        "networks" => p
            .networks
            .iter()
            .map(|n| item(&n.id, &n.name, network_model(p, n, base), LEVELS))
            .collect(),
        "storages" => {
            let full = json!({"id": STORAGE_ID, "name": format!("SMB: {}", smb_share(p)),
                "selfLink": format!("{base}/storages/{STORAGE_ID}"), "type": "SMB",
                "path": smb_share(p), "capacity": 0, "free": 0});
            vec![item(STORAGE_ID, &format!("SMB: {}", smb_share(p)), full, LEVELS)]
        }
        "disks" => p
            .vms
            .iter()
            .flat_map(|vm| vm.disks.iter().map(move |d| (vm, d)))
            .map(|(vm, d)| {
                let mut full = disk_model(p, vm, d);
                if let Some(m) = full.as_object_mut() {
                    m.insert("selfLink".into(), json!(format!("{base}/disks/{}", d.id)));
                }
                item(&d.id, &d.file, full, LEVELS)
            })
            .collect(),
        "hosts" => p
            .hosts
            .iter()
            .map(|h| {
                let full = json!({"id": h.id, "name": h.name, "selfLink": format!("{base}/hosts/{}", h.id),
                    "state": "Up", "cpuSockets": 2, "cpuCores": 32, "memoryBytes": 274_877_906_944u64,
                    "networks": p.networks.iter().map(|n| json!({"kind": "Network", "id": n.id})).collect::<Vec<_>>()});
                item(&h.id, &h.name, full, LEVELS)
            })
            .collect(),
        _ => return None,
    })
}

fn vm(p: &Provider, base: &str, vm: &Vm) -> Item {
    let nics: Vec<Value> = vm
        .nics
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let net = p.network(&n.network);
            json!({"name": n.name, "mac": n.mac, "deviceIndex": i,
                   "network": {"kind": "Network", "id": net.map(|x| x.id.clone()).unwrap_or_default()},
                   "networkName": net.map(|x| x.name.clone()).unwrap_or_default()})
        })
        .collect();
    let mut networks: Vec<Value> = Vec::new();
    for n in &vm.nics {
        if let Some(net) = p.network(&n.network) {
            let r = json!({"kind": "Network", "id": net.id});
            if !networks.contains(&r) {
                networks.push(r);
            }
        }
    }
    // KVP guest networks: reported while the VM runs with integration services
    let guest: Vec<Value> = if vm.power == crate::lab::PowerState::On {
        vm.nics
            .iter()
            .enumerate()
            .flat_map(|(i, n)| {
                n.ips.iter().map(move |ip| {
                    json!({"mac": n.mac, "ip": ip.address, "deviceIndex": i,
                           "origin": if n.static_ip { "Manual" } else { "Dhcp" },
                           "prefix": ip.prefix, "dns": [], "gateway": ""})
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let full = json!({
        "id": vm.id, "name": vm.name, "selfLink": format!("{base}/vms/{}", vm.id),
        "revision": vm.revision, "revisionValidated": vm.revision,
        "uuid": vm.uuid, "powerState": if vm.power == crate::lab::PowerState::On { "On" } else { "Off" },
        "cpuCount": vm.cpu_count(), "memoryMB": vm.memory_mb, "firmware": vm.firmware.as_str(),
        "guestOS": vm.guest_os.full_name, "tpmEnabled": vm.tpm, "secureBoot": vm.secure_boot,
        "hasCheckpoint": !vm.snapshots.is_empty(),
        "host": p.hosts.iter().find(|h| h.id == vm.host).map(|h| h.name.clone()).unwrap_or_default(),
        "disks": vm.disks.iter().map(|d| disk_model(p, vm, d)).collect::<Vec<_>>(),
        "nics": nics, "networks": networks, "guestNetworks": guest, "concerns": [],
    });
    item(&vm.id, &vm.name, full, VM_LEVELS)
}
