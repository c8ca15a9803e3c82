//! The controller runtime: a de-duplicating work queue per controller, fed by store watches
//! (never by polling) and by timers on the virtual clock, drained by one worker that calls the
//! controller's reconcile function.
//!
//! Reconcile functions are synchronous (the store is in-process) and must be idempotent: a
//! reconcile may run again at any time and must converge. This module knows nothing about
//! Forklift; it must not hold object state.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::store::{ApiError, Gvr, Reason, Store, WatchEvent, WatchOptions, WatchStart};

/// A namespaced object key: `(namespace, name)` (`""` namespace for cluster-scoped objects).
pub type Key = (String, String);

/// Maps a watch event to the keys to reconcile.
pub type Mapper = Arc<dyn Fn(&Store, &WatchEvent) -> Vec<Key> + Send + Sync>;

/// One watched resource and how its events become keys.
pub struct Watch {
    /// The watched resource.
    pub gvr: Gvr,
    /// Event → keys.
    pub map: Mapper,
}

impl Watch {
    /// Events of the reconciled kind itself: the key is the object's own.
    pub fn own(gvr: Gvr) -> Self {
        Self {
            gvr,
            map: Arc::new(|_, ev| vec![key_of(&ev.object)]),
        }
    }

    /// Events of another kind, mapped by `f`.
    pub fn mapped(
        gvr: Gvr,
        f: impl Fn(&Store, &WatchEvent) -> Vec<Key> + Send + Sync + 'static,
    ) -> Self {
        Self {
            gvr,
            map: Arc::new(f),
        }
    }
}

/// The `(namespace, name)` of an object.
pub fn key_of(obj: &serde_json::Value) -> Key {
    (
        crate::store::object::namespace(obj).to_string(),
        crate::store::object::name(obj).to_string(),
    )
}

/// A handle on a controller's work queue: enqueue now or after a virtual delay.
#[derive(Clone)]
pub struct Queue {
    tx: mpsc::UnboundedSender<Key>,
    pending: Arc<Mutex<HashSet<Key>>>,
    clock: Clock,
    shutdown: CancellationToken,
}

impl Queue {
    /// Enqueues `key` unless it is already waiting.
    pub fn add(&self, key: Key) {
        let mut pending = self
            .pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if pending.insert(key.clone()) {
            let _ = self.tx.send(key);
        }
    }

    /// Enqueues `key` once `after` of virtual time has passed.
    pub fn add_after(&self, key: Key, after: Duration) {
        if after.is_zero() {
            self.add(key);
            return;
        }
        let q = self.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = q.shutdown.cancelled() => {}
                _ = q.clock.sleep(after) => q.add(key),
            }
        });
    }

    /// Enqueues `key` at virtual time `at` (at once when it has passed).
    pub fn add_at(&self, key: Key, at: chrono::DateTime<chrono::Utc>) {
        let d = at
            .signed_duration_since(self.clock.now())
            .to_std()
            .unwrap_or_default();
        self.add_after(key, d);
    }
}

/// What a reconcile returns: `Ok(())`, or an error (logged; conflicts are retried at once,
/// other errors after a short virtual back-off).
pub type Outcome = Result<(), ApiError>;

/// Starts a controller: one task per watch plus one worker. Returns its queue (other
/// components may enqueue keys, e.g. on lab changes).
pub fn spawn<F>(
    name: &'static str,
    store: &Store,
    shutdown: &CancellationToken,
    watches: Vec<Watch>,
    reconcile: F,
) -> Queue
where
    F: Fn(&Queue, &Key) -> Outcome + Send + Sync + 'static,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<Key>();
    let queue = Queue {
        tx,
        pending: Arc::default(),
        clock: store.clock().clone(),
        shutdown: shutdown.clone(),
    };
    for w in watches {
        let q = queue.clone();
        let store = store.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move { pump(name, store, w, q, shutdown).await });
    }
    let q = queue.clone();
    let shutdown = shutdown.clone();
    tokio::spawn(async move {
        loop {
            let key = tokio::select! {
                _ = shutdown.cancelled() => return,
                k = rx.recv() => match k { Some(k) => k, None => return },
            };
            q.pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .remove(&key);
            match reconcile(&q, &key) {
                Ok(()) => {}
                Err(e) if e.reason == Reason::Conflict || e.reason == Reason::AlreadyExists => {
                    tracing::debug!(controller = name, ns = %key.0, name = %key.1, error = %e.message, "retrying");
                    q.add_after(key, Duration::from_millis(200));
                }
                Err(e) if e.reason == Reason::NotFound => {
                    tracing::debug!(controller = name, ns = %key.0, name = %key.1, error = %e.message, "object gone");
                }
                Err(e) => {
                    tracing::warn!(controller = name, ns = %key.0, name = %key.1, error = %e.message, "reconcile failed; retrying");
                    q.add_after(key, Duration::from_secs(5));
                }
            }
            tokio::task::yield_now().await;
        }
    });
    queue
}

async fn pump(name: &str, store: Store, w: Watch, q: Queue, shutdown: CancellationToken) {
    loop {
        let opts = WatchOptions::new(Some(w.gvr.clone())).start(WatchStart::InitialState);
        let mut stream = match store.watch(opts) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(controller = name, resource = %w.gvr.resource, error = %e.message, "cannot watch");
                return;
            }
        };
        loop {
            let ev = tokio::select! {
                _ = shutdown.cancelled() => return,
                ev = stream.next() => ev,
            };
            match ev {
                Some(Ok(ev)) => {
                    for k in (w.map)(&store, &ev) {
                        q.add(k);
                    }
                }
                // 410: relist by re-watching from the current state.
                Some(Err(_)) | None => break,
            }
        }
    }
}
