//! The Migration's own status (fidelity-review row 13; pkg/controller/migration/
//! controller.go:185-230, validation.go:84-90).

use mtvt_sim::emulator::EmulatorOptions;
use mtvt_sim::lab::{FaultAction, FaultRule, Lab};
use serde_json::{Value, json};

use super::condition;
use crate::harness::*;

fn message(m: &Value, kind: &str) -> String {
    condition(m, kind).unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A running Migration is "The migration is RUNNING." and ends "The migration has
/// SUCCEEDED." with its own `started` and `completed`.
#[tokio::test]
async fn the_migration_reports_its_own_messages() {
    let env = Env::start().await;
    let s = standard_plan(&env, "m", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m1", json!({})).await;
    let running = env
        .wait(MIGRATION, &s.ns, "m1", 10, |m| has(m, "Running"))
        .await;
    assert_eq!(message(&running, "Running"), "The migration is RUNNING.");
    assert!(running["status"]["started"].is_string());
    let done = env
        .wait(MIGRATION, &s.ns, "m1", 20, |m| has(m, "Succeeded"))
        .await;
    assert_eq!(message(&done, "Succeeded"), "The migration has SUCCEEDED.");
    assert!(done["status"]["started"].is_string() && done["status"]["completed"].is_string());
    assert!(!has(&done, "Running"));
    env.emu.shutdown().await;
}

/// A Migration whose plan is not Ready: `PlanNotReady` (NotFound) and no `Ready`.
#[tokio::test]
async fn a_migration_of_a_plan_without_ready_is_plan_not_ready() {
    let env = Env::start().await;
    namespace(&env, "n").await;
    env.create(
        PLAN,
        "n",
        json!({"metadata": {"name": "p"}, "spec": {"provider": {"source": {"name": "host", "namespace": MTV}, "destination": {"name": "host", "namespace": MTV}}, "map": {"network": {"name": "x", "namespace": "n"}, "storage": {"name": "y", "namespace": "n"}}, "targetNamespace": "n", "vms": []}}),
    )
    .await;
    env.create(
        MIGRATION,
        "n",
        json!({"metadata": {"name": "m"}, "spec": {"plan": {"name": "p", "namespace": "n"}}}),
    )
    .await;
    let m = env
        .wait(MIGRATION, "n", "m", 10, |m| {
            condition(m, "PlanNotReady").is_some()
        })
        .await;
    let c = condition(&m, "PlanNotReady").unwrap();
    assert_eq!(
        (&c["category"], &c["reason"], &c["message"]),
        (
            &json!("Critical"),
            &json!("NotFound"),
            &json!("The `plan` does not have Ready condition.")
        )
    );
    assert!(!has(&m, "Ready"));
    env.emu.shutdown().await;
}

/// A failed plan's Migration says "The migration has FAILED." (not the plan's text).
#[tokio::test]
async fn a_failed_migration_says_the_migration_has_failed() {
    let mut lab = Lab::default_lab().unwrap();
    lab.faults.rules.push(FaultRule {
        vm: "*".into(),
        plan: None,
        step: "VirtualMachineCreation".into(),
        action: FaultAction::Fail {
            message: "boom".into(),
        },
        probability: 1.0,
    });
    let env = Env::with(EmulatorOptions {
        lab: Some(lab),
        ..Default::default()
    })
    .await;
    let s = standard_plan(&env, "f", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({})).await;
    let m = env
        .wait(MIGRATION, &s.ns, "m", 20, |m| has(m, "Failed"))
        .await;
    assert_eq!(message(&m, "Failed"), "The migration has FAILED.");
    assert!(m["status"]["completed"].is_string());
    env.emu.shutdown().await;
}
