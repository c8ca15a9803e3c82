//! When the disk copy is done: DataVolumes `Succeeded` (or, in a warm precopy, their
//! checkpoint copied) and populator PVCs `Bound`, with the `DiskTransfer` progress per disk and
//! the precopy bookkeeping; the virt-v2v copy of the whole VM, disk after disk.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::super::super::catalog::SourceVm;
use super::super::super::json_edit::text;
use super::super::execute::Env;
use super::super::itinerary::Flags;
use super::super::status::VmStatus;
use super::super::timing::{self, COPY_BYTES_PER_SEC};
use super::conversion::finish_conversion_pod;
use super::warm::checkpoint_names;
use super::{Outcome, due, progress_of, volumes};
use crate::store::object;

/// `CopyDisks`, `Finalize` and `AllocateDisks`: every volume copied; a failed one fails the VM.
pub(super) fn copy_disks(
    env: &Env<'_>,
    flags: &Flags,
    vs: &mut VmStatus,
    now: DateTime<Utc>,
    now_s: &str,
    fallback: Option<DateTime<Utc>>,
) -> Outcome {
    let vols = volumes(env, vs);
    if vols.is_empty() {
        return Outcome::Fail("No DataVolumes were created for the VM disks.".into());
    }
    let (_, cur) = checkpoint_names(vs);
    let warm_copy = flags.warm && vs.phase == "CopyDisks";
    let mut fractions = Vec::new();
    let mut done = true;
    for (kind, o) in &vols {
        let (ok, fraction) = match volume_copied(kind, o, warm_copy, &cur) {
            Ok(state) => state,
            Err(msg) => return Outcome::Fail(msg),
        };
        done &= ok;
        fractions.push(fraction);
    }
    // The step's tasks follow the copy (updateCopyProgress): DiskTransfer (the first precopy
    // of a warm plan), DiskAllocation, or Cutover in Finalize.
    let later_precopy = warm_copy && vs.warm.as_ref().is_some_and(|w| w.successes > 0);
    if let Some(step) = super::super::itinerary::step_of(flags, &vs.phase)
        && !later_precopy
    {
        update_disk_progress(vs, step, &fractions, now_s);
    }
    if !done {
        return Outcome::Wait(fallback);
    }
    if flags.warm
        && vs.phase == "Finalize"
        && let Some(p) = vs.warm.as_mut().and_then(|w| w.precopies.last_mut())
    {
        p.end = Some(now_s.to_string());
    }
    if warm_copy {
        let next = now + env.precopy_interval;
        if let Some(w) = vs.warm.as_mut() {
            w.successes += 1;
            w.consecutive_failures = 0;
            w.next_precopy_at = Some(next.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            if let Some(p) = w.precopies.last_mut() {
                p.end = Some(now_s.to_string());
            }
        }
    }
    Outcome::Done(None)
}

/// Whether a volume (`dv` or populator `pvc`) is copied, and the fraction copied; `Err` with
/// the message when its import failed.
fn volume_copied(kind: &str, o: &Value, warm_copy: bool, cur: &str) -> Result<(bool, f64), String> {
    let phase = text(o, "/status/phase");
    if phase == "Failed" {
        let msg = o
            .pointer("/status/conditions")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().find(|c| text(c, "/type") == "Running"))
            .map(|c| text(c, "/message").to_string())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| format!("Import of {} failed.", object::name(o)));
        return Err(msg);
    }
    let perr = text(
        o,
        "/metadata/annotations/forklift.konveyor.io~1populator-error",
    );
    if !perr.is_empty() {
        return Err(perr.to_string());
    }
    let ok = if kind == "pvc" {
        phase == "Bound"
    } else if warm_copy {
        text(
            o,
            "/metadata/annotations/cdi.kubevirt.io~1storage.checkpoint.copied",
        ) == cur
            || phase == "Succeeded"
    } else {
        phase == "Succeeded"
    };
    let fraction = if ok {
        1.0
    } else if kind == "pvc" {
        text(
            o,
            "/metadata/annotations/forklift.konveyor.io~1populator-progress",
        )
        .parse::<f64>()
        .unwrap_or(0.0)
            / 100.0
    } else {
        progress_of(o)
    };
    Ok((ok, fraction))
}

/// `CopyDisksVirtV2V`: virt-v2v copies the disks one after another at the copy rate.
pub(super) fn copy_disks_v2v(
    env: &Env<'_>,
    flags: &Flags,
    vs: &mut VmStatus,
    vm: Option<&SourceVm>,
    entered: DateTime<Utc>,
    now: DateTime<Utc>,
    now_s: &str,
) -> Outcome {
    let total: u64 = vm
        .map(|v| v.disks.iter().map(|d| d.capacity).sum())
        .unwrap_or(0);
    let d = timing::copy_duration(total, COPY_BYTES_PER_SEC);
    let end = due(env, flags, vs, vm, entered, d);
    let span = (end - entered).num_milliseconds().max(1) as f64;
    let f = if now >= end {
        1.0
    } else {
        super::super::super::cdi::quarter((now - entered).num_milliseconds() as f64 / span)
    };
    // Disks are copied one after another.
    let sizes: Vec<u64> = vm
        .map(|v| v.disks.iter().map(|d| d.capacity).collect())
        .unwrap_or_default();
    let mut left = f * total as f64;
    let fractions: Vec<f64> = sizes
        .iter()
        .map(|s| {
            let take = left.min(*s as f64);
            left -= take;
            if *s == 0 { 1.0 } else { take / *s as f64 }
        })
        .collect();
    update_disk_progress(vs, "DiskTransferV2v", &fractions, now_s);
    if now >= end {
        finish_conversion_pod(env, vs, Ok(()));
        Outcome::Done(None)
    } else {
        let tick = (end - now).min(
            chrono::Duration::milliseconds((span / 4.0) as i64).max(chrono::Duration::seconds(1)),
        );
        Outcome::Wait(Some(now + tick))
    }
}

fn update_disk_progress(vs: &mut VmStatus, step: &str, fractions: &[f64], now: &str) {
    if let Some(s) = vs.step_mut(step) {
        let mut sum = 0;
        for (t, f) in s
            .tasks
            .iter_mut()
            .zip(fractions.iter().chain(std::iter::repeat(&0.0)))
        {
            t.progress.completed = (t.progress.total as f64 * f) as i64;
            sum += t.progress.completed;
            if *f >= 1.0 {
                t.phase = "Completed".into();
                t.reason = "Transfer completed.".into();
                t.completed.get_or_insert_with(|| now.into());
            } else if *f > 0.0 {
                t.phase = "Running".into();
                t.started.get_or_insert_with(|| now.into());
            }
        }
        if s.tasks.is_empty() {
            let f = fractions.iter().sum::<f64>() / fractions.len().max(1) as f64;
            s.progress.completed = (s.progress.total as f64 * f) as i64;
        } else {
            s.progress.completed = sum;
        }
    }
}
