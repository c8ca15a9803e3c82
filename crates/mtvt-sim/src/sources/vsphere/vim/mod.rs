//! The Virtual Infrastructure JSON API subset (`/sdk/vim25/{release}/...`, vCenter 8.0U1+)
//! for what the Automation API lacks: `CreateSnapshot_Task`, `RemoveSnapshot_Task`, the
//! `snapshot`, `config` and `parent` properties, `ReconfigVM_Task` (CBT, add disk with datastore,
//! folder, provisioning and mode, or a raw device mapping of a LUN), `CloneVM_Task` (with disk
//! transform), power and
//! `Destroy_Task`, and `Task/{id}/info`. Tasks complete immediately.

mod methods;
mod properties;
mod reconfig;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::VsphereApi;
use super::errors::{fault_response, vim_fault};
use crate::lab::{LabOpError, Vm};
pub(super) use methods::*;
pub(super) use properties::*;
use reconfig::*;

fn moref(ty: &str, value: &str) -> Value {
    json!({"_typeName": "ManagedObjectReference", "type": ty, "value": value})
}

fn authed(api: &VsphereApi, headers: &HeaderMap) -> Result<String, Response> {
    headers
        .get("vmware-api-session-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|id| api.sessions.user(id))
        .ok_or_else(|| fault_response("NotAuthenticated", "The session is not authenticated."))
}

pub(crate) async fn service_content(Path(_release): Path<String>) -> Json<Value> {
    Json(json!({
        "_typeName": "ServiceContent",
        "rootFolder": moref("Folder", "group-d1"),
        "sessionManager": moref("SessionManager", "SessionManager"),
        "about": {"_typeName": "AboutInfo", "name": "VMware vCenter Server", "apiType": "VirtualCenter", "apiVersion": "8.0.3.0",
                  "version": "8.0.3", "productLineId": "vpx", "instanceUuid": ""},
    }))
}

pub(crate) async fn login(
    State(api): State<VsphereApi>,
    Path((_release, _mo)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> Response {
    let Ok(p) = api.lab.provider(&api.provider) else {
        return fault_response("SystemError", "provider missing from the lab");
    };
    let user = body
        .get("userName")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let pw = body
        .get("password")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if user != p.credentials.username || !p.credentials.password.matches(pw) {
        return fault_response(
            "InvalidLogin",
            "Cannot complete login due to an incorrect user name or password.",
        );
    }
    let id = api.sessions.create(user);
    let now = api.lab.clock().now_rfc3339();
    let session = json!({"_typeName": "UserSession", "key": crate::lab::uuid_for(&[&id]), "userName": user, "fullName": user,
                         "loginTime": now, "lastActiveTime": now, "locale": "en", "messageLocale": "en", "extensionSession": false,
                         "ipAddress": "127.0.0.1", "userAgent": "", "callCount": 0});
    let mut resp = Json(session).into_response();
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("vmware-api-session-id", v);
    }
    resp
}

/// Records a finished task; returns its moRef.
fn task(
    api: &VsphereApi,
    description: &str,
    entity: &Vm,
    outcome: Result<Value, LabOpError>,
) -> Value {
    let mut tasks = api.tasks.lock().unwrap_or_else(|e| e.into_inner());
    let id = format!("task-{}", 1000 + tasks.len());
    let now = api.lab.clock().now_rfc3339();
    let mut info = json!({"_typeName": "TaskInfo", "key": id, "task": moref("Task", &id), "descriptionId": description,
        "entity": moref("VirtualMachine", &entity.id), "entityName": entity.name, "cancelled": false, "cancelable": false,
        "queueTime": now, "startTime": now, "completeTime": now, "eventChainId": 1, "progress": 100});
    if let Some(m) = info.as_object_mut() {
        match outcome {
            Ok(result) => {
                m.insert("state".into(), json!("success"));
                if !result.is_null() {
                    m.insert("result".into(), result);
                }
            }
            Err(e) => {
                m.insert("state".into(), json!("error"));
                m.insert("error".into(), json!({"_typeName": "LocalizedMethodFault", "fault": vim_fault(&e), "localizedMessage": e.to_string()}));
            }
        }
    }
    tasks.insert(id.clone(), info);
    moref("Task", &id)
}

pub(crate) async fn task_info(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path((_r, id)): Path<(String, String)>,
) -> Response {
    if let Err(r) = authed(&api, &headers) {
        return r;
    }
    let tasks = api.tasks.lock().unwrap_or_else(|e| e.into_inner());
    match tasks.get(&id) {
        Some(info) => Json(info.clone()).into_response(),
        None => fault_response(
            "ManagedObjectNotFound",
            &format!(
                "The object 'vim.Task:{id}' has already been deleted or has not been completely created"
            ),
        ),
    }
}
