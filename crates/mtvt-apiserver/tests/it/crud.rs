//! Every verb through kube-rs, typed and dynamic, and the errors a real server gives.

use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Secret};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, DeleteParams, GroupVersionKind, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;

use crate::harness::{Sim, api_err, configmap, widget};

fn cm(name: &str) -> ConfigMap {
    configmap(name, &[("app", "web")], &[("a", "1")])
}

#[tokio::test]
async fn typed_create_get_list_replace_delete() {
    let sim = Sim::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    let created = cms.create(&PostParams::default(), &cm("c1")).await.unwrap();
    let meta = &created.metadata;
    assert!(meta.uid.as_deref().is_some_and(|u| u.len() == 36));
    assert!(meta.creation_timestamp.is_some());
    assert!(
        meta.resource_version
            .as_deref()
            .is_some_and(|rv| rv.parse::<u64>().is_ok())
    );
    assert_eq!(meta.generation, None, "configmaps carry no generation");
    assert_eq!(meta.namespace.as_deref(), Some("default"));

    let got = cms.get("c1").await.unwrap();
    assert_eq!(got.data, created.data);
    let list = cms.list(&ListParams::default()).await.unwrap();
    assert_eq!(list.items.len(), 1);
    assert!(list.metadata.resource_version.is_some());

    let mut changed = got.clone();
    changed.data = Some([("a".to_string(), "2".to_string())].into());
    let replaced = cms
        .replace("c1", &PostParams::default(), &changed)
        .await
        .unwrap();
    assert_ne!(
        replaced.metadata.resource_version,
        got.metadata.resource_version
    );
    assert_eq!(replaced.metadata.uid, got.metadata.uid);
    assert_eq!(
        replaced.metadata.creation_timestamp,
        got.metadata.creation_timestamp
    );

    // Stale resourceVersion: 409 Conflict.
    let e = api_err(
        cms.replace("c1", &PostParams::default(), &changed)
            .await
            .unwrap_err(),
    );
    assert!(e.is_conflict(), "{e:?}");
    assert!(e.message.contains("the object has been modified"));

    let deleted = cms.delete("c1", &DeleteParams::default()).await.unwrap();
    let status = deleted.right().expect("removed at once: a Status");
    assert_eq!(status.details.unwrap().name, "c1");
    let e = api_err(cms.get("c1").await.unwrap_err());
    assert!(e.is_not_found());
    assert_eq!(e.message, "configmaps \"c1\" not found");
}

#[tokio::test]
async fn dynamic_custom_resource_round_trip() {
    let sim = Sim::start().await;
    let widgets = sim.widgets("default");
    let obj = widget("p1");
    let created = widgets.create(&PostParams::default(), &obj).await.unwrap();
    assert_eq!(created.metadata.generation, Some(1));
    let e = api_err(
        widgets
            .create(&PostParams::default(), &obj)
            .await
            .unwrap_err(),
    );
    assert!(e.is_already_exists());
    assert_eq!(e.message, "widgets.example.com \"p1\" already exists");
    assert_eq!(e.details.as_ref().unwrap().group, "example.com");

    let patched = widgets
        .patch(
            "p1",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"description": "x"}})),
        )
        .await
        .unwrap();
    assert_eq!(
        patched.metadata.generation,
        Some(2),
        "spec change bumps generation"
    );
    let labelled = widgets
        .patch(
            "p1",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"a": "b"}}})),
        )
        .await
        .unwrap();
    assert_eq!(
        labelled.metadata.generation,
        Some(2),
        "metadata change does not"
    );

    let jp: json_patch::Patch = serde_json::from_value(
        json!([{"op": "replace", "path": "/spec/description", "value": "y"}]),
    )
    .unwrap();
    let patched = widgets
        .patch("p1", &PatchParams::default(), &Patch::<()>::Json(jp))
        .await
        .unwrap();
    assert_eq!(patched.data["spec"]["description"], "y");

    // Strategic merge patch is refused for custom resources, as on a real cluster.
    let e = api_err(
        widgets
            .patch(
                "p1",
                &PatchParams::default(),
                &Patch::Strategic(json!({"spec": {}})),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 415);

    // Custom resources need a resourceVersion on update.
    let mut no_rv = patched.clone();
    no_rv.metadata.resource_version = None;
    let e = api_err(
        widgets
            .replace("p1", &PostParams::default(), &no_rv)
            .await
            .unwrap_err(),
    );
    assert!(e.is_invalid());

    let gone = widgets
        .delete("p1", &DeleteParams::default())
        .await
        .unwrap();
    assert!(gone.is_right());
}

#[tokio::test]
async fn generate_name_and_strategic_merge_for_builtins() {
    let sim = Sim::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    let mut g = cm("");
    g.metadata.name = None;
    g.metadata.generate_name = Some("gen-".into());
    let a = cms.create(&PostParams::default(), &g).await.unwrap();
    let b = cms.create(&PostParams::default(), &g).await.unwrap();
    let (an, bn) = (a.metadata.name.unwrap(), b.metadata.name.unwrap());
    assert!(an.starts_with("gen-") && an.len() == 9, "{an}");
    assert_ne!(an, bn);

    let patched = cms
        .patch(
            &an,
            &PatchParams::default(),
            &Patch::Strategic(json!({"metadata": {"finalizers": ["x.io/f"]}, "data": {"b": "2"}})),
        )
        .await
        .unwrap();
    assert_eq!(patched.data.unwrap().len(), 2);
    assert_eq!(
        patched.metadata.finalizers,
        Some(vec!["x.io/f".to_string()])
    );
}

#[tokio::test]
async fn name_and_label_validation_is_422_with_causes() {
    let sim = Sim::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    let e = api_err(
        cms.create(&PostParams::default(), &cm("Bad_Name"))
            .await
            .unwrap_err(),
    );
    assert!(e.is_invalid());
    let causes = e.details.unwrap().causes;
    assert_eq!(causes[0].field, "metadata.name");
    assert_eq!(causes[0].reason, "FieldValueInvalid");

    let mut bad = cm("ok");
    bad.metadata.labels = Some([("x".to_string(), "v".repeat(64))].into());
    let e = api_err(cms.create(&PostParams::default(), &bad).await.unwrap_err());
    assert!(
        e.message.contains("must be no more than 63 characters"),
        "{}",
        e.message
    );

    let nss: Api<Namespace> = Api::all(sim.client.clone());
    let ns = Namespace {
        metadata: ObjectMeta {
            name: Some("has.dot".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let e = api_err(nss.create(&PostParams::default(), &ns).await.unwrap_err());
    assert!(e.message.contains("RFC 1123 label"), "{}", e.message);

    // A namespace that does not exist.
    let other: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "nope");
    let e = api_err(
        other
            .create(&PostParams::default(), &cm("c"))
            .await
            .unwrap_err(),
    );
    assert!(e.is_not_found());
    assert_eq!(e.message, "namespaces \"nope\" not found");
}

#[tokio::test]
async fn secrets_fold_string_data() {
    let sim = Sim::start().await;
    let secrets: Api<Secret> = Api::namespaced(sim.client.clone(), "kube-system");
    let s = Secret {
        metadata: ObjectMeta {
            name: Some("db-creds".into()),
            ..Default::default()
        },
        string_data: Some([("user".to_string(), "admin".to_string())].into()),
        ..Default::default()
    };
    let created = secrets.create(&PostParams::default(), &s).await.unwrap();
    assert_eq!(created.type_.as_deref(), Some("Opaque"));
    assert!(created.string_data.is_none());
    assert_eq!(created.data.unwrap()["user"].0, b"admin");
}

#[tokio::test]
async fn dry_run_stores_nothing() {
    let sim = Sim::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    let pp = PostParams {
        dry_run: true,
        ..Default::default()
    };
    let out = cms.create(&pp, &cm("dry")).await.unwrap();
    assert_eq!(out.metadata.name.as_deref(), Some("dry"));
    assert!(cms.get_opt("dry").await.unwrap().is_none());
}

#[tokio::test]
async fn bad_requests_get_status_errors() {
    let sim = Sim::start().await;
    let cm_path = "/api/v1/namespaces/default/configmaps";
    // Malformed JSON.
    let r = sim
        .req(reqwest::Method::POST, cm_path)
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let s: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (s["kind"].as_str(), s["reason"].as_str()),
        (Some("Status"), Some("BadRequest"))
    );
    // Wrong kind in the body.
    let r = sim
        .req(reqwest::Method::POST, cm_path)
        .json(&json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Wrong apiVersion.
    let r = sim
        .req(reqwest::Method::POST, cm_path)
        .json(&json!({"apiVersion": "v2", "kind": "ConfigMap", "metadata": {"name": "x"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Unknown resource and unknown group.
    for path in [
        "/api/v1/namespaces/default/widgets",
        "/apis/nope.io/v1/things",
        "/nowhere",
    ] {
        let r = sim.req(reqwest::Method::GET, path).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path}");
        let s: serde_json::Value = r.json().await.unwrap();
        assert_eq!(s["reason"], "NotFound");
    }
    // Oversized body: 413, as a Status.
    let big = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"big\"}},\"data\":{{\"a\":\"{}\"}}}}",
        "x".repeat(4 * 1024 * 1024)
    );
    let r = sim
        .req(reqwest::Method::POST, cm_path)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    let s: serde_json::Value = r.json().await.unwrap();
    assert_eq!(s["reason"], "RequestEntityTooLarge");
    // Unknown patch type, method not allowed, protobuf of an unknown kind.
    sim.req(reqwest::Method::POST, cm_path)
        .json(&json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}))
        .send()
        .await
        .unwrap();
    let r = sim
        .req(reqwest::Method::PATCH, &format!("{cm_path}/c"))
        .header("content-type", "text/plain")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let r = sim
        .req(reqwest::Method::POST, &format!("{cm_path}/c"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    let s: serde_json::Value = r.json().await.unwrap();
    assert_eq!(s["reason"], "MethodNotAllowed");
    let r = sim
        .req(reqwest::Method::POST, cm_path)
        .header("content-type", "application/vnd.kubernetes.protobuf")
        .body("k8s\0junk")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Server-side apply is refused with a clear 415.
    let r = sim
        .req(
            reqwest::Method::PATCH,
            &format!("{cm_path}/c?fieldManager=x"),
        )
        .header("content-type", "application/apply-patch+yaml")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    assert!(r.text().await.unwrap().contains("server-side apply"));
    // Empty body on create.
    let r = sim
        .req(reqwest::Method::POST, cm_path)
        .header("content-type", "application/json")
        .body("")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // YAML body.
    let r = sim
        .req(reqwest::Method::POST, cm_path)
        .header("content-type", "application/yaml")
        .body("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-yaml}\ndata: {k: v}\n")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

#[tokio::test]
async fn unauthenticated_requests_get_401() {
    let sim = Sim::start().await;
    let r = sim
        .http
        .get(sim.url("/api/v1/namespaces"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let s: serde_json::Value = r.json().await.unwrap();
    assert_eq!(s["reason"], "Unauthorized");
    let r = sim
        .http
        .get(sim.url("/api/v1/namespaces"))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = sim.http.get(sim.url("/version")).send().await.unwrap();
    assert_eq!(r.status(), 200, "/version is public, as on kube");
    // ...to anonymous requests only: credentials that do not authenticate are refused
    // first (k8s.io/apiserver pkg/endpoints/filters/authentication.go)
    let r = (sim.http.get(sim.url("/version")).bearer_auth("wrong"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    let r = sim
        .req(reqwest::Method::GET, "/api/v1/namespaces")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn discovery_and_version() {
    let sim = Sim::start().await;
    let v = sim.client.apiserver_version().await.unwrap();
    assert_eq!(v.major, "1");
    let d = kube::discovery::Discovery::new(sim.client.clone())
        .run()
        .await
        .unwrap();
    let groups: Vec<String> = d.groups().map(|g| g.name().to_string()).collect();
    for g in [
        "",
        "example.com",
        "batch",
        "storage.k8s.io",
        "apiextensions.k8s.io",
    ] {
        assert!(groups.iter().any(|x| x == g), "{g} missing from {groups:?}");
    }
    let (ar, caps) = kube::discovery::pinned_kind(
        &sim.client,
        &GroupVersionKind::gvk("example.com", "v1", "Widget"),
    )
    .await
    .unwrap();
    assert_eq!(ar.plural, "widgets");
    assert!(
        caps.subresources
            .iter()
            .any(|(s, _)| s.plural == "status" || s.plural == "widgets/status"),
        "{caps:?}"
    );
}
