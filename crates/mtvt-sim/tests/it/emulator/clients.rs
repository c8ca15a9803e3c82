//! What Go clients such as kubectl-mtv decode and read: typed pod lists after a migration
//! (the conversion pod's container state), a failed conversion pod, and the counts of the
//! inventory's `/providers?detail=1` for a `type: openshift` provider.

use k8s_openapi::api::core::v1::Pod;
use kube::api::ListParams;
use serde_json::json;

use crate::harness::*;
use mtvt_sim::emulator::EmulatorOptions;
use mtvt_sim::lab::{FaultAction, FaultRule, Lab};

/// kubectl-mtv `describe plan --diagnostics` and `health` list pods with the typed clientset
/// (pkg/cmd/describe/plan/diagnostics/pods.go:29, pkg/cmd/health/pods.go); a container state
/// `terminated.startedAt` is a `metav1.Time`, so `""` makes the whole list undecodable. The
/// virt-v2v pod runs (kubelet) and ends with real start and finish times.
#[tokio::test]
async fn the_conversion_pod_decodes_as_a_typed_pod_after_a_migration() {
    let env = Env::start().await;
    let s = standard_plan(&env, "typed", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({})).await;
    let plan = finished(&env, &s, 30).await;
    assert!(has(&plan, "Succeeded"), "{}", plan["status"]);
    let pods: kube::Api<Pod> = kube::Api::namespaced(env.kube.clone(), &s.ns);
    let list = pods
        .list(&ListParams::default().labels("forklift.app=virt-v2v"))
        .await
        .expect("a typed client decodes every pod of the namespace");
    assert_eq!(list.items.len(), 1);
    let status = list.items[0].status.clone().unwrap();
    assert_eq!(status.phase.as_deref(), Some("Succeeded"));
    assert!(status.start_time.is_some());
    let term = status.container_statuses.unwrap()[0]
        .state
        .clone()
        .unwrap()
        .terminated
        .unwrap();
    assert_eq!(term.exit_code, 0);
    assert!(term.started_at.unwrap().0 <= term.finished_at.unwrap().0);
    // kubectl-mtv's diagnostics list the pod's Events by involvedObject.name.
    let name = list.items[0].metadata.name.clone().unwrap();
    let events: kube::Api<k8s_openapi::api::core::v1::Event> =
        kube::Api::namespaced(env.kube.clone(), &s.ns);
    let reasons: Vec<String> = events
        .list(&ListParams::default().fields(&format!("involvedObject.name={name}")))
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|e| e.reason)
        .collect();
    for r in ["Scheduled", "Pulled", "Created", "Started"] {
        assert!(reasons.iter().any(|x| x == r), "{r} in {reasons:?}");
    }
    env.emu.shutdown().await;
}

/// A conversion that fails leaves the virt-v2v pod `Failed` with the error in its log;
/// Forklift reports such a step as "Guest conversion failed. See pod logs for details."
/// (pkg/controller/plan/migration.go:2263-2265), so the log is where a user looks.
#[tokio::test]
async fn a_failed_conversion_pod_is_failed_with_a_log() {
    let mut lab = Lab::default_lab().unwrap();
    lab.faults.rules.push(FaultRule {
        vm: "mtv-tests-rhel8".into(),
        plan: None,
        step: "ConvertGuest".into(),
        action: FaultAction::Fail {
            message: "virt-v2v: inspection of the guest failed".into(),
        },
        probability: 1.0,
    });
    let env = Env::with(EmulatorOptions {
        lab: Some(lab),
        ..Default::default()
    })
    .await;
    let s = standard_plan(&env, "v2vfail", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({})).await;
    let plan = finished(&env, &s, 30).await;
    assert!(has(&plan, "Failed"), "{}", plan["status"]);
    let pods: kube::Api<Pod> = kube::Api::namespaced(env.kube.clone(), &s.ns);
    let list = pods
        .list(&ListParams::default().labels("forklift.app=virt-v2v"))
        .await
        .unwrap();
    let pod = &list.items[0];
    let status = pod.status.clone().unwrap();
    assert_eq!(status.phase.as_deref(), Some("Failed"));
    let term = status.container_statuses.unwrap()[0]
        .state
        .clone()
        .unwrap()
        .terminated
        .unwrap();
    assert_eq!(term.exit_code, 1);
    let log = pods
        .logs(pod.metadata.name.as_deref().unwrap(), &Default::default())
        .await
        .unwrap();
    assert!(log.contains("inspection of the guest failed"), "{log}");
    env.emu.shutdown().await;
}

/// web/ocp/provider.go AddCount (lines 124-150): an OpenShift provider's detail counts the
/// VMs and the NADs it lists (+1 for the pod network) and the storage classes.
#[tokio::test]
async fn openshift_provider_detail_counts_what_it_lists() {
    let env = Env::start().await;
    let host = env.get(PROVIDER, MTV, "host").await;
    let uid = host["metadata"]["uid"].as_str().unwrap();
    let vms = inventory(&env, &format!("providers/openshift/{uid}/vms")).await;
    let nads = inventory(
        &env,
        &format!("providers/openshift/{uid}/networkattachmentdefinitions"),
    )
    .await;
    let vms = vms.as_array().unwrap().len();
    assert!(vms > 0, "the lab has OpenShift source VMs");
    let nads = nads.as_array().unwrap().len();
    let detail = inventory(&env, "providers?detail=1").await;
    let d = detail["openshift"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["uid"] == uid)
        .unwrap();
    assert_eq!(d["vmCount"], vms, "{d}");
    assert_eq!(d["networkCount"], nads + 1, "{d}");
    assert_eq!(d["storageClassCount"], 3, "{d}");
    env.emu.shutdown().await;
}
