//! Stepping one VM through its itinerary: entering phases (with injected step faults),
//! checking them, rolling the pipeline steps on transitions; and ending a migration.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::super::super::catalog::{SourceVm, SrcRef};
use super::super::super::conditions::{ADVISORY, Cnd, Conditions};
use super::super::super::json_edit::text;
use super::super::itinerary::{self, Flags};
use super::super::phases::{self, Outcome};
use super::super::status::{StepError, VmStatus};
use super::{Entered, Env, ExecState, MigrationStatus, cnd_json};
use crate::store::{ApiError, object};

/// Moves a VM from `from` to `to`, rolling the pipeline steps (`NextPhase`,
/// migrator/base/doc.go): a step left is `Completed` and keeps its first completion time
/// (Initialize re-entered after a PreHook); its progress is what the phase reported — the
/// disk tasks' MB, `1/1` for a hook or the conversion, `0/1` otherwise.
pub fn transition(flags: &Flags, vs: &mut VmStatus, to: &str, now: &str) {
    let old = itinerary::step_of(flags, &vs.phase);
    let new = itinerary::step_of(flags, to);
    if old != new {
        if let Some(s) = old.and_then(|o| vs.step_mut(o)) {
            s.phase = "Completed".into();
            s.completed.get_or_insert_with(|| now.into());
            if itinerary::is_disk_step(&s.name) {
                // The copy finished: every task is done (setTaskCompleted).
                for t in s.tasks.iter_mut() {
                    t.phase = "Completed".into();
                    t.reason = "Transfer completed.".into();
                    t.progress.completed = t.progress.total;
                    t.completed.get_or_insert_with(|| now.into());
                }
                s.progress.completed = s.tasks.iter().map(|t| t.progress.completed).sum();
            } else if matches!(s.name.as_str(), "PreHook" | "PostHook" | "ImageConversion") {
                s.progress.completed = s.progress.total;
            }
        }
        if let Some(s) = new.and_then(|n| vs.step_mut(n)) {
            s.phase = "Running".into();
            s.started.get_or_insert_with(|| now.into());
        }
    }
    vs.phase = to.into();
}

pub(super) fn step_vm(
    env: &Env<'_>,
    st: &ExecState,
    vs: &mut VmStatus,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let ctx = env.ctx;
    let spec_vm = env.spec_vm(vs);
    let vm = env
        .view
        .vm(&SrcRef {
            id: vs.id.clone(),
            ..Default::default()
        })
        .ok();
    let flags = env.flags(&spec_vm, vm.as_ref());
    let plan_uid = object::uid(env.plan).to_string();
    for _ in 0..64 {
        let now = ctx.clock.now();
        let now_s = ctx.now();
        if vs.started.is_none() {
            vs.started = Some(now_s.clone());
        }
        if vs.phase == "Completed" {
            phases::succeed_vm(env, vs);
            return Ok(None);
        }
        if itinerary::step_of(&flags, &vs.phase)
            .is_some_and(|s| vs.step(s).is_some_and(|t| t.phase == "Pending"))
        {
            let cur = vs.phase.clone();
            vs.phase = String::new();
            transition(&flags, vs, &cur, &now_s);
        }
        let entered = match st.get(&plan_uid, &vs.id) {
            Some(e) if e.phase == vs.phase => e,
            _ => {
                let e = Entered {
                    phase: vs.phase.clone(),
                    at: now,
                };
                st.set(&plan_uid, &vs.id, e.clone());
                let step = itinerary::step_of(&flags, &vs.phase);
                let fault = super::super::timing::failure(
                    &ctx.lab.lab().faults,
                    object::name(env.plan),
                    &vs.name,
                    &vs.phase,
                    step,
                );
                if let Some(msg) = fault {
                    phases::fail_vm(env, &flags, vs, &msg);
                    return Ok(None);
                }
                start_outage(env, vs, step, vm.as_ref());
                if let Err(msg) = phases::enter(env, &flags, vs, &spec_vm, vm.as_ref()) {
                    phases::fail_vm(env, &flags, vs, &msg);
                    return Ok(None);
                }
                e
            }
        };
        match phases::check(env, &flags, vs, &spec_vm, vm.as_ref(), entered.at)? {
            Outcome::Done(next) => {
                let to = next
                    .map(str::to_string)
                    .or_else(|| itinerary::next(&flags, &vs.phase).map(str::to_string))
                    .unwrap_or("Completed".into());
                transition(&flags, vs, &to, &now_s);
            }
            Outcome::Wait(t) => return Ok(t),
            Outcome::Fail(msg) => {
                phases::fail_vm(env, &flags, vs, &msg);
                return Ok(None);
            }
        }
    }
    Ok(Some(ctx.clock.now()))
}

/// An `outage` fault of the phase or its step makes the VM's source provider unreachable.
fn start_outage(env: &Env<'_>, vs: &VmStatus, step: Option<&str>, vm: Option<&SourceVm>) {
    let faults = &env.ctx.lab.lab().faults;
    let plan = object::name(env.plan);
    let Some(length) = super::super::timing::outage(faults, plan, &vs.name, &vs.phase, step) else {
        return;
    };
    if let Some(p) = vm.and_then(|v| v.lab_provider.as_deref()) {
        let until = length.map_or(DateTime::<Utc>::MAX_UTC, |d| {
            env.ctx.clock.now() + chrono::Duration::from_std(d).unwrap_or_default()
        });
        let _ = env.ctx.lab.set_unreachable(p, until);
    }
}

pub(super) fn end(mig: &mut MigrationStatus, cnd: &mut Conditions, now: &str) {
    let failed = mig.vms.iter().any(|v| v.has("Failed"));
    let succeeded = mig.vms.iter().any(|v| v.has("Succeeded"));
    let (kind, msg) = if failed {
        ("Failed", "The plan execution has FAILED.")
    } else if succeeded {
        ("Succeeded", "The plan execution has SUCCEEDED.")
    } else {
        ("Canceled", "The plan execution has been CANCELED.")
    };
    if let Some(snap) = mig.history.last_mut() {
        let mut conds: Vec<Value> = snap
            .get("conditions")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|c| text(c, "/type") != "Executing")
            .collect();
        conds.push(cnd_json(kind, msg, "", now));
        super::super::super::json_edit::put(snap, "/conditions", json!(conds));
    }
    mig.completed = Some(now.into());
    cnd.delete("Executing");
    cnd.set(Cnd::new(kind, ADVISORY, "", msg).durable());
}

/// Marks a step failed (`Task.AddError`, pkg/apis/forklift/v1beta1/plan/migration.go:182-187):
/// the error's phase is the step's (`Running`) and the step stays as it is, except that a
/// hook step is marked completed (pkg/controller/plan/hook.go:96-101).
pub fn fail_step(vs: &mut VmStatus, step: Option<&str>, msg: &str, now: &str) {
    if let Some(s) = step.and_then(|s| vs.step_mut(s)) {
        let err = s.error.get_or_insert_with(|| StepError {
            phase: s.phase.clone(),
            reasons: Vec::new(),
        });
        if !err.reasons.iter().any(|r| r == msg) {
            err.reasons.push(msg.into());
        }
        if matches!(s.name.as_str(), "PreHook" | "PostHook") {
            s.completed.get_or_insert_with(|| now.into());
        }
    }
}
