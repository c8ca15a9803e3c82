//! Recording core/v1 Events about objects, as controllers do with an event recorder: one
//! Event per (object, type, reason, message), whose `count` and `lastTimestamp` grow when the
//! same thing happens again. Events about cluster-scoped objects go to `default`.
//!
//! This module writes Events through the store's normal create/patch path, so watchers and
//! `kubectl get events` see them like any other object.

use std::sync::Arc;

use serde_json::{Value, json};

use super::error::ApiError;
use super::{Gvr, ListOptions, Store, object};

impl Store {
    /// Records an Event about `involved` (any stored object): `event_type` is `Normal` or
    /// `Warning`, `reason` a CamelCase word, `component` the reporting controller (e.g.
    /// `widget-controller`). Returns the created or updated Event.
    pub fn record_event(
        &self,
        involved: &Value,
        event_type: &str,
        reason: &str,
        message: &str,
        component: &str,
    ) -> Result<Arc<Value>, ApiError> {
        let events = Gvr::core("events");
        let obj_ns = object::namespace(involved);
        let ns = if obj_ns.is_empty() { "default" } else { obj_ns };
        let uid = object::uid(involved);
        let now = self.clock().now_rfc3339();
        let existing = self
            .list(&events, Some(ns), &ListOptions::default())?
            .items
            .into_iter()
            .find(|e| {
                e.get("involvedObject")
                    .and_then(|o| o.get("uid"))
                    .and_then(Value::as_str)
                    == Some(uid)
                    && e.get("reason").and_then(Value::as_str) == Some(reason)
                    && e.get("message").and_then(Value::as_str) == Some(message)
                    && e.get("type").and_then(Value::as_str) == Some(event_type)
            });
        if let Some(e) = existing {
            let count = e.get("count").and_then(Value::as_i64).unwrap_or(1) + 1;
            return self.merge_patch(
                &events,
                ns,
                object::name(&e),
                &json!({"count": count, "lastTimestamp": now}),
            );
        }
        let nanos = self.clock().now().timestamp_nanos_opt().unwrap_or_default();
        let name = format!("{}.{:x}", object::name(involved), nanos);
        self.create(
            &events,
            ns,
            json!({
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {"name": name, "namespace": ns},
                "involvedObject": {
                    "apiVersion": involved.get("apiVersion").cloned().unwrap_or(Value::Null),
                    "kind": involved.get("kind").cloned().unwrap_or(Value::Null),
                    "name": object::name(involved),
                    "namespace": obj_ns,
                    "uid": uid,
                    "resourceVersion": object::resource_version(involved),
                },
                "reason": reason,
                "message": message,
                "type": event_type,
                "count": 1,
                "firstTimestamp": now,
                "lastTimestamp": now,
                "source": {"component": component},
                "reportingComponent": component,
                "reportingInstance": "",
            }),
        )
    }
}
