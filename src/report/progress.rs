//! Live progress on stderr: per scenario its current step and, per VM, the Forklift
//! pipeline step with disk progress (from the Plan watch the engine already runs — no
//! polling). A spinner line per running scenario on a terminal (indicatif); plain,
//! timestamped lines otherwise (CI logs), printed only when something changes.
//!
//! The engine sends [`Event`]s; this module owns the terminal.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use tokio::sync::mpsc;

use super::Status;

/// What the engine reports as it goes.
#[derive(Debug, Clone)]
pub enum Event {
    /// A scenario started.
    Started {
        /// Scenario.
        scenario: String,
    },
    /// A scenario is at a new step.
    Step {
        /// Scenario.
        scenario: String,
        /// What it does now.
        text: String,
    },
    /// A VM's pipeline moved.
    Vm {
        /// Scenario.
        scenario: String,
        /// VM name.
        vm: String,
        /// Pipeline step (`DiskTransfer`).
        step: String,
        /// Progress done / total (MB for disk steps).
        progress: Option<(i64, i64)>,
    },
    /// A scenario ended.
    Finished {
        /// Scenario.
        scenario: String,
        /// How.
        status: Status,
        /// Wall time.
        duration: Duration,
        /// Why (skips, errors).
        reason: Option<String>,
    },
    /// A session-level message (setup, teardown).
    Note(String),
}

/// A handle to send events (cheap to clone; sending never blocks).
#[derive(Debug, Clone)]
pub struct Progress {
    tx: Option<mpsc::UnboundedSender<Event>>,
}

impl Progress {
    /// A handle that reports nowhere.
    #[cfg(test)]
    pub fn silent() -> Self {
        Progress { tx: None }
    }

    /// Sends an event.
    pub fn send(&self, e: Event) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(e);
        }
    }

    /// Shorthand for [`Event::Step`].
    pub fn step(&self, scenario: &str, text: impl Into<String>) {
        self.send(Event::Step {
            scenario: scenario.to_string(),
            text: text.into(),
        });
    }
}

fn symbol(s: Status) -> &'static str {
    match s {
        Status::Passed => "PASS",
        Status::Failed => "FAIL",
        Status::Error => "ERROR",
        Status::Skipped => "SKIP",
        Status::Interrupted => "STOP",
    }
}

fn pct(p: Option<(i64, i64)>) -> String {
    match p {
        Some((done, total)) if total > 1 => {
            format!(" {}%", (done.saturating_mul(100) / total).clamp(0, 100))
        }
        _ => String::new(),
    }
}

/// Starts the printer; returns the handle and the task (await it after dropping every
/// handle to flush).
pub fn spawn(tty: bool) -> (Progress, tokio::task::JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    let task = tokio::spawn(async move {
        let start = Instant::now();
        let multi = MultiProgress::new();
        let mut bars: BTreeMap<String, ProgressBar> = BTreeMap::new();
        let mut vms: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
        let style = ProgressStyle::with_template("{spinner} {prefix:.bold} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner());
        let stamp = |s: &Instant| format!("[{:>6.1}s]", s.elapsed().as_secs_f64());
        while let Some(e) = rx.recv().await {
            match e {
                Event::Started { scenario } => {
                    if tty {
                        let b = multi.add(ProgressBar::new_spinner());
                        b.set_style(style.clone());
                        b.set_prefix(scenario.clone());
                        b.enable_steady_tick(Duration::from_millis(120));
                        bars.insert(scenario, b);
                    } else {
                        eprintln!("{} {scenario}: started", stamp(&start));
                    }
                }
                Event::Step { scenario, text } => {
                    if let Some(b) = bars.get(&scenario) {
                        b.set_message(text);
                    } else if !tty {
                        eprintln!("{} {scenario}: {text}", stamp(&start));
                    }
                }
                Event::Vm {
                    scenario,
                    vm,
                    step,
                    progress,
                } => {
                    let line = format!("{vm}: {step}{}", pct(progress));
                    let key = (scenario.clone(), vm.clone());
                    let bucket = progress
                        .map(|(d, t)| {
                            if t > 1 {
                                (d.saturating_mul(4) / t).to_string()
                            } else {
                                String::new()
                            }
                        })
                        .unwrap_or_default();
                    let coarse = format!("{step}:{bucket}");
                    let changed = vms
                        .get(&key)
                        .is_none_or(|(s, c)| *s != step || *c != coarse);
                    vms.insert(key, (step.clone(), coarse));
                    if let Some(b) = bars.get(&scenario) {
                        b.set_message(line);
                    } else if !tty && changed {
                        eprintln!("{} {scenario}: {line}", stamp(&start));
                    }
                }
                Event::Finished {
                    scenario,
                    status,
                    duration,
                    reason,
                } => {
                    let why = reason.map(|r| format!(" — {r}")).unwrap_or_default();
                    let line = format!(
                        "{} {scenario} ({:.1}s){why}",
                        symbol(status),
                        duration.as_secs_f64()
                    );
                    if let Some(b) = bars.remove(&scenario) {
                        b.finish_and_clear();
                        let _ = multi.println(line);
                    } else {
                        eprintln!("{line}");
                    }
                }
                Event::Note(text) => {
                    if tty {
                        let _ = multi.println(text);
                    } else {
                        eprintln!("{} {text}", stamp(&start));
                    }
                }
            }
        }
        for (_, b) in bars {
            b.finish_and_clear();
        }
    });
    (Progress { tx: Some(tx) }, task)
}
