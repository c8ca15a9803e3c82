//! Nova server actions (`os-start`, `os-stop`, `createImage`) and booting a new server from a
//! snapshot image.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::lab::{CloneSpec, LabOpError, Provider, SnapshotSpec, Vm};

use super::*;

pub(super) async fn server_action(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if p.vm(&id).is_none() {
        return nova_error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            format!("Instance {id} could not be found."),
        );
    }
    let Some((action, args)) = body.as_object().and_then(|m| m.iter().next()) else {
        return nova_error(
            StatusCode::BAD_REQUEST,
            "badRequest",
            "Malformed request body",
        );
    };
    match action.as_str() {
        "os-start" => match o.lab.power_on(&o.provider, &id) {
            Ok(_) => StatusCode::ACCEPTED.into_response(),
            Err(e) => nova_op_error(&e, "start", &id),
        },
        "os-stop" => match o.lab.power_off(&o.provider, &id) {
            Ok(_) => StatusCode::ACCEPTED.into_response(),
            Err(e) => nova_op_error(&e, "stop", &id),
        },
        "createImage" => {
            let name = args
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if name.is_empty() {
                return nova_error(
                    StatusCode::BAD_REQUEST,
                    "badRequest",
                    "Invalid input for field/attribute createImage. Value: name is a required property",
                );
            }
            match o.lab.create_snapshot(
                &o.provider,
                &id,
                SnapshotSpec {
                    name,
                    ..Default::default()
                },
            ) {
                Ok(s) => {
                    let loc = format!("{}/image/v2/images/{}", base_url(&headers), s.id);
                    (
                        StatusCode::ACCEPTED,
                        [(header::LOCATION, loc)],
                        Json(json!({"image_id": s.id})),
                    )
                        .into_response()
                }
                Err(e) => nova_op_error(&e, "createImage", &id),
            }
        }
        other => nova_error(
            StatusCode::BAD_REQUEST,
            "badRequest",
            format!("Action {other} is not served by this emulator"),
        ),
    }
}

/// The VM owning snapshot image `image`.
pub(super) fn image_owner<'a>(p: &'a Provider, image: &str) -> Option<&'a Vm> {
    p.vms
        .iter()
        .find(|v| v.snapshots.iter().any(|s| s.id == image))
}

/// Boot a server from a snapshot image (`imageRef` or a `block_device_mapping_v2` entry with
/// `source_type: image`): the new server gets new volumes cloned from the snapshotted one's.
pub(super) async fn boot(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let server = body.get("server").cloned().unwrap_or_default();
    let name = server
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let image = server
        .get("imageRef")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| {
            server
                .get("block_device_mapping_v2")
                .and_then(Value::as_array)
                .and_then(|b| {
                    b.iter()
                        .find(|m| m.get("source_type").and_then(Value::as_str) == Some("image"))
                        .and_then(|m| m.get("uuid"))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
        });
    if name.is_empty() {
        return nova_error(
            StatusCode::BAD_REQUEST,
            "badRequest",
            "Invalid input for field/attribute name.",
        );
    }
    let Some(src) = image.as_deref().and_then(|i| image_owner(&p, i)) else {
        return nova_error(
            StatusCode::BAD_REQUEST,
            "badRequest",
            format!("Image {} could not be found.", image.unwrap_or_default()),
        );
    };
    match o.lab.clone_vm(
        &o.provider,
        &src.id,
        CloneSpec {
            name,
            power_on: true,
            ..Default::default()
        },
    ) {
        Ok(vm) => {
            let base = base_url(&headers);
            (StatusCode::ACCEPTED, [(header::LOCATION, format!("{base}/compute/v2.1/servers/{}", vm.id))],
             Json(json!({"server": {"id": vm.id, "links": [{"rel": "self", "href": format!("{base}/compute/v2.1/servers/{}", vm.id)}],
                          "OS-DCF:diskConfig": "MANUAL", "security_groups": [{"name": "default"}], "adminPass": ""}}))).into_response()
        }
        Err(LabOpError::NameTaken { .. }) => nova_error(
            StatusCode::CONFLICT,
            "conflictingRequest",
            "Server name is already in use",
        ),
        Err(e) => nova_op_error(&e, "create", ""),
    }
}
