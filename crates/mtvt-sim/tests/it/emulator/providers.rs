//! §6.2: Provider readiness, ConnectionFailed on bad credentials and unreachable URLs, the
//! host provider, the inventory Route; §6.3: maps resolve references.

use serde_json::json;

use crate::harness::*;

#[tokio::test]
async fn start_seeds_the_cluster_and_inventory_route() {
    let env = Env::start().await;
    let host = ready(&env, PROVIDER, MTV, "host").await;
    assert_eq!(host["status"]["phase"], "Ready");
    let route = env.get(ROUTE, MTV, "forklift-inventory").await;
    assert!(route["spec"]["tls"].is_object());
    let url = format!(
        "https://{}/providers/openshift",
        route["spec"]["host"].as_str().unwrap()
    );
    let resp = env
        .http
        .get(&url)
        .bearer_auth(env.emu.token())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let list: serde_json::Value = resp.json().await.unwrap();
    assert!(
        list.as_array().unwrap().iter().any(|p| p["name"] == "host"),
        "{list}"
    );
    let denied = env
        .http
        .get(&url)
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 403);
    let fc = env
        .get(
            crate::harness::Kind {
                group: "forklift.konveyor.io",
                version: "v1beta1",
                kind: "ForkliftController",
                plural: "forkliftcontrollers",
            },
            MTV,
            "forklift-controller",
        )
        .await;
    assert!(has(&fc, "Running"));
    let profiles = env.emu.providers_json();
    for p in [
        "vsphere",
        "vsphere-copy-offload",
        "ovirt",
        "openstack",
        "openshift",
        "ova",
    ] {
        assert!(profiles.get(p).is_some(), "profile {p}");
    }
    assert!(env.emu.request_count() >= 3);
    env.emu.shutdown().await;
}

#[tokio::test]
async fn providers_become_ready_per_type() {
    let env = Env::start().await;
    namespace(&env, "t").await;
    for (profile, name) in [
        ("vsphere", "vs"),
        ("ovirt", "ov"),
        ("openstack", "os"),
        ("ova", "ova"),
    ] {
        source_provider(&env, "t", profile, name).await;
    }
    for name in ["vs", "ov", "os", "ova"] {
        let p = ready(&env, PROVIDER, "t", name).await;
        assert_eq!(p["status"]["phase"], "Ready", "{name}");
        assert!(
            has(&p, "ConnectionTestSucceeded") && has(&p, "InventoryCreated"),
            "{name}"
        );
    }
    env.emu.shutdown().await;
}

#[tokio::test]
async fn bad_credentials_and_url_fail_the_connection() {
    let env = Env::start().await;
    namespace(&env, "t").await;
    let p = env.profile("vsphere");
    env.create(SECRET, "t", json!({"metadata": {"name": "bad"}, "stringData": {"user": p["username"], "password": "nope", "insecureSkipVerify": "true"}})).await;
    env.create(PROVIDER, "t", json!({"metadata": {"name": "badcreds"}, "spec": {"type": "vsphere", "url": p["api_url"], "secret": {"name": "bad", "namespace": "t"}}})).await;
    env.create(PROVIDER, "t", json!({"metadata": {"name": "badurl"}, "spec": {"type": "vsphere", "url": "https://vcenter.invalid/sdk", "secret": {"name": "bad", "namespace": "t"}}})).await;
    let a = env
        .wait(PROVIDER, "t", "badcreds", 10, |o| {
            o["status"]["phase"] == "ConnectionFailed"
        })
        .await;
    assert!(has(&a, "ConnectionAuthFailed"), "{a}");
    assert!(!has(&a, "Ready"));
    let b = env
        .wait(PROVIDER, "t", "badurl", 10, |o| {
            o["status"]["phase"] == "ConnectionFailed"
        })
        .await;
    let c = cond(&b, "ConnectionTestFailed").unwrap();
    assert_eq!(c["category"], "Critical");
    assert!(c["message"].as_str().unwrap().contains("vcenter.invalid"));
    // A remote OpenShift destination at this API server: valid token → ready, bad → failed.
    env.create(SECRET, "t", json!({"metadata": {"name": "tok"}, "stringData": {"token": env.emu.token(), "insecureSkipVerify": "true"}})).await;
    env.create(SECRET, "t", json!({"metadata": {"name": "badtok"}, "stringData": {"token": "x", "insecureSkipVerify": "true"}})).await;
    env.create(PROVIDER, "t", json!({"metadata": {"name": "remote"}, "spec": {"type": "openshift", "url": env.emu.url(), "secret": {"name": "tok", "namespace": "t"}}})).await;
    env.create(PROVIDER, "t", json!({"metadata": {"name": "remote-bad"}, "spec": {"type": "openshift", "url": env.emu.url(), "secret": {"name": "badtok", "namespace": "t"}}})).await;
    ready(&env, PROVIDER, "t", "remote").await;
    env.wait(PROVIDER, "t", "remote-bad", 10, |o| {
        o["status"]["phase"] == "ConnectionFailed"
    })
    .await;
    env.emu.shutdown().await;
}

#[tokio::test]
async fn maps_resolve_references_and_warn_on_unknown_sources() {
    let env = Env::start().await;
    namespace(&env, "t").await;
    source_provider(&env, "t", "vsphere", "vs").await;
    ready(&env, PROVIDER, "t", "vs").await;
    let pair = json!({"source": {"name": "vs", "namespace": "t"}, "destination": {"name": "host", "namespace": MTV}});
    env.create(
        NETMAP,
        "t",
        json!({"metadata": {"name": "net"}, "spec": {"provider": pair, "map": [
        {"source": {"name": "VM Network"}, "destination": {"type": "pod"}},
        {"source": {"name": "no-such-net"}, "destination": {"type": "pod"}}]}}),
    )
    .await;
    env.create(STORAGEMAP, "t", json!({"metadata": {"name": "st"}, "spec": {"provider": pair, "map": [
        {"source": {"name": "mtv-nfs-plain-01"}, "destination": {"storageClass": "ocs-storagecluster-ceph-rbd"}}]}})).await;
    env.create(STORAGEMAP, "t", json!({"metadata": {"name": "st-bad"}, "spec": {"provider": pair, "map": [
        {"source": {"name": "mtv-nfs-plain-01"}, "destination": {"storageClass": "missing-class"}}]}})).await;
    let net = ready(&env, NETMAP, "t", "net").await;
    assert_eq!(
        net["status"]["references"],
        json!([{"id": "network-31", "name": "VM Network"}])
    );
    let w = cond(&net, "SourceNetworkNotValid").unwrap();
    assert_eq!(w["category"], "Warn");
    assert_eq!(w["reason"], "NotFound");
    let st = ready(&env, STORAGEMAP, "t", "st").await;
    assert_eq!(st["status"]["references"][0]["id"], "datastore-1043");
    let bad = env
        .wait(STORAGEMAP, "t", "st-bad", 10, |o| {
            has(o, "DestinationStorageNotValid")
        })
        .await;
    assert!(!has(&bad, "Ready"));
    env.emu.shutdown().await;
}

#[tokio::test]
async fn inventory_reflects_source_changes_after_the_refresh_delay() {
    use mtvt_sim::emulator::EmulatorOptions;
    // 120 virtual seconds at x300 = 0.4 s of wall time.
    let env = Env::with(EmulatorOptions {
        inventory_refresh_delay: std::time::Duration::from_secs(120),
        ..Default::default()
    })
    .await;
    namespace(&env, "t").await;
    source_provider(&env, "t", "ovirt", "ov").await;
    let p = env.wait(PROVIDER, "t", "ov", 10, |p| has(p, "Ready")).await;
    let uid = p["metadata"]["uid"].as_str().unwrap().to_string();
    ovirt_clone(&env, "mtv-tests-rhel8", "fresh-clone").await;
    let now = inventory(&env, &format!("providers/ovirt/{uid}/vms")).await;
    assert!(
        !now.as_array()
            .unwrap()
            .iter()
            .any(|v| v["name"] == "fresh-clone"),
        "visible before the refresh delay"
    );
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let later = inventory(&env, &format!("providers/ovirt/{uid}/vms")).await;
    assert!(
        later
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["name"] == "fresh-clone"),
        "{later}"
    );
    env.emu.shutdown().await;
}

#[tokio::test]
async fn openshift_inventory_lists_cluster_vms_with_their_instance() {
    let env = Env::start().await;
    let host = ready(&env, PROVIDER, MTV, "host").await;
    let uid = host["metadata"]["uid"].as_str().unwrap();
    let vms = inventory(
        &env,
        &format!("providers/openshift/{uid}/vms?namespace=mtv-source-vms"),
    )
    .await;
    let names: Vec<&str> = vms
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"mtv-tests-rhel8"), "{names:?}");
    // A VM started through KubeVirt shows its VMI as `instance`.
    let url = format!(
        "{}/apis/subresources.kubevirt.io/v1/namespaces/mtv-source-vms/virtualmachines/mtv-tests-rhel8/start",
        env.emu.url()
    );
    let r = env
        .http
        .put(url)
        .bearer_auth(env.emu.token())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    env.wait(VMI, "mtv-source-vms", "mtv-tests-rhel8", 5, |v| {
        v["status"]["phase"] == "Running"
    })
    .await;
    let id = vms
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "mtv-tests-rhel8")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let vm = inventory(&env, &format!("providers/openshift/{uid}/vms/{id}")).await;
    assert_eq!(vm["instance"]["status"]["phase"], "Running");
    assert_eq!(vm["object"]["spec"]["runStrategy"], "Always");
    env.emu.shutdown().await;
}

/// `sdkEndpoint: esxi` (upstream pkg/apis/forklift/v1beta1/provider.go:76-78): the admission
/// webhooks default a vSphere Provider to `vcenter` and refuse other values
/// (mutators/provider-mutator.go:67-80, admitters/provider-admitter.go:18-24); the
/// collector compares the setting with the URL's `AboutInfo.apiType`
/// (container/vsphere/collector.go:819-829); a Provider on the lab host's own SDK sees
/// `ha-datacenter` with that host as its only compute resource.
#[tokio::test]
async fn esxi_sdk_endpoint_providers() {
    let env = Env::start().await;
    let ns = "esxi";
    namespace(&env, ns).await;
    let esxi = env.profile("vsphere-esxi");
    assert_eq!(esxi["endpoint_type"], "esxi");
    assert_eq!(esxi["clone_provider"], "vsphere");
    assert_ne!(esxi["api_url"], env.profile("vsphere")["api_url"]);
    // defaulted to vcenter
    let vc = source_provider(&env, ns, "vsphere", "vc").await;
    assert_eq!(vc["spec"]["settings"]["sdkEndpoint"], "vcenter");
    // an ESXi Provider on the host's SDK is Ready and its inventory is the host's view
    source_provider(&env, ns, "vsphere-esxi", "esx").await;
    let p = ready(&env, PROVIDER, ns, "esx").await;
    let uid = p["metadata"]["uid"].as_str().unwrap();
    let dcs = inventory(&env, &format!("providers/vsphere/{uid}/datacenters")).await;
    assert_eq!(dcs[0]["name"], "ha-datacenter", "{dcs}");
    let hosts = inventory(&env, &format!("providers/vsphere/{uid}/hosts")).await;
    assert_eq!(hosts.as_array().unwrap().len(), 1, "{hosts}");
    assert_eq!(hosts[0]["name"], "esxi-01.mtv.lab");
    let vms = inventory(&env, &format!("providers/vsphere/{uid}/vms")).await;
    assert!(
        vms.as_array()
            .unwrap()
            .iter()
            .any(|v| v["name"] == "mtv-tests-rhel8"),
        "{vms}"
    );
    // sdkEndpoint esxi on the vCenter URL: refused by the connection test
    env.patch(
        PROVIDER,
        ns,
        "vc",
        json!({"spec": {"settings": {"sdkEndpoint": "esxi"}}}),
    )
    .await;
    let failed = env
        .wait(PROVIDER, ns, "vc", 10, |o| {
            o["status"]["phase"] == "ConnectionFailed"
        })
        .await;
    let c = cond(&failed, "ConnectionTestFailed").unwrap();
    assert!(
        c["message"]
            .as_str()
            .unwrap()
            .contains("provider sdkEndpoint is set to ESXi but the URL points to a vCenter server"),
        "{c}"
    );
    // and an unknown endpoint type is refused at admission
    let bad = env
        .try_create(
            PROVIDER,
            ns,
            json!({"metadata": {"name": "bad"}, "spec": {"type": "vsphere", "url": esxi["api_url"],
                   "secret": {"name": "esx-secret", "namespace": ns}, "settings": {"sdkEndpoint": "ESXi"}}}),
        )
        .await;
    let Err(kube::Error::Api(e)) = bad else {
        panic!("created: {bad:?}")
    };
    assert!(e.message.contains("invalid SDK endpoint type"), "{e:?}");
}
