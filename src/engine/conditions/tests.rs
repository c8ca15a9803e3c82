//! The conditions' verdicts and the state they show, on hand-made objects.

use super::forklift::plan_ready_within;
use super::status::blockers;
use super::*;
use serde_json::{Value, json};

fn obj(status: Value) -> DynamicObject {
    serde_json::from_value(
        json!({"apiVersion": "v1", "kind": "X", "metadata": {"name": "x"}, "status": status}),
    )
    .unwrap()
}

#[test]
fn condition_helpers() {
    let o = obj(json!({"conditions": [
        {"type": "Ready", "status": "False"},
        {"type": "VMNotFound", "status": "True", "category": "Critical", "reason": "NotFound", "message": "VM not found."},
        {"type": "Executing", "status": "True", "category": "Advisory"}
    ]}));
    assert!(condition_true(&o, "Executing"));
    assert!(!condition_true(&o, "Ready"));
    assert_eq!(
        conditions_text(&o),
        "Ready=False; VMNotFound=True (Critical, NotFound: VM not found.); Executing=True (Advisory)"
    );
    assert_eq!(
        blockers(&o),
        vec!["VMNotFound (Critical, NotFound): VM not found."]
    );
    assert_eq!(conditions_text(&obj(json!({}))), "no status conditions");
}

#[test]
fn provider_ready_fails_fast_on_a_failed_connection_test() {
    let now = Instant::now();
    let mut c = provider_ready();
    assert_eq!(c.describe(), "have condition Ready=True");
    assert_eq!(c.class(), Class::Infra);
    assert_eq!(c.check(None, now), Check::Pending);
    let failed = obj(json!({"phase": "ConnectionFailed", "conditions": [
        {"type": "ConnectionTestFailed", "status": "True", "category": "Critical", "message": "bad password"}]}));
    match c.check(Some(&failed), now) {
        Check::Fail(why) => assert_eq!(
            why,
            "the connection test failed: ConnectionTestFailed (Critical): bad password"
        ),
        other => panic!("{other:?}"),
    }
    let ready = obj(json!({"phase": "Ready", "conditions": [{"type": "Ready", "status": "True"}]}));
    assert!(matches!(c.check(Some(&ready), now), Check::Done(_)));
}

#[test]
fn a_plan_blocked_by_the_same_conditions_past_the_grace_fails() {
    let t0 = Instant::now();
    let mut c = plan_ready_within(Duration::from_secs(60));
    let blocked = obj(json!({"conditions": [
        {"type": "VMNotFound", "status": "True", "category": "Critical", "message": "VM not found."}]}));
    assert_eq!(c.check(Some(&blocked), t0), Check::Pending);
    assert_eq!(
        c.check(Some(&blocked), t0 + Duration::from_secs(59)),
        Check::Pending
    );
    match c.check(Some(&blocked), t0 + Duration::from_secs(60)) {
        Check::Fail(why) => assert!(
            why.starts_with("blocking validation conditions for 60s: VMNotFound"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
    // other blockers restart the clock; none clears it
    let mut c = plan_ready_within(Duration::from_secs(60));
    let other = obj(json!({"conditions": [
        {"type": "MapsNotReady", "status": "True", "category": "Error", "message": "x"}]}));
    assert_eq!(c.check(Some(&blocked), t0), Check::Pending);
    assert_eq!(
        c.check(Some(&other), t0 + Duration::from_secs(50)),
        Check::Pending
    );
    assert_eq!(
        c.check(Some(&other), t0 + Duration::from_secs(100)),
        Check::Pending
    );
    let ready = obj(json!({"conditions": [{"type": "Ready", "status": "True"}]}));
    assert!(matches!(
        c.check(Some(&ready), t0 + Duration::from_secs(500)),
        Check::Done(_)
    ));
}

#[test]
fn plan_finished_and_the_plan_state() {
    let now = Instant::now();
    let mut c = plan_finished();
    let running = obj(
        json!({"conditions": [{"type": "Executing", "status": "True"}],
        "migration": {"vms": [{"name": "vm1", "phase": "Running", "pipeline": [
            {"name": "Initialize", "phase": "Completed", "started": "t"},
            {"name": "DiskTransfer", "phase": "Running", "progress": {"completed": 5, "total": 10}}]}]}}),
    );
    assert_eq!(c.check(Some(&running), now), Check::Pending);
    assert_eq!(
        c.state(&running),
        "Executing=True; VM vm1: phase Running, step DiskTransfer"
    );
    assert_eq!(
        current_step(&running.data["status"]["migration"]["vms"][0]),
        Some(("DiskTransfer".into(), Some((5, 10))))
    );
    assert_eq!(
        c.check(None, now),
        Check::Fail("the Plan was deleted".into())
    );
    assert_eq!(
        plan_finished().check(None, now),
        Check::Pending,
        "not seen yet is not deleted"
    );
    let done = obj(json!({"conditions": [{"type": "Succeeded", "status": "True"}]}));
    assert!(matches!(c.check(Some(&done), now), Check::Done(_)));
}

/// Deleting the active Migration cancels the VMs but puts nothing on the Plan: the
/// migration ended once `Executing` is gone and every VM has ended.
#[test]
fn a_migration_ends_on_every_vm_when_the_plan_says_nothing() {
    let vm = |cond: &str| json!({"id": "vm-1", "conditions": [{"type": cond, "status": "True"}]});
    let plan = |conditions: Value, vms: Value| {
        obj(json!({"conditions": conditions, "migration": {"vms": vms}}))
    };
    let executing = json!([{"type": "Executing", "status": "True"}]);
    assert!(!migration_ended(&plan(executing, json!([vm("Canceled")]))));
    let failed = json!([{"type": "Failed", "status": "True"}]);
    assert!(migration_ended(&plan(failed, json!([]))));
    let ready = json!([{"type": "Ready", "status": "True"}]);
    assert!(migration_ended(&plan(
        ready.clone(),
        json!([vm("Canceled"), vm("Succeeded")])
    )));
    assert!(!migration_ended(&plan(
        ready.clone(),
        json!([vm("Canceled"), {"id": "vm-2", "conditions": []}])
    )));
    assert!(!migration_ended(&plan(ready, json!([]))), "not started yet");
}

#[test]
fn deletion_vm_settling_and_vmi_phases() {
    let now = Instant::now();
    let present = obj(json!({"printableStatus": "Provisioning", "phase": "Scheduled"}));
    assert_eq!(deleted().check(Some(&present), now), Check::Pending);
    assert_eq!(deleted().check(None, now), Check::Done(()));
    assert_eq!(deleted().state(&present), "present");
    let mut settled = vm_settled();
    assert_eq!(settled.describe(), "settle in Running or Stopped");
    assert_eq!(settled.check(Some(&present), now), Check::Pending);
    assert_eq!(settled.state(&present), "printableStatus Provisioning");
    assert!(matches!(settled.check(None, now), Check::Fail(_)));
    let stopped = obj(json!({"printableStatus": "Stopped"}));
    assert!(matches!(settled.check(Some(&stopped), now), Check::Done(_)));
    assert_eq!(vmi_running().check(Some(&present), now), Check::Pending);
    let running = obj(json!({"phase": "Running"}));
    assert_eq!(vmi_running().check(Some(&running), now), Check::Done(()));
    assert_eq!(vmi_stopped().check(Some(&running), now), Check::Pending);
    assert_eq!(vmi_stopped().check(None, now), Check::Done(()));
    assert_eq!(vmi_stopped().describe(), "stop");
}
