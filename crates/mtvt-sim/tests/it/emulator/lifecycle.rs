//! §6.5, 7, 15, 18: migration matching and re-runs, a multi-VM plan where one VM fails (a
//! lab step fault), cancel, archive, plan deletion (deleting the active Migration: the
//! fidelity suite's `execution`).

use serde_json::{Value, json};

use crate::harness::*;
use mtvt_sim::emulator::EmulatorOptions;
use mtvt_sim::lab::{FaultAction, FaultRule, Lab};

fn vm_status<'a>(plan: &'a Value, name: &str) -> &'a Value {
    plan["status"]["migration"]["vms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == name)
        .unwrap()
}

fn vm_has(v: &Value, kind: &str) -> bool {
    v["conditions"]
        .as_array()
        .is_some_and(|a| a.iter().any(|c| c["type"] == kind && c["status"] == "True"))
}

#[tokio::test]
async fn one_vm_fails_the_other_succeeds_and_the_plan_fails() {
    let mut lab = Lab::default_lab().unwrap();
    lab.faults.rules.push(FaultRule {
        vm: "mtv-win2019-*".into(),
        plan: None,
        step: "DiskTransferV2v".into(),
        action: FaultAction::Fail {
            message: "disk copy failed".into(),
        },
        probability: 1.0,
    });
    let env = Env::with(EmulatorOptions {
        lab: Some(lab),
        ..Default::default()
    })
    .await;
    let s = standard_plan(
        &env,
        "multi",
        "vsphere",
        &["mtv-tests-rhel8", "mtv-win2019-3disks"],
        json!({}),
    )
    .await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({})).await;
    let plan = finished(&env, &s, 30).await;
    assert!(
        has(&plan, "Failed"),
        "{}",
        serde_json::to_string_pretty(&plan["status"]).unwrap()
    );
    assert_eq!(
        cond(&plan, "Failed").unwrap()["message"],
        "The plan execution has FAILED."
    );
    let ok = vm_status(&plan, "mtv-tests-rhel8");
    assert!(vm_has(ok, "Succeeded"));
    let bad = vm_status(&plan, "mtv-win2019-3disks");
    assert!(vm_has(bad, "Failed"));
    assert_eq!(
        bad["error"],
        json!({"phase": "CopyDisksVirtV2V", "reasons": ["disk copy failed"]})
    );
    let step = bad["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "DiskTransferV2v")
        .unwrap();
    assert_eq!(step["error"]["reasons"][0], "disk copy failed");
    let later = bad["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "VirtualMachineCreation")
        .unwrap();
    assert_eq!(later["phase"], "Pending");
    assert!(
        env.get(MIGRATION, &s.ns, "m").await["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["type"] == "Failed")
    );
    env.emu.shutdown().await;
}

#[tokio::test]
async fn cancel_one_vm_of_a_migration() {
    let env = Env::start().await;
    let s = standard_plan(
        &env,
        "c",
        "vsphere",
        &["mtv-tests-rhel8", "mtv-win2019-3disks"],
        json!({}),
    )
    .await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({"cancel": [{"id": s.vm_ids[1]}]})).await;
    let plan = finished(&env, &s, 30).await;
    assert!(
        has(&plan, "Succeeded"),
        "{}",
        serde_json::to_string_pretty(&plan["status"]).unwrap()
    );
    let c = vm_status(&plan, "mtv-win2019-3disks");
    let cc = c["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["type"] == "Canceled")
        .unwrap();
    assert_eq!(cc["reason"], "UserRequested");
    assert!(env.get(VM, &s.ns, "mtv-tests-rhel8").await.is_object());
    env.emu.shutdown().await;
}

const FAIL: &str = "- hosts: localhost\n  tasks:\n  - fail: {msg: boom}\n";
const OK: &str = "- hosts: localhost\n  tasks:\n  - debug: {msg: fine}\n";

#[tokio::test]
async fn rerun_failed_vms_then_archive_and_delete() {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let env = Env::start().await;
    let s = standard_plan(&env, "r", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    env.create(HOOK, &s.ns, json!({"metadata": {"name": "post"}, "spec": {"image": "quay.io/konveyor/hook-runner", "playbook": b64(FAIL)}})).await;
    ready(&env, HOOK, &s.ns, "post").await;
    env.patch(PLAN, &s.ns, &s.plan, json!({"spec": {"vms": [{"id": s.vm_ids[0], "hooks": [{"hook": {"name": "post", "namespace": "r"}, "step": "PostHook"}]}]}})).await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m1", json!({})).await;
    let plan = finished(&env, &s, 20).await;
    assert!(has(&plan, "Failed"));
    let first_vm = env.get(VM, &s.ns, "mtv-tests-rhel8").await;
    // The VM the PostHook failure left has the source MACs: upstream's MacConflicts sees it
    // (no exclusion of the plan's own VMs, pkg/controller/plan/adapter/base/mac_conflicts.go)
    // and blocks a re-run until it is gone.
    env.wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "MacConflicts"))
        .await;
    env.api(VM, Some(&s.ns))
        .delete("mtv-tests-rhel8", &Default::default())
        .await
        .unwrap();
    ready(&env, PLAN, &s.ns, &s.plan).await;
    // Fix the hook and run again: only the failed VM re-runs.
    env.patch(HOOK, &s.ns, "post", json!({"spec": {"playbook": b64(OK)}}))
        .await;
    migrate(&env, &s, "m2", json!({})).await;
    let plan = env
        .wait(PLAN, &s.ns, &s.plan, 20, |p| has(p, "Succeeded"))
        .await;
    assert!(!has(&plan, "Failed"));
    assert_eq!(
        plan["status"]["migration"]["history"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let vm = env.get(VM, &s.ns, "mtv-tests-rhel8").await;
    assert_ne!(vm["metadata"]["uid"], first_vm["metadata"]["uid"]);
    assert!(has(&env.get(MIGRATION, &s.ns, "m2").await, "Succeeded"));
    // A Succeeded plan is never reconciled again: a third Migration does not run.
    migrate(&env, &s, "m3", json!({})).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(
        env.get(PLAN, &s.ns, &s.plan).await["status"]["migration"]["history"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Archive, then delete the plan: VMs and the PVCs they own stay; archiving deletes the
    // guest-conversion pods (migration.go Archive forces DeleteGuestConversionPod).
    let v2v_pods = |pods: Vec<serde_json::Value>| {
        pods.into_iter()
            .filter(|p| p["metadata"]["labels"]["forklift.app"] == "virt-v2v")
            .count()
    };
    assert_eq!(v2v_pods(env.list(POD, &s.ns).await), 2, "one per run");
    env.patch(PLAN, &s.ns, &s.plan, json!({"spec": {"archived": true}}))
        .await;
    let p = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "Archived"))
        .await;
    assert_eq!(cond(&p, "Archived").unwrap()["reason"], "UserRequested");
    assert!(!has(&p, "Ready"));
    assert_eq!(v2v_pods(env.list(POD, &s.ns).await), 0);
    env.api(PLAN, Some(&s.ns))
        .delete(&s.plan, &Default::default())
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(env.get(VM, &s.ns, "mtv-tests-rhel8").await.is_object());
    let pvcs = env.list(PVC, &s.ns).await;
    assert_eq!(pvcs.len(), 1, "the VM's PVC stays");
    assert!(
        env.list(CONFIGMAP, &s.ns)
            .await
            .iter()
            .all(|c| c["metadata"]["labels"]["plan"].is_null())
    );
    env.emu.shutdown().await;
}

#[tokio::test]
async fn slow_step_faults_stretch_virtual_time() {
    let mut lab = Lab::default_lab().unwrap();
    lab.faults.rules.push(FaultRule {
        vm: "*".into(),
        plan: Some("plan-*".into()),
        step: "ConvertGuest".into(),
        action: FaultAction::Slow {
            factor: 1.0,
            extra: std::time::Duration::from_secs(600),
        },
        probability: 1.0,
    });
    let env = Env::with(EmulatorOptions {
        lab: Some(lab),
        ..Default::default()
    })
    .await;
    let s = standard_plan(&env, "slow", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({})).await;
    let plan = finished(&env, &s, 30).await;
    assert!(has(&plan, "Succeeded"));
    let step = plan["status"]["migration"]["vms"][0]["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "ImageConversion")
        .unwrap()
        .clone();
    let t = |k: &str| chrono::DateTime::parse_from_rfc3339(step[k].as_str().unwrap()).unwrap();
    let took = t("completed") - t("started");
    assert!(
        took >= chrono::Duration::seconds(660),
        "ImageConversion took {took}"
    );
    env.emu.shutdown().await;
}
