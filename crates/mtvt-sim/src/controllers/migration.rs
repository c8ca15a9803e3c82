//! Migration controller (`pkg/controller/migration`): resolves `spec.plan` (`PlanNotValid`),
//! owns the Migration by its Plan, is `PlanNotReady` whenever the Plan lacks `Ready`, checks
//! `cancel` refs (`VMNotFound`/`VMNotUnique`, Warn), and reflects the Plan's history snapshot
//! for this Migration until it ends: `Running` while executing, `Succeeded`/`Failed` with its
//! own `started`/`completed`, `Canceled` as the snapshot has it, and the VM statuses.

use std::sync::Arc;

use serde_json::{Value, json};

use super::conditions::{ADVISORY, CRITICAL, Cnd, Conditions, REQUIRED, WARN, has_condition};
use super::json_edit::text;
use super::runtime::{self, Key, Queue, Watch};
use super::{Ctx, Started, gvr};
use crate::store::{ListOptions, object};

pub(super) fn spawn(ctx: &Ctx) -> Started {
    let c = ctx.clone();
    let by_plan = Watch::mapped(gvr::plans(), |store, ev| {
        let (ns, name) = runtime::key_of(&ev.object);
        store
            .list(&gvr::migrations(), None, &ListOptions::default())
            .map(|l| {
                l.items
                    .iter()
                    .filter(|m| {
                        text(m, "/spec/plan/namespace") == ns && text(m, "/spec/plan/name") == name
                    })
                    .map(|m| runtime::key_of(m))
                    .collect()
            })
            .unwrap_or_default()
    });
    let queue = runtime::spawn(
        "migration",
        &ctx.store,
        &ctx.shutdown,
        vec![Watch::own(gvr::migrations()), by_plan],
        move |q, key| reconcile(&c, q, key),
    );
    Started {
        queue,
        gvr: gvr::migrations(),
    }
}

fn reconcile(ctx: &Ctx, _q: &Queue, key: &Key) -> runtime::Outcome {
    let m = ctx.store.get(&gvr::migrations(), &key.0, &key.1)?;
    if object::is_deleting(&m) {
        return Ok(());
    }
    let mut cnd = Conditions::stage(m.pointer("/status/conditions"), &ctx.now());
    let mut status = json!({"observedGeneration": object::generation(&m)});
    if let Some(plan) = plan_of(ctx, &m, &mut cnd) {
        let owned = m
            .pointer("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|r| text(r, "/uid") == object::uid(&plan)));
        if !owned {
            ctx.store.merge_patch(&gvr::migrations(), &key.0, &key.1, &json!({"metadata": {"ownerReferences": [
                {"apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Plan", "name": object::name(&plan), "uid": object::uid(&plan)}]}}))?;
        }
        // validation.go:84-90: without a Ready plan nothing else is checked or reflected.
        if has_condition(&plan, "Ready") {
            check_cancel(&m, &plan, &mut cnd);
            reflect_plan(ctx, &m, &plan, &mut cnd, &mut status);
        } else {
            cnd.set(Cnd::new(
                "PlanNotReady",
                CRITICAL,
                "NotFound",
                "The `plan` does not have Ready condition.",
            ));
        }
    }
    if !cnd.has_blocker() {
        cnd.set(Cnd::new("Ready", REQUIRED, "", "The migration is ready."));
    }
    super::json_edit::put(&mut status, "/conditions", cnd.finish());
    ctx.store.merge_patch_status(
        &gvr::migrations(),
        &key.0,
        &key.1,
        &json!({"status": status}),
    )?;
    Ok(())
}

/// The Migration's Plan (`PlanNotValid` when unset or missing).
fn plan_of(ctx: &Ctx, m: &Value, cnd: &mut Conditions) -> Option<Arc<Value>> {
    let pns = text(m, "/spec/plan/namespace");
    let pname = text(m, "/spec/plan/name");
    if pns.is_empty() || pname.is_empty() {
        cnd.set(Cnd::new(
            "PlanNotValid",
            CRITICAL,
            "NotSet",
            "The `plan` is not valid.",
        ));
        return None;
    }
    match ctx.store.get(&gvr::plans(), pns, pname) {
        Ok(p) => Some(p),
        Err(_) => {
            cnd.set(Cnd::new(
                "PlanNotValid",
                CRITICAL,
                "NotFound",
                "The `plan` is not valid.",
            ));
            None
        }
    }
}

/// `reflectPlan` (pkg/controller/migration/controller.go:185-230): the Plan's history
/// snapshot of this Migration, until the Migration has a terminal condition: `Canceled`
/// copied as is (and nothing else: upstream then calls `MarkedCompleted`, so no `completed`
/// and no more `vms`), `Running` ("The migration is RUNNING.", its own `started`) while
/// executing, `Succeeded`/`Failed` ("The migration has SUCCEEDED./FAILED.", its own
/// `completed`), and the Plan's VM statuses.
fn reflect_plan(ctx: &Ctx, m: &Value, plan: &Value, cnd: &mut Conditions, status: &mut Value) {
    if cnd.has_blocker()
        || ["Canceled", "Succeeded", "Failed"]
            .iter()
            .any(|k| cnd.has(k))
    {
        return;
    }
    let history = plan
        .pointer("/status/migration/history")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let Some(snap) = history
        .iter()
        .find(|h| text(h, "/migration/uid") == object::uid(m))
    else {
        return;
    };
    let snap_cond = |kind: &str| {
        snap.get("conditions")
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter()
                    .find(|c| text(c, "/type") == kind && text(c, "/status") == "True")
            })
    };
    if let Some(c) = snap_cond("Canceled") {
        cnd.set(
            Cnd::new(
                "Canceled",
                ADVISORY,
                text(c, "/reason"),
                text(c, "/message"),
            )
            .durable(),
        );
        return;
    }
    let own =
        |k: &str| Some(text(m, &format!("/status/{k}")).to_string()).filter(|s| !s.is_empty());
    if snap_cond("Executing").is_some() {
        let started = own("started").unwrap_or_else(|| ctx.now());
        super::json_edit::put(status, "/started", json!(started));
        cnd.set(Cnd::new(
            "Running",
            ADVISORY,
            "",
            "The migration is RUNNING.",
        ));
    }
    for (kind, msg) in [
        ("Succeeded", "The migration has SUCCEEDED."),
        ("Failed", "The migration has FAILED."),
    ] {
        if snap_cond(kind).is_some() {
            let completed = own("completed").unwrap_or_else(|| ctx.now());
            super::json_edit::put(status, "/completed", json!(completed));
            cnd.set(Cnd::new(kind, ADVISORY, "", msg).durable());
        }
    }
    let vms = plan
        .pointer("/status/migration/vms")
        .cloned()
        .unwrap_or(json!([]));
    super::json_edit::put(status, "/vms", vms);
}

/// `spec.cancel` references must each name one VM of the plan (`VMNotFound`/`VMNotUnique`).
fn check_cancel(m: &Value, plan: &Value, cnd: &mut Conditions) {
    let vms: Vec<(String, String)> = plan
        .pointer("/spec/vms")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|v| (text(v, "/id").to_string(), text(v, "/name").to_string()))
        .collect();
    let statuses = plan
        .pointer("/status/migration/vms")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let (mut not_found, mut not_unique) = (Vec::new(), Vec::new());
    for c in m
        .pointer("/spec/cancel")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (id, name) = (text(c, "/id"), text(c, "/name"));
        let matches =
            |i: &str, n: &str| (!id.is_empty() && i == id) || (id.is_empty() && n == name);
        let hits = statuses
            .iter()
            .filter(|s| matches(text(s, "/id"), text(s, "/name")))
            .count()
            .max(vms.iter().filter(|(i, n)| matches(i, n)).count());
        let disp = super::catalog::SrcRef::from_json(c).display();
        match hits {
            0 => not_found.push(disp),
            1 => {}
            _ => not_unique.push(disp),
        }
    }
    if !not_found.is_empty() {
        cnd.set(Cnd::new("VMNotFound", WARN, "NotFound", "VM not found.").items(not_found));
    }
    if !not_unique.is_empty() {
        cnd.set(
            Cnd::new(
                "VMNotUnique",
                WARN,
                "NotUnique",
                "VM reference is ambiguous.",
            )
            .items(not_unique),
        );
    }
}
