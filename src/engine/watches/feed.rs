//! One shared watch: a list-and-watch loop (`reflect`) feeding a kube-runtime reflector
//! store, driven by its own task, which tells its waiters (a `tokio::sync::watch` channel)
//! that the store changed, that the first list is in, or that the watch failed for good
//! (401, 403).

use std::sync::Arc;
use std::time::Duration;

use kube::api::{ApiResource, DynamicObject};
use kube::runtime::reflector::{self, Store};
use kube::runtime::utils::Backoff;
use tokio::sync::watch;

use super::reflect::Reflector;
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
        let resource = key.kind.api_resource();
        let writer = reflector::store::Writer::new(resource.clone());
        let store = writer.as_reader();
        let (tx, state) = watch::channel(FeedState::default());
        let reflector = Reflector {
            api: key.kind.api(client, key.namespace.as_deref()),
            labels: key.labels.clone(),
            writer,
            tx,
        };
        let task = tokio::spawn(reflector.run());
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
