//! The stdlib's boot, CPU and LUKS checks in the migrated guest (`boot_config`,
//! `cpu_features`, `luks`): each passes on a healthy emulated guest and fails on one broken
//! by a lab guest fault (`--sim-guest-fault VM=FAULT`), naming the VM, the guest read and
//! expected vs actual.

use crate::run_guest_checks::{checks, run_sim};

/// A powered-on RHEL guest from vSphere with the checks `CHECKS` and plan keys `PLAN`.
fn scenario(checks: &str, plan: &str, vm: &str) -> String {
    format!(
        "use std/checks\nscenario guest_boot {{\n  requires provider vsphere\n  vm \"mtv-tests-rhel8\" {{\n    source_power on\n    {vm}\n  }}\n  plan {{\n    warm true\n    timeout 20s\n    {plan}\n  }}\n  expect {{\n    migration succeeds\n    check {checks}\n  }}\n}}\n"
    )
}

#[test]
fn boot_config_fails_when_the_guest_boots_with_other_firmware() {
    let s = scenario("boot_config", "", "");
    let files = [("boot.mtvt", s.as_str())];
    let (code, err, r) = run_sim(
        &files,
        "boot.mtvt",
        &["--sim-guest-fault", "*=firmware_mismatch"],
    );
    assert_eq!(code, Some(1), "{err}");
    let c = checks(&r, "boot_config");
    assert_eq!(c[0]["status"], "failed", "{r}");
    assert!(
        err.contains("the guest booted with other firmware than its VM declares"),
        "{err}"
    );
    // the VM declares BIOS; the broken guest sees /sys/firmware/efi
    let line = err
        .lines()
        .find(|l| l.contains("guest.run(\"test -d /sys/firmware/efi\") on VM"))
        .unwrap_or_else(|| panic!("no line naming the guest read: {err}"));
    assert!(line.contains("expected false, found true"), "{line}");
    assert!(line.contains("mtv-tests-rhel8"), "{line}");
}

#[test]
fn cpu_features_reads_the_virtualization_flag_in_the_guest() {
    let s = scenario("cpu_features", "enable_nested_virtualization true", "");
    let files = [("cpu.mtvt", s.as_str())];
    let (code, err, r) = run_sim(&files, "cpu.mtvt", &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(checks(&r, "cpu_features")[0]["status"], "passed", "{r}");
    let (code, err, r) = run_sim(&files, "cpu.mtvt", &["--sim-guest-fault", "*=no_cpu_virt"]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(checks(&r, "cpu_features")[0]["status"], "failed", "{r}");
    assert!(err.contains("the guest's CPU flags lack vmx/svm"), "{err}");
    let line = err
        .lines()
        .find(|l| l.contains("guest.file(\"/proc/cpuinfo\") on VM"))
        .unwrap_or_else(|| panic!("no line naming the guest read: {err}"));
    assert!(line.contains("expected true, found false"), "{line}");
    assert!(line.contains("mtv-tests-rhel8"), "{line}");
}

#[test]
fn luks_fails_when_the_guest_never_unlocks_its_volume() {
    let s = scenario("luks", "", "luks_passphrase \"mtv-luks-pw\"");
    let files = [("luks.mtvt", s.as_str())];
    let (code, err, r) = run_sim(&files, "luks.mtvt", &[]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(checks(&r, "luks")[0]["status"], "passed", "{r}");
    // a wrong passphrase: the guest waits at the unlock prompt and never answers SSH (the
    // login is retried up to the plan's 20 s timeout)
    let (code, err, r) = run_sim(
        &files,
        "luks.mtvt",
        &["--sim-guest-fault", "*=wrong_luks_key"],
    );
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(checks(&r, "luks")[0]["status"], "failed", "{r}");
    assert!(
        err.contains("the guest does not boot to a login (its LUKS volume was not unlocked)"),
        "{err}"
    );
    // expected a login to the named VM, found the refusal of a guest stuck at the prompt
    let line = err
        .lines()
        .find(|l| l.contains("expected an SSH login to VM auto-"))
        .unwrap_or_else(|| panic!("no expected/actual line: {err}"));
    assert!(line.contains("mtv-tests-rhel8"), "{line}");
    assert!(line.contains("waiting for its LUKS passphrase"), "{line}");
    assert!(!err.contains("mtv-luks-pw"), "{err}");
}
