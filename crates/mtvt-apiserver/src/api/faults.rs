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

use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

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

fn parse_duration(s: &str) -> Result<Duration, String> {
    let (num, unit) = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((s, "ms"), |i| s.split_at(i));
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration {s:?} (use e.g. 200ms, 2s)"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "s" => n,
        "m" => n * 60.0,
        _ => return Err(format!("invalid duration unit in {s:?} (use ms, s or m)")),
    };
    Ok(Duration::from_secs_f64(secs))
}

impl FromStr for FaultRule {
    type Err = String;

    fn from_str(spec: &str) -> Result<Self, String> {
        let mut action = None;
        let mut rule = FaultRule {
            action: FaultAction::Status(500),
            rate: 1.0,
            verbs: vec![],
            resources: vec![],
            times: None,
        };
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part
                .split_once('=')
                .ok_or_else(|| format!("fault {spec:?}: expected key=value, got {part:?}"))?;
            let set = |a: FaultAction, action: &mut Option<FaultAction>| {
                if action.replace(a).is_some() {
                    Err(format!(
                        "fault {spec:?}: more than one action (error, latency, drop-watch, reset-watch)"
                    ))
                } else {
                    Ok(())
                }
            };
            match k {
                "error" => {
                    let code: u16 = v
                        .parse()
                        .map_err(|_| format!("fault {spec:?}: error must be a status code"))?;
                    if !matches!(code, 409 | 429 | 500 | 503 | 504) {
                        return Err(format!(
                            "fault {spec:?}: error must be one of 409, 429, 500, 503, 504"
                        ));
                    }
                    set(FaultAction::Status(code), &mut action)?;
                }
                "latency" => set(FaultAction::Latency(parse_duration(v)?), &mut action)?,
                "drop-watch" | "reset-watch" => {
                    let n: usize = v
                        .parse()
                        .map_err(|_| format!("fault {spec:?}: {k} takes an event count"))?;
                    let a = if k == "drop-watch" {
                        FaultAction::DropWatch(n)
                    } else {
                        FaultAction::ResetWatch(n)
                    };
                    set(a, &mut action)?;
                }
                "rate" => {
                    rule.rate = v
                        .parse()
                        .ok()
                        .filter(|r: &f64| (0.0..=1.0).contains(r))
                        .ok_or_else(|| format!("fault {spec:?}: rate must be between 0 and 1"))?;
                }
                "verbs" => {
                    rule.verbs = v
                        .split('|')
                        .map(|s| Verb::parse(s).ok_or_else(|| format!("fault {spec:?}: unknown verb {s:?} (get, list, watch, create, update, patch, delete, deletecollection)")))
                        .collect::<Result<_, _>>()?;
                }
                "resources" => rule.resources = v.split('|').map(str::to_string).collect(),
                "times" => {
                    rule.times = Some(
                        v.parse()
                            .map_err(|_| format!("fault {spec:?}: times must be a number"))?,
                    )
                }
                other => {
                    return Err(format!(
                        "fault {spec:?}: unknown key {other:?} (error, latency, drop-watch, reset-watch, rate, verbs, resources, times)"
                    ));
                }
            }
        }
        rule.action = action.ok_or_else(|| {
            format!(
                "fault {spec:?}: no action (error=CODE, latency=DUR, drop-watch=N or reset-watch=N)"
            )
        })?;
        Ok(rule)
    }
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

/// The runtime state of fault injection.
#[derive(Debug)]
pub struct FaultInjector {
    rules: Vec<FaultRule>,
    state: Mutex<(StdRng, Vec<u64>)>,
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
            rules: faults.rules.clone(),
            state: Mutex::new((
                StdRng::seed_from_u64(faults.seed),
                vec![0; faults.rules.len()],
            )),
        }
    }

    /// Whether any rule exists.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
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
        let (rng, counts) = &mut *guard;
        for (i, rule) in self.rules.iter().enumerate() {
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
mod tests {
    use super::*;

    #[test]
    fn parses_rules() {
        let r: FaultRule = "error=503,rate=0.25,verbs=create|patch,resources=widgets|pods,times=3"
            .parse()
            .unwrap();
        assert_eq!(r.action, FaultAction::Status(503));
        assert_eq!(r.rate, 0.25);
        assert_eq!(r.verbs, vec![Verb::Create, Verb::Patch]);
        assert_eq!(r.times, Some(3));
        assert_eq!(
            "latency=150ms".parse::<FaultRule>().unwrap().action,
            FaultAction::Latency(Duration::from_millis(150))
        );
        assert_eq!(
            "drop-watch=2".parse::<FaultRule>().unwrap().action,
            FaultAction::DropWatch(2)
        );
        for bad in [
            "",
            "error=418",
            "rate=2,error=500",
            "error=500,latency=1s",
            "verbs=fly,error=500",
            "bogus=1",
        ] {
            assert!(bad.parse::<FaultRule>().is_err(), "{bad}");
        }
    }

    #[test]
    fn decisions_are_deterministic_under_a_seed() {
        let faults = Faults {
            seed: 7,
            rules: vec!["error=500,rate=0.5".parse().unwrap()],
        };
        let run = || {
            let inj = FaultInjector::new(&faults);
            (0..64)
                .map(|_| inj.decide(Verb::Get, "pods", "pods", None).error.is_some())
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        let hits = a.iter().filter(|h| **h).count();
        assert!((16..=48).contains(&hits), "{hits}");
    }

    #[test]
    fn filters_and_times() {
        let faults = Faults {
            seed: 1,
            rules: vec![
                "error=409,verbs=update,resources=widgets.example.com,times=2"
                    .parse()
                    .unwrap(),
            ],
        };
        let inj = FaultInjector::new(&faults);
        assert!(
            inj.decide(Verb::Get, "widgets", "widgets.example.com", None)
                .error
                .is_none()
        );
        assert!(
            inj.decide(Verb::Update, "pods", "pods", None)
                .error
                .is_none()
        );
        assert_eq!(
            inj.decide(Verb::Update, "widgets", "widgets.example.com", Some("p"))
                .error
                .unwrap()
                .code,
            409
        );
        assert!(
            inj.decide(Verb::Update, "widgets", "widgets.example.com", None)
                .error
                .is_some()
        );
        assert!(
            inj.decide(Verb::Update, "widgets", "widgets.example.com", None)
                .error
                .is_none()
        );
        let w = FaultInjector::new(&Faults {
            seed: 1,
            rules: vec!["drop-watch=3".parse().unwrap()],
        });
        assert!(w.decide(Verb::List, "pods", "pods", None).watch.is_none());
        assert_eq!(
            w.decide(Verb::Watch, "pods", "pods", None).watch,
            Some(WatchFault {
                after_events: 3,
                abort: false
            })
        );
    }
}
