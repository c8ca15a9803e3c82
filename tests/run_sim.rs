#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! `mtvt run` end to end against the emulator, as a user runs it: the real binary with
//! `--sim` (or against an emulator started here, through its kubeconfig), reports parsed
//! back (JSON report, JUnit XML, journal), failures checked for check/VM/expected/actual,
//! expected-failure hooks, injected API faults and dropped watches, Ctrl-C (teardown runs),
//! a run killed mid-migration (then `mtvt clean` finishes), and nothing of the session left.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use kube::api::{DynamicObject, ListParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use mtvt_sim::emulator::{Emulator, EmulatorOptions, parse_step_fault};
use mtvt_sim::lab::Lab;
use serde_json::Value;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn mtvt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mtvt"))
        .args(args)
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .env_remove("MTVT_STDLIB")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn report(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap()
}

/// `(tests, failures, errors, skipped)` of a JUnit file, and every testcase name.
fn junit(path: &Path) -> ((usize, usize, usize, usize), Vec<String>, Vec<String>) {
    use quick_xml::events::Event;
    let xml = std::fs::read_to_string(path).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut counts = (0, 0, 0, 0);
    let mut cases = Vec::new();
    let mut failures = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) | Event::Empty(e) => {
                let attr = |k: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == k.as_bytes())
                        .map(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned()
                        })
                };
                match e.name().as_ref() {
                    b"testsuites" => {
                        let n = |k| attr(k).unwrap().parse::<usize>().unwrap();
                        counts = (n("tests"), n("failures"), n("errors"), n("skipped"));
                    }
                    b"testcase" => cases.push(attr("name").unwrap()),
                    b"failure" | b"error" => failures.push(attr("message").unwrap_or_default()),
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (counts, cases, failures)
}

fn journal_states(dir: &Path) -> Vec<String> {
    let j: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("resources.json")).unwrap())
            .unwrap();
    assert_eq!(j["format"], "mtvt-journal/1");
    j["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["state"].as_str().unwrap().to_string())
        .collect()
}

/// Scenarios that fail because of an emulator gap (reported), with the error they must show.
/// When the emulator is fixed the test fails until the entry is removed.
const EMULATOR_GAPS: &[(&str, &str)] = &[];

#[test]
fn the_catalog_passes_on_the_emulator() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = mtvt(&[
        "run",
        "--sim",
        "scenarios",
        "-j",
        "4",
        "--data-collector-path",
        d,
        "--junit",
        &format!("{d}/junit.xml"),
        "--report-json",
        &format!("{d}/report.json"),
    ]);
    let err = text(&out);
    let r = report(dir.path());
    let scenarios = r["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 27, "{err}");
    for s in scenarios {
        let name = s["name"].as_str().unwrap();
        match EMULATOR_GAPS.iter().find(|(n, _)| *n == name) {
            Some((_, why)) => {
                assert_eq!(
                    s["status"], "error",
                    "{name} now passes: remove it from EMULATOR_GAPS"
                );
                assert!(
                    s["reason"].as_str().unwrap().contains(why),
                    "{name}: {}",
                    s["reason"]
                );
            }
            None => assert_eq!(s["status"], "passed", "{name}: {}\n{err}", s["failures"]),
        }
        assert!(
            s["leaks"].as_array().unwrap().is_empty(),
            "{name} leaked: {}",
            s["leaks"]
        );
        for vm in s["vms"].as_array().unwrap() {
            assert!(
                !vm["phases"].as_array().unwrap().is_empty(),
                "{name}: no phase timings"
            );
        }
    }
    assert!(
        r["leaks"].as_array().unwrap().is_empty(),
        "session leaked: {}",
        r["leaks"]
    );
    assert!(
        r["teardown_errors"].as_array().unwrap().is_empty(),
        "{}",
        r["teardown_errors"]
    );
    let expected_code = if EMULATOR_GAPS.is_empty() { 0 } else { 3 };
    assert_eq!(out.status.code(), Some(expected_code), "{err}");
    let ((tests, failures, errors, skipped), cases, _) = junit(&dir.path().join("junit.xml"));
    assert_eq!(
        (tests, failures, errors, skipped),
        (27, 0, EMULATOR_GAPS.len(), 0)
    );
    assert!(cases.contains(&"sanity_cold_mtv_migration".to_string()));
    // every journal entry was undone
    let states = journal_states(dir.path());
    assert!(!states.is_empty());
    assert!(states.iter().all(|s| s == "undone"), "{states:?}");
    assert!(err.contains("27 scenarios:"), "{err}");
    // The behaviour fence of engine refactors: the report, without times and with the
    // session id and clone suffixes replaced, is a golden file.
    insta::assert_json_snapshot!("catalog_report", normalized(&r));
}

/// `text` with each `from` that is not followed by a letter or digit replaced by `to`.
fn replace_word_end(text: &str, from: &str, to: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(from) {
        let after = &rest[i + from.len()..];
        let at_end = after
            .chars()
            .next()
            .is_none_or(|c| !c.is_ascii_alphanumeric());
        out.push_str(&rest[..i]);
        out.push_str(if at_end { to } else { from });
        rest = after;
    }
    out.push_str(rest);
    out
}

/// A run report without what changes from run to run: durations and timestamps, the
/// cluster URL and journal path, the session id and the random suffixes of source clones.
fn normalized(r: &Value) -> Value {
    let session = r["session"].as_str().unwrap().to_string();
    let mut suffixes: Vec<String> = Vec::new();
    for s in r["scenarios"].as_array().unwrap() {
        for vm in s["vms"].as_array().unwrap() {
            let src = vm["source"].as_str().unwrap_or_default();
            if let Some(rest) = src.strip_prefix(&format!("{session}-"))
                && let Some((_, suffix)) = rest.rsplit_once('-')
                && suffix.len() == 4
            {
                suffixes.push(format!("-{suffix}"));
            }
        }
    }
    fn walk(v: &Value, f: &dyn Fn(&str) -> String) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .filter(|(k, _)| {
                        !["duration_ms", "started", "completed", "journal", "cluster"]
                            .contains(&k.as_str())
                    })
                    .map(|(k, v)| (k.clone(), walk(v, f)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(|v| walk(v, f)).collect()),
            Value::String(s) => Value::String(f(s)),
            other => other.clone(),
        }
    }
    walk(r, &|s: &str| {
        let mut s = s.replace(&session, "SESSION");
        for suffix in &suffixes {
            s = replace_word_end(&s, suffix, "-RAND");
        }
        s
    })
}

fn scenario_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, body) in files {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    dir
}

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
    let (_, _, failures) = junit(&dc.path().join("junit.xml"));
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

#[test]
fn injected_api_faults_and_dropped_watches_do_not_break_a_run() {
    let dc = tempfile::tempdir().unwrap();
    let d = dc.path().to_str().unwrap();
    let out = mtvt(&[
        "run",
        "--sim",
        "scenarios/tier0",
        "scenarios/hooks",
        "-j",
        "2",
        "--data-collector-path",
        d,
        "--report-json",
        &format!("{d}/report.json"),
        "--sim-fault",
        "error=503,rate=0.2,verbs=create|patch,times=4",
        "--sim-fault",
        "error=409,rate=0.3,verbs=patch|update,times=4",
        "--sim-fault",
        "error=429,rate=0.2,verbs=list|get,times=3",
        "--sim-fault",
        "drop-watch=3",
        "--sim-fault",
        "reset-watch=7,rate=0.3",
        "--sim-fault-seed",
        "11",
    ]);
    let err = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let r = report(dc.path());
    for s in r["scenarios"].as_array().unwrap() {
        assert_eq!(s["status"], "passed", "{}: {}", s["name"], s["failures"]);
        assert!(s["leaks"].as_array().unwrap().is_empty());
    }
    assert!(r["leaks"].as_array().unwrap().is_empty());
}

/// An emulator in this process (the child `mtvt run` reaches it through its kubeconfig,
/// written with `providers.json` into `dir`) with one step fault, and a client to it.
async fn emulator_with_fault(dir: &Path, fault: &str) -> (Emulator, kube::Client) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut lab = Lab::default_lab().unwrap();
    lab.faults.rules.push(parse_step_fault(fault).unwrap());
    let emu = Emulator::start(EmulatorOptions {
        lab: Some(lab),
        ..EmulatorOptions::default()
    })
    .await
    .unwrap();
    emu.write_kubeconfig(&dir.join("kubeconfig")).unwrap();
    std::fs::write(dir.join("providers.json"), emu.providers_json().to_string()).unwrap();
    let kc = Kubeconfig::from_yaml(&emu.kubeconfig_yaml()).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .unwrap();
    (emu, kube::Client::try_from(config).unwrap())
}

/// With DiskTransferV2v slowed down so a run can be interrupted mid-migration.
async fn slow_emulator(dir: &Path) -> (Emulator, kube::Client) {
    emulator_with_fault(dir, "vm=*,step=DiskTransferV2v,slow=1,extra=3000").await
}

/// `mtvt VERB ARGS --kubeconfig DIR/kubeconfig --providers-file DIR/providers.json`
/// against the emulator whose files are in `dir`; `mtvt run` also gets the tier0 cold
/// scenario, `--provider vsphere` and `--data-collector-path DIR/dc`.
fn against(dir: &Path, verb: &str, args: &[&str]) -> Command {
    let d = dir.to_str().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mtvt"));
    cmd.arg(verb);
    if verb == "run" {
        cmd.args([
            "scenarios/tier0/sanity_cold_mtv_migration.mtvt",
            "--provider",
            "vsphere",
            "--data-collector-path",
            &format!("{d}/dc"),
        ]);
    }
    cmd.args(args)
        .args(["--kubeconfig", &format!("{d}/kubeconfig")])
        .args(["--providers-file", &format!("{d}/providers.json")])
        .current_dir(repo())
        .env("NO_COLOR", "1");
    cmd
}

/// Runs `mtvt run` against the emulator and sends `signal` (`-INT`, `-KILL`) `times` times
/// once the migration is in its disk transfer; returns the exit code and stderr.
fn interrupted_run(dir: &Path, signal: &str, times: usize) -> (Option<i32>, String) {
    let mut child = against(
        dir,
        "run",
        &["--storage-class", "ocs-storagecluster-ceph-rbd"],
    )
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let pid = child.id().to_string();
    let stderr = child.stderr.take().unwrap();
    let mut log = String::new();
    let mut sent = 0;
    let start = Instant::now();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        log.push_str(&line);
        log.push('\n');
        let in_transfer = line.contains("DiskTransferV2v");
        let acknowledged = line.contains("interrupted: stopping");
        if (sent == 0 && in_transfer) || (sent > 0 && sent < times && acknowledged) {
            Command::new("kill").args([signal, &pid]).status().unwrap();
            sent += 1;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the run did not stop:\n{log}"
        );
    }
    let status = child.wait().unwrap();
    assert_eq!(sent, times, "never reached the disk transfer:\n{log}");
    (status.code(), log)
}

async fn session_objects(client: &kube::Client, session: &str) -> Vec<String> {
    let mut left = Vec::new();
    let sel = format!("mtvt.io/session={session}");
    for (group, version, kind, plural) in [
        ("", "v1", "Namespace", "namespaces"),
        ("", "v1", "Secret", "secrets"),
        ("forklift.konveyor.io", "v1beta1", "Provider", "providers"),
        ("forklift.konveyor.io", "v1beta1", "Plan", "plans"),
        ("forklift.konveyor.io", "v1beta1", "Migration", "migrations"),
        (
            "forklift.konveyor.io",
            "v1beta1",
            "StorageMap",
            "storagemaps",
        ),
        (
            "forklift.konveyor.io",
            "v1beta1",
            "NetworkMap",
            "networkmaps",
        ),
    ] {
        let ar = kube::api::ApiResource::from_gvk_with_plural(
            &kube::api::GroupVersionKind::gvk(group, version, kind),
            plural,
        );
        let api: kube::Api<DynamicObject> = kube::Api::all_with(client.clone(), &ar);
        for o in api
            .list(&ListParams::default().labels(&sel))
            .await
            .unwrap()
            .items
        {
            left.push(format!("{kind} {}", o.metadata.name.unwrap_or_default()));
        }
    }
    left
}

fn session_of(dir: &Path) -> String {
    let j: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("dc/resources.json")).unwrap())
            .unwrap();
    j["session"].as_str().unwrap().to_string()
}

fn clones_left(emu: &Emulator, session: &str) -> Vec<String> {
    emu.lab()
        .world()
        .providers
        .iter()
        .flat_map(|p| p.vms.iter().map(|v| v.name.clone()))
        .filter(|n| n.starts_with(session))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_and_tears_down() {
    let dir = tempfile::tempdir().unwrap();
    let (emu, client) = slow_emulator(dir.path()).await;
    let path = dir.path().to_path_buf();
    let (code, log) = tokio::task::spawn_blocking(move || interrupted_run(&path, "-INT", 1))
        .await
        .unwrap();
    assert_eq!(code, Some(130), "{log}");
    assert!(log.contains("STOP sanity_cold_mtv_migration"), "{log}");
    let session = session_of(dir.path());
    assert!(session_objects(&client, &session).await.is_empty());
    assert!(
        clones_left(&emu, &session).is_empty(),
        "the source clone was deleted"
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_run_leaves_nothing_after_clean() {
    let dir = tempfile::tempdir().unwrap();
    let (emu, client) = slow_emulator(dir.path()).await;
    let path = dir.path().to_path_buf();
    let (code, log) = tokio::task::spawn_blocking(move || interrupted_run(&path, "-KILL", 1))
        .await
        .unwrap();
    assert_eq!(code, None, "killed by the signal: {log}");
    let session = session_of(dir.path());
    let left = session_objects(&client, &session).await;
    assert!(
        left.iter().any(|o| o.starts_with("Plan ")),
        "the run stopped mid-migration: {left:?}"
    );
    assert!(!clones_left(&emu, &session).is_empty());
    // a new run refuses to overwrite the journal of the interrupted one
    let d = dir.path().to_path_buf();
    let again = tokio::task::spawn_blocking(move || {
        against(&d, "run", &["--storage-class", "x"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again).contains("mtvt clean"), "{}", text(&again));
    let d = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        let journal = d.join("dc/resources.json");
        against(&d, "clean", &[journal.to_str().unwrap()])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(session_objects(&client, &session).await.is_empty());
    assert!(
        clones_left(&emu, &session).is_empty(),
        "the source clone was deleted by clean"
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_on_failure_keeps_the_objects_until_clean() {
    let dir = tempfile::tempdir().unwrap();
    let (emu, client) = emulator_with_fault(
        dir.path(),
        "vm=*,step=DiskTransferV2v,fail=disk copy failed",
    )
    .await;
    let d = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        let args = [
            "--storage-class",
            "ocs-storagecluster-ceph-rbd",
            "--keep",
            "on-failure",
        ];
        against(&d, "run", &args).output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("objects kept"), "{}", text(&out));
    let session = session_of(dir.path());
    let left = session_objects(&client, &session).await;
    assert!(
        left.iter().any(|o| o.starts_with("Plan ")),
        "kept for inspection: {left:?}"
    );
    let states = journal_states(&dir.path().join("dc"));
    assert!(states.iter().all(|s| s == "kept"), "{states:?}");
    let d = dir.path().to_path_buf();
    let clean = tokio::task::spawn_blocking(move || {
        let journal = d.join("dc/resources.json");
        against(&d, "clean", &[journal.to_str().unwrap()])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(clean.status.code(), Some(0), "{}", text(&clean));
    assert!(session_objects(&client, &session).await.is_empty());
    assert!(clones_left(&emu, &session).is_empty());
    emu.shutdown().await;
}

/// Issue 11 item 1 (fidelity-review row 1): the upstream ForkliftController CRD types
/// `spec.controller_precopy_interval` as an integer (operator/config/crd/bases/
/// forklift.konveyor.io_forkliftcontrollers.yaml), so a string patch is a 422 on a real API
/// server. With the upstream CRDs loaded, every warm scenario must pass.
#[test]
fn warm_scenarios_pass_with_the_upstream_crds() {
    let schemas = std::env::var_os("MTVT_SCHEMAS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/schemas"));
    if !schemas.join("forklift").is_dir() {
        assert!(
            std::env::var("MTVT_REQUIRE_SCHEMAS").as_deref() != Ok("1"),
            "MTVT_REQUIRE_SCHEMAS=1 but {} is missing",
            schemas.display()
        );
        eprintln!("not run: {} is absent", schemas.display());
        return;
    }
    let crds = schemas.join("forklift");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let out = mtvt(&[
        "run",
        "--sim",
        "--sim-crds",
        crds.to_str().unwrap(),
        "scenarios",
        "--tag",
        "warm",
        "-j",
        "4",
        "--data-collector-path",
        d,
        "--report-json",
        &format!("{d}/report.json"),
    ]);
    let err = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let r = report(dir.path());
    let passed = r["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "passed")
        .count();
    assert!(passed >= 3, "{err}");
}
