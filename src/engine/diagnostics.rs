//! Evidence of a failed scenario, collected *before* teardown under
//! `<data-collector>/<scenario>/`: YAML of the scenario's objects (Secrets without their
//! data), of what the controller made for its plans in the target namespaces, the events
//! of those namespaces, hook Job pod logs, and — with `--must-gather` when `oc` is on the
//! PATH — `oc adm must-gather` targeted at the failed plan.
//!
//! Best effort: a collection problem is written into `collection-errors.txt`, never fails
//! the scenario.

use std::path::{Path, PathBuf};

use kube::api::{ListParams, LogParams};
use serde_json::Value;

use super::cleanup::plan_selector;
use super::error::api_message;
use super::names::bounded;
use super::retry::with_retry;
use crate::cluster::kinds::{self, Kind};

/// Kinds dumped from a scenario namespace (its local destination Provider and NADs live
/// there too).
const SCENARIO_KINDS: &[Kind] = &[
    kinds::PROVIDER,
    kinds::NAD,
    kinds::PLAN,
    kinds::MIGRATION,
    kinds::STORAGE_MAP,
    kinds::NETWORK_MAP,
    kinds::HOOK,
    kinds::SECRET,
    kinds::CONFIG_MAP,
    kinds::JOB,
    kinds::POD,
    kinds::DATA_VOLUME,
    kinds::PVC,
    kinds::VIRTUAL_MACHINE,
    kinds::VMI,
];

/// Kinds the controller makes for a plan in its target namespace.
const TARGET_KINDS: &[Kind] = &[
    kinds::VIRTUAL_MACHINE,
    kinds::VMI,
    kinds::DATA_VOLUME,
    kinds::PVC,
    kinds::POD,
];

fn strip_secret(mut v: Value) -> Value {
    if v.get("kind").and_then(Value::as_str) == Some("Secret")
        && let Some(o) = v.as_object_mut()
    {
        o.remove("data");
        o.remove("stringData");
    }
    if let Some(m) = v.pointer_mut("/metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
    }
    v
}

/// What to collect for one failed scenario.
#[derive(Debug, Clone)]
pub struct Collect<'a> {
    /// Data-collector root.
    pub root: &'a Path,
    /// Scenario name.
    pub scenario: &'a str,
    /// Scenario namespace.
    pub namespace: &'a str,
    /// Plans `(name, uid, target namespace)`.
    pub plans: Vec<(String, Option<String>, String)>,
    /// Providers namespace.
    pub providers_namespace: &'a str,
    /// Run `oc adm must-gather`.
    pub must_gather: bool,
    /// Kubeconfig for `oc`.
    pub kubeconfig: Option<&'a Path>,
    /// MTV namespace (must-gather image from the CSV).
    pub mtv_namespace: &'a str,
}

/// Collects; returns the directory.
pub async fn collect(client: &kube::Client, c: &Collect<'_>) -> PathBuf {
    let dir = c.root.join(bounded(c.scenario, 120));
    let mut errors: Vec<String> = Vec::new();
    if let Err(e) = std::fs::create_dir_all(dir.join("logs")) {
        errors.push(format!("create {}: {e}", dir.display()));
    }
    let mut docs = Vec::new();
    for kind in SCENARIO_KINDS {
        let api = kind.api(client, Some(c.namespace));
        match with_retry(|| async { api.list(&ListParams::default()).await }).await {
            Ok(l) => docs.extend(
                l.items
                    .iter()
                    .filter_map(|o| serde_json::to_value(o).ok())
                    .map(strip_secret),
            ),
            Err(e) => errors.push(format!(
                "list {}s in {}: {}",
                kind.kind,
                c.namespace,
                api_message(&e)
            )),
        }
    }
    let providers = kinds::PROVIDER.api(client, Some(c.providers_namespace));
    if let Ok(l) = with_retry(|| async { providers.list(&ListParams::default()).await }).await {
        docs.extend(l.items.iter().filter_map(|o| serde_json::to_value(o).ok()));
    }
    let mut event_namespaces = vec![c.namespace.to_string()];
    for (_, uid, target) in &c.plans {
        if let Some(uid) = uid
            && target != c.namespace
        {
            for kind in TARGET_KINDS {
                let api = kind.api(client, Some(target));
                let sel = plan_selector(uid);
                match with_retry(|| async { api.list(&ListParams::default().labels(&sel)).await })
                    .await
                {
                    Ok(l) => {
                        docs.extend(l.items.iter().filter_map(|o| serde_json::to_value(o).ok()))
                    }
                    Err(e) => errors.push(format!(
                        "list {}s in {target}: {}",
                        kind.kind,
                        api_message(&e)
                    )),
                }
            }
            event_namespaces.push(target.clone());
        }
    }
    write_yaml(&dir.join("objects.yaml"), &docs, &mut errors);
    let mut events = Vec::new();
    for ns in &event_namespaces {
        let api = kinds::EVENT.api(client, Some(ns));
        match with_retry(|| async { api.list(&ListParams::default()).await }).await {
            Ok(l) => events.extend(l.items.iter().filter_map(|o| serde_json::to_value(o).ok())),
            Err(e) => errors.push(format!("list Events in {ns}: {}", api_message(&e))),
        }
    }
    write_yaml(&dir.join("events.yaml"), &events, &mut errors);
    hook_logs(client, c, &dir, &mut errors).await;
    if c.must_gather {
        must_gather(client, c, &dir, &mut errors).await;
    }
    if !errors.is_empty() {
        let _ = std::fs::write(dir.join("collection-errors.txt"), errors.join("\n") + "\n");
    }
    dir
}

fn write_yaml(path: &Path, docs: &[Value], errors: &mut Vec<String>) {
    let mut text = String::new();
    for d in docs {
        text.push_str("---\n");
        text.push_str(&serde_saphyr::to_string(d).unwrap_or_default());
    }
    if let Err(e) = std::fs::write(path, text) {
        errors.push(format!("write {}: {e}", path.display()));
    }
}

async fn hook_logs(client: &kube::Client, c: &Collect<'_>, dir: &Path, errors: &mut Vec<String>) {
    let pods = kinds::POD.api(client, Some(c.namespace));
    let Ok(list) = with_retry(|| async { pods.list(&ListParams::default()).await }).await else {
        return;
    };
    for p in list.items {
        let name = p.metadata.name.clone().unwrap_or_default();
        let is_hook = p.metadata.labels.as_ref().is_some_and(|l| {
            l.contains_key("hook") || l.get("step").is_some_and(|s| s.ends_with("Hook"))
        }) || p
            .metadata
            .owner_references
            .as_ref()
            .is_some_and(|o| o.iter().any(|r| r.kind == "Job"));
        if !is_hook {
            continue;
        }
        let api: kube::Api<k8s_openapi::api::core::v1::Pod> =
            kube::Api::namespaced(client.clone(), c.namespace);
        match api.logs(&name, &LogParams::default()).await {
            Ok(text) => {
                if let Err(e) = std::fs::write(dir.join("logs").join(format!("{name}.log")), text) {
                    errors.push(format!("write log of {name}: {e}"));
                }
            }
            Err(e) => errors.push(format!(
                "logs of pod {}/{name}: {}",
                c.namespace,
                api_message(&e)
            )),
        }
    }
}

async fn must_gather(client: &kube::Client, c: &Collect<'_>, dir: &Path, errors: &mut Vec<String>) {
    let Some(oc) = which("oc") else {
        errors.push("must-gather not run: `oc` is not on the PATH".into());
        return;
    };
    let csvs = kinds::CSV.api(client, Some(c.mtv_namespace));
    let image = with_retry(|| async { csvs.list(&ListParams::default()).await })
        .await
        .ok()
        .and_then(|l| {
            l.items.iter().find_map(|o| {
                o.data
                    .pointer("/spec/relatedImages")
                    .and_then(Value::as_array)?
                    .iter()
                    .find(|i| {
                        i.get("name")
                            .and_then(Value::as_str)
                            .is_some_and(|n| n.contains("must_gather") || n.contains("must-gather"))
                    })
                    .and_then(|i| i.get("image").and_then(Value::as_str).map(str::to_string))
            })
        });
    let Some((plan, _, _)) = c.plans.first() else {
        return;
    };
    let mut cmd = tokio::process::Command::new(oc);
    cmd.arg("adm").arg("must-gather");
    if let Some(i) = image {
        cmd.arg(format!("--image={i}"));
    }
    cmd.arg(format!("--dest-dir={}", dir.join("must-gather").display()))
        .arg("--")
        .arg(format!("NS={}", c.namespace))
        .arg(format!("PLAN={plan}"))
        .arg("/usr/bin/targeted");
    if let Some(k) = c.kubeconfig {
        cmd.env("KUBECONFIG", k);
    }
    match cmd.output().await {
        Ok(out) if out.status.success() => {}
        Ok(out) => errors.push(format!(
            "oc adm must-gather failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Err(e) => errors.push(format!("cannot run oc: {e}")),
    }
}

/// `program` on the PATH.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}
