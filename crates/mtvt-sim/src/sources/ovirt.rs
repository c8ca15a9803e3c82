//! oVirt source API (`/ovirt-engine/api`, JSON rendering): basic auth or an SSO token from
//! `/ovirt-engine/sso/oauth/token`; VMs (search, get, create from template, start, stop,
//! shutdown, delete), snapshots, disk attachments, NICs, reported devices (guest IPs),
//! templates, data centers. Numbers and booleans are strings, as oVirt renders them.

use std::collections::HashMap;

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::Sessions;
use super::sessions::{basic_auth, bearer};
use crate::inventory::ovirt_bios_type;
use crate::lab::{
    AddDiskSpec, CloneSpec, DiskBus, DiskMode, LabHandle, LabOpError, PowerState, Provider,
    Provisioning, SnapshotSpec, ToolsInstall, Vm, glob_match,
};

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

fn href(kind: &str, id: &str) -> String {
    format!("{API}/{kind}/{id}")
}

fn vm_json(p: &Provider, vm: &Vm) -> Value {
    let up = vm.power == PowerState::On;
    let status = if vm.template {
        "ok"
    } else if up {
        "up"
    } else {
        "down"
    };
    let mut v = json!({
        "id": vm.id, "href": href(if vm.template { "templates" } else { "vms" }, &vm.id), "name": vm.name,
        "description": vm.description, "status": status, "memory": (vm.memory_mb << 20).to_string(),
        "cpu": {"architecture": "x86_64", "topology": {"sockets": vm.cpu_sockets.to_string(), "cores": vm.cores_per_socket.to_string(), "threads": "1"}},
        "bios": {"type": ovirt_bios_type(vm)}, "os": {"type": vm.guest_os.ovirt_id},
        "serial_number": {"policy": "custom", "value": vm.serial},
        "cluster": {"id": p.cluster.id, "href": href("clusters", &p.cluster.id)},
        "creation_time": vm.created_at.timestamp_millis(), "stateless": "false", "type": "server",
    });
    if let Some(m) = v.as_object_mut() {
        if let Some(src) = &vm.cloned_from {
            m.insert(
                "template".into(),
                json!({"id": src, "href": href("templates", src)}),
            );
        }
        if up && !vm.template {
            m.insert(
                "host".into(),
                json!({"id": vm.host, "href": href("hosts", &vm.host)}),
            );
        }
        if vm.tools_running() {
            m.insert("guest_operating_system".into(), json!({"family": format!("{:?}", vm.guest_os.family), "distribution": vm.guest_os.full_name}));
            m.insert("fqdn".into(), json!(vm.guest_os.hostname));
        }
    }
    v
}

fn search_name(q: &HashMap<String, String>) -> Option<String> {
    let s = q.get("search")?;
    let v = s.trim().strip_prefix("name=")?;
    Some(v.trim_matches('"').to_string())
}

fn find<'a>(p: &'a Provider, id: &str, template: bool) -> Result<&'a Vm, Response> {
    p.vms
        .iter()
        .find(|v| v.id == id && v.template == template)
        .ok_or_else(|| StatusCode::NOT_FOUND.into_response())
}

async fn list(
    o: &Ovirt,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    template: bool,
) -> Response {
    let p = match auth(o, headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let name = search_name(q);
    let items: Vec<Value> = p
        .vms
        .iter()
        .filter(|v| {
            v.template == template && name.as_deref().is_none_or(|n| glob_match(n, &v.name))
        })
        .map(|v| vm_json(&p, v))
        .collect();
    Json(json!({ if template { "template" } else { "vm" }: items })).into_response()
}

async fn list_vms(
    State(o): State<Ovirt>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    list(&o, &headers, &q, false).await
}

async fn list_templates(
    State(o): State<Ovirt>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    list(&o, &headers, &q, true).await
}

async fn get_vm(State(o): State<Ovirt>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match find(&p, &id, false) {
        Ok(vm) => Json(vm_json(&p, vm)).into_response(),
        Err(r) => r,
    }
}

async fn get_template(
    State(o): State<Ovirt>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match find(&p, &id, true) {
        Ok(vm) => Json(vm_json(&p, vm)).into_response(),
        Err(r) => r,
    }
}

async fn datacenters(State(o): State<Ovirt>, headers: HeaderMap) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    Json(json!({"data_center": [{"id": p.datacenter.id, "href": href("datacenters", &p.datacenter.id), "name": p.datacenter.name, "status": "up", "local": "false"}]})).into_response()
}

/// `POST /vms` `{name, cluster:{name|id}, template:{name|id}}`: a new VM from a template.
async fn create_vm(
    State(o): State<Ovirt>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let t = body.get("template").cloned().unwrap_or_default();
    let tid = t.get("id").and_then(Value::as_str);
    let tname = t.get("name").and_then(Value::as_str);
    let Some(template) = p
        .vms
        .iter()
        .find(|v| v.template && (Some(v.id.as_str()) == tid || Some(v.name.as_str()) == tname))
    else {
        return fault(
            StatusCode::BAD_REQUEST,
            "Operation Failed",
            "[Cannot add VM. The relevant Template doesn't exist.]",
        );
    };
    if name.is_empty() {
        return fault(
            StatusCode::BAD_REQUEST,
            "Incomplete parameters",
            "Vm [name] required for add",
        );
    }
    match o.lab.clone_vm(
        &o.provider,
        &template.id,
        CloneSpec {
            name,
            ..Default::default()
        },
    ) {
        Ok(vm) => {
            let p = o.lab.provider(&o.provider).unwrap_or(p);
            (
                StatusCode::CREATED,
                [(header::LOCATION, href("vms", &vm.id))],
                Json(vm_json(&p, &vm)),
            )
                .into_response()
        }
        Err(e) => op_failed(&e),
    }
}

async fn delete_vm(State(o): State<Ovirt>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Err(r) = find(&p, &id, false) {
        return r;
    }
    match o.lab.delete_vm(&o.provider, &id) {
        Ok(_) => Json(json!({"status": "complete"})).into_response(),
        Err(e) => op_failed(&e),
    }
}

async fn vm_action(
    State(o): State<Ovirt>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Err(r) = find(&p, &id, false) {
        return r;
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or_else(|_| json!({}));
    let done = |o: &Ovirt| {
        let p = o.lab.provider(&o.provider).ok();
        let vm = p.as_ref().and_then(|p| p.vm(&id).map(|v| vm_json(p, v)));
        Json(json!({"status": "complete", "vm": vm})).into_response()
    };
    match action.as_str() {
        "start" => o
            .lab
            .power_on(&o.provider, &id)
            .map(|_| done(&o))
            .unwrap_or_else(|e| op_failed(&e)),
        "stop" | "shutdown" => o
            .lab
            .power_off(&o.provider, &id)
            .map(|_| done(&o))
            .unwrap_or_else(|e| op_failed(&e)),
        "snapshots" => {
            let spec = SnapshotSpec {
                name: body
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or("snapshot")
                    .to_string(),
                description: body
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                memory: body
                    .get("persist_memorystate")
                    .map(|v| v == "true" || v == true)
                    .unwrap_or(false),
                quiesce: false,
            };
            match o.lab.create_snapshot(&o.provider, &id, spec) {
                Ok(s) => (StatusCode::CREATED, Json(json!({"id": s.id, "href": format!("{}/snapshots/{}", href("vms", &id), s.id),
                    "description": s.description, "snapshot_type": "regular", "snapshot_status": "ok",
                    "date": s.created_at.timestamp_millis(), "persist_memorystate": s.memory.to_string()}))).into_response(),
                Err(e) => op_failed(&e),
            }
        }
        "diskattachments" => add_disk(&o, &p, &id, &body),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn add_disk(o: &Ovirt, p: &Provider, id: &str, body: &Value) -> Response {
    let disk = body.get("disk").cloned().unwrap_or_default();
    let size = disk
        .get("provisioned_size")
        .and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
        .unwrap_or(0);
    let sd = disk
        .pointer("/storage_domains/storage_domain/0")
        .cloned()
        .unwrap_or_default();
    let datastore = sd
        .get("id")
        .or_else(|| sd.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string);
    let sparse = disk
        .get("sparse")
        .map(|v| v == true || v == "true")
        .unwrap_or(true);
    let bus = match body.get("interface").and_then(Value::as_str) {
        Some("virtio") => DiskBus::Virtio,
        _ => DiskBus::Scsi,
    };
    let spec = AddDiskSpec {
        capacity: size,
        datastore,
        folder: None,
        provisioning: if sparse {
            Provisioning::Thin
        } else {
            Provisioning::ThickLazy
        },
        mode: DiskMode::Persistent,
        bus: Some(bus),
        name: disk.get("name").and_then(Value::as_str).map(str::to_string),
        file_name: None,
        rdm: None,
    };
    match o.lab.add_disk(&o.provider, id, spec) {
        Ok(d) => (StatusCode::CREATED, Json(json!({"id": d.id, "href": format!("{}/diskattachments/{}", href("vms", id), d.id),
            "active": "true", "bootable": d.bootable.to_string(), "interface": if d.bus == DiskBus::Virtio { "virtio" } else { "virtio_scsi" },
            "disk": {"id": d.id, "href": href("disks", &d.id)}, "vm": {"id": id, "href": href("vms", id)}}))).into_response(),
        Err(e) => { let _ = p; op_failed(&e) }
    }
}

async fn vm_sub(
    State(o): State<Ovirt>,
    headers: HeaderMap,
    Path((id, sub)): Path<(String, String)>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let vm = match find(&p, &id, false) {
        Ok(v) => v.clone(),
        Err(r) => return r,
    };
    let base = href("vms", &id);
    match sub.as_str() {
        "snapshots" => {
            let mut list = vec![json!({"id": crate::lab::uuid_for(&[&p.name, "active", &vm.id]), "description": "Active VM", "snapshot_type": "active", "snapshot_status": "ok"})];
            list.extend(vm.snapshots.iter().map(|s| json!({"id": s.id, "href": format!("{base}/snapshots/{}", s.id), "description": s.description,
                "snapshot_type": "regular", "snapshot_status": "ok", "date": s.created_at.timestamp_millis(), "persist_memorystate": s.memory.to_string()})));
            Json(json!({"snapshot": list})).into_response()
        }
        "diskattachments" => Json(json!({"disk_attachment": vm.disks.iter().map(|d| json!({"id": d.id, "href": format!("{base}/diskattachments/{}", d.id),
            "active": "true", "bootable": d.bootable.to_string(), "interface": if d.bus == DiskBus::Virtio { "virtio" } else { "virtio_scsi" },
            "disk": {"id": d.id, "href": href("disks", &d.id)}})).collect::<Vec<_>>()})).into_response(),
        "nics" => Json(json!({"nic": vm.nics.iter().map(|n| json!({"id": n.id, "href": format!("{base}/nics/{}", n.id), "name": n.name,
            "interface": n.model, "linked": "true", "plugged": "true", "mac": {"address": n.mac},
            "vnic_profile": {"id": p.network(&n.network).map(|x| x.profile_id.clone()).unwrap_or_default()}})).collect::<Vec<_>>()})).into_response(),
        "reporteddevices" => {
            let agent = vm.power == PowerState::On && vm.tools != ToolsInstall::NotInstalled;
            let devices: Vec<Value> = if agent {
                vm.nics.iter().enumerate().map(|(i, n)| json!({"name": format!("eth{i}"), "type": "network", "mac": {"address": n.mac},
                    "ips": {"ip": n.ips.iter().map(|ip| json!({"address": ip.address, "version": format!("v{}", ip.version())})).collect::<Vec<_>>()}})).collect()
            } else { Vec::new() };
            Json(json!({"reported_device": devices})).into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn remove_snapshot(
    State(o): State<Ovirt>,
    headers: HeaderMap,
    Path((id, sid)): Path<(String, String)>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if let Err(r) = find(&p, &id, false) {
        return r;
    }
    match o.lab.remove_snapshot(&o.provider, &id, &sid) {
        Ok(()) => Json(json!({"status": "complete"})).into_response(),
        Err(e) => op_failed(&e),
    }
}
