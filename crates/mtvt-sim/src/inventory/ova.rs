//! OVA inventory payloads (`pkg/controller/provider/web/ovfbase`): the nested model structs
//! have no JSON tags, so disks, networks and NICs inside a VM use capitalised Go field names
//! (`ID`, `Name`, `FilePath`, `MAC`, ...). `storages` has one entry per disk (id = disk id).

use serde_json::{Value, json};

use super::content::Item;
use crate::lab::{Disk, Network, Provider, Vm};

const RESOURCE: &[&str] = &["id", "variant", "name", "selfLink", "path"];
const VM1: &[&str] = &[
    "id",
    "variant",
    "name",
    "selfLink",
    "path",
    "revisionValidated",
    "networks",
    "disks",
    "concerns",
];
const LEVELS: &[&[&str]] = &[RESOURCE];
const VM_LEVELS: &[&[&str]] = &[RESOURCE, VM1];

fn item(id: &str, name: &str, full: Value, levels: &'static [&'static [&'static str]]) -> Item {
    Item {
        id: id.to_string(),
        name: name.to_string(),
        path: String::new(),
        full,
        levels,
    }
}

fn ova_file(vm: &Vm) -> String {
    format!("{}.ova", vm.name)
}

fn disk_model(vm: &Vm, i: usize, d: &Disk) -> Value {
    json!({"ID": d.id, "Variant": "", "Name": d.file, "Revision": 1, "FilePath": ova_file(vm),
           "Capacity": d.capacity, "CapacityAllocationUnits": "byte * 2^30",
           "DiskId": format!("vmdisk{}", i + 1), "FileRef": format!("file{}", i + 1),
           "Format": "http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized",
           "PopulatedSize": d.capacity / 4})
}

fn network_model(n: &Network) -> Value {
    json!({"ID": n.id, "Variant": "", "Name": n.name, "Revision": 1, "Description": format!("The {} network", n.name)})
}

/// The objects of an OVA collection, or `None` if the collection does not exist.
pub fn collection(p: &Provider, coll: &str, base: &str) -> Option<Vec<Item>> {
    let link = |c: &str, id: &str| format!("{base}/{c}/{id}");
    Some(match coll {
        "vms" => p.vms.iter().map(|v| vm(p, base, v)).collect(),
        "networks" => p
            .networks
            .iter()
            .map(|n| {
                let full = json!({"id": n.id, "name": n.name, "selfLink": link("networks", &n.id), "Description": format!("The {} network", n.name)});
                item(&n.id, &n.name, full, LEVELS)
            })
            .collect(),
        "disks" | "storages" => p
            .vms
            .iter()
            .flat_map(|vm| vm.disks.iter().enumerate().map(move |(i, d)| (vm, i, d)))
            .map(|(vm, i, d)| {
                let mut full = json!({"id": d.id, "name": d.file, "selfLink": link(coll, &d.id)});
                if coll == "disks"
                    && let (Some(m), Value::Object(extra)) = (full.as_object_mut(), disk_model(vm, i, d))
                {
                    for k in ["FilePath", "Capacity", "CapacityAllocationUnits", "DiskId", "FileRef", "Format", "PopulatedSize"] {
                        if let Some(v) = extra.get(k) {
                            m.insert(k.into(), v.clone());
                        }
                    }
                }
                item(&d.id, &d.file, full, LEVELS)
            })
            .collect(),
        _ => return None,
    })
}

fn vm(p: &Provider, base: &str, vm: &Vm) -> Item {
    let mut nets: Vec<&Network> = Vec::new();
    for n in &vm.nics {
        if let Some(net) = p.network(&n.network)
            && !nets.iter().any(|x| x.id == net.id)
        {
            nets.push(net);
        }
    }
    let nics: Vec<Value> = vm
        .nics
        .iter()
        .map(|n| json!({"Name": n.name, "MAC": n.mac, "Network": p.network(&n.network).map(|x| x.name.clone()).unwrap_or_default(), "Config": []}))
        .collect();
    let disks: Vec<Value> = vm
        .disks
        .iter()
        .enumerate()
        .map(|(i, d)| disk_model(vm, i, d))
        .collect();
    let mut devices: Vec<Value> = vm
        .nics
        .iter()
        .map(|n| json!({"Kind": format!("{}", n.model.to_uppercase())}))
        .collect();
    devices.push(json!({"Kind": "SCSI Controller"}));
    let full = json!({
        "id": vm.id, "name": vm.name, "selfLink": format!("{base}/vms/{}", vm.id),
        "revisionValidated": vm.revision,
        "networks": nets.iter().map(|n| network_model(n)).collect::<Vec<_>>(),
        "disks": disks, "concerns": [],
        "ovfPath": ova_file(vm), "exportSource": "VMware", "osType": vm.guest_os.vsphere_id,
        "policyVersion": 1, "uuid": vm.uuid, "firmware": vm.firmware.as_str(), "secureBoot": vm.secure_boot,
        "cpuAffinity": [], "cpuHotAddEnabled": false, "cpuHotRemoveEnabled": false, "memoryHotAddEnabled": false,
        "faultToleranceEnabled": false, "cpuCount": vm.cpu_count(), "coresPerSocket": vm.cores_per_socket,
        "memoryMB": vm.memory_mb, "memoryUnits": "byte * 2^20", "cpuUnits": "hertz * 10^6",
        "balloonedMemory": 0, "ipAddress": "", "numaNodeAffinity": [],
        "storageUsed": vm.disks.iter().map(|d| d.capacity).sum::<u64>(),
        "changeTrackingEnabled": vm.cbt, "devices": devices, "nics": nics,
    });
    item(&vm.id, &vm.name, full, VM_LEVELS)
}
