//! The provider sweep: `mtvt run --sim --provider <type> scenarios` for every source type of
//! the default lab other than vSphere (which `run_sim` covers), as a user runs it. Every
//! scenario must pass or be skipped with a reason that names why (another provider type
//! required, or oVirt's warm-migration gate); the provider-agnostic scenarios (tier0 cold,
//! hooks, cold remote) must really run and pass, with no failed check; the run exits 0
//! (teardown left nothing). Warm oVirt also runs once with `--allow-ovirt-warm`.

use std::path::Path;

use serde_json::Value;

use crate::harness::{mtvt, repo};

/// Scenarios that need no particular source type: each provider sweep must run them.
const PROVIDER_AGNOSTIC: &[&str] = &[
    "sanity_cold_mtv_migration",
    "post_hook_retain_failed_vm",
    "cold_remote_ocp",
];

/// Runs `paths` on the emulator with `--provider provider` (plus `extra`) and returns the
/// JSON report and stderr; asserts exit 0.
fn sweep(provider: &str, paths: &[&str], extra: &[&str]) -> (Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let report = format!("{d}/report.json");
    let mut args = vec![
        "run",
        "--sim",
        "--provider",
        provider,
        "-j",
        "4",
        "--data-collector-path",
        d,
        "--report-json",
        &report,
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(paths);
    let out = mtvt(&args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{provider}: {err}");
    let r: Value = serde_json::from_str(&std::fs::read_to_string(Path::new(&report)).unwrap())
        .unwrap_or_else(|e| panic!("{provider}: report: {e}\n{err}"));
    (r, err)
}

/// Every scenario passed or was skipped for a stated reason; returns the passed names.
fn check_sweep(provider: &str, r: &Value, err: &str) -> Vec<String> {
    let scenarios = r["scenarios"].as_array().unwrap();
    assert!(!scenarios.is_empty(), "{provider}: no scenario\n{err}");
    let mut passed = Vec::new();
    for s in scenarios {
        let name = s["name"].as_str().unwrap();
        match s["status"].as_str().unwrap() {
            "passed" => {
                // (the expected outcome, e.g. a PostHook failure, was checked by the run)
                let vms = s["vms"].as_array().unwrap();
                // a scenario that stops at plan readiness migrates (and observes) no VM
                let stops_at_readiness =
                    std::fs::read_to_string(repo().join(s["file"].as_str().unwrap()))
                        .unwrap()
                        .contains("plan not ready");
                assert!(
                    !vms.is_empty() || stops_at_readiness,
                    "{provider} {name}: no VM observed"
                );
                for vm in vms {
                    for c in vm["checks"].as_array().unwrap() {
                        assert_ne!(c["status"], "failed", "{provider} {name}: {c}");
                    }
                }
                passed.push(name.to_string());
            }
            "skipped" => {
                let why = s["reason"].as_str().unwrap();
                // (the reason names the profile's type: `vsphere` for the vsphere-esxi profile)
                let other_type =
                    why.starts_with("requires provider ") && why.contains("(the profile is ");
                let ovirt_gate = provider == "ovirt" && why.contains("--allow-ovirt-warm");
                // an ESXi profile carries no copyoffload section (the suite: no copy-offload
                // through a standalone host)
                let esxi_offload = provider == "vsphere-esxi"
                    && why.starts_with(
                        "requires copyoffload: the provider profile has no copyoffload section",
                    );
                assert!(
                    other_type || ovirt_gate || esxi_offload,
                    "{provider} {name}: unexpected skip reason {why:?}"
                );
                assert!(
                    why.contains(".mtvt:"),
                    "{provider} {name}: no location in {why:?}"
                );
            }
            other => panic!(
                "{provider} {name}: {other}: {} {}\n{err}",
                s["reason"], s["failures"]
            ),
        }
    }
    for want in PROVIDER_AGNOSTIC {
        assert!(
            passed.iter().any(|p| p == want),
            "{provider}: {want} did not run and pass (passed: {passed:?})\n{err}"
        );
    }
    passed
}

#[test]
fn ovirt_runs_the_catalog_and_skips_warm_behind_the_gate() {
    let (r, err) = sweep("ovirt", &["scenarios"], &[]);
    check_sweep("ovirt", &r, &err);
    let gated: Vec<&str> = r["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            s["reason"]
                .as_str()
                .is_some_and(|w| w.contains("--allow-ovirt-warm"))
        })
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(
        gated.contains(&"sanity_warm_mtv_migration"),
        "warm scenarios are skipped behind the gate: {gated:?}"
    );
}

#[test]
fn ovirt_warm_runs_with_the_gate() {
    let (r, err) = sweep(
        "ovirt",
        &["scenarios/warm/sanity_warm_mtv_migration.mtvt"],
        &["--allow-ovirt-warm"],
    );
    let s = &r["scenarios"][0];
    assert_eq!(s["status"], "passed", "{}\n{err}", s["failures"]);
}

#[test]
fn openstack_runs_the_catalog() {
    let (r, err) = sweep("openstack", &["scenarios"], &[]);
    check_sweep("openstack", &r, &err);
}

#[test]
fn openshift_runs_the_catalog() {
    let (r, err) = sweep("openshift", &["scenarios"], &[]);
    check_sweep("openshift", &r, &err);
}

#[test]
fn ova_runs_the_catalog() {
    let (r, err) = sweep("ova", &["scenarios"], &[]);
    let passed = check_sweep("ova", &r, &err);
    // the suite's OVA-only class runs on this sweep only
    assert!(
        passed.iter().any(|p| p == "ova_cold_migration"),
        "ova_cold_migration did not run and pass: {passed:?}"
    );
}

/// The suite's `vsphere-esxi` profile (`endpoint_type: esxi`, `clone_provider: vsphere`):
/// the Provider points at the lab host's own SDK with `sdkEndpoint: esxi`, VMs are cloned
/// through the vCenter; everything but copy-offload runs, warm included.
#[test]
fn esxi_endpoint_runs_the_catalog_through_its_vcenter() {
    let (r, err) = sweep("vsphere-esxi", &["scenarios"], &[]);
    let passed = check_sweep("vsphere-esxi", &r, &err);
    for want in ["sanity_warm_mtv_migration", "cold_migration_comprehensive"] {
        assert!(
            passed.iter().any(|p| p == want),
            "{want}: {passed:?}\n{err}"
        );
    }
    assert!(
        err.contains(
            "connecting to the vsphere source of profile vsphere (clone_provider of vsphere-esxi)"
        ),
        "{err}"
    );
}

/// Told to break the ESXi endpoint (the lab's `esxi_endpoint.api_type: VirtualCenter`: the
/// URL answers as a vCenter), the Provider fails its connection test with Forklift's message
/// (pkg/controller/provider/container/vsphere/collector.go:825-826) and the scenario errors
/// at the Provider, naming it.
#[test]
fn an_esxi_endpoint_that_answers_as_vcenter_fails_the_provider() {
    let lab = include_str!("../../crates/mtvt-sim/src/lab/default_lab.yaml").replacen(
        "esxi_endpoint: { host: esxi-01.mtv.lab }",
        "esxi_endpoint: { host: esxi-01.mtv.lab, api_type: VirtualCenter }",
        1,
    );
    assert!(lab.contains("api_type: VirtualCenter"));
    let dir = tempfile::tempdir().unwrap();
    let lab_path = dir.path().join("lab.yaml");
    std::fs::write(&lab_path, lab).unwrap();
    let out = mtvt(&[
        "run",
        "--sim",
        "--sim-lab",
        lab_path.to_str().unwrap(),
        "--provider",
        "vsphere-esxi",
        "--data-collector-path",
        dir.path().to_str().unwrap(),
        "scenarios/tier0/sanity_cold_mtv_migration.mtvt",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("ERROR sanity_cold_mtv_migration"), "{err}");
    assert!(
        err.contains(
            "-vsphere-esxi will not have condition Ready=True: the connection test failed"
        ) && err
            .contains("provider sdkEndpoint is set to ESXi but the URL points to a vCenter server"),
        "{err}"
    );
}

/// Hyper-V (`type: hyperv`, profile `hyperv` of the emulator's lab): cold migrations really
/// run (virt-v2v copies and converts the `.vhdx` disks, pkg/apis/forklift/v1beta1/plan.go:502);
/// warm and vSphere-only scenarios are skipped for their `requires provider`.
#[test]
fn hyperv_runs_the_catalog() {
    let (r, err) = sweep("hyperv", &["scenarios"], &[]);
    let passed = check_sweep("hyperv", &r, &err);
    assert!(
        passed.iter().any(|p| p == "sanity_cold_mtv_migration"),
        "{passed:?}"
    );
}

/// Told to break Hyper-V (the lab's cluster without the SMB CSI driver), the Provider is
/// refused with Forklift's `SMBCSIDriverNotReady` (pkg/controller/provider/validation.go:
/// 1336-1360) and the scenario errors at the Provider.
#[test]
fn hyperv_without_the_smb_csi_driver_fails_the_provider() {
    let lab = include_str!("../../crates/mtvt-sim/src/lab/default_lab.yaml").replacen(
        "cluster:\n  nodes:",
        "cluster:\n  smb_csi_driver: false\n  nodes:",
        1,
    );
    assert!(lab.contains("smb_csi_driver: false"));
    let dir = tempfile::tempdir().unwrap();
    let lab_path = dir.path().join("lab.yaml");
    std::fs::write(&lab_path, lab).unwrap();
    let out = mtvt(&[
        "run",
        "--sim",
        "--sim-lab",
        lab_path.to_str().unwrap(),
        "--provider",
        "hyperv",
        "--data-collector-path",
        dir.path().to_str().unwrap(),
        "scenarios/tier0/sanity_cold_mtv_migration.mtvt",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("ERROR sanity_cold_mtv_migration"), "{err}");
    assert!(
        err.contains("SMBCSIDriverNotReady")
            && err.contains("SMB CSI driver (smb.csi.k8s.io) is not available"),
        "{err}"
    );
}
