//! vSphere Automation REST handlers (`/api/...`, vSphere 7.0U2+ style: bodies are the spec
//! itself, ids are moRefs, enums UPPER_CASE).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::VsphereApi;
use super::errors::VapiError;
use crate::lab::{
    AddDiskSpec, CloneSpec, DiskBus, DiskMode, Firmware, OsFamily, PowerState, Provider,
    Provisioning, ToolsInstall, Vm,
};
use crate::sources::sessions::basic_auth;

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

fn power_state(vm: &Vm) -> &'static str {
    if vm.power == PowerState::On {
        "POWERED_ON"
    } else {
        "POWERED_OFF"
    }
}

/// Automation API `GuestOS` enum value.
fn guest_os_enum(vm: &Vm) -> &'static str {
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

fn disk_info(vm: &Vm, d: &crate::lab::Disk) -> Value {
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

fn vm_info(p: &Provider, vm: &Vm) -> Value {
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
struct Placement {
    folder: Option<String>,
    host: Option<String>,
    datastore: Option<String>,
    #[allow(dead_code)]
    resource_pool: Option<String>,
    #[allow(dead_code)]
    cluster: Option<String>,
}

#[derive(Deserialize)]
struct CloneBody {
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

fn tools_running_or_503(vm: &Vm) -> ApiResult<()> {
    if vm.tools_running() {
        Ok(())
    } else {
        Err(VapiError::new(
            "SERVICE_UNAVAILABLE",
            "com.vmware.api.vcenter.vm.guest.tools_not_running",
            "VMware Tools is not running in the virtual machine.",
        ))
    }
}

pub(crate) async fn guest_identity(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    auth(&api, &headers)?;
    let vm = vm_of(&provider(&api)?, &id)?;
    tools_running_or_503(&vm)?;
    let ip = vm.guest_ips().first().map(|(_, ip)| ip.address.clone());
    let mut v = json!({
        "name": guest_os_enum(&vm),
        "family": if vm.guest_os.family == OsFamily::Windows { "WINDOWS" } else { "LINUX" },
        "full_name": {"args": [], "default_message": vm.guest_os.full_name, "id": format!("vmsg.guestos.{}.label", vm.guest_os.vsphere_id)},
        "host_name": vm.guest_os.hostname,
    });
    if let (Some(ip), Some(m)) = (ip, v.as_object_mut()) {
        m.insert("ip_address".into(), json!(ip));
    }
    Ok(Json(v))
}

pub(crate) async fn guest_interfaces(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let vm = vm_of(&provider(&api)?, &id)?;
    tools_running_or_503(&vm)?;
    Ok(Json(
        vm.nics
            .iter()
            .map(|n| {
                let ips: Vec<Value> = n
                    .ips
                    .iter()
                    .map(|ip| json!({"ip_address": ip.address, "prefix_length": ip.prefix, "origin": if n.static_ip { "MANUAL" } else { "DHCP" }, "state": "PREFERRED"}))
                    .collect();
                json!({"mac_address": n.mac, "nic": n.key.to_string(), "ip": {"ip_addresses": ips}})
            })
            .collect(),
    ))
}

pub(crate) async fn tools(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    auth(&api, &headers)?;
    let vm = vm_of(&provider(&api)?, &id)?;
    let version_status = match vm.tools {
        ToolsInstall::Installed => "CURRENT",
        ToolsInstall::Outdated => "SUPPORTED_OLD",
        ToolsInstall::NotInstalled => "NOT_INSTALLED",
    };
    let mut v = json!({"run_state": if vm.tools_running() { "RUNNING" } else { "NOT_RUNNING" },
                       "version_status": version_status, "upgrade_policy": "MANUAL", "auto_update_supported": false,
                       "install_attempt_count": 0});
    if vm.tools != ToolsInstall::NotInstalled
        && let Some(m) = v.as_object_mut()
    {
        m.insert("version".into(), json!("12352"));
        m.insert("version_number".into(), json!(12352));
        m.insert("install_type".into(), json!("OPEN_VM_TOOLS"));
    }
    Ok(Json(v))
}

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

pub(crate) async fn list_datastores(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Query(q): Pairs,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let p = provider(&api)?;
    let names = filter(&q, "names");
    let ids = filter(&q, "datastores");
    Ok(Json(
        p.datastores
            .iter()
            .filter(|d| keep(&names, &d.name) && keep(&ids, &d.id))
            .map(|d| json!({"datastore": d.id, "name": d.name, "type": d.kind, "free_space": d.free, "capacity": d.capacity}))
            .collect(),
    ))
}

pub(crate) async fn list_networks(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Query(q): Pairs,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let p = provider(&api)?;
    let names = filter(&q, "names");
    Ok(Json(
        p.networks
            .iter()
            .filter(|n| keep(&names, &n.name))
            .map(|n| json!({"network": n.id, "name": n.name, "type": if n.variant == "DvPortGroup" { "DISTRIBUTED_PORTGROUP" } else { "STANDARD_PORTGROUP" }}))
            .collect(),
    ))
}

pub(crate) async fn list_folders(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Query(q): Pairs,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let p = provider(&api)?;
    let names = filter(&q, "names");
    Ok(Json(
        p.folders
            .iter()
            .filter(|f| keep(&names, &f.name))
            .map(|f| json!({"folder": f.id, "name": f.name, "type": "VIRTUAL_MACHINE"}))
            .collect(),
    ))
}

pub(crate) async fn list_hosts(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
    Query(q): Pairs,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let p = provider(&api)?;
    let names = filter(&q, "names");
    Ok(Json(
        p.hosts
            .iter()
            .filter(|h| keep(&names, &h.name))
            .map(|h| json!({"host": h.id, "name": h.name, "connection_state": "CONNECTED", "power_state": "POWERED_ON"}))
            .collect(),
    ))
}

pub(crate) async fn list_datacenters(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let p = provider(&api)?;
    Ok(Json(vec![
        json!({"datacenter": p.datacenter.id, "name": p.datacenter.name}),
    ]))
}

pub(crate) async fn list_clusters(
    State(api): State<VsphereApi>,
    headers: HeaderMap,
) -> ApiResult<Json<Vec<Value>>> {
    auth(&api, &headers)?;
    let p = provider(&api)?;
    Ok(Json(vec![
        json!({"cluster": p.cluster.id, "name": p.cluster.name, "ha_enabled": false, "drs_enabled": true}),
    ]))
}
