//! Status subresource, finalizers, namespace termination, garbage collection and
//! propagation policies.

use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::api::{Api, DeleteParams, Patch, PatchParams, PostParams, PropagationPolicy};
use serde_json::json;

use crate::harness::{Sim, api_err, widget};

#[tokio::test]
async fn status_subresource_separates_spec_and_status() {
    let sim = Sim::start().await;
    let widgets = sim.widgets("default");
    let mut obj = widget("p");
    obj.data["status"] = json!({"ignored": true});
    let created = widgets.create(&PostParams::default(), &obj).await.unwrap();
    assert!(
        created.data.get("status").is_none(),
        "status is dropped on create"
    );

    let st = widgets
        .patch_status(
            "p",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"phase": "Ready"}, "spec": {"description": "sneaky"}})),
        )
        .await
        .unwrap();
    assert_eq!(st.data["status"]["phase"], "Ready");
    assert!(
        st.data["spec"].get("description").is_none(),
        "status writes never touch spec"
    );
    assert_eq!(
        st.metadata.generation,
        Some(1),
        "status writes do not bump generation"
    );

    let main = widgets
        .patch(
            "p",
            &PatchParams::default(),
            &Patch::Merge(json!({"status": {"phase": "Hacked"}, "spec": {"description": "d"}})),
        )
        .await
        .unwrap();
    assert_eq!(
        main.data["status"]["phase"], "Ready",
        "main writes never touch status"
    );
    assert_eq!(main.data["spec"]["description"], "d");
    assert_eq!(main.metadata.generation, Some(2));

    let mut stale = st.clone();
    stale.data["status"] = json!({"phase": "Old"});
    let e = api_err(
        widgets
            .replace_status("p", &PostParams::default(), &stale)
            .await
            .unwrap_err(),
    );
    assert!(e.is_conflict());
    let fresh = widgets.get("p").await.unwrap();
    let mut next = fresh.clone();
    next.data["status"] = json!({"phase": "Done"});
    let out = widgets
        .replace_status("p", &PostParams::default(), &next)
        .await
        .unwrap();
    assert_eq!(out.data["status"]["phase"], "Done");

    // Kinds without a status subresource have no /status.
    let r = sim
        .req(
            reqwest::Method::GET,
            "/api/v1/namespaces/default/configmaps/x/status",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn finalizers_hold_objects_until_removed() {
    let sim = Sim::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    let c = ConfigMap {
        metadata: ObjectMeta {
            name: Some("held".into()),
            finalizers: Some(vec!["example.com/hold".into()]),
            ..Default::default()
        },
        ..Default::default()
    };
    cms.create(&PostParams::default(), &c).await.unwrap();
    let pending = cms
        .delete("held", &DeleteParams::default())
        .await
        .unwrap()
        .left()
        .expect("held by a finalizer");
    assert!(pending.metadata.deletion_timestamp.is_some());
    let still = cms.get("held").await.unwrap();
    assert!(still.metadata.deletion_timestamp.is_some());
    // New finalizers cannot be added while deleting.
    let e = api_err(
        cms.patch(
            "held",
            &PatchParams::default(),
            &Patch::Merge(
                json!({"metadata": {"finalizers": ["example.com/hold", "example.com/more"]}}),
            ),
        )
        .await
        .unwrap_err(),
    );
    assert!(e.is_invalid(), "{e:?}");
    cms.patch(
        "held",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
    assert!(
        cms.get_opt("held").await.unwrap().is_none(),
        "gone once the last finalizer is removed"
    );
}

#[tokio::test]
async fn namespace_deletion_cascades_through_terminating() {
    let sim = Sim::start().await;
    let nss: Api<Namespace> = Api::all(sim.client.clone());
    let ns = Namespace {
        metadata: ObjectMeta {
            name: Some("doomed".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let created = nss.create(&PostParams::default(), &ns).await.unwrap();
    assert_eq!(created.status.unwrap().phase.as_deref(), Some("Active"));
    assert_eq!(
        created.spec.unwrap().finalizers,
        Some(vec!["kubernetes".to_string()])
    );
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "doomed");
    cms.create(
        &PostParams::default(),
        &ConfigMap {
            metadata: ObjectMeta {
                name: Some("free".into()),
                ..Default::default()
            },
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let held = ConfigMap {
        metadata: ObjectMeta {
            name: Some("held".into()),
            finalizers: Some(vec!["example.com/hold".into()]),
            ..Default::default()
        },
        ..Default::default()
    };
    cms.create(&PostParams::default(), &held).await.unwrap();

    let marked = nss
        .delete("doomed", &DeleteParams::default())
        .await
        .unwrap()
        .left()
        .expect("namespaces terminate first");
    assert_eq!(marked.status.unwrap().phase.as_deref(), Some("Terminating"));
    assert!(
        cms.get_opt("free").await.unwrap().is_none(),
        "content without finalizers is gone"
    );
    assert!(
        cms.get("held")
            .await
            .unwrap()
            .metadata
            .deletion_timestamp
            .is_some()
    );
    let ns_now = nss.get("doomed").await.unwrap();
    assert_eq!(ns_now.status.unwrap().phase.as_deref(), Some("Terminating"));
    // No new content in a terminating namespace.
    let e = api_err(
        cms.create(
            &PostParams::default(),
            &ConfigMap {
                metadata: ObjectMeta {
                    name: Some("late".into()),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await
        .unwrap_err(),
    );
    assert!(e.is_forbidden(), "{e:?}");
    assert!(e.message.contains("being terminated"));

    cms.patch(
        "held",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
    assert!(
        nss.get_opt("doomed").await.unwrap().is_none(),
        "the namespace goes once empty"
    );

    let e = api_err(
        nss.delete("default", &DeleteParams::default())
            .await
            .unwrap_err(),
    );
    assert!(e.is_forbidden());
}

fn owned(name: &str, owner: &ConfigMap) -> ConfigMap {
    ConfigMap {
        metadata: ObjectMeta {
            name: Some(name.into()),
            owner_references: Some(vec![OwnerReference {
                api_version: "v1".into(),
                kind: "ConfigMap".into(),
                name: owner.metadata.name.clone().unwrap(),
                uid: owner.metadata.uid.clone().unwrap(),
                ..Default::default()
            }]),
            ..Default::default()
        },
        ..Default::default()
    }
}

async fn family(cms: &Api<ConfigMap>, tag: &str) -> ConfigMap {
    let owner = cms
        .create(
            &PostParams::default(),
            &ConfigMap {
                metadata: ObjectMeta {
                    name: Some(format!("{tag}-owner")),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await
        .unwrap();
    cms.create(
        &PostParams::default(),
        &owned(&format!("{tag}-child"), &owner),
    )
    .await
    .unwrap();
    let child = cms.get(&format!("{tag}-child")).await.unwrap();
    cms.create(
        &PostParams::default(),
        &owned(&format!("{tag}-grandchild"), &child),
    )
    .await
    .unwrap();
    owner
}

#[tokio::test]
async fn garbage_collection_follows_propagation_policy() {
    let sim = Sim::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");

    family(&cms, "bg").await;
    cms.delete("bg-owner", &DeleteParams::background())
        .await
        .unwrap();
    assert!(cms.get_opt("bg-child").await.unwrap().is_none());
    assert!(
        cms.get_opt("bg-grandchild").await.unwrap().is_none(),
        "cascades transitively"
    );

    family(&cms, "fg").await;
    let held = ConfigMap {
        metadata: ObjectMeta {
            finalizers: Some(vec!["example.com/hold".into()]),
            ..owned("fg-held", &cms.get("fg-owner").await.unwrap()).metadata
        },
        ..Default::default()
    };
    cms.create(&PostParams::default(), &held).await.unwrap();
    let dp = DeleteParams {
        propagation_policy: Some(PropagationPolicy::Foreground),
        ..Default::default()
    };
    let marked = cms
        .delete("fg-owner", &dp)
        .await
        .unwrap()
        .left()
        .expect("foreground waits");
    assert!(
        marked
            .metadata
            .finalizers
            .unwrap()
            .contains(&"foregroundDeletion".to_string())
    );
    assert!(cms.get_opt("fg-child").await.unwrap().is_none());
    assert!(
        cms.get_opt("fg-owner").await.unwrap().is_some(),
        "owner waits for its held dependent"
    );
    cms.patch(
        "fg-held",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"finalizers": null}})),
    )
    .await
    .unwrap();
    assert!(
        cms.get_opt("fg-owner").await.unwrap().is_none(),
        "owner goes when its dependents are gone"
    );

    family(&cms, "or").await;
    cms.delete("or-owner", &DeleteParams::orphan())
        .await
        .unwrap();
    assert!(cms.get_opt("or-owner").await.unwrap().is_none());
    let orphan = cms.get("or-child").await.unwrap();
    assert!(
        orphan.metadata.owner_references.is_none(),
        "orphans lose the owner reference"
    );
    assert!(cms.get_opt("or-grandchild").await.unwrap().is_some());
}

#[tokio::test]
async fn preconditions_on_delete() {
    let sim = Sim::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    let c = cms
        .create(
            &PostParams::default(),
            &ConfigMap {
                metadata: ObjectMeta {
                    name: Some("pc".into()),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let dp = DeleteParams {
        preconditions: Some(kube::api::Preconditions {
            uid: Some("other".into()),
            resource_version: None,
        }),
        ..Default::default()
    };
    let e = api_err(cms.delete("pc", &dp).await.unwrap_err());
    assert!(e.is_conflict());
    let dp = DeleteParams {
        preconditions: Some(kube::api::Preconditions {
            uid: c.metadata.uid.clone(),
            resource_version: c.metadata.resource_version.clone(),
        }),
        ..Default::default()
    };
    assert!(cms.delete("pc", &dp).await.unwrap().is_right());
}

#[tokio::test]
async fn delete_collection_by_label() {
    let sim = Sim::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    for (n, app) in [("a", "x"), ("b", "x"), ("c", "y")] {
        let c = ConfigMap {
            metadata: ObjectMeta {
                name: Some(n.into()),
                labels: Some([("app".to_string(), app.to_string())].into()),
                ..Default::default()
            },
            ..Default::default()
        };
        cms.create(&PostParams::default(), &c).await.unwrap();
    }
    let out = cms
        .delete_collection(
            &DeleteParams::default(),
            &kube::api::ListParams::default().labels("app=x"),
        )
        .await
        .unwrap();
    assert_eq!(out.left().map(|l| l.items.len()), Some(2));
    let left: Vec<String> = cms
        .list(&Default::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|c| c.metadata.name)
        .collect();
    assert_eq!(left, vec!["c".to_string()]);
}
