//! The value rules the API server applies to an Affinity (Kubernetes
//! `ValidateAffinity` in `pkg/apis/core/validation`), beyond its shape: weights of preferred
//! terms in 1–100, a non-empty and valid `topologyKey` on every pod (anti-)affinity term, at
//! least one node selector term, and selector requirements whose operator and values agree.
//! Each problem is `(field path, message)`; `affinity` points at the source.

use serde_json::Value;

/// Every value problem of an affinity that deserialized into k8s-openapi's `Affinity`.
pub fn problems(affinity: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(node) = affinity.get("nodeAffinity") {
        node_affinity(node, "nodeAffinity", &mut out);
    }
    for kind in ["podAffinity", "podAntiAffinity"] {
        if let Some(pod) = affinity.get(kind) {
            pod_affinity(pod, kind, &mut out);
        }
    }
    out
}

const REQUIRED: &str = "requiredDuringSchedulingIgnoredDuringExecution";
const PREFERRED: &str = "preferredDuringSchedulingIgnoredDuringExecution";

fn list<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = (usize, &'a Value)> {
    v.get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
}

fn weight(term: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match term.get("weight").and_then(Value::as_i64) {
        Some(w) if (1..=100).contains(&w) => {}
        Some(w) => out.push((
            format!("{path}.weight"),
            format!("weight {w} is outside 1–100 (the API server refuses it)"),
        )),
        None => {}
    }
}

fn node_affinity(node: &Value, path: &str, out: &mut Vec<(String, String)>) {
    if let Some(req) = node.get(REQUIRED) {
        let terms = req.get("nodeSelectorTerms").and_then(Value::as_array);
        if terms.is_none_or(Vec::is_empty) {
            out.push((
                format!("{path}.{REQUIRED}.nodeSelectorTerms"),
                String::from("at least one node selector term is required"),
            ));
        }
        for (i, t) in list(req, "nodeSelectorTerms") {
            let p = format!("{path}.{REQUIRED}.nodeSelectorTerms[{i}]");
            requirements(t, &p, true, out);
        }
    }
    for (i, term) in list(node, PREFERRED) {
        let p = format!("{path}.{PREFERRED}[{i}]");
        weight(term, &p, out);
        if let Some(pref) = term.get("preference") {
            requirements(pref, &format!("{p}.preference"), true, out);
        }
    }
}

fn pod_affinity(pod: &Value, path: &str, out: &mut Vec<(String, String)>) {
    for (i, term) in list(pod, REQUIRED) {
        pod_term(term, &format!("{path}.{REQUIRED}[{i}]"), out);
    }
    for (i, term) in list(pod, PREFERRED) {
        let p = format!("{path}.{PREFERRED}[{i}]");
        weight(term, &p, out);
        if let Some(t) = term.get("podAffinityTerm") {
            pod_term(t, &format!("{p}.podAffinityTerm"), out);
        }
    }
}

fn pod_term(term: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match term.get("topologyKey").and_then(Value::as_str) {
        None | Some("") => out.push((
            format!("{path}.topologyKey"),
            String::from(
                "`topologyKey` is required and cannot be empty (e.g. \"kubernetes.io/hostname\")",
            ),
        )),
        Some(k) => {
            if let Err(reasons) = mtvt_vocab::names::label_key(k) {
                out.push((format!("{path}.topologyKey"), reasons.join("; ")));
            }
        }
    }
    for sel in ["labelSelector", "namespaceSelector"] {
        if let Some(s) = term.get(sel) {
            requirements(s, &format!("{path}.{sel}"), false, out);
        }
    }
}

/// `matchExpressions` (and, for node selectors, `matchFields`) of a selector.
fn requirements(selector: &Value, path: &str, node: bool, out: &mut Vec<(String, String)>) {
    let fields: &[&str] = if node {
        &["matchExpressions", "matchFields"]
    } else {
        &["matchExpressions"]
    };
    for field in fields {
        for (i, r) in list(selector, field) {
            requirement(r, &format!("{path}.{field}[{i}]"), node, out);
        }
    }
}

fn requirement(r: &Value, path: &str, node: bool, out: &mut Vec<(String, String)>) {
    let op = r.get("operator").and_then(Value::as_str).unwrap_or("");
    let n = r
        .get("values")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let allowed: &[&str] = if node {
        &["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]
    } else {
        &["In", "NotIn", "Exists", "DoesNotExist"]
    };
    let problem = if !allowed.contains(&op) {
        Some(format!(
            "operator `{op}` is not one of {}",
            allowed.join(", ")
        ))
    } else {
        match op {
            "In" | "NotIn" if n == 0 => Some(format!("operator {op} needs at least one value")),
            "Exists" | "DoesNotExist" if n > 0 => Some(format!("operator {op} takes no values")),
            "Gt" | "Lt" if n != 1 => Some(format!("operator {op} takes exactly one value")),
            _ => None,
        }
    };
    if let Some(p) = problem {
        let at = if allowed.contains(&op) {
            "values"
        } else {
            "operator"
        };
        out.push((format!("{path}.{at}"), p));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn weights_topology_keys_and_operators() {
        let a = json!({
            "podAntiAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": 150, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname"}}
                ],
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    {"labelSelector": {"matchExpressions": [{"key": "a", "operator": "In"}]}}
                ]
            },
            "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}
        });
        let got: Vec<String> = problems(&a).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            got,
            [
                "nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms",
                "podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey",
                "podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchExpressions[0].values",
                "podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
            ]
        );
        let ok = json!({"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname"}}]}});
        assert!(problems(&ok).is_empty());
    }
}
