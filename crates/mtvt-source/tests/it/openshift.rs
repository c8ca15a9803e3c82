//! OpenShift (KubeVirt) adapter against the emulator's Kubernetes API server, through a
//! real kube client. The emulator's KubeVirt controllers are not part of this crate's
//! dependencies' behaviour yet, so the test runs a minimal stand-in controller (status,
//! VMI, snapshot readiness) on the same API, which is what the adapter's watches wait for.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use kube::api::{
    Api, ApiResource, DynamicObject, GroupVersionKind, Patch, PatchParams, PostParams,
};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::runtime::{WatchStreamExt, watcher};
use mtvt_sim::clock::Clock;
use mtvt_sim::lab::{self, LabHandle};
use mtvt_sim::server::{Server, ServerHandle};
use mtvt_sim::store::ResourceKind;
use mtvt_source::{
    AddDisk, CloneRequest, GuestToolsState, SourceAdapter, SourceError, WaitOptions,
};
use mtvt_vocab::{PowerState, Provisioning};
use serde_json::{Value, json};

use crate::support;

const NS: &str = "mtv-source-vms";

fn ar(group: &str, version: &str, kind: &str, plural: &str) -> ApiResource {
    ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, version, kind), plural)
}

async fn client(handle: &ServerHandle, token: Option<&str>) -> kube::Client {
    let mut yaml = handle.kubeconfig_yaml();
    if let Some(t) = token {
        yaml = yaml.replace(handle.token(), t);
    }
    let kc = Kubeconfig::from_yaml(&yaml).unwrap();
    let config = kube::Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .unwrap();
    kube::Client::try_from(config).unwrap()
}

/// Creates `objects`; returns name → uid.
async fn create_all(
    client: &kube::Client,
    ar: &ApiResource,
    objects: Vec<Value>,
) -> std::collections::BTreeMap<String, String> {
    let mut uids = std::collections::BTreeMap::new();
    for o in objects {
        let obj: DynamicObject = serde_json::from_value(o).unwrap();
        let api: Api<DynamicObject> = match obj.metadata.namespace.as_deref() {
            Some(ns) => Api::namespaced_with(client.clone(), ns, ar),
            None => Api::all_with(client.clone(), ar),
        };
        let made = api.create(&PostParams::default(), &obj).await.unwrap();
        uids.insert(made.metadata.name.unwrap(), made.metadata.uid.unwrap());
    }
    uids
}

/// Stand-in for KubeVirt: VM status from runStrategy, a VMI with an IP and a connected
/// agent while running; snapshots become ready.
async fn fake_kubevirt(client: kube::Client) {
    let vms: Api<DynamicObject> = Api::namespaced_with(
        client.clone(),
        NS,
        &ar("kubevirt.io", "v1", "VirtualMachine", "virtualmachines"),
    );
    let vmi_ar = ar(
        "kubevirt.io",
        "v1",
        "VirtualMachineInstance",
        "virtualmachineinstances",
    );
    let vmis: Api<DynamicObject> = Api::namespaced_with(client.clone(), NS, &vmi_ar);
    let snap_ar = ar(
        "snapshot.kubevirt.io",
        "v1beta1",
        "VirtualMachineSnapshot",
        "virtualmachinesnapshots",
    );
    let snaps: Api<DynamicObject> = Api::namespaced_with(client.clone(), NS, &snap_ar);
    let snaps_task = snaps.clone();
    tokio::spawn(async move {
        let mut events = watcher(snaps_task.clone(), watcher::Config::default())
            .applied_objects()
            .boxed();
        while let Ok(Some(s)) = events.try_next().await {
            if s.data.pointer("/status/readyToUse") != Some(&json!(true)) {
                let name = s.metadata.name.clone().unwrap();
                let _ = snaps_task
                    .patch_status(
                        &name,
                        &PatchParams::default(),
                        &Patch::Merge(
                            json!({"status": {"readyToUse": true, "phase": "Succeeded"}}),
                        ),
                    )
                    .await;
            }
        }
    });
    let mut events = watcher(vms.clone(), watcher::Config::default())
        .applied_objects()
        .boxed();
    let mut n = 10;
    while let Ok(Some(vm)) = events.try_next().await {
        let name = vm.metadata.name.clone().unwrap();
        let on = vm.data.pointer("/spec/runStrategy") == Some(&json!("Always"));
        let want = if on { "Running" } else { "Stopped" };
        if on && vmis.get_opt(&name).await.unwrap().is_none() {
            n += 1;
            let mut vmi = DynamicObject::new(&name, &vmi_ar).within(NS);
            vmi.data = json!({"spec": vm.data.pointer("/spec/template/spec").cloned().unwrap_or_default()});
            if vmis.create(&PostParams::default(), &vmi).await.is_ok() {
                let status = json!({"status": {"phase": "Running",
                    "conditions": [{"type": "AgentConnected", "status": "True"}],
                    "interfaces": [{"name": "default", "ipAddress": format!("10.128.0.{n}"), "mac": "02:00:00:00:00:01"}]}});
                let _ = vmis
                    .patch_status(&name, &PatchParams::default(), &Patch::Merge(status))
                    .await;
            }
        }
        if !on {
            let _ = vmis.delete(&name, &Default::default()).await;
        }
        if vm.data.pointer("/status/printableStatus") != Some(&json!(want)) {
            let _ = vms
                .patch_status(
                    &name,
                    &PatchParams::default(),
                    &Patch::Merge(json!({"status": {"printableStatus": want}})),
                )
                .await;
        }
    }
}

async fn start() -> (ServerHandle, kube::Client, LabHandle) {
    support::install_crypto();
    let handle = Server::builder()
        .time_scale(1000.0)
        .kind(
            ResourceKind::new(
                "snapshot.kubevirt.io",
                "v1beta1",
                "VirtualMachineSnapshot",
                "virtualmachinesnapshots",
            )
            .status(),
        )
        .start()
        .await
        .unwrap();
    let client = client(&handle, None).await;
    let lab = LabHandle::new(lab::Lab::default_lab().unwrap(), Clock::new(1000.0));
    let objs = lab::openshift_source_objects(lab.lab());
    create_all(
        &client,
        &ar("", "v1", "Namespace", "namespaces"),
        objs.namespaces,
    )
    .await;
    create_all(
        &client,
        &ar(
            "k8s.cni.cncf.io",
            "v1",
            "NetworkAttachmentDefinition",
            "network-attachment-definitions",
        ),
        objs.network_attachment_definitions,
    )
    .await;
    let dv_uids = create_all(
        &client,
        &ar("cdi.kubevirt.io", "v1beta1", "DataVolume", "datavolumes"),
        objs.data_volumes,
    )
    .await;
    // lab::openshift_source_objects leaves owner uids empty (the API server assigns DV uids).
    let mut pvcs = objs.persistent_volume_claims;
    for pvc in &mut pvcs {
        for owner in pvc["metadata"]["ownerReferences"]
            .as_array_mut()
            .into_iter()
            .flatten()
        {
            owner["uid"] = json!(dv_uids[owner["name"].as_str().unwrap()]);
        }
    }
    create_all(
        &client,
        &ar("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
        pvcs,
    )
    .await;
    create_all(
        &client,
        &ar("kubevirt.io", "v1", "VirtualMachine", "virtualmachines"),
        objs.virtual_machines,
    )
    .await;
    tokio::spawn(fake_kubevirt(client.clone()));
    (handle, client, lab)
}

#[tokio::test]
async fn refused_token_is_an_auth_error() {
    let (handle, _client, _lab) = start().await;
    let bad = client(&handle, Some("not-the-token")).await;
    let mut a = SourceAdapter::openshift(bad, NS, WaitOptions::fast());
    let e = a.connect().await.unwrap_err();
    assert!(matches!(e, SourceError::Auth { status: 401, .. }), "{e}");
    assert!(!format!("{e:?}").contains(handle.token()));
}

#[tokio::test]
async fn clone_power_guest_snapshot_disk_facts_delete() {
    let (_handle, client, lab) = start().await;
    let mut a = SourceAdapter::openshift(client.clone(), NS, WaitOptions::fast());
    a.connect().await.unwrap();
    let base = a.find_vm("mtv-rhel8-warm-2disks2nics").await.unwrap();
    assert!(!base.id.is_empty());
    assert!(a.find_vm("no-such-vm").await.unwrap_err().is_not_found());

    let mut thick = CloneRequest::new("auto-ab12-warm-x1");
    thick.disk_provisioning = Some(Provisioning::ThickLazy);
    assert!(
        a.clone_vm(&base, &thick)
            .await
            .unwrap_err()
            .is_unsupported()
    );
    let mut caps = CloneRequest::new("XCopy_Test_VM_CAPS");
    caps.preserve_name_format = true;
    assert!(matches!(
        a.clone_vm(&base, &caps).await.unwrap_err(),
        SourceError::InvalidRequest { .. }
    ));

    let clone = a
        .clone_vm(&base, &CloneRequest::new("auto-ab12-warm-x1"))
        .await
        .unwrap();
    let vms: Api<DynamicObject> = Api::namespaced_with(
        client.clone(),
        NS,
        &ar("kubevirt.io", "v1", "VirtualMachine", "virtualmachines"),
    );
    let created = vms.get("auto-ab12-warm-x1").await.unwrap();
    assert_eq!(created.data["spec"]["runStrategy"], "Halted");
    let dvts = created.data["spec"]["dataVolumeTemplates"]
        .as_array()
        .unwrap();
    assert_eq!(dvts.len(), 2);
    assert_eq!(dvts[0]["spec"]["source"]["pvc"]["namespace"], NS);
    assert_eq!(
        created.data["spec"]["template"]["spec"]["volumes"][0]["dataVolume"]["name"],
        "auto-ab12-warm-x1-rootdisk"
    );

    a.power_on(&clone.vm).await.unwrap();
    a.power_on(&clone.vm).await.unwrap();
    let guest = a
        .wait_for_guest_info(&clone.vm, Duration::from_secs(5))
        .await
        .unwrap();
    assert!(guest.ips[0].starts_with("10.128.0."), "{guest:?}");

    let snap = a
        .create_snapshot(&clone.vm, "snap-1", "before migration")
        .await
        .unwrap();
    let snaps = a.list_snapshots(&clone.vm).await.unwrap();
    assert_eq!(snaps.len(), 1);
    assert_eq!(
        (snaps[0].id.as_str(), snaps[0].description.as_str()),
        (snap.id.as_str(), "before migration")
    );

    let mut disk = AddDisk::new(1 << 30);
    disk.datastore = Some("standard-csi".into());
    let added = a.add_disk(&clone.vm, &disk).await.unwrap();
    assert_eq!(added.key, "disk-2");
    let mut thin = AddDisk::new(1 << 30);
    thin.provisioning = Some(Provisioning::Thin);
    assert!(
        a.add_disk(&clone.vm, &thin)
            .await
            .unwrap_err()
            .is_unsupported()
    );
    assert!(a.enable_cbt(&clone.vm).await.unwrap_err().is_unsupported());

    let f = a.vm_facts(&clone.vm).await.unwrap();
    let lab_vm = lab
        .find_vm("openshift", "mtv-rhel8-warm-2disks2nics")
        .unwrap();
    assert_eq!(f.power_state, PowerState::On);
    assert_eq!(f.cpu_sockets, Some(lab_vm.cpu_sockets));
    assert_eq!(f.cpu_cores_per_socket, Some(lab_vm.cores_per_socket));
    assert_eq!(f.memory_mib, lab_vm.memory_mb);
    assert_eq!(f.guest_tools, GuestToolsState::Running);
    assert_eq!(f.nics[0].network.as_deref(), Some("pod"));
    assert_eq!(
        f.nics[1].network.as_deref(),
        Some("mtv-source-vms/mtv-bridge-net")
    );
    assert_eq!(f.disks.len(), 3);
    assert_eq!(f.snapshots.len(), 1);
    // The source's facts read PVC sizes and classes.
    let bf = a.vm_facts(&base).await.unwrap();
    assert_eq!(bf.disks[0].capacity_bytes, Some(lab_vm.disks[0].capacity));
    assert_eq!(
        bf.disks[0].datastore_name.as_deref(),
        Some(lab_vm.disks[0].datastore.as_str())
    );
    assert_eq!(bf.nics[0].mac, lab_vm.nics[0].mac);

    a.power_off(&clone.vm).await.unwrap();
    a.delete_vm(&clone.vm).await.unwrap();
    assert!(vms.get_opt("auto-ab12-warm-x1").await.unwrap().is_none());
    a.delete_vm(&clone.vm).await.unwrap();
}
