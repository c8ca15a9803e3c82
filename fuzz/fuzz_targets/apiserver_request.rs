//! The emulator's API server (crates/mtvt-apiserver) on any sequence of HTTP requests,
//! in process through its router with every layer (auth, faults, access log): path and
//! query decoding (resource, subresource, verbs, `limit`, `continue`, `resourceVersion`,
//! `fieldSelector`, `labelSelector`, `watch`), request bodies (JSON, YAML, protobuf),
//! JSON / merge / strategic-merge / apply patches, and writes that then meet later
//! requests of the same input. Each input starts from a fresh store with two namespaces,
//! a ConfigMap and a Pod.
//!
//! Input: requests separated by a line `--`; each is `METHOD TARGET` on its first line,
//! the Content-Type on the second, and the body after it.
#![no_main]

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request};
use libfuzzer_sys::fuzz_target;
use mtvt_apiserver::api::{ApiContext, Faults, Limits, Token, request_info};
use mtvt_apiserver::clock::Clock;
use mtvt_apiserver::store::{Gvr, Kinds, Store, StoreConfig, builtin_kinds};
use serde_json::json;
use tower::ServiceExt;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap_or_else(|e| panic!("no runtime: {e}"))
    })
}

fn store() -> Store {
    let store = Store::with_kinds(
        Clock::new(1.0),
        StoreConfig { history_size: 100 },
        Kinds::new(builtin_kinds()),
    );
    for ns in ["default", "kube-system"] {
        let _ = store.create_namespace(ns);
    }
    let _ = store.create(
        &Gvr::core("configmaps"),
        "default",
        json!({"apiVersion": "v1", "kind": "ConfigMap",
               "metadata": {"name": "cm", "labels": {"app": "web", "tier": "1"}},
               "data": {"k": "v"}}),
    );
    let _ = store.create(
        &Gvr::core("pods"),
        "default",
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "p", "labels": {"app": "web"}},
               "spec": {"containers": [{"name": "c", "image": "i",
                                        "ports": [{"containerPort": 80}]}]}}),
    );
    store
}

/// One request of the input, or `None` when it is not one hyper would hand over.
fn request(part: &[u8]) -> Option<Request<Body>> {
    let mut lines = part.splitn(3, |b| *b == b'\n');
    let first = std::str::from_utf8(lines.next()?).ok()?;
    let content_type = lines.next().unwrap_or_default();
    let body = lines.next().unwrap_or_default().to_vec();
    let (method, target) = first.split_once(' ')?;
    let method = Method::from_bytes(method.as_bytes()).ok()?;
    let mut req = Request::builder()
        .method(method)
        .uri(target)
        .header("authorization", "Bearer fuzz");
    if !content_type.is_empty() {
        req = req.header("content-type", content_type);
    }
    req.body(Body::from(body)).ok()
}

async fn serve(data: &[u8]) {
    let ctx = Arc::new(ApiContext {
        store: store(),
        limits: Limits {
            max_body: 1 << 20,
            request_timeout: Duration::from_secs(5),
            watch_timeout: Duration::from_secs(1),
            bookmark_interval: Duration::from_secs(1),
        },
        shutdown: tokio_util::sync::CancellationToken::new(),
        server_address: "127.0.0.1:6443".into(),
    });
    let app = mtvt_apiserver::api::router(
        ctx.clone(),
        Token::new("fuzz"),
        &Faults::default(),
        axum::Router::new(),
    );
    let text = data;
    let mut parts: Vec<&[u8]> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.windows(4).position(|w| w == b"\n--\n") {
        parts.push(rest.get(..i).unwrap_or_default());
        rest = rest.get(i + 4..).unwrap_or_default();
    }
    parts.push(rest);
    for part in parts.into_iter().take(8) {
        let Some(req) = request(part) else { continue };
        let query = req.uri().query().unwrap_or("").to_string();
        let streams = request_info::is_watch(&query) || query.contains("follow");
        let Ok(resp) = app.clone().oneshot(req).await;
        if !streams {
            let _ = axum::body::to_bytes(resp.into_body(), 4 << 20).await;
        }
    }
    ctx.shutdown.cancel();
}

fuzz_target!(|data: &[u8]| {
    runtime().block_on(serve(data));
});
