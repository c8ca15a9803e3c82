//! oVirt source API (`/ovirt-engine/api`, JSON rendering): basic auth or an SSO token from
//! `/ovirt-engine/sso/oauth/token`; VMs (search, get, create from template, start, stop,
//! shutdown, delete), snapshots, disk attachments, NICs, reported devices (guest IPs),
//! templates, data centers. Numbers and booleans are strings, as oVirt renders them.

mod lifecycle;
mod vms;

use std::collections::HashMap;

use axum::extract::{Form, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::json;

use super::Sessions;
use super::sessions::{basic_auth, bearer};
use crate::lab::{LabHandle, LabOpError, Provider};
use lifecycle::*;
use vms::*;

const API: &str = "/ovirt-engine/api";

#[derive(Clone)]
struct Ovirt {
    lab: LabHandle,
    provider: String,
    tokens: Sessions,
}

/// The oVirt router for lab provider `provider`.
pub fn router(lab: LabHandle, provider: &str) -> Router {
    let state = Ovirt {
        lab,
        provider: provider.to_string(),
        tokens: Sessions::default(),
    };
    Router::new()
        .route("/ovirt-engine/sso/oauth/token", post(sso_token))
        .route(API, get(root))
        .route("/ovirt-engine/api/vms", get(list_vms).post(create_vm))
        .route("/ovirt-engine/api/vms/{id}", get(get_vm).delete(delete_vm))
        .route(
            "/ovirt-engine/api/vms/{id}/{action}",
            post(vm_action).get(vm_sub),
        )
        .route(
            "/ovirt-engine/api/vms/{id}/snapshots/{sid}",
            delete(remove_snapshot),
        )
        .route("/ovirt-engine/api/templates", get(list_templates))
        .route("/ovirt-engine/api/templates/{id}", get(get_template))
        .route("/ovirt-engine/api/datacenters", get(datacenters))
        .with_state(state)
}

/// An oVirt fault (`{reason, detail}`).
fn fault(status: StatusCode, reason: &str, detail: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"reason": reason, "detail": detail.into()})),
    )
        .into_response()
}

fn op_failed(e: &LabOpError) -> Response {
    let detail = match e {
        LabOpError::AlreadyOn { .. } => "[Cannot run VM. VM is running.]".to_string(),
        LabOpError::AlreadyOff { .. } => "[Cannot stop VM. VM is not running.]".to_string(),
        LabOpError::PoweredOn { .. } => "[Cannot remove VM. VM is running.]".to_string(),
        LabOpError::NameTaken { .. } => "[Cannot add VM. The VM name is already in use, please choose a unique name and try again.]".to_string(),
        LabOpError::VmNotFound { .. } | LabOpError::SnapshotNotFound { .. } => return StatusCode::NOT_FOUND.into_response(),
        other => format!("[{other}]"),
    };
    let status = if matches!(
        e,
        LabOpError::InvalidArgument { .. } | LabOpError::DatastoreNotFound { .. }
    ) {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::CONFLICT
    };
    fault(status, "Operation Failed", detail)
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Basic realm=\"RESTAPI\"")],
        Json(json!({"reason": "Unauthorized", "detail": "Authentication required."})),
    )
        .into_response()
}

fn auth(o: &Ovirt, headers: &HeaderMap) -> Result<Provider, Response> {
    let p = o
        .lab
        .provider(&o.provider)
        .map_err(|e| fault(StatusCode::INTERNAL_SERVER_ERROR, "Internal", e.to_string()))?;
    let ok = match (basic_auth(headers), bearer(headers)) {
        (Some((u, pw)), _) => u == p.credentials.username && p.credentials.password.matches(&pw),
        (None, Some(t)) => o.tokens.user(&t).is_some(),
        _ => false,
    };
    if ok { Ok(p) } else { Err(unauthorized()) }
}

async fn sso_token(State(o): State<Ovirt>, Form(f): Form<HashMap<String, String>>) -> Response {
    let Ok(p) = o.lab.provider(&o.provider) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let user = f.get("username").cloned().unwrap_or_default();
    if f.get("grant_type").map(String::as_str) != Some("password") {
        return (
            StatusCode::BAD_REQUEST,
            Json(
                json!({"error_code": "unsupported_grant_type", "error": "Unsupported grant_type"}),
            ),
        )
            .into_response();
    }
    if user != p.credentials.username
        || !p
            .credentials
            .password
            .matches(f.get("password").map(String::as_str).unwrap_or_default())
    {
        return (StatusCode::BAD_REQUEST, Json(json!({"error_code": "access_denied",
            "error": format!("Cannot authenticate user '{user}': The username or password is incorrect..")}))).into_response();
    }
    let token = o.tokens.create(&user);
    let exp = (o.lab.clock().now().timestamp() + 36_000) * 1000;
    Json(json!({"access_token": token, "scope": f.get("scope").cloned().unwrap_or_else(|| "ovirt-app-api".into()), "exp": exp.to_string(), "token_type": "bearer"})).into_response()
}

async fn root(State(o): State<Ovirt>, headers: HeaderMap) -> Response {
    match auth(&o, &headers) {
        Ok(p) => Json(json!({"product_info": {"name": "oVirt Engine", "vendor": "ovirt.org", "version": {"full_version": p.version, "major": "4", "minor": "5"}},
                              "time": o.lab.clock().now().timestamp_millis()})).into_response(),
        Err(r) => r,
    }
}
