//! Before a teardown deletes the run's objects: Migrations still running are canceled and
//! Plans archived, and both awaited until Forklift has done so (the controller stops
//! working on them), then what the controller made
//! for our plans in their target namespaces — VirtualMachines, DataVolumes, PVCs, pods,
//! found by the `plan=<uid>` label — is deleted and awaited. In a target namespace the
//! same teardown deletes, the namespace's own disappearance is the wait.

use std::collections::BTreeSet;

use futures::future::join_all;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::{GONE_TIMEOUT, Teardown, TeardownLog, plan_selector};
use crate::cluster::{ObjectRef, kinds};
use crate::engine::conditions::{Stopped, condition_true, migration_ended};
use crate::engine::error::{api_message, is_not_found};
use crate::engine::journal::{Action, Entry};
use crate::engine::retry::with_retry;
use crate::engine::watches::WaitOptions;

/// Kinds the controller makes for a plan in its target namespace.
pub const WORKLOAD_KINDS: [kinds::Kind; 4] = [
    kinds::VIRTUAL_MACHINE,
    kinds::DATA_VOLUME,
    kinds::PVC,
    kinds::POD,
];

/// Cancels Migrations that have not ended and waits until they have, then archives Plans
/// and waits until they are `Archived` — in that order, as the pytest suite does: an
/// archived Plan loses `Ready`, and a Migration whose Plan is not Ready only reports
/// `PlanNotReady`, so it would never be seen ending. Then the controller has stopped
/// working on them before their objects go.
pub(super) async fn stop_migrations(
    t: &Teardown<'_>,
    entries: &[Entry],
    never: &CancellationToken,
    log: &mut TeardownLog,
) {
    let created = |kind: kinds::Kind| {
        entries.iter().filter_map(move |e| match &e.action {
            Action::Create { object, .. } if object.kind == kind => Some(object),
            _ => None,
        })
    };
    let mut canceled = Vec::new();
    for object in created(kinds::MIGRATION) {
        match cancel_migration(t.client, object).await {
            Ok(true) => canceled.push(object),
            Ok(false) => {}
            Err(m) => log.errors.push(m),
        }
    }
    wait_stopped(t, &canceled, Stopped::MigrationEnded, never, log).await;
    let mut archived = Vec::new();
    for object in created(kinds::PLAN) {
        let patch = json!({"spec": {"archived": true}});
        match merge_patch(t.client, object, &patch).await {
            Ok(Some(plan)) if reconciled(&plan) => archived.push(object),
            Ok(Some(_)) => tracing::info!(
                "{object} was never reconciled by Forklift (no status.observedGeneration): \
                 not waiting for Archived"
            ),
            Ok(None) => {}
            Err(m) => log.errors.push(format!("archive {object}: {m}")),
        }
    }
    wait_stopped(t, &archived, Stopped::PlanArchived, never, log).await;
}

/// Whether a controller has ever reconciled `plan`: Forklift's plan controller stamps
/// `status.observedGeneration` on every reconcile (pkg/controller/plan/controller.go:304).
/// A Plan without it has no controller to archive it, so waiting for `Archived` could only
/// time out (an API server without Forklift, or Forklift down: the teardown goes on).
fn reconciled(plan: &kube::api::DynamicObject) -> bool {
    plan.data
        .pointer("/status/observedGeneration")
        .and_then(Value::as_i64)
        .is_some_and(|g| g > 0)
}

/// Waits (concurrently) until each of `objects` is `until` or gone.
async fn wait_stopped(
    t: &Teardown<'_>,
    objects: &[&ObjectRef],
    until: Stopped,
    never: &CancellationToken,
    log: &mut TeardownLog,
) {
    let opts = WaitOptions {
        timeout: GONE_TIMEOUT,
        cancel: never,
    };
    let waits = objects
        .iter()
        .map(|o| t.watches.wait(o, until, &opts, |_| {}));
    for r in join_all(waits).await {
        if let Err(e) = r {
            log.errors.push(e.to_string());
        }
    }
}

/// Cancels Migration `object` unless it ended; whether it was canceled.
async fn cancel_migration(client: &kube::Client, object: &ObjectRef) -> Result<bool, String> {
    let api = object.api(client);
    let Ok(m) = with_retry(|| async { api.get(&object.name).await }).await else {
        return Ok(false);
    };
    if migration_ended(&m) || !plan_executing(client, &m).await {
        return Ok(false);
    }
    let vms: Vec<Value> = m
        .data
        .pointer("/status/vms")
        .and_then(Value::as_array)
        .map(|vms| {
            vms.iter()
                .filter_map(|v| v.get("id").cloned())
                .map(|id| json!({"id": id}))
                .collect()
        })
        .unwrap_or_default();
    if vms.is_empty() {
        return Ok(false);
    }
    let patch = json!({"spec": {"cancel": vms}});
    merge_patch(client, object, &patch)
        .await
        .map(|_| true)
        .map_err(|m| format!("cancel {object}: {m}"))
}

/// Whether the Plan of Migration `m` is still executing. A Migration only mirrors its Plan
/// while the Plan is Ready: a Plan that lost Ready once it ended (e.g. MacConflicts with
/// the target VM a failed hook kept) leaves its Migration `PlanNotReady` and never
/// terminal, and canceling it would wait for an end that never shows. Unreadable = yes.
async fn plan_executing(client: &kube::Client, m: &kube::api::DynamicObject) -> bool {
    let (Some(ns), Some(name)) = (
        m.data
            .pointer("/spec/plan/namespace")
            .and_then(Value::as_str),
        m.data.pointer("/spec/plan/name").and_then(Value::as_str),
    ) else {
        return true;
    };
    let api = kinds::PLAN.api(client, Some(ns));
    match with_retry(|| async { api.get(name).await }).await {
        Ok(plan) => condition_true(&plan, "Executing"),
        Err(err) => !is_not_found(&err),
    }
}

/// A merge patch: the patched object, or `None` when it is gone (NotFound is fine).
async fn merge_patch(
    client: &kube::Client,
    object: &ObjectRef,
    patch: &Value,
) -> Result<Option<kube::api::DynamicObject>, String> {
    let api = object.api(client);
    match with_retry(|| async {
        api.patch(&object.name, &PatchParams::default(), &Patch::Merge(patch))
            .await
    })
    .await
    {
        Ok(o) => Ok(Some(o)),
        Err(err) if is_not_found(&err) => Ok(None),
        Err(err) => Err(api_message(&err)),
    }
}

/// `(plan uid, target namespace)` of every Plan among `entries`.
pub fn plan_targets(entries: &[Entry]) -> Vec<(String, String)> {
    entries
        .iter()
        .filter_map(|e| match &e.action {
            Action::Create {
                object,
                uid: Some(uid),
                target_namespace: Some(tns),
            } if object.kind == kinds::PLAN => Some((uid.clone(), tns.clone())),
            _ => None,
        })
        .collect()
}

/// Deletes what Forklift made for our plans in their target namespaces, and waits until it
/// is gone unless the namespace itself goes (`doomed`).
pub(super) async fn delete_plan_workloads(
    t: &Teardown<'_>,
    entries: &[Entry],
    doomed: &BTreeSet<String>,
    never: &CancellationToken,
    log: &mut TeardownLog,
) {
    let targets = plan_targets(entries);
    let opts = WaitOptions {
        timeout: GONE_TIMEOUT,
        cancel: never,
    };
    for kind in WORKLOAD_KINDS {
        let work = targets.iter().map(|(uid, tns)| {
            let opts = &opts;
            async move {
                let api = kind.api(t.client, Some(tns));
                let lp = ListParams::default().labels(&plan_selector(uid));
                if let Err(err) = with_retry(|| async {
                    api.delete_collection(&DeleteParams::background(), &lp)
                        .await
                })
                .await
                    && !is_not_found(&err)
                {
                    return Err(format!(
                        "delete {}s of plan {uid} in {tns}: {}",
                        kind.kind,
                        api_message(&err)
                    ));
                }
                if doomed.contains(tns) {
                    return Ok(());
                }
                t.watches
                    .wait_none(kind, tns, ("plan", uid), opts)
                    .await
                    .map_err(|e| e.to_string())
            }
        });
        for r in join_all(work).await {
            if let Err(e) = r {
                log.errors.push(e);
            }
        }
    }
}
