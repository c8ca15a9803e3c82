//! CRD schema validation with `--crds` (the test CRDs of `fixtures/crds`), defaulting,
//! pruning and fieldValidation, and CRDs created through the API.

use kube::api::{Api, DynamicObject, PostParams};
use serde_json::{Value, json};

use crate::harness::{Sim, api_err, ar, widget_json};

#[tokio::test]
async fn invalid_custom_resources_are_rejected_with_field_paths() {
    let sim = Sim::with_crds().await;
    let widgets = sim.widgets("default");
    let mut bad = widget_json("bad");
    bad["spec"]["enabled"] = json!("yes");
    bad["spec"]["mode"] = json!("hot");
    bad["spec"]
        .as_object_mut()
        .unwrap()
        .remove("targetNamespace");
    let e = api_err(
        widgets
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
            .starts_with("Widget.example.com \"bad\" is invalid: ["),
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
    assert_eq!(by_field("spec.enabled").reason, "FieldValueTypeInvalid");
    assert_eq!(
        by_field("spec.enabled").message,
        "Invalid value: \"string\": spec.enabled in body must be of type boolean: \"string\""
    );
    assert_eq!(by_field("spec.mode").reason, "FieldValueNotSupported");
    assert_eq!(
        by_field("spec.targetNamespace").reason,
        "FieldValueRequired"
    );

    let good = widgets
        .create(
            &PostParams::default(),
            &serde_json::from_value(widget_json("good")).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        good.data["spec"]["retainParts"], true,
        "CRD defaults are applied"
    );
    assert_eq!(good.data["spec"]["replicas"], 1);

    // Updates are validated too.
    let mut upd = good.clone();
    upd.data["spec"]["parts"] = json!("not-a-list");
    let e = api_err(
        widgets
            .replace("good", &PostParams::default(), &upd)
            .await
            .unwrap_err(),
    );
    assert!(e.is_invalid());

    // A bad deadline timestamp: formats are checked.
    let mut m = widget_json("m");
    m["spec"]["deadline"] = json!("tomorrow");
    let e = api_err(
        widgets
            .create(&PostParams::default(), &serde_json::from_value(m).unwrap())
            .await
            .unwrap_err(),
    );
    assert!(
        e.message
            .contains("spec.deadline in body must be of type date-time"),
        "{}",
        e.message
    );
}

#[tokio::test]
async fn without_crds_custom_resources_are_not_schema_checked() {
    let sim = Sim::start().await;
    let widgets = sim.widgets("default");
    let mut odd = widget_json("odd");
    odd["spec"]["enabled"] = json!("yes");
    let created = widgets
        .create(
            &PostParams::default(),
            &serde_json::from_value(odd).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(created.data["spec"]["enabled"], "yes");
}

#[tokio::test]
async fn field_validation_modes() {
    let sim = Sim::with_crds().await;
    let path = "/apis/example.com/v1/namespaces/default/widgets";
    let body = |name: &str| {
        let mut p = widget_json(name);
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
        "Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.bogus\""
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
async fn schema_applies_to_kinds_without_status_subresource() {
    let sim = Sim::with_crds().await;
    let gadgets: Api<DynamicObject> = Api::namespaced_with(
        sim.client.clone(),
        "default",
        &ar("example.com", "v1", "Gadget", "gadgets"),
    );
    let bad = json!({"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "n"}, "spec": {}});
    let e = api_err(
        gadgets
            .create(
                &PostParams::default(),
                &serde_json::from_value(bad).unwrap(),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(e.details.unwrap().causes[0].field, "spec.config");
    let good = json!({"apiVersion": "example.com/v1", "kind": "Gadget", "metadata": {"name": "n"}, "spec": {"config": "{}"}, "status": {"kept": true}});
    let created = gadgets
        .create(
            &PostParams::default(),
            &serde_json::from_value(good).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        created.data["status"]["kept"], true,
        "no status subresource: status is ordinary data"
    );
    // The CRDs are visible as objects, Established.
    let crds: Api<DynamicObject> = Api::all_with(sim.client.clone(), &crd_ar());
    let widget_crd = crds.get("widgets.example.com").await.unwrap();
    let conds = widget_crd.data["status"]["conditions"].as_array().unwrap();
    assert!(
        conds
            .iter()
            .any(|c| c["type"] == "Established" && c["status"] == "True")
    );
}

#[tokio::test]
async fn crds_created_through_the_api_are_served() {
    let sim = Sim::start().await;
    let crds: Api<DynamicObject> = Api::all_with(sim.client.clone(), &crd_ar());
    let crd = json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "sprockets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"kind": "Sprocket", "plural": "sprockets", "singular": "sprocket", "shortNames": ["spr"]},
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
    let sprockets: Api<DynamicObject> = Api::namespaced_with(
        sim.client.clone(),
        "default",
        &ar("example.com", "v1", "Sprocket", "sprockets"),
    );
    let w = json!({"apiVersion": "example.com/v1", "kind": "Sprocket", "metadata": {"name": "w"}, "spec": {"size": 11}});
    let e = api_err(
        sprockets
            .create(&PostParams::default(), &serde_json::from_value(w).unwrap())
            .await
            .unwrap_err(),
    );
    assert!(
        e.message.contains("should be less than or equal to 10"),
        "{}",
        e.message
    );
    let w = json!({"apiVersion": "example.com/v1", "kind": "Sprocket", "metadata": {"name": "w"}, "spec": {"size": 3}});
    sprockets
        .create(&PostParams::default(), &serde_json::from_value(w).unwrap())
        .await
        .unwrap();
    let (found, _) = kube::discovery::pinned_kind(
        &sim.client,
        &kube::api::GroupVersionKind::gvk("example.com", "v1", "Sprocket"),
    )
    .await
    .unwrap();
    assert_eq!(found.plural, "sprockets");
}

fn crd_ar() -> kube::api::ApiResource {
    ar(
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
    )
}

/// `ServerBuilder::crds` installs CRD objects at start (listed, served, validating); a
/// `crds_dir` CRD of the same name then replaces the spec and merges the annotations.
#[tokio::test]
async fn builder_crds_are_installed_and_dirs_replace_them() {
    let text = std::fs::read_to_string(crate::harness::crds_dir().join("example.com_gadgets.yaml"))
        .unwrap();
    let mut gadget: Value = serde_saphyr::from_str(&text).unwrap();
    gadget["metadata"]["annotations"] = json!({"installed-by": "builder", "keep": "me"});
    gadget["spec"]["names"]["shortNames"] = json!(["gg"]);
    let sim = crate::harness::Sim::with(
        mtvt_apiserver::server::Server::builder().crds(vec![gadget.clone()]),
    )
    .await;
    let crds: Api<DynamicObject> = Api::all_with(sim.client.clone(), &crd_ar());
    let got = crds.get("gadgets.example.com").await.unwrap();
    assert_eq!(got.metadata.annotations.as_ref().unwrap()["keep"], "me");
    assert_eq!(got.data["spec"]["names"]["shortNames"], json!(["gg"]));
    let gadgets: Api<DynamicObject> = Api::namespaced_with(
        sim.client.clone(),
        "default",
        &ar("example.com", "v1", "Gadget", "gadgets"),
    );
    let bad = json!({"apiVersion": "example.com/v1", "kind": "Gadget",
                     "metadata": {"name": "g"}, "spec": {}});
    let e = api_err(
        gadgets
            .create(
                &PostParams::default(),
                &serde_json::from_value(bad).unwrap(),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 422, "{}", e.message);

    gadget["metadata"]["annotations"] = json!({"installed-by": "builder"});
    let sim = crate::harness::Sim::with(
        mtvt_apiserver::server::Server::builder()
            .crds(vec![gadget])
            .crds_dir(crate::harness::crds_dir()),
    )
    .await;
    let crds: Api<DynamicObject> = Api::all_with(sim.client.clone(), &crd_ar());
    let got = crds.get("gadgets.example.com").await.unwrap();
    assert_eq!(
        got.data["spec"]["names"]["shortNames"],
        json!(["gd"]),
        "the directory's CRD replaced the spec"
    );
    assert_eq!(
        got.metadata.annotations.as_ref().unwrap()["installed-by"],
        "builder",
        "annotations merged"
    );
}
