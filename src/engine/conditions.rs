//! Named wait conditions over one object (kube-runtime's `Condition`, with a verdict instead
//! of a bool): each says what it waits for (for timeout messages), judges the object as it
//! is now (`None`: it does not exist), and renders the state worth showing when the wait
//! times out. Composable: [`Condition::or_fail`] adds a terminal failure to any condition.
//!
//! Pure: no I/O and no clock except the one a time-based condition is given. `watches`
//! evaluates them on every change of the object.

use std::time::{Duration, Instant};

use kube::api::DynamicObject;
use serde_json::Value;

use super::error::Class;

/// What a condition says about the object as it is now.
#[derive(Debug, Clone, PartialEq)]
pub enum Check<T> {
    /// It holds.
    Done(T),
    /// Not yet.
    Pending,
    /// It can no longer hold (a terminal failure), with why.
    Fail(String),
}

/// A condition a wait ends on.
pub trait Condition: Send {
    /// What a met condition yields.
    type Output;

    /// What is waited for, as a verb phrase after "to" (`have condition Ready=True`).
    fn describe(&self) -> String;

    /// The verdict on the object as it is now (`None`: it does not exist), at `now`.
    fn check(&mut self, obj: Option<&DynamicObject>, now: Instant) -> Check<Self::Output>;

    /// The object's state for timeout messages (`Ready=False (…)`).
    fn state(&self, obj: &DynamicObject) -> String {
        conditions_text(obj)
    }

    /// Whose fault a timeout or a terminal failure is.
    fn class(&self) -> Class {
        Class::Failure
    }

    /// For time-based verdicts: how often to judge the last version seen again.
    fn recheck(&self) -> Option<Duration> {
        None
    }

    /// This condition, failing as soon as `guard` names a reason.
    fn or_fail<G>(self, guard: G) -> OrFail<Self, G>
    where
        Self: Sized,
        G: Fn(&DynamicObject) -> Option<String> + Send,
    {
        OrFail { inner: self, guard }
    }
}

/// [`Condition::or_fail`].
pub struct OrFail<C, G> {
    inner: C,
    guard: G,
}

impl<C, G> Condition for OrFail<C, G>
where
    C: Condition,
    G: Fn(&DynamicObject) -> Option<String> + Send,
{
    type Output = C::Output;

    fn describe(&self) -> String {
        self.inner.describe()
    }

    fn check(&mut self, obj: Option<&DynamicObject>, now: Instant) -> Check<C::Output> {
        match self.inner.check(obj, now) {
            Check::Pending => match obj.and_then(|o| (self.guard)(o)) {
                Some(why) => Check::Fail(why),
                None => Check::Pending,
            },
            other => other,
        }
    }

    fn state(&self, obj: &DynamicObject) -> String {
        self.inner.state(obj)
    }

    fn class(&self) -> Class {
        self.inner.class()
    }

    fn recheck(&self) -> Option<Duration> {
        self.inner.recheck()
    }
}

/// Status condition `ty` is `True`; yields the object.
#[derive(Debug, Clone)]
pub struct HasCondition {
    ty: &'static str,
    class: Class,
}

/// Status condition `ty` is `True` (a product condition: a timeout is a failure).
pub fn has_condition(ty: &'static str) -> HasCondition {
    HasCondition {
        ty,
        class: Class::Failure,
    }
}

impl Condition for HasCondition {
    type Output = DynamicObject;

    fn describe(&self) -> String {
        format!("have condition {}=True", self.ty)
    }

    fn check(&mut self, obj: Option<&DynamicObject>, _: Instant) -> Check<DynamicObject> {
        match obj {
            Some(o) if condition_true(o, self.ty) => Check::Done(o.clone()),
            _ => Check::Pending,
        }
    }

    fn class(&self) -> Class {
        self.class
    }
}

/// A Provider is Ready; its connection test failing ends the wait at once. The Provider is
/// the environment's (its URL, credentials, CA), so a failure is an infrastructure error.
pub fn provider_ready() -> impl Condition<Output = DynamicObject> {
    HasCondition {
        ty: "Ready",
        class: Class::Infra,
    }
    .or_fail(|o| {
        (o.data.pointer("/status/phase").and_then(Value::as_str) == Some("ConnectionFailed"))
            .then(|| format!("the connection test failed: {}", blockers(o).join("; ")))
    })
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

/// The object is gone (teardown: an infrastructure matter).
#[derive(Debug, Clone, Default)]
pub struct Deleted;

/// [`Deleted`].
pub fn deleted() -> Deleted {
    Deleted
}

impl Condition for Deleted {
    type Output = ();

    fn describe(&self) -> String {
        "be deleted".into()
    }

    fn check(&mut self, obj: Option<&DynamicObject>, _: Instant) -> Check<()> {
        match obj {
            None => Check::Done(()),
            Some(_) => Check::Pending,
        }
    }

    fn state(&self, o: &DynamicObject) -> String {
        if o.metadata.deletion_timestamp.is_some() {
            format!(
                "terminating, finalizers: {:?}",
                o.metadata.finalizers.clone().unwrap_or_default()
            )
        } else {
            "present".to_string()
        }
    }

    fn class(&self) -> Class {
        Class::Infra
    }
}

/// A VirtualMachine's `printableStatus` is one of `statuses`; yields the VM. The VM
/// disappearing once seen is a failure.
#[derive(Debug, Clone)]
pub struct VmStatusIn {
    statuses: &'static [&'static str],
    seen: bool,
}

/// The VM settled: Running or Stopped.
pub fn vm_settled() -> VmStatusIn {
    VmStatusIn {
        statuses: &["Running", "Stopped"],
        seen: false,
    }
}

impl Condition for VmStatusIn {
    type Output = DynamicObject;

    fn describe(&self) -> String {
        format!("settle in {}", self.statuses.join(" or "))
    }

    fn check(&mut self, obj: Option<&DynamicObject>, _: Instant) -> Check<DynamicObject> {
        match obj {
            Some(o) if self.statuses.contains(&printable_status(o)) => Check::Done(o.clone()),
            Some(_) => {
                self.seen = true;
                Check::Pending
            }
            None if self.seen => Check::Fail("the VirtualMachine was deleted".into()),
            None => Check::Pending,
        }
    }

    fn state(&self, o: &DynamicObject) -> String {
        format!("printableStatus {}", printable_status(o))
    }
}

/// A VirtualMachineInstance is in `phase` (`None`: it does not exist).
#[derive(Debug, Clone)]
pub struct VmiPhase {
    phase: Option<&'static str>,
    verb: &'static str,
}

/// The VMI runs.
pub fn vmi_running() -> VmiPhase {
    VmiPhase {
        phase: Some("Running"),
        verb: "run",
    }
}

/// The VMI is gone (the VM stopped).
pub fn vmi_stopped() -> VmiPhase {
    VmiPhase {
        phase: None,
        verb: "stop",
    }
}

impl Condition for VmiPhase {
    type Output = ();

    fn describe(&self) -> String {
        self.verb.to_string()
    }

    fn check(&mut self, obj: Option<&DynamicObject>, _: Instant) -> Check<()> {
        let phase = obj.map(|o| o.data.pointer("/status/phase").and_then(Value::as_str));
        match (self.phase, phase) {
            (None, None) => Check::Done(()),
            (Some(want), Some(Some(p))) if p == want => Check::Done(()),
            _ => Check::Pending,
        }
    }

    fn state(&self, o: &DynamicObject) -> String {
        format!(
            "phase {}",
            o.data
                .pointer("/status/phase")
                .and_then(Value::as_str)
                .unwrap_or("")
        )
    }
}

fn printable_status(o: &DynamicObject) -> &str {
    o.data
        .pointer("/status/printableStatus")
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Whether a Plan's migration ended.
pub fn migration_ended(o: &DynamicObject) -> bool {
    !condition_true(o, "Executing")
        && ["Succeeded", "Failed", "Canceled"]
            .iter()
            .any(|c| condition_true(o, c))
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

/// One status condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCondition {
    /// `type`.
    pub ty: String,
    /// `status` (`True`, `False`).
    pub status: String,
    /// `reason`.
    pub reason: String,
    /// `message`.
    pub message: String,
    /// Forklift's `category` (`Critical`, `Error`, `Advisory`).
    pub category: String,
}

/// The status conditions of an object.
pub fn conditions(obj: &DynamicObject) -> Vec<StatusCondition> {
    let text = |c: &Value, k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    obj.data
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| StatusCondition {
                    ty: text(c, "type"),
                    status: text(c, "status"),
                    reason: text(c, "reason"),
                    message: text(c, "message"),
                    category: text(c, "category"),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Whether condition `ty` is `True`.
pub fn condition_true(obj: &DynamicObject, ty: &str) -> bool {
    conditions(obj)
        .iter()
        .any(|c| c.ty == ty && c.status == "True")
}

/// The conditions as one line: `Ready=False; VMNotFound=True (Critical, NotFound: VM not found.)`.
pub fn conditions_text(obj: &DynamicObject) -> String {
    let cs = conditions(obj);
    if cs.is_empty() {
        return String::from("no status conditions");
    }
    cs.iter()
        .map(|c| {
            let mut line = format!("{}={}", c.ty, c.status);
            let detail: Vec<&str> = [c.category.as_str(), c.reason.as_str()]
                .into_iter()
                .filter(|x| !x.is_empty())
                .collect();
            if !detail.is_empty() || !c.message.is_empty() {
                line.push_str(&format!(" ({}", detail.join(", ")));
                if !c.message.is_empty() {
                    if !detail.is_empty() {
                        line.push_str(": ");
                    }
                    line.push_str(&c.message);
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
        .filter(|c| c.status == "True" && (c.category == "Critical" || c.category == "Error"))
        .map(|c| {
            let reason = if c.reason.is_empty() {
                String::new()
            } else {
                format!(", {}", c.reason)
            };
            format!("{} ({}{reason}): {}", c.ty, c.category, c.message)
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
    }

    #[test]
    fn provider_ready_fails_fast_on_a_failed_connection_test() {
        let now = Instant::now();
        let mut c = provider_ready();
        assert_eq!(c.describe(), "have condition Ready=True");
        assert_eq!(c.class(), Class::Infra);
        assert_eq!(c.check(None, now), Check::Pending);
        let failed = obj(json!({"phase": "ConnectionFailed", "conditions": [
            {"type": "ConnectionTestFailed", "status": "True", "category": "Critical", "message": "bad password"}]}));
        match c.check(Some(&failed), now) {
            Check::Fail(why) => assert_eq!(
                why,
                "the connection test failed: ConnectionTestFailed (Critical): bad password"
            ),
            other => panic!("{other:?}"),
        }
        let ready =
            obj(json!({"phase": "Ready", "conditions": [{"type": "Ready", "status": "True"}]}));
        assert!(matches!(c.check(Some(&ready), now), Check::Done(_)));
    }

    #[test]
    fn a_plan_blocked_by_the_same_conditions_past_the_grace_fails() {
        let t0 = Instant::now();
        let mut c = plan_ready_within(Duration::from_secs(60));
        let blocked = obj(json!({"conditions": [
            {"type": "VMNotFound", "status": "True", "category": "Critical", "message": "VM not found."}]}));
        assert_eq!(c.check(Some(&blocked), t0), Check::Pending);
        assert_eq!(
            c.check(Some(&blocked), t0 + Duration::from_secs(59)),
            Check::Pending
        );
        match c.check(Some(&blocked), t0 + Duration::from_secs(60)) {
            Check::Fail(why) => assert!(
                why.starts_with("blocking validation conditions for 60s: VMNotFound"),
                "{why}"
            ),
            other => panic!("{other:?}"),
        }
        // other blockers restart the clock; none clears it
        let mut c = plan_ready_within(Duration::from_secs(60));
        let other = obj(json!({"conditions": [
            {"type": "MapsNotReady", "status": "True", "category": "Error", "message": "x"}]}));
        assert_eq!(c.check(Some(&blocked), t0), Check::Pending);
        assert_eq!(
            c.check(Some(&other), t0 + Duration::from_secs(50)),
            Check::Pending
        );
        assert_eq!(
            c.check(Some(&other), t0 + Duration::from_secs(100)),
            Check::Pending
        );
        let ready = obj(json!({"conditions": [{"type": "Ready", "status": "True"}]}));
        assert!(matches!(
            c.check(Some(&ready), t0 + Duration::from_secs(500)),
            Check::Done(_)
        ));
    }

    #[test]
    fn plan_finished_and_the_plan_state() {
        let now = Instant::now();
        let mut c = plan_finished();
        let running = obj(
            json!({"conditions": [{"type": "Executing", "status": "True"}],
            "migration": {"vms": [{"name": "vm1", "phase": "Running", "pipeline": [
                {"name": "Initialize", "phase": "Completed", "started": "t"},
                {"name": "DiskTransfer", "phase": "Running", "progress": {"completed": 5, "total": 10}}]}]}}),
        );
        assert_eq!(c.check(Some(&running), now), Check::Pending);
        assert_eq!(
            c.state(&running),
            "Executing=True; VM vm1: phase Running, step DiskTransfer"
        );
        assert_eq!(
            current_step(&running.data["status"]["migration"]["vms"][0]),
            Some(("DiskTransfer".into(), Some((5, 10))))
        );
        assert_eq!(
            c.check(None, now),
            Check::Fail("the Plan was deleted".into())
        );
        assert_eq!(
            plan_finished().check(None, now),
            Check::Pending,
            "not seen yet is not deleted"
        );
        let done = obj(json!({"conditions": [{"type": "Succeeded", "status": "True"}]}));
        assert!(matches!(c.check(Some(&done), now), Check::Done(_)));
    }

    #[test]
    fn deletion_vm_settling_and_vmi_phases() {
        let now = Instant::now();
        let present = obj(json!({"printableStatus": "Provisioning", "phase": "Scheduled"}));
        assert_eq!(deleted().check(Some(&present), now), Check::Pending);
        assert_eq!(deleted().check(None, now), Check::Done(()));
        assert_eq!(deleted().state(&present), "present");
        let mut settled = vm_settled();
        assert_eq!(settled.describe(), "settle in Running or Stopped");
        assert_eq!(settled.check(Some(&present), now), Check::Pending);
        assert_eq!(settled.state(&present), "printableStatus Provisioning");
        assert!(matches!(settled.check(None, now), Check::Fail(_)));
        let stopped = obj(json!({"printableStatus": "Stopped"}));
        assert!(matches!(settled.check(Some(&stopped), now), Check::Done(_)));
        assert_eq!(vmi_running().check(Some(&present), now), Check::Pending);
        let running = obj(json!({"phase": "Running"}));
        assert_eq!(vmi_running().check(Some(&running), now), Check::Done(()));
        assert_eq!(vmi_stopped().check(Some(&running), now), Check::Pending);
        assert_eq!(vmi_stopped().check(None, now), Check::Done(()));
        assert_eq!(vmi_stopped().describe(), "stop");
    }
}
