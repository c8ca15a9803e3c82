//! Changing VMs: create from a template, delete, power actions, disk attachments, snapshots
//! and reported devices.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::lab::{
    AddDiskSpec, CloneSpec, DiskBus, DiskMode, PowerState, Provider, Provisioning, SnapshotSpec,
    ToolsInstall,
};

use super::*;

/// `POST /vms` `{name, cluster:{name|id}, template:{name|id}}`: a new VM from a template.
pub(super) async fn create_vm(
    State(o): State<Ovirt>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let t = body.get("template").cloned().unwrap_or_default();
    let tid = t.get("id").and_then(Value::as_str);
    let tname = t.get("name").and_then(Value::as_str);
    let Some(template) = p
        .vms
        .iter()
        .find(|v| v.template && (Some(v.id.as_str()) == tid || Some(v.name.as_str()) == tname))
    else {
        return fault(
            StatusCode::BAD_REQUEST,
            "Operation Failed",
            "[Cannot add VM. The relevant Template doesn't exist.]",
        );
    };
    if name.is_empty() {
        return fault(
            StatusCode::BAD_REQUEST,
            "Incomplete parameters",
            "Vm [name] required for add",
        );
    }
    match o.lab.clone_vm(
        &o.provider,
        &template.id,
        CloneSpec {
            name,
            ..Default::default()
        },
    ) {
        Ok(vm) => {
            let p = o.lab.provider(&o.provider).unwrap_or(p);
            (
                StatusCode::CREATED,
                [(header::LOCATION, href("vms", &vm.id))],
                Json(vm_json(&p, &vm)),
            )
                .into_response()
        }
        Err(e) => op_failed(&e),
    }
}

pub(super) async fn delete_vm(
    State(o): State<Ovirt>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Err(r) = find(&p, &id, false) {
        return r;
    }
    match o.lab.delete_vm(&o.provider, &id) {
        Ok(_) => Json(json!({"status": "complete"})).into_response(),
        Err(e) => op_failed(&e),
    }
}

pub(super) async fn vm_action(
    State(o): State<Ovirt>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Err(r) = find(&p, &id, false) {
        return r;
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or_else(|_| json!({}));
    let done = |o: &Ovirt| {
        let p = o.lab.provider(&o.provider).ok();
        let vm = p.as_ref().and_then(|p| p.vm(&id).map(|v| vm_json(p, v)));
        Json(json!({"status": "complete", "vm": vm})).into_response()
    };
    match action.as_str() {
        "start" => o
            .lab
            .power_on(&o.provider, &id)
            .map(|_| done(&o))
            .unwrap_or_else(|e| op_failed(&e)),
        "stop" | "shutdown" => o
            .lab
            .power_off(&o.provider, &id)
            .map(|_| done(&o))
            .unwrap_or_else(|e| op_failed(&e)),
        "snapshots" => {
            let spec = SnapshotSpec {
                name: body
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or("snapshot")
                    .to_string(),
                description: body
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                memory: body
                    .get("persist_memorystate")
                    .map(|v| v == "true" || v == true)
                    .unwrap_or(false),
                quiesce: false,
            };
            match o.lab.create_snapshot(&o.provider, &id, spec) {
                Ok(s) => (StatusCode::CREATED, Json(json!({"id": s.id, "href": format!("{}/snapshots/{}", href("vms", &id), s.id),
                    "description": s.description, "snapshot_type": "regular", "snapshot_status": "ok",
                    "date": s.created_at.timestamp_millis(), "persist_memorystate": s.memory.to_string()}))).into_response(),
                Err(e) => op_failed(&e),
            }
        }
        "diskattachments" => add_disk(&o, &p, &id, &body),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

pub(super) fn add_disk(o: &Ovirt, p: &Provider, id: &str, body: &Value) -> Response {
    let disk = body.get("disk").cloned().unwrap_or_default();
    let size = disk
        .get("provisioned_size")
        .and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
        .unwrap_or(0);
    let sd = disk
        .pointer("/storage_domains/storage_domain/0")
        .cloned()
        .unwrap_or_default();
    let datastore = sd
        .get("id")
        .or_else(|| sd.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let sparse = disk
        .get("sparse")
        .map(|v| v == true || v == "true")
        .unwrap_or(true);
    let bus = match body.get("interface").and_then(Value::as_str) {
        Some("virtio") => DiskBus::Virtio,
        _ => DiskBus::Scsi,
    };
    let spec = AddDiskSpec {
        capacity: size,
        datastore,
        folder: None,
        provisioning: if sparse {
            Provisioning::Thin
        } else {
            Provisioning::ThickLazy
        },
        mode: DiskMode::Persistent,
        bus: Some(bus),
        name: disk.get("name").and_then(Value::as_str).map(str::to_string),
        file_name: None,
        rdm: None,
    };
    match o.lab.add_disk(&o.provider, id, spec) {
        Ok(d) => (StatusCode::CREATED, Json(json!({"id": d.id, "href": format!("{}/diskattachments/{}", href("vms", id), d.id),
            "active": "true", "bootable": d.bootable.to_string(), "interface": if d.bus == DiskBus::Virtio { "virtio" } else { "virtio_scsi" },
            "disk": {"id": d.id, "href": href("disks", &d.id)}, "vm": {"id": id, "href": href("vms", id)}}))).into_response(),
        Err(e) => { let _ = p; op_failed(&e) }
    }
}

pub(super) async fn vm_sub(
    State(o): State<Ovirt>,
    headers: HeaderMap,
    Path((id, sub)): Path<(String, String)>,
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Response {
    // `follow=vnic_profile.network` inlines each NIC's profile with its network, as the
    // engine does; without it the profile is a bare link
    let follow_network = query
        .get("follow")
        .is_some_and(|f| f.split(',').any(|x| x.trim() == "vnic_profile.network"));
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let vm = match find(&p, &id, false) {
        Ok(v) => v.clone(),
        Err(r) => return r,
    };
    let base = href("vms", &id);
    match sub.as_str() {
        "snapshots" => {
            let mut list = vec![json!({"id": crate::lab::uuid_for(&[&p.name, "active", &vm.id]), "description": "Active VM", "snapshot_type": "active", "snapshot_status": "ok"})];
            list.extend(vm.snapshots.iter().map(|s| json!({"id": s.id, "href": format!("{base}/snapshots/{}", s.id), "description": s.description,
                "snapshot_type": "regular", "snapshot_status": "ok", "date": s.created_at.timestamp_millis(), "persist_memorystate": s.memory.to_string()})));
            Json(json!({"snapshot": list})).into_response()
        }
        "diskattachments" => Json(json!({"disk_attachment": vm.disks.iter().map(|d| json!({"id": d.id, "href": format!("{base}/diskattachments/{}", d.id),
            "active": "true", "bootable": d.bootable.to_string(), "interface": if d.bus == DiskBus::Virtio { "virtio" } else { "virtio_scsi" },
            "disk": {"id": d.id, "href": href("disks", &d.id)}})).collect::<Vec<_>>()})).into_response(),
        "nics" => Json(json!({"nic": vm.nics.iter().map(|n| json!({"id": n.id, "href": format!("{base}/nics/{}", n.id), "name": n.name,
            "interface": n.model, "linked": "true", "plugged": "true", "mac": {"address": n.mac},
            "vnic_profile": vnic_profile(&p, &n.network, follow_network)})).collect::<Vec<_>>()})).into_response(),
        "reporteddevices" => {
            let agent = vm.power == PowerState::On && vm.tools != ToolsInstall::NotInstalled;
            let devices: Vec<Value> = if agent {
                vm.nics.iter().enumerate().map(|(i, n)| json!({"name": format!("eth{i}"), "type": "network", "mac": {"address": n.mac},
                    "ips": {"ip": n.ips.iter().map(|ip| json!({"address": ip.address, "version": format!("v{}", ip.version())})).collect::<Vec<_>>()}})).collect()
            } else { Vec::new() };
            Json(json!({"reported_device": devices})).into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

pub(super) async fn remove_snapshot(
    State(o): State<Ovirt>,
    headers: HeaderMap,
    Path((id, sid)): Path<(String, String)>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Err(r) = find(&p, &id, false) {
        return r;
    }
    match o.lab.remove_snapshot(&o.provider, &id, &sid) {
        Ok(()) => Json(json!({"status": "complete"})).into_response(),
        Err(e) => op_failed(&e),
    }
}

/// A NIC's `vnic_profile`: its id, and with `follow` its network (id and name).
fn vnic_profile(p: &Provider, network: &str, follow: bool) -> Value {
    let net = p.network(network);
    let id = net.map(|x| x.profile_id.clone()).unwrap_or_default();
    match net {
        Some(n) if follow => {
            json!({"id": id, "href": href("vnicprofiles", &id), "network": {"id": n.id, "name": n.name, "href": href("networks", &n.id)}})
        }
        _ => json!({"id": id, "href": href("vnicprofiles", &id)}),
    }
}
