//! The scheduler: places pods (spec.nodeName) and VMIs (status.nodeName, phase `Scheduled`)
//! on the lab's worker nodes. Filters: schedulable workers, `nodeSelector`, required node
//! affinity, required pod (anti-)affinity; scores: preferred node affinity and preferred pod
//! (anti-)affinity weights, then the least loaded node, then the name. An unschedulable
//! workload gets a `FailedScheduling` Event and stays pending (`PodScheduled=False`); a
//! scheduled pod gets the `Scheduled` Event.
//! Topology is per node (`kubernetes.io/hostname`); other topology keys group by that label.

mod placement;

use serde_json::{Value, json};

use super::json_edit::text;
use super::runtime::{self, Key, Queue, Watch};
use super::{Ctx, Started, gvr};
use crate::store::{ApiError, Gvr, LabelSelector, object};
pub(super) use placement::*;

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
                let msg = format!("Successfully assigned {}/{} to {node}", key.0, key.1);
                ctx.store
                    .record_event(&obj, "Normal", "Scheduled", &msg, "default-scheduler")?;
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
