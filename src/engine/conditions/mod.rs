//! Named wait conditions over one object (kube-runtime's `Condition`, with a verdict instead
//! of a bool): each says what it waits for (for timeout messages), judges the object as it
//! is now (`None`: it does not exist), and renders the state worth showing when the wait
//! times out. Composable: [`Condition::or_fail`] adds a terminal failure to any condition.
//! Forklift's (`forklift`), its operator's (`operator`), KubeVirt's (`kubevirt`) and the
//! status-condition helpers
//! (`status`) live beside this core.
//!
//! Pure: no I/O and no clock except the one a time-based condition is given. `watches`
//! evaluates them on every change of the object.

mod forklift;
mod kubevirt;
mod operator;
mod readiness;
mod status;

use std::time::{Duration, Instant};

use kube::api::DynamicObject;

use super::error::Class;

pub use forklift::{
    Stopped, current_step, migration_ended, plan_finished, plan_ready, plan_vms, provider_ready,
    provider_validated, vm_at_step,
};
pub use kubevirt::{vm_settled, vmi_running, vmi_stopped};
pub use operator::{controller_reconciled, controller_running};
pub use readiness::{plan_condition, plan_not_ready};
pub use status::{condition_true, conditions_text};

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

#[cfg(test)]
mod tests;
