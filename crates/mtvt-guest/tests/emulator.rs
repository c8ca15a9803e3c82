//! Guest sessions against the emulator over real HTTPS: the port-forward WebSocket through
//! the API server, SSH (russh both sides) into the emulated guest, and the failures a QE
//! engineer must be able to read — the VM named, what was expected and what happened.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::time::Duration;

use kube::config::{KubeConfigOptions, Kubeconfig};
use mtvt_guest::{Credentials, GuestError, GuestFamily, GuestSession, OpenOptions, VmiRef};
use mtvt_sim::emulator::{Emulator, EmulatorOptions};
use mtvt_sim::guest::{GuestFault, GuestFaultKind};
use mtvt_vocab::Secret;

const NS: &str = "mtv-source-vms";
const VM: &str = "mtv-tests-rhel8";

async fn start() -> (Emulator, kube::Client) {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let emu = Emulator::start(EmulatorOptions::default()).await.unwrap();
    let kc = Kubeconfig::from_yaml(&emu.kubeconfig_yaml()).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .unwrap();
    let client = kube::Client::try_from(config).unwrap();
    (emu, client)
}

/// The Linux login of the `openshift` profile of the emulator's `.providers.json`.
fn linux_login(emu: &Emulator) -> Credentials {
    let p = &emu.providers_json()["openshift"];
    Credentials::new(
        p["guest_vm_linux_user"].as_str().unwrap(),
        Secret::new(p["guest_vm_linux_password"].as_str().unwrap()),
    )
}

fn quick(timeout_s: u64) -> OpenOptions {
    OpenOptions {
        timeout: Duration::from_secs(timeout_s),
        first_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(500),
        ..OpenOptions::default()
    }
}

async fn start_vm(client: &kube::Client, name: &str) {
    let req = http::Request::put(format!(
        "/apis/subresources.kubevirt.io/v1/namespaces/{NS}/virtualmachines/{name}/start"
    ))
    .body(Vec::new())
    .unwrap();
    // 409 when it already runs.
    let _ = client.request_text(req).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_in_runs_commands_and_moves_files() {
    let (emu, client) = start().await;
    start_vm(&client, VM).await;
    let vmi = VmiRef::new(NS, VM);
    let s = GuestSession::open(
        &client,
        &vmi,
        GuestFamily::Linux,
        &linux_login(&emu),
        &quick(60),
    )
    .await
    .unwrap();
    let host = s.run("hostname").await.unwrap();
    assert_eq!(host.exit, 0);
    assert!(!host.stdout_text().trim().is_empty());
    s.write_file("/var/tmp/mtv marker", b"before\x00after")
        .await
        .unwrap();
    assert_eq!(
        s.read_file("/var/tmp/mtv marker").await.unwrap(),
        b"before\x00after"
    );
    let ip = s.run("ip -j addr").await.unwrap();
    let links: serde_json::Value = serde_json::from_slice(&ip.stdout).unwrap();
    assert_eq!(
        links[1]["addr_info"][0]["local"], "10.0.2.2",
        "pod network: masquerade lease"
    );
    let unknown = s.run("frobnicate --now").await.unwrap();
    assert_eq!(unknown.exit, 127);
    assert!(
        unknown
            .stderr_text()
            .contains("frobnicate: command not found")
    );
    let missing = s.read_file("/etc/nope").await.unwrap_err().to_string();
    assert!(
        missing.contains("/etc/nope") && missing.contains(&vmi.to_string()),
        "{missing}"
    );
    s.close().await;
    // A second login sees the file: the guest keeps its disks' content.
    let s = GuestSession::open(
        &client,
        &vmi,
        GuestFamily::Linux,
        &linux_login(&emu),
        &quick(60),
    )
    .await
    .unwrap();
    assert_eq!(
        s.read_file("/var/tmp/mtv marker").await.unwrap(),
        b"before\x00after"
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_fails_at_once_naming_the_vm_and_user_never_the_password() {
    let (emu, client) = start().await;
    start_vm(&client, VM).await;
    let vmi = VmiRef::new(NS, VM);
    let bad = Credentials::new("cloud-user", Secret::new("not-the-password"));
    let err = GuestSession::open(&client, &vmi, GuestFamily::Linux, &bad, &quick(60))
        .await
        .unwrap_err();
    assert!(matches!(err, GuestError::AuthFailed { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("mtv-source-vms/mtv-tests-rhel8") && text.contains("`cloud-user`"),
        "{text}"
    );
    assert!(!text.contains("not-the-password"), "{text}");

    // The right password, but the lab changed it in the guest.
    emu.add_guest_fault(GuestFault {
        vm: VM.into(),
        fault: GuestFaultKind::WrongPassword,
    });
    let err = GuestSession::open(
        &client,
        &vmi,
        GuestFamily::Linux,
        &linux_login(&emu),
        &quick(60),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), "auth_failed", "{err}");
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_guest_that_does_not_answer_times_out_with_the_last_reason() {
    let (emu, client) = start().await;
    start_vm(&client, VM).await;
    emu.add_guest_fault(GuestFault {
        vm: VM.into(),
        fault: GuestFaultKind::SshdDown,
    });
    let vmi = VmiRef::new(NS, VM);
    let err = GuestSession::open(
        &client,
        &vmi,
        GuestFamily::Linux,
        &linux_login(&emu),
        &quick(3),
    )
    .await
    .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, GuestError::Timeout { .. }), "{err:?}");
    assert!(
        text.contains("mtv-source-vms/mtv-tests-rhel8") && text.contains("connection refused"),
        "{text}"
    );

    // No VMI at all: the VM does not run.
    let gone = VmiRef::new(NS, "no-such-vm");
    let err = GuestSession::open(
        &client,
        &gone,
        GuestFamily::Linux,
        &linux_login(&emu),
        &quick(1),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), "vmi_not_found", "{err}");
    assert!(err.to_string().contains("not running"), "{err}");
    emu.shutdown().await;
}
