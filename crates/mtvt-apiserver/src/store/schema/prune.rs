//! Structural pruning and defaulting, as apiextensions-apiserver does before validation:
//! unknown fields go (their paths are reported for `fieldValidation`), non-nullable nulls go,
//! missing fields with a `default` get it.

use serde_json::{Map, Value};

use super::{Additional, Node, join};

impl Node {
    /// Removes fields the schema does not know (recording their paths) and non-nullable nulls.
    /// As in kube: an object node keeps unknown keys only with
    /// `x-kubernetes-preserve-unknown-fields` or `additionalProperties: true`; an embedded
    /// resource (and the root) keeps `apiVersion`, `kind` and `metadata`.
    pub(super) fn prune_object(
        &self,
        map: &mut Map<String, Value>,
        path: &str,
        root: bool,
        unknown: &mut Vec<String>,
    ) {
        let keep_meta = root || self.embedded;
        let keys: Vec<String> = map.keys().cloned().collect();
        for key in keys {
            if keep_meta && (key == "apiVersion" || key == "kind" || key == "metadata") {
                continue;
            }
            let child = match self.properties.get(&key) {
                Some(c) => Some(c),
                None => match &self.additional {
                    Additional::Schema(s) => Some(s.as_ref()),
                    _ => None,
                },
            };
            let child_path = join(path, &key);
            match child {
                Some(c) => {
                    if map.get(&key).is_some_and(Value::is_null) && !c.nullable {
                        map.remove(&key);
                    } else if let Some(v) = map.get_mut(&key) {
                        c.prune_value(v, &child_path, unknown);
                    }
                }
                None => {
                    if !self.preserve_unknown
                        && !matches!(self.additional, Additional::Allowed(true))
                    {
                        map.remove(&key);
                        unknown.push(child_path);
                    }
                }
            }
        }
    }

    fn prune_value(&self, v: &mut Value, path: &str, unknown: &mut Vec<String>) {
        match v {
            // int-or-string and untyped leaves never hold objects worth pruning.
            Value::Object(map)
                if self.ty.as_deref() == Some("object") || self.has_properties || self.embedded =>
            {
                self.prune_object(map, path, false, unknown);
            }
            Value::Array(items) => {
                if let Some(item_schema) = &self.items {
                    for (i, item) in items.iter_mut().enumerate() {
                        item_schema.prune_value(item, &format!("{path}[{i}]"), unknown);
                    }
                }
            }
            _ => {}
        }
    }

    pub(super) fn default_object(&self, map: &mut Map<String, Value>) {
        for (key, child) in &self.properties {
            if !map.contains_key(key)
                && let Some(d) = &child.default
            {
                map.insert(key.clone(), d.clone());
            }
            if let Some(v) = map.get_mut(key) {
                child.default_value(v);
            }
        }
        if let Additional::Schema(s) = &self.additional {
            for (key, v) in map.iter_mut() {
                if !self.properties.contains_key(key) {
                    s.default_value(v);
                }
            }
        }
    }

    fn default_value(&self, v: &mut Value) {
        match v {
            Value::Object(map) => self.default_object(map),
            Value::Array(items) => {
                if let Some(s) = &self.items {
                    for item in items {
                        s.default_value(item);
                    }
                }
            }
            _ => {}
        }
    }
}
