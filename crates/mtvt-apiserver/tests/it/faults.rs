//! API fault injection: each kind of fault, that faulted writes were not applied, and that the
//! decisions are deterministic under a seed.

use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, PostParams};
use kube::runtime::{WatchStreamExt, watcher};
use mtvt_apiserver::server::Server;

use crate::harness::{Sim, api_err, configmap, faults, watch_lines};

fn cm(name: &str) -> ConfigMap {
    configmap(name, &[], &[])
}

#[tokio::test]
async fn injected_5xx_is_not_applied_and_retry_succeeds() {
    let rule = "error=503,verbs=create,resources=configmaps,times=2";
    let sim = Sim::with(Server::builder().faults(faults(1, &[rule]))).await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    let body =
        serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
    for _ in 0..2 {
        let r = sim
            .req(
                reqwest::Method::POST,
                "/api/v1/namespaces/default/configmaps",
            )
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 503);
        assert_eq!(r.headers().get("retry-after").unwrap(), "1");
        let s: serde_json::Value = r.json().await.unwrap();
        assert_eq!(s["reason"], "ServiceUnavailable");
        assert!(
            cms.get_opt("c").await.unwrap().is_none(),
            "a faulted create was not applied"
        );
    }
    let r = sim
        .req(
            reqwest::Method::POST,
            "/api/v1/namespaces/default/configmaps",
        )
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    // kube-rs retries 503 by itself: with the same rule, one create call succeeds once.
    let sim = Sim::with(Server::builder().faults(faults(1, &[rule]))).await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    let rv_before = sim.handle.store().resource_version();
    cms.create(&PostParams::default(), &cm("c")).await.unwrap();
    assert_eq!(
        sim.handle.store().resource_version(),
        rv_before + 1,
        "applied exactly once"
    );
}

#[tokio::test]
async fn injected_429_and_500_carry_the_right_status() {
    let sim = Sim::with(Server::builder().faults(faults(
        1,
        &[
            "error=429,verbs=list,resources=configmaps",
            "error=500,verbs=get,resources=widgets.example.com",
        ],
    )))
    .await;
    let r = sim
        .req(
            reqwest::Method::GET,
            "/api/v1/namespaces/default/configmaps",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers().get("retry-after").unwrap(), "1");
    let s: serde_json::Value = r.json().await.unwrap();
    assert_eq!(s["reason"], "TooManyRequests");
    assert_eq!(s["details"]["retryAfterSeconds"], 1);
    let r = sim
        .req(
            reqwest::Method::GET,
            "/apis/example.com/v1/namespaces/default/widgets/x",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 500);
    let r = sim
        .req(
            reqwest::Method::GET,
            "/api/v1/namespaces/default/configmaps/x",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "not faulted: a plain 404");
}

#[tokio::test]
async fn injected_409_is_retryable() {
    let sim =
        Sim::with(Server::builder().faults(faults(1, &["error=409,verbs=update,times=3"]))).await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    cms.create(&PostParams::default(), &cm("c")).await.unwrap();
    let mut tries = 0;
    loop {
        tries += 1;
        let mut cur = cms.get("c").await.unwrap();
        cur.data = Some([("k".to_string(), "v".to_string())].into());
        match cms.replace("c", &PostParams::default(), &cur).await {
            Ok(_) => break,
            Err(e) => assert!(api_err(e).is_conflict()),
        }
    }
    assert_eq!(tries, 4);
    assert_eq!(cms.get("c").await.unwrap().data.unwrap()["k"], "v");
}

#[tokio::test]
async fn latency_is_added() {
    let sim = Sim::with(Server::builder().faults(faults(1, &["latency=300ms,verbs=get"]))).await;
    let started = Instant::now();
    let r = sim
        .req(reqwest::Method::GET, "/api/v1/namespaces/default")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn dropped_watches_end_early_and_watchers_recover() {
    let sim =
        Sim::with(Server::builder().faults(faults(1, &["drop-watch=2,resources=configmaps"])))
            .await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    for n in ["a", "b", "c"] {
        cms.create(&PostParams::default(), &cm(n)).await.unwrap();
    }
    let lines = watch_lines(
        &sim,
        "/api/v1/namespaces/default/configmaps?watch=true",
        10,
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(lines.len(), 2, "the stream ended after 2 events");
    // kube's watcher re-watches from its last resourceVersion and misses nothing.
    let mut stream = watcher(cms.clone(), watcher::Config::default())
        .applied_objects()
        .boxed();
    let mut seen = Vec::new();
    for _ in 0..3 {
        seen.push(
            tokio::time::timeout(Duration::from_secs(5), stream.try_next())
                .await
                .unwrap()
                .unwrap()
                .unwrap()
                .metadata
                .name
                .unwrap(),
        );
    }
    for n in ["d", "e", "f"] {
        cms.create(&PostParams::default(), &cm(n)).await.unwrap();
    }
    while seen.len() < 6 {
        seen.push(
            tokio::time::timeout(Duration::from_secs(5), stream.try_next())
                .await
                .unwrap()
                .unwrap()
                .unwrap()
                .metadata
                .name
                .unwrap(),
        );
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen, vec!["a", "b", "c", "d", "e", "f"]);
}

#[tokio::test]
async fn reset_watches_abort_the_connection() {
    let sim = Sim::with(Server::builder().faults(faults(1, &["reset-watch=1"]))).await;
    let cms: Api<ConfigMap> = Api::namespaced(sim.client.clone(), "default");
    cms.create(&PostParams::default(), &cm("a")).await.unwrap();
    cms.create(&PostParams::default(), &cm("b")).await.unwrap();
    let resp = sim
        .req(
            reqwest::Method::GET,
            "/api/v1/namespaces/default/configmaps?watch=true",
        )
        .send()
        .await
        .unwrap();
    let mut body = resp.bytes_stream();
    let mut got_error = false;
    while let Ok(Some(item)) = tokio::time::timeout(Duration::from_secs(5), body.next()).await {
        if item.is_err() {
            got_error = true;
            break;
        }
    }
    assert!(
        got_error,
        "the connection was reset instead of ending cleanly"
    );
}

#[tokio::test]
async fn decisions_are_deterministic_under_a_seed() {
    async fn codes(seed: u64) -> Vec<u16> {
        let sim =
            Sim::with(Server::builder().faults(faults(seed, &["error=500,rate=0.5,verbs=get"])))
                .await;
        let mut out = Vec::new();
        for _ in 0..24 {
            out.push(
                sim.req(reqwest::Method::GET, "/api/v1/namespaces/default")
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16(),
            );
        }
        out
    }
    let a = codes(42).await;
    assert_eq!(a, codes(42).await);
    assert!(a.contains(&500) && a.contains(&200), "{a:?}");
    assert_ne!(a, codes(7).await);
}
