//! VDDK validation of vSphere plans (fidelity-review row 7;
//! pkg/controller/plan/validation.go:1795-1838, 1863-1951, 1995-2135; controller.go:271).

use mtvt_sim::emulator::EmulatorOptions;
use mtvt_sim::lab::Lab;
use serde_json::json;

use super::condition;
use crate::harness::*;

/// The default lab without the vSphere profile's VDDK image.
fn lab_without_vddk() -> Lab {
    let mut lab = Lab::default_lab().unwrap();
    for p in lab.providers.iter_mut() {
        p.vddk_init_image.clear();
    }
    lab
}

/// Without a VDDK image on the provider or globally, a warm vSphere plan is Critical
/// `VDDKInitImageUnavailable` (NotSet, "... for warm migration. ..."), so is a
/// `skipGuestConversion` plan without copy offload ("... for raw copy mode migration. ...");
/// the ForkliftController's `vddk_image` is the global image that lifts it
/// (validation.go:1810-1835; pkg/settings/settings.go:133-141).
#[tokio::test]
async fn warm_and_raw_copy_plans_need_a_vddk_image() {
    let env = Env::with(EmulatorOptions {
        lab: Some(lab_without_vddk()),
        ..Default::default()
    })
    .await;
    let s = standard_plan(
        &env,
        "w",
        "vsphere",
        &["mtv-tests-rhel8"],
        json!({"warm": true}),
    )
    .await;
    let plan = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| {
            has(p, "VDDKInitImageUnavailable")
        })
        .await;
    let c = condition(&plan, "VDDKInitImageUnavailable").unwrap();
    assert_eq!(
        (&c["category"], &c["reason"]),
        (&json!("Critical"), &json!("NotSet"))
    );
    assert_eq!(
        c["message"],
        "VDDK image is required for warm migration. Set it on the source provider or configure a global VDDK image."
    );
    assert!(!has(&plan, "Ready"));
    env.patch(
        PLAN,
        &s.ns,
        &s.plan,
        json!({"spec": {"warm": false, "skipGuestConversion": true}}),
    )
    .await;
    let plan = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| {
            condition(p, "VDDKInitImageUnavailable")
                .is_some_and(|c| c["message"].as_str().unwrap().contains("raw copy mode"))
        })
        .await;
    assert!(!has(&plan, "Ready"));
    // A global image (ForkliftController spec.vddk_image) is enough.
    env.patch(
        FORKLIFT_CONTROLLER,
        MTV,
        "forklift-controller",
        json!({"spec": {"vddk_image": "registry.mtv.lab/vddk:global"}}),
    )
    .await;
    let plan = ready(&env, PLAN, &s.ns, &s.plan).await;
    assert!(!has(&plan, "VDDKInitImageUnavailable"));
    env.emu.shutdown().await;
}

/// With an image, a validation Job runs in the target namespace (`generateName:
/// vddk-validator-<plan>`, labels `plan` = plan UID and `vddk` = MD5 of the image, annotation
/// `vddk` = the image, backoffLimit 2) and the Advisory `ValidatingVDDK` (Started,
/// "Validating VDDK init image") holds `Ready` back until the Job completes
/// (validation.go:1863-1951, 2047-2135; controller.go:271).
#[tokio::test]
async fn the_validation_job_holds_ready_until_it_completes() {
    // Slow virtual time so the 8 s Job is seen running.
    let env = Env::with(EmulatorOptions {
        time_scale: 20.0,
        ..Default::default()
    })
    .await;
    let s = standard_plan(&env, "v", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    let plan = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "ValidatingVDDK"))
        .await;
    assert!(!has(&plan, "Ready"), "ValidatingVDDK holds Ready back");
    let c = condition(&plan, "ValidatingVDDK").unwrap();
    assert_eq!(
        (&c["category"], &c["reason"], &c["message"]),
        (
            &json!("Advisory"),
            &json!("Started"),
            &json!("Validating VDDK init image")
        )
    );
    let jobs = env.list(JOB, &s.ns).await;
    let job = jobs
        .iter()
        .find(|j| j["metadata"]["labels"]["vddk"].is_string())
        .expect("a VDDK validation Job in the target namespace");
    let uid = plan["metadata"]["uid"].as_str().unwrap();
    assert_eq!(job["metadata"]["labels"]["plan"], uid);
    // md5("registry.mtv.lab/vddk:8.0.3")
    assert_eq!(
        job["metadata"]["labels"]["vddk"],
        "ddf8a6820cd3365548e75751f0d62997"
    );
    assert_eq!(
        job["metadata"]["annotations"]["vddk"],
        "registry.mtv.lab/vddk:8.0.3"
    );
    assert!(
        job["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with("vddk-validator-plan-1")
    );
    assert_eq!(job["spec"]["backoffLimit"], 2);
    assert_eq!(
        job["spec"]["template"]["spec"]["initContainers"][0]["image"],
        "registry.mtv.lab/vddk:8.0.3"
    );
    let plan = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "Ready"))
        .await;
    assert!(!has(&plan, "ValidatingVDDK"));
    let job = env
        .get(JOB, &s.ns, job["metadata"]["name"].as_str().unwrap())
        .await;
    assert!(has(&job, "Complete"));
    env.emu.shutdown().await;
}

/// A VDDK image whose validation Job fails makes the plan Critical `VDDKInvalid` (NotSet,
/// "VDDK init image is invalid"), here through the lab's `failing_images` fault
/// (validation.go:1865-1871, 1941-1943).
#[tokio::test]
async fn a_failing_validation_job_is_vddk_invalid() {
    let mut lab = Lab::default_lab().unwrap();
    lab.faults.failing_images.push("*/vddk:8.0.3".into());
    let env = Env::with(EmulatorOptions {
        lab: Some(lab),
        ..Default::default()
    })
    .await;
    let s = standard_plan(&env, "bad", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    let plan = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "VDDKInvalid"))
        .await;
    let c = condition(&plan, "VDDKInvalid").unwrap();
    assert_eq!(
        (&c["category"], &c["reason"], &c["message"]),
        (
            &json!("Critical"),
            &json!("NotSet"),
            &json!("VDDK init image is invalid")
        )
    );
    assert!(!has(&plan, "Ready"));
    env.emu.shutdown().await;
}
