//! Where a workload may run and which node is best: label and expression matching, the
//! workloads already placed, the filters (schedulable workers, node selector, required node
//! and pod (anti-)affinity) and the score (preferred affinities, then load, then name).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::super::json_edit::text;
use super::super::{Ctx, gvr};
use crate::store::{ListOptions, object};

pub(super) fn label_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// A `matchExpressions` requirement against labels.
pub(super) fn expr_matches(e: &Value, labels: &BTreeMap<String, String>) -> bool {
    let key = text(e, "/key");
    let vals: Vec<&str> = e
        .get("values")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let have = labels.get(key);
    match text(e, "/operator") {
        "In" => have.is_some_and(|h| vals.contains(&h.as_str())),
        "NotIn" => have.is_none_or(|h| !vals.contains(&h.as_str())),
        "Exists" => have.is_some(),
        "DoesNotExist" => have.is_none(),
        "Gt" => have
            .and_then(|h| h.parse::<i64>().ok())
            .zip(vals.first().and_then(|v| v.parse::<i64>().ok()))
            .is_some_and(|(h, v)| h > v),
        "Lt" => have
            .and_then(|h| h.parse::<i64>().ok())
            .zip(vals.first().and_then(|v| v.parse::<i64>().ok()))
            .is_some_and(|(h, v)| h < v),
        _ => false,
    }
}

pub(super) fn node_term_matches(term: &Value, labels: &BTreeMap<String, String>) -> bool {
    let exprs = term
        .get("matchExpressions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let fields = term
        .get("matchFields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut with_name = labels.clone();
    if let Some(n) = labels.get("kubernetes.io/hostname") {
        with_name.insert("metadata.name".into(), n.clone());
    }
    exprs.iter().all(|e| expr_matches(e, labels))
        && fields.iter().all(|e| expr_matches(e, &with_name))
}

pub(super) fn selector_matches(sel: &Value, labels: &BTreeMap<String, String>) -> bool {
    let ml = label_map(sel.get("matchLabels"));
    ml.iter().all(|(k, v)| labels.get(k) == Some(v))
        && sel
            .get("matchExpressions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .all(|e| expr_matches(e, labels))
}

pub(super) struct Workload {
    node: String,
    labels: BTreeMap<String, String>,
}

pub(super) fn workloads(ctx: &Ctx) -> Vec<Workload> {
    let mut out = Vec::new();
    for p in ctx
        .store
        .list(&gvr::pods(), None, &ListOptions::default())
        .map(|l| l.items)
        .unwrap_or_default()
    {
        let node = text(&p, "/spec/nodeName");
        if !node.is_empty() && !matches!(text(&p, "/status/phase"), "Succeeded" | "Failed") {
            out.push(Workload {
                node: node.into(),
                labels: label_map(p.pointer("/metadata/labels")),
            });
        }
    }
    for v in ctx
        .store
        .list(&gvr::vmis(), None, &ListOptions::default())
        .map(|l| l.items)
        .unwrap_or_default()
    {
        let node = text(&v, "/status/nodeName");
        if !node.is_empty() {
            out.push(Workload {
                node: node.into(),
                labels: label_map(v.pointer("/metadata/labels")),
            });
        }
    }
    out
}

/// Picks a node for a workload with `spec` (pod spec or VMI spec) in namespace `ns`; `Err`
/// is the scheduler's message.
pub fn pick(ctx: &Ctx, spec: &Value) -> Result<String, String> {
    let nodes: Vec<Arc<Value>> = ctx
        .store
        .list(&gvr::nodes(), None, &ListOptions::default())
        .map(|l| l.items)
        .unwrap_or_default();
    let placement = Placement {
        all: workloads(ctx),
        selector: label_map(spec.get("nodeSelector")),
        aff: spec.get("affinity").cloned().unwrap_or(Value::Null),
        nodes: &nodes,
    };
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    let mut best: Option<(i64, usize, String)> = None;
    for n in &nodes {
        let name = object::name(n).to_string();
        let labels = label_map(n.pointer("/metadata/labels"));
        if let Err(reason) = placement.feasible(n, &labels) {
            *reasons.entry(reason).or_default() += 1;
            continue;
        }
        let score = placement.score(&labels);
        let load = placement.all.iter().filter(|w| w.node == name).count();
        let better = match &best {
            None => true,
            Some((s, l, n)) => {
                score > *s || (score == *s && (load < *l || (load == *l && name < *n)))
            }
        };
        if better {
            best = Some((score, load, name));
        }
    }
    best.map(|(_, _, n)| n).ok_or_else(|| {
        let detail: Vec<String> = reasons.iter().map(|(r, c)| format!("{c} {r}")).collect();
        format!("0/{} nodes are available: {}. preemption: 0/{} nodes are available: {} Preemption is not helpful for scheduling.", nodes.len(), detail.join(", "), nodes.len(), nodes.len())
    })
}

/// What a workload asks of its node: the node selector and affinity, against the nodes and
/// the workloads already placed.
pub(super) struct Placement<'a> {
    nodes: &'a [Arc<Value>],
    all: Vec<Workload>,
    selector: BTreeMap<String, String>,
    aff: Value,
}

impl Placement<'_> {
    /// `Err` with the scheduler's reason when the node cannot take the workload.
    fn feasible(&self, n: &Value, labels: &BTreeMap<String, String>) -> Result<(), &'static str> {
        let worker = labels.contains_key("node-role.kubernetes.io/worker");
        if !worker || n.pointer("/spec/unschedulable").and_then(Value::as_bool) == Some(true) {
            return Err("node(s) were not workers or were unschedulable");
        }
        if !self.selector.iter().all(|(k, v)| labels.get(k) == Some(v)) {
            return Err("node(s) didn't match Pod's node affinity/selector");
        }
        if let Some(terms) = self
            .aff
            .pointer(
                "/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms",
            )
            .and_then(Value::as_array)
            && !terms.iter().any(|t| node_term_matches(t, labels))
        {
            return Err("node(s) didn't match Pod's node affinity/selector");
        }
        let required = |path: &str| {
            self.aff
                .pointer(path)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        if !required("/podAffinity/requiredDuringSchedulingIgnoredDuringExecution")
            .iter()
            .all(|t| self.in_topology(labels, t))
        {
            return Err("node(s) didn't match pod affinity rules");
        }
        if required("/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution")
            .iter()
            .any(|t| self.in_topology(labels, t))
        {
            return Err("node(s) didn't match pod anti-affinity rules");
        }
        Ok(())
    }

    /// Whether a workload matching the term's selector runs in the node's topology domain.
    fn in_topology(&self, labels: &BTreeMap<String, String>, term: &Value) -> bool {
        let topo_value = |node_labels: &BTreeMap<String, String>, key: &str| {
            node_labels.get(key).cloned().unwrap_or_default()
        };
        let key = Some(text(term, "/topologyKey"))
            .filter(|k| !k.is_empty())
            .unwrap_or("kubernetes.io/hostname");
        let mine = topo_value(labels, key);
        let sel = term.get("labelSelector").cloned().unwrap_or(json!({}));
        self.all.iter().any(|w| {
            topo_value(&self.node_labels_of(&w.node), key) == mine
                && selector_matches(&sel, &w.labels)
        })
    }

    fn node_labels_of(&self, name: &str) -> BTreeMap<String, String> {
        self.nodes
            .iter()
            .find(|n| object::name(n) == name)
            .map(|n| label_map(n.pointer("/metadata/labels")))
            .unwrap_or_default()
    }

    /// The preferred node affinity weights that match, plus pod affinity and minus pod
    /// anti-affinity weights whose terms hold.
    fn score(&self, labels: &BTreeMap<String, String>) -> i64 {
        let mut score = 0i64;
        for p in self
            .aff
            .pointer("/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if p.get("preference")
                .is_some_and(|t| node_term_matches(t, labels))
            {
                score += p.get("weight").and_then(Value::as_i64).unwrap_or(0);
            }
        }
        for (path, sign) in [
            (
                "/podAffinity/preferredDuringSchedulingIgnoredDuringExecution",
                1,
            ),
            (
                "/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution",
                -1,
            ),
        ] {
            for p in self
                .aff
                .pointer(path)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if p.get("podAffinityTerm")
                    .is_some_and(|t| self.in_topology(labels, t))
                {
                    score += sign * p.get("weight").and_then(Value::as_i64).unwrap_or(0);
                }
            }
        }
        score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn expressions() {
        let l = labels(&[("zone", "a"), ("n", "5")]);
        assert!(expr_matches(
            &json!({"key": "zone", "operator": "In", "values": ["a", "b"]}),
            &l
        ));
        assert!(!expr_matches(
            &json!({"key": "zone", "operator": "NotIn", "values": ["a"]}),
            &l
        ));
        assert!(expr_matches(
            &json!({"key": "x", "operator": "DoesNotExist"}),
            &l
        ));
        assert!(expr_matches(
            &json!({"key": "n", "operator": "Gt", "values": ["3"]}),
            &l
        ));
        assert!(selector_matches(&json!({"matchLabels": {"zone": "a"}}), &l));
        assert!(!selector_matches(
            &json!({"matchLabels": {"zone": "b"}}),
            &l
        ));
    }
}
