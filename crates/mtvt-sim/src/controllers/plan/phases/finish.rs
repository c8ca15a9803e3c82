//! How a VM's migration ends: failed at its current phase (with the warm failure counters),
//! succeeded (every step completed; hook Jobs and per-VM ConfigMaps cleaned up), or canceled
//! (what was created goes, the source is powered back on when it was on).

use serde_json::{Value, json};

use super::super::super::gvr;
use super::super::super::json_edit::{put, text};
use super::super::execute::{Env, fail_step};
use super::super::itinerary::{self, Flags};
use super::super::status::{StepError, VmStatus};
use super::{selector, source_power_on, tns};
use crate::store::{LabelSelector, ListOptions, object};

/// A durable Advisory VM condition.
pub fn vm_condition(kind: &str, msg: &str, reason: &str, now: &str) -> Value {
    let mut c = json!({"type": kind, "status": "True", "category": "Advisory", "message": msg, "lastTransitionTime": now, "durable": true});
    if !reason.is_empty() {
        put(&mut c, "/reason", json!(reason));
    }
    c
}

/// Fails the VM at its current phase.
pub fn fail_vm(env: &Env<'_>, flags: &Flags, vs: &mut VmStatus, msg: &str) {
    let now = env.ctx.now();
    let step = itinerary::step_of(flags, &vs.phase);
    let phase = vs.phase.clone();
    if super::conversion::POD_PHASES.contains(&phase.as_str()) {
        super::conversion::finish_conversion_pod(env, vs, Err(msg));
    }
    fail_step(vs, step, msg, &now);
    let err = vs.error.get_or_insert_with(|| StepError {
        phase: phase.clone(),
        reasons: Vec::new(),
    });
    if !err.reasons.iter().any(|r| r == msg) {
        err.reasons.push(msg.into());
    }
    vs.phase = "Completed".into();
    vs.completed = Some(now.clone());
    vs.conditions.retain(|c| text(c, "/type") != "Failed");
    vs.conditions.push(vm_condition(
        "Failed",
        "The VM migration has FAILED.",
        "",
        &now,
    ));
    if let Some(w) = vs.warm.as_mut()
        && flags.warm
        && phase == "CopyDisks"
    {
        w.failures += 1;
        w.consecutive_failures += 1;
    }
}

/// Marks a VM that reached `Completed` without error as succeeded, and cleans up. Steps it
/// never ran (OpenStack's `ConvertOpenstackSnapshot`) stay `Pending`.
pub fn succeed_vm(env: &Env<'_>, vs: &mut VmStatus) {
    if vs.has("Succeeded") || vs.has("Failed") || vs.has("Canceled") {
        return;
    }
    let now = env.ctx.now();
    vs.completed = Some(now.clone());
    vs.conditions.push(vm_condition(
        "Succeeded",
        "The VM migration has SUCCEEDED.",
        "",
        &now,
    ));
    // Cleanup: hook Jobs (foreground), per-VM ConfigMaps and Secrets, populator pods.
    let opts = ListOptions {
        labels: LabelSelector::parse(&format!("plan={},vmID={}", env.run.plan_uid, vs.id))
            .unwrap_or_default(),
        ..Default::default()
    };
    let ns = object::namespace(env.plan).to_string();
    for g in [gvr::jobs(), gvr::config_maps()] {
        for o in env
            .ctx
            .store
            .list(&g, Some(&ns), &opts)
            .map(|l| l.items)
            .unwrap_or_default()
        {
            let _ = env.ctx.store.delete_with(
                &g,
                &ns,
                object::name(&o),
                &crate::store::DeleteOptions {
                    propagation: Some(crate::store::Propagation::Foreground),
                    ..Default::default()
                },
            );
        }
    }
}

/// Whether a VM's target objects go when its migration does not succeed: the plan's
/// `deleteVmOnFailMigration` (CRD default true) or the VM's (migration.go:474-495).
pub fn delete_vm_on_fail(plan: &Value, vs: &VmStatus) -> bool {
    plan.pointer("/spec/deleteVmOnFailMigration")
        .and_then(Value::as_bool)
        .unwrap_or(true)
        || vs
            .extra
            .get("deleteVmOnFailMigration")
            .and_then(Value::as_bool)
            == Some(true)
}

/// Cleans up after a canceled VM (`cleanup(vm, force)`, migration.go:419-460): its pods and
/// hook Jobs always, its VirtualMachine, DataVolumes and PVCs when [`delete_vm_on_fail`]; the
/// source is powered back on when it was on. The VM is marked completed, and so is every
/// step that started (their phase stays).
pub fn cleanup_canceled(env: &Env<'_>, vs: &mut VmStatus) {
    let now = env.ctx.now();
    let ns = tns(env).to_string();
    let opts = selector(env, vs);
    let mut kinds = vec![gvr::pods()];
    if delete_vm_on_fail(env.plan, vs) {
        kinds.extend([gvr::vms(), gvr::data_volumes(), gvr::pvcs()]);
    }
    for g in kinds {
        for o in env
            .ctx
            .store
            .list(&g, Some(&ns), &opts)
            .map(|l| l.items)
            .unwrap_or_default()
        {
            let _ = env.ctx.store.delete(&g, &ns, object::name(&o));
        }
    }
    if vs.restore_power_state == "On"
        && let Ok(vm) = env.view.vm(&super::super::super::catalog::SrcRef {
            id: vs.id.clone(),
            ..Default::default()
        })
    {
        source_power_on(env, &vm);
    }
    vs.completed.get_or_insert(now.clone());
    vs.complete_started_steps(&now);
}

/// Cancels a VM (`Migration.spec.cancel`): `Canceled` (UserRequested), phase `Completed`,
/// then [`cleanup_canceled`] (migration.go:843-862).
pub fn cancel_vm(env: &Env<'_>, vs: &mut VmStatus) {
    let now = env.ctx.now();
    vs.phase = "Completed".into();
    vs.set_condition(vm_condition(
        "Canceled",
        "The migration has been canceled.",
        "UserRequested",
        &now,
    ));
    cleanup_canceled(env, vs);
}
