//! The Plan controller (`pkg/controller/plan`): validation, archive, and migration execution.
//! Reconcile order as upstream: skip plans that `Succeeded` (unless archived), stage
//! conditions, validate, archive if requested, set `Ready`, execute.

mod builder;
mod execute;
mod hooks;
mod itinerary;
mod phases;
mod pipeline;
mod status;
mod timing;
mod validation;

pub use timing::{
    COPY_BYTES_PER_SEC, DELTA_FRACTION, XCOPY_BYTES_PER_SEC, copy_duration as copy_time,
};

use serde_json::{Value, json};

use super::conditions::{ADVISORY, Cnd, Conditions, REQUIRED, has_condition};
use super::json_edit::text;
use super::runtime::{self, Key, Queue, Watch};
use super::{Ctx, Started, gvr};
use crate::store::{Gvr, ListOptions, Store, WatchEvent, object};
use execute::{ExecState, MigrationStatus};

fn plans_by_uid(store: &Store, uid: &str) -> Vec<Key> {
    if uid.is_empty() {
        return Vec::new();
    }
    store
        .list(&gvr::plans(), None, &ListOptions::default())
        .map(|l| {
            l.items
                .iter()
                .filter(|p| object::uid(p) == uid)
                .map(|p| runtime::key_of(p))
                .collect()
        })
        .unwrap_or_default()
}

fn plans_referencing(store: &Store, ptr: &str, ns: &str, name: &str) -> Vec<Key> {
    store
        .list(&gvr::plans(), None, &ListOptions::default())
        .map(|l| {
            l.items
                .iter()
                .filter(|p| {
                    let s = serde_json::to_string(p.pointer(ptr).unwrap_or(&Value::Null))
                        .unwrap_or_default();
                    s.contains(&format!("\"name\":\"{name}\""))
                        && s.contains(&format!("\"namespace\":\"{ns}\""))
                })
                .map(|p| runtime::key_of(p))
                .collect()
        })
        .unwrap_or_default()
}

fn by_label(g: Gvr) -> Watch {
    Watch::mapped(g, |store, ev: &WatchEvent| {
        plans_by_uid(store, text(&ev.object, "/metadata/labels/plan"))
    })
}

pub(super) fn spawn(ctx: &Ctx) -> Started {
    let c = ctx.clone();
    let st = ExecState::default();
    let watches = vec![
        Watch::own(gvr::plans()),
        Watch::mapped(gvr::migrations(), |_, ev| {
            vec![(
                text(&ev.object, "/spec/plan/namespace").to_string(),
                text(&ev.object, "/spec/plan/name").to_string(),
            )]
        }),
        Watch::mapped(gvr::providers(), |store, ev| {
            let (ns, name) = runtime::key_of(&ev.object);
            plans_referencing(store, "/spec/provider", &ns, &name)
        }),
        Watch::mapped(gvr::network_maps(), |store, ev| {
            let (ns, name) = runtime::key_of(&ev.object);
            plans_referencing(store, "/spec/map", &ns, &name)
        }),
        Watch::mapped(gvr::storage_maps(), |store, ev| {
            let (ns, name) = runtime::key_of(&ev.object);
            plans_referencing(store, "/spec/map", &ns, &name)
        }),
        Watch::mapped(gvr::hooks(), |store, ev| {
            let (ns, name) = runtime::key_of(&ev.object);
            plans_referencing(store, "/spec/vms", &ns, &name)
        }),
        Watch::mapped(gvr::forklift_controllers(), |store, _| {
            super::all_keys(store, &gvr::plans())
        }),
        Watch::mapped(gvr::vms(), |store, ev: &WatchEvent| {
            let mut keys = plans_by_uid(store, text(&ev.object, "/metadata/labels/plan"));
            // A VM appearing or leaving in a target namespace changes VMAlreadyExists.
            keys.extend(super::all_keys(store, &gvr::plans()));
            keys
        }),
        by_label(gvr::jobs()),
        by_label(gvr::data_volumes()),
        by_label(gvr::pvcs()),
        by_label(gvr::pods()),
    ];
    let queue = runtime::spawn("plan", &ctx.store, &ctx.shutdown, watches, move |q, key| {
        reconcile(&c, &st, q, key)
    });
    Started {
        queue,
        gvr: gvr::plans(),
    }
}

fn reconcile(ctx: &Ctx, st: &ExecState, q: &Queue, key: &Key) -> runtime::Outcome {
    let plan = ctx.store.get(&gvr::plans(), &key.0, &key.1)?;
    if object::is_deleting(&plan) {
        return Ok(());
    }
    let archived = plan.pointer("/spec/archived").and_then(Value::as_bool) == Some(true);
    if has_condition(&plan, "Succeeded") && !archived {
        return Ok(());
    }
    if archived && has_condition(&plan, "Archived") {
        return Ok(());
    }
    let now = ctx.now();
    let mut cnd = Conditions::stage(plan.pointer("/status/conditions"), &now);
    let mut mig = MigrationStatus::read(&plan);
    if archived {
        archive(ctx, &plan, &mig);
        cnd.set(
            Cnd::new(
                "Archived",
                ADVISORY,
                "UserRequested",
                "The migration plan has been archived.",
            )
            .durable(),
        );
        cnd.delete("Ready");
        let status = json!({"status": {"conditions": cnd.finish(), "observedGeneration": object::generation(&plan)}});
        ctx.store
            .merge_patch_status(&gvr::plans(), &key.0, &key.1, &status)?;
        return Ok(());
    }
    let refd = validation::validate_plan(ctx, &plan, &mut cnd);
    if !cnd.has_blocker() && !cnd.has("Executing") {
        validation::validate_vms(ctx, &plan, &refd, &mig.vms, &mut cnd);
    }
    // A VDDK validation Job still running holds Ready back (controller.go:271).
    if !cnd.has_blocker() && !cnd.has("ValidatingVDDK") {
        cnd.set(Cnd::new(
            "Ready",
            REQUIRED,
            "",
            "The migration plan is ready.",
        ));
    }
    let wake = execute::execute(ctx, st, &plan, &refd, &mut cnd, &mut mig)?;
    execute::conversion_resumable(&mut cnd, &mig);
    if let Some(t) = wake {
        q.add_at(key.clone(), t);
    }
    ensure_offload_secret(ctx, &plan, &refd)?;
    let status = json!({"status": {
        "conditions": cnd.finish(),
        "observedGeneration": object::generation(&plan),
        "migration": mig.to_json(),
    }});
    ctx.store
        .merge_patch_status(&gvr::plans(), &key.0, &key.1, &status)?;
    Ok(())
}

/// Archive: delete what VMs that did not succeed left when `deleteVmOnFailMigration`
/// (migration.go:342-385, cleanup with force), every VM's guest-conversion pod (Archive:
/// `cleanup(vm, _, true)` forces DeleteGuestConversionPod), and the VDDK validation Jobs.
fn archive(ctx: &Ctx, plan: &Value, mig: &MigrationStatus) {
    let tns = text(plan, "/spec/targetNamespace");
    let conversion = ListOptions {
        labels: crate::store::LabelSelector::parse(&format!(
            "plan={},forklift.app=virt-v2v",
            object::uid(plan)
        ))
        .unwrap_or_default(),
        ..Default::default()
    };
    for pod in ctx
        .store
        .list(&gvr::pods(), Some(tns), &conversion)
        .map(|l| l.items)
        .unwrap_or_default()
    {
        let _ = ctx.store.delete(&gvr::pods(), tns, object::name(&pod));
    }
    for vs in mig.vms.iter().filter(|v| !v.has("Succeeded")) {
        if !phases::delete_vm_on_fail(plan, vs) {
            continue;
        }
        let opts = ListOptions {
            labels: crate::store::LabelSelector::parse(&format!(
                "plan={},vmID={}",
                object::uid(plan),
                vs.id
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
    // vSphere: the VDDK validation Jobs go too (migration.go:342-385, deleteValidateVddkJob).
    let vddk_jobs = ListOptions {
        labels: crate::store::LabelSelector::parse(&format!("plan={},vddk", object::uid(plan)))
            .unwrap_or_default(),
        ..Default::default()
    };
    for j in ctx
        .store
        .list(&gvr::jobs(), Some(tns), &vddk_jobs)
        .map(|l| l.items)
        .unwrap_or_default()
    {
        let _ = ctx.store.delete_with(
            &gvr::jobs(),
            tns,
            object::name(&j),
            &crate::store::DeleteOptions {
                propagation: Some(crate::store::Propagation::Background),
                ..Default::default()
            },
        );
    }
}

/// Copy offload: the plan-specific Secret (`<plan>-xxxxx`) the volume populators read, with
/// the storage credentials of the map's `secretRef` plus the vSphere credentials.
fn ensure_offload_secret(
    ctx: &Ctx,
    plan: &Value,
    refd: &validation::Referenced,
) -> Result<(), crate::store::ApiError> {
    let (Some(sm), Some(source)) = (refd.storage_map.as_ref(), refd.source.as_ref()) else {
        return Ok(());
    };
    if !validation::uses_offload(sm)
        || !has_condition(plan, "Executing") && plan.pointer("/status/migration/history").is_none()
    {
        return Ok(());
    }
    let tns = text(plan, "/spec/targetNamespace");
    let opts = ListOptions {
        labels: crate::store::LabelSelector::parse(&format!(
            "plan={},resource=populator-secret",
            object::uid(plan)
        ))
        .unwrap_or_default(),
        ..Default::default()
    };
    if ctx
        .store
        .list(&gvr::secrets(), Some(tns), &opts)
        .is_ok_and(|l| !l.items.is_empty())
    {
        return Ok(());
    }
    let mut data = serde_json::Map::new();
    let sm_ns = object::namespace(sm);
    for e in sm
        .pointer("/spec/map")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let sref = text(e, "/offloadPlugin/vsphereXcopyConfig/secretRef");
        if let Ok(s) = ctx.store.get(&gvr::secrets(), sm_ns, sref)
            && let Some(d) = s.get("data").and_then(Value::as_object)
        {
            data.extend(d.clone());
        }
    }
    if let Ok(ps) = ctx.store.get(
        &gvr::secrets(),
        text(source, "/spec/secret/namespace"),
        text(source, "/spec/secret/name"),
    ) {
        let b64 = |k: &str| {
            ps.pointer(&format!("/data/{k}"))
                .cloned()
                .unwrap_or(Value::Null)
        };
        data.insert("GOVMOMI_USERNAME".into(), b64("user"));
        data.insert("GOVMOMI_PASSWORD".into(), b64("password"));
        let host = super::catalog::host_of(text(source, "/spec/url")).to_string();
        use base64::Engine;
        data.insert(
            "GOVMOMI_HOSTNAME".into(),
            json!(base64::engine::general_purpose::STANDARD.encode(host)),
        );
    }
    ctx.store.create(&gvr::secrets(), tns, json!({
        "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
        "metadata": {"generateName": format!("{}-", object::name(plan)), "namespace": tns,
            "labels": {"plan": object::uid(plan), "plan-name": object::name(plan), "plan-namespace": object::namespace(plan), "resource": "populator-secret"}},
        "data": data,
    }))?;
    Ok(())
}
