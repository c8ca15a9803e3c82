//! Plan validation texts and warnings (fidelity-review row 14;
//! pkg/controller/plan/validation.go:1228-1244, 1840-1852; adapter/vsphere/validator.go:593).

use serde_json::{Value, json};

use super::condition;
use crate::harness::*;

fn text_of<'a>(plan: &'a Value, kind: &str) -> (&'a Value, &'a Value, &'a Value) {
    let c = condition(plan, kind).unwrap_or_else(|| panic!("no {kind}: {}", plan["status"]));
    (&c["category"], &c["reason"], &c["message"])
}

/// `VMMissingGuestIPs` says "... Make sure VMware Tools is installed and the VM is running."
/// (missingStaticIPsMessage, validation.go:1840-1852).
#[tokio::test]
async fn missing_guest_ips_text() {
    let env = Env::start().await;
    let s = standard_plan(&env, "ip", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    let plan = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "VMMissingGuestIPs"))
        .await;
    assert_eq!(
        text_of(&plan, "VMMissingGuestIPs"),
        (
            &json!("Warn"),
            &json!("MissingGuestInformation"),
            &json!(
                "Guest information on vNICs is missing, cannot preserve static IPs. Make sure VMware Tools is installed and the VM is running."
            )
        )
    );
    env.emu.shutdown().await;
}

/// A warm plan's VM with a snapshot: `VMHasSnapshots` with the vSphere validator's text
/// (no final period, adapter/vsphere/validator.go:593).
#[tokio::test]
async fn has_snapshots_text() {
    let env = Env::start().await;
    let s = standard_plan(
        &env,
        "sn",
        "vsphere",
        &["mtv-tests-rhel8"],
        json!({"warm": true}),
    )
    .await;
    let id = &s.vm_ids[0];
    vsphere_enable_cbt(&env, id).await;
    vsphere_vi(
        &env,
        &format!("VirtualMachine/{id}/CreateSnapshot_Task"),
        json!({"name": "s1", "description": "d", "memory": false, "quiesce": false}),
    )
    .await;
    let plan = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "VMHasSnapshots"))
        .await;
    assert_eq!(
        text_of(&plan, "VMHasSnapshots").2,
        "VM has pre-existing snapshots which are incompatible with warm migration"
    );
    env.emu.shutdown().await;
}

/// Without copy offload, a VM with an RDM disk gets Warn `RDMDiskWarning` and one with an
/// independent disk Warn `IndependentDiskWarning` (NotSupported; validation.go:1228-1244).
#[tokio::test]
async fn rdm_and_independent_disks_warn() {
    let env = Env::start().await;
    let s = standard_plan(&env, "rd", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    let id = &s.vm_ids[0];
    let lun = env.profile("vsphere-copy-offload")["copyoffload"]["rdm_lun_uuid"]
        .as_str()
        .unwrap()
        .to_string();
    let add = |backing: Value| {
        json!({"spec": {"deviceChange": [{"operation": "add", "fileOperation": "create",
        "device": {"_typeName": "VirtualDisk", "key": -1, "capacityInKB": 1048576, "backing": backing}}]}})
    };
    vsphere_vi(&env, &format!("VirtualMachine/{id}/ReconfigVM_Task"), add(json!({
        "_typeName": "VirtualDiskFlatVer2BackingInfo", "fileName": "[mtv-ontap-xcopy-01] shared_disks/",
        "diskMode": "independent_persistent", "thinProvisioned": true}))).await;
    vsphere_vi(&env, &format!("VirtualMachine/{id}/ReconfigVM_Task"), add(json!({
        "_typeName": "VirtualDiskRawDiskMappingVer1BackingInfo", "fileName": "",
        "deviceName": format!("/vmfs/devices/disks/{lun}"), "compatibilityMode": "virtualMode", "diskMode": "persistent"}))).await;
    let plan = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| {
            has(p, "RDMDiskWarning") && has(p, "IndependentDiskWarning")
        })
        .await;
    let (cat, reason, msg) = text_of(&plan, "RDMDiskWarning");
    assert_eq!((cat, reason), (&json!("Warn"), &json!("NotSupported")));
    assert!(
        msg.as_str()
            .unwrap()
            .starts_with("VM has RDM disks which are not supported with VDDK transfer.")
    );
    let (cat, _, msg) = text_of(&plan, "IndependentDiskWarning");
    assert_eq!(cat, &json!("Warn"));
    assert!(
        msg.as_str()
            .unwrap()
            .starts_with("VM has independent disks")
    );
    env.emu.shutdown().await;
}
