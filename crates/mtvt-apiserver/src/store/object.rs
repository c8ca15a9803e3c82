//! Accessors for the `metadata` of objects held as `serde_json::Value`.
//!
//! The store keeps objects as JSON so that it can serve any kind without Rust types; these
//! helpers read and write the few metadata fields the API machinery needs. They never fail:
//! a missing or ill-typed field reads as empty.

use serde_json::{Map, Value};

/// `metadata` of an object, if it is a map.
pub fn meta(obj: &Value) -> Option<&Map<String, Value>> {
    obj.get("metadata").and_then(Value::as_object)
}

/// `metadata` as a mutable map, created first if missing or not a map. `None` only when
/// `obj` itself is not a JSON object.
pub fn meta_mut(obj: &mut Value) -> Option<&mut Map<String, Value>> {
    let root = obj.as_object_mut()?;
    let entry = root
        .entry("metadata")
        .or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut()
}

/// A string field of `metadata` (`""` when absent).
pub fn meta_str<'a>(obj: &'a Value, key: &str) -> &'a str {
    meta(obj)
        .and_then(|m| m.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// `metadata.name`
pub fn name(obj: &Value) -> &str {
    meta_str(obj, "name")
}

/// `metadata.namespace`
pub fn namespace(obj: &Value) -> &str {
    meta_str(obj, "namespace")
}

/// `metadata.uid`
pub fn uid(obj: &Value) -> &str {
    meta_str(obj, "uid")
}

/// `metadata.resourceVersion`
pub fn resource_version(obj: &Value) -> &str {
    meta_str(obj, "resourceVersion")
}

/// Whether `metadata.deletionTimestamp` is set.
pub fn is_deleting(obj: &Value) -> bool {
    meta(obj)
        .and_then(|m| m.get("deletionTimestamp"))
        .is_some_and(|v| !v.is_null())
}

/// `metadata.finalizers`
pub fn finalizers(obj: &Value) -> Vec<String> {
    meta(obj)
        .and_then(|m| m.get("finalizers"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Replaces `metadata.finalizers` (removing the key when empty, as kube does).
pub fn set_finalizers(obj: &mut Value, list: &[String]) {
    if let Some(m) = meta_mut(obj) {
        if list.is_empty() {
            m.remove("finalizers");
        } else {
            m.insert("finalizers".into(), Value::from(list.to_vec()));
        }
    }
}

/// The uids in `metadata.ownerReferences`.
pub fn owner_uids(obj: &Value) -> Vec<String> {
    meta(obj)
        .and_then(|m| m.get("ownerReferences"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| r.get("uid").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// `metadata.generation` (0 when absent).
pub fn generation(obj: &Value) -> i64 {
    meta(obj)
        .and_then(|m| m.get("generation"))
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

/// Sets a metadata field (no-op when `obj` is not an object).
pub fn set_meta(obj: &mut Value, key: &str, value: Value) {
    if let Some(m) = meta_mut(obj) {
        m.insert(key.to_string(), value);
    }
}

/// Removes a metadata field.
pub fn remove_meta(obj: &mut Value, key: &str) {
    if let Some(m) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove(key);
    }
}

/// The object minus fields that change on every write (`resourceVersion`, `managedFields`),
/// used to detect no-op updates.
pub fn comparable(obj: &Value) -> Value {
    let mut c = obj.clone();
    if let Some(m) = c.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("resourceVersion");
        m.remove("managedFields");
    }
    c
}

/// Whether anything outside `metadata` and `status` differs (what bumps `generation`).
pub fn spec_changed(old: &Value, new: &Value) -> bool {
    let strip = |v: &Value| -> Map<String, Value> {
        v.as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| {
                        !matches!(k.as_str(), "metadata" | "status" | "apiVersion" | "kind")
                    })
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    strip(old) != strip(new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accessors() {
        let mut o = json!({"metadata": {"name": "a", "namespace": "n", "finalizers": ["x"], "ownerReferences": [{"uid": "u1"}]}});
        assert_eq!(name(&o), "a");
        assert_eq!(namespace(&o), "n");
        assert_eq!(finalizers(&o), vec!["x"]);
        assert_eq!(owner_uids(&o), vec!["u1"]);
        assert!(!is_deleting(&o));
        set_finalizers(&mut o, &[]);
        assert!(o["metadata"].get("finalizers").is_none());
        let mut bare = json!({"metadata": 5});
        set_meta(&mut bare, "name", json!("b"));
        assert_eq!(name(&bare), "b");
        assert!(meta_mut(&mut json!(5)).is_none());
    }

    #[test]
    fn spec_change_ignores_metadata_and_status() {
        let a = json!({"metadata": {"labels": {"a": "1"}}, "spec": {"x": 1}, "status": {"p": 1}});
        let b = json!({"metadata": {"labels": {"a": "2"}}, "spec": {"x": 1}, "status": {"p": 2}});
        assert!(!spec_changed(&a, &b));
        let c = json!({"spec": {"x": 2}});
        assert!(spec_changed(&a, &c));
    }
}
