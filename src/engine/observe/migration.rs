//! The `migration` model from a Plan's `status.migration.vms[]` entry: result, first failed
//! pipeline step, error reasons, every step with phase, times and progress, and duration.
//! Also the per-step timings the JSON report carries.

use chrono::DateTime;
use mtvt_lang::models::{Migration, Step};
use mtvt_lang::schema::enums::{MigrationResult, PipelineStep, StepPhase};
use mtvt_vocab::Duration;
use serde_json::Value;

fn text(v: &Value, p: &str) -> Option<String> {
    v.pointer(p)
        .and_then(Value::as_str)
        .map(str::to_string)
        .filter(|s| !s.is_empty())
}

fn reasons(v: &Value, p: &str) -> Option<String> {
    let r: Vec<String> = v
        .pointer(p)
        .and_then(Value::as_array)?
        .iter()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect();
    (!r.is_empty()).then(|| r.join("; "))
}

fn condition(v: &Value, ty: &str) -> bool {
    v.pointer("/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|c| {
            c.get("type").and_then(Value::as_str) == Some(ty)
                && c.get("status").and_then(Value::as_str) == Some("True")
        })
}

/// Milliseconds between two RFC 3339 times.
pub fn millis_between(start: &str, end: &str) -> Option<u64> {
    let s = DateTime::parse_from_rfc3339(start).ok()?;
    let e = DateTime::parse_from_rfc3339(end).ok()?;
    u64::try_from((e - s).num_milliseconds()).ok()
}

/// The model of one VM status.
pub fn from_vm_status(vm: &Value) -> Migration {
    let steps: Vec<Step> = vm
        .pointer("/pipeline")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| {
            let name = PipelineStep::parse(&text(s, "/name")?)?;
            Some(Step {
                name,
                phase: text(s, "/phase").and_then(|p| StepPhase::parse(&p)),
                started: text(s, "/started"),
                completed: text(s, "/completed"),
                error: reasons(s, "/error/reasons"),
                progress_completed: s
                    .pointer("/progress/completed")
                    .and_then(Value::as_i64)
                    .unwrap_or(0),
                progress_total: s
                    .pointer("/progress/total")
                    .and_then(Value::as_i64)
                    .unwrap_or(0),
            })
        })
        .collect();
    let error = reasons(vm, "/error/reasons");
    let result = if condition(vm, "Succeeded") {
        MigrationResult::Succeeded
    } else if condition(vm, "Canceled") {
        MigrationResult::Canceled
    } else {
        MigrationResult::Failed
    };
    let failed_step = steps
        .iter()
        .find(|s| s.error.is_some())
        .map(|s| s.name)
        .or_else(|| {
            (result == MigrationResult::Failed)
                .then(|| text(vm, "/error/phase").and_then(|p| PipelineStep::parse(&p)))
                .flatten()
        });
    let started = text(vm, "/started");
    let completed = text(vm, "/completed");
    let duration = match (&started, &completed) {
        (Some(s), Some(c)) => millis_between(s, c).map(Duration),
        _ => None,
    };
    Migration {
        result,
        failed_step: if result == MigrationResult::Succeeded {
            None
        } else {
            failed_step
        },
        error,
        steps,
        started,
        completed,
        duration,
    }
}

/// The VM status of `id` (or `name`) in a Plan.
pub fn vm_status<'a>(plan: &'a Value, id: &str, name: &str) -> Option<&'a Value> {
    plan.pointer("/status/migration/vms")
        .and_then(Value::as_array)?
        .iter()
        .find(|v| {
            v.get("id").and_then(Value::as_str) == Some(id)
                || (!name.is_empty() && v.get("name").and_then(Value::as_str) == Some(name))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn post_hook_failure() {
        let vm = json!({"id": "vm-1", "name": "x", "started": "2026-01-01T00:00:00Z", "completed": "2026-01-01T00:02:30Z",
        "error": {"phase": "PostHook", "reasons": ["Job has reached the specified backoff limit"]},
        "conditions": [{"type": "Failed", "status": "True"}],
        "pipeline": [
            {"name": "Initialize", "phase": "Completed", "progress": {"completed": 1, "total": 1}},
            {"name": "DiskTransfer", "phase": "Completed", "progress": {"completed": 30720, "total": 30720}},
            {"name": "PostHook", "phase": "Completed", "error": {"phase": "PostHook", "reasons": ["Job has reached the specified backoff limit"]}}
        ]});
        let m = from_vm_status(&vm);
        assert_eq!(m.result, MigrationResult::Failed);
        assert_eq!(m.failed_step, Some(PipelineStep::PostHook));
        assert_eq!(m.duration, Some(Duration(150_000)));
        assert_eq!(m.steps.len(), 3);
        assert_eq!(m.steps[1].progress_total, 30720);
        let ok = from_vm_status(&json!({"conditions": [{"type": "Succeeded", "status": "True"}]}));
        assert_eq!(ok.result, MigrationResult::Succeeded);
        assert_eq!(ok.failed_step, None);
        let plan = json!({"status": {"migration": {"vms": [vm]}}});
        assert!(vm_status(&plan, "vm-1", "").is_some());
        assert!(vm_status(&plan, "vm-2", "x").is_some());
        assert!(vm_status(&plan, "vm-2", "y").is_none());
    }
}
