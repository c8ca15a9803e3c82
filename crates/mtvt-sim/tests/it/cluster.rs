//! The cluster the emulator's API server serves, without controllers
//! (`mtvt_sim::server::Server`): the MTV kinds in discovery, Forklift and Multus CRD schemas
//! validating Plans and NetworkAttachmentDefinitions, and kubectl's view of Plans (printer
//! columns, validation errors, explain). The generic API-server behaviour is tested in
//! mtvt-apiserver.

use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, PostParams};
use kube::core::Status;
use mtvt_sim::server::{Server, ServerHandle};
use serde_json::{Value, json};

use crate::harness::kubectl::{Kubectl, kubectl};
use crate::harness::{Cluster, PLAN, have_schemas, init, schemas};

async fn start(crds: bool) -> (ServerHandle, Cluster) {
    init();
    let mut builder = Server::builder();
    if crds {
        builder = builder
            .crds_dir(schemas("forklift"))
            .crds_dir(schemas("multus"));
    }
    let handle = builder.start().await.expect("server starts");
    let cluster = Cluster::connect(&handle.kubeconfig_yaml()).await;
    (handle, cluster)
}

fn api_err(e: kube::Error) -> Box<Status> {
    match e {
        kube::Error::Api(s) => s,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn plan_json(name: &str) -> Value {
    json!({
        "apiVersion": "forklift.konveyor.io/v1beta1",
        "kind": "Plan",
        "metadata": {"name": name},
        "spec": {
            "provider": {"source": {"name": "vsphere", "namespace": "openshift-mtv"}, "destination": {"name": "host", "namespace": "openshift-mtv"}},
            "map": {"network": {"name": "n", "namespace": "default"}, "storage": {"name": "s", "namespace": "default"}},
            "targetNamespace": "default",
            "vms": [{"name": "rhel9"}],
        },
    })
}

fn plan_manifest(name: &str, ns: &str, warm: &str) -> String {
    format!(
        "apiVersion: forklift.konveyor.io/v1beta1
kind: Plan
metadata:
  name: {name}
  namespace: {ns}
spec:
  provider:
    source: {{name: vsphere, namespace: openshift-mtv}}
    destination: {{name: host, namespace: openshift-mtv}}
  map:
    network: {{name: net-map, namespace: {ns}}}
    storage: {{name: st-map, namespace: {ns}}}
  targetNamespace: {ns}
  warm: {warm}
  vms:
  - name: rhel9
"
    )
}

#[tokio::test]
async fn discovery_lists_the_mtv_groups() {
    let (_handle, cluster) = start(false).await;
    let d = kube::discovery::Discovery::new(cluster.kube.clone())
        .run()
        .await
        .unwrap();
    let groups: Vec<String> = d.groups().map(|g| g.name().to_string()).collect();
    for g in [
        "",
        "forklift.konveyor.io",
        "kubevirt.io",
        "cdi.kubevirt.io",
        "k8s.cni.cncf.io",
        "operators.coreos.com",
        "route.openshift.io",
        "batch",
        "storage.k8s.io",
    ] {
        assert!(groups.iter().any(|x| x == g), "{g} missing from {groups:?}");
    }
    let (ar, caps) = kube::discovery::pinned_kind(
        &cluster.kube,
        &GroupVersionKind::gvk("forklift.konveyor.io", "v1beta1", "Plan"),
    )
    .await
    .unwrap();
    assert_eq!(ar.plural, "plans");
    assert!(
        caps.subresources
            .iter()
            .any(|(s, _)| s.plural == "status" || s.plural == "plans/status"),
        "{caps:?}"
    );
    let ns = cluster
        .get(crate::harness::NAMESPACE, "", "openshift-mtv")
        .await;
    assert_eq!(ns["status"]["phase"], "Active", "the MTV namespace exists");
}

#[tokio::test]
async fn invalid_plans_are_rejected_with_field_paths() {
    if !have_schemas(&["forklift", "multus"]) {
        return;
    }
    let (_handle, cluster) = start(true).await;
    let plans = cluster.api(PLAN, Some("default"));
    let mut bad = plan_json("bad");
    bad["spec"]["warm"] = json!("yes");
    bad["spec"]["type"] = json!("hot");
    bad["spec"]
        .as_object_mut()
        .unwrap()
        .remove("targetNamespace");
    let e = api_err(
        plans
            .create(
                &PostParams::default(),
                &serde_json::from_value(bad).unwrap(),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 422);
    assert!(
        e.message
            .starts_with("Plan.forklift.konveyor.io \"bad\" is invalid: ["),
        "{}",
        e.message
    );
    let causes = e.details.unwrap().causes;
    let by_field = |f: &str| {
        causes
            .iter()
            .find(|c| c.field == f)
            .unwrap_or_else(|| panic!("no cause for {f}: {causes:?}"))
            .clone()
    };
    assert_eq!(by_field("spec.warm").reason, "FieldValueTypeInvalid");
    assert_eq!(
        by_field("spec.warm").message,
        "Invalid value: \"string\": spec.warm in body must be of type boolean: \"string\""
    );
    assert_eq!(by_field("spec.type").reason, "FieldValueNotSupported");
    assert_eq!(
        by_field("spec.targetNamespace").reason,
        "FieldValueRequired"
    );

    let good = plans
        .create(
            &PostParams::default(),
            &serde_json::from_value(plan_json("good")).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        good.data["spec"]["preserveStaticIPs"], true,
        "CRD defaults are applied"
    );
    assert_eq!(good.data["spec"]["migrateSharedDisks"], true);

    // Updates are validated too.
    let mut upd = good.clone();
    upd.data["spec"]["vms"] = json!("not-a-list");
    let e = api_err(
        plans
            .replace("good", &PostParams::default(), &upd)
            .await
            .unwrap_err(),
    );
    assert!(e.is_invalid());

    // A Migration with a bad cutover timestamp: formats are checked.
    let migrations: Api<DynamicObject> = Api::namespaced_with(
        cluster.kube.clone(),
        "default",
        &ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk("forklift.konveyor.io", "v1beta1", "Migration"),
            "migrations",
        ),
    );
    let m = json!({"apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Migration", "metadata": {"name": "m"},
                   "spec": {"plan": {"name": "good", "namespace": "default"}, "cutover": "tomorrow"}});
    let e = api_err(
        migrations
            .create(&PostParams::default(), &serde_json::from_value(m).unwrap())
            .await
            .unwrap_err(),
    );
    assert!(
        e.message
            .contains("spec.cutover in body must be of type date-time"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn multus_schema_applies_to_network_attachment_definitions() {
    if !have_schemas(&["forklift", "multus"]) {
        return;
    }
    let (_handle, cluster) = start(true).await;
    let nads: Api<DynamicObject> = Api::namespaced_with(
        cluster.kube.clone(),
        "default",
        &ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk("k8s.cni.cncf.io", "v1", "NetworkAttachmentDefinition"),
            "network-attachment-definitions",
        ),
    );
    let bad = json!({"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition", "metadata": {"name": "n"}, "spec": {}});
    let e = api_err(
        nads.create(
            &PostParams::default(),
            &serde_json::from_value(bad).unwrap(),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(e.details.unwrap().causes[0].field, "spec.config");
    let good = json!({"apiVersion": "k8s.cni.cncf.io/v1", "kind": "NetworkAttachmentDefinition", "metadata": {"name": "n"}, "spec": {"config": "{}"}});
    nads.create(
        &PostParams::default(),
        &serde_json::from_value(good).unwrap(),
    )
    .await
    .unwrap();
    // The CRDs are visible as objects, Established.
    let crds: Api<DynamicObject> = Api::all_with(
        cluster.kube.clone(),
        &ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk("apiextensions.k8s.io", "v1", "CustomResourceDefinition"),
            "customresourcedefinitions",
        ),
    );
    let plan_crd = crds.get("plans.forklift.konveyor.io").await.unwrap();
    let conds = plan_crd.data["status"]["conditions"].as_array().unwrap();
    assert!(
        conds
            .iter()
            .any(|c| c["type"] == "Established" && c["status"] == "True")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_shows_plans_and_rejects_an_invalid_one() {
    if !have_schemas(&["forklift", "multus"]) {
        return;
    }
    let Some(bin) = kubectl() else { return };
    let (handle, _cluster) = start(true).await;
    let k = Kubectl::new(bin, |path| handle.write_kubeconfig(path));
    tokio::task::block_in_place(|| {
        let (ok, out) = k.run(
            &["apply", "-f", "-"],
            Some(&plan_manifest("bad", "default", "\"yes\"")),
        );
        assert!(!ok);
        assert!(
            out.contains("The Plan \"bad\" is invalid: spec.warm: Invalid value: \"string\": spec.warm in body must be of type boolean"),
            "{out}"
        );
        let out = k.ok(
            &["apply", "-f", "-"],
            Some(&plan_manifest("plan-a", "default", "false")),
        );
        assert!(
            out.contains("plan.forklift.konveyor.io/plan-a created"),
            "{out}"
        );
        let got: Value =
            serde_json::from_str(&k.ok(&["get", "plan", "plan-a", "-o", "json"], None)).unwrap();
        assert_eq!(
            got["spec"]["preserveStaticIPs"], true,
            "CRD default applied"
        );
        let table = k.ok(&["get", "plans"], None);
        let header = table.lines().next().unwrap();
        assert!(
            header.split_whitespace().eq([
                "NAME",
                "READY",
                "EXECUTING",
                "SUCCEEDED",
                "FAILED",
                "AGE"
            ]),
            "{table}"
        );
        let resources = k.ok(&["api-resources"], None);
        assert!(
            resources.contains("plans") && resources.contains("virtualmachines"),
            "{resources}"
        );
        let ns = k.ok(&["get", "ns"], None);
        for n in ["default", "kube-system", "openshift-mtv"] {
            assert!(ns.contains(n), "{ns}");
        }
        let (ok, out) = k.run(&["explain", "plan.spec.warm"], None);
        if ok {
            assert!(out.contains("warm"), "{out}");
        } else {
            // kubectl < 1.27 explains from /openapi/v2, which the emulator serves empty.
            eprintln!("explain not supported: {}", out.trim());
        }
    });
}
