//! KubeVirt behaviour: start/stop/restart subresources, printableStatus and ready, VMI
//! placement by the scheduler (nodeSelector, affinity, unschedulable → Event).

use serde_json::json;

use crate::harness::*;

async fn put(env: &Env, ns: &str, vm: &str, action: &str) -> reqwest::StatusCode {
    let url = format!(
        "{}/apis/subresources.kubevirt.io/v1/namespaces/{ns}/virtualmachines/{vm}/{action}",
        env.emu.url()
    );
    env.http
        .put(url)
        .bearer_auth(env.emu.token())
        .send()
        .await
        .unwrap()
        .status()
}

fn vm(name: &str, strategy: &str, extra: serde_json::Value) -> serde_json::Value {
    let mut spec = json!({"domain": {"cpu": {"cores": 1}, "memory": {"guest": "1Gi"}, "devices": {"interfaces": [{"name": "default", "masquerade": {}, "macAddress": "02:00:00:00:00:01"}]}},
        "networks": [{"name": "default", "pod": {}}]});
    if let (Some(s), Some(e)) = (spec.as_object_mut(), extra.as_object()) {
        s.extend(e.clone());
    }
    json!({"metadata": {"name": name}, "spec": {"runStrategy": strategy, "template": {"metadata": {"labels": {"app": name}}, "spec": spec}}})
}

#[tokio::test]
async fn start_stop_restart_and_status() {
    let env = Env::start().await;
    namespace(&env, "kv").await;
    env.create(VM, "kv", vm("a", "Halted", json!({}))).await;
    let v = env
        .wait(VM, "kv", "a", 5, |v| {
            v["status"]["printableStatus"] == "Stopped"
        })
        .await;
    assert!(v["status"].get("ready").is_none());
    assert_eq!(put(&env, "kv", "a", "stop").await, 409);
    assert_eq!(put(&env, "kv", "a", "start").await, 202);
    let v = env
        .wait(VM, "kv", "a", 5, |v| v["status"]["ready"] == true)
        .await;
    assert_eq!(v["status"]["printableStatus"], "Running");
    assert_eq!(v["spec"]["runStrategy"], "Always");
    assert_eq!(put(&env, "kv", "a", "start").await, 409);
    let vmi = env.get(VMI, "kv", "a").await;
    assert_eq!(vmi["status"]["phase"], "Running");
    assert_eq!(
        vmi["metadata"]["ownerReferences"][0]["kind"],
        "VirtualMachine"
    );
    let old = vmi["metadata"]["uid"].clone();
    assert_eq!(put(&env, "kv", "a", "restart").await, 202);
    env.wait(VMI, "kv", "a", 5, |i| {
        i["metadata"]["uid"] != old && i["status"]["phase"] == "Running"
    })
    .await;
    assert_eq!(put(&env, "kv", "a", "stop").await, 202);
    env.wait(VM, "kv", "a", 5, |v| {
        v["status"]["printableStatus"] == "Stopped"
    })
    .await;
    assert!(
        env.api(VMI, Some("kv"))
            .get_opt("a")
            .await
            .unwrap()
            .is_none()
    );
    env.emu.shutdown().await;
}

#[tokio::test]
async fn scheduler_honours_node_selector_and_affinity() {
    let env = Env::start().await;
    namespace(&env, "kv").await;
    let nodes = env
        .list(
            Kind {
                group: "",
                version: "v1",
                kind: "Node",
                plural: "nodes",
            },
            "",
        )
        .await;
    let worker = nodes
        .iter()
        .find(|n| {
            n["metadata"]["labels"]
                .get("node-role.kubernetes.io/worker")
                .is_some()
        })
        .unwrap();
    let zone = worker["metadata"]["labels"]["topology.kubernetes.io/zone"]
        .as_str()
        .unwrap()
        .to_string();
    env.create(
        VM,
        "kv",
        vm(
            "sel",
            "Always",
            json!({"nodeSelector": {"topology.kubernetes.io/zone": zone}}),
        ),
    )
    .await;
    let i = env
        .wait(VMI, "kv", "sel", 5, |i| i["status"]["phase"] == "Running")
        .await;
    let node = i["status"]["nodeName"].as_str().unwrap();
    let n = nodes
        .iter()
        .find(|n| n["metadata"]["name"] == node)
        .unwrap();
    assert_eq!(
        n["metadata"]["labels"]["topology.kubernetes.io/zone"],
        zone.as_str()
    );
    // Required node affinity on hostname, and preferred pod affinity towards "sel".
    let host = worker["metadata"]["name"].as_str().unwrap();
    env.create(VM, "kv", vm("aff", "Always", json!({"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": [host]}]}]}}}}))).await;
    let i = env
        .wait(VMI, "kv", "aff", 5, |i| i["status"]["phase"] == "Running")
        .await;
    assert_eq!(i["status"]["nodeName"], host);
    env.create(VM, "kv", vm("near", "Always", json!({"affinity": {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 75, "podAffinityTerm": {"labelSelector": {"matchLabels": {"app": "sel"}}, "topologyKey": "kubernetes.io/hostname"}}]}}}))).await;
    let i = env
        .wait(VMI, "kv", "near", 5, |i| i["status"]["phase"] == "Running")
        .await;
    assert_eq!(i["status"]["nodeName"], node);
    // Nothing matches: the VMI stays unscheduled and an Event says why.
    env.create(
        VM,
        "kv",
        vm(
            "nowhere",
            "Always",
            json!({"nodeSelector": {"no-such": "label"}}),
        ),
    )
    .await;
    let v = env
        .wait(VM, "kv", "nowhere", 5, |v| {
            v["status"]["printableStatus"] == "ErrorUnschedulable"
        })
        .await;
    assert!(v["status"].get("ready").is_none());
    let events = env.list(EVENT, "kv").await;
    assert!(
        events
            .iter()
            .any(|e| e["reason"] == "FailedScheduling" && e["involvedObject"]["name"] == "nowhere"),
        "{events:?}"
    );
    env.emu.shutdown().await;
}

#[tokio::test]
async fn data_volume_templates_become_owned_data_volumes_before_the_vmi_starts() {
    let env = Env::start().await;
    namespace(&env, "kv").await;
    env.create(
        DV,
        "kv",
        json!({"metadata": {"name": "base"}, "spec": {"source": {"blank": {}},
        "storage": {"resources": {"requests": {"storage": "10Gi"}}}}}),
    )
    .await;
    env.wait(DV, "kv", "base", 5, |d| d["status"]["phase"] == "Succeeded")
        .await;
    let with_template = |name: &str, size: &str| {
        let mut v = vm(
            name,
            "Always",
            json!({"volumes": [{"name": "root", "dataVolume": {"name": format!("{name}-root")}}]}),
        );
        v["spec"]["dataVolumeTemplates"] = json!([{"metadata": {"name": format!("{name}-root"), "labels": {"k": "v"}},
            "spec": {"source": {"pvc": {"namespace": "kv", "name": "base"}}, "storage": {"resources": {"requests": {"storage": size}}}}}]);
        v
    };
    // a small clone: DataVolume → PVC → VMI
    let c = env.create(VM, "kv", with_template("c", "10Gi")).await;
    let dv = env
        .wait(DV, "kv", "c-root", 5, |d| {
            d["status"]["phase"] == "Succeeded"
        })
        .await;
    let owner = &dv["metadata"]["ownerReferences"][0];
    assert_eq!(
        (&owner["kind"], &owner["uid"], &owner["controller"]),
        (
            &json!("VirtualMachine"),
            &c["metadata"]["uid"],
            &json!(true)
        )
    );
    assert_eq!(dv["metadata"]["labels"]["k"], "v");
    assert_eq!(dv["spec"]["source"]["pvc"]["name"], "base");
    let pvc = env.get(PVC, "kv", "c-root").await;
    assert_eq!(pvc["status"]["phase"], "Bound");
    assert_eq!(pvc["spec"]["resources"]["requests"]["storage"], "10Gi");
    env.wait(VM, "kv", "c", 5, |v| {
        v["status"]["printableStatus"] == "Running"
    })
    .await;
    // a long clone (2 TiB at 200 MiB/s): Provisioning, and no VMI until it is done
    env.create(VM, "kv", with_template("big", "2Ti")).await;
    let v = env
        .wait(VM, "kv", "big", 5, |v| {
            v["status"]["printableStatus"] == "Provisioning"
        })
        .await;
    assert!(v["status"].get("ready").is_none());
    assert!(
        env.api(VMI, Some("kv"))
            .get_opt("big")
            .await
            .unwrap()
            .is_none()
    );
    // the DataVolume goes with its VM
    let dv = env.get(DV, "kv", "big-root").await;
    let dv_uid = dv["metadata"]["uid"].as_str().unwrap().to_string();
    env.api(VM, Some("kv"))
        .delete("big", &Default::default())
        .await
        .unwrap();
    tokio::time::timeout(
        std::time::Duration::from_secs(5),
        kube::runtime::wait::await_condition(
            env.api(DV, Some("kv")),
            "big-root",
            kube::runtime::wait::conditions::is_deleted(&dv_uid),
        ),
    )
    .await
    .expect("the DataVolume is deleted with its VM")
    .unwrap();
    env.emu.shutdown().await;
}
