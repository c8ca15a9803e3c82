//! A vSphere VM as the inventory shows it, always at full detail: disks (with RDM mappings),
//! concerns, NICs, guest networks and IP stacks from VMware Tools, devices, tools status.

use serde_json::{Value, json};

use super::{Ctx, VM_FOLDER, VM_LEVELS, merge, r};
use crate::inventory::content::Item;
use crate::lab::{DiskMode, Provider, ToolsInstall, Vm};

fn tools_status(vm: &Vm) -> (&'static str, &'static str, &'static str) {
    let running = vm.tools_running();
    let status = match vm.tools {
        ToolsInstall::NotInstalled => "toolsNotInstalled",
        ToolsInstall::Outdated => "toolsOld",
        ToolsInstall::Installed if running => "toolsOk",
        ToolsInstall::Installed => "toolsNotRunning",
    };
    let run = if running {
        "guestToolsRunning"
    } else {
        "guestToolsNotRunning"
    };
    let version = match vm.tools {
        ToolsInstall::NotInstalled => "guestToolsNotInstalled",
        ToolsInstall::Outdated => "guestToolsSupportedOld",
        ToolsInstall::Installed => "guestToolsCurrent",
    };
    (status, run, version)
}

fn gateway(ip: &str) -> String {
    match ip.rsplit_once('.') {
        Some((net, _)) => format!("{net}.1"),
        None => String::new(),
    }
}

pub(super) fn vm(c: &Ctx<'_>, vm: &Vm) -> Item {
    let p = c.p;
    let path = c.vm_path(vm);
    let parent = r("Folder", vm.folder.as_deref().unwrap_or(VM_FOLDER));
    let mut net_refs: Vec<Value> = Vec::new();
    for n in &vm.nics {
        let kind_ref = r("Network", &n.network);
        if !net_refs.contains(&kind_ref) {
            net_refs.push(kind_ref);
        }
    }
    let nics: Vec<Value> = vm
        .nics
        .iter()
        .enumerate()
        .map(|(i, n)| json!({"network": r("Network", &n.network), "mac": n.mac, "order": i, "deviceKey": n.key, "pciAddress": "", "startConnected": true}))
        .collect();
    let running = vm.tools_running();
    let ip_stacks: Vec<Value> = vm
        .guest_ips()
        .first()
        .map(|(_, ip)| vec![json!({"device": "0", "gateway": gateway(&ip.address), "network": "0.0.0.0", "prefix": 0, "dns": [gateway(&ip.address)]})])
        .unwrap_or_default();
    let (tools, tools_run, tools_version) = tools_status(vm);
    let devices: Vec<Value> = vm
        .nics
        .iter()
        .enumerate()
        .map(|(i, n)| json!({"kind": format!("Virtual{}", capitalize(&n.model)), "key": n.key, "pciSlotNumber": 192 + 32 * i}))
        .collect();
    let snapshot = vm
        .current_snapshot()
        .map_or_else(|| r("", ""), |s| r("VirtualMachineSnapshot", &s.id));
    let full = json!({
        "id": vm.id, "parent": parent, "path": path, "revision": vm.revision, "name": vm.name,
        "selfLink": c.link("vms", &vm.id),
        "revisionValidated": vm.revision, "isTemplate": vm.template,
        "powerState": if vm.power == crate::lab::PowerState::On { "poweredOn" } else { "poweredOff" },
        "host": vm.host, "networks": net_refs, "disks": disks(vm), "concerns": concerns(vm),
    });
    let more = json!({
        "policyVersion": 1, "uuid": vm.uuid, "instanceUuid": vm.instance_uuid,
        "firmware": vm.firmware.as_str(), "connectionState": "connected", "snapshot": snapshot,
        "changeTrackingEnabled": vm.cbt, "consolidationNeeded": false, "cpuAffinity": [],
        "cpuHotAddEnabled": false, "cpuHotRemoveEnabled": false, "memoryHotAddEnabled": false,
        "faultToleranceEnabled": false, "cpuCount": vm.cpu_count(), "coresPerSocket": vm.cores_per_socket,
        "memoryMB": vm.memory_mb, "guestName": vm.guest_os.full_name,
        "guestNameFromVmwareTools": if running { vm.guest_os.full_name.as_str() } else { "" },
        "hostName": if running { vm.guest_os.hostname.as_str() } else { "" },
        "guestId": vm.guest_os.vsphere_id, "balloonedMemory": 0,
        "ipAddress": vm.guest_ips().first().map(|(_, ip)| ip.address.clone()).unwrap_or_default(),
        "storageUsed": vm.disks.iter().map(|d| d.capacity).sum::<u64>(),
        "tpmEnabled": vm.tpm, "numaNodeAffinity": [], "devices": devices, "nics": nics,
        "guestNetworks": guest_networks(p, vm), "guestDisks": [], "guestIpStacks": ip_stacks,
        "secureBoot": vm.secure_boot, "toolsStatus": tools, "toolsRunningStatus": tools_run,
        "toolsVersionStatus2": tools_version, "diskEnableUuid": true, "nestedHVEnabled": false,
        "customDef": [], "customValues": [], "tags": [],
    });
    let full = merge(full, more);
    c.item(&vm.id, &vm.name, c.vm_path(vm), full, VM_LEVELS)
}

/// The VM's disks, with the mapped LUN of RDM disks.
fn disks(vm: &Vm) -> Vec<Value> {
    vm.disks
        .iter()
        .map(|d| {
            let mut disk = json!({
                "key": d.key, "unitNumber": d.unit_number, "controllerKey": d.controller_key,
                "file": vm.disk_backing_file(d), "datastore": r("Datastore", &d.datastore),
                "capacity": d.capacity, "shared": d.shared, "rdm": d.rdm.is_some(),
                "bus": d.bus.as_str(), "mode": d.mode.as_str(), "serial": d.serial,
                "changeTrackingEnabled": vm.cbt && d.mode == DiskMode::Persistent,
                "parent": vm.disk_parent_file(d),
            });
            if let (Some(rdm), Some(m)) = (&d.rdm, disk.as_object_mut()) {
                m.insert("physicalMode".into(), json!(rdm.physical));
                m.insert(
                    "deviceName".into(),
                    json!(format!("/vmfs/devices/disks/{}", rdm.lun)),
                );
                m.insert("lunUuid".into(), json!(crate::lab::lun_uuid(&rdm.lun)));
            }
            disk
        })
        .collect()
}

/// Forklift's concerns about the VM: CBT off, RDM disks, snapshots.
fn concerns(vm: &Vm) -> Vec<Value> {
    let mut concerns = Vec::new();
    if !vm.cbt {
        concerns.push(json!({"id": "vmware.changed_block_tracking.disabled", "label": "Changed Block Tracking (CBT) not enabled",
            "category": "Warning", "assessment": "CBT is off on this VM; warm migration needs it."}));
    }
    if vm.disks.iter().any(|d| d.rdm.is_some()) {
        concerns.push(json!({"id": "vmware.disk.rdm.detected", "label": "Raw Device Mapped disk detected",
            "category": "Warning", "assessment": "RDM disks cannot be copied with VDDK; a copy-offload (XCOPY) plan can migrate them, otherwise remove them before migration and reattach them after."}));
    }
    if !vm.snapshots.is_empty() {
        concerns.push(json!({"id": "vmware.snapshot.detected", "label": "VM snapshot detected",
            "category": "Information", "assessment": "The VM has snapshots; only the current state is migrated."}));
    }
    concerns
}

/// The guest networks VMware Tools reports (one per guest IP).
fn guest_networks(p: &Provider, vm: &Vm) -> Vec<Value> {
    vm.guest_ips()
        .iter()
        .map(|(n, ip)| {
            let i = vm.nics.iter().position(|x| x.key == n.key).unwrap_or(0);
            json!({"device": i.to_string(), "deviceConfigId": n.key, "mac": n.mac, "ip": ip.address,
                   "origin": if n.static_ip { "manual" } else { "dhcp" }, "prefix": ip.prefix,
                   "dns": [gateway(&ip.address)], "network": p.network(&n.network).map(|x| x.name.clone()).unwrap_or_default()})
        })
        .collect()
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(f) => f.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
