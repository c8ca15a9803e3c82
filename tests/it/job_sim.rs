//! `mtvt job` end to end on `mtvt sim serve`: the rendered manifests pass a server-side dry
//! run, the Indexed Job's three pods run the whole catalog as real `mtvt run --shard I/3`
//! processes with the in-cluster config the emulator gives them, and `mtvt report merge` of
//! their results equals a single run's report of the catalog (but for times, session ids and
//! generated names).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use regex::Regex;
use serde_json::Value;

use crate::harness::{Mtvt, mtvt, stderr};
use crate::sim_kubectl::{kubectl, schemas};

/// The scenarios of the catalog (`scenarios/`) the run selects: all of `run_sim`'s but the
/// OVA-only one (`--skip-tag ova`; the ova provider sweep runs it).
const CATALOG: usize = 36;

/// The emulator, stopped (SIGINT, then kill) when dropped.
struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-INT")
            .arg(self.0.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.0.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(dir: &Path) -> Sim {
    let mut cmd = Mtvt::new()
        .args(["sim", "serve", "--kubeconfig-out"])
        .args([
            dir.join("kc"),
            "--providers-out".into(),
            dir.join("providers.json"),
        ])
        .args(["--kubelet-dir".into(), dir.join("kubelet")])
        .command();
    if schemas("forklift").is_dir() {
        cmd.arg("--crds").arg(schemas("forklift"));
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let sim = Sim(child);
    loop {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "mtvt sim serve ended"
        );
        if line.contains("export KUBECONFIG=") {
            break;
        }
    }
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    sim
}

fn kubectl_in(bin: &Path, dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut c = Command::new(bin)
        .env("KUBECONFIG", dir.join("kc"))
        .arg("--cache-dir")
        .arg(dir.join("cache"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(s) = stdin {
        use std::io::Write;
        c.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(c.stdin.take());
    c.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A report's JSON or JUnit text with sessions, generated names, paths and times replaced.
fn normalized(text: &str, sessions: &[String]) -> String {
    let mut t = text.to_string();
    for s in sessions.iter().filter(|s| !s.is_empty()) {
        t = t.replace(s.as_str(), "SESSION");
    }
    let generated = Regex::new(r#"(SESSION[a-z0-9-]*)-[a-z0-9]{4}""#).unwrap();
    let times = Regex::new(r#" (time|timestamp)="[^"]*""#).unwrap();
    let t = generated.replace_all(&t, r#"$1-XXXX""#);
    times.replace_all(&t, "").into_owned()
}

fn without_times(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for k in ["duration_ms", "started", "completed", "journal"] {
                m.remove(k);
            }
            m.values_mut().for_each(without_times);
        }
        Value::Array(a) => a.iter_mut().for_each(without_times),
        _ => {}
    }
}

fn json_report(path: &Path, sessions: &[String]) -> Value {
    let mut v: Value = serde_json::from_str(&normalized(
        &std::fs::read_to_string(path).unwrap(),
        sessions,
    ))
    .unwrap();
    without_times(&mut v);
    v
}

fn session_of(path: &Path) -> String {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    v["session"].as_str().unwrap_or_default().to_string()
}

fn wait_complete(bin: &Path, dir: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let o = kubectl_in(
            bin,
            dir,
            &[
                "get",
                "job",
                "mtvt",
                "-n",
                "mtvt",
                "-o",
                "jsonpath={.status.completedIndexes} {.status.conditions[*].type}",
            ],
            None,
        );
        let status = text(&o);
        if status.contains("Complete") || status.contains("Failed") {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "the Job did not end in 600s: {status}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// What both the shards and the single run are given after `run`: the profiles and remote
/// cluster `mtvt run --sim` picks by itself (the emulator is its own remote cluster), so
/// every scenario of the catalog runs, none is skipped.
const RUN_ARGS: &[&str] = &[
    "-j",
    "4",
    "--provider",
    "vsphere",
    "--provider",
    "vsphere-copy-offload",
    "--remote-ocp-cluster",
    "127.0.0.1",
    "--skip-tag",
    "ova",
    "scenarios",
];

/// Applies `mtvt job` (server dry run first) and waits for it; the results directory.
fn run_job(bin: &Path, dir: &Path, p: &str) -> std::path::PathBuf {
    let mut job_args = vec!["job", "--shards", "3", "--providers-file", p, "--"];
    job_args.extend(RUN_ARGS);
    let out = mtvt(&job_args);
    assert!(out.status.success(), "{}", stderr(&out));
    let manifests = String::from_utf8(out.stdout).unwrap();

    // the manifests pass the server's admission and validation, then run
    let o = kubectl_in(bin, dir, &["create", "namespace", "mtvt"], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = kubectl_in(
        bin,
        dir,
        &["apply", "--dry-run=server", "-f", "-"],
        Some(&manifests),
    );
    assert!(o.status.success(), "{}", text(&o));
    for kind in [
        "serviceaccount/mtvt-runner",
        "clusterrole.rbac.authorization.k8s.io/mtvt-mtvt-runner",
        "secret/mtvt-providers",
        "persistentvolumeclaim/mtvt-results",
        "job.batch/mtvt",
    ] {
        assert!(
            text(&o).contains(&format!("{kind} created (server dry run)")),
            "{kind}: {}",
            text(&o)
        );
    }
    let o = kubectl_in(bin, dir, &["apply", "-f", "-"], Some(&manifests));
    assert!(o.status.success(), "{}", text(&o));
    let status = wait_complete(bin, dir);
    let results = dir.join("kubelet/mtvt/claims/mtvt-results");
    let pods = kubectl_in(bin, dir, &["get", "pods", "-n", "mtvt", "-o", "name"], None);
    let pods = text(&pods);
    assert_eq!(pods.lines().count(), 3, "{pods}");
    for pod in pods.lines() {
        let log = text(&kubectl_in(bin, dir, &["logs", "-n", "mtvt", pod], None));
        assert!(
            log.contains(&format!("of the {CATALOG} selected scenario(s)"))
                && log.contains(" passed, 0 failed, 0 errors, 0 skipped"),
            "{pod}: {log}"
        );
    }
    assert_eq!(
        status,
        "0-2 SuccessCriteriaMet Complete",
        "{:?}",
        std::fs::read_dir(&results).map(|d| d.count())
    );
    results
}

/// One `mtvt run` of the same selection on the same cluster; its data collector.
fn single_run(dir: &Path, p: &str) -> std::path::PathBuf {
    let single = dir.join("single");
    let (kc, s) = (dir.join("kc"), single.to_str().unwrap().to_string());
    let mut run = vec![
        "run".to_string(),
        "--kubeconfig".into(),
        kc.to_str().unwrap().into(),
        "--providers-file".into(),
        p.into(),
        "--data-collector-path".into(),
        s.clone(),
        "--report-json".into(),
        format!("{s}/report.json"),
    ];
    run.extend(RUN_ARGS.iter().map(|a| a.to_string()));
    let out = Mtvt::new().args(&run).output();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "{CATALOG} scenarios: {CATALOG} passed, 0 failed, 0 errors, 0 skipped"
        )),
        "{}",
        stderr(&out)
    );
    single
}

/// A shard of another selection is refused.
fn refuses_another_selection(dir: &Path, results: &Path) {
    let other = dir.join("other");
    std::fs::create_dir_all(&other).unwrap();
    let mut shard0: Value = serde_json::from_str(
        &std::fs::read_to_string(results.join("shard-0/report.json")).unwrap(),
    )
    .unwrap();
    shard0["shard"]["selection"] = serde_json::json!(["something_else"]);
    std::fs::write(other.join("report.json"), shard0.to_string()).unwrap();
    let out = mtvt(&[
        "report",
        "merge",
        other.to_str().unwrap(),
        results.join("shard-1").to_str().unwrap(),
        results.join("shard-2").to_str().unwrap(),
        "--out",
        dir.join("bad").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("are not shards of one run"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_sharded_job_on_the_emulator_merges_into_a_single_runs_report() {
    let Some(bin) = kubectl() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let _sim = serve(dir);
    let providers = dir.join("providers.json");
    let p = providers.to_str().unwrap();
    let results = run_job(&bin, dir, p);
    let single = single_run(dir, p);
    let merged = dir.join("merged");
    let out = mtvt(&[
        "report",
        "merge",
        results.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("merged 3 shard report(s) and 3 JUnit file(s)"),
        "{}",
        stderr(&out)
    );
    let mut sessions: Vec<String> = (0..3)
        .map(|i| session_of(&results.join(format!("shard-{i}/report.json"))))
        .collect();
    sessions.push(session_of(&single.join("report.json")));
    let (one, joined) = (
        json_report(&single.join("report.json"), &sessions),
        json_report(&merged.join("report.json"), &sessions),
    );
    let selection: Value = serde_json::from_str(
        &std::fs::read_to_string(results.join("shard-0/report.json")).unwrap(),
    )
    .unwrap();
    let selected = selection["shard"]["selection"].as_array().unwrap().len();
    assert_eq!(selected, CATALOG, "{selection}");
    assert_eq!(joined["scenarios"].as_array().unwrap().len(), CATALOG);
    assert_eq!(joined, one);
    let junit = |d: &Path| {
        normalized(
            &std::fs::read_to_string(d.join("junit-report.xml")).unwrap(),
            &sessions,
        )
    };
    assert_eq!(junit(&merged), junit(&single));
    refuses_another_selection(dir, &results);
}
