//! The stdlib's in-guest checks on a broken emulated guest, broken the way a user breaks it
//! (`mtvt run --sim --sim-guest-fault VM=FAULT`, the lab's `faults.guest`): each check fails
//! naming the VM, the NIC / guest read, expected and actual — and passes on the same
//! scenario without the fault (the catalog run). A check written in `.mtvt` against the
//! `guest` model runs commands and reads files in the migrated guest.

use serde_json::Value;

use crate::harness::{mtvt, report, stderr as text, workdir};

/// `mtvt run --sim` of `scenario` in a fresh directory with `extra` flags: exit code,
/// stderr and the report.
pub(crate) fn run_sim(
    files: &[(&str, &str)],
    scenario: &str,
    extra: &[&str],
) -> (Option<i32>, String, Value) {
    let dir = workdir(files);
    let d = dir.path().to_str().unwrap().to_string();
    let target = if files.is_empty() {
        scenario.to_string()
    } else {
        format!("{d}/{scenario}")
    };
    let mut args = vec![
        "run",
        "--sim",
        target.as_str(),
        "--data-collector-path",
        d.as_str(),
    ];
    let report_path = format!("{d}/report.json");
    args.extend(["--report-json", report_path.as_str()]);
    args.extend(extra);
    let out = mtvt(&args);
    (out.status.code(), text(&out), report(dir.path()))
}

/// Every check report named `name` in a run report.
pub(crate) fn checks(r: &Value, name: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut stack = vec![r.clone()];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if m.get("name").and_then(Value::as_str) == Some(name) && m.contains_key("status") {
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

/// Warm comprehensive (the Windows VM with a static IP) with a 30 s plan timeout: the
/// static-IP re-reads (the suite's 600 s) stop at the plan's timeout.
const WARM_STATIC: &str = r#"
use "REPO/scenarios/tier0/comprehensive.mtvt"

scenario warm_static extends comprehensive {
  vm "mtv-win2022-ip-3disks" {
    source_power on
    guest_agent true
  }
  plan {
    warm true
    target_namespace "custom-vm-namespace"
    timeout 30s
  }
}
"#;

#[test]
fn static_ips_fails_on_a_guest_that_lost_its_static_ip() {
    let repo = env!("CARGO_MANIFEST_DIR");
    let scenario = WARM_STATIC.replace("REPO", repo);
    let (code, err, r) = run_sim(
        &[("warm.mtvt", scenario.as_str())],
        "warm.mtvt",
        &["--sim-guest-fault", "*mtv-win*=lose_static_ip"],
    );
    assert_eq!(code, Some(1), "{err}");
    let c = checks(&r, "static_ips");
    assert_eq!(c.len(), 1, "{r}");
    assert_eq!(c[0]["status"], "failed", "{r}");
    assert!(err.contains("check static_ips"), "{err}");
    assert!(
        err.contains("a static IP of a source NIC is not configured on that NIC in the guest"),
        "{err}"
    );
    // expected: the source NIC's MAC and static IP; found: that MAC without the address
    let line = err
        .lines()
        .find(|l| l.contains("expected [\"00:50:56:") && l.contains("10.6.46.32\"]"))
        .unwrap_or_else(|| panic!("no expected MAC/IP line: {err}"));
    assert!(
        line.contains(", none] (guest.nics on VM custom-vm-namespace/"),
        "{line}"
    );
    assert!(line.contains("mtv-win2022-ip-3disks"), "{line}");
    assert!(err.contains("uses DHCP in the guest"), "{err}");
    // the other checks of the VM still pass: only the guest's configuration broke
    assert_eq!(checks(&r, "cpu")[0]["status"], "passed");
}

/// Sanity cold (the VM ends powered off) with a short agent wait, so a missing agent
/// fails in seconds rather than the default wait.
const COLD_AGENT: &str = "use std/checks\nscenario cold_agent {\n  vm \"mtv-tests-rhel8\" {\n    guest_agent true\n    guest_agent_timeout 20s\n  }\n  expect {\n    migration succeeds\n    check guest_agent, power_state\n  }\n}\n";

#[test]
fn guest_agent_fails_on_a_stopped_vm_whose_agent_never_connects() {
    // the VM ends powered off: the check starts it, as the suite does
    let files = [("cold.mtvt", COLD_AGENT)];
    let (code, err, r) = run_sim(&files, "cold.mtvt", &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(checks(&r, "guest_agent")[0]["status"], "passed", "{r}");
    let (code, err, r) = run_sim(&files, "cold.mtvt", &["--sim-guest-fault", "*=no_agent"]);
    assert_eq!(code, Some(1), "{err}");
    let c = checks(&r, "guest_agent");
    assert_eq!(c[0]["status"], "failed", "{r}");
    assert!(err.contains("check guest_agent"), "{err}");
    assert!(
        err.contains("guest agent is not connected (VMI condition AgentConnected)"),
        "{err}"
    );
    assert!(err.contains("expected true, found false"), "{err}");
    assert!(err.contains("mtv-tests-rhel8"), "{err}");
}

const XFS_CHECK: &str = r#"
use std/checks

check xfs_root "the migrated guest's root filesystem is XFS v5 and its os-release survived" {
  when dest.power != on { skip "the VM is powered off" }
  let info = guest.run("xfs_info /")
  assert info.exit == 0, "xfs_info failed"
  assert info.stdout contains "crc=1", "the root filesystem is not XFS v5"
  assert guest.file("/etc/os-release").content contains "rhel", "os-release lost"
  assert guest.run("systemctl is-active sshd").exit == 0, "systemctl is not available"
  assert guest.os.family == "linux"
}

scenario guest_model {
  requires provider vsphere
  vm "mtv-tests-rhel8" { source_power on }
  plan { warm true }
  expect {
    migration succeeds
    check xfs_root
  }
}
"#;

#[test]
fn a_check_written_in_mtvt_runs_commands_and_reads_files_in_the_guest() {
    let (code, err, r) = run_sim(&[("guest.mtvt", XFS_CHECK)], "guest.mtvt", &[]);
    assert_eq!(code, Some(1), "{err}");
    let c = checks(&r, "xfs_root");
    assert_eq!(c[0]["status"], "failed", "{r}");
    assert_eq!(c[0]["passed"], 4, "{r}");
    assert_eq!(c[0]["failed"], 1, "{r}");
    // the emulated guest has no systemctl: 127, named with the command, VM and stderr
    assert!(err.contains("systemctl is not available"), "{err}");
    assert!(
        err.contains("expected 0, found 127 (guest.run(\"systemctl is-active sshd\") on VM "),
        "{err}"
    );
    assert!(err.contains("systemctl: command not found"), "{err}");
    assert!(!err.contains("mtv-linux-pw"), "{err}");
}

/// The suite's XFS test: an XFS v4 guest (the built-in lab's `root_xfs_v4` VM) migrated with
/// `xfs_compatibility` keeps its v4 root, a v5 guest in the same plan does not match.
const XFS_V4: &str = "use std/checks\nscenario xfs_v4 {\n  requires provider vsphere\n  vm \"mtv-feature-rhel7-xfs\" { source_power on }\n  vm \"mtv-tests-rhel8\" { source_power on }\n  plan {\n    warm true\n    xfs_compatibility true\n  }\n  expect {\n    migration succeeds\n    check xfs\n  }\n}\n";

#[test]
fn xfs_passes_on_a_v4_guest_and_fails_on_a_v5_guest_naming_the_vm() {
    // the built-in lab's mtv-feature-rhel7-xfs is the XFS v4 guest
    let (code, err, r) = run_sim(&[("xfs.mtvt", XFS_V4)], "xfs.mtvt", &[]);
    assert_eq!(code, Some(1), "{err}");
    let mut status: Vec<String> = checks(&r, "xfs")
        .iter()
        .map(|c| c["status"].as_str().unwrap_or("").to_string())
        .collect();
    status.sort();
    assert_eq!(status, ["failed", "passed"], "{r}");
    assert!(err.contains("check xfs"), "{err}");
    assert!(
        err.contains("the root filesystem in the guest is not XFS v4 (crc=0)"),
        "{err}"
    );
    // the failure names the command and the v5 VM; the v4 VM passed
    let line = err
        .lines()
        .find(|l| l.contains("guest.run(\"/usr/sbin/xfs_info /\") on VM "))
        .unwrap_or_else(|| panic!("no xfs_info line: {err}"));
    assert!(line.contains("mtv-tests-rhel8"), "{line}");
    assert!(line.contains("expected containing \"crc=0\""), "{line}");
    assert!(line.contains("crc=1 "), "{line}");
    assert!(
        !err.lines()
            .any(|l| l.contains("mtv-feature-rhel7-xfs") && l.contains("check xfs")),
        "{err}"
    );
}

const THEN_GUEST: &str = r#"
check guest_is_linux "the guest answers as Linux" {
  assert guest.os.family == "linux", "the guest is not Linux"
  assert guest.run("hostname").exit == 0, "hostname failed"
}

scenario then_guest {
  requires provider vsphere
  vm "mtv-tests-rhel8" { source_power on }
  plan { warm true }
  expect { migration succeeds }
  then {
    expect { check guest_is_linux, ssh }
  }
}
"#;

#[test]
fn checks_of_an_expect_inside_then_read_the_guest() {
    let files = [("then.mtvt", format!("use std/checks\n{THEN_GUEST}"))];
    let files: Vec<(&str, &str)> = files.iter().map(|(n, s)| (*n, s.as_str())).collect();
    let (code, err, r) = run_sim(&files, "then.mtvt", &[]);
    assert_eq!(code, Some(0), "{err}");
    let c = checks(&r, "guest_is_linux");
    assert_eq!(c.len(), 1, "{r}");
    assert_eq!(c[0]["status"], "passed", "{r}");
    assert_eq!(c[0]["passed"], 2, "{r}");
    assert_eq!(checks(&r, "ssh")[0]["status"], "passed", "{r}");
}
