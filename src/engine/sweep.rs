//! The leak audit after teardown: every relevant kind listed cluster-wide by the session
//! (or scenario) label, the controller-made objects of our plans by their `plan=<uid>`
//! label, node labels still carrying the session, and source clones still present. Any
//! leftover is reported by kind/namespace/name and fails the run.
//!
//! Read-only.

use kube::api::ListParams;

use super::cleanup::{SourceCleaner, plan_selector};
use super::error::api_message;
use super::journal::{Action, Document};
use super::names::{SCENARIO_LABEL, SESSION_LABEL, label_value};
use super::retry::with_retry;
use crate::cluster::kinds;

/// Finds source clones that still exist.
pub trait SourceProbe: SourceCleaner {
    /// Whether VM `name` (made through profile `profile`) still exists on the source.
    fn exists<'a>(
        &'a self,
        profile: &'a str,
        name: &'a str,
    ) -> futures::future::BoxFuture<'a, Result<bool, String>>;
}

/// Leftovers of `session` (of one scenario when `scenario` is given), as readable lines.
pub async fn sweep(
    client: &kube::Client,
    doc: &Document,
    scenario: Option<&str>,
    sources: Option<&dyn SourceProbe>,
) -> Vec<String> {
    let mut leaks = Vec::new();
    let mut selector = format!("{SESSION_LABEL}={}", doc.session);
    if let Some(s) = scenario {
        selector.push_str(&format!(",{SCENARIO_LABEL}={}", label_value(s)));
    }
    for kind in kinds::SWEPT {
        let api = kind.api(client, None);
        match with_retry(|| async { api.list(&ListParams::default().labels(&selector)).await })
            .await
        {
            Ok(list) => {
                for o in list.items {
                    if o.metadata.deletion_timestamp.is_some() && *kind == kinds::NAMESPACE {
                        leaks.push(format!(
                            "Namespace {} (still terminating)",
                            o.metadata.name.unwrap_or_default()
                        ));
                        continue;
                    }
                    leaks.push(match &o.metadata.namespace {
                        Some(ns) => {
                            format!("{} {ns}/{}", kind.kind, o.metadata.name.unwrap_or_default())
                        }
                        None => format!("{} {}", kind.kind, o.metadata.name.unwrap_or_default()),
                    });
                }
            }
            Err(e) if matches!(&e, kube::Error::Api(s) if s.code == 404) => {}
            Err(e) => leaks.push(format!(
                "cannot list {}s to check for leaks: {}",
                kind.kind,
                api_message(&e)
            )),
        }
    }
    for entry in &doc.entries {
        if scenario.is_some_and(|s| entry.scenario.as_deref() != Some(s)) {
            continue;
        }
        match &entry.action {
            Action::Create {
                kind,
                uid: Some(uid),
                target_namespace: Some(tns),
                ..
            } if kind == kinds::PLAN.kind => {
                for k in [
                    kinds::VIRTUAL_MACHINE,
                    kinds::DATA_VOLUME,
                    kinds::PVC,
                    kinds::POD,
                ] {
                    let api = k.api(client, Some(tns));
                    let sel = plan_selector(uid);
                    match with_retry(|| async {
                        api.list(&ListParams::default().labels(&sel)).await
                    })
                    .await
                    {
                        Ok(list) => leaks.extend(list.items.into_iter().map(|o| {
                            format!(
                                "{} {tns}/{} (made by the controller for plan uid {uid})",
                                k.kind,
                                o.metadata.name.unwrap_or_default()
                            )
                        })),
                        Err(e) if matches!(&e, kube::Error::Api(s) if s.code == 404) => {}
                        Err(e) => leaks.push(format!(
                            "cannot list {}s in {tns}: {}",
                            k.kind,
                            api_message(&e)
                        )),
                    }
                }
            }
            Action::NodeLabel { node, key, value } if scenario.is_none() => {
                let api = kinds::NODE.api(client, None);
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
                if let Some(src) = sources {
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
