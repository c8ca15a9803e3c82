//! Source-provider APIs over real loopback HTTP: vSphere (Automation REST + VI/JSON), oVirt
//! and OpenStack, including auth failures and state errors.

use mtvt_sim::lab::{DiskMode, PowerState, Provisioning};
use mtvt_sim::sources;
use serde_json::{Value, json};

use crate::harness::{lab as lab_at, serve};

fn lab() -> mtvt_sim::lab::LabHandle {
    lab_at(1.0)
}

#[tokio::test]
async fn vsphere_automation_api() {
    let lab = lab();
    let base = serve(sources::vsphere::router(lab.clone(), "vsphere")).await;
    let http = reqwest::Client::new();
    // auth
    let bad = http
        .post(format!("{base}/api/session"))
        .basic_auth("administrator@vsphere.local", Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["error_type"], "UNAUTHENTICATED");
    assert_eq!(
        http.get(format!("{base}/api/vcenter/vm"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let resp = http
        .post(format!("{base}/api/session"))
        .basic_auth("administrator@vsphere.local", Some("mtv-vsphere-pw"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let sid: String = resp.json().await.unwrap();
    let get = |path: &str| {
        http.get(format!("{base}{path}"))
            .header("vmware-api-session-id", &sid)
            .send()
    };
    // list / get
    let vms: Value = get("/api/vcenter/vm?names=mtv-tests-rhel8")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(vms.as_array().unwrap().len(), 1);
    assert_eq!(vms[0]["vm"], "vm-1001");
    assert_eq!(vms[0]["power_state"], "POWERED_OFF");
    let info: Value = get("/api/vcenter/vm/vm-1001")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["guest_OS"], "RHEL_8_64");
    assert_eq!(info["disks"]["2000"]["backing"]["type"], "VMDK_FILE");
    assert_eq!(
        info["nics"]["4000"]["backing"]["network_name"],
        "VM Network"
    );
    assert_eq!(get("/api/vcenter/vm/vm-9").await.unwrap().status(), 404);
    // guest info needs tools running
    let r = get("/api/vcenter/vm/vm-1001/guest/identity").await.unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error_type"],
        "SERVICE_UNAVAILABLE"
    );
    // power
    let power = |action: &str| {
        http.post(format!(
            "{base}/api/vcenter/vm/vm-1001/power?action={action}"
        ))
        .header("vmware-api-session-id", &sid)
        .send()
    };
    assert_eq!(power("start").await.unwrap().status(), 204);
    let again = power("start").await.unwrap();
    assert_eq!(again.status(), 400);
    assert_eq!(
        again.json::<Value>().await.unwrap()["error_type"],
        "ALREADY_IN_DESIRED_STATE"
    );
    let ident: Value = get("/api/vcenter/vm/vm-1001/guest/identity")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ident["ip_address"], "10.6.46.21");
    assert_eq!(ident["family"], "LINUX");
    let ifs: Value = get("/api/vcenter/vm/vm-1001/guest/networking/interfaces")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ifs[0]["ip"]["ip_addresses"][0]["prefix_length"], 24);
    let tools: Value = get("/api/vcenter/vm/vm-1001/tools")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tools["run_state"], "RUNNING");
    // delete while on is refused
    let del = http
        .delete(format!("{base}/api/vcenter/vm/vm-1001"))
        .header("vmware-api-session-id", &sid)
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 400);
    assert_eq!(
        del.json::<Value>().await.unwrap()["error_type"],
        "NOT_ALLOWED_IN_CURRENT_STATE"
    );
    assert_eq!(power("stop").await.unwrap().status(), 204);
    // clone the xcopy template onto the non-xcopy datastore into a folder
    let non = lab
        .provider("vsphere")
        .unwrap()
        .copy_offload
        .unwrap()
        .non_xcopy_datastore_id
        .unwrap();
    let tpl: Value = get("/api/vcenter/vm?names=xcopy-template-test")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let tpl_id = tpl[0]["vm"].as_str().unwrap().to_string();
    let spec = json!({"source": tpl_id, "name": "xcopy-clone-1", "placement": {"datastore": non, "folder": "group-v40"}});
    let r = http
        .post(format!("{base}/api/vcenter/vm?action=clone"))
        .header("vmware-api-session-id", &sid)
        .json(&spec)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let clone_id: String = r.json().await.unwrap();
    let dup = http
        .post(format!("{base}/api/vcenter/vm?action=clone"))
        .header("vmware-api-session-id", &sid)
        .json(&spec)
        .send()
        .await
        .unwrap();
    assert_eq!(dup.status(), 400);
    assert_eq!(
        dup.json::<Value>().await.unwrap()["error_type"],
        "ALREADY_EXISTS"
    );
    let c = lab.find_vm("vsphere", &clone_id).unwrap();
    assert!(c.disks.iter().all(|d| d.datastore == non));
    // add a disk through the Automation API
    let r = http
        .post(format!("{base}/api/vcenter/vm/{clone_id}/hardware/disk"))
        .header("vmware-api-session-id", &sid)
        .json(&json!({"type": "SCSI", "new_vmdk": {"capacity": 1u64 << 30}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<String>().await.unwrap(), "2001");
    // delete the clone
    let del = http
        .delete(format!("{base}/api/vcenter/vm/{clone_id}"))
        .header("vmware-api-session-id", &sid)
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 204);
    assert!(lab.find_vm("vsphere", &clone_id).is_err());
    // logout
    assert_eq!(
        http.delete(format!("{base}/api/session"))
            .header("vmware-api-session-id", &sid)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(get("/api/vcenter/vm").await.unwrap().status(), 401);
}

#[tokio::test]
async fn vsphere_vi_json_snapshots_cbt_disks_and_clone() {
    let lab = lab();
    let base = serve(sources::vsphere::router(lab.clone(), "vsphere")).await;
    let http = reqwest::Client::new();
    let sdk = format!("{base}/sdk/vim25/8.0.3.0");
    let bad = http
        .post(format!("{sdk}/SessionManager/SessionManager/Login"))
        .json(&json!({"userName": "x", "password": "y"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 500);
    assert_eq!(
        bad.json::<Value>().await.unwrap()["_typeName"],
        "InvalidLogin"
    );
    let ok = http
        .post(format!("{sdk}/SessionManager/SessionManager/Login"))
        .json(&json!({"userName": "administrator@vsphere.local", "password": "mtv-vsphere-pw"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let sid = ok.headers()["vmware-api-session-id"]
        .to_str()
        .unwrap()
        .to_string();
    let call = |path: String, body: Value| {
        let http = http.clone();
        let sid = sid.clone();
        async move {
            let r = http
                .post(path)
                .header("vmware-api-session-id", sid)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.unwrap()
        }
    };
    let info = |task: Value| {
        let http = http.clone();
        let sid = sid.clone();
        let sdk = sdk.clone();
        async move {
            let id = task["value"].as_str().unwrap().to_string();
            http.get(format!("{sdk}/Task/{id}/info"))
                .header("vmware-api-session-id", sid)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    // clone with thick-eager provisioning and CBT
    let primary = lab
        .provider("vsphere")
        .unwrap()
        .copy_offload
        .unwrap()
        .datastore_id;
    let t = call(format!("{sdk}/VirtualMachine/vm-1006/CloneVM_Task"), json!({"folder": {"_typeName": "ManagedObjectReference", "type": "Folder", "value": "group-v40"},
        "name": "XCopy_Test_VM_CAPS", "spec": {"location": {"datastore": {"type": "Datastore", "value": primary},
        "disk": [{"diskId": 2000, "diskBackingInfo": {"_typeName": "VirtualDiskFlatVer2BackingInfo", "thinProvisioned": false, "eagerlyScrub": true}}]},
        "powerOn": false, "template": false, "config": {"changeTrackingEnabled": true}}})).await;
    let ti = info(t).await;
    assert_eq!(ti["state"], "success");
    let id = ti["result"]["value"].as_str().unwrap().to_string();
    let vm = lab.find_vm("vsphere", &id).unwrap();
    assert_eq!(vm.name, "XCopy_Test_VM_CAPS");
    assert!(vm.cbt);
    assert_eq!(vm.disks[0].provisioning, Provisioning::ThickEager);
    // CBT off and on via ReconfigVM_Task; add an independent disk in shared_disks
    let t = call(format!("{sdk}/VirtualMachine/{id}/ReconfigVM_Task"), json!({"spec": {"changeTrackingEnabled": false,
        "deviceChange": [{"operation": "add", "fileOperation": "create", "device": {"_typeName": "VirtualDisk", "key": -1, "capacityInKB": 31457280,
        "backing": {"_typeName": "VirtualDiskFlatVer2BackingInfo", "fileName": "[mtv-ontap-xcopy-01] shared_disks/", "diskMode": "independent_persistent",
        "thinProvisioned": false, "eagerlyScrub": false}}}]}})).await;
    assert_eq!(info(t).await["state"], "success");
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
    let t = call(format!("{sdk}/VirtualMachine/{id}/ReconfigVM_Task"), json!({"spec": {"deviceChange": [{"operation": "add", "fileOperation": "create",
        "device": {"_typeName": "VirtualDisk", "capacityInKB": 1024, "backing": {"_typeName": "VirtualDiskFlatVer2BackingInfo", "fileName": "[mtv-ontap-xcopy-01] nope/"}}}]}})).await;
    let ti = info(t).await;
    assert_eq!(ti["state"], "error");
    assert_eq!(ti["error"]["fault"]["_typeName"], "FileNotFound");
    // snapshots
    let none = http
        .get(format!("{sdk}/VirtualMachine/{id}/snapshot"))
        .header("vmware-api-session-id", &sid)
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 204);
    for n in ["s1", "s2"] {
        let t = call(
            format!("{sdk}/VirtualMachine/{id}/CreateSnapshot_Task"),
            json!({"name": n, "description": "d", "memory": false, "quiesce": false}),
        )
        .await;
        assert_eq!(info(t).await["state"], "success");
    }
    let snap: Value = http
        .get(format!("{sdk}/VirtualMachine/{id}/snapshot"))
        .header("vmware-api-session-id", &sid)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(snap["rootSnapshotList"][0]["name"], "s1");
    assert_eq!(
        snap["rootSnapshotList"][0]["childSnapshotList"][0]["name"],
        "s2"
    );
    let current = snap["currentSnapshot"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    let t = call(
        format!("{sdk}/VirtualMachineSnapshot/{current}/RemoveSnapshot_Task"),
        json!({"removeChildren": false}),
    )
    .await;
    assert_eq!(info(t).await["state"], "success");
    assert_eq!(lab.find_vm("vsphere", &id).unwrap().snapshots.len(), 1);
    // power faults land in the task
    let t = call(
        format!("{sdk}/VirtualMachine/{id}/PowerOffVM_Task"),
        json!({}),
    )
    .await;
    let ti = info(t).await;
    assert_eq!(
        (
            ti["state"].as_str(),
            ti["error"]["fault"]["_typeName"].as_str()
        ),
        (Some("error"), Some("InvalidPowerState"))
    );
    let cfg: Value = http
        .get(format!("{sdk}/VirtualMachine/{id}/config"))
        .header("vmware-api-session-id", &sid)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cfg["changeTrackingEnabled"], false);
    assert_eq!(cfg["hardware"]["device"].as_array().unwrap().len(), 2);
    assert_eq!(
        http.post(format!("{sdk}/VirtualMachine/{id}/CreateSnapshot_Task"))
            .json(&json!({}))
            .send()
            .await
            .unwrap()
            .status(),
        500
    );
}

#[tokio::test]
async fn ovirt_api() {
    let lab = lab();
    let base = serve(sources::ovirt::router(lab.clone(), "ovirt")).await;
    let http = reqwest::Client::new();
    let api = format!("{base}/ovirt-engine/api");
    assert_eq!(http.get(&api).send().await.unwrap().status(), 401);
    assert_eq!(
        http.get(&api)
            .basic_auth("admin@internal", Some("bad"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let bad = http
        .post(format!("{base}/ovirt-engine/sso/oauth/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("grant_type=password&scope=ovirt-app-api&username=admin%40internal&password=bad")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    assert_eq!(
        bad.json::<Value>().await.unwrap()["error_code"],
        "access_denied"
    );
    let tok: Value = http.post(format!("{base}/ovirt-engine/sso/oauth/token"))
        .header("Content-Type", "application/x-www-form-urlencoded").body("grant_type=password&scope=ovirt-app-api&username=admin%40internal&password=mtv-ovirt-pw")
        .send().await.unwrap().json().await.unwrap();
    let token = tok["access_token"].as_str().unwrap().to_string();
    let get = |path: &str| {
        http.get(format!("{api}{path}"))
            .bearer_auth(&token)
            .header("Accept", "application/json")
            .send()
    };
    let tpls: Value = get("/templates?search=name=mtv-tests-rhel8")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tpls["template"].as_array().unwrap().len(), 1);
    assert_eq!(
        get("/vms").await.unwrap().json::<Value>().await.unwrap()["vm"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    // create a VM from the template
    let r = http.post(format!("{api}/vms")).basic_auth("admin@internal", Some("mtv-ovirt-pw"))
        .json(&json!({"name": "rhel8-clone", "cluster": {"name": "Default"}, "template": {"name": "mtv-tests-rhel8"}})).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let vm: Value = r.json().await.unwrap();
    let id = vm["id"].as_str().unwrap().to_string();
    assert_eq!(vm["status"], "down");
    assert_eq!(vm["cpu"]["topology"]["cores"], "2");
    let dup = http.post(format!("{api}/vms")).bearer_auth(&token)
        .json(&json!({"name": "rhel8-clone", "cluster": {"name": "Default"}, "template": {"name": "mtv-tests-rhel8"}})).send().await.unwrap();
    assert_eq!(dup.status(), 409);
    // start / start again / stop
    let act = |a: &str| {
        http.post(format!("{api}/vms/{id}/{a}"))
            .bearer_auth(&token)
            .json(&json!({}))
            .send()
    };
    assert_eq!(act("start").await.unwrap().status(), 200);
    let again = act("start").await.unwrap();
    assert_eq!(again.status(), 409);
    assert_eq!(
        again.json::<Value>().await.unwrap()["reason"],
        "Operation Failed"
    );
    let dev: Value = get(&format!("/vms/{id}/reporteddevices"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        dev["reported_device"][0]["ips"]["ip"][0]["address"]
            .as_str()
            .unwrap()
            .starts_with("10.6.48.")
    );
    let del = http
        .delete(format!("{api}/vms/{id}"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), 409);
    assert_eq!(act("stop").await.unwrap().status(), 200);
    // snapshots and disks
    let r = http
        .post(format!("{api}/vms/{id}/snapshots"))
        .bearer_auth(&token)
        .json(&json!({"description": "before", "persist_memorystate": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let sid = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let snaps: Value = get(&format!("/vms/{id}/snapshots"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        snaps["snapshot"].as_array().unwrap().len(),
        2,
        "active + regular"
    );
    assert_eq!(
        http.delete(format!("{api}/vms/{id}/snapshots/{sid}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let r = http.post(format!("{api}/vms/{id}/diskattachments")).bearer_auth(&token)
        .json(&json!({"bootable": false, "interface": "virtio_scsi", "active": true,
            "disk": {"format": "cow", "provisioned_size": 10u64 << 30, "sparse": true, "storage_domains": {"storage_domain": [{"name": "mtv-data"}]}}}))
        .send().await.unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(lab.find_vm("ovirt", &id).unwrap().disks.len(), 2);
    assert_eq!(
        http.delete(format!("{api}/vms/{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(get(&format!("/vms/{id}")).await.unwrap().status(), 404);
}

#[tokio::test]
async fn openstack_api() {
    let lab = lab();
    let base = serve(sources::openstack::router(lab.clone(), "openstack")).await;
    let http = reqwest::Client::new();
    let auth = |pw: &str| {
        json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "mtv-admin", "domain": {"name": "Default"}, "password": pw}}},
        "scope": {"project": {"name": "mtv-qe", "domain": {"id": "default"}}}}})
    };
    let bad = http
        .post(format!("{base}/v3/auth/tokens"))
        .json(&auth("nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    assert_eq!(bad.json::<Value>().await.unwrap()["error"]["code"], 401);
    let r = http
        .post(format!("{base}/v3/auth/tokens"))
        .json(&auth("mtv-openstack-pw"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let token = r.headers()["x-subject-token"].to_str().unwrap().to_string();
    let body: Value = r.json().await.unwrap();
    let compute = body["token"]["catalog"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "compute")
        .unwrap()["endpoints"][0]["url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(compute.starts_with(&base) && compute.ends_with("/compute/v2.1"));
    assert_eq!(
        http.get(format!("{compute}/servers"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let get = |url: String| http.get(url).header("X-Auth-Token", &token).send();
    let list: Value = get(format!("{compute}/servers/detail?name=^mtv-tests-rhel8$"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["servers"].as_array().unwrap().len(), 1);
    let srv = &list["servers"][0];
    assert_eq!(srv["status"], "SHUTOFF");
    let id = srv["id"].as_str().unwrap().to_string();
    let action = |body: Value| {
        http.post(format!("{compute}/servers/{id}/action"))
            .header("X-Auth-Token", &token)
            .json(&body)
            .send()
    };
    assert_eq!(
        action(json!({"os-start": null})).await.unwrap().status(),
        202
    );
    let again = action(json!({"os-start": null})).await.unwrap();
    assert_eq!(again.status(), 409);
    assert_eq!(
        again.json::<Value>().await.unwrap()["conflictingRequest"]["code"],
        409
    );
    assert_eq!(
        action(json!({"os-stop": null})).await.unwrap().status(),
        202
    );
    assert_eq!(
        lab.find_vm("openstack", &id).unwrap().power,
        PowerState::Off
    );
    // snapshot → image → boot a clone from it → delete both
    let r = action(json!({"createImage": {"name": "rhel8-snap"}}))
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    let image = r.json::<Value>().await.unwrap()["image_id"]
        .as_str()
        .unwrap()
        .to_string();
    let img: Value = get(format!("{base}/image/v2/images/{image}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(img["status"], "active");
    let r = http.post(format!("{compute}/servers")).header("X-Auth-Token", &token)
        .json(&json!({"server": {"name": "rhel8-clone", "flavorRef": "x", "imageRef": image, "networks": "auto"}})).send().await.unwrap();
    assert_eq!(r.status(), 202);
    let clone_id = r.json::<Value>().await.unwrap()["server"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let clone: Value = get(format!("{compute}/servers/{clone_id}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clone["server"]["name"], "rhel8-clone");
    assert_eq!(
        clone["server"]["os-extended-volumes:volumes_attached"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let vols: Value = get(format!("{base}/volume/v3/x/volumes/detail"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        vols["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["attachments"][0]["server_id"] == clone_id.as_str())
    );
    assert_eq!(
        http.delete(format!("{compute}/servers/{clone_id}"))
            .header("X-Auth-Token", &token)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        get(format!("{compute}/servers/{clone_id}"))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        http.delete(format!("{base}/image/v2/images/{image}"))
            .header("X-Auth-Token", &token)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(
        get(format!("{base}/image/v2/images/{image}"))
            .await
            .unwrap()
            .status(),
        404
    );
}

/// A VI/JSON session: `(client, session id, sdk base URL)`.
async fn vi_login(base: &str) -> (reqwest::Client, String, String) {
    let http = reqwest::Client::new();
    let sdk = format!("{base}/sdk/vim25/8.0.3.0");
    let ok = http
        .post(format!("{sdk}/SessionManager/SessionManager/Login"))
        .json(&json!({"userName": "administrator@vsphere.local", "password": "mtv-vsphere-pw"}))
        .send()
        .await
        .unwrap();
    let sid = ok.headers()["vmware-api-session-id"]
        .to_str()
        .unwrap()
        .to_string();
    (http, sid, sdk)
}

/// Runs a VM task method and returns its `TaskInfo`.
async fn vi_task(
    (http, sid, sdk): &(reqwest::Client, String, String),
    vm: &str,
    method: &str,
    body: Value,
) -> Value {
    let t: Value = http
        .post(format!("{sdk}/VirtualMachine/{vm}/{method}"))
        .header("vmware-api-session-id", sid)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    http.get(format!("{sdk}/Task/{}/info", t["value"].as_str().unwrap()))
        .header("vmware-api-session-id", sid)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn rdm_change(backing: Value) -> Value {
    json!({"spec": {"deviceChange": [{"operation": "add", "fileOperation": "create",
        "device": {"_typeName": "VirtualDisk", "key": -101, "capacityInBytes": 0, "capacityInKB": 0, "backing": backing}}]}})
}

#[tokio::test]
async fn vsphere_vi_json_raw_device_mappings() {
    let lab = lab();
    let base = serve(sources::vsphere::router(lab.clone(), "vsphere")).await;
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
    let (http, sid, sdk) = &s;
    let cfg: Value = http
        .get(format!("{sdk}/VirtualMachine/{}/config", vm.id))
        .header("vmware-api-session-id", sid)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
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
