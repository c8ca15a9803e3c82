//! The executor's own tests: how steps group into batches and name their report lines
//! (pure), and session steps run against the emulator's API server over HTTPS — a create
//! journalled with its uid in the output, a Provider wait ending on Ready, and one ending at
//! once, as an infrastructure error, on a failed connection test.

use std::sync::Arc;
use std::time::Duration;

use kube::api::{Patch, PatchParams};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::*;
use crate::cluster::{ObjectRef, kinds};
use crate::engine::apply::Applier;
use crate::engine::error::Class;
use crate::engine::journal::{Action, Document, FORMAT, Journal, Scope as Teardown, State};
use crate::engine::manifests::{Owner, local_destination, namespace};
use crate::engine::names::SESSION_LABEL;
use crate::engine::plan::{VmStep, Wait};
use crate::report::progress::Progress;

fn vm(plan: usize, vm: usize) -> VmStep {
    VmStep { plan, vm }
}

#[test]
fn consecutive_source_steps_of_one_kind_form_one_batch() {
    let prepare = |p, v| Step::PrepareVm {
        vm: vm(p, v),
        summary: String::new(),
    };
    let steps = vec![
        prepare(0, 0),
        prepare(0, 1),
        prepare(1, 0),
        Step::WaitInventory(vm(0, 0)),
        Step::WaitInventory(vm(0, 1)),
        Step::Note("x".into()),
        Step::Note("y".into()),
    ];
    assert_eq!(batch_len(&steps), 3);
    assert_eq!(batch_len(&steps[3..]), 2);
    assert_eq!(batch_len(&steps[5..]), 1, "other steps run one by one");
    assert_eq!(report_name(&steps[0], 3), "prepare 3 source VM(s)");
    assert_eq!(
        report_name(&steps[3], 2),
        "wait for the VMs in the inventory"
    );
    assert_eq!(
        progress_text(&steps[3], 2),
        "wait for the VMs in the Forklift inventory"
    );
    assert_eq!(report_name(&steps[5], 1), "----- x");
}

async fn executor(session: &str) -> (mtvt_sim::server::ServerHandle, Executor, Arc<Journal>) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let handle = mtvt_sim::server::Server::builder().start().await.unwrap();
    let kc = kube::config::Kubeconfig::from_yaml(&handle.kubeconfig_yaml()).unwrap();
    let config =
        kube::Config::from_custom_kubeconfig(kc, &kube::config::KubeConfigOptions::default())
            .await
            .unwrap();
    let client = kube::Client::try_from(config).unwrap();
    let doc = Document {
        format: FORMAT.into(),
        session: session.into(),
        cluster: "https://x".into(),
        cluster_uid: None,
        mtv_namespace: "openshift-mtv".into(),
        providers_file: None,
        started: "2026-01-01T00:00:00Z".into(),
        entries: vec![],
    };
    let journal = Arc::new(Journal::create(None, doc).unwrap());
    let exec = Executor {
        applier: Applier::new(client.clone(), journal.clone(), session),
        watches: Arc::new(Watches::new(
            client.clone(),
            Some(format!("{SESSION_LABEL}={session}")),
        )),
        client,
        progress: Progress::silent(),
        cancel: CancellationToken::new(),
        mtv_namespace: "openshift-mtv".into(),
    };
    (handle, exec, journal)
}

/// Sets a Provider's status after a moment (the controller's part).
fn set_status(exec: &Executor, name: &str, status: serde_json::Value) {
    let api = kinds::PROVIDER.api(&exec.client, Some("auto-exe1"));
    let name = name.to_string();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let p = json!({ "status": status });
        api.patch_status(&name, &PatchParams::default(), &Patch::Merge(&p))
            .await
            .unwrap();
    });
}

#[tokio::test]
async fn session_steps_create_journalled_and_wait_on_named_conditions() {
    let (handle, exec, journal) = executor("auto-exe1").await;
    let owner = Owner {
        session: "auto-exe1".into(),
        scenario: None,
    };
    let ns = Step::create(Teardown::Session, namespace("auto-exe1", &owner));
    let Output::Object(created) = exec.run(Scope::Session, &ns).await.unwrap() else {
        panic!("a create yields the object");
    };
    let entry = journal.snapshot().entries.remove(0);
    assert_eq!(entry.state, State::Done);
    assert!(matches!(&entry.action,
        Action::Create { object, uid: Some(uid), .. }
            if object == &ObjectRef::new(kinds::NAMESPACE, None, "auto-exe1")
                && Some(uid) == created.metadata.uid.as_ref()));
    let wait = |name: &str| {
        Step::Wait(Wait {
            object: ObjectRef::namespaced(kinds::PROVIDER, "auto-exe1", name),
            until: crate::engine::plan::Until::ProviderReady,
            timeout: Duration::from_secs(20),
        })
    };
    for name in ["ok", "bad"] {
        let p = Step::create(
            Teardown::Session,
            local_destination(name, "auto-exe1", &owner),
        );
        exec.run(Scope::Session, &p).await.unwrap();
    }
    set_status(
        &exec,
        "ok",
        json!({"phase": "Ready", "conditions": [{"type": "Ready", "status": "True",
            "category": "Required", "lastTransitionTime": "2026-01-01T00:00:00Z"}]}),
    );
    let Output::Object(ready) = exec.run(Scope::Session, &wait("ok")).await.unwrap() else {
        panic!("a wait yields the object it ended on");
    };
    assert_eq!(ready.metadata.name.as_deref(), Some("ok"));
    set_status(
        &exec,
        "bad",
        json!({"phase": "ConnectionFailed", "conditions": [
        {"type": "ConnectionTestFailed", "status": "True", "category": "Critical", "message": "401",
         "lastTransitionTime": "2026-01-01T00:00:00Z"}]}),
    );
    let e = exec.run(Scope::Session, &wait("bad")).await.unwrap_err();
    assert_eq!(e.class(), Class::Infra);
    assert_eq!(
        e.to_string(),
        "Provider auto-exe1/bad will not have condition Ready=True: the connection test failed: ConnectionTestFailed (Critical): 401"
    );
    // a source step needs a scenario
    let e = exec
        .run(Scope::Session, &Step::WaitInventory(vm(0, 0)))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("outside a scenario"), "{e}");
    handle.shutdown().await;
}
