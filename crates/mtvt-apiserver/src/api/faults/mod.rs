//! API-level fault injection, deterministic under a seed: answer chosen verbs/resources with
//! 5xx, 409 or 429 at a rate, add latency, or end watch streams after N events.
//!
//! Faults are decided in a middleware **before** the handler runs, so a faulted mutating
//! request was never applied and a client that retries on 5xx/409/429 stays correct. The
//! decision sequence depends only on the seed and the order of requests.
//!
//! Rule syntax (`mtvt sim serve --fault RULE`, repeatable): comma-separated `key=value`s with
//! exactly one action — `error=503` (409, 429, 500, 503 or 504), `latency=200ms`,
//! `drop-watch=N` (end the watch cleanly after N events), `reset-watch=N` (abort the
//! connection after N events) — and optional `rate=0.2` (default 1), `verbs=create|update`,
//! `resources=widgets|pods` (plural or `plural.group`), `times=N` (stop after N injections).
//! Example: `--fault error=503,rate=0.1,verbs=create|patch,resources=widgets`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

mod rule;

use super::request_info::{self, Verb};
use crate::store::{ApiError, Reason};

/// What a rule does when it fires.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultAction {
    /// Answer with this HTTP code (409, 429, 500, 503 or 504) and a matching Status.
    Status(u16),
    /// Delay the request (wall-clock time).
    Latency(Duration),
    /// End the watch response cleanly after this many events.
    DropWatch(usize),
    /// Abort the watch connection (no chunked terminator) after this many events.
    ResetWatch(usize),
}

/// One fault rule.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultRule {
    /// What happens.
    pub action: FaultAction,
    /// Probability per matching request, 0..=1.
    pub rate: f64,
    /// Verbs it applies to (empty = all).
    pub verbs: Vec<Verb>,
    /// Resources it applies to, as `widgets` or `widgets.example.com` (empty = all).
    pub resources: Vec<String>,
    /// Fire at most this many times.
    pub times: Option<u64>,
}

/// The fault configuration of a server.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Faults {
    /// Seed of the decision sequence.
    pub seed: u64,
    /// Rules, checked in order.
    pub rules: Vec<FaultRule>,
}

/// How a watch response must end, set by the middleware for the watch handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WatchFault {
    /// Events to send before ending.
    pub after_events: usize,
    /// Abort the connection instead of ending the stream cleanly.
    pub abort: bool,
}

/// The decision for one request.
#[derive(Debug, Default)]
pub struct Decision {
    /// Delay before handling.
    pub latency: Duration,
    /// Answer with this error instead of handling.
    pub error: Option<ApiError>,
    /// End the watch early.
    pub watch: Option<WatchFault>,
}

/// The runtime state of fault injection. Its rules can be replaced while the server runs
/// ([`FaultInjector::replace`]), e.g. to end a fault that a test made persistent.
#[derive(Debug)]
pub struct FaultInjector {
    active: AtomicBool,
    state: Mutex<InjectorState>,
}

/// The rules, the decision sequence, and how often each rule fired.
#[derive(Debug)]
struct InjectorState {
    rules: Vec<FaultRule>,
    rng: StdRng,
    counts: Vec<u64>,
}

impl InjectorState {
    fn new(faults: &Faults) -> Self {
        InjectorState {
            rules: faults.rules.clone(),
            rng: StdRng::seed_from_u64(faults.seed),
            counts: vec![0; faults.rules.len()],
        }
    }
}

fn injected_error(code: u16, resource: &str, name: Option<&str>) -> ApiError {
    let mut e = match code {
        409 => ApiError::new(
            Reason::Conflict,
            format!(
                "Operation cannot be fulfilled on {resource} {:?}: the object has been modified; please apply your changes to the latest version and try again (injected fault)",
                name.unwrap_or("")
            ),
        ),
        429 => ApiError::new(
            Reason::TooManyRequests,
            "Too many requests, please try again later. (injected fault)",
        ),
        503 => ApiError::new(
            Reason::ServiceUnavailable,
            "the server is currently unable to handle the request (injected fault)",
        ),
        504 => ApiError::new(
            Reason::Timeout,
            "Timeout: request did not complete within requested timeout - context deadline exceeded (injected fault)",
        ),
        _ => ApiError::internal("injected fault"),
    };
    if matches!(code, 429 | 503) {
        e.details.retry_after_seconds = Some(1);
    }
    e
}

impl FaultInjector {
    /// Compiles a configuration.
    pub fn new(faults: &Faults) -> Self {
        Self {
            active: AtomicBool::new(!faults.rules.is_empty()),
            state: Mutex::new(InjectorState::new(faults)),
        }
    }

    /// Whether any rule exists.
    pub fn is_empty(&self) -> bool {
        !self.active.load(Ordering::Relaxed)
    }

    /// Replaces the rules (and restarts the decision sequence and the counts) for the
    /// requests that come after; `Faults::default()` ends fault injection.
    pub fn replace(&self, faults: &Faults) {
        let mut guard = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *guard = InjectorState::new(faults);
        self.active
            .store(!faults.rules.is_empty(), Ordering::Relaxed);
    }

    /// Decides the fate of a request for `verb` on `resource` (`plural` and `plural.group`).
    pub fn decide(
        &self,
        verb: Verb,
        plural: &str,
        group_resource: &str,
        name: Option<&str>,
    ) -> Decision {
        let mut d = Decision::default();
        let mut guard = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let InjectorState { rules, rng, counts } = &mut *guard;
        for (i, rule) in rules.iter().enumerate() {
            let verb_ok = rule.verbs.is_empty() || rule.verbs.contains(&verb);
            let res_ok = rule.resources.is_empty()
                || rule
                    .resources
                    .iter()
                    .any(|r| r == plural || r == group_resource);
            let watch_rule = matches!(
                rule.action,
                FaultAction::DropWatch(_) | FaultAction::ResetWatch(_)
            );
            if !verb_ok || !res_ok || (watch_rule && verb != Verb::Watch) {
                continue;
            }
            let count = counts.get(i).copied().unwrap_or(0);
            if rule.times.is_some_and(|t| count >= t) {
                continue;
            }
            let hit = rule.rate >= 1.0 || rng.random::<f64>() < rule.rate;
            if !hit {
                continue;
            }
            if let Some(c) = counts.get_mut(i) {
                *c += 1;
            }
            match rule.action {
                FaultAction::Status(code) => {
                    if d.error.is_none() {
                        d.error = Some(injected_error(code, group_resource, name));
                    }
                }
                FaultAction::Latency(l) => d.latency += l,
                FaultAction::DropWatch(n) => {
                    d.watch = Some(WatchFault {
                        after_events: n,
                        abort: false,
                    })
                }
                FaultAction::ResetWatch(n) => {
                    d.watch = Some(WatchFault {
                        after_events: n,
                        abort: true,
                    })
                }
            }
        }
        d
    }
}

/// Middleware: decides before the handler; a faulted request never reaches it.
pub async fn inject(
    State(inj): State<Arc<FaultInjector>>,
    mut req: Request,
    next: Next,
) -> Response {
    if inj.is_empty() {
        return next.run(req).await;
    }
    let query = req.uri().query().unwrap_or("").to_string();
    let info = request_info::parse(req.method(), req.uri().path(), &query);
    let Some(info) = info else {
        return next.run(req).await;
    };
    let (Some(verb), Some(resource)) = (info.verb, info.resource.as_deref()) else {
        return next.run(req).await;
    };
    let gr = if info.group.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}.{}", info.group)
    };
    let d = inj.decide(verb, resource, &gr, info.name.as_deref());
    if !d.latency.is_zero() {
        tokio::time::sleep(d.latency).await;
    }
    if let Some(e) = d.error {
        tracing::info!(verb = verb.as_str(), resource = %gr, code = e.code, "fault injected");
        return e.into_response();
    }
    if let Some(w) = d.watch {
        req.extensions_mut().insert(w);
    }
    next.run(req).await
}

#[cfg(test)]
mod tests;
