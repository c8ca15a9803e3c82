//! A VM's disks: list, get, add (a new VMDK).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde_json::{Value, json};

use super::super::VsphereApi;
use super::super::errors::VapiError;
use crate::lab::{AddDiskSpec, DiskBus, DiskMode, Provisioning};

use super::*;

pub(crate) async fn list_disks(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let vm = vm_of(&provider(&api)?, &id)?;
    Ok(Json(
        vm.disks
            .iter()
            .map(|d| json!({"disk": d.key.to_string()}))
            .collect(),
    ))
}

pub(crate) async fn get_disk(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path((id, disk)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    auth(&api, &headers)?;
    let vm = vm_of(&provider(&api)?, &id)?;
    let d = vm
        .disks
        .iter()
        .find(|d| d.key.to_string() == disk)
        .ok_or_else(|| VapiError::not_found("Virtual disk", &disk))?;
    Ok(Json(disk_info(&vm, d)))
}

/// `POST /api/vcenter/vm/{vm}/hardware/disk`: a new thin, persistent VMDK in the VM's
/// directory (the Automation API cannot choose datastore, folder, provisioning or mode).
pub(crate) async fn add_disk(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(spec): Json<Value>,
) -> ApiResult<Json<Value>> {
    auth(&api, &headers)?;
    vm_of(&provider(&api)?, &id)?;
    let spec = spec.get("spec").cloned().unwrap_or(spec);
    if spec.get("backing").is_some() {
        return Err(VapiError::invalid(
            "Attaching an existing VMDK file is not supported by this server; use 'new_vmdk'.",
        ));
    }
    let new = spec
        .get("new_vmdk")
        .ok_or_else(|| VapiError::invalid("One of 'backing' or 'new_vmdk' must be specified."))?;
    let capacity = new
        .get("capacity")
        .and_then(Value::as_u64)
        .unwrap_or(16 << 30);
    let bus = match spec.get("type").and_then(Value::as_str) {
        Some("SATA") => Some(DiskBus::Sata),
        Some("IDE") => Some(DiskBus::Ide),
        Some("NVME") => Some(DiskBus::Nvme),
        Some("SCSI") => Some(DiskBus::Scsi),
        _ => None,
    };
    let disk = api.lab.add_disk(
        &api.provider,
        &id,
        AddDiskSpec {
            capacity,
            datastore: None,
            folder: None,
            provisioning: Provisioning::Thin,
            mode: DiskMode::Persistent,
            bus,
            name: None,
            file_name: new.get("name").and_then(Value::as_str).map(str::to_string),
            rdm: None,
        },
    )?;
    Ok(Json(json!(disk.key.to_string())))
}
