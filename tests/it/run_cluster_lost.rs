//! A run whose API server dies (issue 15 item 2): `mtvt sim serve` is killed in the middle
//! of a cold migration and during the session setup of a warm one; the run must end
//! within seconds with exit 3 and "the cluster stopped answering", after trying its
//! teardown, and its journal must keep what could not be undone for `mtvt clean`.

use std::path::Path;
use std::time::Duration;

use crate::harness::{Mtvt, ServedEmulator, cluster_flags, journal_states, run_watching};

/// A hang detector, not a speed figure: the run must be gone well before a wait's own
/// deadline (minutes) would end it.
const LIMIT: Duration = Duration::from_secs(30);

fn run_until_the_cluster_dies(dir: &Path, scenario: &str, trigger: &str) {
    let mut emu = ServedEmulator::start(dir, &[]);
    let d = dir.to_str().unwrap();
    let cmd = Mtvt::new()
        .args(["run", scenario, "--provider", "vsphere", "--storage-class"])
        .args(["ocs-storagecluster-ceph-rbd", "--data-collector-path"])
        .args([format!("{d}/dc")])
        .args(cluster_flags(dir))
        .command();
    let (code, log, after) = run_watching(cmd, LIMIT, |line| {
        let hit = line.contains(trigger);
        if hit {
            emu.kill();
        }
        hit
    });
    assert!(after.is_some(), "never reached '{trigger}':\n{log}");
    assert_eq!(code, Some(3), "{log}");
    assert!(log.contains("the cluster stopped answering"), "{log}");
    let states = journal_states(&dir.join("dc"));
    assert!(
        states.iter().any(|s| s != "undone"),
        "the journal must keep what could not be deleted: {states:?}\n{log}"
    );
}

#[test]
fn a_cold_run_ends_soon_after_its_api_server_dies_mid_migration() {
    let dir = tempfile::tempdir().unwrap();
    run_until_the_cluster_dies(
        dir.path(),
        "scenarios/tier0/sanity_cold_mtv_migration.mtvt",
        "DiskTransfer",
    );
}

#[test]
fn a_warm_run_ends_soon_after_its_api_server_dies_during_setup() {
    let dir = tempfile::tempdir().unwrap();
    run_until_the_cluster_dies(
        dir.path(),
        "scenarios/warm/sanity_warm_mtv_migration.mtvt",
        "wait until Provider",
    );
}
