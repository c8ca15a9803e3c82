//! The VI/JSON calls (`/sdk/vim25/<release>/<Type>/<moId>/<method|property>`, vCenter 8.0U1+)
//! for what the Automation API has no operation for: `CloneVM_Task` with datastore,
//! per-disk provisioning and CBT, `CreateSnapshot_Task`, the `snapshot`, `config` and
//! `parent` properties, `ReconfigVM_Task` (add disk, CBT) and task completion.

use mtvt_vocab::DiskMode;
use reqwest::Method;
use serde_json::{Value, json};

use super::{KIND, VsphereClient};
use crate::error::SourceError;
use crate::http;
use crate::model::{AddDisk, CloneRequest, DiskFacts, SnapshotFacts, VmRef};
use crate::poll::{Probe, wait_for};

/// The VI/JSON release in request paths: 8.0.1.0 is the first with the JSON protocol and is
/// served by every later vCenter.
pub(crate) const RELEASE: &str = "8.0.1.0";

fn path(ty: &str, mo: &str, member: &str) -> String {
    format!("sdk/vim25/{RELEASE}/{ty}/{mo}/{member}")
}

pub(crate) fn moref(ty: &str, value: &str) -> Value {
    json!({"_typeName": "ManagedObjectReference", "type": ty, "value": value})
}

fn mo_value(v: &Value) -> Option<&str> {
    v.get("value").and_then(Value::as_str)
}

/// Fails with a clear message when vCenter has no VI/JSON API (older than 8.0U1).
pub(crate) async fn check_available(c: &VsphereClient) -> Result<(), SourceError> {
    let rb = c.req(
        Method::GET,
        &path("ServiceInstance", "ServiceInstance", "content"),
    )?;
    let reply = http::send_any(KIND, rb).await?;
    if reply.status.is_success() {
        return Ok(());
    }
    if reply.status.as_u16() == 404 {
        return Err(SourceError::Config {
            provider: KIND,
            message: format!(
                "vCenter does not serve the VI/JSON API at /sdk/vim25/{RELEASE} (vCenter 8.0 Update 1 or later is required for snapshots, CBT and disk operations)"
            ),
        });
    }
    Err(reply.into_api_error())
}

/// POSTs a `*_Task` method and waits for the task; returns `info.result`.
async fn run_task(
    c: &VsphereClient,
    ty: &str,
    mo: &str,
    method: &str,
    body: Value,
    operation: &'static str,
    object: &str,
) -> Result<Value, SourceError> {
    let rb = c.req(Method::POST, &path(ty, mo, method))?.json(&body);
    let reply = http::send(KIND, rb).await?;
    let task = reply.value()?;
    let task_id = mo_value(&task)
        .ok_or_else(|| reply.protocol_error("the method did not return a Task reference"))?
        .to_string();
    wait_for(
        KIND,
        object,
        &format!("task {task_id} ({method})"),
        c.wait.op_timeout,
        c.wait.backoff,
        || async {
            let info = c.get(&path("Task", &task_id, "info")).await?;
            match info.get("state").and_then(Value::as_str) {
                Some("success") => Ok(Probe::Ready(
                    info.get("result").cloned().unwrap_or_default(),
                )),
                Some("error") => Err(SourceError::TaskFailed {
                    provider: KIND,
                    operation,
                    vm: object.to_string(),
                    message: info
                        .pointer("/error/localizedMessage")
                        .and_then(Value::as_str)
                        .unwrap_or("the task reported an error without a message")
                        .to_string(),
                }),
                other => Ok(Probe::Pending(format!(
                    "task state {} ({}%)",
                    other.unwrap_or("unknown"),
                    info.get("progress").and_then(Value::as_i64).unwrap_or(0)
                ))),
            }
        },
    )
    .await
}

/// The VM's `config` property (`VirtualMachineConfigInfo`).
pub(crate) async fn config(c: &VsphereClient, vm_id: &str) -> Result<Value, SourceError> {
    c.get(&path("VirtualMachine", vm_id, "config")).await
}

/// The VM's `VirtualDisk` devices.
pub(crate) fn disks_of(config: &Value) -> Vec<Value> {
    config
        .pointer("/hardware/device")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|d| d.get("_typeName").and_then(Value::as_str) == Some("VirtualDisk"))
        .cloned()
        .collect()
}

pub(crate) async fn clone(
    c: &VsphereClient,
    base: &VmRef,
    req: &CloneRequest,
) -> Result<VmRef, SourceError> {
    if !req.preserve_name_format && mtvt_vocab::names::dns1123_label(&req.new_name).is_err() {
        return Err(SourceError::InvalidRequest {
            provider: KIND,
            message: format!(
                "clone name '{}' is not a DNS-1123 label; build it with naming::clone_vm_name or set preserve_name_format",
                req.new_name
            ),
        });
    }
    let target = match &req.target_datastore {
        Some(key) => Some(c.resolve_datastore(key).await?.0),
        None => None,
    };
    let folder = c.get(&path("VirtualMachine", &base.id, "parent")).await?;
    let folder_id = mo_value(&folder)
        .ok_or_else(|| SourceError::Protocol {
            provider: KIND,
            path: path("VirtualMachine", &base.id, "parent"),
            message: "the parent is not a ManagedObjectReference".into(),
        })?
        .to_string();
    let mut location = serde_json::Map::new();
    location.insert("_typeName".into(), json!("VirtualMachineRelocateSpec"));
    if let Some(ds) = &target {
        location.insert("datastore".into(), moref("Datastore", ds));
    }
    if let Some(p) = req.disk_provisioning {
        let (thin, eager) = p.vsphere_flags();
        let config = config(c, &base.id).await?;
        let locators: Vec<Value> = disks_of(&config)
            .iter()
            .map(|d| {
                let ds = target.clone().unwrap_or_else(|| {
                    d.pointer("/backing/datastore/value")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                });
                json!({"_typeName": "VirtualMachineRelocateSpecDiskLocator",
                       "diskId": d.get("key").cloned().unwrap_or_default(),
                       "datastore": moref("Datastore", &ds),
                       "diskBackingInfo": {"_typeName": "VirtualDiskFlatVer2BackingInfo", "fileName": "",
                                           "diskMode": d.pointer("/backing/diskMode").cloned().unwrap_or(json!("persistent")),
                                           "thinProvisioned": thin, "eagerlyScrub": eager}})
            })
            .collect();
        location.insert("disk".into(), Value::Array(locators));
    }
    let mut spec = json!({"_typeName": "VirtualMachineCloneSpec", "location": location,
                          "template": false, "powerOn": false});
    if req.enable_cbt
        && let Some(m) = spec.as_object_mut()
    {
        m.insert(
            "config".into(),
            json!({"_typeName": "VirtualMachineConfigSpec", "changeTrackingEnabled": true}),
        );
    }
    let body = json!({"folder": moref("Folder", &folder_id), "name": req.new_name, "spec": spec});
    let result = run_task(
        c,
        "VirtualMachine",
        &base.id,
        "CloneVM_Task",
        body,
        "clone",
        &base.name,
    )
    .await?;
    let id = mo_value(&result).ok_or_else(|| SourceError::Protocol {
        provider: KIND,
        path: "Task/info".into(),
        message: "CloneVM_Task succeeded without a VirtualMachine result".into(),
    })?;
    Ok(VmRef {
        id: id.to_string(),
        name: req.new_name.clone(),
        template: false,
    })
}

pub(crate) async fn create_snapshot(
    c: &VsphereClient,
    vm: &VmRef,
    name: &str,
    description: &str,
) -> Result<SnapshotFacts, SourceError> {
    let body = json!({"name": name, "description": description, "memory": false, "quiesce": false});
    let result = run_task(
        c,
        "VirtualMachine",
        &vm.id,
        "CreateSnapshot_Task",
        body,
        "create_snapshot",
        &vm.name,
    )
    .await?;
    Ok(SnapshotFacts {
        name: name.to_string(),
        id: mo_value(&result).unwrap_or_default().to_string(),
        description: description.to_string(),
        ..SnapshotFacts::default()
    })
}

fn flatten(list: &Value, out: &mut Vec<SnapshotFacts>) {
    for s in list.as_array().into_iter().flatten() {
        out.push(SnapshotFacts {
            name: s
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            id: s
                .get("snapshot")
                .and_then(mo_value)
                .unwrap_or_default()
                .to_string(),
            description: s
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            state: s.get("state").and_then(Value::as_str).map(str::to_string),
            created: s
                .get("createTime")
                .and_then(Value::as_str)
                .map(str::to_string),
        });
        if let Some(children) = s.get("childSnapshotList") {
            flatten(children, out);
        }
    }
}

/// The `snapshot` property, flattened depth-first (a linear chain comes out oldest first).
pub(crate) async fn snapshots(
    c: &VsphereClient,
    vm: &VmRef,
) -> Result<Vec<SnapshotFacts>, SourceError> {
    let info = c.get(&path("VirtualMachine", &vm.id, "snapshot")).await?;
    let mut out = Vec::new();
    if let Some(roots) = info.get("rootSnapshotList") {
        flatten(roots, &mut out);
    }
    Ok(out)
}

pub(crate) async fn enable_cbt(c: &VsphereClient, vm: &VmRef) -> Result<(), SourceError> {
    let body =
        json!({"spec": {"_typeName": "VirtualMachineConfigSpec", "changeTrackingEnabled": true}});
    run_task(
        c,
        "VirtualMachine",
        &vm.id,
        "ReconfigVM_Task",
        body,
        "enable_cbt",
        &vm.name,
    )
    .await
    .map(|_| ())
}

/// The controller key and the next free unit number on it (unit 7 is the SCSI controller's).
fn next_slot(disks: &[Value]) -> (i64, i64) {
    let controller = disks
        .first()
        .and_then(|d| d.get("controllerKey"))
        .and_then(Value::as_i64)
        .unwrap_or(1000);
    let used: Vec<i64> = disks
        .iter()
        .filter(|d| d.get("controllerKey").and_then(Value::as_i64) == Some(controller))
        .filter_map(|d| d.get("unitNumber").and_then(Value::as_i64))
        .collect();
    let unit = (0..)
        .find(|u| *u != 7 && !used.contains(u))
        .unwrap_or_default();
    (controller, unit)
}

pub(crate) async fn add_disk(
    c: &VsphereClient,
    vm: &VmRef,
    disk: &AddDisk,
) -> Result<DiskFacts, SourceError> {
    let before = config(c, &vm.id).await?;
    let existing = disks_of(&before);
    let datastore = match &disk.datastore {
        Some(key) => Some(c.resolve_datastore(key).await?),
        None => match existing
            .first()
            .and_then(|d| d.pointer("/backing/datastore/value"))
            .and_then(Value::as_str)
        {
            Some(id) if disk.folder.is_some() => Some(c.resolve_datastore(id).await?),
            _ => None,
        },
    };
    let file_name = match (&datastore, &disk.folder) {
        (Some((_, name)), Some(folder)) => format!("[{name}] {}/", folder.trim_matches('/')),
        (Some((_, name)), None) => format!("[{name}]"),
        (None, _) => String::new(),
    };
    let (thin, eager) = disk
        .provisioning
        .unwrap_or(mtvt_vocab::Provisioning::Thin)
        .vsphere_flags();
    let mut backing = match &disk.rdm_lun_uuid {
        Some(lun) => {
            json!({"_typeName": "VirtualDiskRawDiskMappingVer1BackingInfo", "fileName": file_name,
                            "deviceName": format!("/vmfs/devices/disks/{lun}"),
                            "compatibilityMode": if disk.rdm_physical { "physicalMode" } else { "virtualMode" },
                            "diskMode": disk.mode.as_str()})
        }
        None => json!({"_typeName": "VirtualDiskFlatVer2BackingInfo", "fileName": file_name,
                       "diskMode": disk.mode.as_str(), "thinProvisioned": thin, "eagerlyScrub": eager}),
    };
    if let (Some((id, _)), Some(m)) = (&datastore, backing.as_object_mut()) {
        m.insert("datastore".into(), moref("Datastore", id));
    }
    let (controller, unit) = next_slot(&existing);
    let body = json!({"spec": {"_typeName": "VirtualMachineConfigSpec", "deviceChange": [{
        "_typeName": "VirtualDeviceConfigSpec", "operation": "add", "fileOperation": "create",
        "device": {"_typeName": "VirtualDisk", "key": -101, "controllerKey": controller, "unitNumber": unit,
                   "capacityInBytes": disk.size_bytes, "capacityInKB": disk.size_bytes / 1024, "backing": backing}}]}});
    run_task(
        c,
        "VirtualMachine",
        &vm.id,
        "ReconfigVM_Task",
        body,
        "add_disk",
        &vm.name,
    )
    .await?;
    let after = config(c, &vm.id).await?;
    let old_keys: Vec<i64> = existing
        .iter()
        .filter_map(|d| d.get("key").and_then(Value::as_i64))
        .collect();
    let names = c.datastores().await?;
    disks_of(&after)
        .iter()
        .find(|d| {
            d.get("key")
                .and_then(Value::as_i64)
                .is_some_and(|k| !old_keys.contains(&k))
        })
        .map(|d| super::facts::disk_facts(d, &names))
        .ok_or_else(|| SourceError::TaskFailed {
            provider: KIND,
            operation: "add_disk",
            vm: vm.name.clone(),
            message: "ReconfigVM_Task succeeded but no new VirtualDisk appeared in the VM config"
                .into(),
        })
}

/// Disk mode of a backing (`None` when absent or not one mtvt knows: the fact is
/// unknown).
pub(crate) fn disk_mode(d: &Value) -> Option<DiskMode> {
    d.pointer("/backing/diskMode")
        .and_then(Value::as_str)
        .and_then(|m| m.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_skip_the_controller_unit() {
        let disks: Vec<Value> = (0..7)
            .map(|u| json!({"controllerKey": 1000, "unitNumber": u}))
            .collect();
        assert_eq!(next_slot(&disks), (1000, 8));
        assert_eq!(next_slot(&[]), (1000, 0));
        let one = vec![json!({"controllerKey": 1001, "unitNumber": 0})];
        assert_eq!(next_slot(&one), (1001, 1));
    }

    #[test]
    fn snapshot_trees_flatten_oldest_first() {
        let tree = json!([{"name": "a", "description": "", "snapshot": moref("VirtualMachineSnapshot", "snapshot-1"),
            "state": "poweredOff", "createTime": "2026-12-07T19:40:12Z",
            "childSnapshotList": [{"name": "b", "description": "d", "snapshot": moref("VirtualMachineSnapshot", "snapshot-2"),
                                   "childSnapshotList": []}]}]);
        let mut out = Vec::new();
        flatten(&tree, &mut out);
        let names: Vec<_> = out
            .iter()
            .map(|s| (s.name.as_str(), s.id.as_str()))
            .collect();
        assert_eq!(names, vec![("a", "snapshot-1"), ("b", "snapshot-2")]);
        let first = out.first().unwrap();
        assert_eq!(first.state.as_deref(), Some("poweredOff"));
        assert_eq!(first.created.as_deref(), Some("2026-12-07T19:40:12Z"));
        assert_eq!(out.get(1).unwrap().state, None);
    }
}
