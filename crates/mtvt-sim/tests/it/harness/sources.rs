//! Changing lab VMs through the source APIs of an emulator, as the suite's own harness does:
//! cloning an oVirt template, powering a vSphere VM on, enabling CBT on one, any VI/JSON call.

use serde_json::json;

use super::env::Env;
use super::http::Session;

/// oVirt lab VMs are templates: clone one through the oVirt API.
pub async fn ovirt_clone(env: &Env, template: &str, name: &str) {
    let p = env.profile("ovirt");
    let r = reqwest::Client::new()
        .post(format!("{}/vms", p["api_url"].as_str().unwrap()))
        .basic_auth(p["username"].as_str().unwrap(), p["password"].as_str())
        .json(
            &json!({"name": name, "cluster": {"name": "Default"}, "template": {"name": template}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
}

/// Powers a vSphere lab VM on through the vSphere Automation API.
pub async fn vsphere_power_on(env: &Env, vm_id: &str) {
    let p = env.profile("vsphere");
    let base = p["api_url"].as_str().unwrap().trim_end_matches("/sdk");
    let sid: String = reqwest::Client::new()
        .post(format!("{base}/api/session"))
        .basic_auth(p["username"].as_str().unwrap(), p["password"].as_str())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let api = Session::new(base).header("vmware-api-session-id", &sid);
    let r = api
        .request(
            reqwest::Method::POST,
            &format!("/api/vcenter/vm/{vm_id}/power?action=start"),
        )
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{}", r.status());
}

/// Enables CBT through the vSphere VI/JSON API.
pub async fn vsphere_enable_cbt(env: &Env, vm_id: &str) {
    vsphere_vi(
        env,
        &format!("VirtualMachine/{vm_id}/ReconfigVM_Task"),
        json!({"spec": {"changeTrackingEnabled": true}}),
    )
    .await;
}

/// A VI/JSON call (`POST <sdk>/vim25/8.0.3.0/<path>`) as the lab administrator; asserts it
/// was accepted and, for a `*_Task` method, that the task succeeded (tasks finish at once).
pub async fn vsphere_vi(env: &Env, path: &str, body: serde_json::Value) {
    let p = env.profile("vsphere");
    let sdk = format!("{}/vim25/8.0.3.0", p["api_url"].as_str().unwrap());
    let login = Session::new(&sdk)
        .post(
            "/SessionManager/SessionManager/Login",
            &json!({"userName": p["username"], "password": p["password"]}),
        )
        .await;
    let sid = login.headers()["vmware-api-session-id"].to_str().unwrap();
    let s = Session::new(&sdk).header("vmware-api-session-id", sid);
    let r = s.post(&format!("/{path}"), &body).await;
    assert!(r.status().is_success(), "{}", r.text().await.unwrap());
    if path.ends_with("_Task") {
        let task: serde_json::Value = r.json().await.unwrap();
        let info = s
            .get_json(&format!("/Task/{}/info", task["value"].as_str().unwrap()))
            .await;
        assert_eq!(info["state"], "success", "{path}: {info}");
    }
}
