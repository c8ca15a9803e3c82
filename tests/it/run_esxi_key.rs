//! Copy offload with `esxi_clone_method ssh` end to end: `mtvt run` installs the key
//! Forklift generated for the source Provider on the profile's ESXi host, the populator
//! clones with it, and teardown leaves root's authorized_keys as it found it; `mtvt clean`
//! removes a key a kept run left; a VM on a host without the key fails at DiskTransfer
//! with the populator's reason.

use std::path::{Path, PathBuf};

use mtvt_sim::emulator::{Emulator, EmulatorOptions};
use mtvt_sim::esxi::AUTHORIZED_KEYS;
use mtvt_sim::lab::Lab;

use crate::harness::{Mtvt, cluster_flags, install_crypto, journal_states, stderr as text};

const SCENARIO: &str = "scenarios/copyoffload/copyoffload_thin_migration.mtvt";
/// A line the host's administrator had before the run.
const ADMIN: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKp1c3QtYW4tYWRtaW4ta2V5LWZvci10aGUtbGFiISE admin@lab\n";

/// An emulator whose lab's `xcopy-template-test` runs on host `vm_host`, its files in `dir`.
async fn start(dir: &Path, vm_host: Option<&str>) -> Emulator {
    install_crypto();
    let mut lab = Lab::default_lab().unwrap();
    if let Some(h) = vm_host {
        let vs = lab
            .providers
            .iter_mut()
            .find(|p| p.name == "vsphere")
            .unwrap();
        let id = vs.hosts.iter().find(|x| x.name == h).unwrap().id.clone();
        let vm = vs
            .vms
            .iter_mut()
            .find(|v| v.name == "xcopy-template-test")
            .unwrap();
        vm.host = id;
    }
    let emu = Emulator::start(EmulatorOptions {
        lab: Some(lab),
        ..EmulatorOptions::default()
    })
    .await
    .unwrap();
    emu.write_kubeconfig(&dir.join("kubeconfig")).unwrap();
    std::fs::write(dir.join("providers.json"), emu.providers_json().to_string()).unwrap();
    emu
}

/// root's authorized_keys on every ESXi host, by host id.
fn keys(emu: &Emulator) -> Vec<(String, String)> {
    let hosts = emu.esxi_hosts();
    hosts
        .ids()
        .into_iter()
        .map(|id| {
            let text = hosts.with(&id, |h| h.authorized_keys()).unwrap();
            (id, text)
        })
        .collect()
}

fn set_admin_key(emu: &Emulator) {
    let hosts = emu.esxi_hosts();
    for id in hosts.ids() {
        hosts.with(&id, |h| {
            h.files
                .insert(AUTHORIZED_KEYS.into(), ADMIN.as_bytes().to_vec())
        });
    }
}

async fn run(dir: &Path, extra: &[&str]) -> std::process::Output {
    let d: PathBuf = dir.to_path_buf();
    let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        Mtvt::new()
            .args(["run", SCENARIO, "--provider", "vsphere-copy-offload"])
            .args(["--data-collector-path", &format!("{}/dc", d.display())])
            .args(cluster_flags(&d))
            .args(extra)
            .output()
    })
    .await
    .unwrap()
}

fn esxi_entries(dir: &Path) -> Vec<serde_json::Value> {
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("dc/resources.json")).unwrap())
            .unwrap();
    j["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "esxi_key")
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ssh_clone_passes_and_teardown_leaves_authorized_keys_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let emu = start(dir.path(), None).await;
    set_admin_key(&emu);
    let before = keys(&emu);
    let out = run(dir.path(), &[]).await;
    let err = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("installed the SSH key SHA256:"), "{err}");
    let entries = esxi_entries(dir.path());
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["state"], "undone");
    assert!(
        entries[0]["fingerprint"]
            .as_str()
            .unwrap()
            .starts_with("SHA256:")
    );
    let journal = std::fs::read_to_string(dir.path().join("dc/resources.json")).unwrap();
    assert!(
        !journal.contains("ssh-ed25519") && !journal.contains("mtv-esxi-pw"),
        "neither the key nor the password is journalled"
    );
    assert!(
        !err.contains("mtv-esxi-pw"),
        "the ESXi password is never printed"
    );
    assert_eq!(
        keys(&emu),
        before,
        "teardown leaves authorized_keys as it was"
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mtvt_clean_removes_the_key_a_kept_run_left() {
    let dir = tempfile::tempdir().unwrap();
    let emu = start(dir.path(), None).await;
    set_admin_key(&emu);
    let before = keys(&emu);
    let out = run(dir.path(), &["--skip-teardown"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let after_run = keys(&emu);
    assert_ne!(after_run, before, "the kept run left its key");
    assert!(after_run[0].1.starts_with(ADMIN) && after_run[0].1.contains("command=\""));
    let d = dir.path().to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        Mtvt::new()
            .args(["clean", &format!("{}/dc/resources.json", d.display())])
            .args(cluster_flags(&d))
            .output()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(
        keys(&emu),
        before,
        "mtvt clean removed only the session's key"
    );
    assert!(
        journal_states(&dir.path().join("dc"))
            .iter()
            .all(|s| s == "undone")
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vm_on_a_host_without_the_key_fails_at_disk_transfer_naming_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    // the profile's esxi_host is esxi-01; the VM runs on esxi-02
    let emu = start(dir.path(), Some("esxi-02.mtv.lab")).await;
    let out = run(dir.path(), &[]).await;
    let err = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("manual SSH key configuration required for ESXi 8.0.3")
            && err.contains("found failed at DiskTransfer"),
        "{err}"
    );
    emu.shutdown().await;
}
