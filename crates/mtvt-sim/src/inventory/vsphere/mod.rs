//! vSphere inventory payloads (`pkg/controller/provider/web/vsphere`): moRef ids, folder
//! tree paths, camelCase keys, VMs always at full detail in lists, templates skipped.

use serde_json::{Value, json};

mod vm;

use super::content::Item;
use crate::lab::{Provider, Vm};
use vm::vm;

const RESOURCE: &[&str] = &[
    "id", "variant", "parent", "path", "revision", "name", "selfLink",
];
const VM1: &[&str] = &[
    "id",
    "parent",
    "path",
    "revision",
    "name",
    "selfLink",
    "revisionValidated",
    "isTemplate",
    "powerState",
    "host",
    "networks",
    "disks",
    "concerns",
];
const LEVELS: &[&[&str]] = &[RESOURCE];
const VM_LEVELS: &[&[&str]] = &[RESOURCE, VM1];

const ROOT: &str = "group-d1";
const VM_FOLDER: &str = "group-v3";
const HOST_FOLDER: &str = "group-h4";
const DS_FOLDER: &str = "group-s5";
const NET_FOLDER: &str = "group-n6";

fn r(kind: &str, id: &str) -> Value {
    json!({"kind": kind, "id": id})
}

struct Ctx<'a> {
    p: &'a Provider,
    base: &'a str,
}

impl Ctx<'_> {
    fn dc(&self) -> &str {
        &self.p.datacenter.name
    }

    fn link(&self, coll: &str, id: &str) -> String {
        format!("{}/{coll}/{id}", self.base)
    }

    fn resource(
        &self,
        coll: &str,
        id: &str,
        name: &str,
        parent: Value,
        path: &str,
        revision: u64,
    ) -> Value {
        json!({"id": id, "parent": parent, "path": path, "revision": revision, "name": name, "selfLink": self.link(coll, id)})
    }

    fn item(
        &self,
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

    fn vm_path(&self, vm: &Vm) -> String {
        match vm.folder.as_deref().and_then(|f| self.p.folder(f)) {
            Some(f) => format!("/{}/vm/{}/{}", self.dc(), f.name, vm.name),
            None => format!("/{}/vm/{}", self.dc(), vm.name),
        }
    }

    fn cluster_path(&self) -> String {
        format!("/{}/host/{}", self.dc(), self.p.cluster.name)
    }
}

fn merge(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        b.extend(e);
    }
    base
}

/// The objects of a vSphere collection, or `None` if the collection does not exist.
pub fn collection(p: &Provider, coll: &str, base: &str) -> Option<Vec<Item>> {
    let c = Ctx { p, base };
    Some(match coll {
        "vms" => p
            .vms
            .iter()
            .filter(|v| !v.template)
            .map(|v| vm(&c, v))
            .collect(),
        "datastores" => datastores(&c),
        "networks" => networks(&c),
        "hosts" => hosts(&c),
        "clusters" => vec![cluster(&c)],
        "datacenters" => vec![datacenter(&c)],
        "folders" => folders(&c),
        _ => return None,
    })
}

fn datacenter(c: &Ctx<'_>) -> Item {
    let dc = &c.p.datacenter;
    let path = format!("/{}", dc.name);
    let full = merge(
        c.resource("datacenters", &dc.id, &dc.name, r("Folder", ROOT), &path, 1),
        json!({"datastores": r("Folder", DS_FOLDER), "networks": r("Folder", NET_FOLDER),
               "clusters": r("Folder", HOST_FOLDER), "vms": r("Folder", VM_FOLDER)}),
    );
    c.item(&dc.id, &dc.name, path, full, LEVELS)
}

fn folders(c: &Ctx<'_>) -> Vec<Item> {
    let dc = &c.p.datacenter;
    let mut out = Vec::new();
    let mut push = |id: &str, name: &str, parent: Value, path: String, children: Vec<Value>| {
        let parent_id = parent
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let full = merge(
            c.resource("folders", id, name, parent, &path, 1),
            json!({"folder": parent_id, "datacenter": dc.id, "children": children}),
        );
        out.push(c.item(id, name, path, full, LEVELS));
    };
    push(
        ROOT,
        "Datacenters",
        json!({"kind": "", "id": ""}),
        String::new(),
        vec![r("Datacenter", &dc.id)],
    );
    let mut vm_children: Vec<Value> = c.p.folders.iter().map(|f| r("Folder", &f.id)).collect();
    vm_children.extend(
        c.p.vms
            .iter()
            .filter(|v| v.folder.is_none())
            .map(|v| r("VM", &v.id)),
    );
    push(
        VM_FOLDER,
        "vm",
        r("Datacenter", &dc.id),
        format!("/{}/vm", dc.name),
        vm_children,
    );
    push(
        HOST_FOLDER,
        "host",
        r("Datacenter", &dc.id),
        format!("/{}/host", dc.name),
        vec![r("Cluster", &c.p.cluster.id)],
    );
    let ds_children =
        c.p.datastores
            .iter()
            .map(|d| r("Datastore", &d.id))
            .collect();
    push(
        DS_FOLDER,
        "datastore",
        r("Datacenter", &dc.id),
        format!("/{}/datastore", dc.name),
        ds_children,
    );
    let net_children = c.p.networks.iter().map(|n| r("Network", &n.id)).collect();
    push(
        NET_FOLDER,
        "network",
        r("Datacenter", &dc.id),
        format!("/{}/network", dc.name),
        net_children,
    );
    for f in &c.p.folders {
        let children =
            c.p.vms
                .iter()
                .filter(|v| v.folder.as_deref() == Some(f.id.as_str()))
                .map(|v| r("VM", &v.id))
                .collect();
        push(
            &f.id,
            &f.name,
            r("Folder", VM_FOLDER),
            format!("/{}/vm/{}", dc.name, f.name),
            children,
        );
    }
    out
}

fn cluster(c: &Ctx<'_>) -> Item {
    let cl = &c.p.cluster;
    let path = c.cluster_path();
    let full = merge(
        c.resource(
            "clusters",
            &cl.id,
            &cl.name,
            r("Folder", HOST_FOLDER),
            &path,
            1,
        ),
        json!({
            "folder": HOST_FOLDER,
            "networks": c.p.networks.iter().map(|n| r("Network", &n.id)).collect::<Vec<_>>(),
            "datastores": c.p.datastores.iter().map(|d| r("Datastore", &d.id)).collect::<Vec<_>>(),
            "hosts": c.p.hosts.iter().map(|h| r("Host", &h.id)).collect::<Vec<_>>(),
            "dasEnabled": false, "dasVms": [], "drsEnabled": true, "drsBehavior": "fullyAutomated", "drsVms": [],
        }),
    );
    c.item(&cl.id, &cl.name, path, full, LEVELS)
}

fn hosts(c: &Ctx<'_>) -> Vec<Item> {
    c.p.hosts
        .iter()
        .map(|h| {
            let path = format!("{}/{}", c.cluster_path(), h.name);
            let vms: Vec<Value> = c.p.vms.iter().filter(|v| v.host == h.id).map(|v| r("VM", &v.id)).collect();
            let full = merge(
                c.resource("hosts", &h.id, &h.name, r("Cluster", &c.p.cluster.id), &path, 1),
                json!({
                    "cluster": c.p.cluster.id, "status": "green", "inMaintenance": h.in_maintenance,
                    "managementServerIp": "", "thumbprint": thumbprint(&h.id), "timezone": "UTC",
                    "cpuSockets": 2, "cpuCores": 32, "memoryBytes": 549_755_813_888u64,
                    "productName": "VMware ESXi", "productVersion": c.p.version,
                    "networking": {"vNICs": [], "pNICs": [], "portGroups": [], "switches": []},
                    "networks": c.p.networks.iter().map(|n| r("Network", &n.id)).collect::<Vec<_>>(),
                    "datastores": c.p.datastores.iter().map(|d| r("Datastore", &d.id)).collect::<Vec<_>>(),
                    "vms": vms,
                    "networkAdapters": [{"name": "vmk0", "ipAddress": h.ip, "subnetMask": "255.255.255.0", "linkSpeed": 10000, "mtu": 1500}],
                    "hostScsiDisks": [], "advancedOptions": [], "vmotionSupported": true, "storageVmotionSupported": true,
                }),
            );
            c.item(&h.id, &h.name, path, full, LEVELS)
        })
        .collect()
}

/// A stable fake SHA-1 thumbprint (`AA:BB:...`, 20 bytes).
fn thumbprint(seed: &str) -> String {
    let u = crate::lab::uuid_for(&["thumbprint", seed]).replace('-', "");
    let hex = format!("{u}{}", u.get(..8).unwrap_or_default()).to_uppercase();
    hex.as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).to_string())
        .collect::<Vec<_>>()
        .join(":")
}

fn datastores(c: &Ctx<'_>) -> Vec<Item> {
    c.p.datastores
        .iter()
        .map(|d| {
            let path = format!("/{}/datastore/{}", c.dc(), d.name);
            let full = merge(
                c.resource(
                    "datastores",
                    &d.id,
                    &d.name,
                    r("Folder", DS_FOLDER),
                    &path,
                    1,
                ),
                json!({
                    "type": d.kind, "capacity": d.capacity, "free": d.free, "maintenance": "normal",
                    "backingDevicesNames": [], "storageIORMSupported": true, "iormEnabled": false,
                    "iormCongestionThreshold": 30, "iormCongestionThresholdMode": "automatic",
                    "iormPercentOfPeakThroughput": 90,
                }),
            );
            c.item(&d.id, &d.name, path, full, LEVELS)
        })
        .collect()
}

fn networks(c: &Ctx<'_>) -> Vec<Item> {
    c.p.networks
        .iter()
        .map(|n| {
            let path = format!("/{}/network/{}", c.dc(), n.name);
            let mut base = c.resource(
                "networks",
                &n.id,
                &n.name,
                r("Folder", NET_FOLDER),
                &path,
                1,
            );
            if let Some(m) = base.as_object_mut() {
                m.insert("variant".into(), json!(n.variant));
            }
            let dv = n.variant == "DvPortGroup";
            let mut extra =
                json!({"vlanId": n.vlan.map(|v| v.to_string()).unwrap_or_default(), "host": []});
            if dv && let Some(m) = extra.as_object_mut() {
                m.insert("dvSwitch".into(), r("Network", "dvs-50"));
                m.insert("key".into(), json!(n.id));
            }
            let full = merge(base, extra);
            c.item(&n.id, &n.name, path, full, LEVELS)
        })
        .collect()
}
