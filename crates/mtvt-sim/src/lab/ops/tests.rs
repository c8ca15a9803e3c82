use super::*;
use crate::lab::Lab;

fn vsphere() -> Provider {
    Lab::default_lab()
        .unwrap()
        .provider("vsphere")
        .unwrap()
        .clone()
}

fn now() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}

#[test]
fn clone_gets_new_identity_and_files() {
    let mut p = vsphere();
    let src = p.vm_by_name("mtv-tests-rhel8").unwrap().clone();
    let c = clone_vm(
        &mut p,
        "mtv-tests-rhel8",
        CloneSpec {
            name: "rhel8-clone".into(),
            ..Default::default()
        },
        now(),
    )
    .unwrap();
    assert_ne!(c.id, src.id);
    assert_ne!(c.uuid, src.uuid);
    assert_eq!(c.power, PowerState::Off);
    assert_eq!(c.cloned_from.as_deref(), Some(src.id.as_str()));
    assert!(
        c.disks[0].file.ends_with("rhel8-clone/rhel8-clone.vmdk"),
        "{}",
        c.disks[0].file
    );
    assert_ne!(c.nics[0].mac, src.nics[0].mac);
    assert!(c.serial.starts_with("VMware-42 "));
    let again = clone_vm(
        &mut p,
        "mtv-tests-rhel8",
        CloneSpec {
            name: "rhel8-clone".into(),
            ..Default::default()
        },
        now(),
    );
    assert!(matches!(again, Err(LabOpError::NameTaken { .. })));
}

#[test]
fn clone_to_other_datastore_with_provisioning() {
    let mut p = vsphere();
    let non = p
        .copy_offload
        .clone()
        .unwrap()
        .non_xcopy_datastore_id
        .unwrap();
    let c = clone_vm(
        &mut p,
        "xcopy-template-test",
        CloneSpec {
            name: "x1".into(),
            datastore: Some(non.clone()),
            provisioning: Some(Provisioning::ThickEager),
            cbt: Some(true),
            ..Default::default()
        },
        now(),
    )
    .unwrap();
    assert!(!c.template);
    assert!(c.cbt);
    assert!(
        c.disks
            .iter()
            .all(|d| d.datastore == non && d.provisioning == Provisioning::ThickEager)
    );
}

#[test]
fn power_and_tools() {
    let mut p = vsphere();
    let v = set_power(&mut p, "mtv-tests-rhel8", true).unwrap();
    assert!(v.tools_running());
    assert!(!v.guest_ips().is_empty());
    assert_eq!(
        set_power(&mut p, "mtv-tests-rhel8", true),
        Err(LabOpError::AlreadyOn {
            vm: "mtv-tests-rhel8".into()
        })
    );
    assert!(matches!(
        delete_vm(&mut p, "mtv-tests-rhel8"),
        Err(LabOpError::PoweredOn { .. })
    ));
    let v = set_power(&mut p, "mtv-tests-rhel8", false).unwrap();
    assert!(v.guest_ips().is_empty());
    assert!(matches!(
        set_power(&mut p, "xcopy-template-test", true),
        Err(LabOpError::IsTemplate { .. })
    ));
}

#[test]
fn snapshots_chain_and_delta_files() {
    let mut p = vsphere();
    let s1 = create_snapshot(
        &mut p,
        "mtv-tests-rhel8",
        SnapshotSpec {
            name: "s1".into(),
            ..Default::default()
        },
        now(),
    )
    .unwrap();
    let s2 = create_snapshot(
        &mut p,
        "mtv-tests-rhel8",
        SnapshotSpec {
            name: "s2".into(),
            ..Default::default()
        },
        now(),
    )
    .unwrap();
    assert_eq!(s2.parent.as_deref(), Some(s1.id.as_str()));
    let v = p.vm_by_name("mtv-tests-rhel8").unwrap();
    let d = &v.disks[0];
    assert!(v.disk_backing_file(d).ends_with("-000002.vmdk"));
    assert!(v.disk_parent_file(d).ends_with("-000001.vmdk"));
    remove_snapshot(&mut p, "mtv-tests-rhel8", &s1.id).unwrap();
    let v = p.vm_by_name("mtv-tests-rhel8").unwrap();
    assert_eq!(v.snapshots[0].parent, None);
    assert!(matches!(
        remove_snapshot(&mut p, "mtv-tests-rhel8", "nope"),
        Err(LabOpError::SnapshotNotFound { .. })
    ));
}

#[test]
fn add_disk_in_datastore_folder() {
    let mut p = vsphere();
    let primary = p.copy_offload.clone().unwrap().datastore_id;
    let d = add_disk(
        &mut p,
        "mtv-tests-rhel8",
        AddDiskSpec {
            capacity: 30 << 30,
            datastore: Some(primary.clone()),
            folder: Some("shared_disks".into()),
            provisioning: Provisioning::ThickLazy,
            mode: DiskMode::IndependentPersistent,
            bus: None,
            name: None,
            file_name: None,
            rdm: None,
        },
    )
    .unwrap();
    assert!(
        d.file.contains("] shared_disks/mtv-tests-rhel8_1.vmdk"),
        "{}",
        d.file
    );
    assert_eq!(d.key, 2001);
    assert_eq!(d.unit_number, 1);
    let err = add_disk(
        &mut p,
        "mtv-tests-rhel8",
        AddDiskSpec {
            capacity: 1,
            datastore: Some(primary),
            folder: Some("nope".into()),
            provisioning: Provisioning::Thin,
            mode: DiskMode::Persistent,
            bus: None,
            name: None,
            file_name: None,
            rdm: None,
        },
    );
    assert!(matches!(err, Err(LabOpError::FolderNotFound { .. })));
}
