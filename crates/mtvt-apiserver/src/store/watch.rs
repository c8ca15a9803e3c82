//! Watches: a stream of [`WatchEvent`]s for one kind (or all kinds), optionally one namespace
//! and selectors, starting now, from the current state (synthetic `ADDED`s), or replaying the
//! history after a resourceVersion.
//!
//! The subscription to live events and the snapshot are taken under the store lock together, so
//! no write falls between them. Selector changes are reported as kube does: an object that
//! stops matching arrives as `DELETED`, one that starts matching as `ADDED`. A watcher that
//! falls behind the broadcast buffer is caught up from the history; when the history no longer
//! holds what it missed, the stream yields one 410 `Expired` error and ends (relist and
//! re-watch, as `kube::runtime::watcher` does).

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};

use futures::Stream;
use tokio::sync::broadcast;

use super::error::ApiError;
use super::kinds::ResourceKind;
use super::selectors::{FieldSelector, LabelSelector};
use super::state::{EventType, WatchEvent};
use super::{Gvr, Store, object};

/// Where a watch starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WatchStart {
    /// Only changes after the watch starts.
    Now,
    /// `ADDED` for every current object, then changes.
    InitialState,
    /// Every change with a resourceVersion greater than this one, then changes (410 when the
    /// history no longer reaches back that far).
    After(u64),
}

/// What to watch.
#[derive(Clone, Debug)]
pub struct WatchOptions {
    /// One resource, or every kind when `None`.
    pub resource: Option<Gvr>,
    /// One namespace, or all.
    pub namespace: Option<String>,
    /// Label selector.
    pub labels: LabelSelector,
    /// Field selector.
    pub fields: FieldSelector,
    /// Start point.
    pub start: WatchStart,
}

impl WatchOptions {
    /// Watch `resource` (or all kinds) in all namespaces, from now.
    pub fn new(resource: Option<Gvr>) -> Self {
        Self {
            resource,
            namespace: None,
            labels: LabelSelector::default(),
            fields: FieldSelector::default(),
            start: WatchStart::Now,
        }
    }

    /// Sets the start point.
    pub fn start(mut self, start: WatchStart) -> Self {
        self.start = start;
        self
    }

    /// Restricts to one namespace.
    pub fn namespace(mut self, ns: &str) -> Self {
        self.namespace = Some(ns.to_string());
        self
    }

    /// Sets the label selector.
    pub fn labels(mut self, sel: LabelSelector) -> Self {
        self.labels = sel;
        self
    }

    /// Sets the field selector.
    pub fn fields(mut self, sel: FieldSelector) -> Self {
        self.fields = sel;
        self
    }
}

#[derive(Clone)]
struct Filter {
    group_resource: Option<String>,
    namespace: Option<String>,
    labels: LabelSelector,
    fields: FieldSelector,
}

impl Filter {
    fn selects(&self, kind: &ResourceKind, obj: &serde_json::Value) -> bool {
        self.labels.matches(obj) && self.fields.matches(obj, |f| kind.field_path(f))
    }

    fn view(&self, ev: &WatchEvent) -> Option<WatchEvent> {
        if self
            .group_resource
            .as_ref()
            .is_some_and(|g| *g != ev.kind.group_resource())
        {
            return None;
        }
        if self
            .namespace
            .as_ref()
            .is_some_and(|n| n != object::namespace(&ev.object))
        {
            return None;
        }
        let now = self.selects(&ev.kind, &ev.object);
        let event_type = match ev.event_type {
            EventType::Added | EventType::Deleted => now.then_some(ev.event_type)?,
            EventType::Modified => {
                let before = ev.old.as_ref().is_some_and(|o| self.selects(&ev.kind, o));
                match (before, now) {
                    (true, true) => EventType::Modified,
                    (false, true) => EventType::Added,
                    (true, false) => EventType::Deleted,
                    (false, false) => return None,
                }
            }
        };
        Some(WatchEvent {
            event_type,
            ..ev.clone()
        })
    }
}

struct Cursor {
    queue: VecDeque<Result<WatchEvent, ApiError>>,
    rx: broadcast::Receiver<Arc<WatchEvent>>,
    last_rv: u64,
    filter: Filter,
    store: Store,
    ended: bool,
    progress: Arc<AtomicU64>,
}

impl Cursor {
    fn advance(&mut self, rv: u64) {
        self.last_rv = rv;
        self.progress.store(rv, Ordering::Release);
    }

    async fn next(mut self) -> Option<(Result<WatchEvent, ApiError>, Self)> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some((item, self));
            }
            if self.ended {
                return None;
            }
            match self.rx.recv().await {
                Ok(ev) => {
                    if ev.rv <= self.last_rv {
                        continue;
                    }
                    self.advance(ev.rv);
                    if let Some(v) = self.filter.view(&ev) {
                        return Some((Ok(v), self));
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let replay = self.store.lock().history_after(self.last_rv);
                    match replay {
                        Ok(events) => {
                            for ev in events {
                                if ev.rv > self.last_rv {
                                    self.advance(ev.rv);
                                    if let Some(v) = self.filter.view(&ev) {
                                        self.queue.push_back(Ok(v));
                                    }
                                }
                            }
                        }
                        Err(oldest) => {
                            self.ended = true;
                            self.queue
                                .push_back(Err(ApiError::expired(self.last_rv, oldest)));
                        }
                    }
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }
}

/// A stream of watch events; `Err` (410 Expired) is always the last item.
pub struct WatchStream {
    inner: Pin<Box<dyn Stream<Item = Result<WatchEvent, ApiError>> + Send>>,
    /// The store's resourceVersion when the watch started.
    pub start_rv: u64,
    /// How many leading events are the synthetic initial state ([`WatchStart::InitialState`]).
    pub initial_events: usize,
    progress: Arc<AtomicU64>,
}

impl WatchStream {
    /// The highest resourceVersion this watch has looked at (delivered or filtered out). Once
    /// the stream has nothing ready, every change up to it has been delivered: a safe
    /// resourceVersion for a BOOKMARK.
    pub fn progress(&self) -> u64 {
        self.progress.load(Ordering::Acquire)
    }
}

impl std::fmt::Debug for WatchStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatchStream")
            .field("start_rv", &self.start_rv)
            .finish()
    }
}

impl Stream for WatchStream {
    type Item = Result<WatchEvent, ApiError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl Store {
    /// Starts a watch.
    pub fn watch(&self, opts: WatchOptions) -> Result<WatchStream, ApiError> {
        let kind = opts.resource.as_ref().map(|g| self.kind(g)).transpose()?;
        if let Some(k) = &kind {
            for f in opts.fields.fields() {
                if k.field_path(f).is_none() {
                    return Err(ApiError::bad_request(format!(
                        "field label not supported: {f}"
                    )));
                }
            }
        }
        let namespace = match &kind {
            Some(k) if !k.namespaced => None,
            _ => opts.namespace.clone().filter(|n| !n.is_empty()),
        };
        let filter = Filter {
            group_resource: kind.as_ref().map(|k| k.group_resource()),
            namespace: namespace.clone(),
            labels: opts.labels.clone(),
            fields: opts.fields.clone(),
        };
        let state = self.lock();
        let rx = self.subscribe();
        let start_rv = state.rv;
        let mut queue = VecDeque::new();
        let mut ended = false;
        match opts.start {
            WatchStart::Now => {}
            WatchStart::InitialState => {
                let kinds = match &kind {
                    Some(k) => vec![k.clone()],
                    None => self.kinds().all(),
                };
                for k in kinds {
                    let ns = if k.namespaced {
                        namespace.as_deref()
                    } else {
                        None
                    };
                    for obj in state.scan(&k, ns, None) {
                        if filter.selects(&k, obj) {
                            let rv = object::resource_version(obj).parse().unwrap_or(0);
                            queue.push_back(Ok(WatchEvent {
                                event_type: EventType::Added,
                                kind: k.clone(),
                                rv,
                                object: obj.clone(),
                                old: None,
                            }));
                        }
                    }
                }
            }
            WatchStart::After(rv) => match state.history_after(rv) {
                Ok(events) => {
                    queue.extend(events.iter().filter_map(|e| filter.view(e)).map(Ok));
                }
                Err(oldest) => {
                    ended = true;
                    queue.push_back(Err(ApiError::expired(rv, oldest)));
                }
            },
        }
        drop(state);
        let initial_events = if opts.start == WatchStart::InitialState {
            queue.len()
        } else {
            0
        };
        let progress = Arc::new(AtomicU64::new(start_rv));
        let cursor = Cursor {
            queue,
            rx,
            last_rv: start_rv,
            filter,
            store: self.clone(),
            ended,
            progress: progress.clone(),
        };
        let inner = futures::stream::unfold(cursor, Cursor::next);
        Ok(WatchStream {
            inner: Box::pin(inner),
            start_rv,
            initial_events,
            progress,
        })
    }
}
