//! Scenarios that end at the Plan's readiness or continue after the outcome (issue 13,
//! items 2 and 3), run on the emulator as a user runs them, each shown to test its feature:
//! the catalog scenario passes on the default lab and fails on a lab (or with a fault)
//! where the feature is broken.

use std::path::Path;

use crate::harness::{Mtvt, repo, stderr as text, workdir as scenario_dir};

/// The default lab with `from` replaced by `to` (once), written into `dir`.
fn lab_with(dir: &Path, from: &str, to: &str) -> String {
    let lab =
        std::fs::read_to_string(repo().join("crates/mtvt-sim/src/lab/default_lab.yaml")).unwrap();
    assert!(lab.contains(from), "the default lab changed: no {from:?}");
    let path = dir.join("lab.yaml");
    std::fs::write(&path, lab.replacen(from, to, 1)).unwrap();
    path.to_str().unwrap().to_string()
}

/// `mtvt run --sim SCENARIO [ARGS]` from the repository, data collected in `dir`.
fn run_sim(dir: &Path, scenario: &str, args: &[&str]) -> std::process::Output {
    let d = dir.to_str().unwrap();
    Mtvt::new()
        .cwd(repo())
        .args(["run", "--sim", scenario, "--data-collector-path", d])
        .args(args)
        .output()
}

const DUAL_NIC: &str = "scenarios/cold/cold_dual_nic_same_network_plan_validation.mtvt";

#[test]
fn dual_nic_on_one_network_is_not_ready_and_fails_when_the_nics_differ() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_sim(dir.path(), DUAL_NIC, &[]);
    let err = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        !err.contains("create Migration"),
        "a readiness outcome starts no Migration: {err}"
    );
    // The same VM with its second NIC on another network: one NIC on the pod network,
    // the Plan becomes Ready, and the scenario must fail.
    let lab = lab_with(
        dir.path(),
        "- { network: VM Network, ips: [10.6.46.62/24] }",
        "- { network: Mgmt Network, ips: [10.6.46.62/24] }",
    );
    let out = run_sim(dir.path(), DUAL_NIC, &["--sim-lab", &lab]);
    let err = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the Plan became Ready; expected it not ready with condition VMMultiplePodNetworkMappings"),
        "{err}"
    );
}

#[test]
fn plan_ready_stops_at_readiness() {
    let s = scenario_dir(&[(
        "ready.mtvt",
        "scenario ready {\n  vm \"mtv-tests-rhel8\"\n  expect { plan ready }\n}\n",
    )]);
    let dc = tempfile::tempdir().unwrap();
    let d = dc.path().to_str().unwrap();
    let out = Mtvt::new()
        .cwd(s.path())
        .args(["run", "--sim", "ready.mtvt", "--data-collector-path", d])
        .output();
    let err = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("PASS ready"), "{err}");
    assert!(!err.contains("create Migration"), "{err}");
}

const ARCHIVE: &str = "scenarios/plan_lifecycle/plan_archive_pvc_cleanup.mtvt";

#[test]
fn plan_archive_pvc_cleanup_passes_when_nothing_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = run_sim(
        dir.path(),
        ARCHIVE,
        &["--report-json", &format!("{d}/report.json")],
    );
    let err = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    for step in ["archive Plan", "delete Plan", "delete the VirtualMachines"] {
        assert!(err.contains(step), "{step}: {err}");
    }
    let r = crate::harness::report(dir.path());
    let checks: Vec<&str> = r["scenarios"][0]["vms"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        checks,
        ["migration_left_disks", "plan_archived", "no_disks_left"],
        "each expectation ran in order"
    );
}

/// MTV-5564 as the emulator can show it: a PVC nobody owns (what the bug left) in the
/// target namespace survives the archive and the deletions, and the scenario fails on it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_archive_pvc_cleanup_fails_on_an_orphan_pvc() {
    use kube::api::{DynamicObject, PostParams};
    use serde_json::json;

    let dir = tempfile::tempdir().unwrap();
    let (_emu, client) = crate::harness::emulator(dir.path(), &[]).await;
    let ar = |g: &str, v: &str, k: &str, p: &str| {
        kube::api::ApiResource::from_gvk_with_plural(&kube::api::GroupVersionKind::gvk(g, v, k), p)
    };
    let ns: DynamicObject = serde_json::from_value(
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "mtvt-orphans"}}),
    )
    .unwrap();
    kube::Api::<DynamicObject>::all_with(client.clone(), &ar("", "v1", "Namespace", "namespaces"))
        .create(&PostParams::default(), &ns)
        .await
        .unwrap();
    let pvc: DynamicObject = serde_json::from_value(json!({"apiVersion": "v1",
        "kind": "PersistentVolumeClaim", "metadata": {"name": "prime-orphan", "namespace": "mtvt-orphans"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}))
    .unwrap();
    kube::Api::<DynamicObject>::namespaced_with(
        client.clone(),
        "mtvt-orphans",
        &ar("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
    )
    .create(&PostParams::default(), &pvc)
    .await
    .unwrap();
    let text_of = std::fs::read_to_string(repo().join(ARCHIVE)).unwrap();
    let changed = text_of.replace("within 2m", "within 6s").replace(
        "plan { target_power_state off }",
        "plan { target_power_state off; target_namespace \"mtvt-orphans\" }",
    );
    assert_ne!(changed, text_of);
    std::fs::write(dir.path().join("archive.mtvt"), changed).unwrap();
    let d = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        Mtvt::new()
            .cwd(&d)
            .args(["run", "archive.mtvt", "--provider", "vsphere"])
            .args(["--storage-class", "ocs-storagecluster-ceph-rbd"])
            .args(["--data-collector-path", &format!("{}/dc", d.display())])
            .args(crate::harness::cluster_flags(&d))
            .output()
    })
    .await
    .unwrap();
    let err = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("check no_disks_left") && err.contains("PVCs left in the target namespace"),
        "{err}"
    );
}

#[test]
fn failure_text_is_matched_per_vm() {
    let scenario = |wanted: &str| {
        format!(
            "use std/hooks\n\nscenario with_text {{\n  vm \"mtv-tests-rhel8\"\n  hook post = hooks.fail\n  expect {{ migration fails at PostHook with \"{wanted}\" }}\n}}\n"
        )
    };
    for (wanted, code) in [("backoff limit", 0), ("not this text", 1)] {
        let s = scenario_dir(&[("t.mtvt", &scenario(wanted))]);
        let dc = tempfile::tempdir().unwrap();
        let d = dc.path().to_str().unwrap();
        let out = Mtvt::new()
            .cwd(s.path())
            .args(["run", "--sim", "t.mtvt", "--data-collector-path", d])
            .output();
        let err = text(&out);
        assert_eq!(out.status.code(), Some(code), "{wanted}: {err}");
        if code == 1 {
            assert!(
                err.contains("expected failed at PostHook with an error containing \"not this text\", found failed at PostHook with \"Job has reached the specified backoff limit\""),
                "{err}"
            );
        }
    }
}

/// What `then { migrate resume_conversion … }` would do, as `mtvt render` prints it: the
/// Plan Ready again, a second Migration with `resumeConversion`, awaited on its own
/// conditions, then the named Plan condition.
#[test]
fn a_resumed_migration_renders_after_the_first() {
    let s = scenario_dir(&[(
        "resume.mtvt",
        "scenario resume {\n  requires provider vsphere\n  vm \"mtv-rhel8-warm-2disks2nics\"\n  plan { warm true }\n  expect { migration fails at ImageConversion }\n  then {\n    migrate resume_conversion\n    expect { migration succeeds }\n    wait plan Succeeded\n  }\n}\n",
    )]);
    let example = repo().join("providers.example.json");
    let out = Mtvt::new()
        .cwd(s.path())
        .args(["render", "resume.mtvt", "--providers-file"])
        .args([example.to_str().unwrap()])
        .output();
    let err = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let yaml = String::from_utf8(out.stdout).unwrap();
    let tail = &yaml[yaml.find("has Succeeded, Failed or Canceled").unwrap()..];
    let order = [
        "wait until Plan auto-xxxx-resume/resume has condition Ready=True",
        "name: resume-migration-2",
        "resumeConversion: true",
        "wait until Migration auto-xxxx-resume/resume-migration-2 has Succeeded, Failed or Canceled",
        "----- expect",
        "wait until Plan auto-xxxx-resume/resume has condition Succeeded=True",
    ];
    let mut at = 0;
    for line in order {
        let i = tail[at..]
            .find(line)
            .unwrap_or_else(|| panic!("{line} after {at}:\n{tail}"));
        at += i + line.len();
    }
}

const RESUME: &str = "scenarios/warm/warm_migration_resume_conversion.mtvt";

/// The warm resume-conversion scenario passes when the resumed Migration converts the PVCs
/// the killed one left (the default lab kills virt-v2v in that scenario's plan, as the
/// pytest test does), fails when the emulated Forklift ignores `resumeConversion` (the
/// lab's `faults.resume_recopies`: the disks copied again into new PVCs), and fails when
/// nothing kills virt-v2v (the first migration succeeds).
#[test]
fn warm_resume_conversion_passes_on_the_same_pvcs_and_fails_when_they_are_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let report = format!("{d}/report.json");
    let args = ["--report-json", &report];
    let out = run_sim(dir.path(), RESUME, &args);
    let err = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("has condition ConversionResumable=True"),
        "{err}"
    );
    let r = crate::harness::report(dir.path());
    let checks: Vec<&str> = r["scenarios"][0]["vms"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(checks.contains(&"same_pvcs"), "{checks:?}");

    let lab = lab_with(
        dir.path(),
        "faults:\n  seed: 0\n",
        "faults:\n  resume_recopies: true\n  seed: 0\n",
    );
    let out = run_sim(dir.path(), RESUME, &["--sim-lab", &lab]);
    let err = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("a PVC of the failed migration was deleted or made again"),
        "{err}"
    );
    let lab = lab_with(
        dir.path(),
        "kill_conversion_after_seconds: 20",
        "slow_factor: 1",
    );
    let out = run_sim(dir.path(), RESUME, &["--sim-lab", &lab]);
    let err = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("unexpected migration outcome"), "{err}");
}

/// `then { migrate; cancel at STEP }`: once the re-run VM has started DiskAllocation the
/// runner lists it in `spec.cancel`; the VM ends Canceled (migration.result `canceled`) and
/// Forklift's cancel cleanup leaves no PVC or DataVolume. The step is slowed so the cancel
/// lands inside it on a loaded machine.
#[test]
fn cancel_at_a_step_cancels_the_vm_and_cleans_up() {
    let s = scenario_dir(&[(
        "cancel.mtvt",
        include_str!("fixtures/lifecycle/cancel_at_disk_allocation.mtvt"),
    )]);
    let dc = tempfile::tempdir().unwrap();
    let d = dc.path().to_str().unwrap();
    let out = Mtvt::new()
        .cwd(s.path())
        .args(["run", "--sim", "cancel.mtvt", "--data-collector-path", d])
        .args(["--sim-step-fault", "vm=*,step=DiskAllocation,slow=10"])
        .output();
    let err = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("reaches pipeline step DiskAllocation"),
        "{err}"
    );
}
