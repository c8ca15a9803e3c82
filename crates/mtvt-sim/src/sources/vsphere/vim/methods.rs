//! VM methods: clone (with a disk transform), reconfigure, power, snapshots, each answered
//! with a task; and removing a snapshot.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::super::VsphereApi;
use super::super::errors::fault_response;
use crate::lab::{CloneSpec, LabOpError, Provisioning, SnapshotSpec, Vm};

use super::*;

pub(super) fn clone(api: &VsphereApi, vm: &Vm, body: &Value) -> Result<Value, LabOpError> {
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let spec = body.get("spec").cloned().unwrap_or_default();
    let location = spec.get("location").cloned().unwrap_or_default();
    let mo = |v: &Value, k: &str| {
        v.get(k)
            .and_then(|x| x.get("value"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let disk0 = location
        .get("disk")
        .and_then(Value::as_array)
        .and_then(|d| d.first())
        .cloned()
        .unwrap_or_default();
    let provisioning = match location.get("transform").and_then(Value::as_str) {
        Some("sparse") => Some(Provisioning::Thin),
        Some("flat") => Some(Provisioning::ThickLazy),
        _ => disk0.get("diskBackingInfo").and_then(provisioning_of),
    };
    let folder = mo(body, "folder").filter(|f| f != "group-v3");
    let clone = api.lab.clone_vm(
        &api.provider,
        &vm.id,
        CloneSpec {
            name,
            datastore: mo(&location, "datastore").or_else(|| mo(&disk0, "datastore")),
            folder,
            host: mo(&location, "host"),
            provisioning,
            power_on: spec
                .get("powerOn")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            cbt: spec
                .get("config")
                .and_then(|c| c.get("changeTrackingEnabled"))
                .and_then(Value::as_bool),
        },
    )?;
    Ok(moref("VirtualMachine", &clone.id))
}

pub(crate) async fn vm_method(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path((_r, id, method)): Path<(String, String, String)>,
    body: axum::body::Bytes,
) -> Response {
    if let Err(r) = authed(&api, &headers) {
        return r;
    }
    let body: Value = if body.is_empty() {
        json!({})
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => return fault_response("InvalidRequest", &format!("body is not JSON: {e}")),
        }
    };
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
    let (description, outcome) = match method.as_str() {
        "CreateSnapshot_Task" => {
            let spec = SnapshotSpec {
                name: body
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                description: body
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                memory: body.get("memory").and_then(Value::as_bool).unwrap_or(false),
                quiesce: body
                    .get("quiesce")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            };
            (
                "VirtualMachine.createSnapshot",
                api.lab
                    .create_snapshot(&api.provider, &id, spec)
                    .map(|s| moref("VirtualMachineSnapshot", &s.id)),
            )
        }
        "ReconfigVM_Task" => ("VirtualMachine.reconfigure", reconfig(&api, &vm, &body)),
        "CloneVM_Task" => ("VirtualMachine.clone", clone(&api, &vm, &body)),
        "PowerOnVM_Task" => (
            "VirtualMachine.powerOn",
            api.lab.power_on(&api.provider, &id).map(|_| Value::Null),
        ),
        "PowerOffVM_Task" => (
            "VirtualMachine.powerOff",
            api.lab.power_off(&api.provider, &id).map(|_| Value::Null),
        ),
        "Destroy_Task" => (
            "VirtualMachine.destroy",
            api.lab.delete_vm(&api.provider, &id).map(|_| Value::Null),
        ),
        _ => {
            return fault_response(
                "MethodNotFound",
                &format!("Method '{method}' is not served by this emulator"),
            );
        }
    };
    Json(task(&api, description, &vm, outcome)).into_response()
}

pub(crate) async fn remove_snapshot(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path((_r, snap)): Path<(String, String)>,
) -> Response {
    if let Err(r) = authed(&api, &headers) {
        return r;
    }
    let owner = api.lab.world().provider(&api.provider).and_then(|p| {
        p.vms
            .iter()
            .find(|v| v.snapshots.iter().any(|s| s.id == snap))
            .cloned()
    });
    let Some(vm) = owner else {
        return fault_response(
            "ManagedObjectNotFound",
            &format!(
                "The object 'vim.vm.Snapshot:{snap}' has already been deleted or has not been completely created"
            ),
        );
    };
    let outcome = api
        .lab
        .remove_snapshot(&api.provider, &vm.id, &snap)
        .map(|_| Value::Null);
    Json(task(&api, "VirtualMachineSnapshot.remove", &vm, outcome)).into_response()
}
