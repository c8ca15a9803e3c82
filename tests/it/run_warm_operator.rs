//! Issue 11 item 1: a warm scenario's precopy interval reaches Forklift only through the
//! operator (an Ansible run, then a new forklift-controller pod with `PRECOPY_INTERVAL`), so
//! `mtvt run` must wait for the ForkliftController to be `Successful` after its patch before
//! it creates the maps, as the pytest suite does. The emulator's operator run takes 20
//! virtual seconds; this test watches the ForkliftController and the StorageMaps while the
//! real binary runs a warm scenario and checks the order of events.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use futures::StreamExt;
use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind};
use kube::runtime::watcher;
use serde_json::Value;

use crate::harness::*;

fn api(client: &kube::Client, kind: &str, plural: &str, ns: Option<&str>) -> Api<DynamicObject> {
    let gvk = GroupVersionKind::gvk("forklift.konveyor.io", "v1beta1", kind);
    let ar = ApiResource::from_gvk_with_plural(&gvk, plural);
    match ns {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &ar),
        None => Api::all_with(client.clone(), &ar),
    }
}

fn time(v: &Value) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v.as_str()?)
        .ok()
        .map(|t| t.to_utc())
}

/// Every version of the watched objects, in the order the watch delivered them, until
/// the watch fails (a failing watch retries at once: it would spin) or the task is aborted.
fn record(api: Api<DynamicObject>, into: Arc<Mutex<Vec<Value>>>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut events = watcher(api, watcher::Config::default()).boxed();
        while let Some(ev) = events.next().await {
            match ev {
                Ok(watcher::Event::Apply(o) | watcher::Event::InitApply(o)) => {
                    into.lock().unwrap().push(serde_json::to_value(o).unwrap());
                }
                Ok(_) => {}
                Err(_) => break,
            }
        }
    })
}

fn successful(v: &Value) -> Option<Value> {
    v["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == "Successful")
        .cloned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_maps_are_created_after_the_operator_reconciled_the_precopy_interval() {
    let dir = tempfile::tempdir().unwrap();
    let (emu, client) = emulator(dir.path(), &[]).await;
    let controllers = Arc::new(Mutex::new(Vec::new()));
    let maps = Arc::new(Mutex::new(Vec::new()));
    let fcs = api(
        &client,
        "ForkliftController",
        "forkliftcontrollers",
        Some("openshift-mtv"),
    );
    let watches = [
        record(fcs, controllers.clone()),
        record(
            api(&client, "StorageMap", "storagemaps", None),
            maps.clone(),
        ),
    ];

    let d = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        let dc = format!("{}/dc", d.display());
        Mtvt::new()
            .args(["run", "scenarios/warm/sanity_warm_mtv_migration.mtvt"])
            .args(["--provider", "vsphere", "--data-collector-path", &dc])
            .args(cluster_flags(&d))
            .output()
    })
    .await
    .unwrap();
    for w in &watches {
        w.abort();
    }
    let log = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{log}");

    // The operator's run for the session's interval: after the first version with interval
    // 2, Successful goes False (the run starts), then True again (it ended).
    let versions = controllers.lock().unwrap().clone();
    let patched = versions
        .iter()
        .position(|v| v["spec"]["controller_precopy_interval"] == 2)
        .unwrap_or_else(|| panic!("the interval was never patched to 2: {log}"));
    let run_started = versions[patched..]
        .iter()
        .position(|v| successful(v).is_some_and(|c| c["status"] == "False"))
        .map(|i| i + patched)
        .expect("the patch started an operator run");
    let reconciled = versions[run_started..]
        .iter()
        .filter(|v| v["spec"]["controller_precopy_interval"] == 2)
        .find_map(|v| successful(v).filter(|c| c["status"] == "True"))
        .and_then(|c| time(&c["lastTransitionTime"]))
        .expect("the operator finished its run");
    let map_created = maps
        .lock()
        .unwrap()
        .iter()
        .filter_map(|m| time(&m["metadata"]["creationTimestamp"]))
        .min()
        .expect("the scenario created a StorageMap");
    assert!(
        map_created >= reconciled,
        "the StorageMap was created at {map_created}, before the operator reconciled the precopy interval at {reconciled}"
    );
    emu.shutdown().await;
}
