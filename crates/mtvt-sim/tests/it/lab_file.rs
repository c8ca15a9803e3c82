//! Lab file loading: the default lab's contents and the validation errors of bad files.

use std::time::Duration;

use chrono::DateTime;
use mtvt_sim::clock::Clock;
use mtvt_sim::lab::{
    CloneSpec, Firmware, Lab, LabError, LabHandle, OsFamily, PowerState, ProviderKind, ToolsInstall,
};

const COMMON_VMS: &[&str] = &[
    "mtv-tests-rhel8",
    "mtv-win2019-3disks",
    "mtv-win2022-ip-3disks",
    "mtv-win2019-79",
    "mtv-rhel8-warm-2disks2nics",
];

#[test]
fn default_lab_has_every_catalog_vm_for_every_provider_type() {
    let lab = Lab::default_lab().unwrap();
    for &kind in ProviderKind::ALL {
        let p = lab
            .provider_of_kind(kind)
            .unwrap_or_else(|| panic!("no {kind} provider"));
        for name in COMMON_VMS {
            assert!(p.vm_by_name(name).is_some(), "{kind} lacks {name}");
        }
    }
    let vs = lab.provider_of_kind(ProviderKind::Vsphere).unwrap();
    let t = vs.vm_by_name("xcopy-template-test").unwrap();
    assert!(t.template);
    assert_eq!(t.guest_os.key, "rhel9");
    assert_eq!(
        t.disks[0].datastore,
        vs.copy_offload.as_ref().unwrap().datastore_id
    );
    let ova = lab.provider_of_kind(ProviderKind::Ova).unwrap();
    assert_eq!(
        ova.vm_by_name("1nisim-rhel9-efi").unwrap().firmware,
        Firmware::Efi
    );
}

#[test]
fn default_lab_vms_are_shaped_like_the_catalog_expects() {
    let lab = Lab::default_lab().unwrap();
    for p in &lab.providers {
        let rhel = p.vm_by_name("mtv-tests-rhel8").unwrap();
        assert_eq!((rhel.disks.len(), rhel.nics.len()), (1, 1), "{}", p.name);
        assert_eq!(rhel.tools, ToolsInstall::Installed);
        for name in ["mtv-win2019-3disks", "mtv-win2022-ip-3disks"] {
            let w = p.vm_by_name(name).unwrap();
            assert_eq!(w.disks.len(), 3, "{} {name}", p.name);
            assert_eq!(w.guest_os.family, OsFamily::Windows);
            if matches!(
                p.kind,
                ProviderKind::Vsphere | ProviderKind::Ovirt | ProviderKind::Openstack
            ) {
                assert!(
                    w.nics[0].static_ip && !w.nics[0].ips.is_empty(),
                    "{} {name}",
                    p.name
                );
            }
        }
        let warm = p.vm_by_name("mtv-rhel8-warm-2disks2nics").unwrap();
        assert_eq!(warm.disks.len(), 2);
        assert_eq!(warm.nics.len(), 2);
        assert_ne!(
            warm.nics[0].network, warm.nics[1].network,
            "{}: NICs on two networks",
            p.name
        );
        let macs: std::collections::BTreeSet<_> =
            p.vms.iter().flat_map(|v| &v.nics).map(|n| &n.mac).collect();
        assert_eq!(
            macs.len(),
            p.vms.iter().map(|v| v.nics.len()).sum::<usize>(),
            "{}: MACs unique",
            p.name
        );
    }
    let vs = lab.provider("vsphere").unwrap();
    assert!(vs.network("VM Network").is_some() && vs.network("Mgmt Network").is_some());
    assert_eq!(vs.vm_by_name("mtv-tests-rhel8").unwrap().id, "vm-1001");
    let co = vs.copy_offload.as_ref().unwrap();
    let ds = |id: &str| vs.datastore(id).unwrap().clone();
    assert!(
        ds(&co.datastore_id).xcopy
            && ds(&co.datastore_id)
                .folders
                .contains(&"shared_disks".to_string())
    );
    assert!(ds(co.secondary_datastore_id.as_ref().unwrap()).xcopy);
    assert_eq!(
        ds(&co.datastore_id).vendor,
        ds(co.secondary_datastore_id.as_ref().unwrap()).vendor
    );
    assert!(!ds(co.non_xcopy_datastore_id.as_ref().unwrap()).xcopy);
    assert_eq!(vs.hosts.len(), 3);
    let nodes = &lab.cluster.nodes;
    assert_eq!(nodes.iter().filter(|n| n.worker).count(), 3);
    assert_eq!(
        nodes
            .iter()
            .filter(|n| n
                .labels
                .contains_key("node-role.kubernetes.io/control-plane"))
            .count(),
        3
    );
    assert!(
        nodes
            .iter()
            .all(|n| n.labels.contains_key("topology.kubernetes.io/zone"))
    );
    let def = lab
        .cluster
        .storage_classes
        .iter()
        .find(|s| s.default)
        .unwrap();
    assert_eq!(def.name, "ocs-storagecluster-ceph-rbd");
    assert_eq!(def.provisioner, "openshift-storage.rbd.csi.ceph.com");
    assert!(
        lab.cluster
            .storage_classes
            .iter()
            .any(|s| s.name == "standard-csi")
    );
}

#[test]
fn secrets_do_not_leak_through_debug() {
    let lab = Lab::default_lab().unwrap();
    let dump = format!("{lab:?}");
    assert!(!dump.contains("mtv-vsphere-pw"));
    assert!(!dump.contains("mtv-ontap-pw"));
    assert!(dump.contains("<redacted>"));
}

fn err(yaml: &str) -> String {
    match Lab::from_yaml_str("bad.yaml", yaml) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("lab accepted:\n{yaml}"),
    }
}

const CLUSTER: &str = "cluster:\n  nodes: [{name: w0, roles: [worker]}]\n  storage_classes: [{name: sc, provisioner: p}]\n";

#[test]
fn unknown_keys_are_rejected_with_location() {
    let e = err(&format!("providers: []\n{CLUSTER}colour: blue\n"));
    assert!(e.contains("bad.yaml") && e.contains("colour"), "{e}");
    let e = err(&format!(
        "providers:\n  - name: v\n    type: vsphere\n    credentials: {{username: u, password: p}}\n    vms: [{{name: a, guest_os: rhel8, disk: []}}]\n{CLUSTER}"
    ));
    assert!(e.contains("disk") && e.contains("line"), "{e}");
}

#[test]
fn bad_vocabulary_names_the_field_and_the_valid_set() {
    let vm = |field: &str| {
        err(&format!(
            "providers:\n  - name: v\n    type: vsphere\n    credentials: {{username: u, password: p}}\n    vms: [{{name: a, guest_os: rhel8, {field}}}]\n{CLUSTER}"
        ))
    };
    let cases = [
        (vm("power: running"), "power", "on, off"),
        (vm("firmware: uefi"), "firmware", "bios, efi"),
        (
            vm("disks: [{size_gb: 1, provisioning: thick}]"),
            "provisioning",
            "thin, thick-lazy, thick-eager",
        ),
        (
            vm("disks: [{size_gb: 1, mode: independent}]"),
            "mode",
            "persistent, independent_persistent, independent_nonpersistent",
        ),
        (
            err(&format!("providers: [{{name: v, type: rhv}}]\n{CLUSTER}")),
            "type",
            "vsphere, ovirt, openstack, openshift, ova",
        ),
    ];
    // The parser's snippet shows the offending `field: value` at its line and column.
    for (e, field, set) in cases {
        let shown = format!("{field}: ");
        assert!(
            e.contains(&shown) && e.contains(set) && e.contains("line"),
            "{e}"
        );
    }
}

#[test]
fn bad_references_are_all_reported_with_paths() {
    let yaml = format!(
        r#"providers:
  - name: v
    type: vsphere
    credentials: {{username: u, password: p}}
    datastores: [{{name: ds1}}]
    networks: [{{name: net1}}]
    vms:
      - name: a
        guest_os: beos
        template: true
        power: on
        disks: [{{size_gb: 0, datastore: nope}}]
        nics: [{{network: nonet, mac: "zz:00"}}]
      - name: a
        guest_os: rhel8
  - name: v
    type: ovirt
{CLUSTER}faults:
  rules:
    - {{vm: "*", step: Teleport, fail: boom}}
    - {{vm: "*", step: CopyDisks}}
"#
    );
    let e = err(&yaml);
    for needle in [
        "providers[0].vms[0].guest_os",
        "providers[0].vms[0].power",
        "providers[0].vms[0].disks[0].size_gb",
        "providers[0].vms[0].disks[0].datastore",
        "providers[0].vms[0].nics[0].network",
        "providers[0].vms[0].nics[0].mac",
        "providers[0].vms[1].name",
        "providers[1].name",
        "providers[1].credentials",
        "faults.rules[0].step",
        "faults.rules[1]",
        "help:",
    ] {
        assert!(e.contains(needle), "missing {needle:?} in:\n{e}");
    }
}

#[test]
fn copy_offload_datastores_are_checked() {
    let yaml = format!(
        r#"providers:
  - name: v
    type: vsphere
    credentials: {{username: u, password: p}}
    datastores: [{{name: fast, xcopy: true, vendor: ontap}}, {{name: slow}}]
    copy_offload:
      vendor: netapp
      datastore: slow
      non_xcopy_datastore: fast
      storage_hostname: h
      storage_username: u
      storage_password: p
{CLUSTER}"#
    );
    let e = err(&yaml);
    assert!(e.contains("copy_offload.vendor"), "{e}");
    assert!(
        e.contains("copy_offload.datastore") && e.contains("not XCOPY-capable"),
        "{e}"
    );
}

#[test]
fn luns_and_rdm_disks_are_resolved_and_checked() {
    let ok = format!(
        r#"providers:
  - name: v
    type: vsphere
    credentials: {{username: u, password: p}}
    datastores: [{{name: fast, xcopy: true, vendor: ontap}}, {{name: nfs, type: NFS}}]
    luns: [{{naa: naa.600a098038314f6c6f3f4d2d4a594b31, capacity_gb: 20}}]
    copy_offload:
      vendor: ontap
      datastore: fast
      storage_hostname: h
      storage_username: u
      storage_password: p
      rdm_lun_uuid: naa.600a098038314f6c6f3f4d2d4a594b31
    vms:
      - name: a
        guest_os: rhel8
        disks: [{{size_gb: 30}}, {{rdm_lun: naa.600a098038314f6c6f3f4d2d4a594b31, rdm_mode: physical}}]
{CLUSTER}"#
    );
    let lab = Lab::from_yaml_str("ok.yaml", &ok).unwrap();
    let p = &lab.providers[0];
    assert_eq!(p.luns.len(), 1);
    assert_eq!(p.luns[0].datastore, p.datastore("fast").unwrap().id);
    let rdm = &p.vms[0].disks[1];
    assert_eq!(rdm.capacity, 20 << 30, "an RDM disk has its LUN's size");
    assert!(rdm.rdm.as_ref().unwrap().physical);
    assert_eq!(rdm.mode, mtvt_sim::lab::DiskMode::IndependentPersistent);
    // unknown LUNs, a mapping file on NFS, a profile LUN that is not defined
    let bad = ok
        .replace(
            "rdm_lun: naa.600a098038314f6c6f3f4d2d4a594b31, rdm_mode: physical",
            "rdm_lun: naa.600a098038314f6c6f3f4d2d4a594b99",
        )
        .replace(
            "{size_gb: 30}",
            "{rdm_lun: naa.600a098038314f6c6f3f4d2d4a594b31, datastore: nfs}",
        )
        .replace(
            "rdm_lun_uuid: naa.600a098038314f6c6f3f4d2d4a594b31",
            "rdm_lun_uuid: naa.600a098038314f6c6f3f4d2d4a594b00",
        );
    let e = err(&bad);
    for needle in [
        "providers[0].vms[0].disks[1].rdm_lun",
        "providers[0].vms[0].disks[0].datastore",
        "VMFS",
        "providers[0].copy_offload.rdm_lun_uuid",
    ] {
        assert!(e.contains(needle), "missing {needle:?} in:\n{e}");
    }
    // a disk without a size and without a LUN
    let e = err(&ok.replace("{size_gb: 30}", "{name: nosize}"));
    assert!(e.contains("providers[0].vms[0].disks[0].size_gb"), "{e}");
}

#[test]
fn cluster_needs_a_worker_and_one_default_class() {
    let e = err(
        "providers: []\ncluster:\n  nodes: [{name: m, roles: [control-plane]}]\n  storage_classes: [{name: a, provisioner: p, default: true}, {name: b, provisioner: p, default: true}]\n",
    );
    assert!(e.contains("worker") && e.contains("default"), "{e}");
}

#[test]
fn json_is_accepted() {
    let lab = Lab::from_yaml_str(
        "lab.json",
        r#"{"providers": [{"name": "o", "type": "ova", "vms": [{"name": "x", "guest_os": "rhel9", "disks": [{"size_gb": 1}]}]}],
            "cluster": {"nodes": [{"name": "w", "roles": ["worker"]}], "storage_classes": [{"name": "s", "provisioner": "p"}]}}"#,
    )
    .unwrap();
    assert_eq!(lab.providers[0].vms[0].disks[0].capacity, 1 << 30);
}

#[test]
fn missing_file_names_the_path() {
    let e = Lab::from_path(std::path::Path::new("/nonexistent/lab.yaml")).unwrap_err();
    assert!(matches!(e, LabError::Read { .. }));
    assert!(e.to_string().contains("/nonexistent/lab.yaml"));
}

#[test]
fn history_serves_past_worlds_and_notifies() {
    let origin = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let clock = Clock::starting_at(origin, 1000.0);
    let handle = LabHandle::new(Lab::default_lab().unwrap(), clock.clone());
    let mut rx = handle.subscribe();
    let before = clock.now();
    std::thread::sleep(Duration::from_millis(5));
    handle.power_on("vsphere", "mtv-tests-rhel8").unwrap();
    assert!(rx.has_changed().unwrap());
    assert_eq!(*rx.borrow_and_update(), 2);
    let past = handle.world_at(before);
    assert_eq!(
        past.provider("vsphere")
            .unwrap()
            .vm_by_name("mtv-tests-rhel8")
            .unwrap()
            .power,
        PowerState::Off
    );
    let now = handle.world_at(clock.now());
    let vm = now
        .provider("vsphere")
        .unwrap()
        .vm_by_name("mtv-tests-rhel8")
        .unwrap();
    assert_eq!(vm.power, PowerState::On);
    assert_eq!(vm.revision, 2);
    let failed = handle.clone_vm(
        "vsphere",
        "no-such-vm",
        CloneSpec {
            name: "x".into(),
            ..Default::default()
        },
    );
    assert!(failed.is_err());
    assert_eq!(
        handle.revision(),
        2,
        "a refused change does not bump the revision"
    );
}

#[test]
fn guest_faults_come_from_the_lab_file() {
    let lab = |faults: &str| {
        Lab::from_yaml_str(
            "lab.json",
            &format!(
                r#"{{"providers": [{{"name": "o", "type": "ova", "vms": [{{"name": "x", "guest_os": "rhel9", "disks": [{{"size_gb": 1}}]}}]}}],
            "cluster": {{"nodes": [{{"name": "w", "roles": ["worker"]}}], "storage_classes": [{{"name": "s", "provisioner": "p"}}]}},
            "faults": {{"guest": {faults}}}}}"#
            ),
        )
    };
    let ok = lab(
        r#"[{"vm": "*mtv-win*", "fault": "lose_static_ip"}, {"vm": "*", "fault": "no_agent"}]"#,
    )
    .unwrap();
    assert_eq!(ok.faults.guest.len(), 2);
    assert_eq!(ok.faults.guest[0].vm, "*mtv-win*");
    assert_eq!(
        ok.faults.guest[1].fault,
        mtvt_sim::guest::GuestFaultKind::NoAgent
    );
    let bad = lab(r#"[{"vm": "*", "fault": "melt"}]"#)
        .unwrap_err()
        .to_string();
    assert!(
        bad.contains("melt") && bad.contains("lose_static_ip"),
        "{bad}"
    );
}
