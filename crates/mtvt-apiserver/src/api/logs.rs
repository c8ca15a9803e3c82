//! `GET .../pods/{name}/log`: the log text controllers set with `Store::set_pod_log`, as
//! `text/plain`, honouring `container`, `tailLines`, `limitBytes` and `follow` (which streams
//! appended text until the pod is deleted or reaches `Succeeded`/`Failed`, or the server shuts
//! down).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use futures::StreamExt;
use serde_json::Value;

use super::ApiContext;
use super::response;
use crate::store::{ApiError, EventType, FieldSelector, Gvr, WatchOptions};

fn containers(pod: &Value) -> Vec<String> {
    ["containers", "initContainers"]
        .iter()
        .flat_map(|k| {
            pod.get("spec")
                .and_then(|s| s.get(*k))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|c| c.get("name").and_then(Value::as_str).map(str::to_string))
        .collect()
}

fn finished(pod: &Value) -> bool {
    matches!(
        pod.get("status")
            .and_then(|s| s.get("phase"))
            .and_then(Value::as_str),
        Some("Succeeded" | "Failed")
    )
}

fn tail(text: &str, lines: Option<usize>) -> String {
    match lines {
        None => text.to_string(),
        Some(n) => {
            let all: Vec<&str> = text.split_inclusive('\n').collect();
            all.iter()
                .skip(all.len().saturating_sub(n))
                .copied()
                .collect()
        }
    }
}

/// Serves a pod log request.
pub async fn serve(
    ctx: Arc<ApiContext>,
    ns: &str,
    name: &str,
    p: &HashMap<String, String>,
) -> Result<Response, ApiError> {
    let pod = ctx.store.get(&Gvr::core("pods"), ns, name)?;
    let names = containers(&pod);
    match p.get("container").filter(|c| !c.is_empty()) {
        Some(c) if !names.contains(c) => {
            return Err(ApiError::bad_request(format!(
                "container {c} is not valid for pod {name}"
            )));
        }
        None if names.len() > 1 => {
            return Err(ApiError::bad_request(format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                names.join(" ")
            )));
        }
        _ => {}
    }
    let text = ctx.store.pod_log(ns, name).unwrap_or_default();
    let mut shown = tail(&text, p.get("tailLines").and_then(|t| t.parse().ok()));
    if let Some(limit) = p.get("limitBytes").and_then(|l| l.parse::<usize>().ok()) {
        shown = shown
            .chars()
            .scan(0usize, |n, c| {
                *n += c.len_utf8();
                (*n <= limit).then_some(c)
            })
            .collect();
    }
    if p.get("follow").is_none_or(|f| f != "true") || finished(&pod) {
        return Ok(response::text(shown));
    }
    let mut changes = ctx.store.log_changes();
    let mut pod_events = ctx.store.watch(
        WatchOptions::new(Some(Gvr::core("pods")))
            .namespace(ns)
            .fields(FieldSelector::name(name)),
    )?;
    let (store, ns, name, shutdown) = (
        ctx.store.clone(),
        ns.to_string(),
        name.to_string(),
        ctx.shutdown.clone(),
    );
    let mut sent = text.len();
    let stream = async_stream_lines(move |tx| async move {
        loop {
            let ended = tokio::select! {
                _ = shutdown.cancelled() => true,
                _ = tx.closed() => true,
                change = changes.recv() => match change {
                    Ok((cns, cname)) => { if cns != ns || cname != name { continue; } false }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => false,
                    Err(_) => true,
                },
                ev = pod_events.next() => match ev {
                    Some(Ok(e)) => e.event_type == EventType::Deleted || finished(&e.object),
                    _ => true,
                },
            };
            let now = store.pod_log(&ns, &name).unwrap_or_default();
            if now.len() > sent && now.is_char_boundary(sent) {
                let fresh = now.get(sent..).unwrap_or_default().to_string();
                sent = now.len();
                if tx.send(Bytes::from(fresh)).await.is_err() {
                    return;
                }
            }
            if ended {
                return;
            }
        }
    });
    let first = futures::stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(shown)) });
    let mut resp = Response::new(Body::from_stream(first.chain(stream)));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    Ok(resp)
}

/// Runs `producer` on a task and streams what it sends.
fn async_stream_lines<F, Fut>(
    producer: F,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>>
where
    F: FnOnce(tokio::sync::mpsc::Sender<Bytes>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(producer(tx));
    futures::stream::unfold(
        rx,
        |mut rx| async move { rx.recv().await.map(|b| (Ok(b), rx)) },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_lines() {
        assert_eq!(tail("a\nb\nc\n", Some(2)), "b\nc\n");
        assert_eq!(tail("a\nb", Some(5)), "a\nb");
        assert_eq!(tail("a\nb\n", None), "a\nb\n");
    }
}
