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

/// The terminal side: spinner lines on a terminal, timestamped lines otherwise.
struct Printer {
    tty: bool,
    start: Instant,
    multi: MultiProgress,
    style: ProgressStyle,
    bars: BTreeMap<String, ProgressBar>,
    /// Per (scenario, VM): the last pipeline step and its coarse progress printed.
    vms: BTreeMap<(String, String), (String, String)>,
}

impl Printer {
    fn new(tty: bool) -> Self {
        Printer {
            tty,
            start: Instant::now(),
            multi: MultiProgress::new(),
            style: ProgressStyle::with_template("{spinner} {prefix:.bold} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            bars: BTreeMap::new(),
            vms: BTreeMap::new(),
        }
    }

    fn stamp(&self) -> String {
        format!("[{:>6.1}s]", self.start.elapsed().as_secs_f64())
    }

    fn handle(&mut self, e: Event) {
        match e {
            Event::Started { scenario } => {
                if self.tty {
                    let b = self.multi.add(ProgressBar::new_spinner());
                    b.set_style(self.style.clone());
                    b.set_prefix(scenario.clone());
                    b.enable_steady_tick(Duration::from_millis(120));
                    self.bars.insert(scenario, b);
                } else {
                    eprintln!("{} {scenario}: started", self.stamp());
                }
            }
            Event::Step { scenario, text } => {
                if let Some(b) = self.bars.get(&scenario) {
                    b.set_message(text);
                } else if !self.tty {
                    eprintln!("{} {scenario}: {text}", self.stamp());
                }
            }
            Event::Vm {
                scenario,
                vm,
                step,
                progress,
            } => self.vm(scenario, vm, step, progress),
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
                if let Some(b) = self.bars.remove(&scenario) {
                    b.finish_and_clear();
                    let _ = self.multi.println(line);
                } else {
                    eprintln!("{line}");
                }
            }
            Event::Note(text) => {
                if self.tty {
                    let _ = self.multi.println(text);
                } else {
                    eprintln!("{} {text}", self.stamp());
                }
            }
        }
    }

    /// A VM's pipeline step; plain lines only when the step or its quarter changes.
    fn vm(&mut self, scenario: String, vm: String, step: String, progress: Option<(i64, i64)>) {
        let line = format!("{vm}: {step}{}", pct(progress));
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
        let key = (scenario.clone(), vm);
        let changed = self
            .vms
            .get(&key)
            .is_none_or(|(s, c)| *s != step || *c != coarse);
        self.vms.insert(key, (step, coarse));
        if let Some(b) = self.bars.get(&scenario) {
            b.set_message(line);
        } else if !self.tty && changed {
            eprintln!("{} {scenario}: {line}", self.stamp());
        }
    }
}

/// Starts the printer; returns the handle and the task (await it after dropping every
/// handle to flush).
pub fn spawn(tty: bool) -> (Progress, tokio::task::JoinHandle<()>) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Event>();
    let task = tokio::spawn(async move {
        let mut printer = Printer::new(tty);
        while let Some(e) = rx.recv().await {
            printer.handle(e);
        }
        for (_, b) in printer.bars {
            b.finish_and_clear();
        }
    });
    (Progress { tx: Some(tx) }, task)
}
