//! vSphere adapter against the emulator's Automation REST + VI/JSON router.

use std::time::Duration;

use mtvt_sim::lab::{DiskMode as LabMode, PowerState as LabPower, Provisioning as LabProvisioning};
use mtvt_source::naming::clone_vm_name;
use mtvt_source::{AddDisk, CloneRequest, GuestToolsState, SourceError};
use mtvt_vocab::{DiskMode, Firmware, PowerState, Provisioning};

use crate::support;

#[tokio::test]
async fn wrong_password_is_an_auth_error() {
    let s = support::start().await;
    let mut a = s.adapter_with_password("vsphere", "not-the-password");
    let e = a.connect().await.unwrap_err();
    assert!(matches!(e, SourceError::Auth { status: 401, .. }), "{e}");
    assert!(e.to_string().contains("/api/session"), "{e}");
    // Not connected: operations say so instead of sending unauthenticated requests.
    let e = a.find_vm("mtv-tests-rhel8").await.unwrap_err();
    assert!(matches!(e, SourceError::NotConnected { .. }), "{e}");
}

#[tokio::test]
async fn find_clone_power_snapshot_disk_facts_delete() {
    let s = support::start().await;
    let a = s.adapter("vsphere").await;
    let base = a.find_vm("mtv-tests-rhel8").await.unwrap();
    assert!(!base.template);
    assert!(a.find_vm("xcopy-template-test").await.unwrap().template);
    assert!(a.find_vm("no-such-vm").await.unwrap_err().is_not_found());

    // Clone onto the secondary datastore (named), thick-eager, with CBT.
    let name = clone_vm_name("auto-ab12", &base.name, None, false, &mut rand::rng());
    let mut req = CloneRequest::new(&name);
    req.target_datastore = Some("mtv-ontap-xcopy-02".into());
    req.disk_provisioning = Some(Provisioning::ThickEager);
    req.enable_cbt = true;
    let clone = a.clone_vm(&base, &req).await.unwrap();
    assert!(clone.artifacts.is_empty());
    let lab_vm = s.lab_vm("vsphere", &name);
    assert_eq!(lab_vm.id, clone.vm.id);
    assert_eq!(lab_vm.power, LabPower::Off);
    assert!(lab_vm.cbt);
    assert_eq!(lab_vm.disks[0].datastore, "datastore-1042");
    assert_eq!(lab_vm.disks[0].provisioning, LabProvisioning::ThickEager);
    // A second clone with the same name is refused by vCenter.
    let e = a.clone_vm(&base, &req).await.unwrap_err();
    assert!(matches!(e, SourceError::TaskFailed { .. }), "{e}");

    // Power on twice (idempotent), guest info, then facts.
    a.power_on(&clone.vm).await.unwrap();
    a.power_on(&clone.vm).await.unwrap();
    assert_eq!(s.lab_vm("vsphere", &name).power, LabPower::On);
    let guest = a
        .wait_for_guest_info(&clone.vm, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(!guest.ips.is_empty());

    // Snapshots, oldest first.
    for i in 1..=2 {
        let snap = mtvt_source::naming::snapshot_name(&name, "auto-ab12", i);
        let made = a
            .create_snapshot(&clone.vm, &snap, "mtvt test")
            .await
            .unwrap();
        assert!(made.id.starts_with("snapshot-"), "{made:?}");
    }
    let snaps = a.list_snapshots(&clone.vm).await.unwrap();
    let names: Vec<_> = snaps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        vec![
            format!("{name}-auto-ab12-snapshot-1"),
            format!("{name}-auto-ab12-snapshot-2")
        ]
    );

    // Add a 10 GiB independent disk in the shared_disks folder of the primary datastore.
    let mut disk = AddDisk::new(10 << 30);
    disk.datastore = Some("datastore-1041".into());
    disk.folder = Some("shared_disks".into());
    disk.mode = DiskMode::IndependentPersistent;
    disk.provisioning = Some(Provisioning::Thin);
    let added = a.add_disk(&clone.vm, &disk).await.unwrap();
    assert_eq!(added.capacity_bytes, Some(10 << 30));
    assert_eq!(added.datastore_id.as_deref(), Some("datastore-1041"));
    assert!(
        added
            .file
            .as_deref()
            .unwrap()
            .starts_with("[mtv-ontap-xcopy-01] shared_disks/"),
        "{added:?}"
    );
    let lab_disk = s.lab_vm("vsphere", &name).disks.last().cloned().unwrap();
    assert_eq!(lab_disk.mode, LabMode::IndependentPersistent);
    assert_eq!(lab_disk.provisioning, LabProvisioning::Thin);

    let f = a.vm_facts(&clone.vm).await.unwrap();
    let lab_vm = s.lab_vm("vsphere", &name);
    assert_eq!(f.name, name);
    assert_eq!(f.power_state, PowerState::On);
    assert_eq!(f.cpu_sockets, Some(lab_vm.cpu_sockets));
    assert_eq!(f.cpu_cores_per_socket, Some(lab_vm.cores_per_socket));
    assert_eq!(f.memory_mib, lab_vm.memory_mb);
    assert_eq!(f.firmware, Some(Firmware::Bios));
    assert_eq!(f.uuid.as_deref(), Some(lab_vm.uuid.as_str()));
    assert_eq!(f.serial.as_deref(), Some(lab_vm.serial.as_str()));
    assert_eq!(f.guest_tools, GuestToolsState::Running);
    assert_eq!(f.cbt_enabled, Some(true));
    assert_eq!(f.nics.len(), 1);
    assert_eq!(f.nics[0].mac, lab_vm.nics[0].mac);
    assert_eq!(f.nics[0].network.as_deref(), Some("VM Network"));
    let lab_ips: Vec<_> = lab_vm.nics[0]
        .ips
        .iter()
        .map(|i| i.address.clone())
        .collect();
    assert_eq!(f.nics[0].ips, lab_ips);
    assert_eq!(guest.ips, lab_ips);
    assert_eq!(f.disks.len(), 2);
    assert_eq!(
        f.disks[0].datastore_name.as_deref(),
        Some("mtv-ontap-xcopy-02")
    );
    assert_eq!(f.disks[0].provisioning, Some(Provisioning::ThickEager));
    assert_eq!(f.disks[0].capacity_bytes, Some(30 << 30));
    assert_eq!(f.disks[1].mode, Some(DiskMode::IndependentPersistent));
    assert_eq!(f.snapshots.len(), 2);

    // Power off twice, delete twice (the second is a no-op).
    a.power_off(&clone.vm).await.unwrap();
    a.power_off(&clone.vm).await.unwrap();
    a.delete_vm(&clone.vm).await.unwrap();
    assert!(s.lab.find_vm("vsphere", &name).is_err());
    a.delete_vm(&clone.vm).await.unwrap();
}

#[tokio::test]
async fn delete_powers_off_first_and_cbt_can_be_enabled_later() {
    let s = support::start().await;
    let a = s.adapter("vsphere").await;
    let base = a.find_vm("mtv-rhel8-warm-2disks2nics").await.unwrap();
    let name = clone_vm_name("auto-cd34", &base.name, None, false, &mut rand::rng());
    let mut req = CloneRequest::new(&name);
    req.power_on = true;
    let clone = a.clone_vm(&base, &req).await.unwrap();
    let lab_vm = s.lab_vm("vsphere", &name);
    assert_eq!(lab_vm.power, LabPower::On);
    assert!(!lab_vm.cbt);
    a.enable_cbt(&clone.vm).await.unwrap();
    assert!(s.lab_vm("vsphere", &name).cbt);
    let f = a.vm_facts(&clone.vm).await.unwrap();
    let networks: Vec<_> = f.nics.iter().map(|n| n.network.clone().unwrap()).collect();
    assert_eq!(networks, vec!["VM Network", "Mgmt Network"]);
    a.delete_vm(&clone.vm).await.unwrap();
    assert!(s.lab.find_vm("vsphere", &name).is_err());
}

#[tokio::test]
async fn name_rules_and_templates() {
    let s = support::start().await;
    let a = s.adapter("vsphere").await;
    let template = a.find_vm("xcopy-template-test").await.unwrap();
    let e = a
        .clone_vm(&template, &CloneRequest::new("XCopy_Test_VM_CAPS"))
        .await
        .unwrap_err();
    assert!(matches!(e, SourceError::InvalidRequest { .. }), "{e}");
    assert!(s.lab.find_vm("vsphere", "XCopy_Test_VM_CAPS").is_err());
    let mut req = CloneRequest::new("XCopy_Test_VM_CAPS");
    req.preserve_name_format = true;
    req.disk_provisioning = Some(Provisioning::Thin);
    let clone = a.clone_vm(&template, &req).await.unwrap();
    assert_eq!(s.lab_vm("vsphere", "XCopy_Test_VM_CAPS").id, clone.vm.id);
    let mut bad_ds = CloneRequest::new("auto-x-1");
    bad_ds.target_datastore = Some("no-such-ds".into());
    let e = a.clone_vm(&template, &bad_ds).await.unwrap_err();
    assert!(
        e.is_not_found() && e.to_string().contains("datastore-1041"),
        "{e}"
    );
    a.delete_vm(&clone.vm).await.unwrap();
}
