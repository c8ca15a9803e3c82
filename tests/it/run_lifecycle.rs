//! Scenarios that end at the Plan's readiness or continue after the outcome (issue 13,
//! items 2 and 3), run on the emulator as a user runs them, each shown to test its feature:
//! the catalog scenario passes on the default lab and fails on a lab (or with a fault)
//! where the feature is broken.

use std::path::Path;

use crate::harness::{Mtvt, repo, stderr as text, workdir as scenario_dir};

/// The default lab with `from` replaced by `to` (once), written into `dir`.
fn lab_with(dir: &Path, from: &str, to: &str) -> String {
    let lab = std::fs::read_to_string(repo().join("crates/mtvt-sim/src/lab/default_lab.yaml"))
        .unwrap();
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
