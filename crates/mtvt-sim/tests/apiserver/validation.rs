//! CRD schema validation with `--crds` (Forklift and Multus schemas from ../shared/schemas),
//! defaulting, pruning and fieldValidation, and CRDs created through the API.

use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind, PostParams};
use serde_json::{Value, json};

use crate::common::{Sim, have_schemas, plan_json};
use crate::crud::{api_err, plan_ar};

#[tokio::test]
async fn invalid_plans_are_rejected_with_field_paths() {
    if !have_schemas() {
        return;
    }
    let sim = Sim::with_crds().await;
    let plans: Api<DynamicObject> = Api::namespaced_with(sim.client.clone(), "default", &plan_ar());
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
        sim.client.clone(),
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
async fn without_crds_custom_resources_are_not_schema_checked() {
    let sim = Sim::start().await;
    let plans: Api<DynamicObject> = Api::namespaced_with(sim.client.clone(), "default", &plan_ar());
    let mut odd = plan_json("odd");
    odd["spec"]["warm"] = json!("yes");
    let created = plans
        .create(
            &PostParams::default(),
            &serde_json::from_value(odd).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(created.data["spec"]["warm"], "yes");
}

#[tokio::test]
async fn field_validation_modes() {
    if !have_schemas() {
        return;
    }
    let sim = Sim::with_crds().await;
    let path = "/apis/forklift.konveyor.io/v1beta1/namespaces/default/plans";
    let body = |name: &str| {
        let mut p = plan_json(name);
        p["spec"]["bogus"] = json!(1);
        p
    };
    let r = sim
        .req(
            reqwest::Method::POST,
            &format!("{path}?fieldValidation=Strict"),
        )
        .json(&body("s"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let s: Value = r.json().await.unwrap();
    assert_eq!(
        s["message"],
        "Plan in version \"v1beta1\" cannot be handled as a Plan: strict decoding error: unknown field \"spec.bogus\""
    );

    let r = sim
        .req(
            reqwest::Method::POST,
            &format!("{path}?fieldValidation=Warn"),
        )
        .json(&body("w"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(
        r.headers().get("warning").unwrap().to_str().unwrap(),
        "299 - \"unknown field \\\"spec.bogus\\\"\""
    );
    let o: Value = r.json().await.unwrap();
    assert!(
        o["spec"].get("bogus").is_none(),
        "unknown fields are pruned"
    );

    let r = sim
        .req(
            reqwest::Method::POST,
            &format!("{path}?fieldValidation=Ignore"),
        )
        .json(&body("i"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert!(r.headers().get("warning").is_none());
    let r = sim
        .req(
            reqwest::Method::POST,
            &format!("{path}?fieldValidation=Loud"),
        )
        .json(&body("x"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn multus_schema_applies_to_network_attachment_definitions() {
    if !have_schemas() {
        return;
    }
    let sim = Sim::with_crds().await;
    let nads: Api<DynamicObject> = Api::namespaced_with(
        sim.client.clone(),
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
        sim.client.clone(),
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

#[tokio::test]
async fn crds_created_through_the_api_are_served() {
    let sim = Sim::start().await;
    let crds: Api<DynamicObject> = Api::all_with(
        sim.client.clone(),
        &ApiResource::from_gvk_with_plural(
            &GroupVersionKind::gvk("apiextensions.k8s.io", "v1", "CustomResourceDefinition"),
            "customresourcedefinitions",
        ),
    );
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "shortNames": ["wg"]},
                 "versions": [{"name": "v1", "served": true, "storage": true, "subresources": {"status": {}},
                               "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                                   "spec": {"type": "object", "properties": {"size": {"type": "integer", "maximum": 10}}}}}}}]}
    });
    crds.create(
        &PostParams::default(),
        &serde_json::from_value(crd).unwrap(),
    )
    .await
    .unwrap();
    let ar = ApiResource::from_gvk_with_plural(
        &GroupVersionKind::gvk("example.com", "v1", "Widget"),
        "widgets",
    );
    let widgets: Api<DynamicObject> = Api::namespaced_with(sim.client.clone(), "default", &ar);
    let w = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 11}});
    let e = api_err(
        widgets
            .create(&PostParams::default(), &serde_json::from_value(w).unwrap())
            .await
            .unwrap_err(),
    );
    assert!(
        e.message.contains("should be less than or equal to 10"),
        "{}",
        e.message
    );
    let w = json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 3}});
    widgets
        .create(&PostParams::default(), &serde_json::from_value(w).unwrap())
        .await
        .unwrap();
    let (found, _) = kube::discovery::pinned_kind(
        &sim.client,
        &GroupVersionKind::gvk("example.com", "v1", "Widget"),
    )
    .await
    .unwrap();
    assert_eq!(found.plural, "widgets");
}
