//! OpenStack source API: Keystone v3 password auth (`POST /v3/auth/tokens` → `X-Subject-Token`
//! and a service catalog pointing back at this listener), Nova v2.1 servers (list, detail,
//! get, `os-start`, `os-stop`, `createImage`, `os-interface`, boot from a snapshot image,
//! delete), Glance v2 images (get, list, delete) and Cinder v3 volumes (list, get).

mod actions;
mod images;
mod keystone;
mod servers;
mod volumes;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::Sessions;
use crate::lab::{LabHandle, LabOpError, Provider};
use actions::*;
use images::*;
use keystone::*;
use servers::*;
use volumes::*;

#[derive(Clone)]
struct Openstack {
    lab: LabHandle,
    provider: String,
    tokens: Sessions,
}

/// The OpenStack router for lab provider `provider`.
pub fn router(lab: LabHandle, provider: &str) -> Router {
    let state = Openstack {
        lab,
        provider: provider.to_string(),
        tokens: Sessions::default(),
    };
    Router::new()
        .route("/v3/auth/tokens", post(issue_token))
        .route("/compute/v2.1/servers", get(list_servers).post(boot))
        .route("/compute/v2.1/servers/detail", get(list_servers_detail))
        .route(
            "/compute/v2.1/servers/{id}",
            get(get_server).delete(delete_server),
        )
        .route("/compute/v2.1/servers/{id}/action", post(server_action))
        .route(
            "/compute/v2.1/servers/{id}/os-interface",
            get(list_interfaces),
        )
        .route("/image/v2/images", get(list_images))
        .route("/image/v2/images/{id}", get(get_image).delete(delete_image))
        .route("/volume/v3/{project}/volumes/detail", get(list_volumes))
        .route("/volume/v3/{project}/volumes/{id}", get(get_volume))
        .with_state(state)
}

fn keystone_401() -> Response {
    (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Keystone uri=\"/v3\"")],
     Json(json!({"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}))).into_response()
}

fn nova_error(status: StatusCode, kind: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({ kind: {"code": status.as_u16(), "message": message.into()} })),
    )
        .into_response()
}

fn nova_op_error(e: &LabOpError, action: &str, id: &str) -> Response {
    match e {
        LabOpError::VmNotFound { .. } => nova_error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            format!("Instance {id} could not be found."),
        ),
        LabOpError::AlreadyOn { .. } => nova_error(
            StatusCode::CONFLICT,
            "conflictingRequest",
            format!("Cannot '{action}' instance {id} while it is in vm_state active"),
        ),
        LabOpError::AlreadyOff { .. } => nova_error(
            StatusCode::CONFLICT,
            "conflictingRequest",
            format!("Cannot '{action}' instance {id} while it is in vm_state stopped"),
        ),
        LabOpError::PoweredOn { .. } => nova_error(
            StatusCode::CONFLICT,
            "conflictingRequest",
            format!("Cannot '{action}' instance {id} while it is in vm_state active"),
        ),
        other => nova_error(StatusCode::BAD_REQUEST, "badRequest", other.to_string()),
    }
}

fn provider(o: &Openstack) -> Result<Provider, Response> {
    o.lab.provider(&o.provider).map_err(|e| {
        nova_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "computeFault",
            e.to_string(),
        )
    })
}

fn auth(o: &Openstack, headers: &HeaderMap) -> Result<Provider, Response> {
    let token = headers
        .get("x-auth-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if o.tokens.user(token).is_none() {
        return Err(keystone_401());
    }
    provider(o)
}

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}
