//! Migration controller (`pkg/controller/migration`): resolves `spec.plan` (`PlanNotValid`),
//! owns the Migration by its Plan, reports `PlanNotReady`/`Ready` before execution, checks
//! `cancel` refs (`VMNotFound`/`VMNotUnique`, Warn), and mirrors the Plan's history snapshot
//! for this Migration: `Running` while executing, `Succeeded`/`Failed`/`Canceled`,
//! `started`/`completed` and the VM statuses.

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
        mirror_history(&m, &plan, &mut cnd, &mut status);
        check_cancel(&m, &plan, &mut cnd);
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

/// The Plan's history snapshot of this Migration as its conditions (`Executing` → `Running`),
/// and, for the latest snapshot, the Plan's `started`/`completed`/`vms`; before execution,
/// `Ready` or `PlanNotReady`.
fn mirror_history(m: &Value, plan: &Value, cnd: &mut Conditions, status: &mut Value) {
    let history = plan
        .pointer("/status/migration/history")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let snap = history
        .iter()
        .find(|h| text(h, "/migration/uid") == object::uid(m));
    let latest = history
        .last()
        .is_some_and(|h| text(h, "/migration/uid") == object::uid(m));
    let Some(s) = snap else {
        if !has_condition(plan, "Ready") {
            cnd.set(Cnd::new(
                "PlanNotReady",
                CRITICAL,
                "",
                "The migration plan is not ready.",
            ));
        } else {
            cnd.set(Cnd::new("Ready", REQUIRED, "", "The migration is ready."));
        }
        return;
    };
    for c in s
        .get("conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let t = text(c, "/type");
        let mut cc = Cnd::new(t, ADVISORY, text(c, "/reason"), text(c, "/message")).durable();
        if t == "Executing" {
            cc = Cnd::new("Running", ADVISORY, "", "The migration is RUNNING.");
        }
        cnd.set(cc);
    }
    if latest {
        let pm = plan
            .pointer("/status/migration")
            .cloned()
            .unwrap_or(Value::Null);
        for k in ["started", "completed", "vms"] {
            if let Some(v) = pm.get(k) {
                super::json_edit::put(status, &format!("/{k}"), v.clone());
            }
        }
    }
    cnd.set(Cnd::new("Ready", REQUIRED, "", "The migration is ready."));
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
