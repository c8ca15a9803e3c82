//! `meta.k8s.io/v1` Tables: what `kubectl get` prints. Columns are `Name` plus the kind's
//! printer columns (CRD `additionalPrinterColumns` or the built-in printers); `date` columns
//! render as ages (`5m10s`) against the emulator's virtual clock, exactly like kube's
//! `HumanDuration`, so ages agree with the `Date` header.
//!
//! It renders; it does not decide what is listed.

use serde_json::{Map, Value, json};

mod age;
mod printers;

use super::jsonpath::JsonPath;
use super::negotiate::IncludeObject;
use crate::clock::Clock;
use crate::store::kinds::{ColumnSource, ResourceKind};
use age::age;

fn cell(kind_col: &crate::store::kinds::Column, obj: &Value, clock: &Clock) -> Value {
    match &kind_col.source {
        ColumnSource::Computed(how) => printers::computed(*how, obj, clock),
        ColumnSource::Printer(printer) => (printer.cell)(obj),
        ColumnSource::Path(p) => {
            let Ok(path) = JsonPath::parse(p) else {
                return Value::Null;
            };
            let values = path.eval(obj);
            if kind_col.ty == "date" {
                return match values.first() {
                    Some(v) => age(v.as_str(), clock),
                    None => Value::Null,
                };
            }
            match values.as_slice() {
                [] => Value::Null,
                [one] => match one {
                    Value::Array(_) | Value::Object(_) => json!(one.to_string()),
                    other => (*other).clone(),
                },
                many => json!(
                    many.iter()
                        .map(|v| v
                            .as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string()))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
            }
        }
    }
}

/// The `columnDefinitions` of a kind's table.
pub fn column_definitions(kind: &ResourceKind) -> Vec<Value> {
    let mut out = vec![json!({
        "name": "Name", "type": "string", "format": "name", "priority": 0,
        "description": "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.",
    })];
    for c in &kind.columns {
        out.push(json!({"name": c.name, "type": c.ty, "format": "", "description": "", "priority": c.priority}));
    }
    out
}

/// A `PartialObjectMetadata` of an object.
pub fn partial_metadata(obj: &Value) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj.get("metadata").cloned().unwrap_or(json!({})),
    })
}

/// One table row.
pub fn row(kind: &ResourceKind, obj: &Value, include: IncludeObject, clock: &Clock) -> Value {
    let mut cells = vec![json!(crate::store::object::name(obj))];
    cells.extend(kind.columns.iter().map(|c| cell(c, obj, clock)));
    let mut r = Map::new();
    r.insert("cells".into(), Value::Array(cells));
    match include {
        IncludeObject::None => {}
        IncludeObject::Metadata => {
            r.insert("object".into(), partial_metadata(obj));
        }
        IncludeObject::Object => {
            r.insert("object".into(), obj.clone());
        }
    }
    Value::Object(r)
}

/// A whole table; `with_columns` is false for watch events after the first.
pub fn table<'a>(
    kind: &ResourceKind,
    objects: impl Iterator<Item = &'a Value>,
    list_meta: Value,
    include: IncludeObject,
    with_columns: bool,
    clock: &Clock,
) -> Value {
    let rows: Vec<Value> = objects.map(|o| row(kind, o, include, clock)).collect();
    let mut t = Map::new();
    t.insert("kind".into(), json!("Table"));
    t.insert("apiVersion".into(), json!("meta.k8s.io/v1"));
    t.insert("metadata".into(), list_meta);
    if with_columns {
        t.insert(
            "columnDefinitions".into(),
            Value::Array(column_definitions(kind)),
        );
    }
    t.insert("rows".into(), Value::Array(rows));
    Value::Object(t)
}

#[cfg(test)]
mod tests;
