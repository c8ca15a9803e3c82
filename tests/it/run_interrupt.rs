//! Runs that stop early or keep their objects: Ctrl-C tears down, a killed run is finished
//! by `mtvt clean`, a new run refuses to overwrite the journal of an unfinished one, and
//! `--keep on-failure` keeps the objects until `mtvt clean`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kube::api::{DynamicObject, ListParams};
use mtvt_sim::emulator::Emulator;

use crate::harness::{against, emulator, journal_session, journal_states, stderr as text};

/// With DiskTransferV2v slowed down so a run can be interrupted mid-migration.
async fn slow_emulator(dir: &Path) -> (Emulator, kube::Client) {
    emulator(dir, &["vm=*,step=DiskTransferV2v,slow=1,extra=3000"]).await
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

pub(crate) async fn session_objects(client: &kube::Client, session: &str) -> Vec<String> {
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
    journal_session(&dir.join("dc"))
}

pub(crate) fn clones_left(emu: &Emulator, session: &str) -> Vec<String> {
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
    let (emu, client) = emulator(
        dir.path(),
        &["vm=*,step=DiskTransferV2v,fail=disk copy failed"],
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
