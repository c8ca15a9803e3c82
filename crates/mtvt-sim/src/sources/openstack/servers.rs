//! Nova v2.1 servers: list (filtered by name), detail, get, delete, interfaces.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::inventory::{openstack_addresses, openstack_flavor_of, openstack_host_hash};
use crate::lab::{PowerState, Provider, Vm};

use super::*;

pub(super) fn server_json(p: &Provider, vm: &Vm, base: &str) -> Value {
    let (flavor, fname, vcpus, ram, disk) = openstack_flavor_of(p, vm);
    let on = vm.power == PowerState::On;
    let ts = vm
        .created_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    json!({
        "id": vm.id, "name": vm.name, "status": if on { "ACTIVE" } else { "SHUTOFF" },
        "tenant_id": p.project.id, "user_id": crate::lab::uuid_for(&[&p.name, "user", &p.credentials.username]),
        "metadata": {}, "hostId": openstack_host_hash(p, vm), "image": "",
        "flavor": {"id": flavor, "original_name": fname, "vcpus": vcpus, "ram": ram, "disk": disk, "ephemeral": 0, "swap": 0},
        "created": ts, "updated": ts, "addresses": openstack_addresses(p, vm), "accessIPv4": "", "accessIPv6": "",
        "links": [{"rel": "self", "href": format!("{base}/compute/v2.1/servers/{}", vm.id)}],
        "OS-DCF:diskConfig": "MANUAL", "progress": 0, "OS-EXT-AZ:availability_zone": "nova", "config_drive": "",
        "key_name": null, "OS-SRV-USG:launched_at": ts, "OS-SRV-USG:terminated_at": null,
        "OS-EXT-STS:task_state": null, "OS-EXT-STS:vm_state": if on { "active" } else { "stopped" },
        "OS-EXT-STS:power_state": if on { 1 } else { 4 },
        "os-extended-volumes:volumes_attached": vm.disks.iter().map(|d| json!({"id": d.id, "delete_on_termination": false})).collect::<Vec<_>>(),
        "security_groups": [{"name": "default"}],
    })
}

pub(super) fn servers<'a>(p: &'a Provider, q: &HashMap<String, String>) -> Vec<&'a Vm> {
    // Nova's `name` filter is a regular expression; a plain substring match covers the
    // names the harness uses (`^name$` anchors are honoured).
    let name = q.get("name").map(String::as_str);
    p.vms
        .iter()
        .filter(|v| match name {
            None => true,
            Some(n) => match (n.strip_prefix('^'), n.ends_with('$')) {
                (Some(rest), true) => v.name == rest.trim_end_matches('$'),
                (Some(rest), false) => v.name.starts_with(rest),
                (None, true) => v.name.ends_with(n.trim_end_matches('$')),
                (None, false) => v.name.contains(n),
            },
        })
        .collect()
}

pub(super) async fn list_servers(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let base = base_url(&headers);
    Json(json!({"servers": servers(&p, &q).iter().map(|v| json!({"id": v.id, "name": v.name,
        "links": [{"rel": "self", "href": format!("{base}/compute/v2.1/servers/{}", v.id)}]})).collect::<Vec<_>>()})).into_response()
}

pub(super) async fn list_servers_detail(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let base = base_url(&headers);
    Json(json!({"servers": servers(&p, &q).iter().map(|v| server_json(&p, v, &base)).collect::<Vec<_>>()})).into_response()
}

pub(super) async fn get_server(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match p.vm(&id) {
        Some(vm) => {
            Json(json!({"server": server_json(&p, vm, &base_url(&headers))})).into_response()
        }
        None => nova_error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            format!("Instance {id} could not be found."),
        ),
    }
}

pub(super) async fn delete_server(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if p.vm(&id).is_none() {
        return nova_error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            format!("Instance {id} could not be found."),
        );
    }
    // Nova deletes running servers too: stop first, then delete.
    if p.vm(&id).is_some_and(|v| v.power == PowerState::On) {
        let _ = o.lab.power_off(&o.provider, &id);
    }
    match o.lab.delete_vm(&o.provider, &id) {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => nova_op_error(&e, "delete", &id),
    }
}

/// `GET /servers/{id}/os-interface`: the server's ports (network id, MAC, fixed IPs).
pub(super) async fn list_interfaces(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(vm) = p.vm(&id) else {
        return nova_error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            format!("Instance {id} could not be found."),
        );
    };
    let ports: Vec<Value> = vm
        .nics
        .iter()
        .map(|n| {
            let net = p.network(&n.network).map(|x| x.id.clone()).unwrap_or_default();
            json!({"port_id": n.id, "net_id": net, "mac_addr": n.mac, "port_state": "ACTIVE",
                   "fixed_ips": n.ips.iter().map(|ip| json!({"ip_address": ip.address})).collect::<Vec<_>>()})
        })
        .collect();
    Json(json!({ "interfaceAttachments": ports })).into_response()
}
