//! Warm migration on the source and the DataVolumes: precopy snapshots (created, their
//! change ids stored, removed once copied), DataVolume checkpoints, and the pause between
//! precopies until the next one or the cutover.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::super::super::catalog::SourceVm;
use super::super::super::gvr;
use super::super::super::json_edit::text;
use super::super::execute::Env;
use super::super::status::{Precopy, VmStatus};
use super::{Outcome, tns, volumes};
use crate::lab::SnapshotSpec;
use crate::store::{ApiError, object};

/// Takes a precopy snapshot of the source VM (lab providers) and records the precopy.
pub(super) fn create_snapshot(
    env: &Env<'_>,
    vs: &mut VmStatus,
    vm: &SourceVm,
    now: &str,
) -> Result<(), String> {
    let mut p = Precopy {
        start: Some(now.to_string()),
        ..Default::default()
    };
    if let Some(lp) = &vm.lab_provider {
        let s = env
            .ctx
            .lab
            .create_snapshot(
                lp,
                &vm.id,
                SnapshotSpec {
                    name: "forklift-migration-precopy".into(),
                    description: String::new(),
                    memory: false,
                    quiesce: false,
                },
            )
            .map_err(|e| e.to_string())?;
        p.snapshot = s.id.clone();
        p.create_task_id = format!("task-{}", s.id);
    }
    if let Some(w) = vs.warm.as_mut() {
        w.precopies.push(p);
    }
    Ok(())
}

/// Records the change ids of the last precopy's disks.
pub(super) fn store_deltas(vs: &mut VmStatus, vm: &SourceVm, now: &str) {
    let deltas: Vec<Value> = vm
        .disks
        .iter()
        .map(|d| json!({"disk": d.file, "deltaId": format!("52 {}/{}", d.key, now)}))
        .collect();
    if let Some(p) = vs.warm.as_mut().and_then(|w| w.precopies.last_mut()) {
        p.deltas = deltas;
    }
}

/// Removes the last precopy's snapshot: its changed blocks are copied and its change ids
/// stored, so the next delta starts from a new snapshot.
pub(super) fn remove_snapshot(env: &Env<'_>, vs: &mut VmStatus, vm: &SourceVm) {
    let snap = vs
        .warm
        .as_ref()
        .and_then(|w| w.precopies.last())
        .map(|p| p.snapshot.clone());
    if let (Some(lp), Some(s)) = (&vm.lab_provider, snap.filter(|s| !s.is_empty())) {
        let _ = env.ctx.lab.remove_snapshot(lp, &vm.id, &s);
        if let Some(p) = vs
            .warm
            .as_mut()
            .and_then(|w| w.precopies.iter_mut().find(|p| p.snapshot == s))
        {
            p.remove_task_id = format!("task-rm-{s}");
        }
    }
}

pub(super) fn checkpoint_names(vs: &VmStatus) -> (String, String) {
    let p = vs
        .warm
        .as_ref()
        .map(|w| w.precopies.as_slice())
        .unwrap_or_default();
    let cur = p.last().map(|p| p.snapshot.clone()).unwrap_or_default();
    let prev = p
        .len()
        .checked_sub(2)
        .and_then(|i| p.get(i))
        .map(|p| p.snapshot.clone())
        .unwrap_or_default();
    (prev, cur)
}

pub(super) fn add_checkpoint(env: &Env<'_>, vs: &VmStatus, last: bool) -> Result<(), ApiError> {
    let (prev, cur) = checkpoint_names(vs);
    for (kind, o) in volumes(env, vs) {
        if kind != "dv" {
            continue;
        }
        let mut cps = o
            .pointer("/spec/checkpoints")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        cps.push(json!({"previous": prev, "current": cur}));
        env.ctx.store.merge_patch(
            &gvr::data_volumes(),
            tns(env),
            object::name(&o),
            &json!({"spec": {"checkpoints": cps, "finalCheckpoint": last}}),
        )?;
    }
    Ok(())
}

/// `CopyingPaused`: done at the cutover (straight to `StorePowerState`) or when the next
/// precopy is due; otherwise wait for whichever comes first.
pub(super) fn copying_paused(env: &Env<'_>, vs: &VmStatus, now: DateTime<Utc>) -> Outcome {
    let cutover = env
        .migration
        .pointer("/spec/vmCutover")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().find(|c| text(c, "/id") == vs.id))
        .map(|c| text(c, "/cutover").to_string())
        .or_else(|| {
            Some(text(&env.migration, "/spec/cutover").to_string()).filter(|c| !c.is_empty())
        })
        .and_then(|c| DateTime::parse_from_rfc3339(&c).ok())
        .map(|t| t.to_utc());
    let next = vs
        .warm
        .as_ref()
        .and_then(|w| w.next_precopy_at.as_deref())
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.to_utc());
    if cutover.is_some_and(|c| c <= now) {
        Outcome::Done(Some("StorePowerState"))
    } else if next.is_none_or(|n| n <= now) {
        Outcome::Done(None)
    } else {
        let wake = match (cutover, next) {
            (Some(c), Some(n)) => c.min(n),
            (None, Some(n)) => n,
            (Some(c), None) => c,
            (None, None) => now,
        };
        Outcome::Wait(Some(wake))
    }
}
