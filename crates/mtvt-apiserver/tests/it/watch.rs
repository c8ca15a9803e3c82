//! Watch: kube::runtime watcher and await_condition, replay, 410, selectors, timeouts,
//! bookmarks, streaming lists, many watchers.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DynamicObject, Patch, PatchParams, PostParams, WatchEvent, WatchParams};
use kube::runtime::{WatchStreamExt, watcher};
use mtvt_apiserver::api::Limits;
use mtvt_apiserver::server::Server;
use mtvt_apiserver::store::Gvr;
use serde_json::json;

use crate::harness::{Sim, configmap, watch_lines, widget, widgets};

fn cm(name: &str, app: &str) -> ConfigMap {
    configmap(name, &[("app", app)], &[])
}

#[tokio::test]
async fn runtime_watcher_sees_http_and_in_process_writes() {
    let sim = Sim::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    cms.create(&PostParams::default(), &cm("before", "x"))
        .await
        .unwrap();
    let mut stream = watcher(cms.clone(), watcher::Config::default())
        .applied_objects()
        .boxed();
    let first = tokio::time::timeout(Duration::from_secs(5), stream.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first.metadata.name.as_deref(), Some("before"));
    cms.create(&PostParams::default(), &cm("over-http", "x"))
        .await
        .unwrap();
    let second = tokio::time::timeout(Duration::from_secs(5), stream.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(second.metadata.name.as_deref(), Some("over-http"));
    sim.handle
        .store()
        .create(
            &Gvr::core("configmaps"),
            "default",
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "in-process"}}),
        )
        .unwrap();
    let third = tokio::time::timeout(Duration::from_secs(5), stream.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(third.metadata.name.as_deref(), Some("in-process"));
}

#[tokio::test]
async fn await_condition_resolves_on_a_status_write() {
    let sim = Sim::start().await;
    let api = sim.widgets("default");
    api.create(&PostParams::default(), &widget("p"))
        .await
        .unwrap();
    api.create(&PostParams::default(), &widget("other"))
        .await
        .unwrap();
    let ready = |o: Option<&DynamicObject>| {
        o.and_then(|o| o.data["status"]["conditions"].as_array().cloned())
            .is_some_and(|c| {
                c.iter()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
            })
    };
    let wait = tokio::spawn(kube::runtime::wait::await_condition(
        api.clone(),
        "p",
        ready,
    ));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let store = sim.handle.store().clone();
    let gvr = widgets();
    store
        .merge_patch_status(
            &gvr,
            "default",
            "other",
            &json!({"status": {"conditions": [{"type": "Ready", "status": "True"}]}}),
        )
        .unwrap();
    store
        .merge_patch_status(
            &gvr,
            "default",
            "p",
            &json!({"status": {"conditions": [{"type": "Ready", "status": "True"}]}}),
        )
        .unwrap();
    let got = tokio::time::timeout(Duration::from_secs(5), wait)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(got.unwrap().metadata.name.as_deref(), Some("p"));
}

#[tokio::test]
async fn replay_from_a_resource_version() {
    let sim = Sim::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    let a = cms
        .create(&PostParams::default(), &cm("a", "x"))
        .await
        .unwrap();
    cms.create(&PostParams::default(), &cm("b", "x"))
        .await
        .unwrap();
    cms.patch(
        "a",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"k": "v"}})),
    )
    .await
    .unwrap();
    cms.delete("b", &Default::default()).await.unwrap();
    let rv = a.metadata.resource_version.unwrap();
    let lines = watch_lines(
        &sim,
        &format!("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={rv}"),
        3,
        Duration::from_secs(3),
    )
    .await;
    let seen: Vec<(String, String)> = lines
        .iter()
        .map(|l| {
            (
                l["type"].as_str().unwrap().to_string(),
                l["object"]["metadata"]["name"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("ADDED".into(), "b".into()),
            ("MODIFIED".into(), "a".into()),
            ("DELETED".into(), "b".into())
        ]
    );
    let rvs: Vec<u64> = lines
        .iter()
        .map(|l| {
            l["object"]["metadata"]["resourceVersion"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(rvs.windows(2).all(|w| w[0] < w[1]), "{rvs:?}");

    // rv 0: the current state first.
    let lines = watch_lines(
        &sim,
        "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0",
        1,
        Duration::from_secs(3),
    )
    .await;
    assert_eq!(lines[0]["type"], "ADDED");
    assert_eq!(lines[0]["object"]["metadata"]["name"], "a");
}

#[tokio::test]
async fn compacted_history_gives_410() {
    let sim = Sim::with(Server::builder().history_size(16)).await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    for i in 0..40 {
        cms.create(&PostParams::default(), &cm(&format!("c{i}"), "x"))
            .await
            .unwrap();
    }
    let lines = watch_lines(
        &sim,
        "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2",
        5,
        Duration::from_secs(3),
    )
    .await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["type"], "ERROR");
    assert_eq!(lines[0]["object"]["code"], 410);
    assert_eq!(lines[0]["object"]["reason"], "Expired");
    // kube's watcher recovers by relisting.
    let mut stream = watcher(cms.clone(), watcher::Config::default())
        .applied_objects()
        .boxed();
    let first = tokio::time::timeout(Duration::from_secs(5), stream.try_next())
        .await
        .unwrap()
        .unwrap();
    assert!(first.is_some());
}

#[tokio::test]
async fn selectors_filter_and_transitions_are_reported() {
    let sim = Sim::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    let wp = WatchParams::default().labels("app=web").timeout(10);
    let mut stream = cms.watch(&wp, "0").await.unwrap().boxed();
    cms.create(&PostParams::default(), &cm("other", "db"))
        .await
        .unwrap();
    cms.create(&PostParams::default(), &cm("w", "web"))
        .await
        .unwrap();
    cms.patch(
        "w",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"labels": {"app": "db"}}})),
    )
    .await
    .unwrap();
    cms.patch(
        "other",
        &PatchParams::default(),
        &Patch::Merge(json!({"metadata": {"labels": {"app": "web"}}})),
    )
    .await
    .unwrap();
    let mut got = Vec::new();
    while got.len() < 3 {
        match tokio::time::timeout(Duration::from_secs(5), stream.try_next())
            .await
            .unwrap()
            .unwrap()
            .unwrap()
        {
            WatchEvent::Added(o) => got.push(format!("ADDED {}", o.metadata.name.unwrap())),
            WatchEvent::Modified(o) => got.push(format!("MODIFIED {}", o.metadata.name.unwrap())),
            WatchEvent::Deleted(o) => got.push(format!("DELETED {}", o.metadata.name.unwrap())),
            _ => {}
        }
    }
    assert_eq!(got, vec!["ADDED w", "DELETED w", "ADDED other"]);

    let fp = WatchParams::default().fields("metadata.name=w").timeout(10);
    let mut stream = cms.watch(&fp, "0").await.unwrap().boxed();
    match tokio::time::timeout(Duration::from_secs(5), stream.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap()
    {
        WatchEvent::Added(o) => assert_eq!(o.metadata.name.as_deref(), Some("w")),
        other => panic!("{other:?}"),
    }
    let r = sim
        .req(
            reqwest::Method::GET,
            "/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=spec.bogus%3Dx",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn watches_end_at_timeout_seconds() {
    let sim = Sim::start().await;
    let started = std::time::Instant::now();
    let lines = watch_lines(
        &sim,
        "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1",
        100,
        Duration::from_secs(10),
    )
    .await;
    assert!(lines.is_empty());
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "{took:?}"
    );
}

#[tokio::test]
async fn bookmarks_and_streaming_lists() {
    let limits = Limits {
        bookmark_interval: Duration::from_millis(200),
        ..Limits::default()
    };
    let sim = Sim::with(Server::builder().limits(limits)).await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    cms.create(&PostParams::default(), &cm("a", "x"))
        .await
        .unwrap();
    let lines = watch_lines(
        &sim,
        "/api/v1/namespaces/default/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true",
        3,
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(lines[0]["type"], "ADDED");
    assert_eq!(lines[1]["type"], "BOOKMARK");
    assert_eq!(
        lines[1]["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"],
        "true"
    );
    assert_eq!(lines[2]["type"], "BOOKMARK", "periodic bookmark");
    let rv: u64 = lines[2]["object"]["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(rv >= 1);
    // kube's streaming-list mode works end to end.
    let mut stream = watcher(cms.clone(), watcher::Config::default().streaming_lists())
        .applied_objects()
        .boxed();
    let first = tokio::time::timeout(Duration::from_secs(5), stream.try_next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first.metadata.name.as_deref(), Some("a"));
}

#[tokio::test]
async fn many_watchers_all_see_each_event() {
    let sim = Sim::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    let mut streams = Vec::new();
    for _ in 0..50 {
        streams.push(
            cms.watch(&WatchParams::default().timeout(20), "0")
                .await
                .unwrap()
                .boxed(),
        );
    }
    cms.create(&PostParams::default(), &cm("fan", "x"))
        .await
        .unwrap();
    for mut s in streams {
        match tokio::time::timeout(Duration::from_secs(5), s.try_next())
            .await
            .unwrap()
            .unwrap()
            .unwrap()
        {
            WatchEvent::Added(o) => assert_eq!(o.metadata.name.as_deref(), Some("fan")),
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn watches_end_on_shutdown() {
    let sim = Sim::start().await;
    let resp = sim
        .req(reqwest::Method::GET, "/api/v1/configmaps?watch=true")
        .send()
        .await
        .unwrap();
    let mut body = resp.bytes_stream();
    let Sim { handle, .. } = sim;
    tokio::time::timeout(Duration::from_secs(6), handle.shutdown())
        .await
        .expect("shutdown completes while a watch is open");
    let end = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(Ok(_)) = body.next().await {}
    })
    .await;
    assert!(end.is_ok(), "the watch stream ends");
}
