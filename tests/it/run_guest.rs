//! Guest logins in `mtvt run`: the `ssh` check logs in to the migrated VM through the
//! emulator's port-forward subresource; a broken guest fails it naming the VM, the expected
//! login and what happened (never the password), and a profile without the guest login
//! reports it "not run" with the missing keys.

use std::path::Path;

use mtvt_sim::guest::{GuestFault, GuestFaultKind};
use serde_json::Value;

use crate::harness::{Mtvt, cluster_flags, emulator, stderr as text};

const SCENARIO: &str = "use std/checks\n\nscenario guest_login {\n  requires provider vsphere\n  vm \"mtv-tests-rhel8\" { source_power on }\n  plan { warm true }\n  expect {\n    migration succeeds\n    check ssh\n  }\n}\n";

async fn run(dir: &Path) -> (std::process::Output, Value) {
    std::fs::write(dir.join("guest.mtvt"), SCENARIO).unwrap();
    let d = dir.to_path_buf();
    let out = tokio::task::spawn_blocking(move || {
        Mtvt::new()
            .cwd(&d)
            .args(["run", "guest.mtvt", "--provider", "vsphere"])
            .args(["--storage-class", "ocs-storagecluster-ceph-rbd"])
            .args(["--data-collector-path", &format!("{}/dc", d.display())])
            .args(["--report-json", &format!("{}/r.json", d.display())])
            .args(cluster_flags(&d))
            .output()
    })
    .await
    .unwrap();
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).unwrap()).unwrap();
    (out, json)
}

/// The `ssh` check reports of a run report.
fn ssh_checks(r: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let mut stack = vec![r.clone()];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if m.get("name").and_then(Value::as_str) == Some("ssh") && m.contains_key("status")
                {
                    out.push(Value::Object(m.clone()));
                }
                stack.extend(m.into_iter().map(|(_, v)| v));
            }
            Value::Array(a) => stack.extend(a),
            _ => {}
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ssh_check_logs_in_and_fails_on_a_guest_that_rejects_the_login() {
    let dir = tempfile::tempdir().unwrap();
    let (emu, _client) = emulator(dir.path(), &[]).await;
    let (out, r) = run(dir.path()).await;
    let err = text(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let checks = ssh_checks(&r);
    assert_eq!(checks.len(), 1, "{r}");
    assert_eq!(checks[0]["status"], "passed", "{r}");

    // The same migration, but the guest's password was changed.
    emu.add_guest_fault(GuestFault {
        vm: "*".into(),
        fault: GuestFaultKind::WrongPassword,
    });
    let (out, r) = run(dir.path()).await;
    let err = text(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(ssh_checks(&r)[0]["status"], "failed", "{r}");
    assert!(err.contains("check ssh"), "{err}");
    assert!(err.contains("expected an SSH login to VM "), "{err}");
    assert!(err.contains("mtv-tests-rhel8"), "{err}");
    assert!(err.contains("as `cloud-user` was rejected"), "{err}");
    assert!(
        !err.contains("mtv-linux-pw") && !r.to_string().contains("mtv-linux-pw"),
        "{err}"
    );
    emu.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_guest_login_the_ssh_check_is_not_run_naming_the_keys() {
    let dir = tempfile::tempdir().unwrap();
    let (emu, _client) = emulator(dir.path(), &[]).await;
    let path = dir.path().join("providers.json");
    let mut providers: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let vsphere = providers["vsphere"].as_object_mut().unwrap();
    vsphere.remove("guest_vm_linux_user");
    vsphere.remove("guest_vm_linux_password");
    std::fs::write(&path, providers.to_string()).unwrap();
    let (out, r) = run(dir.path()).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let check = &ssh_checks(&r)[0];
    assert_eq!(check["status"], "not_run", "{r}");
    let reason = check["reason"].as_str().unwrap();
    assert!(
        reason.contains("guest_vm_linux_user/guest_vm_linux_password")
            && reason.contains("`vsphere`"),
        "{reason}"
    );
    emu.shutdown().await;
}
