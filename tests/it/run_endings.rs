//! Migrations that upstream MTV ends in ways the runner must handle (issue 11 items 5, 6):
//! the active Migration deleted mid-run (the VMs are Canceled, the Plan never is), and a
//! blocker appearing during execution (the plan and VMs fail with no step error). Item 4
//! (inventory 206) is covered by the inventory client's tests
//! (crates/mtvt-forklift/tests/it/inventory.rs): a run's Provider is Ready only once its
//! collector has parity, so a run meets 206 only after a Provider or Secret change.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use kube::api::{ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams};

use crate::harness::{against, emulator, stderr as text};

/// `mtvt run` of the tier0 cold scenario against the emulator whose files are in `dir`.
fn run(dir: &Path) -> Command {
    against(
        dir,
        "run",
        &["--storage-class", "ocs-storagecluster-ceph-rbd"],
    )
}

async fn run_to_end(dir: &Path) -> Output {
    let d = dir.to_path_buf();
    tokio::task::spawn_blocking(move || run(&d).output().unwrap())
        .await
        .unwrap()
}

/// Item 6: a blocker appearing during execution (here the source provider failing its
/// connection test from the disk transfer on) fails the plan and its VMs after the grace
/// period with no step error (pkg/controller/plan/migration.go; fidelity-review row 18): the
/// run reports the outcome with the VM's error, which names the blocker.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocker_during_execution_is_reported_with_its_message() {
    let dir = tempfile::tempdir().unwrap();
    let (emu, _) = emulator(dir.path(), &["vm=*,step=DiskTransferV2v,outage=0"]).await;
    let out = run_to_end(dir.path()).await;
    let err = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("expected succeeded, found failed"), "{err}");
    assert!(
        err.contains("The migration has FAILED due to a validation blocker"),
        "{err}"
    );
    emu.shutdown().await;
}

async fn delete_migrations(client: &kube::Client) -> usize {
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("forklift.konveyor.io", "v1beta1", "Migration"),
        "migrations",
    );
    let all: kube::Api<DynamicObject> = kube::Api::all_with(client.clone(), &ar);
    let list = all.list(&ListParams::default()).await.unwrap().items;
    for m in &list {
        let ns = m.metadata.namespace.clone().unwrap();
        let api: kube::Api<DynamicObject> = kube::Api::namespaced_with(client.clone(), &ns, &ar);
        api.delete(
            m.metadata.name.as_deref().unwrap(),
            &DeleteParams::default(),
        )
        .await
        .unwrap();
    }
    list.len()
}

/// Item 5: deleting the active Migration cancels its VMs (reason Modified) but never puts
/// `Canceled` on the Plan (pkg/controller/plan/controller.go:437-456, 700-720): the run's
/// wait for the plan ends on the VMs and reports them canceled, long before its timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_the_active_migration_ends_the_run_with_canceled_vms() {
    let dir = tempfile::tempdir().unwrap();
    let (emu, client) =
        emulator(dir.path(), &["vm=*,step=DiskTransferV2v,slow=1,extra=3000"]).await;
    let handle = tokio::runtime::Handle::current();
    let d = dir.path().to_path_buf();
    let (code, log) = tokio::task::spawn_blocking(move || {
        let mut child = run(&d).stderr(Stdio::piped()).spawn().unwrap();
        // A run that never ends fails the test instead of hanging it.
        let done = Arc::new(AtomicBool::new(false));
        let (flag, pid) = (done.clone(), child.id().to_string());
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(120));
            if !flag.load(Ordering::SeqCst) {
                let _ = Command::new("kill").args(["-KILL", &pid]).status();
            }
        });
        let mut log = String::new();
        let mut deleted = 0;
        let start = Instant::now();
        for line in BufReader::new(child.stderr.take().unwrap()).lines() {
            let line = line.unwrap();
            log.push_str(&line);
            log.push('\n');
            if deleted == 0 && line.contains("DiskTransferV2v") {
                deleted = handle.block_on(delete_migrations(&client));
            }
        }
        let code = child.wait().unwrap().code();
        done.store(true, Ordering::SeqCst);
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "the run did not end:\n{log}"
        );
        assert_eq!(deleted, 1, "never reached the disk transfer:\n{log}");
        (code, log)
    })
    .await
    .unwrap();
    assert_eq!(code, Some(1), "{log}");
    assert!(log.contains("expected succeeded, found canceled"), "{log}");
    emu.shutdown().await;
}
