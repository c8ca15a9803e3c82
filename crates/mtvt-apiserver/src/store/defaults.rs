//! Per-kind defaulting that kube-apiserver's built-in strategies do on create and update:
//! namespaces get their `kubernetes` finalizer, `Active` phase and name label; secrets fold
//! `stringData` into base64 `data`; pods and PVCs start `Pending`; services, deployments,
//! replica sets and jobs get their spec defaults. CRD `default`s are applied by `schema`, not here.
//!
//! This module only fills fields; it must not reject anything.

use base64::Engine;
use serde_json::{Map, Value, json};

use super::kinds::ResourceKind;
use super::object;

fn is(kind: &ResourceKind, group: &str, plural: &str) -> bool {
    kind.group == group && kind.plural == plural
}

fn ensure_map<'a>(obj: &'a mut Value, key: &str) -> Option<&'a mut Map<String, Value>> {
    let root = obj.as_object_mut()?;
    let entry = root.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut()
}

fn default_key(map: &mut Map<String, Value>, key: &str, value: Value) {
    map.entry(key).or_insert(value);
}

/// Secrets: `stringData` entries overwrite `data` (base64-encoded), then `stringData` goes.
fn fold_string_data(obj: &mut Value) {
    let Some(string_data) = obj.as_object_mut().and_then(|m| m.remove("stringData")) else {
        return;
    };
    let Some(entries) = string_data.as_object() else {
        return;
    };
    if let Some(data) = ensure_map(obj, "data") {
        for (k, v) in entries {
            let text = v.as_str().unwrap_or_default();
            data.insert(
                k.clone(),
                json!(base64::engine::general_purpose::STANDARD.encode(text)),
            );
        }
    }
}

/// Fills defaults of a new object (name already final); `now` is the creation time.
pub fn on_create(kind: &ResourceKind, obj: &mut Value, now: &str) {
    if super::crds::is_crd_kind(kind) {
        *obj = super::crds::established(std::mem::take(obj), now);
    } else if is(kind, "", "namespaces") {
        let name = object::name(obj).to_string();
        if let Some(spec) = ensure_map(obj, "spec") {
            default_key(spec, "finalizers", json!(["kubernetes"]));
        }
        if let Some(status) = ensure_map(obj, "status") {
            status.insert("phase".into(), json!("Active"));
        }
        if let Some(labels) = object::meta_mut(obj).and_then(|m| ensure_map_in(m, "labels")) {
            labels.insert("kubernetes.io/metadata.name".into(), json!(name));
        }
    } else if is(kind, "", "secrets") {
        fold_string_data(obj);
        if let Some(m) = obj.as_object_mut()
            && m.get("type")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
        {
            m.insert("type".into(), json!("Opaque"));
        }
    } else if is(kind, "", "pods") {
        if let Some(spec) = ensure_map(obj, "spec") {
            default_key(spec, "restartPolicy", json!("Always"));
            default_key(spec, "schedulerName", json!("default-scheduler"));
            default_key(spec, "serviceAccountName", json!("default"));
            default_key(spec, "terminationGracePeriodSeconds", json!(30));
        }
        if let Some(m) = obj.as_object_mut() {
            m.insert("status".into(), json!({"phase": "Pending"}));
        }
    } else if is(kind, "", "persistentvolumeclaims") {
        if let Some(spec) = ensure_map(obj, "spec") {
            default_key(spec, "volumeMode", json!("Filesystem"));
        }
        if let Some(m) = obj.as_object_mut() {
            m.insert("status".into(), json!({"phase": "Pending"}));
        }
    } else if is(kind, "", "services") {
        if let Some(spec) = ensure_map(obj, "spec") {
            default_key(spec, "type", json!("ClusterIP"));
            default_key(spec, "sessionAffinity", json!("None"));
        }
        if let Some(m) = obj.as_object_mut() {
            m.insert("status".into(), json!({"loadBalancer": {}}));
        }
    } else if is(kind, "apps", "deployments") {
        if let Some(spec) = ensure_map(obj, "spec") {
            default_key(spec, "replicas", json!(1));
            default_key(spec, "revisionHistoryLimit", json!(10));
            default_key(spec, "progressDeadlineSeconds", json!(600));
            default_key(
                spec,
                "strategy",
                json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}),
            );
        }
        if let Some(m) = obj.as_object_mut() {
            m.insert("status".into(), json!({}));
        }
    } else if is(kind, "apps", "replicasets") {
        if let Some(spec) = ensure_map(obj, "spec") {
            default_key(spec, "replicas", json!(1));
        }
        if let Some(m) = obj.as_object_mut() {
            m.insert("status".into(), json!({"replicas": 0}));
        }
    } else if is(kind, "batch", "jobs") {
        if let Some(spec) = ensure_map(obj, "spec") {
            default_key(spec, "completions", json!(1));
            default_key(spec, "parallelism", json!(1));
            default_key(spec, "backoffLimit", json!(6));
        }
        if let Some(m) = obj.as_object_mut() {
            m.insert("status".into(), json!({}));
        }
    } else if kind.status_subresource
        && let Some(m) = obj.as_object_mut()
    {
        // Custom resources (and other kinds with a status subresource) start without status.
        m.remove("status");
    }
}

fn ensure_map_in<'a>(
    m: &'a mut Map<String, Value>,
    key: &str,
) -> Option<&'a mut Map<String, Value>> {
    let entry = m.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut()
}

/// Fills defaults of an updated object from the stored one.
pub fn on_update(kind: &ResourceKind, old: &Value, new: &mut Value) {
    if is(kind, "", "secrets") {
        fold_string_data(new);
    } else if is(kind, "", "namespaces") {
        // spec.finalizers only change through the `finalize` subresource.
        let fin = old.get("spec").and_then(|s| s.get("finalizers")).cloned();
        if let (Some(fin), Some(spec)) = (fin, ensure_map(new, "spec")) {
            spec.insert("finalizers".into(), fin);
        }
        let name = object::name(old).to_string();
        if let Some(labels) = object::meta_mut(new).and_then(|m| ensure_map_in(m, "labels")) {
            labels.insert("kubernetes.io/metadata.name".into(), json!(name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::kinds::Kinds;

    #[test]
    fn namespace_defaults() {
        let kinds = Kinds::builtin();
        let ns = kinds.find("", "namespaces").unwrap();
        let mut o = json!({"metadata": {"name": "t1"}});
        on_create(&ns, &mut o, "t");
        assert_eq!(o["spec"]["finalizers"], json!(["kubernetes"]));
        assert_eq!(o["status"]["phase"], "Active");
        assert_eq!(o["metadata"]["labels"]["kubernetes.io/metadata.name"], "t1");
    }

    #[test]
    fn secret_string_data_is_folded() {
        let kinds = Kinds::builtin();
        let s = kinds.find("", "secrets").unwrap();
        let mut o = json!({"metadata": {"name": "s"}, "data": {"a": "eA=="}, "stringData": {"user": "admin", "a": "y"}});
        on_create(&s, &mut o, "t");
        assert!(o.get("stringData").is_none());
        assert_eq!(o["data"]["user"], "YWRtaW4=");
        assert_eq!(o["data"]["a"], "eQ==");
        assert_eq!(o["type"], "Opaque");
    }

    #[test]
    fn custom_resources_drop_status_on_create() {
        let widget = ResourceKind::new("example.com", "v1", "Widget", "widgets").status();
        let mut o = json!({"metadata": {"name": "p"}, "spec": {}, "status": {"x": 1}});
        on_create(&widget, &mut o, "t");
        assert!(o.get("status").is_none());
        let nad = ResourceKind::new("example.com", "v1", "Gadget", "gadgets");
        let mut o = json!({"metadata": {"name": "n"}, "status": {"x": 1}});
        on_create(&nad, &mut o, "t");
        assert_eq!(
            o["status"]["x"], 1,
            "no status subresource: status is ordinary data"
        );
    }
}
