//! The evaluator against the real stdlib and catalog scenarios: passing models, each kind
//! of failure (with expected/actual), not-run asserts, skips, and the outcome check.

use std::collections::BTreeMap;
use std::path::PathBuf;

use mtvt_lang::eval::{AssertOutcome, Bindings, CheckStatus, check_outcome, run_checks};
use mtvt_lang::ir::ScenarioIr;
use mtvt_lang::models::*;
use mtvt_lang::schema::enums::*;
use mtvt_lang::{CheckOptions, Stdlib, check_paths};
use mtvt_vocab::Quantity;

fn scenario(name: &str) -> ScenarioIr {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let opts = CheckOptions {
        stdlib: Stdlib::new(None),
        ..CheckOptions::default()
    };
    let r = check_paths(&[repo.join("scenarios")], &opts).unwrap();
    r.program
        .scenarios
        .into_iter()
        .find(|s| s.name == name)
        .unwrap()
}

/// A migrated RHEL VM whose destination matches its source.
fn good_models() -> (SourceVm, DestVm, Plan, Vm, Migration) {
    let source = SourceVm {
        name: "mtv-tests-rhel8-abc12".into(),
        id: "vm-42".into(),
        provider_type: ProviderKind::Vsphere,
        power: PowerState::On,
        power_after: Some(PowerState::Off),
        cpu: Cpu {
            sockets: 2,
            cores: 2,
        },
        memory_mib: 4096,
        serial: "VMware-42 2c 6a 2a".into(),
        uuid: "422c6a2a".into(),
        nics: vec![SourceNic {
            mac: "00:50:56:a1:b2:c3".into(),
            network: "VM Network".into(),
            ..SourceNic::default()
        }],
        disks: vec![SourceDisk {
            key: 2000,
            capacity: Quantity::gib(30),
            ..SourceDisk::default()
        }],
        ..SourceVm::default()
    };
    let dest = DestVm {
        name: "mtv-tests-rhel8-abc12".into(),
        namespace: "mtv-run-a1b2".into(),
        power: PowerState::On,
        cpu: Cpu {
            sockets: 2,
            cores: 2,
        },
        memory_mib: 4096,
        serial: "VMware-42 2c 6a 2a".into(),
        nics: vec![DestNic {
            name: "net-0".into(),
            mac: "00:50:56:a1:b2:c3".into(),
            network: "pod".into(),
            ip: None,
        }],
        disks: vec![DestDisk {
            pvc: "plan-1-mtv-tests-rhel8-abc12-disk-0-x7k2p".into(),
            storage_class: "standard".into(),
            size: Quantity::gib(30),
            ..DestDisk::default()
        }],
        guest_agent: true,
        ssh: SshProbe {
            attempted: true,
            reachable: true,
            detail: String::new(),
        },
        ..DestVm::default()
    };
    let plan = Plan {
        name: "plan-1".into(),
        source_provider_type: ProviderKind::Vsphere,
        storage_class: "standard".into(),
        target_namespace: "mtv-run-a1b2".into(),
        network_map: BTreeMap::from([("VM Network".to_string(), "pod".to_string())]),
        pvc_name_template_use_generate_name: true,
        openshift_version: Some("4.20.4".into()),
        source_secret_insecure_skip_verify: Some("false".into()),
        ..Plan::default()
    };
    let vm = Vm {
        name: "mtv-tests-rhel8".into(),
        clone: true,
        guest_agent: true,
        ..Vm::default()
    };
    let migration = Migration {
        result: MigrationResult::Succeeded,
        ..Migration::default()
    };
    (source, dest, plan, vm, migration)
}

fn bind(m: &(SourceVm, DestVm, Plan, Vm, Migration)) -> Bindings {
    Bindings::new(&m.0, &m.1, &m.2, &m.3, &m.4)
}

fn statuses(s: &ScenarioIr, b: &Bindings) -> BTreeMap<String, CheckStatus> {
    run_checks(s, b)
        .into_iter()
        .map(|c| (c.name.clone(), c.status()))
        .collect()
}

#[test]
fn a_faithful_migration_passes_the_standard_checks() {
    let s = scenario("sanity_cold_mtv_migration");
    let st = statuses(&s, &bind(&good_models()));
    for name in [
        "source_powered_off",
        "power_state",
        "cpu",
        "memory",
        "network",
        "storage",
        "guest_agent",
        "ssh",
        "serial",
        "ssl_configuration",
    ] {
        assert_eq!(st[name], CheckStatus::Passed, "{name}: {st:?}");
    }
    assert!(
        matches!(&st["snapshots"], CheckStatus::Skipped(r) if r.contains("no snapshots")),
        "{st:?}"
    );
}

#[test]
fn every_failure_is_collected_with_expected_and_actual() {
    let s = scenario("sanity_cold_mtv_migration");
    let mut m = good_models();
    m.1.cpu.cores = 4;
    m.1.cpu.sockets = 1;
    m.1.memory_mib = 2048;
    let results = run_checks(&s, &bind(&m));
    let cpu = results.iter().find(|c| c.name == "cpu").unwrap();
    // Both CPU asserts ran: evaluation does not stop at the first failure.
    let fails: Vec<(&str, &str)> = cpu
        .asserts
        .iter()
        .filter_map(|a| match a {
            AssertOutcome::Fail {
                expected, actual, ..
            } => Some((expected.as_str(), actual.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(fails, [("2", "1"), ("2", "4")]);
    let memory = results.iter().find(|c| c.name == "memory").unwrap();
    let AssertOutcome::Fail { message, span, .. } = &memory.asserts[0] else {
        panic!("{memory:?}")
    };
    assert_eq!(message.as_deref(), Some("memory differs"));
    assert!(
        span.file.ends_with("checks.mtvt") && span.line > 1,
        "{span}"
    );
    assert_eq!(
        cpu.requested_at.as_ref().unwrap().line,
        12,
        "points at the scenario's `check standard` line"
    );
}

#[test]
fn power_state_follows_target_then_source() {
    let s = scenario("post_hook_retain_failed_vm"); // target_power_state off
    let mut m = good_models();
    m.2.target_power_state = Some(TargetPowerState::Off);
    m.1.power = PowerState::On;
    let st = statuses(&s, &bind(&m));
    assert_eq!(st["power_state"], CheckStatus::Failed);
    m.1.power = PowerState::Off;
    let st = statuses(&s, &bind(&m));
    assert_eq!(st["power_state"], CheckStatus::Passed);
    // Powered off: guest agent and SSH checks are skipped, not failed.
    assert!(matches!(&st["ssh"], CheckStatus::Skipped(_)));
    assert!(matches!(&st["guest_agent"], CheckStatus::Skipped(_)));
}

#[test]
fn ssh_without_a_probe_is_not_run() {
    let s = scenario("sanity_cold_mtv_migration");
    let mut m = good_models();
    m.1.ssh = SshProbe {
        attempted: false,
        reachable: false,
        detail: "no guest credentials in the profile".into(),
    };
    let st = statuses(&s, &bind(&m));
    assert_eq!(
        st["ssh"],
        CheckStatus::NotRun("no guest credentials in the profile".into())
    );
}

#[test]
fn network_checks_the_mapped_destination() {
    let s = scenario("sanity_cold_mtv_migration");
    let mut m = good_models();
    m.1.nics[0].network = "cnv-bridge-1".into();
    let results = run_checks(&s, &bind(&m));
    let net = results.iter().find(|c| c.name == "network").unwrap();
    assert!(net.asserts.iter().any(|a| matches!(a,
        AssertOutcome::Fail { expected, actual, .. } if expected == "\"pod\"" && actual == "\"cnv-bridge-1\"")), "{net:?}");
    m.1.nics[0].mac = "00:50:56:ff:ff:ff".into();
    let st = statuses(&s, &bind(&m));
    assert_eq!(st["network"], CheckStatus::Failed);
}

#[test]
fn network_fails_on_a_nic_whose_network_is_not_mapped() {
    let s = scenario("sanity_cold_mtv_migration");
    let mut m = good_models();
    m.0.nics[0].network = "Unmapped Net".into();
    let results = run_checks(&s, &bind(&m));
    let net = results.iter().find(|c| c.name == "network").unwrap();
    assert_eq!(net.status(), CheckStatus::Failed, "{net:?}");
    assert!(
        net.asserts.iter().any(|a| matches!(a,
        AssertOutcome::Fail { message: Some(msg), expected, actual, .. }
            if msg.contains("not in the NetworkMap")
                && expected == "one of [\"VM Network\"]"
                && actual == "\"Unmapped Net\"")),
        "{net:?}"
    );
    m.0.nics[0].network = "VM Network".into();
    assert_eq!(statuses(&s, &bind(&m))["network"], CheckStatus::Passed);
}

#[test]
fn disk_count_runs_on_copy_offload_scenarios_with_added_disks() {
    let s = scenario("copyoffload_multi_disk_migration");
    let mut m = good_models();
    m.0.disks.push(SourceDisk {
        key: 2001,
        capacity: Quantity::gib(30),
        ..SourceDisk::default()
    });
    m.3.added_disks.push(AddedDisk::default());
    let mut second = m.1.disks[0].clone();
    second.pvc = "plan-1-mtv-tests-rhel8-abc12-disk-1-p9q8r".into();
    m.1.disks.push(second);
    assert_eq!(statuses(&s, &bind(&m))["disk_count"], CheckStatus::Passed);
    // The added disk did not arrive: expected 2 disks, found 1.
    m.1.disks.pop();
    let results = run_checks(&s, &bind(&m));
    let dc = results.iter().find(|c| c.name == "disk_count").unwrap();
    assert!(
        dc.asserts.iter().any(|a| matches!(a,
        AssertOutcome::Fail { message: Some(msg), expected, actual, .. }
            if msg == "disk count differs" && expected == "2" && actual == "1")),
        "{dc:?}"
    );
}

#[test]
fn serial_follows_the_destination_openshift_release() {
    let s = scenario("sanity_cold_mtv_migration");
    let mut m = good_models();
    m.0.uuid = "422c6a2a-5ea9-1083-39f3-3b140fffb444".into();
    m.0.serial = "VMware-42 2c 6a 2a 5e a9 10 83-39 f3 3b 14 0f ff b4 44".into();
    let serial = |m: &(SourceVm, DestVm, Plan, Vm, Migration)| {
        run_checks(&s, &bind(m))
            .into_iter()
            .find(|c| c.name == "serial")
            .unwrap()
    };
    // 4.20 and later: the BIOS serial form, compared case-insensitively.
    m.2.openshift_version = Some("4.20.0-rc.1".into());
    m.1.serial = "VMWARE-42 2C 6A 2A 5E A9 10 83-39 F3 3B 14 0F FF B4 44".into();
    assert_eq!(serial(&m).status(), CheckStatus::Passed, "{:?}", serial(&m));
    // ... where the plain UUID is wrong.
    m.1.serial = "422c6a2a-5ea9-1083-39f3-3b140fffb444".into();
    let c = serial(&m);
    assert!(
        c.asserts.iter().any(|a| matches!(a,
        AssertOutcome::Fail { message: Some(msg), expected, actual, .. }
            if msg.contains("4.20 or later")
                && expected == "\"vmware-42 2c 6a 2a 5e a9 10 83-39 f3 3b 14 0f ff b4 44\""
                && actual == "\"422c6a2a-5ea9-1083-39f3-3b140fffb444\"")),
        "{c:?}"
    );
    // Before 4.20: the plain UUID; the BIOS serial form is wrong there.
    m.2.openshift_version = Some("4.19.12".into());
    assert_eq!(serial(&m).status(), CheckStatus::Passed);
    m.1.serial = "422C6A2A-5EA9-1083-39F3-3B140FFFB444".into();
    assert_eq!(serial(&m).status(), CheckStatus::Passed);
    m.1.serial = m.0.serial.clone();
    assert_eq!(serial(&m).status(), CheckStatus::Failed);
    // Unknown release: not run, never a silent pass.
    m.2.openshift_version = None;
    assert_eq!(
        serial(&m).status(),
        CheckStatus::NotRun("the destination cluster's OpenShift version is unknown".into())
    );
}

#[test]
fn snapshots_compare_id_name_state_and_creation_time() {
    let s = scenario("sanity_cold_mtv_migration");
    let mut m = good_models();
    let snap = |id: &str, name: &str, state: &str, created: &str| Snapshot {
        id: id.into(),
        name: name.into(),
        state: Some(state.into()),
        created: Some(created.into()),
    };
    m.0.snapshots = vec![
        snap("snapshot-1", "s1", "poweredOff", "2026-12-07T19:40Z"),
        snap("snapshot-2", "s2", "poweredOn", "2026-12-07T19:41Z"),
    ];
    // Same snapshots, listed in another order.
    m.0.snapshots_after = Some(vec![
        snap("snapshot-2", "s2", "poweredOn", "2026-12-07T19:41Z"),
        snap("snapshot-1", "s1", "poweredOff", "2026-12-07T19:40Z"),
    ]);
    let check = |m: &(SourceVm, DestVm, Plan, Vm, Migration)| {
        run_checks(&s, &bind(m))
            .into_iter()
            .find(|c| c.name == "snapshots")
            .unwrap()
    };
    assert_eq!(check(&m).status(), CheckStatus::Passed, "{:?}", check(&m));
    for (field, broken) in [
        (
            "state",
            snap("snapshot-1", "s1", "poweredOn", "2026-12-07T19:40Z"),
        ),
        (
            "created",
            snap("snapshot-1", "s1", "poweredOff", "2026-12-07T19:52Z"),
        ),
        (
            "name",
            snap("snapshot-1", "renamed", "poweredOff", "2026-12-07T19:40Z"),
        ),
    ] {
        let mut bad = m.clone();
        bad.0.snapshots_after.as_mut().unwrap()[1] = broken;
        let c = check(&bad);
        assert_eq!(c.status(), CheckStatus::Failed, "{field}: {c:?}");
        assert!(
            c.asserts.iter().any(|a| matches!(a,
            AssertOutcome::Fail { message: Some(msg), expected, actual, .. }
                if msg.contains("changed during migration")
                    && expected.contains("poweredOff") && expected.contains("19:40Z")
                    && actual.contains("snapshot-1") && expected != actual)),
            "{field}: {c:?}"
        );
    }
    // A snapshot that disappeared.
    m.0.snapshots_after.as_mut().unwrap().pop();
    assert_eq!(check(&m).status(), CheckStatus::Failed);
}

#[test]
fn ssl_configuration_compares_the_provider_secret_with_the_session() {
    let s = scenario("sanity_cold_mtv_migration");
    let mut m = good_models();
    let ssl = |m: &(SourceVm, DestVm, Plan, Vm, Migration)| {
        run_checks(&s, &bind(m))
            .into_iter()
            .find(|c| c.name == "ssl_configuration")
            .unwrap()
    };
    assert_eq!(ssl(&m).status(), CheckStatus::Passed);
    // The session verifies TLS but the Secret skips it.
    m.2.source_secret_insecure_skip_verify = Some("true".into());
    let c = ssl(&m);
    assert!(c.asserts.iter().any(|a| matches!(a,
        AssertOutcome::Fail { message: Some(msg), expected, actual, .. }
            if msg.contains("skips TLS verification") && expected == "\"false\"" && actual == "\"true\"")), "{c:?}");
    m.2.source_provider_insecure_skip_verify = true;
    assert_eq!(ssl(&m).status(), CheckStatus::Passed);
    // No insecureSkipVerify in the Secret.
    m.2.source_secret_insecure_skip_verify = None;
    assert_eq!(ssl(&m).status(), CheckStatus::Failed);
    // OpenShift sources are not checked.
    m.2.source_provider_type = ProviderKind::Openshift;
    assert!(matches!(ssl(&m).status(), CheckStatus::Skipped(_)));
}

#[test]
fn pvc_names_render_the_template_and_match_generate_name() {
    let s = scenario("warm_migration_comprehensive");
    let mut m = good_models();
    m.2.pvc_name_template = s.plans[0].pvc_name_template.clone();
    m.2.pvc_name_template_use_generate_name = true;
    // Two source disks in controller/unit order; the PVCs carry no Forklift annotations,
    // the expected names come from the source inventory.
    m.0.disks = vec![
        SourceDisk {
            key: 2000,
            file: "[ds1] mtv-win2022-ip-3disks/mtv_win2022_ip_3disks.vmdk".into(),
            controller_key: Some(1000),
            unit_number: Some(0),
            ..SourceDisk::default()
        },
        SourceDisk {
            key: 2001,
            file: "[ds1] mtv-win2022-ip-3disks/mtv_win2022_ip_3disks_1.vmdk".into(),
            controller_key: Some(1000),
            unit_number: Some(1),
            ..SourceDisk::default()
        },
    ];
    let mut second = m.1.disks[0].clone();
    // '{{ .FileName | trimSuffix ".vmdk" | replace "_" "-" }}-{{.DiskIndex}}' + generateName
    m.1.disks[0].pvc = "mtv-win2022-ip-3disks-0-q2w4x".into();
    second.pvc = "mtv-win2022-ip-3disks-1-1-z9r8x".into();
    m.1.disks.push(second);
    let pvc_names = |m: &(SourceVm, DestVm, Plan, Vm, Migration)| {
        run_checks(&s, &bind(m))
            .into_iter()
            .find(|c| c.name == "pvc_names")
            .unwrap()
    };
    assert_eq!(
        pvc_names(&m).status(),
        CheckStatus::Passed,
        "{:?}",
        pvc_names(&m)
    );
    // Disk order swapped on the destination: each PVC is compared with the source disk at
    // its position, so the swap fails (the annotations alone would have passed it).
    let mut swapped = m.clone();
    swapped.1.disks.reverse();
    swapped.1.disks[0].index = 1;
    swapped.1.disks[0].source_file = "mtv_win2022_ip_3disks_1.vmdk".into();
    let c = pvc_names(&swapped);
    assert!(
        c.asserts.iter().any(|a| matches!(a,
        AssertOutcome::Fail { expected, actual, .. }
            if expected == "\"mtv-win2022-ip-3disks-0-\" + 5 generated characters"
                && actual == "\"mtv-win2022-ip-3disks-1-1-z9r8x\"")),
        "{c:?}"
    );
    // A wrong file name written by Forklift fails.
    m.1.disks[1].pvc = "mtv-win2022-ip-3disks-2-1-z9r8x".into();
    assert_eq!(pvc_names(&m).status(), CheckStatus::Failed);
    m.1.disks[1].pvc = "something-else-q2w4x".into();
    assert_eq!(pvc_names(&m).status(), CheckStatus::Failed);
}

#[test]
fn long_pvc_name_prefixes_are_compared_truncated_as_the_suite_does() {
    let s = scenario("warm_migration_comprehensive");
    let mut m = good_models();
    m.2.pvc_name_template = Some("{{.VmName}}-{{.DiskIndex}}".into());
    m.0.name = "a".repeat(60);
    // generateName: "aaa…a-0-" (63 characters) cut to 58, plus 5 generated characters.
    m.2.pvc_name_template_use_generate_name = true;
    m.1.disks[0].pvc = format!("{}bcdfg", "a".repeat(58));
    assert_eq!(statuses(&s, &bind(&m))["pvc_names"], CheckStatus::Passed);
    m.1.disks[0].pvc = format!("{}-0-bcdfg", "a".repeat(60));
    assert_eq!(statuses(&s, &bind(&m))["pvc_names"], CheckStatus::Failed);
    // A name is exact.
    m.2.pvc_name_template_use_generate_name = false;
    m.1.disks[0].pvc = format!("{}-0", "a".repeat(60));
    assert_eq!(statuses(&s, &bind(&m))["pvc_names"], CheckStatus::Passed);
    m.1.disks[0].pvc = format!("{}-1", "a".repeat(60));
    assert_eq!(statuses(&s, &bind(&m))["pvc_names"], CheckStatus::Failed);
}

#[test]
fn labels_affinity_and_node_placement() {
    let s = scenario("cold_migration_comprehensive");
    let mut m = good_models();
    m.2.target_labels = BTreeMap::from([(
        "mtv-comprehensive-label".to_string(),
        "a1b2c3d4".to_string(),
    )]);
    m.2.target_node_selector =
        BTreeMap::from([("mtv-comprehensive-node".to_string(), "a1b2c3d4".to_string())]);
    m.2.target_affinity = s.plans[0].target_affinity.clone();
    m.1.template_labels = m.2.target_labels.clone();
    m.1.node_selector = m.2.target_node_selector.clone();
    m.1.node = Some("worker-1".into());
    m.1.node_labels = m.2.target_node_selector.clone();
    m.1.affinity = m.2.target_affinity.clone();
    let st = statuses(&s, &bind(&m));
    for name in ["labels", "node_placement", "affinity"] {
        assert_eq!(st[name], CheckStatus::Passed, "{name}: {st:?}");
    }
    m.1.node_labels.clear();
    m.1.affinity = None;
    m.1.template_labels
        .insert("mtv-comprehensive-label".into(), "other".into());
    let st = statuses(&s, &bind(&m));
    for name in ["labels", "node_placement", "affinity"] {
        assert_eq!(st[name], CheckStatus::Failed, "{name}: {st:?}");
    }
}

#[test]
fn the_outcome_is_compared_with_the_expectation() {
    let s = scenario("post_hook_retain_failed_vm");
    let mut migration = Migration {
        result: MigrationResult::Failed,
        failed_step: Some(PipelineStep::PostHook),
        ..Migration::default()
    };
    assert!(matches!(
        check_outcome(&s.expect, &migration),
        AssertOutcome::Pass { .. }
    ));
    migration.failed_step = Some(PipelineStep::DiskTransfer);
    let AssertOutcome::Fail {
        expected, actual, ..
    } = check_outcome(&s.expect, &migration)
    else {
        panic!()
    };
    assert_eq!(
        (expected.as_str(), actual.as_str()),
        ("failed at PostHook", "failed at DiskTransfer")
    );
}

#[test]
fn nonconforming_names_are_checked_against_forklift() {
    let s = scenario("copyoffload_nonconforming_name_migration");
    let mut m = good_models();
    m.0.name = "XCopy_Test_VM_CAPS".into();
    m.1.name = "xcopy-test-vm-caps".into();
    let st = statuses(&s, &bind(&m));
    assert_eq!(st["vm_name"], CheckStatus::Passed, "{st:?}");
    m.1.name = "XCopy_Test_VM_CAPS".into();
    let st = statuses(&s, &bind(&m));
    assert_eq!(st["vm_name"], CheckStatus::Failed);
}
