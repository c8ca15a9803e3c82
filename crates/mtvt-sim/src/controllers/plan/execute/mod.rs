//! Migration execution (`pkg/controller/plan/migration.go`): picks the active or oldest
//! pending Migration, begins a history snapshot, steps every VM through its itinerary with
//! timers on the virtual clock, and ends the snapshot `Succeeded`, `Failed` or `Canceled`.
//! Phase side effects live in [`super::phases`]; this module owns the state machine.

mod begin;
mod env;
mod interrupt;
mod resume;
mod step;

pub use begin::ensure_namespace;
pub use env::Env;
pub use resume::conversion_resumable;
pub use step::fail_step;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::super::catalog::SrcRef;
use super::super::conditions::{ADVISORY, Cnd, Conditions};
use super::super::json_edit::text;
use super::super::{Ctx, gvr};
use super::phases;
use super::status::VmStatus;
use super::validation::Referenced;
use crate::store::{ApiError, object};
use step::{end, step_vm};

/// When a VM entered its current phase (in-memory, per plan UID and VM id).
#[derive(Clone, Debug)]
pub struct Entered {
    /// The phase.
    pub phase: String,
    /// When it was entered.
    pub at: DateTime<Utc>,
}

/// In-memory executor state shared by reconciles.
#[derive(Clone, Debug, Default)]
pub struct ExecState {
    entered: Arc<Mutex<HashMap<(String, String), Entered>>>,
}

impl ExecState {
    fn get(&self, plan: &str, vm: &str) -> Option<Entered> {
        self.entered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&(plan.into(), vm.into()))
            .cloned()
    }

    fn set(&self, plan: &str, vm: &str, e: Entered) {
        self.entered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert((plan.into(), vm.into()), e);
    }
}

/// `status.migration`.
#[derive(Clone, Debug, Default)]
pub struct MigrationStatus {
    /// `started`
    pub started: Option<String>,
    /// `completed`
    pub completed: Option<String>,
    /// `history`
    pub history: Vec<Value>,
    /// `vms`
    pub vms: Vec<VmStatus>,
}

impl MigrationStatus {
    /// Reads `status.migration` of a plan.
    pub fn read(plan: &Value) -> Self {
        let m = plan.pointer("/status/migration");
        let s = |k: &str| {
            m.and_then(|m| m.get(k))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        Self {
            started: s("started"),
            completed: s("completed"),
            history: m
                .and_then(|m| m.get("history"))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default(),
            vms: m
                .and_then(|m| m.get("vms"))
                .and_then(|v| serde_json::from_value(v.clone()).ok())
                .unwrap_or_default(),
        }
    }

    /// As JSON.
    pub fn to_json(&self) -> Value {
        let mut m = json!({"history": self.history, "vms": self.vms});
        if let Some(s) = &self.started {
            super::super::json_edit::put(&mut m, "/started", json!(s));
        }
        if let Some(c) = &self.completed {
            super::super::json_edit::put(&mut m, "/completed", json!(c));
        }
        m
    }
}

fn snapshot_terminal(s: &Value) -> bool {
    ["Succeeded", "Failed", "Canceled"]
        .iter()
        .any(|k| snapshot_has(s, k))
}

fn snapshot_has(s: &Value, kind: &str) -> bool {
    s.get("conditions")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .any(|c| text(c, "/type") == kind && text(c, "/status") == "True")
        })
}

pub(super) fn cnd_json(kind: &str, msg: &str, reason: &str, now: &str) -> Value {
    let mut c = json!({"type": kind, "status": "True", "category": ADVISORY, "message": msg, "lastTransitionTime": now, "durable": true});
    if !reason.is_empty() {
        super::super::json_edit::put(&mut c, "/reason", json!(reason));
    }
    c
}

pub(super) fn obj_ref(o: &Value) -> Value {
    json!({"namespace": object::namespace(o), "name": object::name(o), "uid": object::uid(o), "generation": object::generation(o)})
}

/// Runs execution for one reconcile. Returns the next virtual time to look again.
pub fn execute(
    ctx: &Ctx,
    st: &ExecState,
    plan: &Value,
    refd: &Referenced,
    cnd: &mut Conditions,
    mig: &mut MigrationStatus,
) -> Result<Option<DateTime<Utc>>, ApiError> {
    let now = ctx.now();
    // A plan with a blocker does not execute; a blocker that stands fails the migration.
    if cnd.has_blocker() {
        return Ok(interrupt::fail_on_blocker(ctx, cnd, mig, &now));
    }
    let Some(migration) = running_migration(ctx, plan, refd, cnd, mig, &now)? else {
        return Ok(None);
    };
    let Some(env) = Env::open(ctx, plan, refd, migration.clone()) else {
        return Ok(None);
    };
    let cancel: Vec<SrcRef> = migration
        .pointer("/spec/cancel")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(SrcRef::from_json).collect())
        .unwrap_or_default();
    let mut wake: Option<DateTime<Utc>> = None;
    for vs in mig.vms.iter_mut() {
        if vs.phase == "Completed" {
            continue;
        }
        if cancel
            .iter()
            .any(|c| (!c.id.is_empty() && c.id == vs.id) || (c.id.is_empty() && c.name == vs.name))
        {
            phases::cancel_vm(&env, vs);
            continue;
        }
        if let Some(t) = step_vm(&env, st, vs)? {
            wake = Some(wake.map_or(t, |w| w.min(t)));
        }
    }
    if mig.vms.iter().all(|v| v.phase == "Completed") {
        end(mig, cnd, &now);
    } else {
        cnd.set(Cnd::new("Executing", ADVISORY, "", "The plan is EXECUTING.").durable());
    }
    Ok(wake)
}

/// The Migration the plan runs: the one of the active history snapshot (its deletion cancels
/// the snapshot, see [`interrupt`]), or the oldest pending one, begun now, when the plan is
/// `Ready`.
fn running_migration(
    ctx: &Ctx,
    plan: &Value,
    refd: &Referenced,
    cnd: &mut Conditions,
    mig: &mut MigrationStatus,
    now: &str,
) -> Result<Option<Arc<Value>>, ApiError> {
    let active = mig
        .history
        .last()
        .filter(|s| !snapshot_terminal(s))
        .cloned();
    if let Some(snap) = active {
        let ns = text(&snap, "/migration/namespace");
        let name = text(&snap, "/migration/name");
        let uid = text(&snap, "/migration/uid");
        return Ok(match ctx.store.get(&gvr::migrations(), ns, name) {
            Ok(m) if object::uid(&m) == uid => Some(m),
            _ => {
                interrupt::migration_deleted(ctx, plan, refd, mig, cnd, now);
                None
            }
        });
    }
    if cnd.has_blocker() || !cnd.has("Ready") {
        return Ok(None);
    }
    let Some(m) = begin::pending_migration(ctx, plan, mig) else {
        return Ok(None);
    };
    if !begin::begin(ctx, plan, refd, &m, cnd, mig)? {
        return Ok(None);
    }
    Ok(Some(m))
}
