//! Watch over HTTP: a chunked response of newline-delimited `{"type": ..., "object": ...}`
//! events, as kube-apiserver streams them.
//!
//! `resourceVersion` unset or `0` starts with synthetic `ADDED`s of the current state; `N`
//! replays changes after N (a 410 `Expired` ERROR event when the history was compacted);
//! `sendInitialEvents=true` ends the initial state with a BOOKMARK annotated
//! `k8s.io/initial-events-end`; `allowWatchBookmarks=true` adds periodic BOOKMARKs;
//! `timeoutSeconds` ends the stream (default: the server's watch timeout). Streams also end on
//! server shutdown and when a `drop-watch`/`reset-watch` fault says so. Tables
//! (`kubectl get --watch`) carry column definitions in the first event only.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use futures::StreamExt;
use serde::Serialize;
use serde_json::{Value, json};

use super::faults::WatchFault;
use super::negotiate::{IncludeObject, Output};
use super::{ApiContext, table};
use crate::store::{
    ApiError, FieldSelector, Gvr, LabelSelector, ResourceKind, WatchOptions, WatchStart,
    WatchStream,
};

#[derive(Serialize)]
struct Wire<'a> {
    #[serde(rename = "type")]
    event_type: &'a str,
    object: &'a Value,
}

fn line(event_type: &str, object: &Value) -> Bytes {
    let mut v = serde_json::to_vec(&Wire { event_type, object }).unwrap_or_default();
    v.push(b'\n');
    Bytes::from(v)
}

struct Session {
    events: WatchStream,
    kind: Arc<ResourceKind>,
    ctx: Arc<ApiContext>,
    output: Output,
    include: IncludeObject,
    deadline: tokio::time::Instant,
    bookmarks: Option<tokio::time::Interval>,
    initial_left: usize,
    initial_bookmark: bool,
    first: bool,
    sent: usize,
    fault: Option<WatchFault>,
    done: bool,
}

impl Session {
    fn render(&mut self, obj: &Value) -> Value {
        match self.output {
            Output::Json => obj.clone(),
            Output::Metadata => table::partial_metadata(obj),
            Output::Table => {
                let rv = crate::store::object::resource_version(obj).to_string();
                let first = std::mem::replace(&mut self.first, false);
                table::table(
                    &self.kind,
                    std::iter::once(obj),
                    json!({"resourceVersion": rv}),
                    self.include,
                    first,
                    self.ctx.store.clock(),
                )
            }
        }
    }

    fn bookmark(&self, initial_end: bool) -> Bytes {
        let rv = self.events.progress().to_string();
        let mut metadata = json!({"resourceVersion": rv});
        if initial_end && let Some(m) = metadata.as_object_mut() {
            m.insert(
                "annotations".into(),
                json!({"k8s.io/initial-events-end": "true"}),
            );
        }
        let obj = match self.output {
            Output::Table => {
                json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata, "rows": []})
            }
            Output::Metadata => {
                json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": metadata})
            }
            Output::Json => {
                json!({"kind": self.kind.kind, "apiVersion": self.kind.api_version(), "metadata": metadata})
            }
        };
        line("BOOKMARK", &obj)
    }

    async fn next(mut self) -> Option<(Result<Bytes, std::io::Error>, Self)> {
        if self.done {
            return None;
        }
        if let Some(f) = self.fault
            && self.sent >= f.after_events
        {
            self.done = true;
            tracing::info!(resource = %self.kind.group_resource(), events = self.sent, abort = f.abort, "watch ended by fault injection");
            if f.abort {
                // Let the events already produced reach the client before the reset.
                tokio::time::sleep(Duration::from_millis(50)).await;
                return Some((
                    Err(std::io::Error::other(
                        "watch connection reset by fault injection",
                    )),
                    self,
                ));
            }
            return None;
        }
        if self.initial_bookmark && self.initial_left == 0 {
            self.initial_bookmark = false;
            let b = self.bookmark(true);
            return Some((Ok(b), self));
        }
        let shutdown = self.ctx.shutdown.clone();
        let deadline = self.deadline;
        let mut bookmarks = self.bookmarks.take();
        enum Next {
            Stop,
            Event(Option<Result<crate::store::WatchEvent, ApiError>>),
            Bookmark,
        }
        let next = {
            let tick = async {
                match bookmarks.as_mut() {
                    Some(i) => {
                        i.tick().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                biased;
                _ = shutdown.cancelled() => Next::Stop,
                ev = self.events.next() => Next::Event(ev),
                _ = tokio::time::sleep_until(deadline) => Next::Stop,
                _ = tick => Next::Bookmark,
            }
        };
        self.bookmarks = bookmarks;
        match next {
            Next::Stop | Next::Event(None) => None,
            Next::Bookmark => {
                let b = self.bookmark(false);
                Some((Ok(b), self))
            }
            Next::Event(Some(Err(e))) => {
                self.done = true;
                Some((Ok(line("ERROR", &e.to_status())), self))
            }
            Next::Event(Some(Ok(ev))) => {
                self.initial_left = self.initial_left.saturating_sub(1);
                self.sent += 1;
                let obj = self.render(&ev.object);
                Some((Ok(line(ev.event_type.as_str(), &obj)), self))
            }
        }
    }
}

/// Serves a watch request.
pub fn serve(
    ctx: Arc<ApiContext>,
    kind: Arc<ResourceKind>,
    namespace: Option<String>,
    p: &HashMap<String, String>,
    output: Output,
    fault: Option<WatchFault>,
) -> Result<Response, ApiError> {
    let flag = |k: &str| p.get(k).is_some_and(|v| v == "true" || v == "1");
    let send_initial = flag("sendInitialEvents");
    let start = match p.get("resourceVersion").map(String::as_str) {
        _ if send_initial => WatchStart::InitialState,
        None | Some("") | Some("0") => WatchStart::InitialState,
        Some(n) => WatchStart::After(n.parse().map_err(|_| {
            ApiError::bad_request(format!(
                "resourceVersion: Invalid value: {n:?}: must be a number"
            ))
        })?),
    };
    let timeout =
        match p.get("timeoutSeconds") {
            Some(t) => Duration::from_secs(t.parse().map_err(|_| {
                ApiError::bad_request(format!("timeoutSeconds: Invalid value: {t:?}"))
            })?),
            None => ctx.limits.watch_timeout,
        };
    let include = IncludeObject::parse(p.get("includeObject").map(String::as_str))?;
    let gvr = Gvr::new(&kind.group, &kind.version, &kind.plural);
    let mut opts = WatchOptions::new(Some(gvr))
        .start(start)
        .labels(
            LabelSelector::parse(p.get("labelSelector").map_or("", String::as_str))
                .map_err(ApiError::bad_request)?,
        )
        .fields(
            FieldSelector::parse(p.get("fieldSelector").map_or("", String::as_str))
                .map_err(ApiError::bad_request)?,
        );
    if let Some(ns) = &namespace {
        opts = opts.namespace(ns);
    }
    let events = ctx.store.watch(opts)?;
    let period = ctx.limits.bookmark_interval;
    let session = Session {
        initial_left: events.initial_events,
        events,
        kind,
        output,
        include,
        deadline: tokio::time::Instant::now() + timeout,
        bookmarks: flag("allowWatchBookmarks")
            .then(|| tokio::time::interval_at(tokio::time::Instant::now() + period, period)),
        initial_bookmark: send_initial && flag("allowWatchBookmarks"),
        first: true,
        sent: 0,
        fault,
        done: false,
        ctx,
    };
    let stream = futures::stream::unfold(session, Session::next);
    let mut resp = Response::new(Body::from_stream(stream));
    *resp.status_mut() = StatusCode::OK;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache, private"),
    );
    Ok(resp)
}
