//! How an executing migration ends early (fidelity-review rows 6 and 9): a deleted Migration
//! (pkg/controller/plan/controller.go:437-455, 486-492, 704-737) and a validation blocker that
//! stands for the grace period (controller.go:395-400, 539-600).

use mtvt_sim::emulator::EmulatorOptions;
use mtvt_sim::lab::{FaultAction, FaultRule, Lab};
use serde_json::{Value, json};

use crate::harness::*;

fn snapshot(plan: &Value) -> Value {
    plan["status"]["migration"]["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone()
}

fn snap_cond<'a>(snap: &'a Value, kind: &str) -> Option<&'a Value> {
    snap["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind)
}

fn the_vm(plan: &Value) -> Value {
    plan["status"]["migration"]["vms"][0].clone()
}

fn vm_cond<'a>(vm: &'a Value, kind: &str) -> Option<&'a Value> {
    vm["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind)
}

/// Deleting the active Migration: the snapshot gets `Canceled` (reason Deleted, "The migration
/// has been deleted.") and loses `Executing`; a VM that neither succeeded nor failed gets
/// `Canceled` with reason `Modified` and "The migration has been canceled.", is completed and
/// keeps its phase; the plan only loses `Executing` — no Succeeded/Failed/Canceled and no
/// `completed` (controller.go:437-455, 486-492, 704-737; migration.go:419-460).
#[tokio::test]
async fn deleting_the_active_migration_cancels_its_snapshot_and_vms_only() {
    let env = Env::start().await;
    let s = standard_plan(&env, "d", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({})).await;
    env.wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "Executing"))
        .await;
    env.api(MIGRATION, Some(&s.ns))
        .delete("m", &Default::default())
        .await
        .unwrap();
    let plan = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| {
            snap_cond(&snapshot(p), "Canceled").is_some()
        })
        .await;
    let snap = snapshot(&plan);
    let c = snap_cond(&snap, "Canceled").unwrap();
    assert_eq!(
        (&c["reason"], &c["message"]),
        (&json!("Deleted"), &json!("The migration has been deleted."))
    );
    assert!(snap_cond(&snap, "Executing").is_none());
    for t in ["Executing", "Succeeded", "Failed", "Canceled"] {
        assert!(!has(&plan, t), "the plan has {t}");
    }
    assert!(plan["status"]["migration"].get("completed").is_none());
    let vm = the_vm(&plan);
    let c = vm_cond(&vm, "Canceled").expect("the VM is canceled");
    assert_eq!(
        (&c["reason"], &c["message"]),
        (
            &json!("Modified"),
            &json!("The migration has been canceled.")
        )
    );
    assert!(vm["completed"].is_string());
    assert_ne!(vm["phase"], "Completed", "the VM keeps its phase");
    env.emu.shutdown().await;
}

/// A blocker appearing during execution pauses it (no VM moves on) and, once it stood for
/// the grace period (5 virtual minutes), the snapshot, the plan and the in-flight VM get
/// `Failed` "The migration has FAILED due to a validation blocker: <its message>"; the VM's
/// error is that message at its phase and no step has an error (controller.go:395-400,
/// 539-600). The blocker here: the source provider becomes unreachable when the VM enters
/// `ImageConversion` (a lab `source_outage` fault), so the plan gets
/// `SourceProviderNotReady`.
#[tokio::test]
async fn a_blocker_standing_for_the_grace_period_fails_the_migration() {
    let mut lab = Lab::default_lab().unwrap();
    lab.faults.rules.push(FaultRule {
        vm: "mtv-tests-rhel8".into(),
        plan: None,
        step: "ImageConversion".into(),
        action: FaultAction::Outage { duration: None },
        probability: 1.0,
    });
    let env = Env::with(EmulatorOptions {
        lab: Some(lab),
        ..Default::default()
    })
    .await;
    let s = standard_plan(&env, "b", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({})).await;
    let blocked = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| {
            has(p, "Executing") && has(p, "SourceProviderNotReady")
        })
        .await;
    let paused_at = the_vm(&blocked)["phase"].clone();
    let plan = env
        .wait(PLAN, &s.ns, &s.plan, 20, |p| has(p, "Failed"))
        .await;
    let failed = cond(&plan, "Failed").unwrap();
    let msg = failed["message"].as_str().unwrap().to_string();
    assert!(
        msg.starts_with("The migration has FAILED due to a validation blocker: ")
            && msg.contains("The source provider does not have a Ready condition."),
        "{msg}"
    );
    assert!(!has(&plan, "Executing"));
    let since = |c: &Value| {
        chrono::DateTime::parse_from_rfc3339(c["lastTransitionTime"].as_str().unwrap()).unwrap()
    };
    let blocker = cond(&plan, "SourceProviderNotReady").unwrap();
    assert!(since(failed) - since(blocker) >= chrono::Duration::minutes(5));
    let snap = snapshot(&plan);
    assert_eq!(snap_cond(&snap, "Failed").unwrap()["message"], msg);
    assert!(snap_cond(&snap, "Executing").is_none());
    assert!(plan["status"]["migration"]["completed"].is_string());
    let vm = the_vm(&plan);
    assert_eq!(vm_cond(&vm, "Failed").unwrap()["message"], msg);
    assert_eq!(vm["phase"], "Completed");
    assert_eq!(vm["error"], json!({"phase": paused_at, "reasons": [msg]}));
    assert!(
        vm["pipeline"]
            .as_array()
            .unwrap()
            .iter()
            .all(|st| st.get("error").is_none()),
        "no step error"
    );
    assert!(
        env.list(VM, &s.ns).await.is_empty(),
        "the paused VM never reached CreateVM"
    );
    env.emu.shutdown().await;
}

/// Canceling a VM deletes its VirtualMachine, DataVolumes and PVCs only when the plan (or the
/// VM) has `deleteVmOnFailMigration` (CRD default true); pods go always
/// (migration.go:419-460, 474-495). The canceled VM is completed, and so is every step that
/// started.
#[tokio::test]
async fn cancel_cleanup_honours_delete_vm_on_fail_migration() {
    let env = Env::with(EmulatorOptions {
        time_scale: 60.0,
        ..Default::default()
    })
    .await;
    let s = standard_plan(
        &env,
        "k",
        "vsphere",
        &["mtv-tests-rhel8"],
        json!({"deleteVmOnFailMigration": false}),
    )
    .await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({})).await;
    let mut tries = 0;
    while env.list(PVC, &s.ns).await.is_empty() {
        tries += 1;
        assert!(tries < 200, "no PVC was created");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    env.patch(
        MIGRATION,
        &s.ns,
        "m",
        json!({"spec": {"cancel": [{"id": s.vm_ids[0]}]}}),
    )
    .await;
    let plan = finished(&env, &s, 20).await;
    let vm = the_vm(&plan);
    assert_eq!(vm_cond(&vm, "Canceled").unwrap()["reason"], "UserRequested");
    assert!(vm["completed"].is_string());
    for st in vm["pipeline"].as_array().unwrap() {
        if st.get("started").is_some() {
            assert!(st["completed"].is_string(), "started step completed: {st}");
        }
    }
    assert!(
        !env.list(PVC, &s.ns).await.is_empty(),
        "deleteVmOnFailMigration: false keeps the disks"
    );
    assert!(
        env.list(POD, &s.ns)
            .await
            .iter()
            .all(|p| p["metadata"]["labels"]["vmID"] != s.vm_ids[0].as_str()),
        "the VM's pods go"
    );
    env.emu.shutdown().await;
}
