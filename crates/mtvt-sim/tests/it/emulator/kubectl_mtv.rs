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

/// Warm plans through kubectl-mtv: a provider with the profile's VDDK image
/// (`--vddk-init-image`: upstream blocks warm vSphere plans without one), plans
/// `--migration-type warm` on CBT-enabled running VMs, `start plan` (no cutover: the VMs
/// precopy and pause), `cutover plan` (now) ending in `Succeeded`, and `cancel plan --vms`
/// ending the other plan `Canceled`.
#[tokio::test]
async fn kubectl_mtv_runs_warm_plans_with_cutover_and_cancel() {
    let Some(bin) = kubectl_mtv() else { return };
    let env = Env::start().await;
    let k = Arc::new(Kubectl::new(bin, |p| env.emu.write_kubeconfig(p)));
    namespace(&env, "warmdemo").await;
    let p = env.profile("vsphere");
    let (url, user, pw, vddk) = (
        p["api_url"].as_str().unwrap(),
        p["username"].as_str().unwrap(),
        p["password"].as_str().unwrap(),
        p["vddk_init_image"].as_str().unwrap(),
    );
    let n = ["-n", "warmdemo"];
    #[rustfmt::skip]
    mtv(&k, &[&["create", "provider", "--name", "vsphere", "--type", "vsphere", "--url", url,
        "--username", user, "--password", pw, "--provider-insecure-skip-tls",
        "--vddk-init-image", vddk][..], &n].concat()).await;
    #[rustfmt::skip]
    mtv(&k, &[&["create", "provider", "--name", "host", "--type", "openshift"][..], &n].concat()).await;
    let src = ready(&env, PROVIDER, "warmdemo", "vsphere").await;
    ready(&env, PROVIDER, "warmdemo", "host").await;
    let uid = src["metadata"]["uid"].as_str().unwrap().to_string();
    let vms = [
        ("warm", "mtv-tests-rhel8"),
        ("canceled", "mtv-win2019-3disks"),
    ];
    for (_, vm) in vms {
        let (id, _, _) = vm_sources(&env, "vsphere", &uid, vm).await;
        vsphere_enable_cbt(&env, &id).await;
        vsphere_power_on(&env, &id).await;
    }
    #[rustfmt::skip]
    mtv(&k, &[&["create", "mapping", "network", "--name", "net", "-S", "vsphere", "-T", "host",
        "--network-pairs", "VM Network:default,Mgmt Network:ignored"][..], &n].concat()).await;
    #[rustfmt::skip]
    mtv(&k, &[&["create", "mapping", "storage", "--name", "st", "-S", "vsphere", "-T", "host",
        "--storage-pairs", "mtv-ontap-xcopy-01:ocs-storagecluster-ceph-rbd"][..], &n].concat()).await;
    for (plan, vm) in vms {
        #[rustfmt::skip]
        mtv(&k, &[&["create", "plan", "--name", plan, "-S", "vsphere", "-t", "host",
            "--network-mapping", "net", "--storage-mapping", "st", "--vms", vm,
            "--migration-type", "warm"][..], &n].concat()).await;
        let p = env
            .wait(PLAN, "warmdemo", plan, 30, |p| {
                has(p, "Ready") && !has(p, "VMMissingChangedBlockTracking")
            })
            .await;
        assert_eq!(p["spec"]["warm"], true, "{}", p["spec"]);
    }
    mtv(
        &k,
        &[&["start", "plan", "--name", "warm,canceled"][..], &n].concat(),
    )
    .await;
    for (plan, _) in vms {
        env.wait(PLAN, "warmdemo", plan, 60, |p| {
            p["status"]["migration"]["vms"][0]["warm"]["successes"]
                .as_i64()
                .unwrap_or(0)
                >= 1
        })
        .await;
    }
    let plan = env.get(PLAN, "warmdemo", "warm").await;
    assert!(
        !has(&plan, "Succeeded"),
        "no cutover yet: {}",
        plan["status"]
    );
    mtv(
        &k,
        &[&["cutover", "plan", "--name", "warm"][..], &n].concat(),
    )
    .await;
    #[rustfmt::skip]
    mtv(&k, &[&["cancel", "plan", "--name", "canceled", "--vms", "mtv-win2019-3disks"][..], &n].concat()).await;
    let done = env
        .wait(PLAN, "warmdemo", "warm", 120, |p| has(p, "Succeeded"))
        .await;
    let steps: Vec<&str> = done["status"]["migration"]["vms"][0]["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(steps.contains(&"Cutover"), "{steps:?}");
    let canceled = env
        .wait(PLAN, "warmdemo", "canceled", 60, |p| has(p, "Canceled"))
        .await;
    assert!(!has(&canceled, "Succeeded"), "{}", canceled["status"]);
    let ok = mtv(
        &k,
        &[&["describe", "plan", "--name", "warm"][..], &n].concat(),
    )
    .await;
    assert!(ok.contains("Succeeded"), "{ok}");
    env.emu.shutdown().await;
}
