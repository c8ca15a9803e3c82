//! One shared watch: a kube-runtime watcher feeding a reflector store, driven by its own
//! task, which tells its waiters (a `tokio::sync::watch` channel) that the store changed,
//! that the first list is in, or that the watch failed for good (401, 403).

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use kube::api::{ApiResource, DynamicObject};
use kube::runtime::WatchStreamExt;
use kube::runtime::reflector::{self, Store};
use kube::runtime::utils::Backoff;
use kube::runtime::watcher::{self, Event};
use tokio::sync::watch;

use crate::cluster::ObjectRef;
use crate::cluster::kinds::Kind;

/// Watch backoff: 50 ms doubling to 5 s, reset once events flow again.
#[derive(Debug, Clone)]
pub struct WatchBackoff {
    next: Duration,
}

impl Default for WatchBackoff {
    fn default() -> Self {
        WatchBackoff {
            next: Duration::from_millis(50),
        }
    }
}

impl Iterator for WatchBackoff {
    type Item = Duration;
    fn next(&mut self) -> Option<Duration> {
        let d = self.next;
        self.next = (self.next * 2).min(Duration::from_secs(5));
        Some(d)
    }
}

impl Backoff for WatchBackoff {
    fn reset(&mut self) {
        self.next = Duration::from_millis(50);
    }
}

/// Which objects one feed carries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct FeedKey {
    pub kind: Kind,
    /// `None`: cluster-wide (cluster-scoped kinds, session feeds).
    pub namespace: Option<String>,
    /// Label selector (session feeds).
    pub labels: Option<String>,
}

/// What a feed's task reports to its waiters.
#[derive(Debug, Clone, Default)]
pub(super) struct FeedState {
    /// The first list is in the store.
    pub listed: bool,
    /// The last (transient) watch error, until events flow again.
    pub error: Option<String>,
    /// A watch error no retry fixes (401, 403).
    pub fatal: Option<String>,
}

/// One shared watch and its store.
pub(super) struct Feed {
    resource: ApiResource,
    pub store: Store<DynamicObject>,
    pub state: watch::Receiver<FeedState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Feed {
    pub fn start(client: &kube::Client, key: &FeedKey) -> Feed {
        let api = key.kind.api(client, key.namespace.as_deref());
        let resource = key.kind.api_resource();
        let writer = reflector::store::Writer::new(resource.clone());
        let store = writer.as_reader();
        let mut cfg = watcher::Config::default().timeout(290);
        if let Some(l) = &key.labels {
            cfg = cfg.labels(l);
        }
        let stream = reflector::reflector(
            writer,
            watcher::watcher(api, cfg).backoff(WatchBackoff::default()),
        );
        let (tx, state) = watch::channel(FeedState::default());
        let task = tokio::spawn(async move {
            futures::pin_mut!(stream);
            while let Some(event) = stream.next().await {
                tx.send_modify(|s| match &event {
                    Ok(Event::InitDone) => {
                        s.listed = true;
                        s.error = None;
                    }
                    Ok(_) => s.error = None,
                    Err(e) => {
                        tracing::debug!(error = %e, "watch error; the watcher retries");
                        s.fatal = s.fatal.take().or_else(|| fatal_watch_error(e));
                        s.error = Some(e.to_string());
                    }
                });
            }
        });
        Feed {
            resource,
            store,
            state,
            task,
        }
    }

    pub fn get(&self, object: &ObjectRef) -> Option<Arc<DynamicObject>> {
        let mut key = reflector::ObjectRef::new_with(&object.name, self.resource.clone());
        if let Some(ns) = &object.namespace {
            key = key.within(ns);
        }
        self.store.get(&key)
    }
}

fn fatal_watch_error(e: &watcher::Error) -> Option<String> {
    let inner = match e {
        watcher::Error::InitialListFailed(e)
        | watcher::Error::WatchStartFailed(e)
        | watcher::Error::WatchFailed(e) => e,
        _ => return None,
    };
    match inner {
        kube::Error::Api(s) if matches!(s.code, 401 | 403) => {
            Some(format!("HTTP {} {}: {}", s.code, s.reason, s.message))
        }
        _ => None,
    }
}
