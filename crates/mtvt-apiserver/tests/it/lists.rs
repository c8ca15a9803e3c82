//! Lists: label (set-based) and field selectors, all namespaces, pagination, tables.

use k8s_openapi::api::core::v1::{ConfigMap, Namespace};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::api::{Api, ListParams, PostParams};
use serde_json::Value;

use crate::harness::Sim;

async fn seed(sim: &Sim) {
    let nss: Api<Namespace> = Api::all(sim.client.clone());
    for ns in ["a", "b"] {
        nss.create(
            &PostParams::default(),
            &Namespace {
                metadata: ObjectMeta {
                    name: Some(ns.into()),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), ns);
        for (name, tier, env) in [
            ("web", "fe", "prod"),
            ("api", "be", "prod"),
            ("db", "be", "dev"),
        ] {
            let labels = [
                ("tier".to_string(), tier.to_string()),
                ("env".to_string(), env.to_string()),
            ]
            .into();
            cms.create(
                &PostParams::default(),
                &ConfigMap {
                    metadata: ObjectMeta {
                        name: Some(name.into()),
                        labels: Some(labels),
                        ..Default::default()
                    },
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        }
    }
}

fn names(list: &[ConfigMap]) -> Vec<String> {
    list.iter()
        .map(|c| {
            format!(
                "{}/{}",
                c.metadata.namespace.as_deref().unwrap(),
                c.metadata.name.as_deref().unwrap()
            )
        })
        .collect()
}

#[tokio::test]
async fn selectors_and_all_namespaces() {
    let sim = Sim::start().await;
    seed(&sim).await;
    let all: Api<ConfigMap> = Api::all(sim.client.clone());
    let one: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "a");
    assert_eq!(
        all.list(&ListParams::default()).await.unwrap().items.len(),
        6
    );
    let cases = [
        ("tier=be", vec!["a/api", "a/db"]),
        ("tier in (fe,be),env!=dev", vec!["a/api", "a/web"]),
        ("env notin (prod)", vec!["a/db"]),
        ("!missing,tier", vec!["a/api", "a/db", "a/web"]),
        ("tier=be,env=dev", vec!["a/db"]),
    ];
    for (sel, want) in cases {
        let got = names(
            &one.list(&ListParams::default().labels(sel))
                .await
                .unwrap()
                .items,
        );
        assert_eq!(got, want, "{sel}");
    }
    let got = names(
        &all.list(&ListParams::default().fields("metadata.name=db"))
            .await
            .unwrap()
            .items,
    );
    assert_eq!(got, vec!["a/db", "b/db"]);
    let got = names(
        &all.list(&ListParams::default().fields("metadata.namespace=b,metadata.name!=db"))
            .await
            .unwrap()
            .items,
    );
    assert_eq!(got, vec!["b/api", "b/web"]);
    let r = sim
        .req(
            reqwest::Method::GET,
            "/api/v1/configmaps?labelSelector=bad%20key%3Dx",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = sim
        .req(
            reqwest::Method::GET,
            "/api/v1/configmaps?fieldSelector=data.x%3Dy",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("field label not supported")
    );
}

#[tokio::test]
async fn pagination_with_limit_and_continue() {
    let sim = Sim::start().await;
    seed(&sim).await;
    let all: Api<ConfigMap> = Api::all(sim.client.clone());
    let first = all.list(&ListParams::default().limit(4)).await.unwrap();
    assert_eq!(first.items.len(), 4);
    assert_eq!(first.metadata.remaining_item_count, Some(2));
    let token = first.metadata.continue_.clone().unwrap();
    let second = all
        .list(&ListParams::default().limit(4).continue_token(&token))
        .await
        .unwrap();
    assert_eq!(second.items.len(), 2);
    assert!(second.metadata.continue_.is_none());
    let mut seen = names(&first.items);
    seen.extend(names(&second.items));
    seen.dedup();
    assert_eq!(seen.len(), 6);
    let r = sim
        .req(
            reqwest::Method::GET,
            "/api/v1/configmaps?limit=1&continue=garbage",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // a limit that is no integer is refused, as kube does (issue 15, F13)
    for bad in ["abc", "1.5", "99999999999999999999"] {
        let r = sim
            .req(
                reqwest::Method::GET,
                &format!("/api/v1/configmaps?limit={bad}"),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "limit={bad}");
    }
}

#[tokio::test]
async fn tables_for_kubectl_get() {
    let sim = Sim::start().await;
    seed(&sim).await;
    let r = sim
        .req(reqwest::Method::GET, "/api/v1/namespaces/a/configmaps")
        .header(
            "accept",
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
        )
        .send()
        .await
        .unwrap();
    let t: Value = r.json().await.unwrap();
    assert_eq!(t["kind"], "Table");
    let cols: Vec<&str> = t["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(cols, vec!["Name", "Data", "Age"]);
    assert_eq!(t["rows"].as_array().unwrap().len(), 3);
    assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
    let r = sim
        .req(reqwest::Method::GET, "/api/v1/namespaces/a/configmaps/db")
        .header(
            "accept",
            "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io",
        )
        .send()
        .await
        .unwrap();
    let m: Value = r.json().await.unwrap();
    assert_eq!(m["kind"], "PartialObjectMetadata");
    let r = sim
        .req(reqwest::Method::GET, "/api/v1/namespaces/a/configmaps")
        .header("accept", "application/vnd.kubernetes.protobuf")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 406);
}
