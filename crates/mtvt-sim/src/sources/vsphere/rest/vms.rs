//! VMs: list (filtered), get, power state and actions, delete, clone.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::super::VsphereApi;
use super::super::errors::VapiError;
use crate::lab::{CloneSpec, DiskBus, Firmware, PowerState, Provider, Vm};

use super::*;

pub(super) fn power_state(vm: &Vm) -> &'static str {
    if vm.power == PowerState::On {
        "POWERED_ON"
    } else {
        "POWERED_OFF"
    }
}

/// Automation API `GuestOS` enum value.
pub(super) fn guest_os_enum(vm: &Vm) -> &'static str {
    match vm.guest_os.key.as_str() {
        "rhel7" => "RHEL_7_64",
        "rhel8" => "RHEL_8_64",
        "rhel9" => "RHEL_9_64",
        "fedora" => "FEDORA_64",
        "win2016" => "WINDOWS_9_SERVER_64",
        "win2019" => "WINDOWS_SERVER_2019",
        "win2022" => "WINDOWS_SERVER_2021",
        "win11" => "WINDOWS_11_64",
        _ => "OTHER_LINUX_64",
    }
}

pub(crate) async fn list_vms(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Query(q): Pairs,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let p = provider(&api)?;
    let (names, ids, states, folders, hosts) = (
        filter(&q, "names"),
        filter(&q, "vms"),
        filter(&q, "power_states"),
        filter(&q, "folders"),
        filter(&q, "hosts"),
    );
    let list = p
        .vms
        .iter()
        .filter(|v| keep(&names, &v.name) && keep(&ids, &v.id) && keep(&states, power_state(v)) && keep(&hosts, &v.host))
        .filter(|v| folders.is_empty() || v.folder.as_ref().is_some_and(|f| folders.contains(f)))
        .map(|v| json!({"vm": v.id, "name": v.name, "power_state": power_state(v), "cpu_count": v.cpu_count(), "memory_size_MiB": v.memory_mb}))
        .collect();
    Ok(Json(list))
}

pub(super) fn disk_info(vm: &Vm, d: &crate::lab::Disk) -> Value {
    let (ty, addr_key) = match d.bus {
        DiskBus::Sata => ("SATA", "sata"),
        DiskBus::Ide => ("IDE", "ide"),
        DiskBus::Nvme => ("NVME", "nvme"),
        DiskBus::Scsi | DiskBus::Virtio => ("SCSI", "scsi"),
    };
    let addr = if d.bus == DiskBus::Ide {
        json!({"primary": d.controller_key == 200, "master": d.unit_number == 0})
    } else {
        json!({"bus": 0, "unit": d.unit_number})
    };
    let mut m = Map::new();
    m.insert("label".into(), json!(d.name));
    m.insert("type".into(), json!(ty));
    m.insert(addr_key.into(), addr);
    m.insert(
        "backing".into(),
        json!({"type": "VMDK_FILE", "vmdk_file": vm.disk_backing_file(d)}),
    );
    m.insert("capacity".into(), json!(d.capacity));
    Value::Object(m)
}

pub(super) fn vm_info(p: &Provider, vm: &Vm) -> Value {
    let disks: Map<String, Value> = vm
        .disks
        .iter()
        .map(|d| (d.key.to_string(), disk_info(vm, d)))
        .collect();
    let nics: Map<String, Value> = vm
        .nics
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let net = p.network(&n.network);
            let dv = net.is_some_and(|x| x.variant == "DvPortGroup");
            (
                n.key.to_string(),
                json!({"label": n.name, "type": n.model.to_uppercase(), "mac_type": "ASSIGNED", "mac_address": n.mac,
                       "start_connected": true, "allow_guest_control": true, "wake_on_lan_enabled": false,
                       "state": if vm.power == PowerState::On { "CONNECTED" } else { "NOT_CONNECTED" },
                       "upt_compatibility_enabled": false, "pci_slot_number": 192 + 32 * i,
                       "backing": {"type": if dv { "DISTRIBUTED_PORTGROUP" } else { "STANDARD_PORTGROUP" },
                                   "network": n.network, "network_name": net.map(|x| x.name.clone()).unwrap_or_default()}}),
            )
        })
        .collect();
    json!({
        "guest_OS": guest_os_enum(vm), "name": vm.name,
        "identity": {"name": vm.name, "bios_uuid": vm.uuid, "instance_uuid": vm.instance_uuid},
        "power_state": power_state(vm), "instant_clone_frozen": false,
        "hardware": {"upgrade_policy": "NEVER", "upgrade_status": "NONE", "version": "VMX_19"},
        "boot": {"type": if vm.firmware == Firmware::Efi { "EFI" } else { "BIOS" }, "delay": 0, "retry": false,
                 "retry_delay": 10000, "enter_setup_mode": false},
        "boot_devices": [],
        "cpu": {"count": vm.cpu_count(), "cores_per_socket": vm.cores_per_socket, "hot_add_enabled": false, "hot_remove_enabled": false},
        "memory": {"size_MiB": vm.memory_mb, "hot_add_enabled": false},
        "disks": disks, "nics": nics, "cdroms": {}, "floppies": {}, "parallel_ports": {}, "serial_ports": {},
        "sata_adapters": {}, "nvme_adapters": {},
        "scsi_adapters": {"1000": {"label": "SCSI controller 0", "type": "PVSCSI", "scsi": {"bus": 0, "unit": 7}, "sharing": "NONE"}},
    })
}

pub(crate) async fn get_vm(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    auth(&api, &headers)?;
    let p = provider(&api)?;
    let vm = vm_of(&p, &id)?;
    Ok(Json(vm_info(&p, &vm)))
}

pub(crate) async fn get_power(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    auth(&api, &headers)?;
    let vm = vm_of(&provider(&api)?, &id)?;
    Ok(Json(if vm.power == PowerState::On {
        json!({"state": "POWERED_ON"})
    } else {
        json!({"state": "POWERED_OFF", "clean_power_off": true})
    }))
}

#[derive(Deserialize)]
pub(crate) struct ActionQuery {
    action: Option<String>,
}

pub(crate) async fn power(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<ActionQuery>,
) -> ApiResult<StatusCode> {
    auth(&api, &headers)?;
    vm_of(&provider(&api)?, &id)?;
    match q.action.as_deref() {
        Some("start") => api.lab.power_on(&api.provider, &id)?,
        Some("stop") => api.lab.power_off(&api.provider, &id)?,
        Some(other) => {
            return Err(VapiError::invalid(format!(
                "Power operation '{other}' is not supported by this server."
            )));
        }
        None => {
            return Err(VapiError::invalid(
                "The 'action' query parameter is required.",
            ));
        }
    };
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn delete_vm(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    auth(&api, &headers)?;
    vm_of(&provider(&api)?, &id)?;
    api.lab.delete_vm(&api.provider, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default)]
pub(super) struct Placement {
    folder: Option<String>,
    host: Option<String>,
    datastore: Option<String>,
    #[allow(dead_code)]
    resource_pool: Option<String>,
    #[allow(dead_code)]
    cluster: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct CloneBody {
    source: Option<String>,
    name: Option<String>,
    #[serde(default)]
    placement: Option<Placement>,
    #[serde(default)]
    power_on: bool,
    #[serde(default)]
    disks_to_update: Option<Map<String, Value>>,
}

pub(crate) async fn vm_action(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Query(q): Query<ActionQuery>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    auth(&api, &headers)?;
    if q.action.as_deref() != Some("clone") {
        return Err(VapiError::invalid(format!(
            "Operation '{}' is not supported by this server; only POST /api/vcenter/vm?action=clone is.",
            q.action.unwrap_or_default()
        )));
    }
    let spec: CloneBody = serde_json::from_slice(&body)
        .map_err(|e| VapiError::invalid(format!("Invalid clone spec: {e}")))?;
    let source = spec
        .source
        .ok_or_else(|| VapiError::invalid("Field 'source' is required."))?;
    let name = spec
        .name
        .filter(|n| !n.is_empty())
        .ok_or_else(|| VapiError::invalid("Field 'name' is required."))?;
    vm_of(&provider(&api)?, &source)?;
    let placement = spec.placement.unwrap_or_default();
    let per_disk_ds = spec.disks_to_update.and_then(|m| {
        m.values().find_map(|v| {
            v.get("datastore")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
    });
    let clone = api.lab.clone_vm(
        &api.provider,
        &source,
        CloneSpec {
            name,
            datastore: placement.datastore.or(per_disk_ds),
            folder: placement.folder,
            host: placement.host,
            provisioning: None,
            power_on: spec.power_on,
            cbt: None,
        },
    )?;
    Ok(Json(json!(clone.id)))
}
