//! Every wait of a run reads shared watches: one kube-runtime reflector (watcher + store)
//! per kind and namespace — or per kind cluster-wide, selected by the session label, for
//! the objects the run itself creates — started on first use and fed to every waiter.
//! A waiter evaluates its [`Condition`] on each change of the store, under a deadline,
//! keeping the last state seen for its timeout message. Watches that break are re-listed
//! and re-watched with a backoff, and re-listed on a timer when they keep breaking
//! (`reflect`, as client-go's reflector);
//! 401/403 end every wait on that feed at once; Ctrl-C cancels; an API server declared
//! lost (`cluster::health`) ends every wait at once.
//!
//! This module knows no Forklift: conditions come from `conditions`.

mod feed;
mod reflect;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kube::api::DynamicObject;
use tokio_util::sync::CancellationToken;

use feed::{Feed, FeedKey};

use super::conditions::{Check, Condition};
use super::error::{Class, EngineError};
use crate::cluster::kinds::{self, Kind};
use crate::cluster::{Health, ObjectRef};

/// The shared watches of a run.
pub struct Watches {
    client: kube::Client,
    /// `mtvt.io/session=<id>`: objects of the kinds the run creates are watched cluster-wide
    /// with this selector.
    session: Option<String>,
    feeds: Mutex<HashMap<FeedKey, Arc<Feed>>>,
    /// Whether the API server still answers: a lost one ends every wait at once.
    health: Health,
}

impl std::fmt::Debug for Watches {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watches")
            .field("session", &self.session)
            .finish_non_exhaustive()
    }
}

/// How a wait goes: its deadline, Ctrl-C, and who sees every version of the object.
pub struct WaitOptions<'a> {
    /// Deadline.
    pub timeout: Duration,
    /// Ctrl-C.
    pub cancel: &'a CancellationToken,
}

impl Watches {
    /// Watches through `client`; `session_selector` (`mtvt.io/session=<id>`) makes the
    /// run's own kinds ([`kinds::SWEPT`]) one cluster-wide labelled feed each.
    pub fn new(client: kube::Client, session_selector: Option<String>) -> Self {
        Watches {
            client,
            session: session_selector,
            feeds: Mutex::new(HashMap::new()),
            health: Health::default(),
        }
    }

    /// The API server's health these watches are guarded by.
    pub fn health(&self) -> &Health {
        &self.health
    }

    /// Ends every wait as soon as `health` declares the API server lost.
    pub fn with_health(mut self, health: Health) -> Self {
        self.health = health;
        self
    }

    fn feeds(&self) -> std::sync::MutexGuard<'_, HashMap<FeedKey, Arc<Feed>>> {
        self.feeds.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn feed(&self, key: FeedKey) -> Arc<Feed> {
        let mut feeds = self.feeds();
        feeds
            .entry(key)
            .or_insert_with_key(|k| Arc::new(Feed::start(&self.client, k)))
            .clone()
    }

    /// The session feed of `kind`, if the run has one for it.
    fn session_key(&self, kind: Kind) -> Option<FeedKey> {
        let labels = self.session.clone()?;
        created_by_runs(kind).then_some(FeedKey {
            kind,
            namespace: None,
            labels: Some(labels),
        })
    }

    /// The feed an object is read from: the session's for the kinds the run creates, else
    /// one per kind and namespace.
    fn feed_of(&self, object: &ObjectRef) -> Arc<Feed> {
        let key = self.session_key(object.kind).unwrap_or_else(|| FeedKey {
            kind: object.kind,
            namespace: object.namespace.clone(),
            labels: None,
        });
        self.feed(key)
    }

    /// Starts the session feeds of every kind a run may leave behind (the leak audit reads
    /// them after each scenario).
    pub fn start_session_feeds(&self) {
        for kind in kinds::SWEPT {
            if let Some(key) = self.session_feed_of_any(*kind) {
                self.feed(key);
            }
        }
    }

    fn session_feed_of_any(&self, kind: Kind) -> Option<FeedKey> {
        Some(FeedKey {
            kind,
            namespace: None,
            labels: Some(self.session.clone()?),
        })
    }

    /// Drops the feeds of `namespace` (its scenario ended).
    pub fn forget_namespace(&self, namespace: &str) {
        self.feeds()
            .retain(|k, _| k.namespace.as_deref() != Some(namespace));
    }

    /// Waits until `cond` holds for `object`; `on_update` sees every new version.
    pub async fn wait<C: Condition>(
        &self,
        object: &ObjectRef,
        mut cond: C,
        opts: &WaitOptions<'_>,
        mut on_update: impl FnMut(&DynamicObject),
    ) -> Result<C::Output, EngineError> {
        let feed = self.feed_of(object);
        let what = object.to_string();
        let mut state = feed.state.clone();
        let deadline = tokio::time::sleep(opts.timeout);
        tokio::pin!(deadline);
        let recheck = cond.recheck();
        let mut tick = tokio::time::interval(recheck.unwrap_or(Duration::from_secs(3600)));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last = String::from("the object was not seen yet");
        // what the last version evaluated was: its resourceVersion, or absent
        let mut last_version: Option<String> = None;
        let mut last_error: Option<String> = None;
        loop {
            let s = state.borrow_and_update().clone();
            if let Some(fatal) = s.fatal {
                return Err(watch_failed(&what, fatal));
            }
            last_error = s.error.or(last_error);
            if s.listed {
                let current = feed.get(object);
                let version = match &current {
                    Some(o) => format!(
                        "rv {}",
                        o.metadata.resource_version.as_deref().unwrap_or("")
                    ),
                    None => String::from("absent"),
                };
                if last_version.as_ref() != Some(&version) {
                    match &current {
                        Some(o) => {
                            last = cond.state(o);
                            on_update(o);
                        }
                        None => last = String::from("the object does not exist"),
                    }
                    last_version = Some(version);
                }
                match cond.check(current.as_deref(), Instant::now()) {
                    Check::Done(v) => return Ok(v),
                    Check::Pending => {}
                    Check::Fail(why) => {
                        let message = format!("{what} will not {}: {why}", cond.describe());
                        return Err(unmet(cond.class(), message));
                    }
                }
            }
            tokio::select! {
                _ = opts.cancel.cancelled() => return Err(EngineError::Interrupted),
                lost = self.health.lost() => return Err(lost.into()),
                _ = &mut deadline => {
                    let mut last_seen = last;
                    if let Some(e) = last_error {
                        last_seen.push_str(&format!(" (last watch error: {e})"));
                    }
                    return Err(EngineError::Timeout {
                        what,
                        condition: cond.describe(),
                        waited: opts.timeout,
                        last_seen,
                        class: cond.class(),
                    });
                }
                _ = tick.tick(), if recheck.is_some() => {}
                changed = state.changed() => {
                    if changed.is_err() {
                        return Err(watch_failed(&what, "the watch stream ended".into()));
                    }
                }
            }
        }
    }

    /// Waits until no object of `kind` in `namespace` carries label `key=value`.
    pub async fn wait_none(
        &self,
        kind: Kind,
        namespace: &str,
        (key, value): (&str, &str),
        opts: &WaitOptions<'_>,
    ) -> Result<(), EngineError> {
        let feed = self.feed(FeedKey {
            kind,
            namespace: Some(namespace.to_string()),
            labels: None,
        });
        let what = format!("{}s labelled {key}={value} in {namespace}", kind.kind);
        let mut state = feed.state.clone();
        let deadline = tokio::time::sleep(opts.timeout);
        tokio::pin!(deadline);
        let mut present: Vec<String> = Vec::new();
        loop {
            let s = state.borrow_and_update().clone();
            if let Some(fatal) = s.fatal {
                return Err(watch_failed(&what, fatal));
            }
            if s.listed {
                present = feed
                    .store
                    .state()
                    .iter()
                    .filter(|o| {
                        o.metadata
                            .labels
                            .as_ref()
                            .and_then(|l| l.get(key))
                            .is_some_and(|v| v == value)
                    })
                    .map(|o| o.metadata.name.clone().unwrap_or_default())
                    .collect();
                if present.is_empty() {
                    return Ok(());
                }
            }
            tokio::select! {
                _ = opts.cancel.cancelled() => return Err(EngineError::Interrupted),
                lost = self.health.lost() => return Err(lost.into()),
                _ = &mut deadline => {
                    return Err(EngineError::Timeout {
                        what,
                        condition: "be deleted".into(),
                        waited: opts.timeout,
                        last_seen: format!("still present: {}", present.join(", ")),
                        class: Class::Infra,
                    });
                }
                changed = state.changed() => {
                    if changed.is_err() {
                        return Err(watch_failed(&what, "the watch stream ended".into()));
                    }
                }
            }
        }
    }

    /// `object` as the run's session feed of its kind holds it, without a request; `None`
    /// when the kind has no session feed, the feed has not listed yet, or the object is not
    /// in it (the caller then reads the API server).
    pub fn session_cached(&self, object: &ObjectRef) -> Option<Arc<DynamicObject>> {
        let key = self.session_key(object.kind)?;
        let feed = self.feeds().get(&key).cloned()?;
        if !feed.state.borrow().listed {
            return None;
        }
        feed.get(object)
    }

    /// The objects of the session feeds (every kind a run may leave behind) whose labels
    /// include every `key=value` of `labels`, as `(kind, object)`; `None` when the run
    /// has no session feeds or one of them has not listed yet.
    pub fn session_objects(
        &self,
        labels: &[(&str, &str)],
    ) -> Option<Vec<(Kind, Arc<DynamicObject>)>> {
        let mut out = Vec::new();
        for kind in kinds::SWEPT {
            let key = self.session_feed_of_any(*kind)?;
            let feed = self.feeds().get(&key).cloned()?;
            if !feed.state.borrow().listed {
                return None;
            }
            for o in feed.store.state() {
                let l = o.metadata.labels.as_ref();
                if labels
                    .iter()
                    .all(|(k, v)| l.and_then(|l| l.get(*k)).is_some_and(|x| x == v))
                {
                    out.push((*kind, o));
                }
            }
        }
        Some(out)
    }
}

/// Whether a run creates objects of `kind` (all carry the session label).
fn created_by_runs(kind: Kind) -> bool {
    [
        kinds::NAMESPACE,
        kinds::SECRET,
        kinds::PROVIDER,
        kinds::PLAN,
        kinds::MIGRATION,
        kinds::STORAGE_MAP,
        kinds::NETWORK_MAP,
        kinds::HOOK,
        kinds::NAD,
    ]
    .contains(&kind)
}

fn watch_failed(what: &str, message: String) -> EngineError {
    EngineError::Api {
        action: format!("watch {what}"),
        message,
    }
}

/// A terminal failure of a condition, as the condition's class says.
fn unmet(class: Class, message: String) -> EngineError {
    match class {
        Class::Failure => EngineError::Product(message),
        _ => EngineError::Setup(message),
    }
}

#[cfg(test)]
mod tests {
    use kube::runtime::utils::Backoff;

    use super::feed::WatchBackoff;
    use super::*;

    #[test]
    fn backoff_doubles_to_five_seconds_and_resets() {
        let mut b = WatchBackoff::default();
        assert_eq!(b.next(), Some(Duration::from_millis(50)));
        assert_eq!(b.next(), Some(Duration::from_millis(100)));
        for _ in 0..10 {
            b.next();
        }
        assert_eq!(b.next(), Some(Duration::from_secs(5)));
        b.reset();
        assert_eq!(b.next(), Some(Duration::from_millis(50)));
    }

    #[test]
    fn the_runs_own_kinds_are_swept_kinds() {
        for k in kinds::ALL {
            if created_by_runs(*k) {
                assert!(kinds::SWEPT.contains(k), "{}", k.kind);
            }
        }
    }
}
