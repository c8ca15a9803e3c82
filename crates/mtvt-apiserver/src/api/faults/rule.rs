//! The rule syntax of `--fault`: comma-separated `key=value`s with exactly one action
//! (`error`, `latency`, `drop-watch`, `reset-watch`) and optional filters (`rate`, `verbs`,
//! `resources`, `times`); every error names the rule and what to write instead.

use std::str::FromStr;
use std::time::Duration;

use super::{FaultAction, FaultRule};
use crate::api::request_info::Verb;

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
    if !(0.0..=MAX_LATENCY_SECS).contains(&secs) {
        return Err(format!(
            "duration {s:?} out of range (at most {}m)",
            MAX_LATENCY_SECS / 60.0
        ));
    }
    Duration::try_from_secs_f64(secs).map_err(|e| format!("invalid duration {s:?}: {e}"))
}

/// The longest injected latency: an hour (longer is a mistake, not a test).
const MAX_LATENCY_SECS: f64 = 3600.0;

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
            match parse_action(spec, k, v)? {
                Some(a) => {
                    if action.replace(a).is_some() {
                        return Err(format!(
                            "fault {spec:?}: more than one action (error, latency, drop-watch, reset-watch)"
                        ));
                    }
                }
                None => rule.set_option(spec, k, v)?,
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

/// The action `k=v` names, or `None` when `k` is no action key.
fn parse_action(spec: &str, k: &str, v: &str) -> Result<Option<FaultAction>, String> {
    Ok(Some(match k {
        "error" => {
            let code: u16 = v
                .parse()
                .map_err(|_| format!("fault {spec:?}: error must be a status code"))?;
            if !matches!(code, 409 | 429 | 500 | 503 | 504) {
                return Err(format!(
                    "fault {spec:?}: error must be one of 409, 429, 500, 503, 504"
                ));
            }
            FaultAction::Status(code)
        }
        "latency" => FaultAction::Latency(parse_duration(v)?),
        "drop-watch" | "reset-watch" => {
            let n: usize = v
                .parse()
                .map_err(|_| format!("fault {spec:?}: {k} takes an event count"))?;
            if k == "drop-watch" {
                FaultAction::DropWatch(n)
            } else {
                FaultAction::ResetWatch(n)
            }
        }
        _ => return Ok(None),
    }))
}

impl FaultRule {
    /// Sets the filter `k=v` (`rate`, `verbs`, `resources`, `times`).
    fn set_option(&mut self, spec: &str, k: &str, v: &str) -> Result<(), String> {
        match k {
            "rate" => {
                self.rate = v
                    .parse()
                    .ok()
                    .filter(|r: &f64| (0.0..=1.0).contains(r))
                    .ok_or_else(|| format!("fault {spec:?}: rate must be between 0 and 1"))?;
            }
            "verbs" => {
                self.verbs = v
                    .split('|')
                    .map(|s| Verb::parse(s).ok_or_else(|| format!("fault {spec:?}: unknown verb {s:?} (get, list, watch, create, update, patch, delete, deletecollection)")))
                    .collect::<Result<_, _>>()?;
            }
            "resources" => self.resources = v.split('|').map(str::to_string).collect(),
            "times" => {
                self.times = Some(
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
        Ok(())
    }
}
