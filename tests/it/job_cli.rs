//! `mtvt job` renders the manifests of a sharded in-cluster run (golden file), refuses what
//! it cannot render, and `mtvt run --shard` with an empty shard exits 0 with its reports.

use crate::harness::{mtvt, stderr};

const PROVIDERS: &str = "tests/it/fixtures/job/providers.json";

#[test]
fn job_manifests() {
    let out = mtvt(&[
        "job",
        "--shards",
        "3",
        "--providers-file",
        PROVIDERS,
        "--",
        "--provider",
        "vsphere",
        "--tags",
        "tier0",
        "scenarios",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!("job_manifests", text);
}

#[test]
fn job_refuses_flags_it_sets_and_zero_shards() {
    let out = mtvt(&[
        "job",
        "--shards",
        "2",
        "--providers-file",
        PROVIDERS,
        "--",
        "--shard",
        "0/2",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--shard is set by `mtvt job`"),
        "{}",
        stderr(&out)
    );
    let out = mtvt(&["job", "--shards", "0", "--providers-file", PROVIDERS]);
    assert_eq!(out.status.code(), Some(2));
    let out = mtvt(&[
        "job",
        "--shards",
        "2",
        "--providers-file",
        "/nonexistent.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read the providers file /nonexistent.json"));
}

#[test]
fn an_empty_shard_exits_0_and_writes_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let report = format!("{d}/report.json");
    // one scenario in three shards: shards 1 and 2 select nothing
    let out = mtvt(&[
        "run",
        "--sim",
        "--name",
        "sanity_cold_mtv_migration",
        "--shard",
        "2/3",
        "--data-collector-path",
        d,
        "--report-json",
        &report,
        "scenarios/tier0",
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("shard 2/3 selects no scenario; nothing to run"),
        "{err}"
    );
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["scenarios"], serde_json::json!([]));
    assert_eq!(
        r["shard"],
        serde_json::json!({"index": 2, "count": 3, "selection": ["sanity_cold_mtv_migration"]})
    );
    assert!(dir.path().join("junit-report.xml").is_file());
    let out = mtvt(&["run", "--sim", "--shard", "3/3", "scenarios/tier0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a shard: write I/N"),
        "{}",
        stderr(&out)
    );
}
