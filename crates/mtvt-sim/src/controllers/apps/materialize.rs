//! A Deployment as it stands once rolled out: the Deployment, its ReplicaSet and Running,
//! Ready pods placed by the scheduler's rules, with the statuses the controllers would
//! write. For workloads that ran before the emulator started (what OLM and the operator
//! installed); later changes go through the controllers.

use std::sync::Arc;

use serde_json::{Value, json};

use super::super::kubelet::running_status;
use super::super::{Ctx, gvr};
use super::deployment::{replica_set_for, status_of};
use super::replica_set::pod_for;
use super::replicas;
use crate::store::{ApiError, Reason, object};

fn create_or_get(
    ctx: &Ctx,
    g: &crate::store::Gvr,
    ns: &str,
    obj: Value,
) -> Result<Arc<Value>, ApiError> {
    match ctx.store.create(g, ns, obj.clone()) {
        Err(e) if e.reason == Reason::AlreadyExists => ctx.store.get(g, ns, object::name(&obj)),
        other => other,
    }
}

/// Creates `deploy` rolled out: its ReplicaSet (revision 1) and `spec.replicas` Running pods.
pub fn materialize(ctx: &Ctx, deploy: Value) -> Result<Arc<Value>, ApiError> {
    let ns = object::namespace(&deploy).to_string();
    let deploy = create_or_get(ctx, &gvr::deployments(), &ns, deploy)?;
    let rs = create_or_get(ctx, &gvr::replica_sets(), &ns, replica_set_for(&deploy, 1))?;
    let now = ctx.now();
    let want = usize::try_from(replicas(&rs)).unwrap_or(0);
    let have = super::owned(ctx, &gvr::pods(), &ns, object::uid(&rs)).len();
    for _ in have..want {
        let mut pod = pod_for(&rs);
        let spec = pod.get("spec").cloned().unwrap_or(json!({}));
        let node = super::super::scheduler::pick(ctx, &spec).map_err(|m| {
            ApiError::internal(format!(
                "cannot place a pod of {}/{}: {m}",
                ns,
                object::name(&rs)
            ))
        })?;
        super::super::json_edit::put(&mut pod, "/spec/nodeName", json!(node));
        let created = ctx.store.create(&gvr::pods(), &ns, pod)?;
        ctx.store.merge_patch_status(
            &gvr::pods(),
            &ns,
            object::name(&created),
            &json!({"status": running_status(&created, &now)}),
        )?;
    }
    let ready = super::owned(ctx, &gvr::pods(), &ns, object::uid(&rs)).len();
    let rs = ctx.store.merge_patch_status(
        &gvr::replica_sets(),
        &ns,
        object::name(&rs),
        &json!({"status": {"replicas": ready, "fullyLabeledReplicas": ready, "readyReplicas": ready,
                           "availableReplicas": ready, "observedGeneration": object::generation(&rs)}}),
    )?;
    let status = status_of(&deploy, std::slice::from_ref(&rs), &rs, &now);
    ctx.store.merge_patch_status(
        &gvr::deployments(),
        &ns,
        object::name(&deploy),
        &json!({"status": status}),
    )
}
