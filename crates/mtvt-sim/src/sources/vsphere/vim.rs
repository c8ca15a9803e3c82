//! The Virtual Infrastructure JSON API subset (`/sdk/vim25/{release}/...`, vCenter 8.0U1+)
//! for what the Automation API lacks: `CreateSnapshot_Task`, `RemoveSnapshot_Task`, the
//! `snapshot`, `config` and `parent` properties, `ReconfigVM_Task` (CBT, add disk with datastore,
//! folder, provisioning and mode, or a raw device mapping of a LUN), `CloneVM_Task` (with disk
//! transform), power and
//! `Destroy_Task`, and `Task/{id}/info`. Tasks complete immediately.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::VsphereApi;
use super::errors::{fault_response, vim_fault};
use crate::lab::{
    AddDiskSpec, CloneSpec, Disk, DiskMode, LabOpError, Provisioning, RdmSpec, SnapshotSpec, Vm,
};

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

fn snapshot_tree(vm: &Vm) -> Value {
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
fn backing(vm: &Vm, d: &Disk) -> Value {
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

fn config(vm: &Vm) -> Value {
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

/// `thinProvisioned` / `eagerlyScrub` → provisioning.
fn provisioning_of(backing: &Value) -> Option<Provisioning> {
    let thin = backing.get("thinProvisioned").and_then(Value::as_bool);
    let eager = backing.get("eagerlyScrub").and_then(Value::as_bool);
    match (thin, eager) {
        (Some(true), _) => Some(Provisioning::Thin),
        (Some(false), Some(true)) | (None, Some(true)) => Some(Provisioning::ThickEager),
        (Some(false), _) => Some(Provisioning::ThickLazy),
        (None, _) => None,
    }
}

/// `[ds] folder/name.vmdk` → (datastore name, folder, base name).
fn parse_file_name(s: &str) -> (Option<String>, Option<String>, Option<String>) {
    let Some(rest) = s.strip_prefix('[') else {
        return (None, None, None);
    };
    let Some((ds, path)) = rest.split_once(']') else {
        return (None, None, None);
    };
    let path = path.trim().trim_end_matches('/');
    let (folder, file) = match path.rsplit_once('/') {
        Some((f, n)) if n.ends_with(".vmdk") => (
            Some(f.to_string()),
            n.strip_suffix(".vmdk").map(str::to_string),
        ),
        Some(_) | None if path.ends_with(".vmdk") => {
            (None, path.strip_suffix(".vmdk").map(str::to_string))
        }
        _ => ((!path.is_empty()).then(|| path.to_string()), None),
    };
    (Some(ds.to_string()), folder, file)
}

fn reconfig(api: &VsphereApi, vm: &Vm, body: &Value) -> Result<Value, LabOpError> {
    let spec = body.get("spec").cloned().unwrap_or_default();
    if let Some(cbt) = spec.get("changeTrackingEnabled").and_then(Value::as_bool) {
        api.lab.set_cbt(&api.provider, &vm.id, cbt)?;
    }
    for change in spec
        .get("deviceChange")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let device = change.get("device").cloned().unwrap_or_default();
        if change.get("operation").and_then(Value::as_str) != Some("add")
            || device.get("_typeName").and_then(Value::as_str) != Some("VirtualDisk")
        {
            return Err(LabOpError::InvalidArgument {
                message: "only deviceChange operation 'add' of a VirtualDisk is served".into(),
            });
        }
        let backing = device.get("backing").cloned().unwrap_or_default();
        let capacity = device
            .get("capacityInBytes")
            .and_then(Value::as_u64)
            .or_else(|| {
                device
                    .get("capacityInKB")
                    .and_then(Value::as_u64)
                    .map(|k| k * 1024)
            })
            .unwrap_or(0);
        let (ds_name, folder, file_name) = parse_file_name(
            backing
                .get("fileName")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        );
        let datastore = backing
            .get("datastore")
            .and_then(|d| d.get("value"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or(ds_name);
        let mode = match backing.get("diskMode").and_then(Value::as_str) {
            Some("independent_persistent") => DiskMode::IndependentPersistent,
            Some("independent_nonpersistent") => DiskMode::IndependentNonpersistent,
            _ => DiskMode::Persistent,
        };
        let rdm = rdm_of(&backing)?;
        api.lab.add_disk(
            &api.provider,
            &vm.id,
            AddDiskSpec {
                capacity,
                datastore,
                folder,
                provisioning: provisioning_of(&backing).unwrap_or(Provisioning::ThickLazy),
                mode,
                bus: None,
                name: None,
                file_name,
                rdm,
            },
        )?;
    }
    Ok(Value::Null)
}

/// The LUN of a `VirtualDiskRawDiskMappingVer1BackingInfo` (by `lunUuid`, else
/// `deviceName`); `None` for other backings. The capacity of such a disk is the LUN's.
fn rdm_of(backing: &Value) -> Result<Option<RdmSpec>, LabOpError> {
    if backing.get("_typeName").and_then(Value::as_str)
        != Some("VirtualDiskRawDiskMappingVer1BackingInfo")
    {
        return Ok(None);
    }
    let lun = ["lunUuid", "deviceName"]
        .iter()
        .filter_map(|k| backing.get(*k).and_then(Value::as_str))
        .find(|v| !v.is_empty())
        .ok_or_else(|| LabOpError::InvalidArgument {
            message: "a raw disk mapping needs backing.lunUuid or backing.deviceName".into(),
        })?;
    let physical = match backing.get("compatibilityMode").and_then(Value::as_str) {
        Some("physicalMode") => true,
        Some("virtualMode") => false,
        other => {
            return Err(LabOpError::InvalidArgument {
                message: format!(
                    "backing.compatibilityMode must be physicalMode or virtualMode, not {other:?}"
                ),
            });
        }
    };
    Ok(Some(RdmSpec {
        lun: lun.to_string(),
        physical,
    }))
}

fn clone(api: &VsphereApi, vm: &Vm, body: &Value) -> Result<Value, LabOpError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(
            parse_file_name("[ds1] shared_disks/"),
            (Some("ds1".into()), Some("shared_disks".into()), None)
        );
        assert_eq!(
            parse_file_name("[ds1] a/b.vmdk"),
            (Some("ds1".into()), Some("a".into()), Some("b".into()))
        );
        assert_eq!(parse_file_name("[ds1]"), (Some("ds1".into()), None, None));
        assert_eq!(parse_file_name("nope"), (None, None, None));
        assert_eq!(
            provisioning_of(&json!({"thinProvisioned": false, "eagerlyScrub": true})),
            Some(Provisioning::ThickEager)
        );
        assert_eq!(
            provisioning_of(&json!({"thinProvisioned": false})),
            Some(Provisioning::ThickLazy)
        );
    }
}
