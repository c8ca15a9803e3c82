//! OpenStack source API: Keystone v3 password auth (`POST /v3/auth/tokens` → `X-Subject-Token`
//! and a service catalog pointing back at this listener), Nova v2.1 servers (list, detail,
//! get, `os-start`, `os-stop`, `createImage`, `os-interface`, boot from a snapshot image,
//! delete), Glance v2 images (get, list, delete) and Cinder v3 volumes (list, get).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::Sessions;
use crate::inventory::{openstack_addresses, openstack_flavor_of, openstack_host_hash};
use crate::lab::{CloneSpec, LabHandle, LabOpError, PowerState, Provider, SnapshotSpec, Vm};

#[derive(Clone)]
struct Openstack {
    lab: LabHandle,
    provider: String,
    tokens: Sessions,
}

/// The OpenStack router for lab provider `provider`.
pub fn router(lab: LabHandle, provider: &str) -> Router {
    let state = Openstack {
        lab,
        provider: provider.to_string(),
        tokens: Sessions::default(),
    };
    Router::new()
        .route("/v3/auth/tokens", post(issue_token))
        .route("/compute/v2.1/servers", get(list_servers).post(boot))
        .route("/compute/v2.1/servers/detail", get(list_servers_detail))
        .route(
            "/compute/v2.1/servers/{id}",
            get(get_server).delete(delete_server),
        )
        .route("/compute/v2.1/servers/{id}/action", post(server_action))
        .route(
            "/compute/v2.1/servers/{id}/os-interface",
            get(list_interfaces),
        )
        .route("/image/v2/images", get(list_images))
        .route("/image/v2/images/{id}", get(get_image).delete(delete_image))
        .route("/volume/v3/{project}/volumes/detail", get(list_volumes))
        .route("/volume/v3/{project}/volumes/{id}", get(get_volume))
        .with_state(state)
}

fn keystone_401() -> Response {
    (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Keystone uri=\"/v3\"")],
     Json(json!({"error": {"code": 401, "title": "Unauthorized", "message": "The request you have made requires authentication."}}))).into_response()
}

fn nova_error(status: StatusCode, kind: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({ kind: {"code": status.as_u16(), "message": message.into()} })),
    )
        .into_response()
}

fn nova_op_error(e: &LabOpError, action: &str, id: &str) -> Response {
    match e {
        LabOpError::VmNotFound { .. } => nova_error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            format!("Instance {id} could not be found."),
        ),
        LabOpError::AlreadyOn { .. } => nova_error(
            StatusCode::CONFLICT,
            "conflictingRequest",
            format!("Cannot '{action}' instance {id} while it is in vm_state active"),
        ),
        LabOpError::AlreadyOff { .. } => nova_error(
            StatusCode::CONFLICT,
            "conflictingRequest",
            format!("Cannot '{action}' instance {id} while it is in vm_state stopped"),
        ),
        LabOpError::PoweredOn { .. } => nova_error(
            StatusCode::CONFLICT,
            "conflictingRequest",
            format!("Cannot '{action}' instance {id} while it is in vm_state active"),
        ),
        other => nova_error(StatusCode::BAD_REQUEST, "badRequest", other.to_string()),
    }
}

fn provider(o: &Openstack) -> Result<Provider, Response> {
    o.lab.provider(&o.provider).map_err(|e| {
        nova_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "computeFault",
            e.to_string(),
        )
    })
}

fn auth(o: &Openstack, headers: &HeaderMap) -> Result<Provider, Response> {
    let token = headers
        .get("x-auth-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if o.tokens.user(token).is_none() {
        return Err(keystone_401());
    }
    provider(o)
}

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    format!("http://{host}")
}

/// Keystone v3 password authentication, project-scoped.
async fn issue_token(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let Ok(p) = provider(&o) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let c = &p.credentials;
    let user = body
        .pointer("/auth/identity/password/user")
        .cloned()
        .unwrap_or_default();
    let methods_ok = body
        .pointer("/auth/identity/methods")
        .and_then(Value::as_array)
        .is_some_and(|m| m.iter().any(|x| x == "password"));
    let name_ok = user.get("name").and_then(Value::as_str) == Some(c.username.as_str());
    let domain = user.get("domain").cloned().unwrap_or_default();
    let domain_ok = domain
        .get("name")
        .and_then(Value::as_str)
        .is_some_and(|d| d == c.user_domain_name)
        || domain
            .get("id")
            .and_then(Value::as_str)
            .is_some_and(|d| d == c.user_domain_id);
    let pw_ok = user
        .get("password")
        .and_then(Value::as_str)
        .is_some_and(|pw| c.password.matches(pw));
    if !(methods_ok && name_ok && domain_ok && pw_ok) {
        return keystone_401();
    }
    let scope = body
        .pointer("/auth/scope/project")
        .cloned()
        .unwrap_or_default();
    let project_ok = scope.get("name").and_then(Value::as_str) == Some(p.project.name.as_str())
        || scope.get("id").and_then(Value::as_str) == Some(p.project.id.as_str());
    if !scope.is_null() && !project_ok {
        return keystone_401();
    }
    let token = o.tokens.create(&c.username);
    let base = base_url(&headers);
    let now = o.lab.clock().now();
    let ep = |ty: &str, name: &str, url: String| {
        let endpoints: Vec<Value> = ["public", "internal"]
            .iter()
            .map(|i| json!({"id": crate::lab::uuid_for(&[ty, i]), "interface": i, "region": c.region_name, "region_id": c.region_name, "url": url}))
            .collect();
        json!({"type": ty, "name": name, "id": crate::lab::uuid_for(&[ty]), "endpoints": endpoints})
    };
    let body = json!({"token": {
        "methods": ["password"], "audit_ids": [crate::lab::uuid_for(&[&token])],
        "user": {"id": crate::lab::uuid_for(&[&p.name, "user", &c.username]), "name": c.username,
                 "domain": {"id": c.user_domain_id, "name": c.user_domain_name}, "password_expires_at": null},
        "project": {"id": p.project.id, "name": p.project.name, "domain": {"id": c.project_domain_id, "name": c.user_domain_name}},
        "roles": [{"id": crate::lab::uuid_for(&["role", "admin"]), "name": "admin"}, {"id": crate::lab::uuid_for(&["role", "member"]), "name": "member"}],
        "is_domain": false,
        "issued_at": now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "expires_at": (now + chrono::Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        "catalog": [ep("identity", "keystone", format!("{base}/v3")), ep("compute", "nova", format!("{base}/compute/v2.1")),
                    ep("image", "glance", format!("{base}/image")), ep("volumev3", "cinderv3", format!("{base}/volume/v3/{}", p.project.id))],
    }});
    let mut resp = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&token) {
        resp.headers_mut().insert("x-subject-token", v);
    }
    resp
}

fn server_json(p: &Provider, vm: &Vm, base: &str) -> Value {
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

fn servers<'a>(p: &'a Provider, q: &HashMap<String, String>) -> Vec<&'a Vm> {
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

async fn list_servers(
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

async fn list_servers_detail(
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

async fn get_server(
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

async fn delete_server(
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
async fn list_interfaces(
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

async fn server_action(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(body): Json<Value>,
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
    let Some((action, args)) = body.as_object().and_then(|m| m.iter().next()) else {
        return nova_error(
            StatusCode::BAD_REQUEST,
            "badRequest",
            "Malformed request body",
        );
    };
    match action.as_str() {
        "os-start" => match o.lab.power_on(&o.provider, &id) {
            Ok(_) => StatusCode::ACCEPTED.into_response(),
            Err(e) => nova_op_error(&e, "start", &id),
        },
        "os-stop" => match o.lab.power_off(&o.provider, &id) {
            Ok(_) => StatusCode::ACCEPTED.into_response(),
            Err(e) => nova_op_error(&e, "stop", &id),
        },
        "createImage" => {
            let name = args
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if name.is_empty() {
                return nova_error(
                    StatusCode::BAD_REQUEST,
                    "badRequest",
                    "Invalid input for field/attribute createImage. Value: name is a required property",
                );
            }
            match o.lab.create_snapshot(
                &o.provider,
                &id,
                SnapshotSpec {
                    name,
                    ..Default::default()
                },
            ) {
                Ok(s) => {
                    let loc = format!("{}/image/v2/images/{}", base_url(&headers), s.id);
                    (
                        StatusCode::ACCEPTED,
                        [(header::LOCATION, loc)],
                        Json(json!({"image_id": s.id})),
                    )
                        .into_response()
                }
                Err(e) => nova_op_error(&e, "createImage", &id),
            }
        }
        other => nova_error(
            StatusCode::BAD_REQUEST,
            "badRequest",
            format!("Action {other} is not served by this emulator"),
        ),
    }
}

/// The VM owning snapshot image `image`.
fn image_owner<'a>(p: &'a Provider, image: &str) -> Option<&'a Vm> {
    p.vms
        .iter()
        .find(|v| v.snapshots.iter().any(|s| s.id == image))
}

/// Boot a server from a snapshot image (`imageRef` or a `block_device_mapping_v2` entry with
/// `source_type: image`): the new server gets new volumes cloned from the snapshotted one's.
async fn boot(State(o): State<Openstack>, headers: HeaderMap, Json(body): Json<Value>) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let server = body.get("server").cloned().unwrap_or_default();
    let name = server
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let image = server
        .get("imageRef")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| {
            server
                .get("block_device_mapping_v2")
                .and_then(Value::as_array)
                .and_then(|b| {
                    b.iter()
                        .find(|m| m.get("source_type").and_then(Value::as_str) == Some("image"))
                        .and_then(|m| m.get("uuid"))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
        });
    if name.is_empty() {
        return nova_error(
            StatusCode::BAD_REQUEST,
            "badRequest",
            "Invalid input for field/attribute name.",
        );
    }
    let Some(src) = image.as_deref().and_then(|i| image_owner(&p, i)) else {
        return nova_error(
            StatusCode::BAD_REQUEST,
            "badRequest",
            format!("Image {} could not be found.", image.unwrap_or_default()),
        );
    };
    match o.lab.clone_vm(
        &o.provider,
        &src.id,
        CloneSpec {
            name,
            power_on: true,
            ..Default::default()
        },
    ) {
        Ok(vm) => {
            let base = base_url(&headers);
            (StatusCode::ACCEPTED, [(header::LOCATION, format!("{base}/compute/v2.1/servers/{}", vm.id))],
             Json(json!({"server": {"id": vm.id, "links": [{"rel": "self", "href": format!("{base}/compute/v2.1/servers/{}", vm.id)}],
                          "OS-DCF:diskConfig": "MANUAL", "security_groups": [{"name": "default"}], "adminPass": ""}}))).into_response()
        }
        Err(LabOpError::NameTaken { .. }) => nova_error(
            StatusCode::CONFLICT,
            "conflictingRequest",
            "Server name is already in use",
        ),
        Err(e) => nova_op_error(&e, "create", ""),
    }
}

fn image_json(p: &Provider, vm: &Vm, s: &crate::lab::Snapshot) -> Value {
    let ts = s
        .created_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    json!({"id": s.id, "name": s.name, "status": "active", "visibility": "private", "owner": p.project.id,
           "container_format": "bare", "disk_format": "qcow2", "min_disk": vm.disks.first().map_or(0, |d| d.capacity >> 30),
           "min_ram": 0, "size": 0, "created_at": ts, "updated_at": ts, "protected": false, "tags": [],
           "image_type": "snapshot", "instance_uuid": vm.id, "self": format!("/v2/images/{}", s.id),
           "file": format!("/v2/images/{}/file", s.id), "schema": "/v2/schemas/image"})
}

fn glance_404(id: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        format!("404 Not Found\n\nNo image found with ID {id}\n\n"),
    )
        .into_response()
}

async fn list_images(State(o): State<Openstack>, headers: HeaderMap) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let images: Vec<Value> = p
        .vms
        .iter()
        .flat_map(|v| v.snapshots.iter().map(move |s| (v, s)))
        .map(|(v, s)| image_json(&p, v, s))
        .collect();
    Json(json!({"images": images, "schema": "/v2/schemas/images", "first": "/v2/images"}))
        .into_response()
}

async fn get_image(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match image_owner(&p, &id).and_then(|v| v.snapshots.iter().find(|s| s.id == id).map(|s| (v, s)))
    {
        Some((v, s)) => Json(image_json(&p, v, s)).into_response(),
        None => glance_404(&id),
    }
}

async fn delete_image(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match image_owner(&p, &id) {
        Some(v) => match o.lab.remove_snapshot(&o.provider, &v.id, &id) {
            Ok(()) => StatusCode::NO_CONTENT.into_response(),
            Err(_) => glance_404(&id),
        },
        None => glance_404(&id),
    }
}

fn volume_json(p: &Provider, vm: &Vm, d: &crate::lab::Disk, i: usize) -> Value {
    let device = format!(
        "/dev/vd{}",
        char::from(b'a' + u8::try_from(i % 26).unwrap_or(0))
    );
    json!({"id": d.id, "name": d.name, "status": "in-use", "size": d.capacity >> 30, "availability_zone": "nova",
           "volume_type": p.datastore(&d.datastore).map(|x| x.name.clone()).unwrap_or_default(),
           "bootable": d.bootable.to_string(), "multiattach": false, "encrypted": false,
           "attachments": [{"server_id": vm.id, "attachment_id": crate::lab::uuid_for(&[&d.id, "attachment"]), "volume_id": d.id,
                            "device": device, "host_name": vm.host, "id": d.id}],
           "created_at": vm.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)})
}

async fn list_volumes(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Path(_project): Path<String>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let vols: Vec<Value> = p
        .vms
        .iter()
        .flat_map(|v| v.disks.iter().enumerate().map(move |(i, d)| (v, i, d)))
        .map(|(v, i, d)| volume_json(&p, v, d, i))
        .collect();
    Json(json!({"volumes": vols})).into_response()
}

async fn get_volume(
    State(o): State<Openstack>,
    headers: HeaderMap,
    Path((_project, id)): Path<(String, String)>,
) -> Response {
    let p = match auth(&o, &headers) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let found = p.vms.iter().find_map(|v| {
        v.disks
            .iter()
            .position(|d| d.id == id)
            .and_then(|i| v.disks.get(i).map(|d| (v, i, d)))
    });
    match found {
        Some((v, i, d)) => Json(json!({"volume": volume_json(&p, v, d, i)})).into_response(),
        None => nova_error(
            StatusCode::NOT_FOUND,
            "itemNotFound",
            format!("Volume {id} could not be found."),
        ),
    }
}
