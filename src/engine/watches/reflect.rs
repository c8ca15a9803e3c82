//! The list-and-watch loop of one feed, run the way client-go's reflector runs it: list,
//! then watch from the list's resourceVersion, and re-watch from the last version seen for
//! as long as watches work. A watch that fails — an error, a 503, a reset, or one that
//! ends within a second having delivered nothing — is followed by a pause (50 ms doubling
//! to 5 s) and a re-list from the last resourceVersion; after [`POLL_AFTER`] failed
//! watches in a row the feed stops relying on watches and re-lists every [`POLL_EVERY`]
//! (a plain GET of the collection), trying a watch again every [`WATCH_EVERY`] lists.
//! 410 Gone re-lists from scratch. Every failure is followed by a pause: never a hot loop.
//!
//! It only fills the store and tells the feed's waiters; deadlines are the waits' business.

use std::time::{Duration, Instant};

use futures::StreamExt;
use kube::api::{Api, DynamicObject, ListParams, VersionMatch, WatchEvent, WatchParams};
use kube::runtime::reflector::store::Writer;
use kube::runtime::watcher::Event;
use tokio::sync::watch;

use super::feed::{FeedState, WatchBackoff};
use crate::engine::error::api_message;

/// A watch that ends sooner than this without an event counts as failed.
const SHORT_WATCH: Duration = Duration::from_secs(1);
/// Failed watches in a row after which the feed re-lists on a timer.
pub(super) const POLL_AFTER: u32 = 3;
/// Time between two lists while watches keep failing.
pub(super) const POLL_EVERY: Duration = Duration::from_secs(2);
/// While polling, every how many lists a watch is tried again.
const WATCH_EVERY: u32 = 5;
/// The server-side timeout of one watch.
const WATCH_TIMEOUT_SECS: u32 = 290;

/// How one watch ended.
#[derive(Debug, PartialEq, Eq)]
enum Ended {
    /// It worked (events, or it stayed open a while); watch again from this version.
    Fine(String),
    /// It failed; whether it delivered events first, and the last version seen.
    Failed { events: bool, version: String },
    /// 410: the version is too old; list from scratch.
    Gone,
}

/// One feed's list-and-watch loop.
pub(super) struct Reflector {
    pub api: Api<DynamicObject>,
    pub labels: Option<String>,
    pub writer: Writer<DynamicObject>,
    pub tx: watch::Sender<FeedState>,
}

impl Reflector {
    /// Runs until the feed is dropped (its task is aborted).
    pub async fn run(mut self) {
        let mut backoff = WatchBackoff::default();
        let mut failures = 0u32;
        let mut lists = 0u32;
        let mut version: Option<String> = None;
        loop {
            match self.list(version.as_deref()).await {
                Ok(v) => version = Some(v),
                Err(e) => {
                    self.failed(&e);
                    version = None;
                    tokio::time::sleep(next(&mut backoff)).await;
                    continue;
                }
            }
            lists = lists.wrapping_add(1);
            let polling = failures >= POLL_AFTER;
            if !polling || lists.is_multiple_of(WATCH_EVERY) {
                while let Some(from) = version.clone() {
                    match self.watch(&from).await {
                        Ended::Fine(v) => {
                            version = Some(v);
                            failures = 0;
                            backoff = WatchBackoff::default();
                        }
                        Ended::Failed { events, version: v } => {
                            version = Some(v);
                            if events {
                                failures = 0;
                                backoff = WatchBackoff::default();
                            } else {
                                failures = failures.saturating_add(1);
                            }
                            break;
                        }
                        Ended::Gone => version = None,
                    }
                }
            }
            let pause = if failures >= POLL_AFTER {
                self.polling(failures);
                POLL_EVERY
            } else {
                next(&mut backoff)
            };
            tokio::time::sleep(pause).await;
        }
    }

    /// Lists into the store (at least as new as `version` when given); the list's version.
    async fn list(&mut self, version: Option<&str>) -> Result<String, kube::Error> {
        let mut lp = ListParams::default();
        if let Some(l) = &self.labels {
            lp = lp.labels(l);
        }
        if let Some(v) = version {
            lp = lp.at(v).matching(VersionMatch::NotOlderThan);
        }
        let list = self.api.list(&lp).await?;
        self.writer.apply_watcher_event(&Event::Init);
        for o in list.items {
            self.writer.apply_watcher_event(&Event::InitApply(o));
        }
        self.writer.apply_watcher_event(&Event::InitDone);
        self.tx.send_modify(|s| s.listed = true);
        Ok(list.metadata.resource_version.unwrap_or_default())
    }

    /// One watch from `version`, applied to the store as it goes.
    async fn watch(&mut self, version: &str) -> Ended {
        let mut wp = WatchParams::default().timeout(WATCH_TIMEOUT_SECS);
        if let Some(l) = &self.labels {
            wp = wp.labels(l);
        }
        let started = Instant::now();
        let mut last = version.to_string();
        let mut events = false;
        let stream = match self.api.watch(&wp, version).await {
            Ok(s) => s,
            Err(e) => {
                self.failed(&e);
                return Ended::Failed {
                    events,
                    version: last,
                };
            }
        };
        futures::pin_mut!(stream);
        while let Some(item) = stream.next().await {
            let event = match item {
                Ok(WatchEvent::Added(o) | WatchEvent::Modified(o)) => Event::Apply(o),
                Ok(WatchEvent::Deleted(o)) => Event::Delete(o),
                Ok(WatchEvent::Bookmark(b)) => {
                    last = b.metadata.resource_version;
                    continue;
                }
                Ok(WatchEvent::Error(s)) if s.code == 410 => return Ended::Gone,
                Ok(WatchEvent::Error(s)) => {
                    self.failed(&kube::Error::Api(s));
                    return Ended::Failed {
                        events,
                        version: last,
                    };
                }
                Err(e) => {
                    self.failed(&e);
                    return Ended::Failed {
                        events,
                        version: last,
                    };
                }
            };
            if let Event::Apply(o) | Event::Delete(o) = &event
                && let Some(v) = &o.metadata.resource_version
            {
                last = v.clone();
            }
            self.writer.apply_watcher_event(&event);
            events = true;
            self.tx.send_modify(|s| s.error = None);
        }
        if events || started.elapsed() >= SHORT_WATCH {
            return Ended::Fine(last);
        }
        self.tx.send_modify(|s| {
            s.error = Some("the watch ended at once without an event".into());
        });
        Ended::Failed {
            events,
            version: last,
        }
    }

    /// Notes a failed request (401/403 end every wait on the feed).
    fn failed(&self, e: &kube::Error) {
        tracing::debug!(error = %e, "list or watch failed; retrying after a pause");
        let fatal = match e {
            kube::Error::Api(s) if matches!(s.code, 401 | 403) => {
                Some(format!("HTTP {} {}: {}", s.code, s.reason, s.message))
            }
            _ => None,
        };
        self.tx.send_modify(|s| {
            s.fatal = s.fatal.take().or(fatal);
            s.error = Some(api_message(e));
        });
    }

    /// Notes that the feed re-lists on a timer.
    fn polling(&self, failures: u32) {
        self.tx.send_modify(|s| {
            let why = s.error.take().unwrap_or_default();
            let why = why
                .split(" (watches keep failing")
                .next()
                .unwrap_or_default()
                .to_string();
            s.error = Some(format!(
                "{why} (watches keep failing, {failures} in a row: re-listing every {}s)",
                POLL_EVERY.as_secs()
            ));
        });
    }
}

fn next(backoff: &mut WatchBackoff) -> Duration {
    backoff.next().unwrap_or(Duration::from_secs(5))
}
