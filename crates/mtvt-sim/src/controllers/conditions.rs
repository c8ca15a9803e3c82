//! Forklift's condition model (`pkg/lib/condition`): typed conditions with a category, staged
//! per reconcile. A reconcile starts with [`Conditions::stage`] (every non-durable condition is
//! un-staged), re-asserts what still holds with [`Conditions::set`], and [`Conditions::finish`]
//! drops whatever was not re-asserted. `lastTransitionTime` changes only when a condition's
//! content changes. A "blocker" is a `True` condition of category `Critical` or `Error`.
//!
//! Pure data handling; the controllers decide which conditions hold.

use serde_json::{Map, Value, json};

/// Category `Required`.
pub const REQUIRED: &str = "Required";
/// Category `Advisory`.
pub const ADVISORY: &str = "Advisory";
/// Category `Critical` (blocker).
pub const CRITICAL: &str = "Critical";
/// Category `Error` (blocker).
pub const ERROR: &str = "Error";
/// Category `Warn`.
pub const WARN: &str = "Warn";

/// One condition to assert.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cnd {
    /// `type`
    pub kind: String,
    /// `status` (`True`/`False`).
    pub status: bool,
    /// `reason`
    pub reason: String,
    /// `category`
    pub category: String,
    /// `message`
    pub message: String,
    /// `items`
    pub items: Vec<String>,
    /// `suggestion`
    pub suggestion: String,
    /// `durable`: survives staging.
    pub durable: bool,
}

impl Cnd {
    /// A `True` condition.
    pub fn new(kind: &str, category: &str, reason: &str, message: &str) -> Self {
        Self {
            kind: kind.into(),
            status: true,
            reason: reason.into(),
            category: category.into(),
            message: message.into(),
            items: Vec::new(),
            suggestion: String::new(),
            durable: false,
        }
    }

    /// With a `suggestion`.
    pub fn suggestion(mut self, text: &str) -> Self {
        self.suggestion = text.into();
        self
    }

    /// With `items`.
    pub fn items(mut self, items: Vec<String>) -> Self {
        self.items = items;
        self
    }

    /// Marked durable.
    pub fn durable(mut self) -> Self {
        self.durable = true;
        self
    }

    fn to_json(&self, last: &str) -> Value {
        let mut m = Map::new();
        m.insert("type".into(), json!(self.kind));
        m.insert(
            "status".into(),
            json!(if self.status { "True" } else { "False" }),
        );
        if !self.reason.is_empty() {
            m.insert("reason".into(), json!(self.reason));
        }
        m.insert("category".into(), json!(self.category));
        if !self.message.is_empty() {
            m.insert("message".into(), json!(self.message));
        }
        m.insert("lastTransitionTime".into(), json!(last));
        if self.durable {
            m.insert("durable".into(), json!(true));
        }
        if !self.items.is_empty() {
            m.insert("items".into(), json!(self.items));
        }
        if !self.suggestion.is_empty() {
            m.insert("suggestion".into(), json!(self.suggestion));
        }
        Value::Object(m)
    }
}

fn content(c: &Value) -> Value {
    let mut c = c.clone();
    if let Some(m) = c.as_object_mut() {
        m.remove("lastTransitionTime");
    }
    c
}

/// A condition list being rebuilt during one reconcile.
#[derive(Clone, Debug, Default)]
pub struct Conditions {
    list: Vec<(Value, bool)>,
    now: String,
}

impl Conditions {
    /// Starts staging from an existing `conditions` array (any JSON; non-arrays read as empty).
    pub fn stage(existing: Option<&Value>, now: &str) -> Self {
        let list = existing
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|c| {
                        let durable = c.get("durable").and_then(Value::as_bool) == Some(true);
                        (c.clone(), durable)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            list,
            now: now.to_string(),
        }
    }

    /// Asserts a condition (replacing one of the same type; the transition time is kept when
    /// the content is unchanged).
    pub fn set(&mut self, c: Cnd) {
        let pos = self
            .list
            .iter()
            .position(|(v, _)| v.get("type").and_then(Value::as_str) == Some(c.kind.as_str()));
        let mut v = c.to_json(&self.now);
        if let Some(i) = pos
            && let Some((old, staged)) = self.list.get_mut(i)
        {
            if content(old) == content(&v)
                && let Some(t) = old.get("lastTransitionTime")
                && let Some(m) = v.as_object_mut()
            {
                m.insert("lastTransitionTime".into(), t.clone());
            }
            *old = v;
            *staged = true;
            return;
        }
        self.list.push((v, true));
    }

    /// Removes a condition.
    pub fn delete(&mut self, kind: &str) {
        self.list
            .retain(|(v, _)| v.get("type").and_then(Value::as_str) != Some(kind));
    }

    /// The condition of `kind` (staged or not), if present with status `True`.
    pub fn get(&self, kind: &str) -> Option<&Value> {
        self.list.iter().map(|(v, _)| v).find(|v| {
            v.get("type").and_then(Value::as_str) == Some(kind)
                && v.get("status").and_then(Value::as_str) == Some("True")
        })
    }

    /// Whether a `True` condition of `kind` is present.
    pub fn has(&self, kind: &str) -> bool {
        self.get(kind).is_some()
    }

    /// Whether a staged blocker (True, Critical/Error) is present.
    pub fn has_blocker(&self) -> bool {
        self.list.iter().any(|(v, staged)| *staged && is_blocker(v))
    }

    /// The staged blockers (True, Critical/Error), in order.
    pub fn blockers(&self) -> Vec<&Value> {
        self.list
            .iter()
            .filter(|(v, staged)| *staged && is_blocker(v))
            .map(|(v, _)| v)
            .collect()
    }

    /// Drops un-staged conditions and returns the array.
    pub fn finish(self) -> Value {
        Value::Array(
            self.list
                .into_iter()
                .filter(|(_, staged)| *staged)
                .map(|(v, _)| v)
                .collect(),
        )
    }
}

/// Whether a JSON condition is a blocker.
pub fn is_blocker(c: &Value) -> bool {
    c.get("status").and_then(Value::as_str) == Some("True")
        && matches!(
            c.get("category").and_then(Value::as_str),
            Some(CRITICAL | ERROR)
        )
}

/// Whether `obj.status.conditions` has a `True` condition of `kind`.
pub fn has_condition(obj: &Value, kind: &str) -> bool {
    find(obj, kind).is_some()
}

/// The `True` condition of `kind` in `obj.status.conditions`.
pub fn find<'a>(obj: &'a Value, kind: &str) -> Option<&'a Value> {
    obj.pointer("/status/conditions")
        .and_then(Value::as_array)?
        .iter()
        .find(|c| {
            c.get("type").and_then(Value::as_str) == Some(kind)
                && c.get("status").and_then(Value::as_str) == Some("True")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staging_keeps_time_of_unchanged_and_drops_unasserted() {
        let mut c = Conditions::stage(None, "t1");
        c.set(Cnd::new("Ready", REQUIRED, "", "ready"));
        c.set(Cnd::new("Old", WARN, "", "x"));
        c.set(Cnd::new("Done", ADVISORY, "", "d").durable());
        let first = c.finish();
        let mut c = Conditions::stage(Some(&first), "t2");
        c.set(Cnd::new("Ready", REQUIRED, "", "ready"));
        c.set(
            Cnd::new("VMNotFound", CRITICAL, "NotFound", "VM not found.").items(vec!["a".into()]),
        );
        assert!(c.has_blocker());
        let second = c.finish();
        let arr = second.as_array().unwrap();
        let types: Vec<&str> = arr.iter().map(|v| v["type"].as_str().unwrap()).collect();
        assert_eq!(types, vec!["Ready", "Done", "VMNotFound"]);
        assert_eq!(arr[0]["lastTransitionTime"], "t1");
        assert_eq!(arr[2]["lastTransitionTime"], "t2");
        assert_eq!(arr[2]["items"][0], "a");
    }

    #[test]
    fn changed_content_moves_the_time() {
        let mut c = Conditions::stage(None, "t1");
        c.set(Cnd::new("A", WARN, "", "one"));
        let first = c.finish();
        let mut c = Conditions::stage(Some(&first), "t2");
        c.set(Cnd::new("A", WARN, "", "two"));
        assert_eq!(c.finish()[0]["lastTransitionTime"], "t2");
    }
}
