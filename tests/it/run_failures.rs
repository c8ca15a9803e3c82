//! Runs that fail, as a user sees them: a wrong expectation names the check, the VM,
//! expected and actual at the assert line; expected hook failures pass and unexpected
//! outcomes fail on the `expect` line; evidence is collected before teardown.

use std::path::Path;

use crate::harness::{
    journal_states, junit, mtvt, report, stderr as text, workdir as scenario_dir,
};

#[test]
fn a_wrong_expectation_names_check_vm_expected_and_actual() {
    let s = scenario_dir(&[(
        "wrong.mtvt",
        "use std/checks\n\ncheck cores_are_eight \"eight cores per socket\" {\n  assert dest.cpu.cores == 8, \"wrong number of cores on purpose\"\n}\n\n\
         scenario wrong_expectation {\n  vm \"mtv-tests-rhel8\"\n  expect {\n    migration succeeds\n    check cpu, cores_are_eight\n  }\n}\n",
    )]);
    let dc = tempfile::tempdir().unwrap();
    let d = dc.path().to_str().unwrap();
    let out = mtvt(&[
        "run",
        "--sim",
        s.path().to_str().unwrap(),
        "--data-collector-path",
        d,
        "--junit",
        &format!("{d}/junit.xml"),
        "--report-json",
        &format!("{d}/report.json"),
    ]);
    let err = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("check cores_are_eight") && err.contains("expected 8, found 2"),
        "{err}"
    );
    assert!(
        err.contains("wrong.mtvt:4:3"),
        "points at the assert line: {err}"
    );
    let r = report(dc.path());
    let f = &r["scenarios"][0]["failures"];
    assert_eq!(
        f.as_array().unwrap().len(),
        1,
        "only the wrong check fails: {f}"
    );
    assert_eq!(f[0]["check"], "cores_are_eight");
    assert_eq!(f[0]["expected"], "8");
    assert_eq!(f[0]["actual"], "2");
    assert!(f[0]["vm"].as_str().unwrap().contains("mtv-tests-rhel8"));
    let checks = &r["scenarios"][0]["vms"][0]["checks"];
    assert_eq!(checks[0]["name"], "cpu");
    assert_eq!(checks[0]["status"], "passed");
    let failures = junit(&dc.path().join("junit.xml")).failures;
    assert!(
        failures[0].contains("cores_are_eight") && failures[0].contains("expected 8, actual 2"),
        "{failures:?}"
    );
    // evidence was collected before teardown, then everything was removed
    let diag = Path::new(r["scenarios"][0]["diagnostics"].as_str().unwrap()).join("objects.yaml");
    let objects = std::fs::read_to_string(diag).unwrap();
    assert!(objects.contains("kind: Plan") && objects.contains("kind: Migration"));
    assert!(
        !objects.contains("stringData") && !objects.contains("password"),
        "no secret data in diagnostics"
    );
    assert!(journal_states(dc.path()).iter().all(|s| s == "undone"));
}

#[test]
fn expected_hook_failures_pass_and_unexpected_outcomes_fail() {
    let s = scenario_dir(&[(
        "hooks.mtvt",
        "use std/hooks\n\nscenario pre_hook_fails {\n  vm \"mtv-tests-rhel8\" { source_power on }\n  hook pre = hooks.fail\n  expect { migration fails at PreHook }\n}\n",
    )]);
    let dc = tempfile::tempdir().unwrap();
    let d = dc.path().to_str().unwrap();
    let out = mtvt(&[
        "run",
        "--sim",
        s.path().to_str().unwrap(),
        "--data-collector-path",
        d,
        "--report-json",
        &format!("{d}/report.json"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let r = report(dc.path());
    assert_eq!(r["scenarios"][0]["vms"][0]["failed_step"], "PreHook");
    // a step that fails where the scenario expects success: the outcome is reported on the
    // `migration succeeds` line with the failed step and the VM's error
    let dc = tempfile::tempdir().unwrap();
    let d = dc.path().to_str().unwrap();
    let out = mtvt(&[
        "run",
        "--sim",
        "scenarios/tier0/sanity_cold_mtv_migration.mtvt",
        "--data-collector-path",
        d,
        "--sim-step-fault",
        "vm=*,step=DiskTransferV2v,fail=disk copy failed on purpose",
        "--report-json",
        &format!("{d}/report.json"),
    ]);
    let err = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("expected succeeded, found failed at DiskTransferV2v"),
        "{err}"
    );
    assert!(err.contains("disk copy failed on purpose"), "{err}");
    assert!(err.contains("sanity_cold_mtv_migration.mtvt:11:5"), "{err}");
    assert!(journal_states(dc.path()).iter().all(|s| s == "undone"));
}
