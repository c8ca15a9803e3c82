//! Teardown from the ledger, in the order that leaves nothing behind: cancel migrations
//! still running, archive plans, delete the VMs (and their disks) the controller created for
//! our plans, then undo every journal entry newest-first — delete objects (NotFound = done),
//! remove node labels, restore patched fields, delete source clones — and wait until what
//! was deleted is gone. Errors are collected, never stop the teardown.
//!
//! Used by scenario teardown, session teardown and `mtvt clean`. It reads the journal; it
//! never creates anything.

use std::time::Duration;

use futures::future::join_all;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::error::{Class, api_message, is_not_found};
use super::journal::{Action, Entry, Journal, State};
use super::retry::with_retry;
use super::wait::{Check, WaitFor, condition_true, wait_none, wait_object};
use crate::cluster::kinds::{self, Kind};

/// How long teardown waits for one group of deletions.
pub const GONE_TIMEOUT: Duration = Duration::from_secs(300);

/// Deletes source clones (implemented over the source adapter by the session).
pub trait SourceCleaner: Send + Sync {
    /// Deletes VM `name` (id when known) made through profile `profile`, and its
    /// artifacts; missing = done.
    fn delete<'a>(
        &'a self,
        profile: &'a str,
        name: &'a str,
        id: Option<&'a str>,
        artifacts: &'a [mtvt_source::SourceArtifact],
    ) -> futures::future::BoxFuture<'a, Result<(), String>>;
}

/// What a teardown did and what went wrong.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct TeardownLog {
    /// Entries undone.
    pub undone: usize,
    /// Problems (each says what and why).
    pub errors: Vec<String>,
}

/// The label every object Forklift creates for a plan carries.
pub fn plan_selector(uid: &str) -> String {
    format!("plan={uid}")
}

fn api_of(
    client: &kube::Client,
    api_version: &str,
    kind: &str,
    namespace: Option<&str>,
) -> Option<(Kind, kube::Api<kube::api::DynamicObject>)> {
    let k = Kind::find(api_version, kind)?;
    Some((k, k.api(client, namespace)))
}

/// Undoes `entries` (newest first, as [`Journal::pending`] returns them).
pub async fn undo(
    client: &kube::Client,
    journal: &Journal,
    entries: Vec<Entry>,
    sources: Option<&dyn SourceCleaner>,
) -> TeardownLog {
    let mut log = TeardownLog::default();
    // teardown is not interruptible: a fresh token that is never cancelled
    let never = CancellationToken::new();
    stop_migrations(client, &entries, &mut log).await;
    delete_plan_workloads(client, &entries, &never, &mut log).await;
    let mut gone: Vec<(Kind, Option<String>, String)> = Vec::new();
    for e in &entries {
        match &e.action {
            Action::Create {
                api_version,
                kind,
                namespace,
                name,
                ..
            } => {
                let Some((k, api)) = api_of(client, api_version, kind, namespace.as_deref()) else {
                    log.errors.push(format!(
                        "cannot delete {}: unknown kind",
                        e.action.describe()
                    ));
                    continue;
                };
                let dp = DeleteParams::background();
                match with_retry(|| async { api.delete(name, &dp).await }).await {
                    Ok(_) => gone.push((k, namespace.clone(), name.clone())),
                    Err(err) if is_not_found(&err) => {}
                    Err(err) => {
                        log.errors.push(format!(
                            "delete {}: {}",
                            e.action.describe(),
                            api_message(&err)
                        ));
                        continue;
                    }
                }
                journal.set_state(e.seq, State::Undone);
                log.undone += 1;
            }
            Action::NodeLabel { node, key, value } => {
                let api = kinds::NODE.api(client, None);
                let current = match with_retry(|| async { api.get(node).await }).await {
                    Ok(n) => n.metadata.labels.and_then(|l| l.get(key).cloned()),
                    Err(err) if is_not_found(&err) => None,
                    Err(err) => {
                        log.errors
                            .push(format!("get Node {node}: {}", api_message(&err)));
                        continue;
                    }
                };
                if current.as_deref() == Some(value.as_str()) {
                    let patch = json!({"metadata": {"labels": {key: Value::Null}}});
                    if let Err(err) = with_retry(|| async {
                        api.patch(node, &PatchParams::default(), &Patch::Merge(&patch))
                            .await
                    })
                    .await
                    {
                        log.errors.push(format!(
                            "remove {}: {}",
                            e.action.describe(),
                            api_message(&err)
                        ));
                        continue;
                    }
                }
                journal.set_state(e.seq, State::Undone);
                log.undone += 1;
            }
            Action::Patch {
                api_version,
                kind,
                namespace,
                name,
                path,
                previous,
                value,
            } => {
                let Some((_, api)) = api_of(client, api_version, kind, namespace.as_deref()) else {
                    log.errors.push(format!(
                        "cannot restore {}: unknown kind",
                        e.action.describe()
                    ));
                    continue;
                };
                let pointer = format!("/{path}");
                match with_retry(|| async { api.get(name).await }).await {
                    Ok(obj) => {
                        if obj.data.pointer(&pointer) == Some(value) {
                            let patch = nested(path, previous.clone().unwrap_or(Value::Null));
                            if let Err(err) = with_retry(|| async {
                                api.patch(name, &PatchParams::default(), &Patch::Merge(&patch))
                                    .await
                            })
                            .await
                            {
                                log.errors.push(format!(
                                    "restore {} {path}: {}",
                                    e.action.describe(),
                                    api_message(&err)
                                ));
                                continue;
                            }
                        }
                    }
                    Err(err) if is_not_found(&err) => {}
                    Err(err) => {
                        log.errors.push(format!(
                            "get {}: {}",
                            e.action.describe(),
                            api_message(&err)
                        ));
                        continue;
                    }
                }
                journal.set_state(e.seq, State::Undone);
                log.undone += 1;
            }
            Action::SourceVm {
                profile,
                name,
                id,
                artifacts,
                ..
            } => {
                let Some(sources) = sources else {
                    log.errors.push(format!(
                        "cannot delete {}: the source provider is not connected (run `mtvt clean` with the providers file)",
                        e.action.describe()
                    ));
                    continue;
                };
                match sources
                    .delete(profile, name, id.as_deref(), artifacts)
                    .await
                {
                    Ok(()) => {
                        journal.set_state(e.seq, State::Undone);
                        log.undone += 1;
                    }
                    Err(err) => log
                        .errors
                        .push(format!("delete {}: {err}", e.action.describe())),
                }
            }
        }
    }
    let waits = gone.iter().map(|(k, ns, name)| {
        let never = never.clone();
        async move {
            let api = k.api(client, ns.as_deref());
            let what = match ns {
                Some(ns) => format!("{} {ns}/{name}", k.kind),
                None => format!("{} {name}", k.kind),
            };
            let spec = WaitFor {
                what,
                condition: "be deleted".into(),
                timeout: GONE_TIMEOUT,
                class: Class::Infra,
            };
            wait_object(
                &api,
                name,
                &spec,
                &never,
                |o| {
                    if o.is_none() {
                        Check::Done(())
                    } else {
                        Check::Pending
                    }
                },
                |o| {
                    if o.metadata.deletion_timestamp.is_some() {
                        format!(
                            "terminating, finalizers: {:?}",
                            o.metadata.finalizers.clone().unwrap_or_default()
                        )
                    } else {
                        "present".to_string()
                    }
                },
                |_| {},
            )
            .await
        }
    });
    for r in join_all(waits).await {
        if let Err(e) = r {
            log.errors.push(e.to_string());
        }
    }
    if let Err(e) = journal.flush() {
        log.errors.push(e.to_string());
    }
    log
}

/// `{"a": {"b": value}}` for path `a/b`.
fn nested(path: &str, value: Value) -> Value {
    path.rsplit('/').fold(value, |acc, key| json!({ key: acc }))
}

/// Cancels Migrations that have not ended and archives Plans, so the controller stops
/// working on them before their objects go.
async fn stop_migrations(client: &kube::Client, entries: &[Entry], log: &mut TeardownLog) {
    for e in entries {
        let Action::Create {
            api_version,
            kind,
            namespace: Some(ns),
            name,
            ..
        } = &e.action
        else {
            continue;
        };
        if *api_version != kinds::MIGRATION.api_version() {
            continue;
        }
        if kind == kinds::MIGRATION.kind {
            let api = kinds::MIGRATION.api(client, Some(ns));
            let Ok(m) = with_retry(|| async { api.get(name).await }).await else {
                continue;
            };
            let ended = ["Succeeded", "Failed", "Canceled"]
                .iter()
                .any(|c| condition_true(&m, c));
            if ended {
                continue;
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
                continue;
            }
            let patch = json!({"spec": {"cancel": vms}});
            if let Err(err) = with_retry(|| async {
                api.patch(name, &PatchParams::default(), &Patch::Merge(&patch))
                    .await
            })
            .await
                && !is_not_found(&err)
            {
                log.errors.push(format!(
                    "cancel Migration {ns}/{name}: {}",
                    api_message(&err)
                ));
            }
        } else if kind == kinds::PLAN.kind {
            let api = kinds::PLAN.api(client, Some(ns));
            let patch = json!({"spec": {"archived": true}});
            if let Err(err) = with_retry(|| async {
                api.patch(name, &PatchParams::default(), &Patch::Merge(&patch))
                    .await
            })
            .await
                && !is_not_found(&err)
            {
                log.errors
                    .push(format!("archive Plan {ns}/{name}: {}", api_message(&err)));
            }
        }
    }
}

/// Deletes the VirtualMachines, DataVolumes, PVCs and pods Forklift made for our plans in
/// their target namespaces, and waits until they are gone.
async fn delete_plan_workloads(
    client: &kube::Client,
    entries: &[Entry],
    never: &CancellationToken,
    log: &mut TeardownLog,
) {
    let mut targets = Vec::new();
    for e in entries {
        if let Action::Create {
            kind,
            uid: Some(uid),
            target_namespace: Some(tns),
            ..
        } = &e.action
            && kind == kinds::PLAN.kind
        {
            targets.push((uid.clone(), tns.clone()));
        }
    }
    for kind in [
        kinds::VIRTUAL_MACHINE,
        kinds::DATA_VOLUME,
        kinds::PVC,
        kinds::POD,
    ] {
        let work = targets.iter().map(|(uid, tns)| async move {
            let api = kind.api(client, Some(tns));
            let selector = plan_selector(uid);
            let lp = ListParams::default().labels(&selector);
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
            let spec = WaitFor {
                what: format!("{}s labelled {selector} in {tns}", kind.kind),
                condition: "be deleted".into(),
                timeout: GONE_TIMEOUT,
                class: Class::Infra,
            };
            wait_none(&api, &selector, &spec, never)
                .await
                .map_err(|e| e.to_string())
        });
        for r in join_all(work).await {
            if let Err(e) = r {
                log.errors.push(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_patch() {
        assert_eq!(
            nested("spec/controller_precopy_interval", json!(60)),
            json!({"spec": {"controller_precopy_interval": 60}})
        );
        assert_eq!(nested("spec/x", Value::Null), json!({"spec": {"x": null}}));
    }
}
