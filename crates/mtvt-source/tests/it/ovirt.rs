//! oVirt adapter against the emulator's engine API router.

use std::time::Duration;

use mtvt_sim::lab::{PowerState as LabPower, Provisioning as LabProvisioning};
use mtvt_source::naming::clone_vm_name;
use mtvt_source::{AddDisk, CloneRequest, SourceError};
use mtvt_vocab::{DiskMode, PowerState, Provisioning};

use crate::support;

#[tokio::test]
async fn wrong_password_is_an_auth_error() {
    let s = support::start().await;
    let mut a = s.adapter_with_password("ovirt", "nope");
    let e = a.connect().await.unwrap_err();
    assert!(matches!(e, SourceError::Auth { status: 400, .. }), "{e}");
    assert!(e.to_string().contains("access_denied"), "{e}");
}

#[tokio::test]
async fn vm_from_template_power_snapshots_disk_facts_delete() {
    let s = support::start().await;
    let a = s.adapter("ovirt").await;
    let template = a.find_vm("mtv-rhel8-warm-2disks2nics").await.unwrap();
    assert!(template.template);
    assert!(a.find_vm("no-such-vm").await.unwrap_err().is_not_found());

    let name = clone_vm_name("auto-ab12", &template.name, None, false, &mut rand::rng());
    let mut placed = CloneRequest::new(&name);
    placed.target_datastore = Some("mtv-data".into());
    let e = a.clone_vm(&template, &placed).await.unwrap_err();
    assert!(e.is_unsupported(), "{e}");
    let mut cbt = CloneRequest::new(&name);
    cbt.enable_cbt = true;
    assert!(
        a.clone_vm(&template, &cbt)
            .await
            .unwrap_err()
            .is_unsupported()
    );
    assert!(
        s.lab.find_vm("ovirt", &name).is_err(),
        "refusals change nothing"
    );

    let clone = a
        .clone_vm(&template, &CloneRequest::new(&name))
        .await
        .unwrap();
    assert!(!clone.vm.template);
    assert_eq!(a.find_vm(&name).await.unwrap(), clone.vm);
    assert_eq!(s.lab_vm("ovirt", &name).power, LabPower::Off);
    // VMs are not templates: cloning one is refused with the reason.
    let e = a
        .clone_vm(&clone.vm, &CloneRequest::new("auto-x-2"))
        .await
        .unwrap_err();
    assert!(
        e.is_unsupported() && e.to_string().contains("template"),
        "{e}"
    );

    a.power_on(&clone.vm).await.unwrap();
    a.power_on(&clone.vm).await.unwrap();
    assert_eq!(s.lab_vm("ovirt", &name).power, LabPower::On);
    let guest = a
        .wait_for_guest_info(&clone.vm, Duration::from_secs(5))
        .await
        .unwrap();
    let lab_ips: Vec<String> = s
        .lab_vm("ovirt", &name)
        .nics
        .iter()
        .flat_map(|n| n.ips.iter().map(|i| i.address.clone()))
        .collect();
    assert_eq!(guest.ips, lab_ips);

    let snap = a
        .create_snapshot(&clone.vm, "before-migration", "d")
        .await
        .unwrap();
    assert!(!snap.id.is_empty());
    let snaps = a.list_snapshots(&clone.vm).await.unwrap();
    assert_eq!(snaps.len(), 1);
    assert_eq!(snaps[0].name, "before-migration");

    let mut disk = AddDisk::new(5 << 30);
    disk.datastore = Some("mtv-data".into());
    disk.provisioning = Some(Provisioning::ThickLazy);
    let added = a.add_disk(&clone.vm, &disk).await.unwrap();
    assert_eq!(added.capacity_bytes, Some(5 << 30));
    let lab_vm = s.lab_vm("ovirt", &name);
    assert_eq!(lab_vm.disks.len(), 3);
    assert_eq!(lab_vm.disks[2].provisioning, LabProvisioning::ThickLazy);
    assert_eq!(lab_vm.disks[2].capacity, 5 << 30);
    let mut independent = AddDisk::new(1 << 30);
    independent.datastore = Some("mtv-data".into());
    independent.mode = DiskMode::IndependentPersistent;
    assert!(
        a.add_disk(&clone.vm, &independent)
            .await
            .unwrap_err()
            .is_unsupported()
    );
    assert!(a.enable_cbt(&clone.vm).await.unwrap_err().is_unsupported());
    let e = a
        .add_disk(&clone.vm, &AddDisk::new(1 << 30))
        .await
        .unwrap_err();
    assert!(matches!(e, SourceError::InvalidRequest { .. }), "{e}");

    let f = a.vm_facts(&clone.vm).await.unwrap();
    assert_eq!(f.power_state, PowerState::On);
    assert_eq!(f.cpu_sockets, Some(lab_vm.cpu_sockets));
    assert_eq!(f.cpu_cores_per_socket, Some(lab_vm.cores_per_socket));
    assert_eq!(f.memory_mib, lab_vm.memory_mb);
    assert_eq!(f.serial.as_deref(), Some(lab_vm.serial.as_str()));
    let macs: Vec<_> = f.nics.iter().map(|n| n.mac.clone()).collect();
    let lab_macs: Vec<_> = lab_vm.nics.iter().map(|n| n.mac.clone()).collect();
    assert_eq!(macs, lab_macs);
    assert_eq!(f.nics[1].ips, vec![lab_ips[1].clone()]);
    assert_eq!(f.disks.len(), 3);
    assert_eq!(f.snapshots.len(), 1);

    a.power_off(&clone.vm).await.unwrap();
    a.power_off(&clone.vm).await.unwrap();
    a.power_on(&clone.vm).await.unwrap();
    // delete stops a running VM first
    a.delete_vm(&clone.vm).await.unwrap();
    assert!(s.lab.find_vm("ovirt", &name).is_err());
    a.delete_vm(&clone.vm).await.unwrap();
}
