//! OpenStack inventory payloads (`pkg/controller/provider/web/openstack`): servers keyed by
//! UUID with `addresses` per network name and `attachedVolumes[].ID` (capital: the Go model
//! has no JSON tag), volumes with `volumeType`, Glance images for server snapshots.

use serde_json::{Value, json};

use super::content::Item;
use crate::lab::{PowerState, Provider, Vm, uuid_for};

const RESOURCE: &[&str] = &["id", "revision", "path", "name", "selfLink"];
const VM1: &[&str] = &[
    "id",
    "revision",
    "path",
    "name",
    "selfLink",
    "tenantID",
    "status",
    "hostID",
    "revisionValidated",
    "imageID",
    "flavorID",
    "addresses",
    "attachedVolumes",
    "concerns",
];
const LEVELS: &[&[&str]] = &[RESOURCE];
const VM_LEVELS: &[&[&str]] = &[RESOURCE, VM1];

/// The flavor a lab VM runs with: `(id, name, vcpus, ram MiB, root disk GiB)`.
pub fn flavor_of(p: &Provider, vm: &Vm) -> (String, String, u32, u64, u64) {
    let vcpus = vm.cpu_count();
    let disk = vm.disks.first().map_or(0, |d| d.capacity >> 30);
    let name = format!("mtv.c{vcpus}m{}", vm.memory_mb);
    (
        uuid_for(&[&p.name, "flavor", &name]),
        name,
        vcpus,
        vm.memory_mb,
        disk,
    )
}

/// Nova's `hostId`: an opaque hash of the project and host.
pub fn host_hash(p: &Provider, vm: &Vm) -> String {
    uuid_for(&[&p.project.id, &vm.host]).replace('-', "")
}

/// RFC 3339 with seconds, as Nova and Cinder print times.
fn ts(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn merge(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
    base
}

fn item(
    id: &str,
    name: &str,
    path: String,
    full: Value,
    levels: &'static [&'static [&'static str]],
) -> Item {
    Item {
        id: id.to_string(),
        name: name.to_string(),
        path,
        full,
        levels,
    }
}

fn resource(
    base: &str,
    coll: &str,
    id: &str,
    name: &str,
    path: Option<&str>,
    revision: u64,
) -> Value {
    let mut v = json!({"id": id, "revision": revision, "name": name, "selfLink": format!("{base}/{coll}/{id}")});
    if let (Some(path), Some(m)) = (path, v.as_object_mut()) {
        m.insert("path".into(), json!(path));
    }
    v
}

/// The objects of an OpenStack collection, or `None` if the collection does not exist.
pub fn collection(p: &Provider, coll: &str, base: &str) -> Option<Vec<Item>> {
    Some(match coll {
        "vms" => p.vms.iter().filter(|v| !v.template).map(|v| vm(p, base, v)).collect(),
        "volumes" => volumes(p, base),
        "volumetypes" => p
            .datastores
            .iter()
            .map(|d| {
                let full = merge(
                    resource(base, "volumetypes", &d.id, &d.name, None, 1),
                    json!({"description": format!("{} volumes", d.name), "isPublic": true, "qosSpecsID": "", "publicAccess": true}),
                );
                item(&d.id, &d.name, String::new(), full, LEVELS)
            })
            .collect(),
        "networks" => p
            .networks
            .iter()
            .map(|n| {
                let full = merge(
                    resource(base, "networks", &n.id, &n.name, None, 1),
                    json!({"description": "", "adminStateUp": true, "status": "ACTIVE",
                           "subnets": [uuid_for(&[&p.name, "subnet", &n.name])], "tenantID": p.project.id,
                           "updatedAt": "1970-01-01T00:00:00Z", "createdAt": "1970-01-01T00:00:00Z",
                           "projectID": p.project.id, "shared": false, "revisionNumber": 1}),
                );
                item(&n.id, &n.name, String::new(), full, LEVELS)
            })
            .collect(),
        "images" => images(p, base),
        "flavors" => flavors(p, base),
        "projects" => {
            let pr = &p.project;
            let full = merge(
                resource(base, "projects", &pr.id, &pr.name, Some(&pr.name), 1),
                json!({"isDomain": false, "description": "", "domainID": p.credentials.project_domain_id, "enabled": true}),
            );
            vec![item(&pr.id, &pr.name, pr.name.clone(), full, LEVELS)]
        }
        _ => return None,
    })
}

fn flavors(p: &Provider, base: &str) -> Vec<Item> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for vm in &p.vms {
        let (id, name, vcpus, ram, disk) = flavor_of(p, vm);
        if seen.contains(&id) {
            continue;
        }
        seen.push(id.clone());
        let full = merge(
            resource(base, "flavors", &id, &name, None, 1),
            json!({"description": "", "disk": disk, "ram": ram, "rxtxFactor": 1.0, "swap": 0, "vcpus": vcpus, "isPublic": true, "ephemeral": 0}),
        );
        out.push(item(&id, &name, String::new(), full, LEVELS));
    }
    out
}

fn images(p: &Provider, base: &str) -> Vec<Item> {
    p.vms
        .iter()
        .flat_map(|vm| vm.snapshots.iter().map(move |s| (vm, s)))
        .map(|(vm, s)| {
            let size: u64 = vm.disks.iter().map(|d| d.capacity).sum();
            let full = merge(
                resource(base, "images", &s.id, &s.name, None, 1),
                json!({"status": "active", "tags": [], "containerFormat": "bare", "diskFormat": "qcow2",
                       "minDisk": vm.disks.first().map_or(0, |d| d.capacity >> 30), "minRam": 0,
                       "owner": p.project.id, "protected": false, "visibility": "private", "osHidden": false,
                       "checksum": "", "sizeBytes": 0, "metadata": {}, "createdAt": ts(&s.created_at),
                       "updatedAt": ts(&s.created_at), "file": format!("/v2/images/{}/file", s.id),
                       "schema": "/v2/schemas/image", "virtualSize": size, "imageImportMethods": [],
                       "imageStoreIDs": [], "properties": {"image_type": "snapshot", "instance_uuid": vm.id,
                       "bdm_v2": "True", "root_device_name": "/dev/vda"}}),
            );
            item(&s.id, &s.name, String::new(), full, LEVELS)
        })
        .collect()
}

fn volumes(p: &Provider, base: &str) -> Vec<Item> {
    p.vms
        .iter()
        .flat_map(|vm| vm.disks.iter().enumerate().map(move |(i, d)| (vm, i, d)))
        .map(|(vm, i, d)| {
            let vt = p.datastore(&d.datastore).map(|x| x.name.clone()).unwrap_or_default();
            let device = format!("/dev/vd{}", char::from(b'a' + u8::try_from(i % 26).unwrap_or(0)));
            let full = merge(
                resource(base, "volumes", &d.id, &d.name, None, vm.revision),
                json!({
                    "status": "in-use", "size": d.capacity >> 30, "availabilityZone": "nova",
                    "createdAt": ts(&vm.created_at), "updatedAt": ts(&vm.created_at),
                    "attachments": [{"AttachedAt": ts(&vm.created_at), "AttachmentID": uuid_for(&[&d.id, "attachment"]),
                        "Device": device, "HostName": vm.host, "ID": d.id, "ServerID": vm.id, "VolumeID": d.id}],
                    "volumeType": vt, "userID": uuid_for(&[&p.name, "user", &p.credentials.username]),
                    "bootable": if d.bootable { "true" } else { "false" }, "encrypted": false,
                    "replicationStatus": "disabled", "multiattach": false,
                }),
            );
            item(&d.id, &d.name, String::new(), full, LEVELS)
        })
        .collect()
}

/// `addresses` as Nova renders it: network name → list of fixed IPs.
pub fn addresses(p: &Provider, vm: &Vm) -> Value {
    let mut m = serde_json::Map::new();
    for n in &vm.nics {
        let net = p
            .network(&n.network)
            .map(|x| x.name.clone())
            .unwrap_or_default();
        let entries = m.entry(net).or_insert_with(|| json!([]));
        if let Some(list) = entries.as_array_mut() {
            for ip in &n.ips {
                list.push(json!({"OS-EXT-IPS-MAC:mac_addr": n.mac, "OS-EXT-IPS:type": "fixed", "addr": ip.address, "version": ip.version()}));
            }
        }
    }
    Value::Object(m)
}

fn vm(p: &Provider, base: &str, vm: &Vm) -> Item {
    let path = format!("{}/{}", p.project.name, vm.name);
    let (flavor, ..) = flavor_of(p, vm);
    let full = json!({
        "id": vm.id, "revision": vm.revision, "path": path, "name": vm.name,
        "selfLink": format!("{base}/vms/{}", vm.id),
        "tenantID": p.project.id,
        "status": if vm.power == PowerState::On { "ACTIVE" } else { "SHUTOFF" },
        "hostID": host_hash(p, vm), "revisionValidated": vm.revision, "flavorID": flavor,
        "addresses": addresses(p, vm),
        "attachedVolumes": vm.disks.iter().map(|d| json!({"ID": d.id})).collect::<Vec<_>>(),
        "concerns": [],
        "userID": uuid_for(&[&p.name, "user", &p.credentials.username]),
        "updated": ts(&vm.created_at), "created": ts(&vm.created_at), "progress": 0,
        "securityGroups": [{"name": "default"}],
        "fault": {"Code": 0, "Created": "0001-01-01T00:00:00Z", "Details": "", "Message": ""},
    });
    item(&vm.id, &vm.name, path, full, VM_LEVELS)
}
