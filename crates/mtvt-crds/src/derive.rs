//! How an upstream CRD becomes its committed structural form: `description` is removed from
//! every schema node (never a *property* that happens to be named `description`), and the
//! generator's annotation is dropped. Everything else — types, formats, enums, bounds,
//! `required`, `x-kubernetes-*`, printer columns, subresources — is kept as it is.

use serde_json::{Map, Value};

/// The committed form of an upstream CustomResourceDefinition.
pub fn strip_descriptions(crd: &Value) -> Value {
    let mut out = crd.clone();
    if let Some(annotations) = out
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        annotations.remove("controller-gen.kubebuilder.io/version");
    }
    if let Some(meta) = out.pointer_mut("/metadata").and_then(Value::as_object_mut)
        && meta
            .get("annotations")
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
    {
        meta.remove("annotations");
    }
    if let Some(versions) = out
        .pointer_mut("/spec/versions")
        .and_then(Value::as_array_mut)
    {
        for version in versions {
            if let Some(schema) = version.pointer_mut("/schema/openAPIV3Schema") {
                strip_schema(schema);
            }
            if let Some(columns) = version
                .get_mut("additionalPrinterColumns")
                .and_then(Value::as_array_mut)
            {
                for column in columns.iter_mut().filter_map(Value::as_object_mut) {
                    column.remove("description");
                }
            }
        }
    }
    out
}

/// Removes `description` from one schema node and every schema below it.
fn strip_schema(node: &mut Value) {
    let Some(map) = node.as_object_mut() else {
        return;
    };
    map.remove("description");
    for (key, child) in map.iter_mut() {
        match key.as_str() {
            "properties" | "patternProperties" | "definitions" => {
                for schema in child
                    .as_object_mut()
                    .into_iter()
                    .flat_map(|m| m.values_mut())
                {
                    strip_schema(schema);
                }
            }
            "items" | "additionalProperties" | "not" | "additionalItems" => match child {
                Value::Array(list) => list.iter_mut().for_each(strip_schema),
                other => strip_schema(other),
            },
            "allOf" | "anyOf" | "oneOf" => {
                for schema in child.as_array_mut().into_iter().flatten() {
                    strip_schema(schema);
                }
            }
            _ => {}
        }
    }
}
