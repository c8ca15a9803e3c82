//! The vSphere VI/JSON API (`/sdk/vim25`): login, tasks (clone, reconfigure, snapshots,
//! power), their faults, and raw device mappings.

use mtvt_sim::lab::{DiskMode, Provisioning};
use mtvt_sim::sources;
use serde_json::{Value, json};

use super::start;
use crate::harness::http::Session;

const LOGIN: &str = "/SessionManager/SessionManager/Login";

fn sdk_url(base: &str) -> String {
    format!("{base}/sdk/vim25/8.0.3.0")
}

/// A VI/JSON session on the SDK of the vSphere API at `base`.
async fn vi_login(base: &str) -> Session {
    let sdk = Session::new(&sdk_url(base));
    let ok = sdk
        .post(
            LOGIN,
            &json!({"userName": "administrator@vsphere.local", "password": "mtv-vsphere-pw"}),
        )
        .await;
    assert_eq!(ok.status(), 200);
    let sid = ok.headers()["vmware-api-session-id"].to_str().unwrap();
    sdk.clone().header("vmware-api-session-id", sid)
}

/// Calls a task method (`path` under the SDK) and returns the task's `TaskInfo`.
async fn call(s: &Session, path: &str, body: Value) -> Value {
    let r = s.post(path, &body).await;
    assert_eq!(r.status(), 200, "POST {path}");
    let t: Value = r.json().await.unwrap();
    s.get_json(&format!("/Task/{}/info", t["value"].as_str().unwrap()))
        .await
}

/// Runs a VM task method and returns its `TaskInfo`.
async fn vi_task(s: &Session, vm: &str, method: &str, body: Value) -> Value {
    call(s, &format!("/VirtualMachine/{vm}/{method}"), body).await
}

fn rdm_change(backing: Value) -> Value {
    json!({"spec": {"deviceChange": [{"operation": "add", "fileOperation": "create",
        "device": {"_typeName": "VirtualDisk", "key": -101, "capacityInBytes": 0, "capacityInKB": 0, "backing": backing}}]}})
}

#[tokio::test]
async fn vsphere_vi_json_raw_device_mappings() {
    let (lab, base) = start(sources::vsphere::router, "vsphere").await;
    let s = vi_login(&base).await;
    let vm = lab.find_vm("vsphere", "xcopy-template-test").unwrap();
    let lun = lab
        .provider("vsphere")
        .unwrap()
        .copy_offload
        .unwrap()
        .rdm_lun_uuid
        .unwrap();
    // capacity 0: the disk takes the LUN's size (20 GiB in the default lab)
    let ti = vi_task(&s, &vm.id, "ReconfigVM_Task", rdm_change(json!({"_typeName": "VirtualDiskRawDiskMappingVer1BackingInfo",
        "fileName": "", "deviceName": format!("/vmfs/devices/disks/{lun}"), "compatibilityMode": "virtualMode", "diskMode": "persistent"}))).await;
    assert_eq!(ti["state"], "success", "{ti}");
    let disk = lab
        .find_vm("vsphere", &vm.id)
        .unwrap()
        .disks
        .last()
        .cloned()
        .unwrap();
    assert_eq!(disk.capacity, 20 << 30);
    let rdm = disk.rdm.clone().unwrap();
    assert_eq!((rdm.lun.as_str(), rdm.physical), (lun.as_str(), false));
    assert_eq!(disk.mode, DiskMode::Persistent);
    // the config reports the mapping as vSphere does
    let cfg = s
        .get_json(&format!("/VirtualMachine/{}/config", vm.id))
        .await;
    let dev = cfg["hardware"]["device"]
        .as_array()
        .unwrap()
        .last()
        .unwrap();
    assert_eq!(dev["capacityInBytes"], 20u64 << 30);
    let b = &dev["backing"];
    assert_eq!(b["_typeName"], "VirtualDiskRawDiskMappingVer1BackingInfo");
    assert_eq!(b["compatibilityMode"], "virtualMode");
    assert_eq!(b["deviceName"], format!("/vmfs/devices/disks/{lun}"));
    assert_eq!(b["lunUuid"], mtvt_sim::lab::lun_uuid(&lun));
    assert!(
        b["fileName"]
            .as_str()
            .unwrap()
            .starts_with("[mtv-ontap-xcopy-01] "),
        "{b}"
    );
    // physical mode by lunUuid: reported independent (snapshots do not cover it)
    let ti = vi_task(&s, &vm.id, "ReconfigVM_Task", rdm_change(json!({"_typeName": "VirtualDiskRawDiskMappingVer1BackingInfo",
        "fileName": "", "lunUuid": mtvt_sim::lab::lun_uuid(&lun), "compatibilityMode": "physicalMode"}))).await;
    assert_eq!(ti["state"], "success", "{ti}");
    let disk = lab
        .find_vm("vsphere", &vm.id)
        .unwrap()
        .disks
        .last()
        .cloned()
        .unwrap();
    assert!(disk.rdm.unwrap().physical);
    assert_eq!(disk.mode, DiskMode::IndependentPersistent);
    // an unknown LUN is refused with InvalidDeviceBacking, nothing added
    let before = lab.find_vm("vsphere", &vm.id).unwrap().disks.len();
    let ti = vi_task(&s, &vm.id, "ReconfigVM_Task", rdm_change(json!({"_typeName": "VirtualDiskRawDiskMappingVer1BackingInfo",
        "fileName": "", "deviceName": "/vmfs/devices/disks/naa.600a0980000000000000000000000000", "compatibilityMode": "virtualMode"}))).await;
    assert_eq!(ti["state"], "error");
    assert_eq!(ti["error"]["fault"]["_typeName"], "InvalidDeviceBacking");
    // the mapping file needs a VMFS datastore
    let ti = vi_task(
        &s,
        &vm.id,
        "ReconfigVM_Task",
        rdm_change(
            json!({"_typeName": "VirtualDiskRawDiskMappingVer1BackingInfo",
        "fileName": "[mtv-nfs-plain-01]", "deviceName": lun, "compatibilityMode": "virtualMode"}),
        ),
    )
    .await;
    assert_eq!(ti["state"], "error");
    assert!(
        ti["error"]["localizedMessage"]
            .as_str()
            .unwrap()
            .contains("VMFS"),
        "{ti}"
    );
    // and a mode is required
    let ti = vi_task(
        &s,
        &vm.id,
        "ReconfigVM_Task",
        rdm_change(
            json!({"_typeName": "VirtualDiskRawDiskMappingVer1BackingInfo",
        "fileName": "", "deviceName": lun}),
        ),
    )
    .await;
    assert_eq!(ti["state"], "error");
    assert_eq!(lab.find_vm("vsphere", &vm.id).unwrap().disks.len(), before);
    // a flat disk of capacity 0 is still refused
    let ti = vi_task(
        &s,
        &vm.id,
        "ReconfigVM_Task",
        rdm_change(json!({"_typeName": "VirtualDiskFlatVer2BackingInfo",
        "fileName": "", "diskMode": "persistent"})),
    )
    .await;
    assert_eq!(ti["state"], "error");
    assert!(
        ti["error"]["localizedMessage"]
            .as_str()
            .unwrap()
            .contains("capacity must be positive")
    );
}

#[tokio::test]
async fn vsphere_vi_json_snapshots_cbt_disks_and_clone() {
    let (lab, base) = start(sources::vsphere::router, "vsphere").await;
    let bad = Session::new(&sdk_url(&base))
        .post(LOGIN, &json!({"userName": "x", "password": "y"}))
        .await;
    assert_eq!(bad.status(), 500);
    assert_eq!(
        bad.json::<Value>().await.unwrap()["_typeName"],
        "InvalidLogin"
    );
    let s = vi_login(&base).await;
    // clone with thick-eager provisioning and CBT
    let primary = lab
        .provider("vsphere")
        .unwrap()
        .copy_offload
        .unwrap()
        .datastore_id;
    let ti = vi_task(&s, "vm-1006", "CloneVM_Task", json!({"folder": {"_typeName": "ManagedObjectReference", "type": "Folder", "value": "group-v40"},
        "name": "XCopy_Test_VM_CAPS", "spec": {"location": {"datastore": {"type": "Datastore", "value": primary},
        "disk": [{"diskId": 2000, "diskBackingInfo": {"_typeName": "VirtualDiskFlatVer2BackingInfo", "thinProvisioned": false, "eagerlyScrub": true}}]},
        "powerOn": false, "template": false, "config": {"changeTrackingEnabled": true}}})).await;
    assert_eq!(ti["state"], "success");
    let id = ti["result"]["value"].as_str().unwrap().to_string();
    let vm = lab.find_vm("vsphere", &id).unwrap();
    assert_eq!(vm.name, "XCopy_Test_VM_CAPS");
    assert!(vm.cbt);
    assert_eq!(vm.disks[0].provisioning, Provisioning::ThickEager);
    // CBT off and on via ReconfigVM_Task; add an independent disk in shared_disks
    let ti = vi_task(&s, &id, "ReconfigVM_Task", json!({"spec": {"changeTrackingEnabled": false,
        "deviceChange": [{"operation": "add", "fileOperation": "create", "device": {"_typeName": "VirtualDisk", "key": -1, "capacityInKB": 31457280,
        "backing": {"_typeName": "VirtualDiskFlatVer2BackingInfo", "fileName": "[mtv-ontap-xcopy-01] shared_disks/", "diskMode": "independent_persistent",
        "thinProvisioned": false, "eagerlyScrub": false}}}]}})).await;
    assert_eq!(ti["state"], "success");
    let vm = lab.find_vm("vsphere", &id).unwrap();
    assert!(!vm.cbt);
    let added = vm.disks.last().unwrap();
    assert_eq!(
        (added.mode, added.provisioning, added.capacity),
        (
            DiskMode::IndependentPersistent,
            Provisioning::ThickLazy,
            30 << 30
        )
    );
    assert!(
        added.file.starts_with("[mtv-ontap-xcopy-01] shared_disks/"),
        "{}",
        added.file
    );
    // a bad folder fails the task with a fault
    let ti = vi_task(&s, &id, "ReconfigVM_Task", json!({"spec": {"deviceChange": [{"operation": "add", "fileOperation": "create",
        "device": {"_typeName": "VirtualDisk", "capacityInKB": 1024, "backing": {"_typeName": "VirtualDiskFlatVer2BackingInfo", "fileName": "[mtv-ontap-xcopy-01] nope/"}}}]}})).await;
    assert_eq!(ti["state"], "error");
    assert_eq!(ti["error"]["fault"]["_typeName"], "FileNotFound");
    // snapshots
    let none = s.get(&format!("/VirtualMachine/{id}/snapshot")).await;
    assert_eq!(none.status(), 204);
    for n in ["s1", "s2"] {
        let body = json!({"name": n, "description": "d", "memory": false, "quiesce": false});
        let ti = vi_task(&s, &id, "CreateSnapshot_Task", body).await;
        assert_eq!(ti["state"], "success");
    }
    let snap = s.get_json(&format!("/VirtualMachine/{id}/snapshot")).await;
    assert_eq!(snap["rootSnapshotList"][0]["name"], "s1");
    assert_eq!(
        snap["rootSnapshotList"][0]["childSnapshotList"][0]["name"],
        "s2"
    );
    let current = snap["currentSnapshot"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    let ti = call(
        &s,
        &format!("/VirtualMachineSnapshot/{current}/RemoveSnapshot_Task"),
        json!({"removeChildren": false}),
    )
    .await;
    assert_eq!(ti["state"], "success");
    assert_eq!(lab.find_vm("vsphere", &id).unwrap().snapshots.len(), 1);
    // power faults land in the task
    let ti = vi_task(&s, &id, "PowerOffVM_Task", json!({})).await;
    assert_eq!(
        (
            ti["state"].as_str(),
            ti["error"]["fault"]["_typeName"].as_str()
        ),
        (Some("error"), Some("InvalidPowerState"))
    );
    let cfg = s.get_json(&format!("/VirtualMachine/{id}/config")).await;
    assert_eq!(cfg["changeTrackingEnabled"], false);
    assert_eq!(cfg["hardware"]["device"].as_array().unwrap().len(), 2);
    assert_eq!(
        Session::new(&s.base)
            .post(
                &format!("/VirtualMachine/{id}/CreateSnapshot_Task"),
                &json!({})
            )
            .await
            .status(),
        500
    );
}
