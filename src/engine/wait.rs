//! Every wait of a run: a condition over one object (or a set of objects) evaluated on each
//! event of a kube watch, a deadline, and the last state seen. Never sleep-polling: the
//! watcher re-lists and re-watches after dropped streams and transient errors (with its
//! own backoff); the deadline is a `tokio` timer; Ctrl-C cancels. A timeout names the
//! object, the condition and the last conditions / pipeline step observed.
//!
//! This module knows no Forklift semantics beyond condition formatting; callers pass the
//! predicate.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt;
use kube::api::{Api, DynamicObject};
use kube::runtime::WatchStreamExt;
use kube::runtime::utils::Backoff;
use kube::runtime::watcher::{self, Event};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::error::{Class, EngineError};

/// What a predicate says about the current state.
#[derive(Debug)]
pub enum Check<T> {
    /// The condition holds.
    Done(T),
    /// Not yet.
    Pending,
    /// It can no longer hold (a terminal failure), with why.
    Fail(String),
}

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

/// How a wait is described in errors.
#[derive(Debug, Clone)]
pub struct WaitFor {
    /// The object (`Plan ns/name`).
    pub what: String,
    /// The condition, as a verb phrase (`become Ready`).
    pub condition: String,
    /// Deadline.
    pub timeout: Duration,
    /// Who is at fault when it times out.
    pub class: Class,
}

fn fatal_watch_error(e: &watcher::Error) -> Option<String> {
    let inner = match e {
        watcher::Error::InitialListFailed(e) | watcher::Error::WatchStartFailed(e) => e,
        watcher::Error::WatchFailed(e) => e,
        _ => return None,
    };
    match inner {
        kube::Error::Api(s) if matches!(s.code, 401 | 403) => {
            Some(format!("HTTP {} {}: {}", s.code, s.reason, s.message))
        }
        _ => None,
    }
}

/// Waits on object `name` until `check` says Done (called with `None` while it does not
/// exist), `Fail`, the deadline, or cancellation. `describe` renders the state for
/// timeout messages; `on_update` sees every version (progress display).
pub async fn wait_object<T>(
    api: &Api<DynamicObject>,
    name: &str,
    spec: &WaitFor,
    cancel: &CancellationToken,
    check: impl FnMut(Option<&DynamicObject>) -> Check<T>,
    describe: impl Fn(&DynamicObject) -> String,
    on_update: impl FnMut(&DynamicObject),
) -> Result<T, EngineError> {
    wait_object_rechecking(api, name, spec, cancel, None, check, describe, on_update).await
}

/// [`wait_object`], also re-evaluating `check` on the last version seen every `recheck`
/// (for time-based conditions such as "blocked for a minute"; no extra requests).
#[allow(clippy::too_many_arguments)]
pub async fn wait_object_rechecking<T>(
    api: &Api<DynamicObject>,
    name: &str,
    spec: &WaitFor,
    cancel: &CancellationToken,
    recheck: Option<Duration>,
    mut check: impl FnMut(Option<&DynamicObject>) -> Check<T>,
    describe: impl Fn(&DynamicObject) -> String,
    mut on_update: impl FnMut(&DynamicObject),
) -> Result<T, EngineError> {
    let mut tick = tokio::time::interval(recheck.unwrap_or(Duration::from_secs(3600)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut latest: Option<DynamicObject> = None;
    let cfg = watcher::Config::default()
        .fields(&format!("metadata.name={name}"))
        .timeout(290);
    let stream = watcher::watcher(api.clone(), cfg).backoff(WatchBackoff::default());
    futures::pin_mut!(stream);
    let deadline = tokio::time::sleep(spec.timeout);
    tokio::pin!(deadline);
    let mut last = String::from("the object was not seen yet");
    let mut last_error: Option<String> = None;
    let mut init_seen: Option<DynamicObject> = None;
    let mut initializing = false;
    loop {
        let event = tokio::select! {
            _ = cancel.cancelled() => return Err(EngineError::Interrupted),
            _ = &mut deadline => {
                let mut last_seen = last;
                if let Some(e) = last_error {
                    last_seen.push_str(&format!(" (last watch error: {e})"));
                }
                return Err(EngineError::Timeout {
                    what: spec.what.clone(),
                    condition: spec.condition.clone(),
                    waited: spec.timeout,
                    last_seen,
                    class: spec.class,
                });
            }
            _ = tick.tick(), if recheck.is_some() && latest.is_some() => {
                match check(latest.as_ref()) {
                    Check::Done(v) => return Ok(v),
                    Check::Pending => continue,
                    Check::Fail(why) => {
                        return Err(EngineError::Product(format!(
                            "{} will not {}: {why}",
                            spec.what, spec.condition
                        )));
                    }
                }
            }
            ev = stream.next() => ev,
        };
        let current: Option<Option<DynamicObject>> = match event {
            None => {
                return Err(EngineError::Api {
                    action: format!("watch {}", spec.what),
                    message: "the watch stream ended".into(),
                });
            }
            Some(Err(e)) => {
                if let Some(fatal) = fatal_watch_error(&e) {
                    return Err(EngineError::Api {
                        action: format!("watch {}", spec.what),
                        message: fatal,
                    });
                }
                tracing::debug!(what = %spec.what, error = %e, "watch error; the watcher retries");
                last_error = Some(e.to_string());
                None
            }
            Some(Ok(Event::Init)) => {
                initializing = true;
                init_seen = None;
                None
            }
            Some(Ok(Event::InitApply(o))) => {
                init_seen = Some(o);
                None
            }
            Some(Ok(Event::InitDone)) => {
                initializing = false;
                Some(init_seen.take())
            }
            Some(Ok(Event::Apply(o))) => Some(Some(o)),
            Some(Ok(Event::Delete(_))) => Some(None),
        };
        if initializing {
            continue;
        }
        let Some(current) = current else { continue };
        if let Some(o) = &current {
            last = describe(o);
            on_update(o);
        } else {
            last = String::from("the object does not exist");
        }
        latest = current.clone();
        match check(current.as_ref()) {
            Check::Done(v) => return Ok(v),
            Check::Pending => {}
            Check::Fail(why) => {
                return Err(EngineError::Product(format!(
                    "{} will not {}: {why}",
                    spec.what, spec.condition
                )));
            }
        }
    }
}

/// Waits until no object matches `labels` (label selector) in `api`'s scope.
pub async fn wait_none(
    api: &Api<DynamicObject>,
    labels: &str,
    spec: &WaitFor,
    cancel: &CancellationToken,
) -> Result<(), EngineError> {
    let cfg = watcher::Config::default().labels(labels).timeout(290);
    let stream = watcher::watcher(api.clone(), cfg).backoff(WatchBackoff::default());
    futures::pin_mut!(stream);
    let deadline = tokio::time::sleep(spec.timeout);
    tokio::pin!(deadline);
    let mut present: BTreeMap<String, ()> = BTreeMap::new();
    let mut init: BTreeMap<String, ()> = BTreeMap::new();
    let mut listed = false;
    let key = |o: &DynamicObject| {
        format!(
            "{}/{}",
            o.metadata.namespace.clone().unwrap_or_default(),
            o.metadata.name.clone().unwrap_or_default()
        )
    };
    loop {
        let event = tokio::select! {
            _ = cancel.cancelled() => return Err(EngineError::Interrupted),
            _ = &mut deadline => {
                let names: Vec<String> = present.keys().cloned().collect();
                return Err(EngineError::Timeout {
                    what: spec.what.clone(),
                    condition: spec.condition.clone(),
                    waited: spec.timeout,
                    last_seen: format!("still present: {}", names.join(", ")),
                    class: spec.class,
                });
            }
            ev = stream.next() => ev,
        };
        match event {
            None => {
                return Err(EngineError::Api {
                    action: format!("watch {}", spec.what),
                    message: "the watch stream ended".into(),
                });
            }
            Some(Err(e)) => {
                if let Some(fatal) = fatal_watch_error(&e) {
                    return Err(EngineError::Api {
                        action: format!("watch {}", spec.what),
                        message: fatal,
                    });
                }
            }
            Some(Ok(Event::Init)) => init.clear(),
            Some(Ok(Event::InitApply(o))) => {
                init.insert(key(&o), ());
            }
            Some(Ok(Event::InitDone)) => {
                present = std::mem::take(&mut init);
                listed = true;
            }
            Some(Ok(Event::Apply(o))) => {
                present.insert(key(&o), ());
            }
            Some(Ok(Event::Delete(o))) => {
                present.remove(&key(&o));
            }
        }
        if listed && present.is_empty() {
            return Ok(());
        }
    }
}

/// The conditions of an object as `(type, status, reason, message, category)`.
pub fn conditions(obj: &DynamicObject) -> Vec<(String, String, String, String, String)> {
    let text = |c: &Value, k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    obj.data
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    (
                        text(c, "type"),
                        text(c, "status"),
                        text(c, "reason"),
                        text(c, "message"),
                        text(c, "category"),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Whether condition `ty` is `True`.
pub fn condition_true(obj: &DynamicObject, ty: &str) -> bool {
    conditions(obj)
        .iter()
        .any(|(t, s, ..)| t == ty && s == "True")
}

/// The conditions as one line: `Ready=False; VMNotFound=True (Critical, NotFound: VM not found.)`.
pub fn conditions_text(obj: &DynamicObject) -> String {
    let cs = conditions(obj);
    if cs.is_empty() {
        return String::from("no status conditions");
    }
    cs.iter()
        .map(|(t, s, r, m, c)| {
            let mut line = format!("{t}={s}");
            let detail: Vec<&str> = [c.as_str(), r.as_str()]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect();
            if !detail.is_empty() || !m.is_empty() {
                line.push_str(&format!(" ({}", detail.join(", ")));
                if !m.is_empty() {
                    if !detail.is_empty() {
                        line.push_str(": ");
                    }
                    line.push_str(m);
                }
                line.push(')');
            }
            line
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The blocking conditions (`True` with category Critical or Error).
pub fn blockers(obj: &DynamicObject) -> Vec<String> {
    conditions(obj)
        .into_iter()
        .filter(|(_, s, _, _, c)| s == "True" && (c == "Critical" || c == "Error"))
        .map(|(t, _, r, m, c)| {
            format!(
                "{t} ({c}{}): {m}",
                if r.is_empty() {
                    String::new()
                } else {
                    format!(", {r}")
                }
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(status: Value) -> DynamicObject {
        serde_json::from_value(
            json!({"apiVersion": "v1", "kind": "X", "metadata": {"name": "x"}, "status": status}),
        )
        .unwrap()
    }

    #[test]
    fn condition_helpers() {
        let o = obj(json!({"conditions": [
            {"type": "Ready", "status": "False"},
            {"type": "VMNotFound", "status": "True", "category": "Critical", "reason": "NotFound", "message": "VM not found."},
            {"type": "Executing", "status": "True", "category": "Advisory"}
        ]}));
        assert!(condition_true(&o, "Executing"));
        assert!(!condition_true(&o, "Ready"));
        assert_eq!(
            conditions_text(&o),
            "Ready=False; VMNotFound=True (Critical, NotFound: VM not found.); Executing=True (Advisory)"
        );
        assert_eq!(
            blockers(&o),
            vec!["VMNotFound (Critical, NotFound): VM not found."]
        );
        assert_eq!(conditions_text(&obj(json!({}))), "no status conditions");
        let mut b = WatchBackoff::default();
        assert_eq!(b.next(), Some(Duration::from_millis(50)));
        assert_eq!(b.next(), Some(Duration::from_millis(100)));
        b.reset();
        assert_eq!(b.next(), Some(Duration::from_millis(50)));
    }
}
