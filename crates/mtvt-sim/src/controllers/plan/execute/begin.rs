//! Beginning a migration: the oldest pending Migration of the plan, a new history snapshot,
//! the target namespace, and a fresh status per VM (kept when it already succeeded; the
//! leftovers of a failed run deleted first when `deleteVmOnFailMigration`).

use std::sync::Arc;

use serde_json::{Value, json};

use super::super::super::catalog::{SourceView, SourceVm, SrcRef};
use super::super::super::conditions::{ADVISORY, Cnd, Conditions};
use super::super::super::json_edit::text;
use super::super::super::{Ctx, gvr};
use super::super::builder::Run;
use super::super::itinerary::{self, Flags};
use super::super::status::VmStatus;
use super::super::validation::Referenced;
use super::{Env, MigrationStatus, cnd_json, obj_ref};
use crate::store::{ApiError, ListOptions, object};

pub(super) fn pending_migration(
    ctx: &Ctx,
    plan: &Value,
    mig: &MigrationStatus,
) -> Option<Arc<Value>> {
    let done: Vec<&str> = mig
        .history
        .iter()
        .map(|h| text(h, "/migration/uid"))
        .collect();
    let list = ctx
        .store
        .list(&gvr::migrations(), None, &ListOptions::default())
        .ok()?;
    let mut cands: Vec<Arc<Value>> = list
        .items
        .into_iter()
        .filter(|m| {
            text(m, "/spec/plan/namespace") == object::namespace(plan)
                && text(m, "/spec/plan/name") == object::name(plan)
        })
        .filter(|m| !object::is_deleting(m) && !done.contains(&object::uid(m)))
        .filter(|m| {
            !["Succeeded", "Failed", "Canceled"]
                .iter()
                .any(|k| super::super::super::conditions::has_condition(m, k))
        })
        .collect();
    cands.sort_by(|a, b| {
        (
            text(a, "/metadata/creationTimestamp"),
            object::namespace(a),
            object::name(a),
        )
            .cmp(&(
                text(b, "/metadata/creationTimestamp"),
                object::namespace(b),
                object::name(b),
            ))
    });
    cands.into_iter().next()
}

/// Begins Migration `m`; `false` when it failed before any VM started (a resume that cannot
/// resume, migration.go:216-245).
pub(super) fn begin(
    ctx: &Ctx,
    plan: &Value,
    refd: &Referenced,
    m: &Value,
    cnd: &mut Conditions,
    mig: &mut MigrationStatus,
) -> Result<bool, ApiError> {
    let now = ctx.now();
    let r = |o: &Option<Arc<Value>>| o.as_ref().map(|v| obj_ref(v)).unwrap_or(Value::Null);
    mig.history.push(json!({
        "conditions": [cnd_json("Executing", "The plan is EXECUTING.", "", &now)],
        "provider": {"source": r(&refd.source), "destination": r(&refd.destination)},
        "plan": obj_ref(plan),
        "map": {"network": r(&refd.network_map), "storage": r(&refd.storage_map)},
        "migration": obj_ref(m),
    }));
    cnd.delete("Failed");
    cnd.delete("Canceled");
    let spec_vms = plan
        .pointer("/spec/vms")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let resume = super::env::resume_requested(m) && !ctx.lab.lab().faults.resume_recopies;
    if resume && let Some(msg) = super::resume::blocker(ctx, plan, refd, m, &spec_vms, mig) {
        super::resume::fail_snapshot(mig, cnd, &msg, &now);
        return Ok(false);
    }
    mig.started = Some(now.clone());
    mig.completed = None;
    cnd.set(Cnd::new("Executing", ADVISORY, "", "The plan is EXECUTING.").durable());
    ensure_namespace(ctx, text(plan, "/spec/targetNamespace"))?;
    let source = refd.source.as_ref().and_then(|s| SourceView::open(ctx, s));
    let mut vms = Vec::new();
    for spec_vm in &spec_vms {
        let sref = SrcRef::from_json(spec_vm);
        let found = source.as_ref().and_then(|v| v.vm(&sref).ok());
        let (id, name) = found
            .as_ref()
            .map_or((sref.id.clone(), sref.name.clone()), |v| {
                (v.id.clone(), v.name.clone())
            });
        if let Some(old) = mig
            .vms
            .iter()
            .find(|s| s.id == id && s.phase == "Completed" && s.has("Succeeded"))
        {
            vms.push(old.clone());
            continue;
        }
        let flags = flags_of(ctx, plan, refd, m, spec_vm, found.as_ref());
        if resume {
            // Only VMs whose disks were copied run again, from the conversion (migration.go:
            // 295-309); the others are left out of this Migration.
            if let Some(old) = mig.vms.iter().find(|s| s.id == id && s.disks_copied) {
                super::resume::delete_stale_pods(ctx, plan, &id);
                vms.push(super::resume::reset(old, spec_vm, &flags, found.as_ref()));
            }
            continue;
        }
        // Re-running a VM that did not succeed: its leftovers go first when
        // `deleteVmOnFailMigration` (the Started phase's cleanup, migration.go:884-893).
        if let Some(old) = mig.vms.iter().find(|s| s.id == id)
            && super::super::phases::delete_vm_on_fail(plan, old)
        {
            cleanup_vm(ctx, plan, &id);
        }
        vms.push(fresh_status(id, name, spec_vm, &flags, found.as_ref()));
    }
    mig.vms = vms;
    Ok(true)
}

/// Creates the target namespace when it does not exist.
pub fn ensure_namespace(ctx: &Ctx, tns: &str) -> Result<(), ApiError> {
    if ctx.store.get(&gvr::namespaces(), "", tns).is_ok() {
        return Ok(());
    }
    match ctx.store.create(
        &gvr::namespaces(),
        "",
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": tns}}),
    ) {
        Ok(_) => Ok(()),
        Err(e) if e.reason == crate::store::Reason::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// The itinerary flags of a VM, from a throw-away [`Env`] (default flags when the source
/// cannot be viewed).
pub(super) fn flags_of(
    ctx: &Ctx,
    plan: &Value,
    refd: &Referenced,
    m: &Value,
    spec_vm: &Value,
    vm: Option<&SourceVm>,
) -> Flags {
    let Some(view) = refd.source.as_ref().and_then(|s| SourceView::open(ctx, s)) else {
        return Flags::default();
    };
    let dummy = Env {
        ctx,
        plan,
        refd,
        view,
        migration: Arc::new(m.clone()),
        run: Run::default(),
        precopy_interval: chrono::Duration::minutes(60),
        controller_pvc_template: None,
    };
    dummy.flags(spec_vm, vm)
}

/// The status of a VM about to start: its first phase, a fresh pipeline, the spec's extra
/// fields, firmware and generated target name.
pub(super) fn fresh_status(
    id: String,
    name: String,
    spec_vm: &Value,
    flags: &Flags,
    found: Option<&SourceVm>,
) -> VmStatus {
    let first = itinerary::phases(flags)
        .first()
        .copied()
        .unwrap_or("Started");
    let mut extra = spec_vm.as_object().cloned().unwrap_or_default();
    extra.remove("id");
    extra.remove("name");
    extra.entry("luks").or_insert(json!({}));
    let mut vs = VmStatus {
        id,
        name,
        phase: first.into(),
        pipeline: super::super::pipeline::fresh(flags, found),
        extra,
        ..Default::default()
    };
    if let Some(v) = found {
        vs.firmware = v.firmware.as_str().into();
        if vs.name != v.name {
            vs.name = v.name.clone();
        }
        let target = super::super::validation::target_name(spec_vm, None, v);
        if text(spec_vm, "/targetName").is_empty() && target != v.name {
            vs.new_name = target;
        }
    }
    if flags.warm {
        vs.warm = Some(Default::default());
    }
    vs
}

/// Deletes the target VM, DataVolumes and PVCs a previous run of this plan made for VM `id`.
fn cleanup_vm(ctx: &Ctx, plan: &Value, id: &str) {
    let tns = text(plan, "/spec/targetNamespace");
    let opts = ListOptions {
        labels: crate::store::LabelSelector::parse(&format!(
            "plan={},vmID={id}",
            object::uid(plan)
        ))
        .unwrap_or_default(),
        ..Default::default()
    };
    for g in [gvr::vms(), gvr::data_volumes(), gvr::pvcs()] {
        for o in ctx
            .store
            .list(&g, Some(tns), &opts)
            .map(|l| l.items)
            .unwrap_or_default()
        {
            let _ = ctx.store.delete(&g, tns, object::name(&o));
        }
    }
}
