//! Cinder v3 volumes (the VMs' disks): list, get.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::lab::{Provider, Vm};

use super::*;

pub(super) fn volume_json(p: &Provider, vm: &Vm, d: &crate::lab::Disk, i: usize) -> Value {
    let device = format!(
        "/dev/vd{}",
        char::from(b'a' + u8::try_from(i % 26).unwrap_or(0))
    );
    json!({"id": d.id, "name": d.name, "status": "in-use", "size": d.capacity >> 30, "availability_zone": "nova",
           "volume_type": p.datastore(&d.datastore).map(|x| x.name.clone()).unwrap_or_default(),
           "bootable": d.bootable.to_string(), "multiattach": false, "encrypted": false,
           "attachments": [{"server_id": vm.id, "attachment_id": crate::lab::uuid_for(&[&d.id, "attachment"]), "volume_id": d.id,
                            "device": device, "host_name": vm.host, "id": d.id}],
           "created_at": vm.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
           "volume_image_metadata": image_metadata(vm, d)})
}

/// A boot volume made from an image carries that image's properties; `os_distro` is what
/// Forklift's `IsWindows` reads (pkg/controller/provider/web/openstack/workload.go:86-92,
/// 215-248). Other volumes have none.
fn image_metadata(vm: &Vm, d: &crate::lab::Disk) -> Value {
    if !d.bootable {
        return json!({});
    }
    let os = &vm.guest_os;
    let distro = if os.family == crate::lab::OsFamily::Windows {
        "windows"
    } else {
        os.openstack_id.as_str()
    };
    json!({"image_id": crate::lab::uuid_for(&[&vm.id, "image"]), "image_name": os.key, "os_distro": distro})
}

pub(super) async fn list_volumes(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Path(_project): Path<String>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let vols: Vec<Value> = p
        .vms
        .iter()
        .flat_map(|v| v.disks.iter().enumerate().map(move |(i, d)| (v, i, d)))
        .map(|(v, i, d)| volume_json(&p, v, d, i))
        .collect();
    Json(json!({"volumes": vols})).into_response()
}

pub(super) async fn get_volume(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Path((_project, id)): Path<(String, String)>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let found = p.vms.iter().find_map(|v| {
        v.disks
            .iter()
            .position(|d| d.id == id)
            .and_then(|i| v.disks.get(i).map(|d| (v, i, d)))
    });
    match found {
        Some((v, i, d)) => Json(json!({"volume": volume_json(&p, v, d, i)})).into_response(),
        None => nova_error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            format!("Volume {id} could not be found."),
        ),
    }
}
