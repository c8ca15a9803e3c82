//! The oVirt REST API: basic and SSO auth, templates, VM clone, power actions and their
//! conflicts, reported devices, snapshots, disk attachments, delete.

use reqwest::Method;
use serde_json::{Value, json};

use super::start;
use crate::harness::http::Session;
use mtvt_sim::sources;

/// `POST /ovirt-engine/sso/oauth/token` for `admin@internal` with `password`.
async fn sso_token(base: &str, password: &str) -> reqwest::Response {
    Session::new(base)
        .request(Method::POST, "/ovirt-engine/sso/oauth/token")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!(
            "grant_type=password&scope=ovirt-app-api&username=admin%40internal&password={password}"
        ))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn ovirt_api() {
    let (lab, base) = start(sources::ovirt::router, "ovirt").await;
    let anon = Session::new(&format!("{base}/ovirt-engine/api"));
    assert_eq!(anon.get("").await.status(), 401);
    let basic = |pw: &str| {
        anon.request(Method::GET, "")
            .basic_auth("admin@internal", Some(pw))
            .send()
    };
    assert_eq!(basic("bad").await.unwrap().status(), 401);
    let bad = sso_token(&base, "bad").await;
    assert_eq!(bad.status(), 400);
    assert_eq!(
        bad.json::<Value>().await.unwrap()["error_code"],
        "access_denied"
    );
    let tok: Value = sso_token(&base, "mtv-ovirt-pw").await.json().await.unwrap();
    let token = tok["access_token"].as_str().unwrap();
    let api = anon
        .clone()
        .bearer(token)
        .header("Accept", "application/json");
    let tpls = api.get_json("/templates?search=name=mtv-tests-rhel8").await;
    assert_eq!(tpls["template"].as_array().unwrap().len(), 1);
    assert_eq!(
        api.get_json("/vms").await["vm"].as_array().unwrap().len(),
        0
    );
    // create a VM from the template
    let clone = json!({"name": "rhel8-clone", "cluster": {"name": "Default"}, "template": {"name": "mtv-tests-rhel8"}});
    let r = anon
        .request(Method::POST, "/vms")
        .basic_auth("admin@internal", Some("mtv-ovirt-pw"))
        .json(&clone)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let vm: Value = r.json().await.unwrap();
    let id = vm["id"].as_str().unwrap().to_string();
    assert_eq!(vm["status"], "down");
    assert_eq!(vm["cpu"]["topology"]["cores"], "2");
    let dup = api.post("/vms", &clone).await;
    assert_eq!(dup.status(), 409);
    // start / start again / stop
    let act = |a: &str| api.post_owned(format!("/vms/{id}/{a}"), json!({}));
    assert_eq!(act("start").await.status(), 200);
    let again = act("start").await;
    assert_eq!(again.status(), 409);
    assert_eq!(
        again.json::<Value>().await.unwrap()["reason"],
        "Operation Failed"
    );
    let dev = api.get_json(&format!("/vms/{id}/reporteddevices")).await;
    assert!(
        dev["reported_device"][0]["ips"]["ip"][0]["address"]
            .as_str()
            .unwrap()
            .starts_with("10.6.48.")
    );
    let del = api.delete(&format!("/vms/{id}")).await;
    assert_eq!(del.status(), 409);
    assert_eq!(act("stop").await.status(), 200);
    // snapshots and disks
    let r = api
        .post(
            &format!("/vms/{id}/snapshots"),
            &json!({"description": "before", "persist_memorystate": false}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let sid = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let snaps = api.get_json(&format!("/vms/{id}/snapshots")).await;
    assert_eq!(
        snaps["snapshot"].as_array().unwrap().len(),
        2,
        "active + regular"
    );
    assert_eq!(
        api.delete(&format!("/vms/{id}/snapshots/{sid}"))
            .await
            .status(),
        200
    );
    let r = api.post(&format!("/vms/{id}/diskattachments"), &json!({"bootable": false, "interface": "virtio_scsi", "active": true,
            "disk": {"format": "cow", "provisioned_size": 10u64 << 30, "sparse": true, "storage_domains": {"storage_domain": [{"name": "mtv-data"}]}}}))
        .await;
    assert_eq!(r.status(), 201);
    assert_eq!(lab.find_vm("ovirt", &id).unwrap().disks.len(), 2);
    assert_eq!(api.delete(&format!("/vms/{id}")).await.status(), 200);
    assert_eq!(api.get(&format!("/vms/{id}")).await.status(), 404);
}
