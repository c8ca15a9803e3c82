//! The built-in printers: columns of plain Kubernetes kinds that kube computes in code
//! (pod readiness and status, restarts, data counts, node status and roles, service ports,
//! job completions and status, deployment readiness, event objects and last-seen ages), one
//! function each.

use serde_json::{Map, Value, json};

use super::age::age;
use crate::clock::Clock;
use crate::store::kinds::Computed;

/// The cell `how` computes for `obj`.
pub(super) fn computed(how: Computed, obj: &Value, clock: &Clock) -> Value {
    match how {
        Computed::PodReady => pod_ready(obj),
        Computed::PodStatus => pod_status(obj),
        Computed::PodRestarts => pod_restarts(obj),
        Computed::DataCount => data_count(obj),
        Computed::NodeStatus => node_status(obj),
        Computed::NodeRoles => node_roles(obj),
        Computed::ServicePorts => service_ports(obj),
        Computed::JobCompletions => job_completions(obj),
        Computed::DeploymentReady => deployment_ready(obj),
        Computed::JobStatus => job_status(obj),
        Computed::EventObject => event_object(obj),
        Computed::EventLastSeen => {
            let ts = obj
                .get("lastTimestamp")
                .and_then(Value::as_str)
                .or_else(|| obj.get("eventTime").and_then(Value::as_str));
            age(ts, clock)
        }
    }
}

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |acc, k| acc.get(*k))
}

/// The array at `path` (empty when absent).
fn arr(obj: &Value, path: &[&str]) -> Vec<Value> {
    s(obj, path)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// `<none>` for an empty list, else the items joined by commas.
fn joined_or_none(items: Vec<String>) -> Value {
    json!(if items.is_empty() {
        "<none>".to_string()
    } else {
        items.join(",")
    })
}

fn true_condition(conds: &[Value], ty: &str) -> bool {
    conds
        .iter()
        .any(|c| c.get("type") == Some(&json!(ty)) && c.get("status") == Some(&json!("True")))
}

fn pod_ready(obj: &Value) -> Value {
    let total = arr(obj, &["spec", "containers"]).len();
    let ready = arr(obj, &["status", "containerStatuses"])
        .iter()
        .filter(|c| c.get("ready") == Some(&json!(true)))
        .count();
    json!(format!("{ready}/{total}"))
}

fn pod_status(obj: &Value) -> Value {
    if object_deleting(obj) {
        return json!("Terminating");
    }
    for c in arr(obj, &["status", "containerStatuses"]) {
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

fn pod_restarts(obj: &Value) -> Value {
    let n: i64 = arr(obj, &["status", "containerStatuses"])
        .iter()
        .filter_map(|c| c.get("restartCount")?.as_i64())
        .sum();
    json!(n.to_string())
}

fn data_count(obj: &Value) -> Value {
    let n = ["data", "binaryData"]
        .iter()
        .filter_map(|k| obj.get(*k)?.as_object().map(Map::len))
        .sum::<usize>();
    json!(n)
}

fn node_status(obj: &Value) -> Value {
    let ready = true_condition(&arr(obj, &["status", "conditions"]), "Ready");
    json!(if ready { "Ready" } else { "NotReady" })
}

fn node_roles(obj: &Value) -> Value {
    let roles: Vec<String> = s(obj, &["metadata", "labels"])
        .and_then(Value::as_object)
        .map(|m| {
            m.keys()
                .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    joined_or_none(roles)
}

fn service_ports(obj: &Value) -> Value {
    let ports: Vec<String> = arr(obj, &["spec", "ports"])
        .iter()
        .map(|p| {
            let port = p.get("port").map(|v| v.to_string()).unwrap_or_default();
            let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
            format!("{port}/{proto}")
        })
        .collect();
    joined_or_none(ports)
}

fn job_completions(obj: &Value) -> Value {
    let done = s(obj, &["status", "succeeded"])
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let want = s(obj, &["spec", "completions"])
        .and_then(Value::as_i64)
        .unwrap_or(1);
    json!(format!("{done}/{want}"))
}

fn deployment_ready(obj: &Value) -> Value {
    let ready = s(obj, &["status", "readyReplicas"])
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let want = s(obj, &["spec", "replicas"])
        .and_then(Value::as_i64)
        .unwrap_or(1);
    json!(format!("{ready}/{want}"))
}

fn job_status(obj: &Value) -> Value {
    let conds = arr(obj, &["status", "conditions"]);
    json!(if true_condition(&conds, "Complete") {
        "Complete"
    } else if true_condition(&conds, "Failed") {
        "Failed"
    } else {
        "Running"
    })
}

fn event_object(obj: &Value) -> Value {
    let kind = s(obj, &["involvedObject", "kind"])
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_lowercase();
    let name = s(obj, &["involvedObject", "name"])
        .and_then(Value::as_str)
        .unwrap_or("");
    json!(format!("{kind}/{name}"))
}

fn object_deleting(obj: &Value) -> bool {
    s(obj, &["metadata", "deletionTimestamp"]).is_some_and(|v| !v.is_null())
}
