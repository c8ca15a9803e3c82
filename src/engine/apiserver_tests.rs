//! The engine's I/O against a real (emulated) Kubernetes API server over HTTPS, through the
//! same kube client a run uses: journalled creates with adoption and retries under injected
//! 503/409/429 faults, watch-based waits that survive dropped watch streams, node labels and
//! the ForkliftController patch restored, LIFO teardown, and the leak sweep.

use std::sync::Arc;
use std::time::Duration;

use kube::api::{Patch, PatchParams, PostParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use mtvt_sim::api::{FaultRule, Faults};
use mtvt_sim::server::{Server, ServerHandle};
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::apply::Applier;
use super::cleanup::{self, Teardown, TeardownLog};
use super::conditions::{Check, Condition, conditions_text, has_condition};
use super::error::{Class, EngineError};
use super::journal::{Document, FORMAT, Journal, Scope, State};
use super::manifests::{self, Manifest, Owner};
use super::names::SESSION_LABEL;
use super::sweep::{self, Audit};
use super::watches::{WaitOptions, Watches};
use crate::cluster::{ObjectRef, kinds};

async fn start(faults: &[&str]) -> (ServerHandle, kube::Client) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rules: Vec<FaultRule> = faults.iter().map(|f| f.parse().unwrap()).collect();
    let handle = Server::builder()
        .faults(Faults { seed: 7, rules })
        .start()
        .await
        .unwrap();
    let kc = Kubeconfig::from_yaml(&handle.kubeconfig_yaml()).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .unwrap();
    let health = crate::cluster::Health::default();
    (
        handle,
        crate::cluster::connect::client_of(config, &health).unwrap(),
    )
}

fn journal(dir: &std::path::Path, session: &str) -> Arc<Journal> {
    Arc::new(
        Journal::create(
            Some(dir.join("resources.json")),
            Document {
                format: FORMAT.into(),
                session: session.into(),
                cluster: "https://x".into(),
                cluster_uid: None,
                mtv_namespace: "openshift-mtv".into(),
                providers_file: None,
                started: "2026-01-01T00:00:00Z".into(),
                entries: vec![],
            },
        )
        .unwrap(),
    )
}

fn owner(session: &str, scenario: Option<&str>) -> Owner {
    Owner {
        session: session.into(),
        scenario: scenario.map(str::to_string),
    }
}

fn hook(name: &str, ns: &str, o: &Owner) -> Manifest {
    let mut h = manifests::object(kinds::HOOK, name, Some(ns), o);
    manifests::set(
        &mut h.body,
        "spec",
        json!({"image": "quay.io/konveyor/hook-runner"}),
    );
    h
}

fn watches(client: &kube::Client, session: &str) -> Watches {
    Watches::new(client.clone(), Some(format!("{SESSION_LABEL}={session}")))
}

async fn undo(
    client: &kube::Client,
    j: &Journal,
    w: &Watches,
    scope: Option<Scope>,
    scenario: Option<&str>,
) -> TeardownLog {
    let t = Teardown {
        client,
        journal: j,
        watches: w,
        sources: None,
        esxi: &Default::default(),
    };
    cleanup::undo(&t, j.pending(scope, scenario)).await
}

async fn leaks(
    client: &kube::Client,
    j: &Journal,
    w: Option<&Watches>,
    scenario: Option<&str>,
) -> Vec<String> {
    let doc = j.snapshot();
    sweep::sweep(&Audit {
        client,
        doc: &doc,
        scenario,
        sources: None,
        watches: w,
        gone_namespaces: &Default::default(),
    })
    .await
}

/// A condition met by hand-made status conditions: `Ready=True` on a Hook.
struct HookReady;

impl Condition for HookReady {
    type Output = Value;

    fn describe(&self) -> String {
        "become Ready".into()
    }

    fn check(
        &mut self,
        obj: Option<&kube::api::DynamicObject>,
        now: std::time::Instant,
    ) -> Check<Value> {
        match has_condition("Ready").check(obj, now) {
            Check::Done(o) => Check::Done(o.data),
            Check::Pending => Check::Pending,
            Check::Fail(why) => Check::Fail(why),
        }
    }
}

#[tokio::test]
async fn create_wait_teardown_sweep_under_faults() {
    // creates fail with 503, patches conflict, gets are throttled (a few times each: the
    // server asks for Retry-After: 1s), and every watch stream drops after 2 events
    let (handle, client) = start(&[
        "error=503,rate=0.5,verbs=create,times=2",
        "error=409,rate=0.5,verbs=patch,times=3",
        "error=429,rate=0.5,verbs=get,times=1",
        "drop-watch=2",
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let session = "auto-test";
    let j = journal(dir.path(), session);
    let applier = Applier::new(client.clone(), j.clone(), session);
    let so = owner(session, None);
    let co = owner(session, Some("scn"));
    applier
        .create(
            Scope::Session,
            None,
            &manifests::namespace("auto-test", &so),
            None,
        )
        .await
        .unwrap();
    applier
        .create(
            Scope::Scenario,
            Some("scn"),
            &manifests::namespace("auto-test-scn", &co),
            None,
        )
        .await
        .unwrap();
    for i in 0..4 {
        applier
            .create(
                Scope::Scenario,
                Some("scn"),
                &hook(&format!("h{i}"), "auto-test-scn", &co),
                None,
            )
            .await
            .unwrap();
    }
    // adopting an object this session already made (a retried create)
    applier
        .create(
            Scope::Scenario,
            Some("scn"),
            &hook("h0", "auto-test-scn", &co),
            None,
        )
        .await
        .unwrap();
    // refusing one it did not make
    let foreign = hook("foreign", "auto-test", &owner("auto-else", None));
    let api = kinds::HOOK.api(&client, Some("auto-test-scn"));
    let _ = api; // the same name exists with our label; make a foreign one elsewhere
    let other = kinds::HOOK.api(&client, Some("auto-test"));
    let obj: kube::api::DynamicObject = serde_json::from_value(json!({
        "apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Hook",
        "metadata": {"name": "foreign", "namespace": "auto-test"}, "spec": {"image": "x"}}))
    .unwrap();
    super::retry::with_retry(|| async { other.create(&PostParams::default(), &obj).await })
        .await
        .unwrap();
    let clash = foreign.clone();
    let e = applier
        .create(Scope::Session, None, &clash, None)
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("was not created by session auto-test"),
        "{e}"
    );

    // a wait that sees the condition set by someone else, across dropped watch streams
    let hooks = kinds::HOOK.api(&client, Some("auto-test-scn"));
    let patcher = {
        let hooks = hooks.clone();
        tokio::spawn(async move {
            for i in 0..5 {
                tokio::time::sleep(Duration::from_millis(40)).await;
                let status = if i < 4 { "False" } else { "True" };
                let p = json!({"status": {"conditions": [{"type": "Ready", "status": status, "category": "Required",
                    "lastTransitionTime": "2026-01-01T00:00:00Z", "message": format!("round {i}")}]}});
                let _ = super::retry::with_retry(|| async {
                    hooks
                        .patch_status("h1", &PatchParams::default(), &Patch::Merge(&p))
                        .await
                })
                .await;
            }
        })
    };
    let w = watches(&client, session);
    let never = CancellationToken::new();
    let opts = WaitOptions {
        timeout: Duration::from_secs(20),
        cancel: &never,
    };
    let h1 = ObjectRef::namespaced(kinds::HOOK, "auto-test-scn", "h1");
    let mut versions = 0;
    let ready = w
        .wait(&h1, HookReady, &opts, |_| versions += 1)
        .await
        .unwrap();
    assert!(ready.to_string().contains("round 4"), "{ready}");
    assert!(versions >= 1);
    patcher.await.unwrap();

    // a wait that times out names the object, the condition and the last state
    let short = WaitOptions {
        timeout: Duration::from_millis(300),
        cancel: &never,
    };
    let h2 = ObjectRef::namespaced(kinds::HOOK, "auto-test-scn", "h2");
    let e = w.wait(&h2, HookReady, &short, |_| {}).await.unwrap_err();
    assert!(matches!(
        e,
        EngineError::Timeout {
            class: Class::Failure,
            ..
        }
    ));
    let text = e.to_string();
    assert!(
        text.contains("Hook auto-test-scn/h2")
            && text.contains("become Ready")
            && text.contains("last seen: no status conditions"),
        "{text}"
    );

    // a cancelled wait stops at once
    let cancel = CancellationToken::new();
    cancel.cancel();
    let cancelled = WaitOptions {
        timeout: Duration::from_secs(20),
        cancel: &cancel,
    };
    let e = w
        .wait(&h2, HookReady, &cancelled, |_| {})
        .await
        .unwrap_err();
    assert!(matches!(e, EngineError::Interrupted));
    assert_eq!(
        conditions_text(
            &serde_json::from_value(
                json!({"apiVersion": "v1", "kind": "X", "metadata": {"name": "x"}})
            )
            .unwrap()
        ),
        "no status conditions"
    );

    // scenario teardown: LIFO deletes, waits until gone, the journal knows
    let entries = j.pending(Some(Scope::Scenario), Some("scn"));
    assert_eq!(entries.len(), 6, "namespace, 4 hooks and the adopted one");
    drop(entries);
    let log = undo(&client, &j, &w, Some(Scope::Scenario), Some("scn")).await;
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    assert!(
        log.gone_namespaces.contains("auto-test-scn"),
        "the hooks went with their namespace: {:?}",
        log.gone_namespaces
    );
    assert!(j.pending(Some(Scope::Scenario), Some("scn")).is_empty());
    w.start_session_feeds();
    let found = leaks(&client, &j, Some(&w), Some("scn")).await;
    assert!(found.is_empty(), "{found:?}");
    // the session namespace still stands; the foreign Hook is not ours and not swept
    let found = leaks(&client, &j, None, None).await;
    assert_eq!(found, vec!["Namespace auto-test".to_string()]);
    let log = undo(&client, &j, &w, None, None).await;
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    assert!(leaks(&client, &j, None, None).await.is_empty());
    // everything is marked undone on disk
    let back = Journal::load(&dir.path().join("resources.json")).unwrap();
    assert!(
        back.snapshot()
            .entries
            .iter()
            .all(|e| e.state == State::Undone)
    );
    handle.shutdown().await;
}

#[tokio::test]
async fn node_labels_and_controller_patches_are_restored() {
    let (handle, client) = start(&["error=409,rate=0.5,verbs=patch,times=4"]).await;
    let dir = tempfile::tempdir().unwrap();
    let j = journal(dir.path(), "auto-lbl");
    let applier = Applier::new(client.clone(), j.clone(), "auto-lbl");
    let nodes = kinds::NODE.api(&client, None);
    for (name, role) in [
        ("cp-0", "control-plane"),
        ("worker-b", "worker"),
        ("worker-a", "worker"),
    ] {
        let n: kube::api::DynamicObject =
            serde_json::from_value(json!({"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {format!("node-role.kubernetes.io/{role}"): ""}}}))
            .unwrap();
        nodes.create(&PostParams::default(), &n).await.unwrap();
    }
    let ns: kube::api::DynamicObject = serde_json::from_value(
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "openshift-mtv"}}),
    )
    .unwrap();
    let _ = kinds::NAMESPACE
        .api(&client, None)
        .create(&PostParams::default(), &ns)
        .await;
    let fc: kube::api::DynamicObject = serde_json::from_value(json!({"apiVersion": "forklift.konveyor.io/v1beta1",
        "kind": "ForkliftController", "metadata": {"name": "forklift-controller", "namespace": "openshift-mtv"},
        "spec": {"controller_precopy_interval": 60}}))
    .unwrap();
    let fcs = kinds::FORKLIFT_CONTROLLER.api(&client, Some("openshift-mtv"));
    fcs.create(&PostParams::default(), &fc).await.unwrap();

    let node = applier
        .label_worker_node("mtv-node", "auto-lbl")
        .await
        .unwrap();
    assert_eq!(node, "worker-a", "the first schedulable worker by name");
    assert_eq!(
        applier
            .label_worker_node("mtv-node", "auto-lbl")
            .await
            .unwrap(),
        "worker-a"
    );
    let patch = applier
        .set_controller_field("openshift-mtv", "controller_precopy_interval", json!(2))
        .await
        .unwrap();
    assert_eq!(patch.name, "forklift-controller");
    assert!(patch.changed_at.is_some());
    assert_eq!(
        applier
            .set_controller_field("openshift-mtv", "controller_precopy_interval", json!(2))
            .await
            .unwrap(),
        patch,
        "once per session"
    );
    let got = fcs.get("forklift-controller").await.unwrap();
    assert_eq!(got.data["spec"]["controller_precopy_interval"], 2);
    let n = nodes.get("worker-a").await.unwrap();
    assert_eq!(n.metadata.labels.unwrap()["mtv-node"], "auto-lbl");
    assert_eq!(
        j.pending(None, None).len(),
        2,
        "one label, one patch (the second label was deduplicated)"
    );
    let found = leaks(&client, &j, None, None).await;
    assert_eq!(
        found,
        vec!["label mtv-node=auto-lbl on Node worker-a".to_string()]
    );

    let w = watches(&client, "auto-lbl");
    let log = undo(&client, &j, &w, None, None).await;
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    let got = fcs.get("forklift-controller").await.unwrap();
    assert_eq!(
        got.data["spec"]["controller_precopy_interval"], 60,
        "restored"
    );
    let n = nodes.get("worker-a").await.unwrap();
    assert!(!n.metadata.labels.unwrap().contains_key("mtv-node"));
    assert!(leaks(&client, &j, None, None).await.is_empty());
    handle.shutdown().await;
}

/// Teardown waits for Forklift to archive a Plan before deleting it (the pytest suite's
/// `archive_plan` waits for `Archived`): with no controller, the test sets the condition.
#[tokio::test]
async fn teardown_waits_until_forklift_archived_the_plan() {
    let (handle, _client, plans, teardown, _dir) = archive_setup(true).await;
    let mut archived = false;
    for _ in 0..100 {
        let p = plans.get("p").await.unwrap();
        if p.data["spec"]["archived"] == true {
            archived = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(archived, "the Plan was archived");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!teardown.is_finished(), "teardown waits for Archived");
    assert!(
        plans.get_opt("p").await.unwrap().is_some(),
        "not deleted yet"
    );
    let status = json!({"status": {"conditions": [{"type": "Archived", "status": "True",
        "category": "Advisory", "message": "The migration plan has been archived.", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}});
    plans
        .patch_status("p", &PatchParams::default(), &Patch::Merge(&status))
        .await
        .unwrap();
    let log = tokio::time::timeout(Duration::from_secs(20), teardown)
        .await
        .unwrap()
        .unwrap();
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    assert!(plans.get_opt("p").await.unwrap().is_none());
    handle.shutdown().await;
}

/// A scenario namespace and Plan in the journal (`reconciled`: stamped with
/// `status.observedGeneration` as Forklift's plan controller does), and its teardown
/// started in the background.
async fn archive_setup(
    reconciled: bool,
) -> (
    ServerHandle,
    kube::Client,
    kube::Api<kube::api::DynamicObject>,
    tokio::task::JoinHandle<TeardownLog>,
    tempfile::TempDir,
) {
    let (handle, client) = start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let session = "auto-arc";
    let j = journal(dir.path(), session);
    let applier = Applier::new(client.clone(), j.clone(), session);
    let co = owner(session, Some("scn"));
    applier
        .create(
            Scope::Scenario,
            Some("scn"),
            &manifests::namespace("auto-arc-scn", &co),
            None,
        )
        .await
        .unwrap();
    let mut plan = manifests::object(kinds::PLAN, "p", Some("auto-arc-scn"), &co);
    manifests::set(&mut plan.body, "spec", plan_spec("auto-arc-scn", json!([])));
    applier
        .create(Scope::Scenario, Some("scn"), &plan, None)
        .await
        .unwrap();
    let plans = kinds::PLAN.api(&client, Some("auto-arc-scn"));
    if reconciled {
        let seen = json!({"status": {"observedGeneration": 1}});
        plans
            .patch_status("p", &PatchParams::default(), &Patch::Merge(&seen))
            .await
            .unwrap();
    }
    let (c, jj) = (client.clone(), j.clone());
    let teardown = tokio::spawn(async move {
        let w = watches(&c, session);
        undo(&c, &jj, &w, Some(Scope::Scenario), Some("scn")).await
    });
    (handle, client, plans, teardown, dir)
}

/// A Plan no controller ever reconciled (no `status.observedGeneration`, e.g. an API server
/// without Forklift) is archived but not awaited: the teardown ends instead of waiting the
/// full 300 s for an `Archived` nobody will set.
#[tokio::test]
async fn teardown_does_not_wait_for_archived_on_a_plan_no_controller_reconciled() {
    let (handle, _client, plans, teardown, _dir) = archive_setup(false).await;
    let log = tokio::time::timeout(Duration::from_secs(60), teardown)
        .await
        .expect("teardown ended without waiting for Archived")
        .unwrap();
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    assert!(plans.get_opt("p").await.unwrap().is_none(), "Plan deleted");
    handle.shutdown().await;
}

/// Teardown waits until the PersistentVolumes of the claims Forklift made for our plans are
/// gone or Released (the pytest suite's `check_dv_pvc_pv_deleted`), and reports one that
/// stays bound.
#[tokio::test]
async fn teardown_waits_for_the_volumes_of_the_plans_claims() {
    let (handle, client) = start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let session = "auto-pv";
    let j = journal(dir.path(), session);
    let applier = Applier::new(client.clone(), j.clone(), session);
    let (ns, plan_uid) = scenario_plan(&applier, session, json!([]), false).await;
    let ns = ns.as_str();
    let archived = json!({"status": {"conditions": [{"type": "Archived", "status": "True", "category": "Advisory", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}});
    kinds::PLAN
        .api(&client, Some(ns))
        .patch_status("p", &PatchParams::default(), &Patch::Merge(&archived))
        .await
        .unwrap();
    // what Forklift would have made: a claim labelled with the plan, and its volume
    let pvc: kube::api::DynamicObject = serde_json::from_value(json!({"apiVersion": "v1",
        "kind": "PersistentVolumeClaim", "metadata": {"name": "disk-0", "namespace": ns,
        "labels": {"plan": plan_uid}}, "spec": {"accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "1Gi"}}}}))
    .unwrap();
    let pvc = kinds::PVC
        .api(&client, Some(ns))
        .create(&PostParams::default(), &pvc)
        .await
        .unwrap();
    let pvs = kinds::PV.api(&client, None);
    for (name, claim) in [
        ("pv-ours", pvc.metadata.uid.unwrap()),
        ("pv-other", "x".into()),
    ] {
        let pv: kube::api::DynamicObject = serde_json::from_value(json!({"apiVersion": "v1",
            "kind": "PersistentVolume", "metadata": {"name": name},
            "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                "claimRef": {"namespace": ns, "name": "disk-0", "uid": claim}}}))
        .unwrap();
        pvs.create(&PostParams::default(), &pv).await.unwrap();
        let bound = json!({"status": {"phase": "Bound"}});
        pvs.patch_status(name, &PatchParams::default(), &Patch::Merge(&bound))
            .await
            .unwrap();
    }
    let (c, jj) = (client.clone(), j.clone());
    let teardown = tokio::spawn(async move {
        let w = watches(&c, session);
        undo(&c, &jj, &w, Some(Scope::Scenario), Some("scn")).await
    });
    let namespaces = kinds::NAMESPACE.api(&client, None);
    for _ in 0..200 {
        if namespaces.get_opt(ns).await.unwrap().is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !teardown.is_finished(),
        "the claim is gone, its volume still bound: teardown waits"
    );
    pvs.delete("pv-ours", &Default::default()).await.unwrap();
    let log = tokio::time::timeout(Duration::from_secs(20), teardown)
        .await
        .unwrap()
        .unwrap();
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    assert!(pvs.get_opt("pv-other").await.unwrap().is_some(), "not ours");
    handle.shutdown().await;
}

/// A running Migration is canceled and seen ending before its Plan is archived (an archived
/// Plan loses Ready and its Migration then only says PlanNotReady), as the pytest suite
/// orders it.
#[tokio::test]
async fn teardown_archives_only_after_the_cancel_ended() {
    let (handle, client) = start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let session = "auto-cnl";
    let j = journal(dir.path(), session);
    let applier = Applier::new(client.clone(), j.clone(), session);
    let (ns, _) = scenario_plan(&applier, session, json!([{"id": "vm-1"}]), true).await;
    let ns = ns.as_str();
    let migrations = kinds::MIGRATION.api(&client, Some(ns));
    let running = json!({"status": {"conditions": [{"type": "Running", "status": "True", "category": "Advisory", "lastTransitionTime": "2026-01-01T00:00:00Z"}],
        "vms": [{"id": "vm-1", "phase": "CopyDisks", "pipeline": []}]}});
    migrations
        .patch_status("m", &PatchParams::default(), &Patch::Merge(&running))
        .await
        .unwrap();
    // the Plan executes it (a Plan that is not executing has nothing to cancel)
    let executing = json!({"status": {"conditions": [{"type": "Executing", "status": "True", "category": "Advisory", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}});
    kinds::PLAN
        .api(&client, Some(ns))
        .patch_status("p", &PatchParams::default(), &Patch::Merge(&executing))
        .await
        .unwrap();
    let (c, jj) = (client.clone(), j.clone());
    let teardown = tokio::spawn(async move {
        let w = watches(&c, session);
        undo(&c, &jj, &w, Some(Scope::Scenario), Some("scn")).await
    });
    let plans = kinds::PLAN.api(&client, Some(ns));
    let mut canceled = false;
    for _ in 0..100 {
        let m = migrations.get("m").await.unwrap();
        if m.data["spec"]["cancel"][0]["id"] == "vm-1" {
            canceled = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(canceled, "the running VM was canceled");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let p = plans.get("p").await.unwrap();
    assert!(
        p.data["spec"].get("archived").is_none(),
        "not archived while the Migration runs"
    );
    let ended = json!({"status": {"conditions": [{"type": "Canceled", "status": "True", "category": "Advisory", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}});
    migrations
        .patch_status("m", &PatchParams::default(), &Patch::Merge(&ended))
        .await
        .unwrap();
    let mut archived = false;
    for _ in 0..100 {
        if plans.get("p").await.unwrap().data["spec"]["archived"] == true {
            archived = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(archived, "archived once the Migration ended");
    let done = json!({"status": {"conditions": [{"type": "Archived", "status": "True", "category": "Advisory", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}});
    plans
        .patch_status("p", &PatchParams::default(), &Patch::Merge(&done))
        .await
        .unwrap();
    let log = tokio::time::timeout(Duration::from_secs(20), teardown)
        .await
        .unwrap()
        .unwrap();
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    handle.shutdown().await;
}

/// Scenario `scn`'s namespace `<session>-scn` with Plan `p` (VMs `vms`) and, when
/// `migration`, Migration `m` of it, all created through the journal as a run does; returns
/// the namespace and the Plan's uid.
async fn scenario_plan(
    applier: &Applier,
    session: &str,
    vms: Value,
    migration: bool,
) -> (String, String) {
    let co = owner(session, Some("scn"));
    let ns = format!("{session}-scn");
    let ns_manifest = manifests::namespace(&ns, &co);
    applier
        .create(Scope::Scenario, Some("scn"), &ns_manifest, None)
        .await
        .unwrap();
    let mut plan = manifests::object(kinds::PLAN, "p", Some(&ns), &co);
    manifests::set(&mut plan.body, "spec", plan_spec(&ns, vms));
    let created = applier
        .create(Scope::Scenario, Some("scn"), &plan, Some(&ns))
        .await
        .unwrap();
    if migration {
        let m = manifests::migration("m", &ns, &co, "p", None);
        applier
            .create(Scope::Scenario, Some("scn"), &m, None)
            .await
            .unwrap();
    }
    (ns, created.metadata.uid.unwrap_or_default())
}

/// A Plan spec the built-in Forklift CRD accepts (provider, map and target namespace are
/// required), with `vms`.
fn plan_spec(ns: &str, vms: Value) -> Value {
    json!({
        "provider": {"source": {"name": "src", "namespace": ns}, "destination": {"name": "dst", "namespace": ns}},
        "map": {"network": {"name": "net", "namespace": ns}, "storage": {"name": "sto", "namespace": ns}},
        "targetNamespace": ns,
        "vms": vms
    })
}

/// A Migration frozen at `PlanNotReady` with VMs still Running, whose Plan ended (not
/// Executing) and then lost Ready — as after a post-hook failure whose kept target VM makes
/// the Plan MacConflicts: there is nothing to cancel, and teardown must not wait 300 s for
/// an end the Migration will never show (seen once in ten `-j 8` catalog runs).
#[tokio::test]
async fn teardown_does_not_wait_on_a_migration_whose_plan_stopped_executing() {
    let (handle, client) = start(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let session = "auto-frz";
    let j = journal(dir.path(), session);
    let applier = Applier::new(client.clone(), j.clone(), session);
    let (ns, _) = scenario_plan(&applier, session, json!([{"id": "vm-1"}]), true).await;
    let ns = ns.as_str();
    let t = "2026-01-01T00:00:00Z";
    let frozen = json!({"status": {"conditions": [{"type": "PlanNotReady", "status": "True", "category": "Critical", "reason": "NotFound", "lastTransitionTime": t}],
        "vms": [{"id": "vm-1", "phase": "PostHook", "pipeline": []}]}});
    kinds::MIGRATION
        .api(&client, Some(ns))
        .patch_status("m", &PatchParams::default(), &Patch::Merge(&frozen))
        .await
        .unwrap();
    let failed = json!({"status": {"conditions": [{"type": "Failed", "status": "True", "category": "Advisory", "lastTransitionTime": t},
        {"type": "Archived", "status": "True", "category": "Advisory", "lastTransitionTime": t}]}});
    kinds::PLAN
        .api(&client, Some(ns))
        .patch_status("p", &PatchParams::default(), &Patch::Merge(&failed))
        .await
        .unwrap();
    let w = watches(&client, session);
    let undone = undo(&client, &j, &w, Some(Scope::Scenario), Some("scn"));
    let log = tokio::time::timeout(Duration::from_secs(30), undone)
        .await
        .expect("teardown ended without waiting for the frozen Migration");
    assert!(log.errors.is_empty(), "{:?}", log.errors);
    let m = kinds::MIGRATION
        .api(&client, Some(ns))
        .get_opt("m")
        .await
        .unwrap();
    assert!(
        m.is_none_or(|m| m.data["spec"].get("cancel").is_none()),
        "nothing to cancel"
    );
    handle.shutdown().await;
}

/// Waits see changes when every watch breaks (issue 15 item 7): a Hook deleted while
/// its deletion is awaited is seen gone through re-lists, whether every watch ends at once,
/// is reset at its first event or is refused with 503.
#[tokio::test]
async fn waits_see_changes_when_every_watch_breaks() {
    for fault in ["drop-watch=0", "reset-watch=0", "error=503,verbs=watch"] {
        let (_server, client) = start(&[fault]).await;
        let dir = tempfile::tempdir().unwrap();
        let session = "auto-brk";
        let applier = Applier::new(client.clone(), journal(dir.path(), session), session);
        let o = owner(session, Some("scn"));
        applier
            .create(
                Scope::Scenario,
                Some("scn"),
                &manifests::namespace("auto-brk", &o),
                None,
            )
            .await
            .unwrap();
        applier
            .create(
                Scope::Scenario,
                Some("scn"),
                &hook("h", "auto-brk", &o),
                None,
            )
            .await
            .unwrap();
        let w = watches(&client, session);
        let never = CancellationToken::new();
        let opts = WaitOptions {
            timeout: Duration::from_secs(30),
            cancel: &never,
        };
        let h = ObjectRef::namespaced(kinds::HOOK, "auto-brk", "h");
        let api = kinds::HOOK.api(&client, Some("auto-brk"));
        let delete_soon = async {
            tokio::time::sleep(Duration::from_millis(500)).await;
            api.delete("h", &Default::default()).await.unwrap();
        };
        let started = std::time::Instant::now();
        let (r, ()) = tokio::join!(
            w.wait(&h, super::conditions::deleted(), &opts, |_| {}),
            delete_soon
        );
        assert!(r.is_ok(), "--fault {fault}: {r:?}");
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "--fault {fault}: {:?}",
            started.elapsed()
        );
    }
}
