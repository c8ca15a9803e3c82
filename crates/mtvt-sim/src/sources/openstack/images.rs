//! Glance v2 images (the VMs' snapshots): list, get, delete.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::lab::{Provider, Vm};

use super::*;

pub(super) fn image_json(p: &Provider, vm: &Vm, s: &crate::lab::Snapshot) -> Value {
    let ts = s
        .created_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    json!({"id": s.id, "name": s.name, "status": "active", "visibility": "private", "owner": p.project.id,
           "container_format": "bare", "disk_format": "qcow2", "min_disk": vm.disks.first().map_or(0, |d| d.capacity >> 30),
           "min_ram": 0, "size": 0, "created_at": ts, "updated_at": ts, "protected": false, "tags": [],
           "image_type": "snapshot", "instance_uuid": vm.id, "self": format!("/v2/images/{}", s.id),
           "file": format!("/v2/images/{}/file", s.id), "schema": "/v2/schemas/image"})
}

pub(super) fn glance_404(id: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        format!("404 Not Found\n\nNo image found with ID {id}\n\n"),
    )
        .into_response()
}

pub(super) async fn list_images(State(o): State<Openstack>, headers: HeaderMap) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let images: Vec<Value> = p
        .vms
        .iter()
        .flat_map(|v| v.snapshots.iter().map(move |s| (v, s)))
        .map(|(v, s)| image_json(&p, v, s))
        .collect();
    Json(json!({"images": images, "schema": "/v2/schemas/images", "first": "/v2/images"}))
        .into_response()
}

pub(super) async fn get_image(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match image_owner(&p, &id).and_then(|v| v.snapshots.iter().find(|s| s.id == id).map(|s| (v, s)))
    {
        Some((v, s)) => Json(image_json(&p, v, s)).into_response(),
        None => glance_404(&id),
    }
}

pub(super) async fn delete_image(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match image_owner(&p, &id) {
        Some(v) => match o.lab.remove_snapshot(&o.provider, &v.id, &id) {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(_) => glance_404(&id),
        },
        None => glance_404(&id),
    }
}
