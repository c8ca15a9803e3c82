//! OpenStack adapter against the emulator's Keystone/Nova/Glance/Cinder router.

use std::time::Duration;

use mtvt_sim::lab::PowerState as LabPower;
use mtvt_source::naming::clone_vm_name;
use mtvt_source::{AddDisk, CloneRequest, SourceArtifact, SourceError};
use mtvt_vocab::PowerState;

use crate::support;

#[tokio::test]
async fn wrong_password_is_an_auth_error() {
    let s = support::start().await;
    let mut a = s.adapter_with_password("openstack", "nope");
    let e = a.connect().await.unwrap_err();
    assert!(matches!(e, SourceError::Auth { status: 401, .. }), "{e}");
    assert!(e.to_string().contains("/v3/auth/tokens"), "{e}");
}

#[tokio::test]
async fn catalog_endpoints_point_at_the_service() {
    let s = support::start().await;
    let a = s.adapter("openstack").await;
    let mtvt_source::SourceAdapter::Openstack(c) = &a else {
        panic!("not openstack")
    };
    let cat = c.catalog().unwrap();
    let base = &s.endpoints["openstack"];
    assert_eq!(cat.compute.as_str(), format!("{base}/compute/v2.1/"));
    assert!(
        cat.volume
            .as_ref()
            .unwrap()
            .as_str()
            .starts_with(&format!("{base}/volume/v3/"))
    );
}

#[tokio::test]
async fn clone_power_snapshot_facts_delete_and_artifacts() {
    let s = support::start().await;
    let a = s.adapter("openstack").await;
    let base = a.find_vm("mtv-rhel8-warm-2disks2nics").await.unwrap();
    assert!(a.find_vm("mtv-rhel8").await.unwrap_err().is_not_found());

    let name = clone_vm_name("auto-ab12", &base.name, None, false, &mut rand::rng());
    let mut typed = CloneRequest::new(&name);
    typed.target_datastore = Some("ceph-ssd".into());
    assert!(
        a.clone_vm(&base, &typed)
            .await
            .unwrap_err()
            .is_unsupported()
    );

    let clone = a.clone_vm(&base, &CloneRequest::new(&name)).await.unwrap();
    let lab_vm = s.lab_vm("openstack", &name);
    assert_eq!(lab_vm.id, clone.vm.id);
    assert_eq!(lab_vm.power, LabPower::Off, "clones are left powered off");
    assert_eq!(lab_vm.disks.len(), 2);
    assert_eq!(clone.artifacts.len(), 1, "{:?}", clone.artifacts);
    let SourceArtifact::Image { id: image, .. } = &clone.artifacts[0] else {
        panic!("{:?}", clone.artifacts)
    };
    assert!(
        s.lab_vm("openstack", &base.name)
            .snapshots
            .iter()
            .any(|x| &x.id == image)
    );

    a.power_on(&clone.vm).await.unwrap();
    a.power_on(&clone.vm).await.unwrap();
    let guest = a
        .wait_for_guest_info(&clone.vm, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(guest.ips.len(), 2, "{guest:?}");

    let snap = a.create_snapshot(&clone.vm, "snap-1", "").await.unwrap();
    let snaps = a.list_snapshots(&clone.vm).await.unwrap();
    assert_eq!(
        snaps.iter().map(|x| x.id.clone()).collect::<Vec<_>>(),
        vec![snap.id]
    );

    assert!(
        a.add_disk(&clone.vm, &AddDisk::new(1 << 30))
            .await
            .unwrap_err()
            .is_unsupported()
    );
    assert!(a.enable_cbt(&clone.vm).await.unwrap_err().is_unsupported());

    let f = a.vm_facts(&clone.vm).await.unwrap();
    assert_eq!(f.power_state, PowerState::On);
    assert_eq!(f.cpu_count, lab_vm.cpu_sockets * lab_vm.cores_per_socket);
    assert_eq!(f.memory_mib, lab_vm.memory_mb);
    let nets: Vec<_> = f.nics.iter().map(|n| n.network.clone().unwrap()).collect();
    assert_eq!(nets, vec!["mtv-private", "mtv-secondary"]);
    let types: Vec<_> = f
        .disks
        .iter()
        .map(|d| d.datastore_name.clone().unwrap())
        .collect();
    assert_eq!(types, vec!["tripleo", "ceph-ssd"]);
    assert_eq!(f.disks[0].capacity_bytes, Some(30 << 30));
    assert_eq!(f.snapshots.len(), 1);

    a.delete_vm(&clone.vm).await.unwrap();
    assert!(s.lab.find_vm("openstack", &name).is_err());
    a.delete_vm(&clone.vm).await.unwrap();
    for artifact in &clone.artifacts {
        a.delete_artifact(artifact).await.unwrap();
        a.delete_artifact(artifact).await.unwrap();
    }
    assert!(
        !s.lab_vm("openstack", &base.name)
            .snapshots
            .iter()
            .any(|x| &x.id == image)
    );
}
