#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `cargo bench -p mtvt --bench run_catalog`: wall time of `mtvt run --sim` over tier0 and
//! the whole catalog with `-j 1` and `-j 8`, HTTP requests per scenario (from the emulator's
//! request counter), and whether the request count grows with migration duration (the same
//! scenario with its disk transfer made 5× longer in virtual time). Prints figures; asserts
//! nothing about time (machines differ) — the targets are in docs/running.md.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

struct Figures {
    wall_s: f64,
    scenarios: usize,
    passed: usize,
    requests: u64,
    per_scenario: u64,
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Figures {
    let dir = std::env::temp_dir().join(format!(
        "mtvt-bench-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    let report = dir.join("report.json");
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_mtvt"))
        .arg("run")
        .arg("--sim")
        .args(args)
        .args(["--data-collector-path", &dir.display().to_string()])
        .args(["--report-json", &report.display().to_string()])
        .current_dir(repo())
        .output()
        .unwrap_or_else(|e| panic_free_exit(&format!("cannot run mtvt: {e}")));
    let wall_s = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    let r: serde_json::Value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    let scenarios = r["scenarios"].as_array().map_or(0, Vec::len);
    let passed = r["scenarios"]
        .as_array()
        .map_or(0, |s| s.iter().filter(|x| x["status"] == "passed").count());
    // "emulator: N HTTP requests served (M per scenario run)"
    let line = stderr
        .lines()
        .find(|l| l.starts_with("emulator: "))
        .unwrap_or("");
    let nums: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|s| s.parse().ok())
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    Figures {
        wall_s,
        scenarios,
        passed,
        requests: nums.first().copied().unwrap_or(0),
        per_scenario: nums.get(1).copied().unwrap_or(0),
    }
}

fn rand_suffix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(0)
}

fn panic_free_exit(msg: &str) -> std::process::Output {
    eprintln!("{msg}");
    std::process::exit(1)
}

fn show(name: &str, f: &Figures) {
    println!(
        "{name:<44} {:>7.2} s   {:>2}/{:<2} passed   {:>6} requests   {:>4} per scenario",
        f.wall_s, f.passed, f.scenarios, f.requests, f.per_scenario
    );
}

fn main() {
    // `cargo bench` passes --bench; nothing to parse
    println!("mtvt run --sim (wall time includes emulator start and session setup/teardown)");
    show("tier0, -j 1", &run(&["scenarios/tier0", "-j", "1"]));
    show("catalog, -j 1", &run(&["scenarios", "-j", "1"]));
    show("catalog, -j 8", &run(&["scenarios", "-j", "8"]));
    let short = run(&["scenarios/tier0/sanity_cold_mtv_migration.mtvt"]);
    let long = run(&[
        "scenarios/tier0/sanity_cold_mtv_migration.mtvt",
        "--sim-step-fault",
        "vm=*,step=DiskTransferV2v,slow=5",
    ]);
    show("sanity cold", &short);
    show("sanity cold, disk transfer 5x longer", &long);
    println!(
        "request growth with a 5x longer transfer: {:+} requests ({:.2}x)",
        long.requests as i64 - short.requests as i64,
        long.requests as f64 / short.requests.max(1) as f64
    );
}
