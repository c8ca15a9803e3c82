//! The Forklift inventory API over real loopback HTTP: auth, provider lookup, detail levels,
//! exact key sets per provider type (Forklift reference §4.2), filters and the refresh delay.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use mtvt_sim::inventory::{
    InventoryOptions, ProviderRef, StaticClusterView, StaticResolver, router,
};
use mtvt_sim::lab::{CloneSpec, LabHandle, ProviderKind, openshift_source_objects};
use serde_json::Value;

use crate::harness::{lab, serve};

struct Server {
    base: String,
    lab: LabHandle,
    http: reqwest::Client,
}

fn uid(kind: ProviderKind) -> String {
    format!("uid-{kind}")
}

async fn start(refresh: Duration, scale: f64) -> Server {
    let lab = lab(scale);
    let providers = ProviderKind::ALL
        .iter()
        .map(|k| ProviderRef {
            uid: uid(*k),
            name: format!("{k}-provider"),
            namespace: "openshift-mtv".into(),
            kind: *k,
            lab_provider: k.as_str().into(),
            resource_version: "7".into(),
            object: None,
            restricted: false,
            esxi_host: None,
            parity_at: None,
        })
        .collect();
    let mut objs = openshift_source_objects(lab.lab());
    for (i, o) in objs
        .virtual_machines
        .iter_mut()
        .chain(objs.persistent_volume_claims.iter_mut())
        .enumerate()
    {
        o["metadata"]["uid"] = Value::from(format!("obj-uid-{i}"));
        o["metadata"]["resourceVersion"] = Value::from("11");
    }
    let view = StaticClusterView::default()
        .with(
            "kubevirt.io",
            "v1",
            "virtualmachines",
            objs.virtual_machines,
        )
        .with(
            "",
            "v1",
            "persistentvolumeclaims",
            objs.persistent_volume_claims,
        );
    let app = router(
        lab.clone(),
        Arc::new(StaticResolver { providers }),
        Arc::new(view),
        InventoryOptions {
            refresh_delay: refresh,
        },
    );
    Server {
        base: serve(app).await,
        lab,
        http: reqwest::Client::new(),
    }
}

impl Server {
    async fn get_raw(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    async fn get(&self, path: &str) -> Value {
        let resp = self.get_raw(path, Some("sha256~token")).await;
        assert_eq!(resp.status(), 200, "GET {path}");
        resp.json().await.unwrap()
    }

    fn p(&self, kind: ProviderKind) -> String {
        format!("/providers/{kind}/{}", uid(kind))
    }
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .cloned()
        .collect()
}

fn set(k: &[&str]) -> BTreeSet<String> {
    k.iter().map(|s| s.to_string()).collect()
}

fn assert_superset(v: &Value, expected: &[&str]) {
    let have = keys(v);
    let missing: Vec<_> = set(expected).difference(&have).cloned().collect();
    assert!(missing.is_empty(), "missing keys {missing:?} in {v}");
}

#[tokio::test]
async fn auth_and_provider_lookup_follow_forklift_order() {
    let s = start(Duration::ZERO, 1.0).await;
    assert_eq!(s.get_raw("/providers", None).await.status(), 401);
    assert_eq!(s.get_raw("/providers/vsphere", None).await.status(), 401);
    let r = s.get_raw("/providers/vsphere/nope/vms", None).await;
    assert_eq!(r.status(), 404, "unknown provider is reported before auth");
    assert_eq!(r.headers()["x-reason"], "ProviderNotFound");
    let r = s.get_raw("/providers/vsphere/nope/vms", Some("t")).await;
    assert_eq!(
        (
            r.status().as_u16(),
            r.headers()["x-reason"].to_str().unwrap()
        ),
        (404, "ProviderNotFound")
    );
    let r = s
        .get_raw(
            &format!("/providers/ovirt/{}/vms", uid(ProviderKind::Vsphere)),
            Some("t"),
        )
        .await;
    assert_eq!(r.status(), 404, "uid of another provider type");
    assert_eq!(
        s.get_raw(&format!("{}/vms", s.p(ProviderKind::Vsphere)), None)
            .await
            .status(),
        401
    );
    assert_eq!(
        s.get_raw(
            &format!("{}/vms?detail=lots", s.p(ProviderKind::Vsphere)),
            Some("t")
        )
        .await
        .status(),
        400
    );
    assert_eq!(
        s.get_raw(
            &format!("{}/teleporters", s.p(ProviderKind::Vsphere)),
            Some("t")
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        s.get_raw(
            &format!("{}/vms/vm-999999", s.p(ProviderKind::Vsphere)),
            Some("t")
        )
        .await
        .status(),
        404
    );
}

#[tokio::test]
async fn provider_listings() {
    let s = start(Duration::ZERO, 1.0).await;
    let all = s.get("/providers").await;
    assert_eq!(
        keys(&all),
        set(&[
            "openshift",
            "vsphere",
            "ovirt",
            "openstack",
            "ova",
            "ec2",
            "hyperv"
        ])
    );
    let vs = s.get("/providers/vsphere").await;
    assert_eq!(vs.as_array().unwrap().len(), 1);
    assert_eq!(
        keys(&vs[0]),
        set(&["uid", "version", "namespace", "name", "selfLink", "id"])
    );
    assert_eq!(
        vs[0]["selfLink"],
        format!("providers/vsphere/{}", uid(ProviderKind::Vsphere))
    );
    let vs1 = s.get("/providers/vsphere/?detail=1").await;
    assert_superset(&vs1[0], &["type", "object", "vmCount", "datastoreCount"]);
    assert_eq!(
        s.get("/providers?namespace=elsewhere").await["vsphere"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let one = s.get(&s.p(ProviderKind::Ova)).await;
    assert_eq!(one["object"]["spec"]["type"], "ova");
}

#[tokio::test]
async fn vsphere_payloads() {
    let s = start(Duration::ZERO, 1.0).await;
    let base = s.p(ProviderKind::Vsphere);
    let vms = s.get(&format!("{base}/vms")).await;
    let names: Vec<&str> = vms
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"mtv-tests-rhel8"));
    assert!(
        !names.contains(&"xcopy-template-test"),
        "templates are skipped"
    );
    let vm = vms
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "mtv-tests-rhel8")
        .unwrap();
    // §4.2 example keys
    assert_superset(
        vm,
        &[
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
            "uuid",
            "firmware",
            "connectionState",
            "snapshot",
            "changeTrackingEnabled",
            "consolidationNeeded",
            "cpuCount",
            "coresPerSocket",
            "memoryMB",
            "guestId",
            "nics",
            "guestNetworks",
            "toolsStatus",
            "toolsRunningStatus",
            "toolsVersionStatus2",
            "secureBoot",
            "tpmEnabled",
            "tags",
        ],
    );
    assert_eq!(
        keys(&vm["disks"][0]),
        set(&[
            "key",
            "unitNumber",
            "controllerKey",
            "file",
            "datastore",
            "capacity",
            "shared",
            "rdm",
            "bus",
            "mode",
            "serial",
            "changeTrackingEnabled",
            "parent"
        ])
    );
    assert_eq!(
        keys(&vm["nics"][0]),
        set(&[
            "network",
            "mac",
            "order",
            "deviceKey",
            "pciAddress",
            "startConnected"
        ])
    );
    assert_eq!(keys(&vm["snapshot"]), set(&["kind", "id"]));
    assert_eq!(vm["id"], "vm-1001");
    assert_eq!(vm["path"], "/mtv-dc/vm/mtv-tests/mtv-tests-rhel8");
    assert_eq!(
        vm["selfLink"],
        format!(
            "providers/vsphere/{}/vms/vm-1001",
            uid(ProviderKind::Vsphere)
        )
    );
    assert_eq!(vm["powerState"], "poweredOff");
    assert_eq!(
        vm["guestNetworks"].as_array().unwrap().len(),
        0,
        "no guest IPs while off"
    );
    let ds_id = vm["disks"][0]["datastore"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(ds_id.starts_with("datastore-"));
    assert!(
        vm["networks"][0]["id"]
            .as_str()
            .unwrap()
            .starts_with("network-")
    );
    // same VM by id
    let got = s.get(&format!("{base}/vms/vm-1001")).await;
    assert_eq!(&got, vm);
    // datastores / networks at detail 0 and full
    let dss = s.get(&format!("{base}/datastores")).await;
    assert_eq!(
        keys(&dss[0]),
        set(&["id", "parent", "path", "revision", "name", "selfLink"])
    );
    assert!(!dss[0]["selfLink"].as_str().unwrap().starts_with('/'));
    let ds = s.get(&format!("{base}/datastores/{ds_id}")).await;
    assert_superset(&ds, &["type", "capacity", "free", "maintenance"]);
    let nets = s.get(&format!("{base}/networks")).await;
    assert_eq!(
        keys(&nets[0]),
        set(&[
            "id", "variant", "parent", "path", "revision", "name", "selfLink"
        ])
    );
    for coll in ["hosts", "clusters", "folders", "datacenters"] {
        let items = s.get(&format!("{base}/{coll}/")).await;
        assert!(!items.as_array().unwrap().is_empty(), "{coll}");
        let full = s
            .get(&format!(
                "{base}/{coll}/{}",
                items[0]["id"].as_str().unwrap()
            ))
            .await;
        assert!(
            keys(&full).len() > keys(&items[0]).len(),
            "{coll} full detail adds keys"
        );
    }
    let host = s.get(&format!("{base}/hosts?detail=all")).await;
    assert_superset(&host[0], &["inMaintenance", "cluster"]);
    // name filtering: last segment + path suffix
    assert_eq!(
        s.get(&format!("{base}/vms?name=mtv-tests-rhel8"))
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.get(&format!("{base}/vms?name=mtv-tests/mtv-tests-rhel8"))
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.get(&format!("{base}/vms?name=other/mtv-tests-rhel8"))
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        s.get(&format!("{base}/vms?limit=2&offset=1"))
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn vsphere_guest_info_follows_power() {
    let s = start(Duration::ZERO, 1.0).await;
    s.lab.power_on("vsphere", "mtv-win2019-3disks").unwrap();
    let id = s.lab.find_vm("vsphere", "mtv-win2019-3disks").unwrap().id;
    let vm = s
        .get(&format!("{}/vms/{id}", s.p(ProviderKind::Vsphere)))
        .await;
    assert_eq!(vm["powerState"], "poweredOn");
    assert_eq!(vm["toolsStatus"], "toolsOk");
    assert_eq!(vm["toolsRunningStatus"], "guestToolsRunning");
    let gn = &vm["guestNetworks"][0];
    assert_eq!(
        keys(gn),
        set(&[
            "device",
            "deviceConfigId",
            "mac",
            "ip",
            "origin",
            "prefix",
            "dns",
            "network"
        ])
    );
    assert_eq!(gn["ip"], "10.6.46.31");
    assert_eq!(gn["origin"], "manual");
    assert_eq!(gn["network"], "VM Network");
    assert_eq!(gn["mac"], vm["nics"][0]["mac"]);
}

#[tokio::test]
async fn ovirt_payloads_support_the_test_suite_lookups() {
    let s = start(Duration::ZERO, 1.0).await;
    let base = s.p(ProviderKind::Ovirt);
    assert_eq!(
        s.get(&format!("{base}/vms"))
            .await
            .as_array()
            .unwrap()
            .len(),
        0,
        "default oVirt entries are templates"
    );
    let clone = s
        .lab
        .clone_vm(
            "ovirt",
            "mtv-rhel8-warm-2disks2nics",
            CloneSpec {
                name: "warm-clone".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let list = s.get(&format!("{base}/vms")).await;
    assert_eq!(
        keys(&list[0]),
        set(&["id", "revision", "path", "name", "selfLink"])
    );
    assert_eq!(list[0]["path"], "Default/warm-clone");
    let vm = s.get(&format!("{base}/vms/{}", clone.id)).await;
    assert_superset(
        &vm,
        &[
            "id",
            "revision",
            "path",
            "name",
            "selfLink",
            "cluster",
            "status",
            "host",
            "revisionValidated",
            "nics",
            "diskAttachments",
            "concerns",
            "cpuSockets",
            "cpuCores",
            "cpuThreads",
            "memory",
            "bios",
            "osType",
            "serialNumber",
        ],
    );
    assert_eq!(vm["status"], "down");
    assert_eq!(
        keys(&vm["nics"][0]),
        set(&[
            "id",
            "name",
            "interface",
            "plugged",
            "ipAddress",
            "profile",
            "mac"
        ])
    );
    assert_eq!(
        keys(&vm["diskAttachments"][0]),
        set(&["id", "interface", "scsiReservation", "disk", "bootable"])
    );
    let vm1 = s.get(&format!("{base}/vms?detail=1")).await;
    assert!(
        vm1[0].get("nics").is_some() && vm1[0].get("cpuSockets").is_none(),
        "detail 1 = VM1"
    );
    // storage: attachment id → disk → storageDomain → storage domain name
    let att = vm["diskAttachments"][0]["id"].as_str().unwrap();
    let disk = s.get(&format!("{base}/disks/{att}")).await;
    assert_superset(
        &disk,
        &[
            "id",
            "name",
            "selfLink",
            "shared",
            "storageDomain",
            "profile",
            "provisionedSize",
            "actualSize",
            "storageType",
            "status",
            "lunStorage",
        ],
    );
    let sds = s.get(&format!("{base}/storagedomains")).await;
    let sd = sds
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == disk["storageDomain"])
        .unwrap();
    assert_eq!(sd["name"], "mtv-data");
    assert_eq!(sd["path"], "Default/mtv-data");
    // network: nic profile → profile detail → network id → network path
    let profiles = s.get(&format!("{base}/nicprofiles")).await;
    let prof = profiles
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == vm["nics"][1]["profile"])
        .unwrap();
    assert_eq!(keys(prof), set(&["id", "revision", "name", "selfLink"]));
    let link = prof["selfLink"]
        .as_str()
        .unwrap()
        .strip_prefix("providers/")
        .unwrap();
    let prof_full = s.get(&format!("/providers/{link}")).await;
    let nets = s.get(&format!("{base}/networks")).await;
    let net = nets
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == prof_full["network"])
        .unwrap();
    assert_eq!(net["path"], "Default/mtv-vlan-20");
}

#[tokio::test]
async fn openstack_payloads() {
    let s = start(Duration::ZERO, 1.0).await;
    let base = s.p(ProviderKind::Openstack);
    let list = s.get(&format!("{base}/vms")).await;
    let item = list
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "mtv-rhel8-warm-2disks2nics")
        .unwrap();
    let vm = s
        .get(&format!("{base}/vms/{}", item["id"].as_str().unwrap()))
        .await;
    assert_superset(
        &vm,
        &[
            "id",
            "revision",
            "name",
            "selfLink",
            "status",
            "hostID",
            "revisionValidated",
            "flavorID",
            "addresses",
            "attachedVolumes",
            "concerns",
        ],
    );
    assert_eq!(vm["status"], "SHUTOFF");
    assert!(
        vm.get("imageID").is_none(),
        "volume-booted servers have no imageID"
    );
    assert_eq!(keys(&vm["attachedVolumes"][0]), set(&["ID"]));
    assert_eq!(
        keys(&vm["addresses"]),
        set(&["mtv-private", "mtv-secondary"])
    );
    assert_eq!(
        keys(&vm["addresses"]["mtv-private"][0]),
        set(&[
            "OS-EXT-IPS-MAC:mac_addr",
            "OS-EXT-IPS:type",
            "addr",
            "version"
        ])
    );
    let vol = s
        .get(&format!(
            "{base}/volumes/{}",
            vm["attachedVolumes"][1]["ID"].as_str().unwrap()
        ))
        .await;
    assert_eq!(vol["volumeType"], "ceph-ssd");
    assert_superset(
        &vol,
        &[
            "id",
            "name",
            "status",
            "size",
            "volumeType",
            "bootable",
            "attachments",
        ],
    );
    assert_superset(
        &vol["attachments"][0],
        &["ID", "ServerID", "VolumeID", "Device"],
    );
    let nets = s.get(&format!("{base}/networks")).await;
    assert!(
        nets.as_array()
            .unwrap()
            .iter()
            .any(|n| n["name"] == "mtv-private")
    );
    for coll in ["volumetypes", "flavors", "projects", "images"] {
        s.get(&format!("{base}/{coll}")).await;
    }
    let flavor = s
        .get(&format!(
            "{base}/flavors/{}",
            vm["flavorID"].as_str().unwrap()
        ))
        .await;
    assert_eq!(flavor["vcpus"], 2);
}

#[tokio::test]
async fn ova_payloads_use_capitalised_nested_keys() {
    let s = start(Duration::ZERO, 1.0).await;
    let base = s.p(ProviderKind::Ova);
    let list = s.get(&format!("{base}/vms")).await;
    let item = list
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "1nisim-rhel9-efi")
        .unwrap();
    assert_eq!(keys(item), set(&["id", "name", "selfLink"]));
    let vm = s
        .get(&format!("{base}/vms/{}", item["id"].as_str().unwrap()))
        .await;
    assert_superset(
        &vm,
        &[
            "id",
            "name",
            "selfLink",
            "revisionValidated",
            "networks",
            "disks",
            "nics",
            "concerns",
            "ovfPath",
            "exportSource",
            "osType",
            "uuid",
            "firmware",
            "cpuCount",
            "coresPerSocket",
            "memoryMB",
            "memoryUnits",
        ],
    );
    assert_eq!(vm["firmware"], "efi");
    assert_eq!(
        keys(&vm["networks"][0]),
        set(&["ID", "Variant", "Name", "Revision", "Description"])
    );
    assert_eq!(
        keys(&vm["disks"][0]),
        set(&[
            "ID",
            "Variant",
            "Name",
            "Revision",
            "FilePath",
            "Capacity",
            "CapacityAllocationUnits",
            "DiskId",
            "FileRef",
            "Format",
            "PopulatedSize"
        ])
    );
    assert_eq!(
        keys(&vm["nics"][0]),
        set(&["Name", "MAC", "Network", "Config"])
    );
    let storages = s.get(&format!("{base}/storages")).await;
    let mine: Vec<&Value> = storages
        .as_array()
        .unwrap()
        .iter()
        .filter(|st| st["name"].as_str().unwrap().contains("1nisim-rhel9-efi"))
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["id"], vm["disks"][0]["ID"]);
    let nets = s.get(&format!("{base}/networks")).await;
    assert!(
        nets.as_array()
            .unwrap()
            .iter()
            .any(|n| n["id"] == vm["networks"][0]["ID"] && n["name"] == "VM Network")
    );
}

#[tokio::test]
async fn openshift_payloads_come_from_the_cluster_view() {
    let s = start(Duration::ZERO, 1.0).await;
    let base = s.p(ProviderKind::Openshift);
    let list = s.get(&format!("{base}/vms?namespace=mtv-source-vms")).await;
    assert_eq!(list.as_array().unwrap().len(), 5);
    assert_eq!(
        keys(&list[0]),
        set(&["uid", "version", "namespace", "name", "selfLink", "id"])
    );
    let one = s.get(&format!("{base}/vms?name=mtv-tests-rhel8")).await;
    assert_eq!(one.as_array().unwrap().len(), 1);
    let vm = s
        .get(&format!("{base}/vms/{}", one[0]["uid"].as_str().unwrap()))
        .await;
    assert_eq!(vm["object"]["kind"], "VirtualMachine");
    assert_eq!(vm["version"], "11");
    assert_eq!(
        s.get(&format!("{base}/vms?namespace=elsewhere"))
            .await
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let pvcs = s
        .get(&format!("{base}/persistentvolumeclaims?detail=1"))
        .await;
    assert_eq!(
        pvcs[0]["object"]["spec"]["storageClassName"],
        "ocs-storagecluster-ceph-rbd"
    );
}

#[tokio::test]
async fn changes_show_only_after_the_refresh_delay() {
    // 60 s of virtual delay at 1000x = 60 ms of wall time.
    let s = start(Duration::from_secs(60), 1000.0).await;
    let base = s.p(ProviderKind::Vsphere);
    let id = s.lab.find_vm("vsphere", "mtv-tests-rhel8").unwrap().id;
    s.lab.power_on("vsphere", "mtv-tests-rhel8").unwrap();
    let clone = s
        .lab
        .clone_vm(
            "vsphere",
            "mtv-tests-rhel8",
            CloneSpec {
                name: "rhel8-clone-1".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let before = s.get(&format!("{base}/vms/{id}")).await;
    assert_eq!(
        before["powerState"], "poweredOff",
        "inventory has not refreshed yet"
    );
    assert_eq!(
        s.get_raw(&format!("{base}/vms/{}", clone.id), Some("t"))
            .await
            .status(),
        404
    );
    tokio::time::sleep(s.lab.clock().to_real(Duration::from_secs(61))).await;
    let after = s.get(&format!("{base}/vms/{id}")).await;
    assert_eq!(after["powerState"], "poweredOn");
    assert_eq!(after["revision"], 2);
    let c = s.get(&format!("{base}/vms/{}", clone.id)).await;
    assert_eq!(c["name"], "rhel8-clone-1");
}
