//! `meta.k8s.io/v1` Tables: what `kubectl get` prints. Columns are `Name` plus the kind's
//! printer columns (CRD `additionalPrinterColumns` or the built-in printers); `date` columns
//! render as ages (`5m10s`) against the emulator's virtual clock, exactly like kube's
//! `HumanDuration`, so ages agree with the `Date` header.
//!
//! It renders; it does not decide what is listed.

use serde_json::{Map, Value, json};

use super::jsonpath::JsonPath;
use super::negotiate::IncludeObject;
use crate::clock::Clock;
use crate::store::kinds::{ColumnSource, Computed, ResourceKind};

/// kube's `duration.HumanDuration`.
pub fn human_duration(secs: i64) -> String {
    if secs < -1 {
        return "<invalid>".to_string();
    }
    if secs < 0 {
        return "0s".to_string();
    }
    if secs < 120 {
        return format!("{secs}s");
    }
    let minutes = secs / 60;
    if minutes < 10 {
        let s = secs % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = secs / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

fn age(ts: Option<&str>, clock: &Clock) -> Value {
    let Some(t) = ts.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()) else {
        return json!("<unknown>");
    };
    json!(human_duration(
        clock.now().signed_duration_since(t.to_utc()).num_seconds()
    ))
}

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |acc, k| acc.get(*k))
}

fn computed(how: Computed, obj: &Value, clock: &Clock) -> Value {
    let arr = |p: &[&str]| {
        s(obj, p)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    match how {
        Computed::PodReady => {
            let total = arr(&["spec", "containers"]).len();
            let ready = arr(&["status", "containerStatuses"])
                .iter()
                .filter(|c| c.get("ready") == Some(&json!(true)))
                .count();
            json!(format!("{ready}/{total}"))
        }
        Computed::PodStatus => {
            if object_deleting(obj) {
                return json!("Terminating");
            }
            for c in arr(&["status", "containerStatuses"]) {
                for state in ["waiting", "terminated"] {
                    if let Some(r) = s(&c, &["state", state, "reason"]).and_then(Value::as_str) {
                        return json!(r);
                    }
                }
            }
            s(obj, &["status", "phase"])
                .cloned()
                .unwrap_or(json!("Unknown"))
        }
        Computed::PodRestarts => {
            let n: i64 = arr(&["status", "containerStatuses"])
                .iter()
                .filter_map(|c| c.get("restartCount")?.as_i64())
                .sum();
            json!(n.to_string())
        }
        Computed::DataCount => {
            let n = ["data", "binaryData"]
                .iter()
                .filter_map(|k| obj.get(*k)?.as_object().map(Map::len))
                .sum::<usize>();
            json!(n)
        }
        Computed::NodeStatus => {
            let ready = arr(&["status", "conditions"]).iter().any(|c| {
                c.get("type") == Some(&json!("Ready")) && c.get("status") == Some(&json!("True"))
            });
            json!(if ready { "Ready" } else { "NotReady" })
        }
        Computed::NodeRoles => {
            let roles: Vec<String> = s(obj, &["metadata", "labels"])
                .and_then(Value::as_object)
                .map(|m| {
                    m.keys()
                        .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            json!(if roles.is_empty() {
                "<none>".to_string()
            } else {
                roles.join(",")
            })
        }
        Computed::ServicePorts => {
            let ports: Vec<String> = arr(&["spec", "ports"])
                .iter()
                .map(|p| {
                    let port = p.get("port").map(|v| v.to_string()).unwrap_or_default();
                    let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
                    format!("{port}/{proto}")
                })
                .collect();
            json!(if ports.is_empty() {
                "<none>".to_string()
            } else {
                ports.join(",")
            })
        }
        Computed::JobCompletions => {
            let done = s(obj, &["status", "succeeded"])
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let want = s(obj, &["spec", "completions"])
                .and_then(Value::as_i64)
                .unwrap_or(1);
            json!(format!("{done}/{want}"))
        }
        Computed::JobStatus => {
            let conds = arr(&["status", "conditions"]);
            let has = |t: &str| {
                conds.iter().any(|c| {
                    c.get("type") == Some(&json!(t)) && c.get("status") == Some(&json!("True"))
                })
            };
            json!(if has("Complete") {
                "Complete"
            } else if has("Failed") {
                "Failed"
            } else {
                "Running"
            })
        }
        Computed::EventObject => {
            let kind = s(obj, &["involvedObject", "kind"])
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_lowercase();
            let name = s(obj, &["involvedObject", "name"])
                .and_then(Value::as_str)
                .unwrap_or("");
            json!(format!("{kind}/{name}"))
        }
        Computed::EventLastSeen => {
            let ts = obj
                .get("lastTimestamp")
                .and_then(Value::as_str)
                .or_else(|| obj.get("eventTime").and_then(Value::as_str));
            age(ts, clock)
        }
    }
}

fn object_deleting(obj: &Value) -> bool {
    s(obj, &["metadata", "deletionTimestamp"]).is_some_and(|v| !v.is_null())
}

fn cell(kind_col: &crate::store::kinds::Column, obj: &Value, clock: &Clock) -> Value {
    match &kind_col.source {
        ColumnSource::Computed(how) => computed(*how, obj, clock),
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
mod tests {
    use super::*;
    use crate::store::kinds::Kinds;
    use chrono::DateTime;

    #[test]
    fn human_durations_match_kube() {
        for (secs, want) in [
            (5, "5s"),
            (119, "119s"),
            (125, "2m5s"),
            (600, "10m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 120, "3h2m"),
            (30 * 3600, "30h"),
            (50 * 3600, "2d2h"),
            (400 * 86400, "400d"),
            (3 * 365 * 86400, "3y"),
        ] {
            assert_eq!(human_duration(secs), want, "{secs}");
        }
    }

    #[test]
    fn custom_rows_use_crd_columns() {
        let clock = Clock::starting_at(
            DateTime::parse_from_rfc3339("2026-01-01T00:10:00Z")
                .unwrap()
                .to_utc(),
            1.0,
        );
        let plan = ResourceKind::new("example.com", "v1", "Widget", "widgets")
            .col(
                "Ready",
                "string",
                ".status.conditions[?(@.type=='Ready')].status",
            )
            .col(
                "Executing",
                "string",
                ".status.conditions[?(@.type=='Executing')].status",
            )
            .age();
        let obj = json!({"metadata": {"name": "p1", "creationTimestamp": "2026-01-01T00:00:00Z"},
                         "status": {"conditions": [{"type": "Ready", "status": "True"}]}});
        let r = row(&plan, &obj, IncludeObject::None, &clock);
        let cells = r["cells"].as_array().unwrap();
        assert_eq!(cells[0], "p1");
        assert_eq!(cells[1], "True");
        assert_eq!(cells[2], Value::Null);
        assert!(cells.last().unwrap().as_str().unwrap().starts_with("10m"));
        assert!(r.get("object").is_none());
        let t = table(
            &plan,
            [&obj].into_iter(),
            json!({"resourceVersion": "5"}),
            IncludeObject::Metadata,
            true,
            &clock,
        );
        assert_eq!(t["columnDefinitions"][0]["name"], "Name");
        assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
    }

    #[test]
    fn pod_printer() {
        let clock = Clock::new(1.0);
        let kinds = Kinds::builtin();
        let pod = kinds.find("", "pods").unwrap();
        let obj = json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "a"}, {"name": "b"}]},
            "status": {"phase": "Running", "containerStatuses": [{"ready": true, "restartCount": 2}, {"ready": false, "restartCount": 1, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}});
        let r = row(&pod, &obj, IncludeObject::None, &clock);
        assert_eq!(r["cells"][1], "1/2");
        assert_eq!(r["cells"][2], "CrashLoopBackOff");
        assert_eq!(r["cells"][3], "3");
    }
}
