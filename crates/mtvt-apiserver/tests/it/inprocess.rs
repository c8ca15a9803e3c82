//! The extension points a platform builds on: in-process store access and watches, admission
//! hooks, extra routes and listeners, pod logs, events, the virtual clock.

use std::sync::Arc;
use std::time::Duration;

use axum::routing::{get, put};
use chrono::{DateTime, Datelike};
use futures::StreamExt;
use kube::api::{Patch, PatchParams, PostParams};
use mtvt_apiserver::clock::Clock;
use mtvt_apiserver::server::{Server, ServerError};
use mtvt_apiserver::store::{
    ApiError, EventType, Gvr, ListOptions, Operation, Reason, WatchOptions, WatchStart,
};
use serde_json::{Value, json};

use crate::harness::{Sim, api_err, widget, widget_json, widgets};

#[tokio::test]
async fn admission_hooks_mutate_and_reject_http_and_in_process_writes() {
    let sim = Sim::with(Server::builder().on_start(|ctx| {
        let adm = ctx.store.admission();
        adm.add_mutating(
            "widgets.example.com",
            Arc::new(|req, obj| {
                if req.operation == Operation::Create
                    && let Some(m) = obj["metadata"].as_object_mut()
                {
                    m.insert("annotations".into(), json!({"stamped": "True"}));
                }
                Ok(())
            }),
        );
        let store = ctx.store.clone();
        adm.add_validating(
            "widgets.example.com",
            Arc::new(move |req, obj| {
                let src = obj["spec"]["source"]["name"].as_str().unwrap_or("");
                let exists = store
                    .get(&Gvr::core("configmaps"), "kube-system", src)
                    .is_ok();
                assert!(req.kind.plural == "widgets");
                if exists {
                    Ok(())
                } else {
                    Err(ApiError::denied_by_webhook(
                        "validate-widget.example.com",
                        Reason::BadRequest,
                        &format!("source {src} not found"),
                    ))
                }
            }),
        );
        Ok(())
    }))
    .await;
    let api = sim.widgets("default");
    let e = api_err(
        api.create(&PostParams::default(), &widget("p"))
            .await
            .unwrap_err(),
    );
    assert_eq!(e.code, 400);
    assert_eq!(
        e.message,
        "admission webhook \"validate-widget.example.com\" denied the request: source origin not found"
    );
    let store = sim.handle.store();
    assert_eq!(
        store
            .create(&widgets(), "default", widget_json("p"))
            .unwrap_err()
            .code,
        400,
        "in-process writes are admitted too"
    );

    store
        .create(
            &Gvr::core("configmaps"),
            "kube-system",
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "origin"}}),
        )
        .unwrap();
    let created = api
        .create(&PostParams::default(), &widget("p"))
        .await
        .unwrap();
    assert_eq!(created.metadata.annotations.unwrap()["stamped"], "True");
    // Updates go through validation as well.
    let e = api_err(
        api.patch(
            "p",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"source": {"name": "gone"}}})),
        )
        .await
        .unwrap_err(),
    );
    assert!(e.message.contains("source gone not found"));
}

#[tokio::test]
async fn in_process_watch_sees_http_writes_with_kind_filter_and_replay() {
    let sim = Sim::start().await;
    let store = sim.handle.store().clone();
    let start_rv = store.resource_version();
    let mut widget_events = store
        .watch(WatchOptions::new(Some(widgets())).namespace("default"))
        .unwrap();
    let mut everything = store.watch(WatchOptions::new(None)).unwrap();
    sim.widgets("default")
        .create(&PostParams::default(), &widget("p"))
        .await
        .unwrap();
    sim.req(
        reqwest::Method::POST,
        "/api/v1/namespaces/default/configmaps",
    )
    .json(&json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}))
    .send()
    .await
    .unwrap();
    let ev = tokio::time::timeout(Duration::from_secs(5), widget_events.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            ev.event_type,
            ev.kind.kind.as_str(),
            ev.object["metadata"]["name"].as_str()
        ),
        (EventType::Added, "Widget", Some("p"))
    );
    let a = tokio::time::timeout(Duration::from_secs(5), everything.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let b = tokio::time::timeout(Duration::from_secs(5), everything.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(
        (a.kind.kind.as_str(), b.kind.kind.as_str()),
        ("Widget", "ConfigMap")
    );
    let mut replay = store
        .watch(WatchOptions::new(None).start(WatchStart::After(start_rv)))
        .unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), replay.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(first.rv, a.rv);
    let list = store
        .list(&widgets(), Some("default"), &ListOptions::default())
        .unwrap();
    assert_eq!(list.items.len(), 1);
}

#[tokio::test]
async fn extra_routes_and_listeners_start_and_stop_with_the_server() {
    let sim = Sim::with(
        Server::builder()
            .routes(|ctx| {
                let store = ctx.store.clone();
                axum::Router::new().route(
                    "/apis/subresources.example.com/v1/namespaces/{ns}/widgets/{name}/start",
                    put(
                        move |axum::extract::Path((ns, name)): axum::extract::Path<(
                            String,
                            String,
                        )>| {
                            let store = store.clone();
                            async move {
                                store.set_pod_log(&ns, &name, "started");
                                axum::http::StatusCode::ACCEPTED
                            }
                        },
                    ),
                )
            })
            .listener("catalog", 0, |_ctx| {
                axum::Router::new()
                    .route("/items", get(|| async { axum::Json(json!({"items": []})) }))
            })
            .tls_listener("legacy", 0, |_ctx| {
                axum::Router::new().route("/sdk", get(|| async { "soap" }))
            }),
    )
    .await;
    let r = sim
        .req(
            reqwest::Method::PUT,
            "/apis/subresources.example.com/v1/namespaces/default/widgets/w1/start",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202);
    assert_eq!(
        sim.handle.store().pod_log("default", "w1").as_deref(),
        Some("started")
    );
    let r = sim
        .http
        .put(sim.url("/apis/subresources.example.com/v1/namespaces/default/widgets/w1/start"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        401,
        "extra routes are authenticated like the API"
    );
    let r = sim
        .req(
            reqwest::Method::GET,
            "/apis/example.com/v1/namespaces/default/widgets",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        200,
        "generic routes still work beside the extra ones"
    );

    let cat = sim.handle.listener_url("catalog").unwrap();
    assert!(cat.starts_with("http://127.0.0.1:"));
    let r = reqwest::get(format!("{cat}/items")).await.unwrap();
    assert!(r.headers().get("date").is_some());
    assert_eq!(r.json::<Value>().await.unwrap(), json!({"items": []}));
    let vs = sim.handle.listener_url("legacy").unwrap();
    assert!(vs.starts_with("https://"));
    assert_eq!(
        sim.http
            .get(format!("{vs}/sdk"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "soap"
    );

    let addr = sim.handle.listener_addr("catalog").unwrap();
    let Sim { handle, .. } = sim;
    handle.shutdown().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "listeners stop with the server"
    );
}

#[tokio::test]
async fn start_hooks_can_fail_the_start() {
    let err = Server::builder()
        .on_start(|_| Err("boom".into()))
        .start()
        .await
        .unwrap_err();
    assert!(
        matches!(err, ServerError::Setup(ref m) if m == "boom"),
        "{err}"
    );
}

async fn pod(sim: &Sim, name: &str, containers: &[&str]) {
    let cs: Vec<Value> = containers
        .iter()
        .map(|c| json!({"name": c, "image": "x"}))
        .collect();
    let r = sim
        .req(reqwest::Method::POST, "/api/v1/namespaces/default/pods")
        .json(&json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": cs}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
}

#[tokio::test]
async fn pod_logs_are_served_and_followed() {
    let sim = Sim::start().await;
    pod(&sim, "job-abc", &["main"]).await;
    pod(&sim, "two", &["a", "b"]).await;
    let store = sim.handle.store().clone();
    store.set_pod_log("default", "job-abc", "line1\nline2\nline3\n");
    let get = |q: &str| {
        sim.req(
            reqwest::Method::GET,
            &format!("/api/v1/namespaces/default/pods/job-abc/log{q}"),
        )
        .send()
    };
    let r = get("").await.unwrap();
    assert_eq!(r.headers().get("content-type").unwrap(), "text/plain");
    assert_eq!(r.text().await.unwrap(), "line1\nline2\nline3\n");
    assert_eq!(
        get("?tailLines=1").await.unwrap().text().await.unwrap(),
        "line3\n"
    );
    assert_eq!(get("?container=nope").await.unwrap().status(), 400);
    let r = sim
        .req(
            reqwest::Method::GET,
            "/api/v1/namespaces/default/pods/two/log",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "several containers: one must be named");
    assert_eq!(
        sim.req(
            reqwest::Method::GET,
            "/api/v1/namespaces/default/pods/none/log"
        )
        .send()
        .await
        .unwrap()
        .status(),
        404
    );

    let follow = get("?follow=true").await.unwrap();
    let reader = tokio::spawn(async move { follow.text().await.unwrap() });
    tokio::time::sleep(Duration::from_millis(100)).await;
    store.append_pod_log("default", "job-abc", "line4\n");
    tokio::time::sleep(Duration::from_millis(50)).await;
    store
        .merge_patch_status(
            &Gvr::core("pods"),
            "default",
            "job-abc",
            &json!({"status": {"phase": "Succeeded"}}),
        )
        .unwrap();
    let text = tokio::time::timeout(Duration::from_secs(5), reader)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(text, "line1\nline2\nline3\nline4\n");
}

#[tokio::test]
async fn events_are_recorded_and_deduplicated() {
    let sim = Sim::start().await;
    let store = sim.handle.store();
    let w = store
        .create(&widgets(), "default", widget_json("p"))
        .unwrap();
    store
        .record_event(
            &w,
            "Warning",
            "ValidationFailed",
            "source not ready",
            "widget-controller",
        )
        .unwrap();
    let ev = store
        .record_event(
            &w,
            "Warning",
            "ValidationFailed",
            "source not ready",
            "widget-controller",
        )
        .unwrap();
    assert_eq!(ev["count"], 2);
    assert_eq!(ev["involvedObject"]["kind"], "Widget");
    assert_eq!(ev["involvedObject"]["uid"], w["metadata"]["uid"]);
    let r = sim.req(reqwest::Method::GET, "/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dp,reason%3DValidationFailed").send().await.unwrap();
    let list: Value = r.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn timestamps_and_the_date_header_use_the_virtual_clock() {
    let origin = DateTime::parse_from_rfc3339("2030-06-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let sim = Sim::with(Server::builder().clock(Clock::starting_at(origin, 3600.0))).await;
    let r = sim
        .req(reqwest::Method::GET, "/api/v1/namespaces/default")
        .send()
        .await
        .unwrap();
    let date = r
        .headers()
        .get("date")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(date.contains("2030"), "{date}");
    let ns: Value = r.json().await.unwrap();
    let created =
        DateTime::parse_from_rfc3339(ns["metadata"]["creationTimestamp"].as_str().unwrap())
            .unwrap();
    assert_eq!(created.year(), 2030);
    // An hour of virtual time passes per wall-clock second.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let later = sim.handle.clock().now();
    assert!(later.signed_duration_since(origin).num_minutes() >= 60);
}
