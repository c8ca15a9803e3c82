//! The Forklift operator's conditions on its ForkliftController (an Ansible operator:
//! `Running` while it is up, `Successful` when its last run applied the spec), as the pytest
//! suite waits for them around a spec change (mtv-api-tests conftest.py
//! `precopy_interval_forkliftcontroller`).

use std::time::Instant;

use chrono::{DateTime, Utc};
use kube::api::DynamicObject;
use serde_json::Value;

use super::{Check, Condition, HasCondition};
use crate::engine::error::Class;

/// The operator is up: `Running=True` (it is during a run and after one). The operator is
/// the environment's, so a timeout is an infrastructure error.
pub fn controller_running() -> HasCondition {
    HasCondition {
        ty: "Running",
        class: Class::Infra,
    }
}

/// The operator's last run succeeded and ended after `since` (any run if `None`): a
/// `Successful=True` left by the run before a spec change does not count, whether or not
/// the operator has seen the change yet.
#[derive(Debug, Clone)]
pub struct ControllerReconciled {
    since: Option<DateTime<Utc>>,
}

/// [`ControllerReconciled`] after `since`.
pub fn controller_reconciled(since: Option<DateTime<Utc>>) -> ControllerReconciled {
    ControllerReconciled { since }
}

impl Condition for ControllerReconciled {
    type Output = DynamicObject;

    fn describe(&self) -> String {
        match self.since {
            Some(t) => format!("have condition Successful=True from a run that ended after {t}"),
            None => "have condition Successful=True".into(),
        }
    }

    fn check(&mut self, obj: Option<&DynamicObject>, _: Instant) -> Check<DynamicObject> {
        match obj {
            Some(o) if reconciled_since(o, self.since) => Check::Done(o.clone()),
            Some(_) => Check::Pending,
            None => Check::Fail("the ForkliftController was deleted".into()),
        }
    }

    fn class(&self) -> Class {
        Class::Infra
    }
}

/// Whether `Successful` is True with a transition in a later second than `since`
/// (condition times have whole seconds: a run that ended in the second of `since` is
/// taken as older).
fn reconciled_since(o: &DynamicObject, since: Option<DateTime<Utc>>) -> bool {
    let successful = o
        .data
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|c| c.get("type").and_then(Value::as_str) == Some("Successful"));
    let Some(c) = successful else {
        return false;
    };
    if c.get("status").and_then(Value::as_str) != Some("True") {
        return false;
    }
    let Some(since) = since else {
        return true;
    };
    c.get("lastTransitionTime")
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .is_some_and(|t| t.timestamp() > since.timestamp())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use serde_json::json;

    use super::*;

    fn fc(status: &str, at: &str) -> DynamicObject {
        serde_json::from_value(json!({"apiVersion": "forklift.konveyor.io/v1beta1",
            "kind": "ForkliftController", "metadata": {"name": "forklift-controller"},
            "status": {"conditions": [
                {"type": "Running", "status": "True", "reason": "Successful"},
                {"type": "Successful", "status": status, "lastTransitionTime": at}]}}))
        .unwrap()
    }

    fn t(s: &str) -> Option<DateTime<Utc>> {
        Some(DateTime::parse_from_rfc3339(s).unwrap().to_utc())
    }

    #[test]
    fn only_a_run_that_ended_after_the_patch_counts() {
        let now = Instant::now();
        let mut c = controller_reconciled(t("2026-01-01T10:00:00.700Z"));
        let verdict = |c: &mut ControllerReconciled, o: &DynamicObject| c.check(Some(o), now);
        assert_eq!(
            verdict(&mut c, &fc("True", "2026-01-01T09:59:00Z")),
            Check::Pending
        );
        assert_eq!(
            verdict(&mut c, &fc("True", "2026-01-01T10:00:00Z")),
            Check::Pending
        );
        assert_eq!(
            verdict(&mut c, &fc("False", "2026-01-01T10:00:20Z")),
            Check::Pending
        );
        let done = fc("True", "2026-01-01T10:00:20Z");
        assert_eq!(verdict(&mut c, &done), Check::Done(done.clone()));
        assert!(matches!(c.check(None, now), Check::Fail(_)));
        let mut unchanged = controller_reconciled(None);
        let old = fc("True", "2026-01-01T09:00:00Z");
        assert_eq!(verdict(&mut unchanged, &old), Check::Done(old.clone()));
        assert_eq!(
            verdict(&mut unchanged, &fc("False", "2026-01-01T09:00:00Z")),
            Check::Pending
        );
        let mut running = controller_running();
        assert!(matches!(running.check(Some(&old), now), Check::Done(_)));
        assert_eq!(running.class(), Class::Infra);
    }
}
