//! API faults that never stop (issue 15 items 7 and 10): waits survive watches that always
//! break, as client-go's reflector does — with every watch ended at once, reset at its
//! first event, or refused with 503 by `mtvt sim serve --fault`, a run still passes
//! (re-listing, backing off, then re-listing on a timer) and never re-opens watches in a
//! hot loop — and retries are bounded in time: an API that answers every create with 503
//! fails the run with the error instead of stalling it for minutes.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::harness::{ServedEmulator, against, run_watching};

/// A hang detector: the run takes a few seconds without faults.
const LIMIT: Duration = Duration::from_secs(120);

/// Runs the tier0 cold scenario against an emulator with `fault`; returns the number of
/// watch requests the emulator answered and the run's duration.
fn run_with_fault(dir: &Path, fault: &str) -> (usize, Duration) {
    let emu = ServedEmulator::start(dir, &["--fault", fault]);
    let started = Instant::now();
    let cmd = against(
        dir,
        "run",
        &["--storage-class", "ocs-storagecluster-ceph-rbd"],
    );
    let (code, log, _) = run_watching(cmd, LIMIT / 10, |_| false);
    let took = started.elapsed();
    drop(emu);
    assert_eq!(code, Some(0), "with --fault {fault}:\n{log}");
    assert!(log.contains("1 passed"), "{log}");
    let requests = std::fs::read_to_string(dir.join("sim.log")).unwrap();
    let watches = requests
        .lines()
        .filter(|l| l.contains("watch=true") || l.contains("watch=1"))
        .count();
    (watches, took)
}

fn assert_no_hot_loop(fault: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (watches, took) = run_with_fault(dir.path(), fault);
    // about 20 feeds; a watch that fails is retried after a pause (50 ms growing, then a
    // re-list every 2 s): far below the tens of thousands a hot loop makes
    let per_second = watches as f64 / took.as_secs_f64().max(1.0);
    assert!(
        per_second < 40.0,
        "--fault {fault}: {watches} watch requests in {took:?}"
    );
}

#[test]
fn a_run_passes_when_every_watch_ends_at_once() {
    assert_no_hot_loop("drop-watch=0");
}

#[test]
fn a_run_passes_when_every_watch_is_reset() {
    assert_no_hot_loop("reset-watch=0");
}

#[test]
fn a_run_passes_when_every_watch_is_refused() {
    assert_no_hot_loop("error=503,verbs=watch");
}

#[test]
fn retries_of_an_api_that_always_answers_503_end_in_time() {
    let dir = tempfile::tempdir().unwrap();
    let _emu = ServedEmulator::start(dir.path(), &["--fault", "error=503,verbs=create"]);
    let cmd = against(
        dir.path(),
        "run",
        &["--storage-class", "ocs-storagecluster-ceph-rbd"],
    );
    // each create: 6 answers inside the client (about 3 s), 8 such attempts
    let (code, log, _) = run_watching(cmd, LIMIT / 10, |_| false);
    assert_eq!(code, Some(3), "{log}");
    assert!(log.contains("503"), "{log}");
}
