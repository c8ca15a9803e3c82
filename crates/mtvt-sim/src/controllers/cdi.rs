//! CDI (`containerized-data-importer`) as the plan controller needs it: a DataVolume gets a
//! same-named PVC (owned by it, labels copied, bound at once), then imports at the
//! documented virtual throughput with `status.progress`, ending `Succeeded`; blank sources
//! finish at once; multi-stage (warm) DataVolumes copy each checkpoint (later ones as
//! deltas), pause, and succeed after the final checkpoint. Also the volume populators of
//! copy offload (`VSphereXcopyVolumePopulator` PVCs): XCOPY-capable datastores copy on the
//! array, others fall back to a host copy; a missing storage Secret or a vendor mismatch
//! fails the populator.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::catalog::quantity_bytes;
use super::json_edit::{put, text};
use super::plan::{COPY_BYTES_PER_SEC, DELTA_FRACTION, XCOPY_BYTES_PER_SEC};
use super::runtime::{self, Key, Queue, Watch};
use super::{Ctx, Started, gvr};
use crate::store::object;

/// When each copy started: `(uid, checkpoint)` → time.
type Starts = Arc<Mutex<HashMap<(String, String), DateTime<Utc>>>>;

pub(super) fn spawn(ctx: &Ctx) -> Vec<Started> {
    let c = ctx.clone();
    let starts: Starts = Arc::default();
    let s2 = starts.clone();
    let dv = runtime::spawn(
        "cdi",
        &ctx.store,
        &ctx.shutdown,
        vec![Watch::own(gvr::data_volumes())],
        move |q, key| reconcile_dv(&c, &s2, q, key),
    );
    let c = ctx.clone();
    let pop = runtime::spawn(
        "populator",
        &ctx.store,
        &ctx.shutdown,
        vec![Watch::mapped(gvr::pvcs(), |_, ev| {
            if ev
                .object
                .pointer("/spec/dataSourceRef/kind")
                .and_then(Value::as_str)
                == Some("VSphereXcopyVolumePopulator")
            {
                vec![runtime::key_of(&ev.object)]
            } else {
                Vec::new()
            }
        })],
        move |q, key| reconcile_populator(&c, &starts, q, key),
    );
    vec![
        Started {
            queue: dv,
            gvr: gvr::data_volumes(),
        },
        Started {
            queue: pop,
            gvr: gvr::pvcs(),
        },
    ]
}

fn started(starts: &Starts, uid: &str, cp: &str, now: DateTime<Utc>) -> DateTime<Utc> {
    *starts
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .entry((uid.to_string(), cp.to_string()))
        .or_insert(now)
}

/// Access modes and volume mode a storage profile would pick for a class.
fn profile(ctx: &Ctx, class: &str) -> (&'static str, &'static str) {
    let prov = ctx
        .store
        .get(&gvr::storage_classes(), "", class)
        .ok()
        .map(|s| text(&s, "/provisioner").to_string())
        .unwrap_or_default();
    if prov.contains("rbd") {
        ("ReadWriteMany", "Block")
    } else {
        ("ReadWriteOnce", "Filesystem")
    }
}

fn default_class(ctx: &Ctx) -> String {
    ctx.store
        .list(&gvr::storage_classes(), None, &Default::default())
        .ok()
        .and_then(|l| {
            l.items.into_iter().find(|s| {
                text(
                    s,
                    "/metadata/annotations/storageclass.kubernetes.io~1is-default-class",
                ) == "true"
            })
        })
        .map(|s| object::name(&s).to_string())
        .unwrap_or_default()
}

fn ensure_pvc(ctx: &Ctx, dv: &Value) -> Result<(), crate::store::ApiError> {
    let (ns, name) = (object::namespace(dv), object::name(dv));
    if ctx.store.get(&gvr::pvcs(), ns, name).is_ok() {
        return Ok(());
    }
    let storage = dv
        .pointer("/spec/storage")
        .or_else(|| dv.pointer("/spec/pvc"))
        .cloned()
        .unwrap_or(json!({}));
    let class = Some(text(&storage, "/storageClassName").to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| default_class(ctx));
    let (am, vm) = profile(ctx, &class);
    let access = storage.get("accessModes").cloned().unwrap_or(json!([am]));
    let mode = Some(text(&storage, "/volumeMode"))
        .filter(|s| !s.is_empty())
        .unwrap_or(vm)
        .to_string();
    let size = text(&storage, "/resources/requests/storage").to_string();
    let mut labels = dv
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    labels.insert("app".into(), json!("containerized-data-importer"));
    labels.insert("app.kubernetes.io/component".into(), json!("storage"));
    let mut ann: Map<String, Value> = dv
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    ann.insert(
        "cdi.kubevirt.io/storage.contentType".into(),
        json!("kubevirt"),
    );
    ann.insert("cdi.kubevirt.io/storage.pod.phase".into(), json!("Pending"));
    let pvc = ctx.store.create(&gvr::pvcs(), ns, json!({
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": name, "namespace": ns, "labels": labels, "annotations": ann,
            "ownerReferences": [{"apiVersion": "cdi.kubevirt.io/v1beta1", "kind": "DataVolume", "name": name, "uid": object::uid(dv), "controller": true, "blockOwnerDeletion": true}]},
        "spec": {"accessModes": access, "resources": {"requests": {"storage": size}}, "storageClassName": class, "volumeMode": mode},
    }))?;
    bind(ctx, &pvc)
}

fn bind(ctx: &Ctx, pvc: &Value) -> Result<(), crate::store::ApiError> {
    let (ns, name) = (object::namespace(pvc), object::name(pvc));
    let volume = format!("pvc-{}", object::uid(pvc));
    ctx.store.merge_patch(
        &gvr::pvcs(),
        ns,
        name,
        &json!({"spec": {"volumeName": volume}}),
    )?;
    ctx.store.merge_patch_status(&gvr::pvcs(), ns, name, &json!({"status": {
        "phase": "Bound",
        "accessModes": pvc.pointer("/spec/accessModes").cloned().unwrap_or(json!(["ReadWriteOnce"])),
        "capacity": {"storage": text(pvc, "/spec/resources/requests/storage")},
    }}))?;
    Ok(())
}

/// The slow-fault stretch for a DataVolume's VM and plan.
fn stretch(ctx: &Ctx, o: &Value, d: Duration) -> Duration {
    let plan = text(o, "/metadata/labels/plan-name");
    let pns = text(o, "/metadata/labels/plan-namespace");
    let vm_id = text(o, "/metadata/labels/vmID");
    let vm_name = ctx
        .store
        .get(&gvr::plans(), pns, plan)
        .ok()
        .and_then(|p| {
            p.pointer("/status/migration/vms")
                .and_then(Value::as_array)
                .and_then(|a| a.iter().find(|v| text(v, "/id") == vm_id))
                .map(|v| text(v, "/name").to_string())
        })
        .unwrap_or_default();
    let f = &ctx.lab.lab().faults;
    let d = f.stretch(plan, &vm_name, "CopyDisks", d);
    f.stretch(plan, &vm_name, "DiskTransfer", d)
}

fn reconcile_dv(ctx: &Ctx, starts: &Starts, q: &Queue, key: &Key) -> runtime::Outcome {
    let dv = ctx.store.get(&gvr::data_volumes(), &key.0, &key.1)?;
    if object::is_deleting(&dv) {
        return Ok(());
    }
    let phase = text(&dv, "/status/phase").to_string();
    if phase == "Succeeded" || phase == "Failed" {
        return Ok(());
    }
    ensure_pvc(ctx, &dv)?;
    let now = ctx.clock.now();
    let now_s = ctx.now();
    let bytes = match dv_size(ctx, &dv) {
        Ok(b) => b,
        Err(e) => return fail_dv(ctx, &dv, &e, &now_s),
    };
    let source = dv
        .pointer("/spec/source")
        .and_then(Value::as_object)
        .and_then(|m| m.keys().next().cloned())
        .unwrap_or_default();
    let clone = source == "pvc";
    let checkpoints = dv
        .pointer("/spec/checkpoints")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let current = checkpoints
        .last()
        .map(|c| text(c, "/current").to_string())
        .unwrap_or_default();
    let final_cp = dv.pointer("/spec/finalCheckpoint").and_then(Value::as_bool) == Some(true);
    let copied = text(
        &dv,
        "/metadata/annotations/cdi.kubevirt.io~1storage.checkpoint.copied",
    )
    .to_string();
    if !checkpoints.is_empty() && copied == current {
        // Paused after a checkpoint, until the next one is added.
        if final_cp {
            set_status(ctx, &dv, "Succeeded", 100.0, &now_s)?;
        }
        return Ok(());
    }
    let full = if source == "blank" {
        Duration::from_secs(2)
    } else {
        super::plan::copy_time(bytes, COPY_BYTES_PER_SEC)
    };
    let d = if checkpoints.len() > 1 {
        full.mul_f64(DELTA_FRACTION)
    } else {
        full
    };
    let d = stretch(ctx, &dv, d);
    let begin = started(starts, object::uid(&dv), &current, now);
    let end = begin + chrono::Duration::from_std(d).unwrap_or_default();
    if now >= end {
        if checkpoints.is_empty() {
            set_status(ctx, &dv, "Succeeded", 100.0, &now_s)?;
        } else {
            ctx.store.merge_patch(&gvr::data_volumes(), &key.0, &key.1, &json!({"metadata": {"annotations": {
                "cdi.kubevirt.io/storage.checkpoint.copied": current, "cdi.kubevirt.io/storage.current.checkpoint": current}}}))?;
            if final_cp {
                set_status(ctx, &dv, "Succeeded", 100.0, &now_s)?;
            } else {
                set_status(ctx, &dv, "Paused", 100.0, &now_s)?;
            }
        }
        return Ok(());
    }
    let span = (end - begin).num_milliseconds().max(1) as f64;
    // Progress moves in quarters, at the ticks: a reconcile between ticks writes nothing new.
    let pct = quarter((now - begin).num_milliseconds() as f64 / span) * 100.0;
    let phase = match (clone, pct > 0.0) {
        (true, false) => "CloneScheduled",
        (true, true) => "CloneInProgress",
        (false, false) => "ImportScheduled",
        (false, true) => "ImportInProgress",
    };
    set_status(ctx, &dv, phase, pct, &now_s)?;
    let tick =
        chrono::Duration::milliseconds((span / 4.0) as i64).max(chrono::Duration::seconds(1));
    q.add_at(key.clone(), (now + tick).min(end));
    Ok(())
}

/// The bytes a DataVolume copies: its storage request, or for a clone without one the
/// source PVC's (CDI's size detection). A request that is not a quantity is an error
/// naming the field.
fn dv_size(ctx: &Ctx, dv: &Value) -> Result<u64, String> {
    let field = "spec.storage.resources.requests.storage";
    let request = text(dv, "/spec/storage/resources/requests/storage");
    if request.is_empty()
        && let Some(src) = dv.pointer("/spec/source/pvc")
    {
        let ns = Some(text(src, "/namespace"))
            .filter(|n| !n.is_empty())
            .unwrap_or(object::namespace(dv));
        let pvc = ctx
            .store
            .get(&gvr::pvcs(), ns, text(src, "/name"))
            .map_err(|e| format!("{field} is not set and the source PVC cannot be read: {e}"))?;
        let size = text(&pvc, "/spec/resources/requests/storage");
        return quantity_bytes(size)
            .map_err(|e| format!("source PVC spec.resources.requests.storage: {e}"));
    }
    quantity_bytes(request).map_err(|e| format!("{field}: {e}"))
}

/// Marks a DataVolume `Failed` with `message` on its `Running` condition (CDI's shape of
/// an import that cannot run).
fn fail_dv(ctx: &Ctx, dv: &Value, message: &str, now: &str) -> runtime::Outcome {
    let cond = |t: &str, reason: &str, msg: &str| json!({"type": t, "status": "False", "reason": reason, "message": msg, "lastTransitionTime": now});
    let status = json!({
        "phase": "Failed",
        "progress": "N/A",
        "claimName": object::name(dv),
        "conditions": [cond("Bound", "Bound", ""), cond("Running", "Error", message), cond("Ready", "Error", "")],
    });
    ctx.store.merge_patch_status(
        &gvr::data_volumes(),
        object::namespace(dv),
        object::name(dv),
        &json!({"status": status}),
    )?;
    Ok(())
}

/// `f` rounded down to a quarter, below 1.
pub(crate) fn quarter(f: f64) -> f64 {
    ((f.clamp(0.0, 0.999) * 4.0).floor() / 4.0).clamp(0.0, 0.75)
}

fn set_status(
    ctx: &Ctx,
    dv: &Value,
    phase: &str,
    pct: f64,
    now: &str,
) -> Result<(), crate::store::ApiError> {
    let done = phase == "Succeeded";
    let running = phase.ends_with("InProgress");
    let cond = |t: &str, ok: bool, reason: &str| json!({"type": t, "status": if ok { "True" } else { "False" }, "reason": reason, "message": "", "lastTransitionTime": now});
    let mut status = json!({
        "phase": phase,
        "progress": format!("{pct:.2}%"),
        "claimName": object::name(dv),
        "conditions": [cond("Bound", true, "Bound"), cond("Running", running, if running { "Pod is running" } else if done { "Completed" } else { "" }), cond("Ready", done, if done { "" } else { "TransferRunning" })],
    });
    if done {
        put(&mut status, "/progress", json!("100.0%"));
    }
    // Keep the transition times of unchanged conditions.
    if let Some(old) = dv.pointer("/status/conditions").and_then(Value::as_array)
        && let Some(new) = status.get_mut("conditions").and_then(Value::as_array_mut)
    {
        for c in new.iter_mut() {
            if let Some(o) = old.iter().find(|o| {
                text(o, "/type") == text(c, "/type") && text(o, "/status") == text(c, "/status")
            }) {
                put(
                    c,
                    "/lastTransitionTime",
                    o.get("lastTransitionTime").cloned().unwrap_or(Value::Null),
                );
            }
        }
    }
    ctx.store.merge_patch_status(
        &gvr::data_volumes(),
        object::namespace(dv),
        object::name(dv),
        &json!({"status": status}),
    )?;
    Ok(())
}

fn reconcile_populator(ctx: &Ctx, starts: &Starts, q: &Queue, key: &Key) -> runtime::Outcome {
    let pvc = ctx.store.get(&gvr::pvcs(), &key.0, &key.1)?;
    if object::is_deleting(&pvc) || text(&pvc, "/status/phase") == "Bound" {
        return Ok(());
    }
    let ann = |k: &str| {
        text(
            &pvc,
            &format!("/metadata/annotations/forklift.konveyor.io~1{k}"),
        )
        .to_string()
    };
    if !ann("populator-error").is_empty() {
        return Ok(());
    }
    let fail = |msg: String| {
        ctx.store.merge_patch(
            &gvr::pvcs(),
            &key.0,
            &key.1,
            &json!({"metadata": {"annotations": {"forklift.konveyor.io/populator-error": msg}}}),
        )
    };
    let secret = ann("xcopy-secret");
    if ctx.store.get(&gvr::secrets(), &key.0, &secret).is_err() {
        fail(format!(
            "vsphere-xcopy-volume-populator: secret \"{secret}\" not found in namespace {}",
            key.0
        ))?;
        return Ok(());
    }
    let (vendor, ds_vendor) = (ann("xcopy-vendor"), ann("datastore-vendor"));
    if !ds_vendor.is_empty() && vendor != ds_vendor {
        fail(format!(
            "vsphere-xcopy-volume-populator: storageVendorProduct {vendor} does not match the array of the datastore ({ds_vendor})"
        ))?;
        return Ok(());
    }
    if let Some(msg) = super::xcopy_ssh::clone_error(ctx, &pvc) {
        fail(format!("vsphere-xcopy-volume-populator: {msg}"))?;
        return Ok(());
    }
    let rate = if ann("xcopy-capable") == "true" {
        XCOPY_BYTES_PER_SEC
    } else {
        COPY_BYTES_PER_SEC
    };
    let bytes = match quantity_bytes(text(&pvc, "/spec/resources/requests/storage")) {
        Ok(b) => b,
        Err(e) => {
            fail(format!(
                "vsphere-xcopy-volume-populator: spec.resources.requests.storage: {e}"
            ))?;
            return Ok(());
        }
    };
    let d = stretch(ctx, &pvc, super::plan::copy_time(bytes, rate));
    let now = ctx.clock.now();
    let begin = started(starts, object::uid(&pvc), "", now);
    let end = begin + chrono::Duration::from_std(d).unwrap_or_default();
    if now >= end {
        ctx.store.merge_patch(&gvr::pvcs(), &key.0, &key.1, &json!({"metadata": {"annotations": {"forklift.konveyor.io/populator-progress": "100"}}}))?;
        let fresh = ctx.store.get(&gvr::pvcs(), &key.0, &key.1)?;
        return bind(ctx, &fresh);
    }
    let span = (end - begin).num_milliseconds().max(1) as f64;
    let pct = quarter((now - begin).num_milliseconds() as f64 / span) * 100.0;
    ctx.store.merge_patch(&gvr::pvcs(), &key.0, &key.1, &json!({"metadata": {"annotations": {"forklift.konveyor.io/populator-progress": format!("{pct:.0}")}}}))?;
    let tick =
        chrono::Duration::milliseconds((span / 4.0) as i64).max(chrono::Duration::seconds(1));
    q.add_at(key.clone(), (now + tick).min(end));
    Ok(())
}
