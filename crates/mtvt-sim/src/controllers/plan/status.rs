//! The shapes of `Plan.status.migration` (`pkg/apis/forklift/v1beta1/plan`): per-VM status
//! with its pipeline of steps, error, warm precopies and conditions; history snapshots. Typed
//! so the executor cannot misspell a key; unknown keys (the copied `spec.vms[]` fields) ride
//! along in `extra`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `{phase, reasons}` of a failed step or VM.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StepError {
    /// Phase at the time.
    pub phase: String,
    /// Messages.
    #[serde(default)]
    pub reasons: Vec<String>,
}

/// `progress`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Done.
    pub completed: i64,
    /// Total.
    pub total: i64,
}

/// A pipeline step or a task of a step.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// `Pending`, `Running`, `Completed` (empty for `Cutover` until it runs).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phase: String,
    /// Reason.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// Progress.
    pub progress: Progress,
    /// Annotations (`unit: MB`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<StepError>,
    /// Start time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<String>,
    /// Completion time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<String>,
    /// Sub-tasks (one per disk for disk steps).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<Task>,
}

/// One precopy of a warm migration.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Precopy {
    /// Start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// End.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
    /// Snapshot id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub snapshot: String,
    /// Snapshot creation task.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub create_task_id: String,
    /// Snapshot removal task.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remove_task_id: String,
    /// Per-disk change ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deltas: Vec<Value>,
}

/// `warm` of a VM status.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Warm {
    /// Successful precopies.
    pub successes: i64,
    /// Failed precopies.
    pub failures: i64,
    /// Consecutive failures.
    pub consecutive_failures: i64,
    /// Next precopy time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_precopy_at: Option<String>,
    /// Precopies.
    #[serde(default)]
    pub precopies: Vec<Precopy>,
}

/// `status.migration.vms[]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VmStatus {
    /// VM id.
    #[serde(default)]
    pub id: String,
    /// VM name.
    #[serde(default)]
    pub name: String,
    /// Current phase.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phase: String,
    /// Pipeline.
    #[serde(default)]
    pub pipeline: Vec<Task>,
    /// Error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<StepError>,
    /// Warm state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warm: Option<Warm>,
    /// Source power before migration (`On`, `Off`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub restore_power_state: String,
    /// DNS-1123 name chosen for a renamed VM.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub new_name: String,
    /// Start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<String>,
    /// Completion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<String>,
    /// Firmware (`bios`, `efi`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub firmware: String,
    /// Guest OS.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub operating_system: String,
    /// VM conditions (`Succeeded`, `Failed`, `Canceled`, `Pending`).
    #[serde(default)]
    pub conditions: Vec<Value>,
    /// Every disk was copied before conversion started: a failed conversion can be resumed
    /// (`disksCopied`, pkg/apis/forklift/v1beta1/plan/vm.go:243-247).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disks_copied: bool,
    /// The copied `spec.vms[]` fields and anything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl VmStatus {
    /// Whether a `True` condition of `kind` is present.
    pub fn has(&self, kind: &str) -> bool {
        self.conditions.iter().any(|c| {
            c.get("type").and_then(Value::as_str) == Some(kind)
                && c.get("status").and_then(Value::as_str) == Some("True")
        })
    }

    /// The step named `name`.
    pub fn step_mut(&mut self, name: &str) -> Option<&mut Task> {
        self.pipeline.iter_mut().find(|s| s.name == name)
    }

    /// The step named `name`.
    pub fn step(&self, name: &str) -> Option<&Task> {
        self.pipeline.iter().find(|s| s.name == name)
    }

    /// Upstream's `markStartedStepsCompleted`: every started step gets a completion time; its
    /// phase stays (pkg/controller/plan/migration.go:466-472).
    pub fn complete_started_steps(&mut self, now: &str) {
        for s in self.pipeline.iter_mut().filter(|s| s.started.is_some()) {
            s.completed.get_or_insert_with(|| now.to_string());
        }
    }

    /// Sets a condition, replacing one of the same type.
    pub fn set_condition(&mut self, c: Value) {
        let kind = c.get("type").cloned();
        self.conditions.retain(|x| x.get("type") != kind.as_ref());
        self.conditions.push(c);
    }
}
