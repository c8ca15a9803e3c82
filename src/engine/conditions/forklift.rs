//! Forklift's conditions: a Provider Ready (its connection test or validation failing ends
//! the wait), a
//! Plan Ready (unless the same blockers stand past a grace period), a Plan's migration
//! finished; and reading a Plan's migration state.

use std::time::{Duration, Instant};

use kube::api::DynamicObject;
use serde_json::Value;

use super::status::{blockers, condition_true, conditions_text};
use super::{Check, Condition, HasCondition};
use crate::engine::error::Class;

/// A Provider is Ready; its connection test failing ends the wait at once. The Provider is
/// the environment's (its URL, credentials, CA), so a failure is an infrastructure error.
pub fn provider_ready() -> impl Condition<Output = DynamicObject> {
    HasCondition {
        ty: "Ready",
        class: Class::Infra,
    }
    .or_fail(
        |o| match o.data.pointer("/status/phase").and_then(Value::as_str) {
            Some("ConnectionFailed") => Some(format!(
                "the connection test failed: {}",
                blockers(o).join("; ")
            )),
            // Critical validation conditions (a malformed Secret, a missing SMB CSI driver)
            // stand until the Provider, its Secret or the cluster changes
            Some("ValidationFailed") if !blockers(o).is_empty() => Some(format!(
                "the provider failed validation: {}",
                blockers(o).join("; ")
            )),
            _ => None,
        },
    )
}

/// A Provider has `Validated=True` (the pytest suite waits for it before installing the
/// ESXi key of the ssh clone method). An environment matter, like Ready.
pub fn provider_validated() -> HasCondition {
    HasCondition {
        ty: "Validated",
        class: Class::Infra,
    }
}

/// How long the same blocking (Critical/Error) conditions may stand on a Plan before the
/// Ready wait gives up with them: transient blockers (maps still reconciling) clear within
/// seconds; a VM that is not found or a warm migration the provider cannot do never will.
pub const PLAN_BLOCKER_GRACE: Duration = Duration::from_secs(60);

/// A Plan is Ready, unless the same blocking conditions stand for [`PLAN_BLOCKER_GRACE`].
#[derive(Debug, Clone)]
pub struct PlanReady {
    grace: Duration,
    blocked: Option<(Vec<String>, Instant)>,
}

/// [`PlanReady`] with [`PLAN_BLOCKER_GRACE`].
pub fn plan_ready() -> PlanReady {
    plan_ready_within(PLAN_BLOCKER_GRACE)
}

/// [`PlanReady`] giving up after the same blockers stood for `grace`.
pub fn plan_ready_within(grace: Duration) -> PlanReady {
    PlanReady {
        grace,
        blocked: None,
    }
}

impl Condition for PlanReady {
    type Output = DynamicObject;

    fn describe(&self) -> String {
        "have condition Ready=True".into()
    }

    fn check(&mut self, obj: Option<&DynamicObject>, now: Instant) -> Check<DynamicObject> {
        let Some(o) = obj else {
            return Check::Pending;
        };
        if condition_true(o, "Ready") {
            return Check::Done(o.clone());
        }
        let b = blockers(o);
        match &self.blocked {
            _ if b.is_empty() => self.blocked = None,
            Some((prev, since)) if *prev == b => {
                if now.duration_since(*since) >= self.grace {
                    return Check::Fail(format!(
                        "blocking validation conditions for {}s: {}",
                        self.grace.as_secs(),
                        b.join("; ")
                    ));
                }
            }
            _ => self.blocked = Some((b, now)),
        }
        Check::Pending
    }

    fn recheck(&self) -> Option<Duration> {
        Some(Duration::from_secs(5).min(self.grace))
    }
}

/// A Plan's migration ended (Succeeded, Failed or Canceled, and no longer Executing);
/// yields the Plan. The Plan disappearing once seen is a failure.
#[derive(Debug, Clone, Default)]
pub struct PlanFinished {
    seen: bool,
}

/// [`PlanFinished`].
pub fn plan_finished() -> PlanFinished {
    PlanFinished::default()
}

impl Condition for PlanFinished {
    type Output = DynamicObject;

    fn describe(&self) -> String {
        "finish its migration (Succeeded, Failed or Canceled)".into()
    }

    fn check(&mut self, obj: Option<&DynamicObject>, _: Instant) -> Check<DynamicObject> {
        match obj {
            Some(o) if migration_ended(o) => Check::Done(o.clone()),
            Some(_) => {
                self.seen = true;
                Check::Pending
            }
            None if self.seen => Check::Fail("the Plan was deleted".into()),
            None => Check::Pending,
        }
    }

    fn state(&self, obj: &DynamicObject) -> String {
        plan_state(obj)
    }
}

/// Teardown: Forklift has finished with an object mtvt told to stop, as the pytest suite
/// waits for it (utilities/migration_utils.py `cancel_migration`, `archive_plan`) — or the
/// object is gone. An infrastructure matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// A canceled Migration has ended (Canceled, or Succeeded/Failed if it got there first).
    MigrationEnded,
    /// An archived Plan has condition `Archived`.
    PlanArchived,
}

impl Condition for Stopped {
    type Output = ();

    fn describe(&self) -> String {
        match self {
            Stopped::MigrationEnded => "end after the cancel".into(),
            Stopped::PlanArchived => "have condition Archived=True".into(),
        }
    }

    fn check(&mut self, obj: Option<&DynamicObject>, _: Instant) -> Check<()> {
        let done = match (self, obj) {
            (_, None) => true,
            (Stopped::MigrationEnded, Some(o)) => migration_ended(o),
            (Stopped::PlanArchived, Some(o)) => condition_true(o, "Archived"),
        };
        if done {
            Check::Done(())
        } else {
            Check::Pending
        }
    }

    fn state(&self, obj: &DynamicObject) -> String {
        conditions_text(obj)
    }

    fn class(&self) -> Class {
        Class::Infra
    }
}

/// A VM of a Migration (its `status.vms`, mirrored from the Plan) has started pipeline step
/// `step`; yields the Migration. The Migration ending first is a failure: the step was
/// never reached.
#[derive(Debug, Clone)]
pub struct VmAtStep {
    step: String,
}

/// [`VmAtStep`].
pub fn vm_at_step(step: &str) -> VmAtStep {
    VmAtStep { step: step.into() }
}

impl Condition for VmAtStep {
    type Output = DynamicObject;

    fn describe(&self) -> String {
        format!("have a VM at pipeline step {}", self.step)
    }

    fn check(&mut self, obj: Option<&DynamicObject>, _: Instant) -> Check<DynamicObject> {
        let Some(o) = obj else {
            return Check::Pending;
        };
        let vms = o.data.pointer("/status/vms").and_then(Value::as_array);
        let reached = vms.into_iter().flatten().any(|vm| {
            vm.get("pipeline")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|s| {
                    s.get("name").and_then(Value::as_str) == Some(self.step.as_str())
                        && (s.get("started").is_some()
                            || s.get("phase").and_then(Value::as_str) == Some("Running"))
                })
        });
        if reached {
            Check::Done(o.clone())
        } else if migration_ended(o) {
            Check::Fail(format!(
                "the Migration ended before a VM reached pipeline step {}",
                self.step
            ))
        } else {
            Check::Pending
        }
    }
}

const ENDED: [&str; 3] = ["Succeeded", "Failed", "Canceled"];

/// Whether a Plan's migration ended: not `Executing`, and either the Plan says how it ended
/// or every VM has. A deleted active Migration (or a Plan changed under it) cancels the
/// snapshot and the VMs but puts no `Canceled` on the Plan (upstream
/// pkg/controller/plan/controller.go:437-456, 655-670, 700-720), so the VMs decide then.
pub fn migration_ended(o: &DynamicObject) -> bool {
    if condition_true(o, "Executing") {
        return false;
    }
    if ENDED.iter().any(|c| condition_true(o, c)) {
        return true;
    }
    let mut vms = plan_vms(o).peekable();
    vms.peek().is_some()
        && vms.all(|vm| {
            vm.get("conditions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|c| {
                    c.get("status").and_then(Value::as_str) == Some("True")
                        && c.get("type")
                            .and_then(Value::as_str)
                            .is_some_and(|t| ENDED.contains(&t))
                })
        })
}

/// A summary of a Plan's migration state: conditions and each VM's current step.
pub fn plan_state(o: &DynamicObject) -> String {
    let mut s = conditions_text(o);
    for vm in plan_vms(o) {
        let name = vm.get("name").and_then(Value::as_str).unwrap_or("?");
        let phase = vm.get("phase").and_then(Value::as_str).unwrap_or("?");
        let step = current_step(vm).map(|(n, _)| n).unwrap_or_default();
        s.push_str(&format!("; VM {name}: phase {phase}, step {step}"));
    }
    s
}

/// The VM statuses of a Plan's migration.
pub fn plan_vms(o: &DynamicObject) -> impl Iterator<Item = &Value> {
    o.data
        .pointer("/status/migration/vms")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The running (else last started) pipeline step of a VM status, with its progress.
pub fn current_step(vm: &Value) -> Option<(String, Option<(i64, i64)>)> {
    let pipeline = vm.get("pipeline").and_then(Value::as_array)?;
    let pick = pipeline
        .iter()
        .find(|s| s.get("phase").and_then(Value::as_str) == Some("Running"))
        .or_else(|| pipeline.iter().rev().find(|s| s.get("started").is_some()))
        .or_else(|| pipeline.first())?;
    let name = pick.get("name").and_then(Value::as_str)?.to_string();
    let progress = match (
        pick.pointer("/progress/completed").and_then(Value::as_i64),
        pick.pointer("/progress/total").and_then(Value::as_i64),
    ) {
        (Some(c), Some(t)) => Some((c, t)),
        _ => None,
    };
    Some((name, progress))
}
