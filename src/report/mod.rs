//! Results are data: the engine fills a [`RunReport`] (scenarios → VMs → checks and
//! phase timings, failures with expected/actual and the scenario line), and writers only
//! read it — live progress, the end-of-run summary, JUnit and JSON, and the exit code.

pub mod exit;
pub mod failure;
pub mod html;
pub mod json;
pub mod junit;
pub mod junit_merge;
pub mod junit_pytest;
pub mod merge;

pub use merge::ShardReport;
pub mod progress;
pub mod summary;

use std::sync::Arc;

use mtvt_lang::ir::SpanIr;
use mtvt_lang::source::SourceMap;
use serde::{Serialize, Serializer};

/// How a scenario ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Everything held.
    Passed,
    /// An expectation or assertion did not hold.
    Failed,
    /// The environment failed (API, source, inventory, leak).
    Error,
    /// Not run, with a reason (`requires`, `--fail-fast`).
    Skipped,
    /// Ctrl-C.
    Interrupted,
}

impl Status {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Error => "error",
            Status::Skipped => "skipped",
            Status::Interrupted => "interrupted",
        }
    }
}

/// A span written as `file:line:col`.
fn as_location<S: Serializer>(span: &Option<SpanIr>, s: S) -> Result<S::Ok, S::Error> {
    match span {
        Some(span) => s.collect_str(span),
        None => s.serialize_none(),
    }
}

/// One failure of a scenario, as data: the writers render it (assertion and outcome
/// failures at their source line, like a compile error; `failure::rendered`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// Which VM (source name), if any.
    pub vm: Option<String>,
    /// Which check (`cpu`), or `outcome`, or the failed step.
    pub check: Option<String>,
    /// What went wrong.
    pub message: String,
    /// Expected value.
    pub expected: Option<String>,
    /// Actual value.
    pub actual: Option<String>,
    /// Where (the assert / expect line); written `file:line:col`.
    #[serde(serialize_with = "as_location")]
    pub location: Option<SpanIr>,
    /// Where the scenario asked for the check; written `file:line:col`.
    #[serde(serialize_with = "as_location")]
    pub requested_at: Option<SpanIr>,
    /// Shown at `location` like a compile error (assertion and outcome failures), rather
    /// than as one line.
    #[serde(skip)]
    pub at_source: bool,
}

impl Failure {
    /// A failure with only a message.
    pub fn message(check: Option<&str>, message: impl Into<String>) -> Self {
        Failure {
            vm: None,
            check: check.map(str::to_string),
            message: message.into(),
            expected: None,
            actual: None,
            location: None,
            requested_at: None,
            at_source: false,
        }
    }

    /// One line: `[vm] check: message (expected X, actual Y) at file:line:col`.
    pub fn one_line(&self) -> String {
        let mut s = String::new();
        if let Some(vm) = &self.vm {
            s.push_str(&format!("[{vm}] "));
        }
        if let Some(c) = &self.check {
            s.push_str(&format!("{c}: "));
        }
        s.push_str(&self.message);
        if let (Some(e), Some(a)) = (&self.expected, &self.actual) {
            s.push_str(&format!(" (expected {e}, actual {a})"));
        }
        if let Some(l) = &self.location {
            s.push_str(&format!(" at {l}"));
        }
        s
    }
}

/// How a check ended on one VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Every assert held.
    Passed,
    /// An assert did not hold.
    Failed,
    /// It could not run (with the reason).
    NotRun,
    /// It does not apply (with the reason).
    Skipped,
}

/// One check on one VM.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// Check name.
    pub name: String,
    /// How it ended.
    pub status: CheckStatus,
    /// Reason of not_run / skipped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Asserts that passed.
    pub passed: usize,
    /// Asserts that failed.
    pub failed: usize,
}

/// Timing of one pipeline step of a VM.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseTiming {
    /// Step name.
    pub name: String,
    /// Phase at the end.
    pub phase: Option<String>,
    /// RFC 3339 start.
    pub started: Option<String>,
    /// RFC 3339 end.
    pub completed: Option<String>,
    /// Duration (controller clock).
    pub duration_ms: Option<u64>,
    /// Error, if the step failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One migrated VM.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VmReport {
    /// Plan name.
    pub plan: String,
    /// Source VM (clone) name.
    pub source: String,
    /// Destination VM name, when it exists.
    pub destination: Option<String>,
    /// Migration result (succeeded / failed / canceled).
    pub result: Option<String>,
    /// Failed step, if any.
    pub failed_step: Option<String>,
    /// Per-step timings.
    pub phases: Vec<PhaseTiming>,
    /// Checks.
    pub checks: Vec<CheckReport>,
}

/// Which step of the pytest suite's test class an engine step belongs to (the suite's
/// class runs storage map, network map, plan, migrate, check; its fixtures do the rest):
/// the pytest JUnit layout files each engine step, and each failure, under one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Namespaces, providers, source VMs, inventory, node labels (the suite's fixtures).
    Setup,
    /// The StorageMap.
    StorageMap,
    /// NetworkAttachmentDefinitions and the NetworkMap.
    NetworkMap,
    /// Hooks, the Plan and its readiness.
    Plan,
    /// The precopy interval, the Migration and its completion.
    Migrate,
    /// Observing the migrated VMs and their checks.
    Check,
}

/// One step of the engine (create, wait, prepare…) with its duration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepReport {
    /// What.
    pub name: String,
    /// The step of the suite's class it belongs to.
    pub stage: Stage,
    /// Wall-clock duration.
    pub duration_ms: u64,
    /// Error, if it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioReport {
    /// Name.
    pub name: String,
    /// File it is declared in.
    pub file: String,
    /// Line of the declaration.
    pub line: usize,
    /// Tags.
    pub tags: Vec<String>,
    /// Outcome.
    pub status: Status,
    /// Skip / error reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Wall-clock duration.
    pub duration_ms: u64,
    /// Its namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The provider profile it ran with (the pytest suite's `source_provider`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The destination storage class of its (first) plan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
    /// Engine steps.
    pub steps: Vec<StepReport>,
    /// VMs.
    pub vms: Vec<VmReport>,
    /// Every failure (all of them, not just the first).
    pub failures: Vec<Failure>,
    /// Leftovers found after its teardown.
    pub leaks: Vec<String>,
    /// Teardown problems.
    pub teardown_errors: Vec<String>,
    /// Diagnostics collected on failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<String>,
}

impl ScenarioReport {
    /// A report for a scenario that did not run.
    pub fn skipped(s: &mtvt_lang::ir::ScenarioIr, reason: impl Into<String>) -> Self {
        ScenarioReport {
            name: s.name.clone(),
            file: s.span.file.to_string(),
            line: s.span.line,
            tags: s.tags.clone(),
            status: Status::Skipped,
            reason: Some(reason.into()),
            duration_ms: 0,
            namespace: None,
            provider: None,
            storage_class: None,
            steps: Vec::new(),
            vms: Vec::new(),
            failures: Vec::new(),
            leaks: Vec::new(),
            teardown_errors: Vec::new(),
            diagnostics: None,
        }
    }
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// Session id.
    pub session: String,
    /// API server URL.
    pub cluster: String,
    /// RFC 3339 start time.
    pub started: String,
    /// Wall-clock duration.
    pub duration_ms: u64,
    /// Scenarios, in declaration order.
    pub scenarios: Vec<ScenarioReport>,
    /// Session teardown problems.
    pub teardown_errors: Vec<String>,
    /// Session leftovers.
    pub leaks: Vec<String>,
    /// Teardown was skipped (`--skip-teardown`, `--keep`).
    pub teardown_skipped: bool,
    /// An infrastructure error stopped the run before or outside scenarios.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Ctrl-C.
    pub interrupted: bool,
    /// The journal file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journal: Option<String>,
    /// Session keys overridden for this run (`--set KEY=VALUE`), as given.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub overrides: Vec<String>,
    /// Which shard of a split run this is (`mtvt run --shard`; `mtvt report merge`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub shard: Option<ShardReport>,
    /// The scenario and stdlib texts failures point into (for the writers).
    #[serde(skip)]
    pub sources: Arc<SourceMap>,
}

impl RunReport {
    /// A report with no scenario yet, started now.
    pub fn new(session: &str, cluster: &str, sources: Arc<SourceMap>) -> Self {
        RunReport {
            session: session.to_string(),
            cluster: cluster.to_string(),
            started: chrono::Utc::now().to_rfc3339(),
            duration_ms: 0,
            scenarios: Vec::new(),
            teardown_errors: Vec::new(),
            leaks: Vec::new(),
            teardown_skipped: false,
            error: None,
            interrupted: false,
            journal: None,
            overrides: Vec::new(),
            shard: None,
            sources,
        }
    }

    /// Count of scenarios with `status`.
    pub fn count(&self, status: Status) -> usize {
        self.scenarios.iter().filter(|s| s.status == status).count()
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    use super::*;

    pub fn scenario(name: &str, status: Status) -> ScenarioReport {
        ScenarioReport {
            name: name.into(),
            file: "f.mtvt".into(),
            line: 1,
            tags: Vec::new(),
            status,
            reason: None,
            duration_ms: 10,
            namespace: None,
            provider: None,
            storage_class: None,
            steps: Vec::new(),
            vms: Vec::new(),
            failures: Vec::new(),
            leaks: Vec::new(),
            teardown_errors: Vec::new(),
            diagnostics: None,
        }
    }

    pub fn report(scenarios: Vec<ScenarioReport>) -> RunReport {
        RunReport {
            session: "auto-test".into(),
            cluster: "https://x".into(),
            started: "2026-01-01T00:00:00Z".into(),
            duration_ms: 100,
            scenarios,
            teardown_errors: Vec::new(),
            leaks: Vec::new(),
            teardown_skipped: false,
            error: None,
            interrupted: false,
            journal: None,
            overrides: Vec::new(),
            shard: None,
            sources: Arc::default(),
        }
    }
}
