//! Benchmark of the emulator's API server (not a timed test: it prints figures).
//!
//! `cargo bench -p mtvt-apiserver --bench apiserver` measures, over HTTPS on loopback with the
//! client in the same process (so client and server share the machine's cores):
//! * GET and CREATE requests per second (16 concurrent keep-alive connections),
//! * watch fan-out latency: 100 HTTP watchers, time from a PATCH being sent to each watcher
//!   receiving the event,
//! * memory: resident set growth for 100 000 stored objects, and the time to list them,
//! * the time to start (and stop) a server in-process.
//!
//! Set `MTVT_BENCH_QUICK=1` for a smaller run.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use mtvt_apiserver::server::{Server, ServerHandle};
use mtvt_apiserver::store::Gvr;
use serde_json::json;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

fn client(handle: &ServerHandle) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(handle.ca_pem().as_bytes()).unwrap();
    reqwest::Client::builder()
        .add_root_certificate(ca)
        .pool_max_idle_per_host(64)
        .build()
        .unwrap()
}

async fn run_requests<F, Fut>(total: usize, concurrency: usize, f: F) -> (f64, Vec<Duration>)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = u16> + Send,
{
    let f = Arc::new(f);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (f, next) = (f.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= total {
                    break;
                }
                let t = Instant::now();
                let code = f(i).await;
                assert!(code < 300, "request {i} failed with {code}");
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let secs = started.elapsed().as_secs_f64();
    all.sort();
    (total as f64 / secs, all)
}

async fn bench_requests(handle: &ServerHandle, quick: bool) {
    let http = client(handle);
    let (url, token) = (handle.url().to_string(), handle.token().to_string());
    let n = if quick { 2_000 } else { 20_000 };
    // warm the connection pool
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "bench"}, "data": {"k": "v"}});
    http.post(format!("{url}/api/v1/namespaces/default/configmaps"))
        .bearer_auth(&token)
        .json(&cm)
        .send()
        .await
        .unwrap();

    let (h, u, t) = (http.clone(), url.clone(), token.clone());
    let (rps, lat) = run_requests(n, 16, move |_| {
        let (h, u, t) = (h.clone(), u.clone(), t.clone());
        async move {
            h.get(format!("{u}/api/v1/namespaces/default/configmaps/bench"))
                .bearer_auth(&t)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    })
    .await;
    println!(
        "GET     {n:>6} requests, 16 connections: {rps:>8.0} req/s  p50 {:?}  p99 {:?}",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99)
    );

    let (h, u, t) = (http.clone(), url.clone(), token.clone());
    let (rps, lat) = run_requests(n / 2, 16, move |i| {
        let (h, u, t) = (h.clone(), u.clone(), t.clone());
        async move {
            let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": format!("c-{i}"), "labels": {"app": "bench"}}, "data": {"k": "v"}});
            h.post(format!("{u}/api/v1/namespaces/default/configmaps")).bearer_auth(&t).json(&body).send().await.unwrap().status().as_u16()
        }
    })
    .await;
    println!(
        "CREATE  {:>6} requests, 16 connections: {rps:>8.0} req/s  p50 {:?}  p99 {:?}",
        n / 2,
        percentile(&lat, 0.5),
        percentile(&lat, 0.99)
    );
}

async fn bench_watch_fanout(handle: &ServerHandle, quick: bool) {
    let http = client(handle);
    let (url, token) = (handle.url().to_string(), handle.token().to_string());
    let watchers = 100;
    let events = if quick { 20 } else { 100 };
    let body = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "fan"}, "data": {"n": "0"}});
    http.post(format!("{url}/api/v1/namespaces/default/configmaps"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let rv = handle.store().resource_version();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(u64, Instant)>();
    let mut ready = Vec::new();
    for _ in 0..watchers {
        let (http, url, token, tx) = (http.clone(), url.clone(), token.clone(), tx.clone());
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
        ready.push(ready_rx);
        tokio::spawn(async move {
            let resp = http
                .get(format!("{url}/api/v1/namespaces/default/configmaps?watch=true&fieldSelector=metadata.name%3Dfan&resourceVersion={rv}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            let _ = ready_tx.send(());
            let mut body = resp.bytes_stream();
            let mut buf = Vec::new();
            while let Some(Ok(chunk)) = body.next().await {
                buf.extend_from_slice(&chunk);
                while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = buf.drain(..=pos).collect();
                    let v: serde_json::Value = serde_json::from_slice(&line).unwrap();
                    let n: u64 = v["object"]["data"]["n"]
                        .as_str()
                        .unwrap_or("0")
                        .parse()
                        .unwrap_or(0);
                    let _ = tx.send((n, Instant::now()));
                }
            }
        });
    }
    for r in ready {
        r.await.unwrap();
    }
    let mut lat = Vec::new();
    let mut last = Vec::new();
    for i in 1..=events as u64 {
        let sent = Instant::now();
        let patch = json!({"data": {"n": i.to_string()}});
        let r = http
            .patch(format!("{url}/api/v1/namespaces/default/configmaps/fan"))
            .bearer_auth(&token)
            .header("content-type", "application/merge-patch+json")
            .body(patch.to_string())
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
        let mut got = 0;
        let mut slowest = Duration::ZERO;
        while got < watchers {
            let (n, at) = rx.recv().await.unwrap();
            if n == i {
                got += 1;
                let d = at.duration_since(sent);
                slowest = slowest.max(d);
                lat.push(d);
            }
        }
        last.push(slowest);
    }
    lat.sort();
    last.sort();
    println!(
        "WATCH   {watchers} watchers x {events} events: PATCH sent -> event received p50 {:?}  p99 {:?}; all {watchers} watchers served p50 {:?}  max {:?}",
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        percentile(&last, 0.5),
        last.last().copied().unwrap_or_default()
    );
}

async fn bench_memory(handle: &ServerHandle, quick: bool) {
    let n = if quick { 10_000 } else { 100_000 };
    let store = handle.store();
    store
        .create(
            &Gvr::core("namespaces"),
            "",
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "mem"}}),
        )
        .unwrap();
    let before = rss_kib();
    let started = Instant::now();
    let cms = Gvr::core("configmaps");
    for i in 0..n {
        let obj = json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": format!("obj-{i:06}"), "labels": {"app": "bench", "tier": "be", "index": i.to_string()},
                         "annotations": {"mtvt.io/session": "bench"}},
            "data": {"config": "key=value", "owner": "mtvt"},
        });
        store.create(&cms, "mem", obj).unwrap();
    }
    let took = started.elapsed();
    let after = rss_kib();
    let per = (after.saturating_sub(before) * 1024) as f64 / n as f64;
    println!(
        "MEMORY  {n} configmaps stored in-process in {took:?} ({:.0}/s): RSS {} MiB -> {} MiB, {per:.0} bytes/object",
        n as f64 / took.as_secs_f64(),
        before / 1024,
        after / 1024
    );
    let http = client(handle);
    let started = Instant::now();
    let body = http
        .get(format!("{}/api/v1/namespaces/mem/configmaps", handle.url()))
        .bearer_auth(handle.token())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    println!(
        "LIST    {n} objects over HTTP: {:?}, {} MiB of JSON",
        started.elapsed(),
        body.len() / (1024 * 1024)
    );
    let started = Instant::now();
    let page = http
        .get(format!(
            "{}/api/v1/namespaces/mem/configmaps?labelSelector=index%3D4242",
            handle.url()
        ))
        .bearer_auth(handle.token())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    println!(
        "SELECT  1 of {n} by label over HTTP: {:?} ({} bytes)",
        started.elapsed(),
        page.len()
    );
}

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let quick = std::env::var("MTVT_BENCH_QUICK").is_ok_and(|v| v == "1");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        println!(
            "mtvt-sim API server benchmark ({} cores, client in the same process)",
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
        );
        let started = Instant::now();
        for _ in 0..20 {
            Server::builder().start().await.unwrap().shutdown().await;
        }
        println!(
            "START   in-process start + shutdown (TLS CA minted each time): {:?} each",
            started.elapsed() / 20
        );
        let handle = Server::builder().start().await.unwrap();
        bench_requests(&handle, quick).await;
        handle.shutdown().await;
        let handle = Server::builder().start().await.unwrap();
        bench_watch_fanout(&handle, quick).await;
        handle.shutdown().await;
        let handle = Server::builder().start().await.unwrap();
        bench_memory(&handle, quick).await;
        handle.shutdown().await;
    });
}
