//! The inventory and its collectors (fidelity-review rows 8 and 16): requests for a provider
//! whose collector has no parity wait 10 s and are answered 206 with no body
//! (pkg/controller/provider/web/base/handler.go:102-118; pkg/lib/inventory/web/handler.go
//! :71-92); a Provider or Secret change rebuilds the collector (pkg/controller/provider/
//! controller.go updateContainer); only providers with a collector are listed or served
//! (pkg/controller/provider/web/vsphere/provider.go:91-118).

use mtvt_sim::emulator::EmulatorOptions;
use mtvt_sim::lab::Lab;
use serde_json::json;

use super::{condition, inventory_raw};
use crate::harness::*;

/// A new collector loads for 120 virtual seconds (the lab's `inventory_parity_seconds`):
/// until then the Provider has `LoadInventory` (not Ready) and each request for it waits 10 s
/// and gets 206 with an empty body; then 200. Changing its Secret rebuilds the collector: the
/// Provider loses Ready and requests get 206 again until the new load ends
/// (validation.go inventoryCreated; controller.go updateContainer).
#[tokio::test]
async fn a_collector_without_parity_answers_206_with_no_body() {
    let mut lab = Lab::default_lab().unwrap();
    lab.faults.inventory_parity = Some(std::time::Duration::from_secs(120));
    let env = Env::with(EmulatorOptions {
        lab: Some(lab),
        ..Default::default()
    })
    .await;
    namespace(&env, "p").await;
    source_provider(&env, "p", "vsphere", "src").await;
    let p = env
        .wait(PROVIDER, "p", "src", 10, |o| has(o, "LoadInventory"))
        .await;
    assert!(!has(&p, "Ready"));
    let uid = p["metadata"]["uid"].as_str().unwrap().to_string();
    let clock = env.emu.lab().clock().clone();
    let asked = clock.now();
    let (status, body) = inventory_raw(&env, &format!("providers/vsphere/{uid}/vms")).await;
    let waited = clock.now() - asked;
    assert_eq!(status, 206);
    assert!(body.is_empty(), "206 has no body: {body:?}");
    assert!(waited >= chrono::Duration::seconds(10), "waited {waited}");
    let p = ready(&env, PROVIDER, "p", "src").await;
    assert!(has(&p, "InventoryCreated"));
    let (status, _) = inventory_raw(&env, &format!("providers/vsphere/{uid}/vms")).await;
    assert_eq!(status, 200);
    // A Secret change rebuilds the collector.
    env.patch(
        SECRET,
        "p",
        "src-secret",
        json!({"metadata": {"labels": {"rotated": "yes"}}}),
    )
    .await;
    env.wait(PROVIDER, "p", "src", 10, |o| {
        has(o, "LoadInventory") && !has(o, "Ready")
    })
    .await;
    let (status, body) = inventory_raw(&env, &format!("providers/vsphere/{uid}/vms")).await;
    assert_eq!((status, body.len()), (206, 0));
    ready(&env, PROVIDER, "p", "src").await;
    env.emu.shutdown().await;
}

/// A Provider whose connection test never succeeded has no collector: `/providers/<type>`
/// does not list it and its inventory answers 404 `X-Reason: ProviderNotFound`
/// (web/vsphere/provider.go:91-118; web/base/handler.go:105-110).
#[tokio::test]
async fn a_provider_without_a_collector_is_not_served() {
    let env = Env::start().await;
    namespace(&env, "t").await;
    let p = env.profile("vsphere");
    env.create(SECRET, "t", json!({"metadata": {"name": "bad"}, "stringData": {"user": p["username"], "password": "nope", "insecureSkipVerify": "true"}})).await;
    env.create(PROVIDER, "t", json!({"metadata": {"name": "badcreds"}, "spec": {"type": "vsphere", "url": p["api_url"], "secret": {"name": "bad", "namespace": "t"}}})).await;
    let bad = env
        .wait(PROVIDER, "t", "badcreds", 10, |o| {
            condition(o, "ConnectionAuthFailed").is_some()
        })
        .await;
    let listed = inventory(&env, "providers/vsphere?namespace=t").await;
    assert_eq!(
        listed,
        json!([]),
        "only providers with a collector are listed"
    );
    let uid = bad["metadata"]["uid"].as_str().unwrap();
    let (status, _) = inventory_raw(&env, &format!("providers/vsphere/{uid}/vms")).await;
    assert_eq!(status, 404);
    env.emu.shutdown().await;
}
