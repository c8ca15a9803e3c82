//! Status conditions (`status.conditions[]`) as data and as the one line timeouts show;
//! Forklift's blocking ones (Critical or Error).

use kube::api::DynamicObject;
use serde_json::Value;

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
