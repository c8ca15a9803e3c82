//! Upstream test families (issue 14) against an emulator told to break the feature each one
//! exercises (`mtvt run --sim --sim-break FEATURE`, the lab's `faults.broken`): the family's
//! scenario must fail, and fail for that reason — the step, the VM error or the check that
//! names the feature — while the catalog run shows the same scenarios passing.

use serde_json::Value;

use crate::harness::{mtvt, report, stderr as text};

/// `mtvt run --sim` of catalog `paths` with `extra` flags in a fresh directory: exit code,
/// stderr, the report and the data-collector directory.
fn run_sim(paths: &[&str], extra: &[&str]) -> (Option<i32>, String, Value, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap().to_string();
    let report_path = format!("{d}/report.json");
    let mut args = vec![
        "run",
        "--sim",
        "-j",
        "2",
        "--data-collector-path",
        d.as_str(),
        "--report-json",
        report_path.as_str(),
    ];
    args.extend(extra);
    args.extend(paths);
    let out = mtvt(&args);
    (out.status.code(), text(&out), report(dir.path()), dir)
}

/// The scenario reports of a run report, by name.
fn scenario<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no scenario {name} in {r}"))
}

/// XFS compatibility (tests/cold/test_cold_migration_xfs.py, tests/warm/
/// test_warm_migration_xfs.py): with `xfsCompatibility` ignored, the XFS v4 guest is
/// converted by the default virt-v2v image, whose inspection finds no root filesystem, so
/// both scenarios fail at ImageConversion with Forklift's conversion-pod error and the pod
/// ran the default image, not the RHEL 9 one.
#[test]
fn xfs_scenarios_fail_at_image_conversion_when_xfs_compatibility_is_ignored() {
    let (code, err, r, dir) = run_sim(&["scenarios/xfs"], &["--sim-break", "xfs_compatibility"]);
    assert_eq!(code, Some(1), "{err}");
    for name in ["cold_migration_xfs", "warm_migration_xfs"] {
        let s = scenario(&r, name);
        assert_eq!(s["status"], "failed", "{name}: {s}");
        assert!(
            s["failures"]
                .to_string()
                .contains("failed at ImageConversion"),
            "{name}: {}",
            s["failures"]
        );
    }
    assert!(
        err.matches("VM error: Guest conversion failed. See pod logs for details.")
            .count()
            >= 2,
        "{err}"
    );
    let objects =
        std::fs::read_to_string(dir.path().join("cold-migration-xfs/objects.yaml")).unwrap();
    assert!(
        objects.contains("image: quay.io/kubev2v/forklift-virt-v2v:latest"),
        "the conversion pod runs the default image"
    );
    assert!(!objects.contains("forklift-virt-v2v-rhel9"), "no XFS image");
}

/// OVA cold (tests/cold/test_ova_cold_migration.py): with the plan's target labels left off
/// the VM template, the OVA migration still succeeds but the `labels` check fails, naming
/// each missing label, while power state, guest agent and affinity still pass.
#[test]
fn ova_cold_fails_its_labels_check_when_target_labels_are_dropped() {
    let (code, err, r, _dir) = run_sim(
        &["scenarios/ova"],
        &["--provider", "ova", "--sim-break", "target_labels"],
    );
    assert_eq!(code, Some(1), "{err}");
    let s = scenario(&r, "ova_cold_migration");
    assert_eq!(s["status"], "failed", "{s}");
    let checks = s["vms"][0]["checks"].as_array().unwrap();
    for c in checks {
        let want = if c["name"] == "labels" {
            "failed"
        } else {
            "passed"
        };
        assert_eq!(c["status"], want, "{c}");
    }
    assert!(err.contains("target label missing or different"), "{err}");
    assert!(
        err.contains("expected \"comprehensive\", found none"),
        "{err}"
    );
}
