//! Writers of one `.mtvt` entry from one Python value, shared by the plan, VM and disk
//! mappings: booleans, strings, enumerations, datastores and label maps. Each returns why a
//! value does not fit, for the unmapped report.

use super::python::{Py, Value};
use super::text;

/// `key true|false`.
pub fn bool_key(out: &mut Vec<String>, key: &str, v: &Value) -> Result<(), &'static str> {
    match v.py {
        Py::Bool(b) => {
            out.push(format!("{key} {b}"));
            Ok(())
        }
        _ => Err("not True or False"),
    }
}

/// `key "string"`.
pub fn str_key(out: &mut Vec<String>, key: &str, v: &Value) -> Result<(), &'static str> {
    let s = v.as_str().ok_or("not a string")?;
    out.push(format!("{key} {}", text::string(s)));
    Ok(())
}

/// `key value` when the value is one of `allowed`.
pub fn enum_key(
    out: &mut Vec<String>,
    key: &str,
    v: &Value,
    allowed: &[&str],
) -> Result<(), &'static str> {
    match v.as_str() {
        Some(s) if allowed.contains(&s) => {
            out.push(format!("{key} {s}"));
            Ok(())
        }
        _ => Err("not one of the values mtvt knows"),
    }
}

/// The suite's datastore names (fields of the provider's `copyoffload` section) → mtvt's.
pub fn datastore(v: &Value) -> Result<String, &'static str> {
    let s = v.as_str().ok_or("not a string")?;
    Ok(match s {
        "datastore_id" => "primary".into(),
        "secondary_datastore_id" => "secondary".into(),
        "non_xcopy_datastore_id" => "non_xcopy".into(),
        id => text::string(id),
    })
}

/// `{"k": "v", "k2": None}` → `{ "k": "v", "k2": session }` (None: unique per run).
pub fn label_map(v: &Value) -> Result<String, &'static str> {
    let entries = v.entries().ok_or("not a dict")?;
    let mut parts = Vec::new();
    for (k, val) in entries {
        let k = k.as_str().ok_or("a key is not a string")?;
        let val = match &val.py {
            Py::Str(s) => text::string(s),
            Py::None => "session".into(),
            _ => return Err("a value is not a string or None"),
        };
        parts.push(format!("{}: {val}", text::string(k)));
    }
    Ok(format!("{{ {} }}", parts.join(", ")))
}
