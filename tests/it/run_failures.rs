//! Runs that fail, as a user sees them: a wrong expectation names the check, the VM,
//! expected and actual at the assert line; expected hook failures pass and unexpected
//! outcomes fail on the `expect` line; a Plan blocked by a leftover VM fails with its
//! blocking condition; evidence is collected before teardown. The end-of-run text of each
//! failure is a golden file (`tests_failed/*.err` in hurl), compared after
//! `harness::run_summary` replaced what changes from run to run.

use std::path::Path;

use kube::api::{DynamicObject, PostParams};
use serde_json::json;

use crate::harness::{
    Mtvt, cluster_flags, emulator, journal_states, junit, mtvt, report, run_summary,
    stderr as text, workdir as scenario_dir,
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
    let out = Mtvt::new()
        .cwd(s.path())
        .args(["run", "--sim", "wrong.mtvt", "--data-collector-path", d])
        .args(["--junit", &format!("{d}/junit.xml")])
        .args(["--report-json", &format!("{d}/report.json")])
        .output();
    let err = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    insta::assert_snapshot!("wrong_expectation", run_summary(&err, dc.path()));
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
        objects.contains("-local-ocp"),
        "the scenario's local destination Provider, which lives in its namespace"
    );
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

#[test]
fn an_unexpected_hook_failure_fails_on_the_expect_line() {
    let s = scenario_dir(&[(
        "hook.mtvt",
        "scenario post_hook_fails_unexpectedly {\n  vm \"mtv-tests-rhel8\"\n  hook post {\n    playbook \"\"\"\n      - name: post\n        hosts: localhost\n        tasks:\n          - name: break on purpose\n            fail:\n              msg: the post hook broke\n      \"\"\"\n  }\n  expect { migration succeeds }\n}\n",
    )]);
    let dc = tempfile::tempdir().unwrap();
    let d = dc.path().to_str().unwrap();
    let out = Mtvt::new()
        .cwd(s.path())
        .args(["run", "--sim", "hook.mtvt", "--data-collector-path", d])
        .output();
    let err = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("expected succeeded, found failed at PostHook"),
        "{err}"
    );
    insta::assert_snapshot!("unexpected_hook_failure", run_summary(&err, dc.path()));
    assert!(journal_states(dc.path()).iter().all(|s| s == "undone"));
}

/// A VM of an earlier run left in a target namespace other than the scenario's: the
/// destination Provider lives in the scenario namespace, a restricted host that cannot see
/// VMs elsewhere (upstream pkg/apis/forklift/v1beta1/provider.go:189-198,
/// pkg/controller/provider/web/ocp/base.go:294-323), so no `VMAlreadyExists` blocks the
/// Plan; the migration fails at VirtualMachineCreation with the API server's conflict, as
/// on a real cluster, and the run names it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leftover_vm_in_another_target_namespace_fails_the_vm_creation() {
    let dir = tempfile::tempdir().unwrap();
    let (emu, client) = emulator(dir.path(), &[]).await;
    let ns: DynamicObject = serde_json::from_value(json!({"apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": "mtvt-leftovers"}}))
    .unwrap();
    let ar = |g: &str, v: &str, k: &str, p: &str| {
        kube::api::ApiResource::from_gvk_with_plural(&kube::api::GroupVersionKind::gvk(g, v, k), p)
    };
    kube::Api::<DynamicObject>::all_with(client.clone(), &ar("", "v1", "Namespace", "namespaces"))
        .create(&PostParams::default(), &ns)
        .await
        .unwrap();
    let vm: DynamicObject = serde_json::from_value(json!({"apiVersion": "kubevirt.io/v1",
        "kind": "VirtualMachine", "metadata": {"name": "mtv-tests-rhel8", "namespace": "mtvt-leftovers"},
        "spec": {"runStrategy": "Halted", "template": {"spec": {"domain": {"devices": {}}}}}}))
    .unwrap();
    kube::Api::<DynamicObject>::namespaced_with(
        client.clone(),
        "mtvt-leftovers",
        &ar("kubevirt.io", "v1", "VirtualMachine", "virtualmachines"),
    )
    .create(&PostParams::default(), &vm)
    .await
    .unwrap();
    let file = dir.path().join("blocked.mtvt");
    std::fs::write(
        &file,
        "scenario blocked_by_a_leftover_vm {\n  vm \"mtv-tests-rhel8\" { clone false }\n  plan { target_namespace \"mtvt-leftovers\" }\n  expect { migration succeeds }\n}\n",
    )
    .unwrap();
    let d = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        Mtvt::new()
            .cwd(&d)
            .args(["run", "blocked.mtvt", "--provider", "vsphere"])
            .args(["--storage-class", "ocs-storagecluster-ceph-rbd"])
            .args(["--data-collector-path", &format!("{}/dc", d.display())])
            .args(cluster_flags(&d))
            .output()
    })
    .await
    .unwrap();
    let err = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("virtualmachines.kubevirt.io \"mtv-tests-rhel8\" already")
            && err.contains("found failed at VirtualMachineCreation"),
        "{err}"
    );
    assert!(!err.contains("VMAlreadyExists"), "{err}");
    insta::assert_snapshot!("leftover_vm", run_summary(&err, &dir.path().join("dc")));
    emu.shutdown().await;
}

/// A `forklift { … }` passthrough field reaches the objects the emulator acts on (issue 13
/// item 1): a StorageMap `accessMode` of ReadWriteOnce makes the PVCs RWO, which the
/// `storage` check refuses on Ceph RBD; ReadWriteMany passes.
#[test]
fn a_passthrough_field_reaches_the_emulator() {
    let scenario = |mode: &str| {
        format!(
            "use std/checks\n\nscenario passthrough {{\n  vm \"mtv-tests-rhel8\" {{ forklift {{ rootDisk: \"/dev/sda\" }} }}\n  plan {{\n    migrate_shared_disks false\n    forklift {{ diskBus: \"scsi\" }}\n    storage_map {{ forklift {{ destination: {{ accessMode: \"{mode}\" }} }} }}\n  }}\n  expect {{\n    migration succeeds\n    check storage\n  }}\n}}\n"
        )
    };
    for (mode, code) in [("ReadWriteOnce", 1), ("ReadWriteMany", 0)] {
        let s = scenario_dir(&[("p.mtvt", &scenario(mode))]);
        let dc = tempfile::tempdir().unwrap();
        let out = Mtvt::new()
            .cwd(s.path())
            .args(["run", "--sim", "p.mtvt", "--data-collector-path"])
            .args([dc.path()])
            .output();
        let err = text(&out);
        assert_eq!(out.status.code(), Some(code), "{mode}: {err}");
        if code == 1 {
            assert!(err.contains("must be ReadWriteMany"), "{err}");
        }
    }
}
