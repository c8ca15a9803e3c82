//! The vSphere Automation REST API: sessions, VM list/get, guest info, power, clone, disks,
//! delete, logout.

use reqwest::Method;
use serde_json::{Value, json};

use super::start;
use crate::harness::http::Session;
use mtvt_sim::sources;

const USER: &str = "administrator@vsphere.local";

#[tokio::test]
async fn vsphere_automation_api() {
    let (lab, base) = start(sources::vsphere::router, "vsphere").await;
    let anon = Session::new(&base);
    // auth
    let bad = anon
        .request(Method::POST, "/api/session")
        .basic_auth(USER, Some("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["error_type"], "UNAUTHENTICATED");
    assert_eq!(anon.get("/api/vcenter/vm").await.status(), 401);
    let resp = anon
        .request(Method::POST, "/api/session")
        .basic_auth(USER, Some("mtv-vsphere-pw"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let sid: String = resp.json().await.unwrap();
    let api = anon.clone().header("vmware-api-session-id", &sid);
    // list / get
    let vms = api.get_json("/api/vcenter/vm?names=mtv-tests-rhel8").await;
    assert_eq!(vms.as_array().unwrap().len(), 1);
    assert_eq!(vms[0]["vm"], "vm-1001");
    assert_eq!(vms[0]["power_state"], "POWERED_OFF");
    let info = api.get_json("/api/vcenter/vm/vm-1001").await;
    assert_eq!(info["guest_OS"], "RHEL_8_64");
    assert_eq!(info["disks"]["2000"]["backing"]["type"], "VMDK_FILE");
    assert_eq!(
        info["nics"]["4000"]["backing"]["network_name"],
        "VM Network"
    );
    assert_eq!(api.get("/api/vcenter/vm/vm-9").await.status(), 404);
    // guest info needs tools running
    let r = api.get("/api/vcenter/vm/vm-1001/guest/identity").await;
    assert_eq!(r.status(), 503);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error_type"],
        "SERVICE_UNAVAILABLE"
    );
    // power
    let power = |action: &str| {
        api.request(
            Method::POST,
            &format!("/api/vcenter/vm/vm-1001/power?action={action}"),
        )
        .send()
    };
    assert_eq!(power("start").await.unwrap().status(), 204);
    let again = power("start").await.unwrap();
    assert_eq!(again.status(), 400);
    assert_eq!(
        again.json::<Value>().await.unwrap()["error_type"],
        "ALREADY_IN_DESIRED_STATE"
    );
    let ident = api.get_json("/api/vcenter/vm/vm-1001/guest/identity").await;
    assert_eq!(ident["ip_address"], "10.6.46.21");
    assert_eq!(ident["family"], "LINUX");
    let ifs = api
        .get_json("/api/vcenter/vm/vm-1001/guest/networking/interfaces")
        .await;
    assert_eq!(ifs[0]["ip"]["ip_addresses"][0]["prefix_length"], 24);
    let tools = api.get_json("/api/vcenter/vm/vm-1001/tools").await;
    assert_eq!(tools["run_state"], "RUNNING");
    // delete while on is refused
    let del = api.delete("/api/vcenter/vm/vm-1001").await;
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
    let tpl = api
        .get_json("/api/vcenter/vm?names=xcopy-template-test")
        .await;
    let tpl_id = tpl[0]["vm"].as_str().unwrap().to_string();
    let spec = json!({"source": tpl_id, "name": "xcopy-clone-1", "placement": {"datastore": non, "folder": "group-v40"}});
    let r = api.post("/api/vcenter/vm?action=clone", &spec).await;
    assert_eq!(r.status(), 200);
    let clone_id: String = r.json().await.unwrap();
    let dup = api.post("/api/vcenter/vm?action=clone", &spec).await;
    assert_eq!(dup.status(), 400);
    assert_eq!(
        dup.json::<Value>().await.unwrap()["error_type"],
        "ALREADY_EXISTS"
    );
    let c = lab.find_vm("vsphere", &clone_id).unwrap();
    assert!(c.disks.iter().all(|d| d.datastore == non));
    // add a disk through the Automation API
    let r = api
        .post(
            &format!("/api/vcenter/vm/{clone_id}/hardware/disk"),
            &json!({"type": "SCSI", "new_vmdk": {"capacity": 1u64 << 30}}),
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<String>().await.unwrap(), "2001");
    // delete the clone
    let del = api.delete(&format!("/api/vcenter/vm/{clone_id}")).await;
    assert_eq!(del.status(), 204);
    assert!(lab.find_vm("vsphere", &clone_id).is_err());
    // logout
    assert_eq!(api.delete("/api/session").await.status(), 204);
    assert_eq!(api.get("/api/vcenter/vm").await.status(), 401);
}
