//! The upstream MTV CLI, kubectl-mtv (kubev2v/forklift `cmd/kubectl-mtv`), against the
//! emulator from a user namespace, as a user runs it: `version` finds MTV through the
//! CRDs' OLM annotation, providers and maps are created with its flags, the inventory is
//! listed through the Route it discovers, a cold plan succeeds and one fails in guest
//! conversion, `describe plan --diagnostics` reads both (typed pod lists, conversion pod
//! logs), `archive` and `health`. Not run (with a line saying why) unless
//! `$MTVT_KUBECTL_MTV` names a kubectl-mtv binary.

use std::path::PathBuf;
use std::sync::Arc;

use crate::harness::kubectl::Kubectl;
use crate::harness::*;
use mtvt_sim::emulator::EmulatorOptions;
use mtvt_sim::lab::{FaultAction, FaultRule, Lab};

fn kubectl_mtv() -> Option<PathBuf> {
    let bin = std::env::var_os("MTVT_KUBECTL_MTV").map(PathBuf::from);
    match bin {
        Some(b) if b.is_file() => Some(b),
        Some(b) => {
            eprintln!("not run: MTVT_KUBECTL_MTV={} is not a file", b.display());
            None
        }
        None => {
            eprintln!("not run: set MTVT_KUBECTL_MTV to a kubectl-mtv binary");
            None
        }
    }
}

/// Runs kubectl-mtv off the async runtime; asserts success and returns its output.
async fn mtv(k: &Arc<Kubectl>, args: &[&str]) -> String {
    let k = k.clone();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        k.ok(&refs, None)
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn kubectl_mtv_runs_a_workflow_from_a_user_namespace() {
    let Some(bin) = kubectl_mtv() else { return };
    let mut lab = Lab::default_lab().unwrap();
    lab.faults.rules.push(FaultRule {
        vm: "*".into(),
        plan: Some("failing*".into()),
        step: "ConvertGuest".into(),
        action: FaultAction::Fail {
            message: "inspection of the guest failed".into(),
        },
        probability: 1.0,
    });
    let env = Env::with(EmulatorOptions {
        lab: Some(lab),
        ..Default::default()
    })
    .await;
    let k = Arc::new(Kubectl::new(bin, |p| env.emu.write_kubeconfig(p)));
    namespace(&env, "demo").await;
    let version = mtv(&k, &["version"]).await;
    assert!(
        version.contains("MTV Operator: mtv-operator.v2.10.0"),
        "{version}"
    );
    assert!(
        version.contains("MTV Namespace: openshift-mtv"),
        "{version}"
    );

    let p = env.profile("vsphere");
    let (url, user, pw) = (
        p["api_url"].as_str().unwrap(),
        p["username"].as_str().unwrap(),
        p["password"].as_str().unwrap(),
    );
    let n = ["-n", "demo"];
    #[rustfmt::skip]
    mtv(&k, &[&["create", "provider", "--name", "vsphere", "--type", "vsphere", "--url", url,
        "--username", user, "--password", pw, "--provider-insecure-skip-tls"][..], &n].concat()).await;
    mtv(
        &k,
        &[
            &[
                "create",
                "provider",
                "--name",
                "host",
                "--type",
                "openshift",
            ][..],
            &n,
        ]
        .concat(),
    )
    .await;
    ready(&env, PROVIDER, "demo", "vsphere").await;
    ready(&env, PROVIDER, "demo", "host").await;
    let vms = mtv(
        &k,
        &[&["get", "inventory", "vm", "--provider", "vsphere"][..], &n].concat(),
    )
    .await;
    assert!(vms.contains("mtv-tests-rhel8"), "{vms}");
    #[rustfmt::skip]
    mtv(&k, &[&["create", "mapping", "network", "--name", "net", "-S", "vsphere", "-T", "host",
        "--network-pairs", "VM Network:default,Mgmt Network:ignored"][..], &n].concat()).await;
    #[rustfmt::skip]
    mtv(&k, &[&["create", "mapping", "storage", "--name", "st", "-S", "vsphere", "-T", "host",
        "--storage-pairs", "mtv-ontap-xcopy-01:ocs-storagecluster-ceph-rbd"][..], &n].concat()).await;
    for (plan, vm) in [("cold", "mtv-tests-rhel8"), ("failing", "mtv-win2019-79")] {
        #[rustfmt::skip]
        mtv(&k, &[&["create", "plan", "--name", plan, "-S", "vsphere", "-t", "host",
            "--network-mapping", "net", "--storage-mapping", "st", "--vms", vm][..], &n].concat()).await;
        ready(&env, PLAN, "demo", plan).await;
    }
    mtv(
        &k,
        &[&["start", "plan", "--name", "cold,failing"][..], &n].concat(),
    )
    .await;
    env.wait(PLAN, "demo", "cold", 60, |p| has(p, "Succeeded"))
        .await;
    env.wait(PLAN, "demo", "failing", 60, |p| has(p, "Failed"))
        .await;

    // The diagnostics list the namespace's pods with a typed client and read the
    // conversion pods' logs: the stage virt-v2v reached, and the error of the failed one.
    let d = ["describe", "plan", "--diagnostics", "--name"];
    let ok = mtv(&k, &[&d[..], &["cold"], &n].concat()).await;
    assert!(ok.contains("Status: Succeeded"), "{ok}");
    assert!(ok.contains("V2V Stage: finish"), "{ok}");
    let failed = mtv(&k, &[&d[..], &["failing"], &n].concat()).await;
    assert!(failed.contains("Status: Failed"), "{failed}");
    assert!(
        failed.contains("virt-v2v: error: inspection of the guest failed"),
        "{failed}"
    );
    assert!(failed.contains("Log Analysis: 1 errors"), "{failed}");

    mtv(
        &k,
        &[&["archive", "plan", "--name", "cold"][..], &n].concat(),
    )
    .await;
    env.wait(PLAN, "demo", "cold", 30, |p| has(p, "Archived"))
        .await;
    let health = mtv(&k, &[&["health"][..], &n].concat()).await;
    assert!(health.contains("MTV Operator: Installed"), "{health}");
    assert!(
        health.contains("FORKLIFT PODS (7 total, 0 unhealthy)"),
        "{health}"
    );
    assert!(
        health.contains("failing: Migration plan failed"),
        "{health}"
    );
    env.emu.shutdown().await;
}
