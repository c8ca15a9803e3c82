//! The scheduler: places pods (spec.nodeName) and VMIs (status.nodeName, phase `Scheduled`)
//! on the lab's worker nodes. Filters: schedulable workers, `nodeSelector`, required node
//! affinity, required pod (anti-)affinity; scores: preferred node affinity and preferred pod
//! (anti-)affinity weights, then the least loaded node, then the name. An unschedulable
//! workload gets a `FailedScheduling` Event and stays pending (`PodScheduled=False`).
//! Topology is per node (`kubernetes.io/hostname`); other topology keys group by that label.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::json_edit::text;
use super::runtime::{self, Key, Queue, Watch};
use super::{Ctx, Started, gvr};
use crate::store::{ApiError, Gvr, LabelSelector, ListOptions, object};

pub(super) fn spawn(ctx: &Ctx) -> Vec<Started> {
    let mut out = Vec::new();
    for (name, g) in [
        ("scheduler-pods", gvr::pods()),
        ("scheduler-vmis", gvr::vmis()),
    ] {
        let c = ctx.clone();
        let g2 = g.clone();
        let queue = runtime::spawn(
            name,
            &ctx.store,
            &ctx.shutdown,
            vec![
                Watch::own(g.clone()),
                Watch::mapped(gvr::nodes(), {
                    let g = g.clone();
                    move |store, _| super::all_keys(store, &g)
                }),
            ],
            move |q, key| reconcile(&c, &g2, q, key),
        );
        out.push(Started { queue, gvr: g });
    }
    out
}

fn label_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// A `matchExpressions` requirement against labels.
fn expr_matches(e: &Value, labels: &BTreeMap<String, String>) -> bool {
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

fn node_term_matches(term: &Value, labels: &BTreeMap<String, String>) -> bool {
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

fn selector_matches(sel: &Value, labels: &BTreeMap<String, String>) -> bool {
    let ml = label_map(sel.get("matchLabels"));
    ml.iter().all(|(k, v)| labels.get(k) == Some(v))
        && sel
            .get("matchExpressions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .all(|e| expr_matches(e, labels))
}

struct Workload {
    node: String,
    labels: BTreeMap<String, String>,
}

fn workloads(ctx: &Ctx) -> Vec<Workload> {
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
    let all = workloads(ctx);
    let selector = label_map(spec.get("nodeSelector"));
    let aff = spec.get("affinity").cloned().unwrap_or(Value::Null);
    let topo_value = |node_labels: &BTreeMap<String, String>, key: &str| {
        node_labels.get(key).cloned().unwrap_or_default()
    };
    let node_labels_of = |name: &str| {
        nodes
            .iter()
            .find(|n| object::name(n) == name)
            .map(|n| label_map(n.pointer("/metadata/labels")))
            .unwrap_or_default()
    };
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    let mut best: Option<(i64, usize, String)> = None;
    for n in &nodes {
        let name = object::name(n).to_string();
        let labels = label_map(n.pointer("/metadata/labels"));
        let worker = labels.contains_key("node-role.kubernetes.io/worker");
        if !worker || n.pointer("/spec/unschedulable").and_then(Value::as_bool) == Some(true) {
            *reasons
                .entry("node(s) were not workers or were unschedulable")
                .or_default() += 1;
            continue;
        }
        if !selector.iter().all(|(k, v)| labels.get(k) == Some(v)) {
            *reasons
                .entry("node(s) didn't match Pod's node affinity/selector")
                .or_default() += 1;
            continue;
        }
        if let Some(terms) = aff
            .pointer(
                "/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms",
            )
            .and_then(Value::as_array)
            && !terms.iter().any(|t| node_term_matches(t, &labels))
        {
            *reasons
                .entry("node(s) didn't match Pod's node affinity/selector")
                .or_default() += 1;
            continue;
        }
        let in_topology = |term: &Value| {
            let key = Some(text(term, "/topologyKey"))
                .filter(|k| !k.is_empty())
                .unwrap_or("kubernetes.io/hostname");
            let mine = topo_value(&labels, key);
            let sel = term.get("labelSelector").cloned().unwrap_or(json!({}));
            all.iter().any(|w| {
                topo_value(&node_labels_of(&w.node), key) == mine
                    && selector_matches(&sel, &w.labels)
            })
        };
        let req_aff = aff
            .pointer("/podAffinity/requiredDuringSchedulingIgnoredDuringExecution")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if !req_aff.iter().all(&in_topology) {
            *reasons
                .entry("node(s) didn't match pod affinity rules")
                .or_default() += 1;
            continue;
        }
        let req_anti = aff
            .pointer("/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if req_anti.iter().any(&in_topology) {
            *reasons
                .entry("node(s) didn't match pod anti-affinity rules")
                .or_default() += 1;
            continue;
        }
        let mut score = 0i64;
        for p in aff
            .pointer("/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if p.get("preference")
                .is_some_and(|t| node_term_matches(t, &labels))
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
            for p in aff
                .pointer(path)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if p.get("podAffinityTerm").is_some_and(&in_topology) {
                    score += sign * p.get("weight").and_then(Value::as_i64).unwrap_or(0);
                }
            }
        }
        let load = all.iter().filter(|w| w.node == name).count();
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

fn reconcile(ctx: &Ctx, g: &Gvr, _q: &Queue, key: &Key) -> runtime::Outcome {
    let obj = ctx.store.get(g, &key.0, &key.1)?;
    if object::is_deleting(&obj) {
        return Ok(());
    }
    let now = ctx.now();
    let pod = g.resource == "pods";
    if pod {
        if !text(&obj, "/spec/nodeName").is_empty() || text(&obj, "/status/phase") != "Pending" {
            return Ok(());
        }
    } else if !text(&obj, "/status/nodeName").is_empty()
        || !matches!(text(&obj, "/status/phase"), "Pending" | "Scheduling")
    {
        return Ok(());
    }
    let spec = obj.get("spec").cloned().unwrap_or(Value::Null);
    match pick(ctx, &spec) {
        Ok(node) => {
            if pod {
                ctx.store
                    .merge_patch(g, &key.0, &key.1, &json!({"spec": {"nodeName": node}}))?;
                ctx.store.merge_patch_status(g, &key.0, &key.1, &json!({"status": {"conditions": [{"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": now}]}}))?;
            } else {
                let mut transitions = obj
                    .pointer("/status/phaseTransitionTimestamps")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                transitions.push(json!({"phase": "Scheduled", "phaseTransitionTimestamp": now}));
                ctx.store.merge_patch(
                    g,
                    &key.0,
                    &key.1,
                    &json!({"metadata": {"labels": {"kubevirt.io/nodeName": node}}}),
                )?;
                ctx.store.merge_patch_status(g, &key.0, &key.1, &json!({"status": {"nodeName": node, "phase": "Scheduled", "conditions": [], "phaseTransitionTimestamps": transitions}}))?;
            }
        }
        Err(msg) => unschedulable(ctx, g, key, &obj, &msg, &now)?,
    }
    Ok(())
}

fn unschedulable(
    ctx: &Ctx,
    g: &Gvr,
    key: &Key,
    obj: &Value,
    msg: &str,
    now: &str,
) -> Result<(), ApiError> {
    let cond = json!([{"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": msg, "lastProbeTime": null, "lastTransitionTime": now}]);
    let already = text(obj, "/status/conditions/0/message") == msg;
    if already {
        return Ok(());
    }
    if g.resource == "pods" {
        ctx.store.merge_patch_status(
            g,
            &key.0,
            &key.1,
            &json!({"status": {"conditions": cond}}),
        )?;
    } else {
        ctx.store.merge_patch_status(
            g,
            &key.0,
            &key.1,
            &json!({"status": {"phase": "Scheduling", "conditions": cond}}),
        )?;
    }
    ctx.store
        .record_event(obj, "Warning", "FailedScheduling", msg, "default-scheduler")?;
    let _ = LabelSelector::default();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
