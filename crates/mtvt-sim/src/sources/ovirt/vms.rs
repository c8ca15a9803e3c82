//! VMs and templates: JSON shape, search by name, list, get, data centers.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::inventory::ovirt_bios_type;
use crate::lab::{PowerState, Provider, Vm, glob_match};

use super::*;

pub(super) fn href(kind: &str, id: &str) -> String {
    format!("{API}/{kind}/{id}")
}

pub(super) fn vm_json(p: &Provider, vm: &Vm) -> Value {
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

pub(super) fn search_name(q: &HashMap<String, String>) -> Option<String> {
    let s = q.get("search")?;
    let v = s.trim().strip_prefix("name=")?;
    Some(v.trim_matches('"').to_string())
}

pub(super) fn find<'a>(p: &'a Provider, id: &str, template: bool) -> Result<&'a Vm, Response> {
    p.vms
        .iter()
        .find(|v| v.id == id && v.template == template)
        .ok_or_else(|| StatusCode::NOT_FOUND.into_response())
}

pub(super) async fn list(
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

pub(super) async fn list_vms(
    State(o): State<Ovirt>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    list(&o, &headers, &q, false).await
}

pub(super) async fn list_templates(
    State(o): State<Ovirt>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    list(&o, &headers, &q, true).await
}

pub(super) async fn get_vm(
    State(o): State<Ovirt>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match find(&p, &id, false) {
        Ok(vm) => Json(vm_json(&p, vm)).into_response(),
        Err(r) => r,
    }
}

pub(super) async fn get_template(
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

pub(super) async fn datacenters(State(o): State<Ovirt>, headers: HeaderMap) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    Json(json!({"data_center": [{"id": p.datacenter.id, "href": href("datacenters", &p.datacenter.id), "name": p.datacenter.name, "status": "up", "local": "false"}]})).into_response()
}
