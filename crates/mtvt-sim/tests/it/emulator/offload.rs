//! Copy offload (XCOPY): populator PVCs instead of DataVolumes, the plan-specific Secret
//! (`<plan>-xxxxx`), the CDI-path pipeline, mixed VDDK/offload usage, vendor mismatch, and the
//! fallback copy for datastores without XCOPY.

use serde_json::{Value, json};

use crate::harness::*;
use mtvt_sim::emulator::EmulatorOptions;
use mtvt_sim::lab::Lab;

/// A StorageMap entry for datastore `ds`: through the XCOPY plugin of `vendor` (with the
/// `storage` Secret) when given, as block volumes when `block`.
fn map_entry(ds: &str, vendor: Option<&str>, block: bool) -> Value {
    let mut e = json!({"source": {"id": ds}, "destination": {"storageClass": "ocs-storagecluster-ceph-rbd"}});
    if block {
        e["destination"]["accessMode"] = json!("ReadWriteOnce");
        e["destination"]["volumeMode"] = json!("Block");
    }
    if let Some(vendor) = vendor {
        e["offloadPlugin"] =
            json!({"vsphereXcopyConfig": {"secretRef": "storage", "storageVendorProduct": vendor}});
    }
    e
}

async fn offload_setup(
    env: &Env,
    ns: &str,
    vms: &[&str],
    vendor: &str,
    datastores: &[(&str, bool)],
) -> PlanSetup {
    let s = standard_plan(env, ns, "vsphere", vms, json!({"pvcNameTemplate": "pvc"})).await;
    let co = &env.profile("vsphere-copy-offload")["copyoffload"];
    env.create(SECRET, ns, json!({"metadata": {"name": "storage"}, "stringData": {
        "STORAGE_HOSTNAME": co["storage_hostname"], "STORAGE_USERNAME": co["storage_username"], "STORAGE_PASSWORD": co["storage_password"]}})).await;
    let entries: Vec<Value> = datastores
        .iter()
        .map(|(ds, offload)| map_entry(ds, offload.then_some(vendor), true))
        .collect();
    env.patch(STORAGEMAP, ns, "st", json!({"spec": {"map": entries}}))
        .await;
    s
}

#[tokio::test]
async fn xcopy_migration_uses_populators_and_a_plan_secret() {
    let env = Env::start().await;
    let s = offload_setup(
        &env,
        "xc",
        &["mtv-tests-rhel8"],
        "ontap",
        &[("datastore-1041", true)],
    )
    .await;
    env.wait(STORAGEMAP, &s.ns, "st", 10, |m| {
        has(m, "Ready") && m["status"]["references"][0]["id"] == "datastore-1041"
    })
    .await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({})).await;
    let plan = finished(&env, &s, 20).await;
    assert!(
        has(&plan, "Succeeded"),
        "{}",
        serde_json::to_string_pretty(&plan["status"]).unwrap()
    );
    let steps: Vec<String> = plan["status"]["migration"]["vms"][0]["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        steps,
        vec![
            "Initialize",
            "DiskTransfer",
            "ImageConversion",
            "VirtualMachineCreation"
        ]
    );
    let secrets = env.list(SECRET, &s.ns).await;
    assert!(
        secrets.iter().any(|x| x["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with("plan-1-")),
        "plan secret"
    );
    let pvcs = env.list(PVC, &s.ns).await;
    assert_eq!(pvcs.len(), 1);
    let pvc = &pvcs[0];
    assert!(
        pvc["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with("pvc-"),
        "{}",
        pvc["metadata"]["name"]
    );
    assert_eq!(
        pvc["spec"]["dataSourceRef"]["kind"],
        "VSphereXcopyVolumePopulator"
    );
    assert_eq!(pvc["spec"]["volumeMode"], "Block");
    assert_eq!(pvc["status"]["phase"], "Bound");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn mixed_usage_vendor_mismatch_and_fallback() {
    let mut lab = Lab::default_lab().unwrap();
    let vs = lab
        .providers
        .iter_mut()
        .find(|p| p.name == "vsphere")
        .unwrap();
    let win = vs
        .vms
        .iter_mut()
        .find(|v| v.name == "mtv-win2019-3disks")
        .unwrap();
    win.disks[1].datastore = "datastore-1043".into();
    let env = Env::with(EmulatorOptions {
        lab: Some(lab),
        ..Default::default()
    })
    .await;
    // One disk maps through XCOPY, the other through VDDK: not allowed.
    let s = offload_setup(
        &env,
        "mx",
        &["mtv-win2019-3disks"],
        "ontap",
        &[("datastore-1041", true), ("datastore-1043", false)],
    )
    .await;
    let p = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| {
            has(p, "VDDKAndOffloadMixedUsage")
        })
        .await;
    assert_eq!(
        cond(&p, "VDDKAndOffloadMixedUsage").unwrap()["reason"],
        "NotSupported"
    );
    assert!(!has(&p, "Ready"));
    // Both through the offload plugin: the non-XCOPY datastore falls back to a host copy.
    let both = [
        map_entry("datastore-1041", Some("ontap"), false),
        map_entry("datastore-1043", Some("ontap"), false),
    ];
    env.patch(STORAGEMAP, &s.ns, "st", json!({"spec": {"map": both}}))
        .await;
    env.wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "Ready"))
        .await;
    migrate(&env, &s, "m", json!({})).await;
    let plan = finished(&env, &s, 30).await;
    assert!(
        has(&plan, "Succeeded"),
        "{}",
        serde_json::to_string_pretty(&plan["status"]).unwrap()
    );
    let pvcs = env.list(PVC, &s.ns).await;
    assert_eq!(pvcs.len(), 3);
    let fallback = pvcs
        .iter()
        .filter(|p| p["metadata"]["annotations"]["forklift.konveyor.io/xcopy-capable"] == "false")
        .count();
    assert_eq!(fallback, 1);
    env.emu.shutdown().await;

    // A storage vendor that is not the datastore's fails the disk transfer.
    let env = Env::start().await;
    let s = offload_setup(
        &env,
        "vm",
        &["mtv-tests-rhel8"],
        "vantara",
        &[("datastore-1041", true)],
    )
    .await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({})).await;
    let plan = finished(&env, &s, 20).await;
    assert!(has(&plan, "Failed"));
    let vs = &plan["status"]["migration"]["vms"][0];
    assert_eq!(vs["error"]["phase"], "CopyDisks");
    assert!(
        vs["error"]["reasons"][0]
            .as_str()
            .unwrap()
            .contains("does not match"),
        "{}",
        vs["error"]
    );
    env.emu.shutdown().await;
}

#[tokio::test]
async fn rdm_disks_are_copied_by_the_populator_with_the_lun_size() {
    use mtvt_sim::lab::{AddDiskSpec, DiskMode, Provisioning, RdmSpec};
    let env = Env::start().await;
    let lab = env.emu.lab();
    let lun = lab
        .provider("vsphere")
        .unwrap()
        .copy_offload
        .unwrap()
        .rdm_lun_uuid
        .unwrap();
    let vm = lab.find_vm("vsphere", "mtv-tests-rhel8").unwrap();
    let disk = lab
        .add_disk(
            "vsphere",
            &vm.id,
            AddDiskSpec {
                capacity: 0,
                datastore: None,
                folder: None,
                provisioning: Provisioning::Thin,
                mode: DiskMode::Persistent,
                bus: None,
                name: None,
                file_name: None,
                rdm: Some(RdmSpec {
                    lun: lun.clone(),
                    physical: false,
                }),
            },
        )
        .unwrap();
    assert_eq!(disk.capacity, 20 << 30);
    let s = offload_setup(
        &env,
        "rdm",
        &["mtv-tests-rhel8"],
        "ontap",
        &[("datastore-1041", true)],
    )
    .await;
    // the inventory shows the mapping and Forklift's concern
    let p = env.get(PROVIDER, &s.ns, "src").await;
    let inv = inventory(
        &env,
        &format!(
            "providers/vsphere/{}/vms/{}",
            p["metadata"]["uid"].as_str().unwrap(),
            vm.id
        ),
    )
    .await;
    let d = &inv["disks"][1];
    assert_eq!(d["rdm"], true);
    assert_eq!(d["physicalMode"], false);
    assert_eq!(d["deviceName"], format!("/vmfs/devices/disks/{lun}"));
    assert_eq!(d["capacity"], 20u64 << 30);
    assert!(
        inv["concerns"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "vmware.disk.rdm.detected" && c["category"] == "Warning"),
        "{}",
        inv["concerns"]
    );
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({})).await;
    let plan = finished(&env, &s, 20).await;
    assert!(
        has(&plan, "Succeeded"),
        "{}",
        serde_json::to_string_pretty(&plan["status"]).unwrap()
    );
    let pvcs = env.list(PVC, &s.ns).await;
    assert_eq!(pvcs.len(), 2);
    let rdm = pvcs
        .iter()
        .find(|p| p["metadata"]["annotations"]["forklift.konveyor.io/rdm-lun"] == lun.as_str())
        .expect("a populator PVC for the RDM disk");
    assert_eq!(rdm["spec"]["resources"]["requests"]["storage"], "20Gi");
    assert_eq!(
        rdm["spec"]["dataSourceRef"]["kind"],
        "VSphereXcopyVolumePopulator"
    );
    assert_eq!(
        rdm["metadata"]["annotations"]["forklift.konveyor.io/xcopy-capable"],
        "true"
    );
    assert_eq!(rdm["status"]["phase"], "Bound");
    env.emu.shutdown().await;
}
