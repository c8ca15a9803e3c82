//! A Plan condition named in a scenario (`then { wait plan CONDITION }`), and the readiness
//! outcome `plan not ready CONDITION [category CATEGORY]`: the Plan shows the
//! named validation condition while it is not Ready. Forklift sets a Plan's validation
//! conditions before `Ready` and never sets `Ready` while a blocking one stands, so the
//! wait ends on the first version with the condition; the Plan becoming Ready instead, or
//! the condition standing with another category, is the scenario's failure.

use std::time::Instant;

use kube::api::DynamicObject;

use super::status::{condition_true, conditions};
use super::{Check, Condition};

/// [`plan_not_ready`].
#[derive(Debug, Clone)]
pub struct PlanNotReady {
    condition: String,
    category: Option<String>,
}

/// The Plan has condition `condition` True (with `category`, when given) and is not Ready.
pub fn plan_not_ready(condition: &str, category: Option<&str>) -> PlanNotReady {
    PlanNotReady {
        condition: condition.to_string(),
        category: category.map(str::to_string),
    }
}

impl Condition for PlanNotReady {
    type Output = DynamicObject;

    fn describe(&self) -> String {
        match &self.category {
            Some(c) => format!(
                "have condition {}=True (category {c}) without Ready",
                self.condition
            ),
            None => format!("have condition {}=True without Ready", self.condition),
        }
    }

    fn check(&mut self, obj: Option<&DynamicObject>, _: Instant) -> Check<DynamicObject> {
        let Some(o) = obj else {
            return Check::Pending;
        };
        if condition_true(o, "Ready") {
            return Check::Fail(format!(
                "the Plan became Ready; expected it not ready with condition {}",
                self.condition
            ));
        }
        let found = conditions(o)
            .into_iter()
            .find(|c| c.ty == self.condition && c.status == "True");
        match (found, &self.category) {
            (None, _) => Check::Pending,
            (Some(c), Some(want)) if &c.category != want => Check::Fail(format!(
                "condition {} has category {}, expected {want} ({})",
                c.ty, c.category, c.message
            )),
            (Some(_), _) => Check::Done(o.clone()),
        }
    }
}

/// [`plan_condition`].
#[derive(Debug, Clone)]
pub struct PlanCondition {
    ty: String,
}

/// The Plan has status condition `ty` True; yields the Plan. The Plan vanishing is a
/// failure (nothing will set the condition).
pub fn plan_condition(ty: &str) -> PlanCondition {
    PlanCondition { ty: ty.to_string() }
}

impl Condition for PlanCondition {
    type Output = DynamicObject;

    fn describe(&self) -> String {
        format!("have condition {}=True", self.ty)
    }

    fn check(&mut self, obj: Option<&DynamicObject>, _: Instant) -> Check<DynamicObject> {
        match obj {
            Some(o) if condition_true(o, &self.ty) => Check::Done(o.clone()),
            Some(_) => Check::Pending,
            None => Check::Fail("the Plan does not exist".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn plan(conditions: serde_json::Value) -> DynamicObject {
        serde_json::from_value(json!({
            "apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Plan",
            "metadata": {"name": "p", "namespace": "ns"},
            "status": {"conditions": conditions}
        }))
        .unwrap()
    }

    fn cnd(ty: &str, category: &str) -> serde_json::Value {
        json!({"type": ty, "status": "True", "category": category, "message": "m"})
    }

    #[test]
    fn ends_on_the_condition_and_fails_on_ready_or_another_category() {
        let now = Instant::now();
        let mut c = plan_not_ready("VMNetworksNotMapped", Some("Critical"));
        assert_eq!(c.check(None, now), Check::Pending);
        assert_eq!(c.check(Some(&plan(json!([]))), now), Check::Pending);
        let blocked = plan(json!([cnd("VMNetworksNotMapped", "Critical")]));
        assert!(matches!(c.check(Some(&blocked), now), Check::Done(_)));
        let ready = plan(json!([cnd("Ready", "Required")]));
        assert!(matches!(c.check(Some(&ready), now), Check::Fail(m) if m.contains("became Ready")));
        let warn = plan(json!([cnd("VMNetworksNotMapped", "Warn")]));
        assert!(matches!(c.check(Some(&warn), now), Check::Fail(m) if m.contains("category Warn")));
        let mut any = plan_not_ready("VMNetworksNotMapped", None);
        assert!(matches!(any.check(Some(&warn), now), Check::Done(_)));
    }

    #[test]
    fn a_named_condition_ends_the_wait_and_a_missing_plan_fails_it() {
        let now = Instant::now();
        let mut c = plan_condition("Archived");
        assert_eq!(c.check(Some(&plan(json!([]))), now), Check::Pending);
        let archived = plan(json!([cnd("Archived", "Advisory")]));
        assert!(matches!(c.check(Some(&archived), now), Check::Done(_)));
        assert!(matches!(c.check(None, now), Check::Fail(_)));
    }
}
