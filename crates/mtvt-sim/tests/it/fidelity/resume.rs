//! Resuming a failed conversion (`Migration.spec.resumeConversion`, kubev2v/forklift
//! d42511bb2): a warm migration whose virt-v2v pod is killed fails at `ImageConversion` with
//! its disks copied; a second Migration resumes from the conversion without copying again
//! and converts and boots the same PVCs.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use mtvt_sim::emulator::EmulatorOptions;
use mtvt_sim::lab::{FaultAction, FaultRule, Lab};
use serde_json::{Value, json};

use crate::harness::*;

fn killing_virt_v2v() -> Lab {
    let mut lab = Lab::default_lab().unwrap();
    lab.faults.rules.push(FaultRule {
        vm: "*".into(),
        plan: None,
        step: "ConvertGuest".into(),
        action: FaultAction::KillConversion {
            after: Duration::from_secs(20),
        },
        probability: 1.0,
    });
    lab
}

/// `name -> uid` of the disk PVCs of the namespace (no `prime-` PVC).
async fn pvc_uids(env: &Env, ns: &str) -> BTreeMap<String, String> {
    env.list(PVC, ns)
        .await
        .iter()
        .map(|p| {
            let m = &p["metadata"];
            (name_of(p), m["uid"].as_str().unwrap().to_string())
        })
        .filter(|(n, _)| !n.starts_with("prime-"))
        .collect()
}

async fn migration_ended(env: &Env, ns: &str, name: &str) -> Value {
    env.wait(MIGRATION, ns, name, 60, |m| {
        has(m, "Succeeded") || has(m, "Failed") || has(m, "Canceled")
    })
    .await
}

fn steps(vm: &Value) -> Vec<String> {
    vm["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

/// The killed pod fails the VM as a failed conversion pod does (migration.go:2263-2265,
/// `PodFailed` → "Guest conversion failed. See pod logs for details."), after `disksCopied`
/// was set on entering `CreateGuestConversionPod` (migration.go:1607-1612); the Plan says
/// `ConversionResumable` (validation.go:2525-2560). The resumed Migration runs the
/// ResumeConversion itinerary (migrator/base/migrator.go:256-268, 410-425: no disk copy, no
/// power-off), keeps `disksCopied` (migrator.go:56-71), deletes the stale conversion pod
/// (migration.go:896-922) and finds the copied PVCs by `vmID`/`vmUUID` (kubevirt.go:
/// 2077-2083, 2117-2150, labels set at kubevirt.go:2838-2846): same names, same UIDs.
#[tokio::test]
async fn a_killed_warm_conversion_resumes_on_the_copied_pvcs() {
    let env = Env::with(EmulatorOptions {
        lab: Some(killing_virt_v2v()),
        ..Default::default()
    })
    .await;
    let s = standard_plan(
        &env,
        "resume",
        "vsphere",
        &["mtv-tests-rhel8"],
        json!({"warm": true}),
    )
    .await;
    vsphere_enable_cbt(&env, &s.vm_ids[0]).await;
    env.wait(PLAN, &s.ns, &s.plan, 20, |p| {
        has(p, "Ready") && !has(p, "VMMissingChangedBlockTracking")
    })
    .await;
    migrate(&env, &s, "m1", json!({"cutover": Utc::now().to_rfc3339()})).await;
    let m1 = migration_ended(&env, &s.ns, "m1").await;
    assert!(has(&m1, "Failed"), "{}", m1["status"]);
    let plan = env.get(PLAN, &s.ns, &s.plan).await;
    let vm = &plan["status"]["migration"]["vms"][0];
    assert_eq!(vm["error"]["phase"], "ConvertGuest", "{vm}");
    assert_eq!(
        vm["error"]["reasons"],
        json!(["Guest conversion failed. See pod logs for details."])
    );
    assert_eq!(vm["disksCopied"], true, "{vm}");
    let resumable = cond(&plan, "ConversionResumable").expect("ConversionResumable");
    assert!(
        resumable["message"]
            .as_str()
            .unwrap()
            .starts_with("1 VM(s) have migrated disks available for conversion resume: "),
        "{resumable}"
    );
    let pods = env.list(POD, &s.ns).await;
    let killed: Vec<&Value> = pods
        .iter()
        .filter(|p| p["metadata"]["labels"]["forklift.app"] == "virt-v2v")
        .collect();
    assert_eq!(killed.len(), 1);
    assert_eq!(killed[0]["status"]["phase"], "Failed");
    assert_eq!(
        killed[0]["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"],
        137
    );
    let copied = pvc_uids(&env, &s.ns).await;
    assert!(!copied.is_empty());

    migrate(&env, &s, "m2", json!({"resumeConversion": true})).await;
    let m2 = migration_ended(&env, &s.ns, "m2").await;
    assert!(has(&m2, "Succeeded"), "{}", m2["status"]);
    let plan = env.get(PLAN, &s.ns, &s.plan).await;
    let vm = &plan["status"]["migration"]["vms"][0];
    assert_eq!(
        steps(vm),
        vec!["Initialize", "ImageConversion", "VirtualMachineCreation"]
    );
    assert_eq!(vm["disksCopied"], true);
    assert!(cond(&plan, "ConversionResumable").is_none());
    assert_eq!(
        pvc_uids(&env, &s.ns).await,
        copied,
        "the PVCs were made again"
    );
    let target = env.get(VM, &s.ns, "mtv-tests-rhel8").await;
    let claims: Vec<String> = target["spec"]["template"]["spec"]["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v["persistentVolumeClaim"]["claimName"].as_str())
        .map(str::to_string)
        .collect();
    assert_eq!(claims, copied.keys().cloned().collect::<Vec<_>>());
    let pods = env.list(POD, &s.ns).await;
    let convs: Vec<&Value> = pods
        .iter()
        .filter(|p| p["metadata"]["labels"]["forklift.app"] == "virt-v2v")
        .collect();
    assert_eq!(convs.len(), 1, "the stale conversion pod stays");
    assert_eq!(
        convs[0]["metadata"]["labels"]["migration"],
        m2["metadata"]["uid"]
    );
    assert_eq!(convs[0]["status"]["phase"], "Succeeded");
    env.emu.shutdown().await;
}

/// A cold vSphere plan to the host cluster copies with virt-v2v itself (no separate copy):
/// a resuming Migration fails at once, Critical, before any VM is reset (migration.go:
/// 216-230, util/utils.go:230-249).
#[tokio::test]
async fn resume_needs_separate_copy_and_conversion() {
    let env = Env::start().await;
    let s = standard_plan(&env, "noresume", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({"resumeConversion": true})).await;
    let m = migration_ended(&env, &s.ns, "m").await;
    assert!(has(&m, "Failed"), "{}", m["status"]);
    let plan = env.get(PLAN, &s.ns, &s.plan).await;
    let failed = cond(&plan, "Failed").unwrap();
    assert_eq!(failed["category"], "Critical");
    assert!(
        failed["message"]
            .as_str()
            .unwrap()
            .contains("disk copy and conversion are not separate phases"),
        "{failed}"
    );
    assert!(
        plan["status"]["migration"]["vms"]
            .as_array()
            .is_none_or(Vec::is_empty)
    );
    env.emu.shutdown().await;
}
