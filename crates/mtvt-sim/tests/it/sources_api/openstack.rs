//! The OpenStack APIs: Keystone tokens and catalog, Nova servers and actions, Glance images,
//! Cinder volumes.

use mtvt_sim::lab::PowerState;
use mtvt_sim::sources;
use serde_json::{Value, json};

use super::start;
use crate::harness::http::Session;

#[tokio::test]
async fn openstack_api() {
    let (lab, base) = start(sources::openstack::router, "openstack").await;
    let anon = Session::new(&base);
    let auth = |pw: &str| {
        json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "mtv-admin", "domain": {"name": "Default"}, "password": pw}}},
        "scope": {"project": {"name": "mtv-qe", "domain": {"id": "default"}}}}})
    };
    let bad = anon.post("/v3/auth/tokens", &auth("nope")).await;
    assert_eq!(bad.status(), 401);
    assert_eq!(bad.json::<Value>().await.unwrap()["error"]["code"], 401);
    let r = anon
        .post("/v3/auth/tokens", &auth("mtv-openstack-pw"))
        .await;
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
    assert_eq!(anon.at(&compute).get("/servers").await.status(), 401);
    let api = anon.header("X-Auth-Token", &token);
    let nova = api.at(&compute);
    let list = nova
        .get_json("/servers/detail?name=^mtv-tests-rhel8$")
        .await;
    assert_eq!(list["servers"].as_array().unwrap().len(), 1);
    let srv = &list["servers"][0];
    assert_eq!(srv["status"], "SHUTOFF");
    let id = srv["id"].as_str().unwrap().to_string();
    let action = |body: Value| nova.post_owned(format!("/servers/{id}/action"), body);
    assert_eq!(action(json!({"os-start": null})).await.status(), 202);
    let again = action(json!({"os-start": null})).await;
    assert_eq!(again.status(), 409);
    assert_eq!(
        again.json::<Value>().await.unwrap()["conflictingRequest"]["code"],
        409
    );
    assert_eq!(action(json!({"os-stop": null})).await.status(), 202);
    assert_eq!(
        lab.find_vm("openstack", &id).unwrap().power,
        PowerState::Off
    );
    // snapshot → image → boot a clone from it → delete both
    let r = action(json!({"createImage": {"name": "rhel8-snap"}})).await;
    assert_eq!(r.status(), 202);
    let image = r.json::<Value>().await.unwrap()["image_id"]
        .as_str()
        .unwrap()
        .to_string();
    let img = api.get_json(&format!("/image/v2/images/{image}")).await;
    assert_eq!(img["status"], "active");
    let r = nova.post("/servers", &json!({"server": {"name": "rhel8-clone", "flavorRef": "x", "imageRef": image, "networks": "auto"}})).await;
    assert_eq!(r.status(), 202);
    let clone_id = r.json::<Value>().await.unwrap()["server"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let clone = nova.get_json(&format!("/servers/{clone_id}")).await;
    assert_eq!(clone["server"]["name"], "rhel8-clone");
    assert_eq!(
        clone["server"]["os-extended-volumes:volumes_attached"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let vols = api.get_json("/volume/v3/x/volumes/detail").await;
    assert!(
        vols["volumes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["attachments"][0]["server_id"] == clone_id.as_str())
    );
    assert_eq!(
        nova.delete(&format!("/servers/{clone_id}")).await.status(),
        204
    );
    assert_eq!(
        nova.get(&format!("/servers/{clone_id}")).await.status(),
        404
    );
    assert_eq!(
        api.delete(&format!("/image/v2/images/{image}"))
            .await
            .status(),
        204
    );
    assert_eq!(
        api.get(&format!("/image/v2/images/{image}")).await.status(),
        404
    );
}
