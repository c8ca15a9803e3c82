//! §6.1–4 and §6.17: plan validation conditions with their categories, Ready only without
//! blockers, and the admission webhooks.

use serde_json::{Value, json};

use crate::harness::*;

fn cat(plan: &Value, kind: &str) -> (String, Vec<String>) {
    let c = cond(plan, kind).unwrap_or_else(|| {
        panic!(
            "no {kind} in {}",
            serde_json::to_string_pretty(&plan["status"]).unwrap()
        )
    });
    let items = c["items"]
        .as_array()
        .map(|a| a.iter().map(|i| i.as_str().unwrap().to_string()).collect())
        .unwrap_or_default();
    (c["category"].as_str().unwrap().to_string(), items)
}

#[tokio::test]
async fn per_vm_blockers_and_warnings() {
    let env = Env::start().await;
    let s = standard_plan(&env, "v", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    // VMNotFound + DuplicateVM (same id twice): not Ready.
    env.patch(PLAN, &s.ns, &s.plan, json!({"spec": {"vms": [{"id": s.vm_ids[0]}, {"id": s.vm_ids[0]}, {"name": "no-such-vm"}]}})).await;
    let p = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "VMNotFound"))
        .await;
    assert!(!has(&p, "Ready"));
    let (c, items) = cat(&p, "VMNotFound");
    assert_eq!(c, "Critical");
    assert_eq!(items, vec![" id: name:'no-such-vm' "]);
    assert_eq!(cat(&p, "DuplicateVM").0, "Critical");
    assert_eq!(cond(&p, "VMNotFound").unwrap()["reason"], "NotFound");
    // VMAlreadyExists: a VM with the target name in the target namespace.
    env.patch(
        PLAN,
        &s.ns,
        &s.plan,
        json!({"spec": {"vms": [{"id": s.vm_ids[0]}]}}),
    )
    .await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    env.create(VM, &s.ns, json!({"metadata": {"name": "mtv-tests-rhel8"}, "spec": {"runStrategy": "Halted", "template": {"spec": {"domain": {"devices": {}}}}}})).await;
    let p = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "VMAlreadyExists"))
        .await;
    assert!(!has(&p, "Ready"));
    env.api(VM, Some(&s.ns))
        .delete("mtv-tests-rhel8", &Default::default())
        .await
        .unwrap();
    ready(&env, PLAN, &s.ns, &s.plan).await;
    // A non-DNS target name is a warning only; an invalid targetName is a blocker.
    env.patch(
        PLAN,
        &s.ns,
        &s.plan,
        json!({"spec": {"vms": [{"id": s.vm_ids[0], "targetName": "Bad_Name"}]}}),
    )
    .await;
    let p = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "NotValid"))
        .await;
    assert_eq!(
        cond(&p, "NotValid").unwrap()["message"],
        "TargetName is invalid."
    );
    env.emu.shutdown().await;
}

#[tokio::test]
async fn unmapped_networks_and_storage_and_guest_tools() {
    let env = Env::start().await;
    let s = standard_plan(&env, "v", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    // Maps that cover nothing of the VM.
    env.patch(NETMAP, &s.ns, "net", json!({"spec": {"map": [{"source": {"name": "Mgmt Network"}, "destination": {"type": "pod"}}]}})).await;
    env.patch(STORAGEMAP, &s.ns, "st", json!({"spec": {"map": [{"source": {"name": "mtv-nfs-plain-01"}, "destination": {"storageClass": "standard-csi"}}]}})).await;
    let p = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| {
            has(p, "VMNetworksNotMapped") && has(p, "VMStorageNotMapped")
        })
        .await;
    assert_eq!(cat(&p, "VMNetworksNotMapped").0, "Critical");
    assert_eq!(
        cat(&p, "VMStorageNotMapped").1,
        vec![format!(" id:{} name:'mtv-tests-rhel8' ", s.vm_ids[0])]
    );
    assert!(!has(&p, "Ready"));
    env.emu.shutdown().await;
}

#[tokio::test]
async fn guest_tools_issue_for_powered_on_vms_without_tools() {
    use mtvt_sim::emulator::EmulatorOptions;
    use mtvt_sim::lab::{Lab, ToolsInstall};
    let mut lab = Lab::default_lab().unwrap();
    let vs = lab
        .providers
        .iter_mut()
        .find(|p| p.name == "vsphere")
        .unwrap();
    let vm = vs
        .vms
        .iter_mut()
        .find(|v| v.name == "mtv-tests-rhel8")
        .unwrap();
    vm.tools = ToolsInstall::NotInstalled;
    vm.power = mtvt_sim::lab::PowerState::On;
    let env = Env::with(EmulatorOptions {
        lab: Some(lab),
        ..Default::default()
    })
    .await;
    let s = standard_plan(&env, "v", "vsphere", &["mtv-tests-rhel8"], json!({})).await;
    let p = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "GuestToolsIssue"))
        .await;
    assert_eq!(cat(&p, "GuestToolsIssue").0, "Critical");
    assert!(!has(&p, "Ready"));
    // The warm check needs CBT.
    env.patch(PLAN, &s.ns, &s.plan, json!({"spec": {"warm": true}}))
        .await;
    let p = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| {
            has(p, "VMMissingChangedBlockTracking")
        })
        .await;
    assert_eq!(cat(&p, "VMMissingChangedBlockTracking").0, "Critical");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn plan_level_conditions() {
    let env = Env::start().await;
    let s = standard_plan(&env, "v", "ovirt", &[], json!({})).await;
    // Warm from oVirt needs the controller's feature gate (on by default, as the CRD
    // defaults it); an invalid namespace is a blocker.
    let gate = |on: &str| json!({"spec": {"controller_ovirt_warm_migration": on}});
    env.patch(
        FORKLIFT_CONTROLLER,
        MTV,
        "forklift-controller",
        gate("false"),
    )
    .await;
    env.patch(PLAN, &s.ns, &s.plan, json!({"spec": {"warm": true}}))
        .await;
    let p = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| {
            has(p, "WarmMigrationNotReady")
        })
        .await;
    assert_eq!(
        cond(&p, "WarmMigrationNotReady").unwrap()["category"],
        "Critical"
    );
    env.patch(
        FORKLIFT_CONTROLLER,
        MTV,
        "forklift-controller",
        gate("true"),
    )
    .await;
    env.patch(
        PLAN,
        &s.ns,
        &s.plan,
        json!({"spec": {"description": "gate on"}}),
    )
    .await;
    let p = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "Ready"))
        .await;
    assert!(!has(&p, "WarmMigrationNotReady") && !has(&p, "MigrationTypeNotValid"));
    env.patch(
        PLAN,
        &s.ns,
        &s.plan,
        json!({"spec": {"warm": false, "targetNamespace": "Not_Valid"}}),
    )
    .await;
    let p = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "NamespaceNotValid"))
        .await;
    assert_eq!(cond(&p, "NamespaceNotValid").unwrap()["reason"], "NotValid");
    // A missing storage map: StorageRefNotValid/NotFound.
    env.patch(PLAN, &s.ns, &s.plan, json!({"spec": {"targetNamespace": "v", "map": {"storage": {"name": "gone", "namespace": "v"}}}})).await;
    let p = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "StorageRefNotValid"))
        .await;
    assert_eq!(
        cond(&p, "StorageRefNotValid").unwrap()["reason"],
        "NotFound"
    );
    // A provider that is not ready stops validation there.
    env.patch(
        PLAN,
        &s.ns,
        &s.plan,
        json!({"spec": {"map": {"storage": {"name": "st", "namespace": "v"}}}}),
    )
    .await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    env.patch(
        PROVIDER,
        &s.ns,
        "src",
        json!({"spec": {"url": "https://ovirt.invalid/ovirt-engine/api"}}),
    )
    .await;
    let p = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| {
            has(p, "SourceProviderNotReady")
        })
        .await;
    assert!(!has(&p, "Ready"));
    env.emu.shutdown().await;
}

#[tokio::test]
async fn admission_webhooks_reject_bad_plans_and_migrations() {
    let env = Env::start().await;
    let s = standard_plan(&env, "w", "openstack", &["mtv-tests-rhel8"], json!({})).await;
    let base = env.get(PLAN, &s.ns, &s.plan).await;
    let mut spec = base["spec"].clone();
    spec["warm"] = json!(true);
    let e = env
        .try_create(
            PLAN,
            &s.ns,
            json!({"metadata": {"name": "warm-os"}, "spec": spec}),
        )
        .await
        .unwrap_err();
    assert!(
        e.to_string().contains("warm migration is not supported"),
        "{e}"
    );
    let mut spec = base["spec"].clone();
    spec["provider"]["source"]["name"] = json!("missing");
    let e = env
        .try_create(
            PLAN,
            &s.ns,
            json!({"metadata": {"name": "nosrc"}, "spec": spec}),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("source provider"), "{e}");
    let mut spec = base["spec"].clone();
    spec["vms"][0]["luks"] = json!({"name": "luks-keys", "namespace": "w"});
    let e = env
        .try_create(
            PLAN,
            &s.ns,
            json!({"metadata": {"name": "luks"}, "spec": spec}),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("LUKS"), "{e}");
    let e = env.try_create(MIGRATION, &s.ns, json!({"metadata": {"name": "m"}, "spec": {"plan": {"name": "nope", "namespace": "w"}}})).await.unwrap_err();
    assert!(e.to_string().contains("plan w/nope"), "{e}");
    assert_eq!(base["metadata"]["annotations"]["populatorLabels"], "True");
    env.emu.shutdown().await;
}

#[tokio::test]
async fn pvc_name_template_errors_block_the_plan() {
    let env = Env::start().await;
    let s = standard_plan(
        &env,
        "tp",
        "vsphere",
        &["mtv-tests-rhel8"],
        json!({"pvcNameTemplate": "{{.VmName}}_{{.DiskIndex}}"}),
    )
    .await;
    let p = env
        .wait(PLAN, &s.ns, &s.plan, 10, |p| has(p, "NotValid"))
        .await;
    let c = cond(&p, "NotValid").unwrap();
    assert_eq!(c["message"], "VM PVC name template is invalid.");
    let item = c["items"][0].as_str().unwrap();
    assert!(
        item.contains("template:{{.VmName}}_{{.DiskIndex}}") && item.contains("error:"),
        "{item}"
    );
    assert!(!has(&p, "Ready"));
    // A valid template makes it Ready, and names the PVCs.
    env.patch(PLAN, &s.ns, &s.plan, json!({"spec": {"pvcNameTemplate": "{{.VmName}}-d{{.DiskIndex}}", "pvcNameTemplateUseGenerateName": false}})).await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({})).await;
    assert!(has(&finished(&env, &s, 20).await, "Succeeded"));
    assert!(env.get(PVC, &s.ns, "mtv-tests-rhel8-d0").await.is_object());
    env.emu.shutdown().await;
}
