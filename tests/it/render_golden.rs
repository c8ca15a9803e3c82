//! `mtvt render` golden output for catalog scenarios: the objects a run creates, in order,
//! with the placeholder session, placeholder cluster and placeholder inventory answers.
//! Regenerate with `INSTA_UPDATE=always cargo test -p mtvt --test it render_golden` and review.

use std::process::Output;

use crate::harness::{Mtvt, repo};

fn render(args: &[&str]) -> Output {
    Mtvt::new()
        .args(["render"])
        .args(args)
        .args(["--providers-file", "providers.example.json"])
        .output()
}

fn golden(name: &str, args: &[&str]) {
    let out = render(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "mtvt render {args:?} failed: {stderr}"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    insta::assert_snapshot!(name, stdout);
}

#[test]
fn sanity_cold() {
    golden(
        "sanity_cold_mtv_migration",
        &[
            "scenarios/tier0/sanity_cold_mtv_migration.mtvt",
            "--storage-class",
            "ocs-storagecluster-ceph-rbd",
        ],
    );
}

#[test]
fn cold_comprehensive() {
    golden(
        "cold_migration_comprehensive",
        &[
            "scenarios/tier0/cold_migration_comprehensive.mtvt",
            "--storage-class",
            "ocs-storagecluster-ceph-rbd",
        ],
    );
}

#[test]
fn warm_comprehensive() {
    golden(
        "warm_migration_comprehensive",
        &[
            "scenarios/warm/warm_migration_comprehensive.mtvt",
            "--storage-class",
            "ocs-storagecluster-ceph-rbd",
        ],
    );
}

#[test]
fn post_hook_failure() {
    golden(
        "post_hook_retain_failed_vm",
        &[
            "scenarios/hooks/post_hook_retain_failed_vm.mtvt",
            "--storage-class",
            "ocs-storagecluster-ceph-rbd",
        ],
    );
}

#[test]
fn copy_offload_concurrent_plans() {
    golden(
        "concurrent_xcopy_vddk_migration",
        &[
            "scenarios/copyoffload/concurrent_xcopy_vddk_migration.mtvt",
            "--provider",
            "vsphere-copy-offload",
            "--storage-class",
            "block-sc",
        ],
    );
}

#[test]
fn remote_destination_openstack_source() {
    golden(
        "cold_remote_ocp_openstack",
        &[
            "scenarios/remote/cold_remote_ocp.mtvt",
            "--provider",
            "openstack",
            "--storage-class",
            "standard-csi",
        ],
    );
}

/// The whole catalog for every profile of `providers.example.json`: what `mtvt run` would
/// create, in order. This is the "behaviour unchanged" fence of engine refactors: a change
/// here must be deliberate and reviewed.
#[test]
fn whole_catalog_per_profile() {
    for (profile, extra) in [
        ("vsphere", &[][..]),
        ("vsphere-copy-offload", &[][..]),
        ("ovirt", &["--allow-ovirt-warm"][..]),
        ("openstack", &[][..]),
        ("openshift", &[][..]),
        ("ova", &[][..]),
    ] {
        let mut args = vec!["scenarios", "--provider", profile];
        args.extend_from_slice(extra);
        golden(&format!("catalog_{profile}"), &args);
    }
}

#[test]
fn secrets_never_print() {
    let out = render(&[
        "scenarios/tier0",
        "--provider",
        "vsphere-copy-offload",
        "--storage-class",
        "sc",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let example: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("providers.example.json")).unwrap(),
    )
    .unwrap();
    for (_, p) in example.as_object().unwrap() {
        for key in ["password", "storage_password", "esxi_password"] {
            let secret = p
                .get(key)
                .or_else(|| p.pointer(&format!("/copyoffload/{key}")));
            if let Some(s) = secret.and_then(|s| s.as_str()).filter(|s| s.len() > 3) {
                assert!(!text.contains(s), "{key} printed");
            }
        }
    }
    assert!(text.contains("<redacted>"));
}

#[test]
fn static_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.mtvt"), "scenario x {\n  vm \"a\"\n}\n").unwrap();
    let out = render(&[dir.path().join("bad.mtvt").to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `forklift { … }` passthrough blocks (issue 13 item 1) reach the manifests: Plan `spec`
/// fields mtvt has no key for, a VM entry's fields, the StorageMap entries' `destination`
/// merged with the storage class mtvt sets, and the Hook's `spec`; first-class plan keys
/// map to their Plan fields.
#[test]
fn forklift_passthrough() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("passthrough.mtvt"),
        r#"session {
  source_provider { forklift { settings: { useVddkAioOptimization: "true" } } }
}

scenario passthrough {
  vm "mtv-tests-rhel8" {
    forklift { rootDisk: "/dev/sda", instanceType: "u1.medium" }
    luks_passphrase "never-printed-42"
  }
  plan {
    migrate_shared_disks false
    xfs_compatibility true
    forklift { skipGuestConversion: true, diskBus: "scsi", deleteVmOnFailMigration: false }
    storage_map { forklift { destination: { volumeMode: "Block", accessMode: "ReadWriteMany" } } }
  }
  hook pre {
    result succeed
    forklift { aap: { jobTemplateId: 7, url: "https://aap.example.com" } }
  }
  expect { migration succeeds }
}
"#,
    )
    .unwrap();
    let providers = repo().join("providers.example.json");
    let out = Mtvt::new()
        .cwd(dir.path())
        .args(["render", "passthrough.mtvt", "--provider", "vsphere"])
        .args(["--storage-class", "ocs-storagecluster-ceph-rbd"])
        .args([
            std::ffi::OsStr::new("--providers-file"),
            providers.as_os_str(),
        ])
        .output();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains("never-printed-42"),
        "the LUKS passphrase printed"
    );
    insta::assert_snapshot!("forklift_passthrough", text);
}
