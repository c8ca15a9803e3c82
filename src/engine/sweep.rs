//! The leak audit after teardown: every kind a run may leave behind, by the session (or
//! scenario) label; the controller-made objects of our plans by their `plan=<uid>` label
//! in target namespaces that still exist; node labels still carrying our value; source
//! clones still present. Any leftover is reported by kind/namespace/name and fails the run.
//!
//! A scenario's audit reads the session's shared watches and confirms each candidate with a
//! GET (a watch may lag behind a deletion); the session's final audit lists every kind —
//! the authoritative pass that also catches what a watch had not delivered yet. Read-only.

use std::collections::BTreeSet;

use kube::api::{DynamicObject, ListParams};

use super::cleanup::workloads::{WORKLOAD_KINDS, plan_targets};
use super::cleanup::{SourceCleaner, plan_selector};
use super::error::{api_message, is_not_found};
use super::journal::{Action, Document, Entry};
use super::names::{SCENARIO_LABEL, SESSION_LABEL, label_value};
use super::retry::with_retry;
use super::watches::Watches;
use crate::cluster::kinds::{self, Kind};

/// Finds source clones that still exist.
pub trait SourceProbe: SourceCleaner {
    /// Whether VM `name` (made through profile `profile`) still exists on the source.
    fn exists<'a>(
        &'a self,
        profile: &'a str,
        name: &'a str,
    ) -> futures::future::BoxFuture<'a, Result<bool, String>>;
}

/// What an audit looks at.
pub struct Audit<'a> {
    /// The cluster.
    pub client: &'a kube::Client,
    /// The journal's document.
    pub doc: &'a Document,
    /// One scenario's objects (else the whole session's).
    pub scenario: Option<&'a str>,
    /// Source clones' probe, when the source is connected.
    pub sources: Option<&'a dyn SourceProbe>,
    /// The run's watches (a scenario's audit reads them).
    pub watches: Option<&'a Watches>,
    /// Namespaces the teardown saw disappear (nothing can be left inside).
    pub gone_namespaces: &'a BTreeSet<String>,
}

/// Leftovers, as readable lines.
pub async fn sweep(a: &Audit<'_>) -> Vec<String> {
    let mut leaks = labelled(a).await;
    let entries: Vec<Entry> = a
        .doc
        .entries
        .iter()
        .filter(|e| a.scenario.is_none_or(|s| e.scenario.as_deref() == Some(s)))
        .cloned()
        .collect();
    for (uid, tns) in plan_targets(&entries) {
        if !a.gone_namespaces.contains(&tns) {
            leaks.extend(plan_workloads(a.client, &uid, &tns).await);
        }
    }
    for e in &entries {
        match &e.action {
            Action::NodeLabel { node, key, value } if a.scenario.is_none() => {
                let api = kinds::NODE.api(a.client, None);
                if let Ok(n) = with_retry(|| async { api.get(node).await }).await
                    && n.metadata.labels.as_ref().and_then(|l| l.get(key)) == Some(value)
                {
                    leaks.push(format!("label {key}={value} on Node {node}"));
                }
            }
            Action::SourceVm {
                profile,
                provider_type,
                name,
                ..
            } => {
                if let Some(src) = a.sources {
                    match src.exists(profile, name).await {
                        Ok(true) => leaks.push(format!("{provider_type} VM {name} (source clone)")),
                        Ok(false) => {}
                        Err(e) => {
                            leaks.push(format!("cannot check {provider_type} VM {name}: {e}"))
                        }
                    }
                }
            }
            _ => {}
        }
    }
    leaks
}

/// Objects carrying the session (and scenario) label.
async fn labelled(a: &Audit<'_>) -> Vec<String> {
    let mut labels = vec![(SESSION_LABEL, a.doc.session.clone())];
    if let Some(s) = a.scenario {
        labels.push((SCENARIO_LABEL, label_value(s)));
    }
    let pairs: Vec<(&str, &str)> = labels.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let cached = match (a.scenario, a.watches) {
        (Some(_), Some(w)) => w.session_objects(&pairs),
        _ => None,
    };
    match cached {
        Some(candidates) => confirmed(a.client, candidates).await,
        None => listed(a.client, &pairs).await,
    }
}

/// The candidates a GET still finds.
async fn confirmed(
    client: &kube::Client,
    candidates: Vec<(Kind, std::sync::Arc<DynamicObject>)>,
) -> Vec<String> {
    let mut leaks = Vec::new();
    for (kind, o) in candidates {
        let ns = o.metadata.namespace.as_deref();
        let name = o.metadata.name.clone().unwrap_or_default();
        let api = kind.api(client, ns);
        match with_retry(|| async { api.get(&name).await }).await {
            Ok(current) => leaks.push(leak_line(kind, &current)),
            Err(e) if is_not_found(&e) => {}
            Err(e) => leaks.push(format!(
                "cannot check {}: {}",
                leak_line(kind, &o),
                api_message(&e)
            )),
        }
    }
    leaks
}

/// Every kind listed cluster-wide by label.
async fn listed(client: &kube::Client, labels: &[(&str, &str)]) -> Vec<String> {
    let selector = labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",");
    let mut leaks = Vec::new();
    for kind in kinds::SWEPT {
        let api = kind.api(client, None);
        match with_retry(|| async { api.list(&ListParams::default().labels(&selector)).await })
            .await
        {
            Ok(list) => leaks.extend(list.items.iter().map(|o| leak_line(*kind, o))),
            Err(e) if is_not_found(&e) => {}
            Err(e) => leaks.push(format!(
                "cannot list {}s to check for leaks: {}",
                kind.kind,
                api_message(&e)
            )),
        }
    }
    leaks
}

fn leak_line(kind: Kind, o: &DynamicObject) -> String {
    let name = o.metadata.name.clone().unwrap_or_default();
    if o.metadata.deletion_timestamp.is_some() && kind == kinds::NAMESPACE {
        return format!("Namespace {name} (still terminating)");
    }
    match &o.metadata.namespace {
        Some(ns) => format!("{} {ns}/{name}", kind.kind),
        None => format!("{} {name}", kind.kind),
    }
}

/// What the controller made for plan `uid` in `tns` and left.
async fn plan_workloads(client: &kube::Client, uid: &str, tns: &str) -> Vec<String> {
    let mut leaks = Vec::new();
    for k in WORKLOAD_KINDS {
        let api = k.api(client, Some(tns));
        let sel = plan_selector(uid);
        match with_retry(|| async { api.list(&ListParams::default().labels(&sel)).await }).await {
            Ok(list) => leaks.extend(list.items.into_iter().map(|o| {
                format!(
                    "{} {tns}/{} (made by the controller for plan uid {uid})",
                    k.kind,
                    o.metadata.name.unwrap_or_default()
                )
            })),
            Err(e) if is_not_found(&e) => {}
            Err(e) => leaks.push(format!(
                "cannot list {}s in {tns}: {}",
                k.kind,
                api_message(&e)
            )),
        }
    }
    leaks
}
