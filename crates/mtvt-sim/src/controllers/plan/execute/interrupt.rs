//! How an executing migration ends early (pkg/controller/plan/controller.go):
//! - its Migration was deleted (`activeMigration`, :704-737, and `execute`, :437-455): the
//!   snapshot gets `Canceled` (Deleted, "The migration has been deleted.") and loses
//!   `Executing`, every VM that neither succeeded nor failed gets `Canceled` (Modified) and is
//!   cleaned up like a canceled VM (its phase stays), and the plan only loses `Executing` — no
//!   terminal condition, no `completed` (:486-492);
//! - a validation blocker (Critical/Error) stood for the grace period
//!   (`failExecutingMigrationOnBlocker`, :539-600; ForkliftController
//!   `controller_blocker_grace_period_minutes`, default 5): the snapshot, the plan and every
//!   in-flight VM get `Failed` "The migration has FAILED due to a validation blocker: …"; a
//!   VM's error is that message at its phase, with no step error. While blocked, no VM steps.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::super::super::conditions::{ADVISORY, Cnd, Conditions};
use super::super::super::json_edit::{put, text};
use super::super::super::{Ctx, gvr};
use super::super::phases::{cleanup_canceled, vm_condition};
use super::super::status::StepError;
use super::super::validation::Referenced;
use super::{Env, MigrationStatus, cnd_json, snapshot_has, snapshot_terminal};

/// The active snapshot's Migration is gone (or replaced by another of the same name).
pub(super) fn migration_deleted(
    ctx: &Ctx,
    plan: &Value,
    refd: &Referenced,
    mig: &mut MigrationStatus,
    cnd: &mut Conditions,
    now: &str,
) {
    let Some(snap) = mig.history.last_mut() else {
        return;
    };
    let gone = json!({"metadata": {
        "uid": text(snap, "/migration/uid"),
        "name": text(snap, "/migration/name"),
        "namespace": text(snap, "/migration/namespace"),
    }});
    set_snapshot_condition(
        snap,
        cnd_json(
            "Canceled",
            "The migration has been deleted.",
            "Deleted",
            now,
        ),
    );
    cnd.delete("Executing");
    let env = Env::open(ctx, plan, refd, Arc::new(gone));
    for vs in mig
        .vms
        .iter_mut()
        .filter(|v| !v.has("Succeeded") && !v.has("Failed"))
    {
        vs.set_condition(vm_condition(
            "Canceled",
            "The migration has been canceled.",
            "Modified",
            now,
        ));
        if vs.completed.is_none()
            && let Some(env) = &env
        {
            cleanup_canceled(env, vs);
        }
    }
}

/// The blocker grace period (ForkliftController `controller_blocker_grace_period_minutes`).
fn grace_period(ctx: &Ctx) -> chrono::Duration {
    let minutes = ctx
        .store
        .get(
            &gvr::forklift_controllers(),
            &ctx.settings.mtv_namespace,
            "forklift-controller",
        )
        .ok()
        .and_then(|f| {
            f.pointer("/spec/controller_blocker_grace_period_minutes")
                .and_then(Value::as_i64)
        })
        .filter(|m| *m > 0)
        .unwrap_or(5);
    chrono::Duration::minutes(minutes)
}

/// Fails the executing snapshot when blockers stood for the grace period; returns when to
/// look again while they have not.
pub(super) fn fail_on_blocker(
    ctx: &Ctx,
    cnd: &mut Conditions,
    mig: &mut MigrationStatus,
    now: &str,
) -> Option<DateTime<Utc>> {
    let snap = mig.history.last()?;
    if !snapshot_has(snap, "Executing") || snapshot_terminal(snap) {
        return None;
    }
    let (grace, clock) = (grace_period(ctx), ctx.clock.now());
    let mut reasons = Vec::new();
    let mut wake: Option<DateTime<Utc>> = None;
    for c in cnd.blockers() {
        let since = DateTime::parse_from_rfc3339(text(c, "/lastTransitionTime"))
            .map(|t| t.to_utc())
            .unwrap_or(clock);
        if clock - since >= grace {
            reasons.push(blocker_text(c));
        } else {
            let at = since + grace;
            wake = Some(wake.map_or(at, |w| w.min(at)));
        }
    }
    if reasons.is_empty() {
        return wake;
    }
    let msg = format!(
        "The migration has FAILED due to a validation blocker: {}",
        reasons.join("; ")
    );
    mig.completed.get_or_insert_with(|| now.to_string());
    if let Some(snap) = mig.history.last_mut() {
        set_snapshot_condition(snap, cnd_json("Failed", &msg, "", now));
    }
    cnd.delete("Executing");
    cnd.set(Cnd::new("Failed", ADVISORY, "", &msg).durable());
    for vs in mig
        .vms
        .iter_mut()
        .filter(|v| !v.has("Succeeded") && !v.has("Failed") && !v.has("Canceled"))
    {
        vs.set_condition(vm_condition("Failed", &msg, "", now));
        let err = vs.error.get_or_insert_with(|| StepError {
            phase: vs.phase.clone(),
            reasons: Vec::new(),
        });
        if !err.reasons.contains(&msg) {
            err.reasons.push(msg.clone());
        }
        vs.phase = "Completed".into();
        vs.completed.get_or_insert_with(|| now.to_string());
        vs.complete_started_steps(now);
    }
    None
}

/// A blocker's message, or `Type (category=…, reason=…)` when it has none.
fn blocker_text(c: &Value) -> String {
    let msg = text(c, "/message");
    if msg.is_empty() {
        format!(
            "{} (category={}, reason={})",
            text(c, "/type"),
            text(c, "/category"),
            text(c, "/reason")
        )
    } else {
        msg.to_string()
    }
}

/// Replaces the snapshot's `Executing` (and any condition of the same type) by `c`.
fn set_snapshot_condition(snap: &mut Value, c: Value) {
    let kind = text(&c, "/type").to_string();
    let mut conds: Vec<Value> = snap
        .get("conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|x| !matches!(text(x, "/type"), "Executing") && text(x, "/type") != kind)
        .collect();
    conds.push(c);
    put(snap, "/conditions", json!(conds));
}
