//! `mtvt report merge`, JSON side: joins the `--report-json` files of the shards of one
//! selection (`mtvt run --shard I/N`) into the report a single run of the selection writes —
//! the same scenarios in the same order, equal but for times, session ids and namespaces.
//!
//! It refuses what would not be one run: a report without shard information, shards of
//! different selections, shard counts or `--set` overrides, a shard given twice or missing, a
//! scenario outside the selection or in two shards. It works on the JSON as written (it never
//! re-renders failures, whose source texts are not in the report); the JUnit side is
//! `junit_merge`.

use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::{Map, Value};

use serde::{Deserialize, Serialize};

/// The shard a report covers: `mtvt report merge` joins the reports of one selection
/// (`selection` equal in every shard) when all of `0..count` are there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardReport {
    /// This shard, from 0.
    pub index: usize,
    /// How many shards.
    pub count: usize,
    /// Every scenario of the whole (unsplit) selection, by name, in run order.
    pub selection: Vec<String>,
}

/// One shard's JSON report and where it came from.
#[derive(Debug, Clone)]
pub struct ShardJson {
    /// The file (for messages).
    pub path: PathBuf,
    /// Its content.
    pub json: Value,
}

/// Why reports cannot be merged (the message says which files and what to do).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct MergeError(pub String);

fn err<T>(msg: String) -> Result<T, MergeError> {
    Err(MergeError(msg))
}

/// The shard information of a report.
fn shard_of(s: &ShardJson) -> Result<ShardReport, MergeError> {
    let raw = s.json.get("shard").cloned().unwrap_or(Value::Null);
    if raw.is_null() {
        return err(format!(
            "{} is not the report of a shard (it has no `shard`): only reports of `mtvt run --shard I/N` can be merged",
            s.path.display()
        ));
    }
    serde_json::from_value(raw).map_err(|e| {
        MergeError(format!(
            "{}: unreadable `shard` ({e}); was it written by this version of mtvt?",
            s.path.display()
        ))
    })
}

/// Checks that the shards are the whole of one selection; returns them by index.
fn check_shards(shards: &[ShardJson]) -> Result<(ShardReport, Vec<&ShardJson>), MergeError> {
    let Some(first) = shards.first() else {
        return err("no report to merge".into());
    };
    let head = shard_of(first)?;
    let overrides = first.json.get("overrides");
    let mut by_index: Vec<Option<&ShardJson>> = vec![None; head.count];
    for s in shards {
        let info = shard_of(s)?;
        let differs = if info.count != head.count {
            Some(format!("{} shards, not {}", info.count, head.count))
        } else if info.selection != head.selection {
            Some("another selection of scenarios".to_string())
        } else if s.json.get("overrides") != overrides {
            Some("other --set overrides".to_string())
        } else {
            None
        };
        if let Some(what) = differs {
            return err(format!(
                "{} and {} are not shards of one run: {} has {what}; merge the reports of one `mtvt job` (or of runs with the same paths, selection flags and --shard N)",
                first.path.display(),
                s.path.display(),
                s.path.display()
            ));
        }
        match by_index.get_mut(info.index) {
            Some(slot @ None) => *slot = Some(s),
            Some(Some(other)) => {
                return err(format!(
                    "shard {}/{} is given twice: {} and {}",
                    info.index,
                    info.count,
                    other.path.display(),
                    s.path.display()
                ));
            }
            None => return err(format!("{}: shard index out of range", s.path.display())),
        }
    }
    let missing: Vec<String> = (by_index.iter().enumerate())
        .filter(|(_, s)| s.is_none())
        .map(|(i, _)| format!("{i}/{}", head.count))
        .collect();
    if !missing.is_empty() {
        return err(format!(
            "shard(s) {} missing: give the reports of all {} shards",
            missing.join(", "),
            head.count
        ));
    }
    Ok((head, by_index.into_iter().flatten().collect()))
}

fn field<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key).unwrap_or(&Value::Null)
}

/// The shards' scenarios in the selection's order.
fn scenarios(head: &ShardReport, shards: &[&ShardJson]) -> Result<Vec<Value>, MergeError> {
    let position: HashMap<&str, usize> = (head.selection.iter().enumerate())
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let mut slots: Vec<Option<Value>> = vec![None; head.selection.len()];
    for s in shards {
        let list = field(&s.json, "scenarios").as_array().cloned();
        for sc in list.unwrap_or_default() {
            let name = field(&sc, "name").as_str().unwrap_or_default().to_string();
            let Some(slot) = position.get(name.as_str()).and_then(|&i| slots.get_mut(i)) else {
                return err(format!(
                    "{}: scenario `{name}` is not in the shards' selection",
                    s.path.display()
                ));
            };
            if slot.is_some() {
                return err(format!(
                    "scenario `{name}` is in two shards (again in {})",
                    s.path.display()
                ));
            }
            *slot = Some(sc);
        }
    }
    Ok(slots.into_iter().flatten().collect())
}

fn concat(shards: &[&ShardJson], key: &str) -> Value {
    Value::Array(
        (shards.iter())
            .flat_map(|s| field(&s.json, key).as_array().cloned().unwrap_or_default())
            .collect(),
    )
}

fn first_non_empty(shards: &[&ShardJson], key: &str) -> Value {
    (shards.iter())
        .map(|s| field(&s.json, key))
        .find(|v| !v.is_null() && v.as_str() != Some(""))
        .cloned()
        .unwrap_or(Value::Null)
}

/// Joins the shards' reports into one (see the module doc).
pub fn merge(shards: &[ShardJson]) -> Result<Value, MergeError> {
    let (head, ordered) = check_shards(shards)?;
    let scenarios = scenarios(&head, &ordered)?;
    let any = |key: &str| {
        ordered
            .iter()
            .any(|s| field(&s.json, key) == &Value::Bool(true))
    };
    let errors: Vec<&str> = (ordered.iter())
        .filter_map(|s| field(&s.json, "error").as_str())
        .collect();
    let mut out: Map<String, Value> = (ordered.iter())
        .find(|s| {
            !field(&s.json, "session")
                .as_str()
                .unwrap_or_default()
                .is_empty()
        })
        .or(ordered.first())
        .and_then(|s| s.json.as_object().cloned())
        .unwrap_or_default();
    out.remove("shard");
    for key in ["session", "cluster", "journal"] {
        out.insert(key.into(), first_non_empty(&ordered, key));
    }
    let started = (ordered.iter())
        .filter_map(|s| field(&s.json, "started").as_str())
        .filter(|s| !s.is_empty())
        .min()
        .map(|s| Value::String(s.to_string()));
    out.insert("started".into(), started.unwrap_or(Value::Null));
    let duration = (ordered.iter())
        .filter_map(|s| field(&s.json, "duration_ms").as_u64())
        .max();
    out.insert("duration_ms".into(), duration.unwrap_or(0).into());
    out.insert("scenarios".into(), Value::Array(scenarios));
    out.insert(
        "teardown_errors".into(),
        concat(&ordered, "teardown_errors"),
    );
    out.insert("leaks".into(), concat(&ordered, "leaks"));
    out.insert("teardown_skipped".into(), any("teardown_skipped").into());
    out.insert("interrupted".into(), any("interrupted").into());
    out.remove("error");
    if !errors.is_empty() {
        out.insert("error".into(), errors.join("; ").into());
    }
    if out.get("journal").is_some_and(Value::is_null) {
        out.remove("journal");
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
#[path = "merge_tests.rs"]
mod tests;
