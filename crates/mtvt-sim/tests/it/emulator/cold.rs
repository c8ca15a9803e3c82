//! §6.5–7, 9–13: a cold vSphere migration end to end, through the real pipeline, with the
//! VirtualMachine, PVCs and VMI shaped as §5; other providers' pipelines.

use std::time::Instant;

use serde_json::{Value, json};

use crate::harness::*;

#[tokio::test]
async fn cold_vsphere_migration_succeeds_with_vm_pvcs_and_running_vmi() {
    let env = Env::start().await;
    let started = Instant::now();
    let s = standard_plan(
        &env,
        "mtv-tests",
        "vsphere",
        &["mtv-tests-rhel8"],
        json!({"targetPowerState": "on"}),
    )
    .await;
    let plan = ready(&env, PLAN, &s.ns, &s.plan).await;
    assert!(has(&plan, "Ready"));
    migrate(&env, &s, "m1", json!({})).await;
    let plan = finished(&env, &s, 20).await;
    let wall = started.elapsed();
    assert!(
        has(&plan, "Succeeded"),
        "{}",
        serde_json::to_string_pretty(&plan["status"]).unwrap()
    );
    let vs = &plan["status"]["migration"]["vms"][0];
    let steps: Vec<&str> = vs["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        vec![
            "Initialize",
            "DiskAllocation",
            "ImageConversion",
            "DiskTransferV2v",
            "VirtualMachineCreation"
        ]
    );
    for st in vs["pipeline"].as_array().unwrap() {
        assert_eq!(st["phase"], "Completed", "{st}");
        assert!(
            st["started"].is_string() && st["completed"].is_string(),
            "{st}"
        );
    }
    let disk = vs["pipeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "DiskTransferV2v")
        .unwrap();
    assert_eq!(disk["annotations"]["unit"], "MB");
    assert_eq!(disk["progress"]["total"], 30 * 1024);
    assert_eq!(disk["progress"]["completed"], 30 * 1024);
    assert_eq!(vs["phase"], "Completed");
    assert_eq!(vs["restorePowerState"], "Off");
    let m = env.get(MIGRATION, &s.ns, "m1").await;
    assert!(has(&m, "Succeeded"));
    assert!(m["status"]["completed"].is_string());
    // The VM, as §5.
    let vm = env
        .wait(VM, &s.ns, "mtv-tests-rhel8", 10, |v| {
            v["status"]["printableStatus"] == "Running"
        })
        .await;
    let labels = &vm["metadata"]["labels"];
    assert_eq!(labels["plan"], plan["metadata"]["uid"]);
    assert_eq!(labels["vmID"], s.vm_ids[0].as_str());
    assert_eq!(labels["guestConverted"], "true");
    assert_eq!(vm["spec"]["runStrategy"], "Always");
    assert!(vm["spec"].get("running").is_none());
    let t = &vm["spec"]["template"];
    assert_eq!(t["metadata"]["labels"]["app"], "mtv-tests-rhel8");
    let dom = &t["spec"]["domain"];
    assert_eq!(dom["cpu"], json!({"sockets": 1, "cores": 2}));
    assert_eq!(dom["memory"]["guest"], "4Gi");
    assert!(
        dom["firmware"]["serial"]
            .as_str()
            .unwrap()
            .starts_with("VMware-")
    );
    assert_eq!(t["spec"]["networks"], json!([{"name": "net-0", "pod": {}}]));
    assert_eq!(dom["devices"]["interfaces"][0]["name"], "net-0");
    assert!(dom["devices"]["interfaces"][0].get("masquerade").is_some());
    let claim = t["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        claim.starts_with("plan-1-mtv-tests-rhel8-disk-0-"),
        "{claim}"
    );
    assert_eq!(claim.len(), "plan-1-mtv-tests-rhel8-disk-0-".len() + 5);
    let pvc = env.get(PVC, &s.ns, &claim).await;
    assert_eq!(
        pvc["spec"]["storageClassName"],
        "ocs-storagecluster-ceph-rbd"
    );
    assert_eq!(pvc["status"]["phase"], "Bound");
    assert_eq!(pvc["spec"]["resources"]["requests"]["storage"], "30Gi");
    assert!(
        pvc["metadata"]["ownerReferences"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["kind"] == "VirtualMachine" && r["uid"] == vm["metadata"]["uid"])
    );
    assert!(
        env.list(DV, &s.ns).await.is_empty(),
        "DataVolumes are deleted after CreateVM"
    );
    let vmi = env
        .wait(VMI, &s.ns, "mtv-tests-rhel8", 10, |v| {
            v["status"]["phase"] == "Running"
        })
        .await;
    assert!(
        vmi["status"]["nodeName"]
            .as_str()
            .unwrap()
            .contains("worker"),
        "{}",
        vmi["status"]["nodeName"]
    );
    let iface = &vmi["status"]["interfaces"][0];
    assert_eq!(iface["name"], "net-0");
    assert_eq!(iface["mac"], dom["devices"]["interfaces"][0]["macAddress"]);
    assert!(iface["ipAddress"].as_str().unwrap().starts_with("10.1"));
    env.wait(VMI, &s.ns, "mtv-tests-rhel8", 10, |v| {
        has(v, "AgentConnected")
    })
    .await;
    // The source is left off. The emulator's clock is scaled: unscaled, the pipeline's
    // virtual minutes would take minutes of wall time. A loose bound (not a speed target,
    // which lives in the benches) so a loaded CI machine does not fail it.
    assert!(
        wall.as_secs_f64() < 30.0,
        "migration took {wall:?} of wall time"
    );
    env.emu.shutdown().await;
}

async fn pipeline_of(profile: &str, vm: &str) -> (Vec<String>, Value) {
    let env = Env::start().await;
    let vm = if profile == "ovirt" {
        ovirt_clone(&env, vm, "rhel8-clone").await;
        // The inventory shows source changes after its refresh delay (3 virtual s).
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        "rhel8-clone"
    } else {
        vm
    };
    let s = standard_plan(&env, "t", profile, &[vm], json!({})).await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    migrate(&env, &s, "m", json!({})).await;
    let plan = finished(&env, &s, 30).await;
    let vs = plan["status"]["migration"]["vms"][0].clone();
    env.emu.shutdown().await;
    assert!(
        has(&plan, "Succeeded"),
        "{profile}: {}",
        serde_json::to_string_pretty(&plan["status"]).unwrap()
    );
    (
        vs["pipeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect(),
        vs,
    )
}

#[tokio::test]
async fn cold_pipelines_per_provider() {
    let (ovirt, _) = pipeline_of("ovirt", "mtv-tests-rhel8").await;
    assert_eq!(
        ovirt,
        vec!["Initialize", "DiskTransfer", "VirtualMachineCreation"]
    );
    let (os, _) = pipeline_of("openstack", "mtv-tests-rhel8").await;
    assert_eq!(
        os,
        vec![
            "Initialize",
            "DiskTransfer",
            "ConvertOpenstackSnapshot",
            "VirtualMachineCreation"
        ]
    );
    let (ova, vs) = pipeline_of("ova", "mtv-tests-rhel8").await;
    assert_eq!(
        ova,
        vec![
            "Initialize",
            "DiskAllocation",
            "ImageConversion",
            "DiskTransferV2v",
            "VirtualMachineCreation"
        ]
    );
    assert_eq!(vs["restorePowerState"], Value::Null);
    let (ocp, _) = pipeline_of("openshift", "mtv-tests-rhel8").await;
    assert_eq!(
        ocp,
        vec!["Initialize", "DiskTransfer", "VirtualMachineCreation"]
    );
}
