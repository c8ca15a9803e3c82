//! VM properties as VI/JSON returns them: the snapshot tree, disk backings, the config.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::super::VsphereApi;
use super::super::errors::fault_response;
use crate::lab::{Disk, Provisioning, Vm};

use super::*;

pub(super) fn snapshot_tree(vm: &Vm) -> Value {
    // linear chain: each snapshot is the only child of its parent
    let mut child: Vec<Value> = Vec::new();
    for s in vm.snapshots.iter().rev() {
        child = vec![
            json!({"_typeName": "VirtualMachineSnapshotTree", "snapshot": moref("VirtualMachineSnapshot", &s.id),
            "vm": moref("VirtualMachine", &vm.id), "name": s.name, "description": s.description, "id": s.id.trim_start_matches("snapshot-").parse::<u64>().unwrap_or(0),
            "createTime": s.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "state": if s.memory { "poweredOn" } else { "poweredOff" }, "quiesced": s.quiesce, "childSnapshotList": child}),
        ];
    }
    json!({"_typeName": "VirtualMachineSnapshotInfo",
           "currentSnapshot": vm.current_snapshot().map(|s| moref("VirtualMachineSnapshot", &s.id)), "rootSnapshotList": child})
}

/// A disk's backing as vSphere reports it: a flat VMDK or, for an RDM, the mapping file
/// with the LUN's device path, uuid and compatibility mode.
pub(super) fn backing(vm: &Vm, d: &Disk) -> Value {
    let common = json!({"fileName": vm.disk_backing_file(d), "datastore": moref("Datastore", &d.datastore),
                        "diskMode": d.mode.as_str(), "uuid": d.serial});
    let mut b = match &d.rdm {
        Some(r) => json!({"_typeName": "VirtualDiskRawDiskMappingVer1BackingInfo",
                          "deviceName": format!("/vmfs/devices/disks/{}", r.lun), "lunUuid": crate::lab::lun_uuid(&r.lun),
                          "compatibilityMode": r.compatibility_mode(), "sharing": "sharingNone"}),
        None => json!({"_typeName": "VirtualDiskFlatVer2BackingInfo",
                       "thinProvisioned": d.provisioning == Provisioning::Thin,
                       "eagerlyScrub": d.provisioning == Provisioning::ThickEager}),
    };
    if let (Some(m), Value::Object(c)) = (b.as_object_mut(), common) {
        m.extend(c);
    }
    b
}

pub(super) fn config(vm: &Vm) -> Value {
    let devices: Vec<Value> = vm
        .disks
        .iter()
        .map(|d| {
            json!({"_typeName": "VirtualDisk", "key": d.key, "controllerKey": d.controller_key, "unitNumber": d.unit_number,
                   "deviceInfo": {"_typeName": "Description", "label": d.name, "summary": format!("{} KB", d.capacity / 1024)},
                   "capacityInBytes": d.capacity, "capacityInKB": d.capacity / 1024, "backing": backing(vm, d)})
        })
        .collect();
    json!({"_typeName": "VirtualMachineConfigInfo", "name": vm.name, "uuid": vm.uuid, "instanceUuid": vm.instance_uuid,
           "guestId": vm.guest_os.vsphere_id, "guestFullName": vm.guest_os.full_name, "template": vm.template,
           "firmware": vm.firmware.as_str(), "changeTrackingEnabled": vm.cbt,
           "hardware": {"_typeName": "VirtualHardware", "numCPU": vm.cpu_count(), "numCoresPerSocket": vm.cores_per_socket,
                        "memoryMB": vm.memory_mb, "device": devices}})
}

pub(crate) async fn vm_property(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path((_r, id, prop)): Path<(String, String, String)>,
) -> Response {
    if let Err(r) = authed(&api, &headers) {
        return r;
    }
    let vm = match api.lab.find_vm(&api.provider, &id) {
        Ok(v) if v.id == id => v,
        _ => {
            return fault_response(
                "ManagedObjectNotFound",
                &format!(
                    "The object 'vim.VirtualMachine:{id}' has already been deleted or has not been completely created"
                ),
            );
        }
    };
    match prop.as_str() {
        "snapshot" if vm.snapshots.is_empty() => StatusCode::NO_CONTENT.into_response(),
        "snapshot" => Json(snapshot_tree(&vm)).into_response(),
        "config" => Json(config(&vm)).into_response(),
        "name" => Json(json!(vm.name)).into_response(),
        // The VM's folder (no folder: the datacenter's VM root folder).
        "parent" => {
            Json(moref("Folder", vm.folder.as_deref().unwrap_or("group-v3"))).into_response()
        }
        _ => fault_response(
            "InvalidProperty",
            &format!("Property '{prop}' is not served by this emulator"),
        ),
    }
}
