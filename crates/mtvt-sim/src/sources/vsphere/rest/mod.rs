//! vSphere Automation REST handlers (`/api/...`, vSphere 7.0U2+ style: bodies are the spec
//! itself, ids are moRefs, enums UPPER_CASE).

mod disks;
mod guest;
mod inventory;
mod vms;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::VsphereApi;
use super::errors::VapiError;
use crate::lab::{Provider, Vm};
use crate::sources::sessions::basic_auth;
pub(super) use disks::*;
pub(super) use guest::*;
pub(super) use inventory::*;
pub(super) use vms::*;

type Pairs = Query<Vec<(String, String)>>;
type ApiResult<T> = Result<T, VapiError>;

fn auth(api: &VsphereApi, headers: &HeaderMap) -> ApiResult<String> {
    headers
        .get("vmware-api-session-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|id| api.sessions.user(id))
        .ok_or_else(VapiError::unauthenticated)
}

fn provider(api: &VsphereApi) -> ApiResult<Provider> {
    api.lab.provider(&api.provider).map_err(VapiError::from)
}

fn vm_of(p: &Provider, id: &str) -> ApiResult<Vm> {
    p.vm(id)
        .cloned()
        .ok_or_else(|| VapiError::not_found("Virtual machine", id))
}

/// Values of a (possibly repeated) filter; accepts both `names` and `filter.names`.
fn filter(q: &[(String, String)], key: &str) -> Vec<String> {
    q.iter()
        .filter(|(k, _)| {
            k == key || k.strip_prefix("filter.") == Some(key) || k == &format!("{key}[]")
        })
        .flat_map(|(_, v)| v.split(',').map(str::to_string).collect::<Vec<_>>())
        .collect()
}

fn keep(values: &[String], v: &str) -> bool {
    values.is_empty() || values.iter().any(|x| x == v)
}

pub(crate) async fn login(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let p = provider(&api)?;
    match basic_auth(&headers) {
        Some((user, pw))
            if user == p.credentials.username && p.credentials.password.matches(&pw) =>
        {
            let id = api.sessions.create(&user);
            Ok((StatusCode::CREATED, Json(json!(id))).into_response())
        }
        _ => Err(VapiError::unauthenticated()),
    }
}

pub(crate) async fn session_info(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    let user = auth(&api, &headers)?;
    let now = api.lab.clock().now_rfc3339();
    Ok(Json(
        json!({"user": user, "created_time": now, "last_accessed_time": now}),
    ))
}

pub(crate) async fn logout(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    auth(&api, &headers)?;
    let id = headers
        .get("vmware-api-session-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    api.sessions.remove(id);
    Ok(StatusCode::NO_CONTENT)
}
