//! `mtvt clean FILE` as a user runs it after an interrupted run: the real binary against the
//! emulator's API server over HTTPS with its kubeconfig. Objects a journal lists (in any
//! state but undone) are deleted newest first, patches restored, and anything else carrying
//! the session label is reported as a leftover (exit 3).

use std::path::Path;
use std::process::Output;

use kube::api::{DynamicObject, PostParams};
use mtvt_sim::server::{Server, ServerHandle};
use serde_json::{Value, json};

use crate::harness::{Mtvt, client_of, install_crypto};

async fn start() -> (ServerHandle, kube::Client) {
    install_crypto();
    let handle = Server::builder().start().await.unwrap();
    let client = client_of(&handle.kubeconfig_yaml()).await;
    (handle, client)
}

fn ar(api_version: &str, kind: &str, plural: &str) -> kube::api::ApiResource {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    kube::api::ApiResource::from_gvk_with_plural(
        &kube::api::GroupVersionKind::gvk(group, version, kind),
        plural,
    )
}

async fn create(client: &kube::Client, v: Value, plural: &str) {
    let api_version = v["apiVersion"].as_str().unwrap().to_string();
    let kind = v["kind"].as_str().unwrap().to_string();
    let ns = v["metadata"]["namespace"].as_str().map(str::to_string);
    let r = ar(&api_version, &kind, plural);
    let api: kube::Api<DynamicObject> = match ns {
        Some(ns) => kube::Api::namespaced_with(client.clone(), &ns, &r),
        None => kube::Api::all_with(client.clone(), &r),
    };
    let o: DynamicObject = serde_json::from_value(v).unwrap();
    api.create(&PostParams::default(), &o).await.unwrap();
}

async fn exists(
    client: &kube::Client,
    api_version: &str,
    kind: &str,
    plural: &str,
    ns: Option<&str>,
    name: &str,
) -> bool {
    let r = ar(api_version, kind, plural);
    let api: kube::Api<DynamicObject> = match ns {
        Some(ns) => kube::Api::namespaced_with(client.clone(), ns, &r),
        None => kube::Api::all_with(client.clone(), &r),
    };
    api.get_opt(name).await.unwrap().is_some()
}

fn clean(journal: &Path, kubeconfig: &Path) -> Output {
    Mtvt::new()
        .args(["clean", journal.to_str().unwrap()])
        .args(["--kubeconfig", kubeconfig.to_str().unwrap()])
        .output()
}

fn labels(scenario: Option<&str>) -> Value {
    let mut l = json!({"mtvt.io/session": "auto-cln1"});
    if let Some(s) = scenario {
        l["mtvt.io/scenario"] = json!(s);
    }
    l
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clean_finishes_an_interrupted_teardown() {
    let (handle, client) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("kubeconfig");
    handle.write_kubeconfig(&kc).unwrap();
    create(&client, json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "auto-cln1", "labels": labels(None)}}), "namespaces").await;
    create(&client, json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "auto-cln1-s", "labels": labels(Some("s"))}}), "namespaces").await;
    create(
        &client,
        json!({"apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Plan",
        "metadata": {"name": "p", "namespace": "auto-cln1-s", "labels": labels(Some("s"))},
        "spec": {"targetNamespace": "auto-cln1-s", "vms": [],
                 "provider": {"source": {"name": "src", "namespace": "auto-cln1"}, "destination": {"name": "host", "namespace": "openshift-mtv"}},
                 "map": {"network": {"name": "n", "namespace": "auto-cln1-s"}, "storage": {"name": "s", "namespace": "auto-cln1-s"}}}}),
        "plans",
    )
    .await;
    create(
        &client,
        json!({"apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Provider",
        "metadata": {"name": "src", "namespace": "auto-cln1", "labels": labels(None)},
        "spec": {"type": "vsphere", "url": "https://vc/sdk", "secret": {}}}),
        "providers",
    )
    .await;
    create(
        &client,
        json!({"apiVersion": "forklift.konveyor.io/v1beta1", "kind": "ForkliftController",
        "metadata": {"name": "forklift-controller", "namespace": "openshift-mtv"},
        "spec": {"controller_precopy_interval": 2}}),
        "forkliftcontrollers",
    )
    .await;
    let journal = dir.path().join("resources.json");
    let doc = json!({
        "format": "mtvt-journal/1", "session": "auto-cln1", "cluster": handle.url(), "mtv_namespace": "openshift-mtv",
        "started": "2026-01-01T00:00:00Z",
        "entries": [
            {"seq": 1, "scope": "session", "action": "create", "api_version": "v1", "kind": "Namespace", "name": "auto-cln1", "state": "done"},
            {"seq": 2, "scope": "session", "action": "create", "api_version": "forklift.konveyor.io/v1beta1", "kind": "Provider", "namespace": "auto-cln1", "name": "src", "state": "done"},
            {"seq": 3, "scope": "session", "action": "patch", "api_version": "forklift.konveyor.io/v1beta1", "kind": "ForkliftController",
             "namespace": "openshift-mtv", "name": "forklift-controller", "path": "spec/controller_precopy_interval", "previous": 60, "value": 2, "state": "done"},
            {"seq": 4, "scope": "scenario", "scenario": "s", "action": "create", "api_version": "v1", "kind": "Namespace", "name": "auto-cln1-s", "state": "done"},
            {"seq": 5, "scope": "scenario", "scenario": "s", "action": "create", "api_version": "forklift.konveyor.io/v1beta1", "kind": "Plan",
             "namespace": "auto-cln1-s", "name": "p", "state": "intended"},
            // recorded before its create call, which never happened
            {"seq": 6, "scope": "scenario", "scenario": "s", "action": "create", "api_version": "forklift.konveyor.io/v1beta1", "kind": "Migration",
             "namespace": "auto-cln1-s", "name": "p-migration", "state": "intended"}
        ]
    });
    std::fs::write(&journal, serde_json::to_string_pretty(&doc).unwrap()).unwrap();

    // an object of the session the journal does not know about: reported, not deleted
    create(&client, json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "auto-cln1-stray", "labels": labels(None)}}), "namespaces").await;
    let out = clean(&journal, &kc);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("leftover: Namespace auto-cln1-stray"), "{err}");
    assert!(
        !exists(
            &client,
            "v1",
            "Namespace",
            "namespaces",
            None,
            "auto-cln1-s"
        )
        .await
    );
    assert!(
        !exists(
            &client,
            "forklift.konveyor.io/v1beta1",
            "Provider",
            "providers",
            Some("auto-cln1"),
            "src"
        )
        .await
    );
    let fc = kube::Api::<DynamicObject>::namespaced_with(
        client.clone(),
        "openshift-mtv",
        &ar(
            "forklift.konveyor.io/v1beta1",
            "ForkliftController",
            "forkliftcontrollers",
        ),
    )
    .get("forklift-controller")
    .await
    .unwrap();
    assert_eq!(
        fc.data["spec"]["controller_precopy_interval"], 60,
        "patch restored"
    );
    // the journal now says undone for every entry
    let back: Value = serde_json::from_str(&std::fs::read_to_string(&journal).unwrap()).unwrap();
    assert!(
        back["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["state"] == "undone"),
        "{back}"
    );

    // once the stray object is gone, clean is idempotent and exits 0
    let api =
        kube::Api::<DynamicObject>::all_with(client.clone(), &ar("v1", "Namespace", "namespaces"));
    api.delete("auto-cln1-stray", &Default::default())
        .await
        .unwrap();
    for _ in 0..50 {
        if api.get_opt("auto-cln1-stray").await.unwrap().is_none() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let out = clean(&journal, &kc);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("nothing of session auto-cln1 is left"),
        "{err}"
    );
    handle.shutdown().await;
}

#[test]
fn clean_rejects_files_that_are_not_journals() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.json");
    std::fs::write(&p, "{}").unwrap();
    let out = clean(&p, &dir.path().join("none"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an mtvt journal"));
}

/// A journal of session `auto-own1` naming `entries` on the cluster at `url`.
fn journal_of(
    dir: &Path,
    url: &str,
    cluster_uid: Option<&str>,
    entries: Value,
) -> std::path::PathBuf {
    let mut doc = json!({
        "format": "mtvt-journal/1", "session": "auto-own1", "cluster": url, "mtv_namespace": "openshift-mtv",
        "started": "2026-01-01T00:00:00Z", "entries": entries
    });
    if let Some(u) = cluster_uid {
        doc["cluster_uid"] = json!(u);
    }
    let path = dir.join("resources.json");
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    path
}

fn ns_entry(seq: u64, name: &str, uid: Option<&str>) -> Value {
    let mut e = json!({"seq": seq, "scope": "session", "action": "create", "api_version": "v1",
        "kind": "Namespace", "name": name, "state": "done"});
    if let Some(u) = uid {
        e["uid"] = json!(u);
    }
    e
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clean_refuses_another_cluster_and_deletes_only_what_the_session_created() {
    let (a, _client_a) = start().await;
    let (b, client_b) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let kc_b = dir.path().join("kubeconfig-b");
    b.write_kubeconfig(&kc_b).unwrap();
    // B has an unrelated namespace with the name of one of A's session objects
    create(
        &client_b,
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "auto-own1"}}),
        "namespaces",
    )
    .await;
    let journal = journal_of(
        dir.path(),
        a.url(),
        None,
        json!([ns_entry(1, "auto-own1", Some("uid-on-a"))]),
    );
    let out = clean(&journal, &kc_b);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("another cluster") && err.contains("nothing was deleted"),
        "{err}"
    );
    assert!(
        exists(
            &client_b,
            "v1",
            "Namespace",
            "namespaces",
            None,
            "auto-own1"
        )
        .await
    );
    // told explicitly: still only the session's own objects go (B's has another UID)
    let out = Mtvt::new()
        .args(["clean", journal.to_str().unwrap(), "--allow-other-cluster"])
        .args(["--kubeconfig", kc_b.to_str().unwrap()])
        .output();
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        exists(
            &client_b,
            "v1",
            "Namespace",
            "namespaces",
            None,
            "auto-own1"
        )
        .await,
        "{err}"
    );

    // a journal edited by hand on the right cluster: kube-system, the MTV namespace and an
    // object re-created by someone else (no session label, no recorded UID) are left alone
    create(&client_b, json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "auto-own1-mine", "labels": {"mtvt.io/session": "auto-own1"}}}), "namespaces").await;
    let journal = journal_of(
        dir.path(),
        b.url(),
        None,
        json!([
            ns_entry(1, "kube-system", None),
            ns_entry(2, "openshift-mtv", None),
            ns_entry(3, "auto-own1", None),
            ns_entry(4, "auto-own1-mine", None),
        ]),
    );
    let out = clean(&journal, &kc_b);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "{err}");
    for kept in ["kube-system", "openshift-mtv", "auto-own1"] {
        assert!(
            exists(&client_b, "v1", "Namespace", "namespaces", None, kept).await,
            "{kept} deleted: {err}"
        );
    }
    let api = kube::Api::<DynamicObject>::all_with(
        client_b.clone(),
        &ar("v1", "Namespace", "namespaces"),
    );
    let mine = api.get_opt("auto-own1-mine").await.unwrap();
    assert!(
        mine.is_none_or(|n| n.metadata.deletion_timestamp.is_some()),
        "the session's own namespace is deleted"
    );
    a.shutdown().await;
    b.shutdown().await;
}
