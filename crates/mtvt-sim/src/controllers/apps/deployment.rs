//! The Deployment controller: one ReplicaSet per pod template, the new one scaled to
//! `spec.replicas`, the old ones to 0 once the new one's pods are Ready, and the
//! Deployment's status (replica counts, `observedGeneration`, `Available` and
//! `Progressing` conditions) summed from its ReplicaSets.

use serde_json::{Map, Value, json};

use super::super::json_edit::text;
use super::super::runtime::{self, Key, Queue};
use super::super::{Ctx, gvr};
use super::{POD_TEMPLATE_HASH, controller_ref, owned, pod_template_hash, replicas};
use crate::store::{ApiError, object};

/// The ReplicaSet a Deployment's current template runs in (labels, selector and template
/// carry the `pod-template-hash`).
pub(super) fn replica_set_for(deploy: &Value, revision: u64) -> Value {
    let template = deploy
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(json!({}));
    let hash = pod_template_hash(&template);
    let mut labels = template
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    labels.insert(POD_TEMPLATE_HASH.into(), json!(hash));
    let mut selector = deploy
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    selector.insert(POD_TEMPLATE_HASH.into(), json!(hash));
    let mut rs_template = template;
    super::super::json_edit::put(
        &mut rs_template,
        "/metadata/labels",
        Value::Object(labels.clone()),
    );
    json!({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {
            "name": format!("{}-{hash}", object::name(deploy)),
            "namespace": object::namespace(deploy),
            "labels": labels,
            "annotations": {
                "deployment.kubernetes.io/revision": revision.to_string(),
                "deployment.kubernetes.io/desired-replicas": replicas(deploy).to_string(),
                "deployment.kubernetes.io/max-replicas": (replicas(deploy) + 1).to_string(),
            },
            "ownerReferences": [controller_ref(deploy, "apps/v1", "Deployment")],
        },
        "spec": {"replicas": replicas(deploy), "selector": {"matchLabels": selector}, "template": rs_template},
    })
}

fn revision(rs: &Value) -> u64 {
    text(
        rs,
        "/metadata/annotations/deployment.kubernetes.io~1revision",
    )
    .parse()
    .unwrap_or(0)
}

pub(super) fn reconcile(ctx: &Ctx, _q: &Queue, key: &Key) -> runtime::Outcome {
    let deploy = ctx.store.get(&gvr::deployments(), &key.0, &key.1)?;
    if object::is_deleting(&deploy) {
        return Ok(());
    }
    let rss = owned(ctx, &gvr::replica_sets(), &key.0, object::uid(&deploy));
    let next_revision = rss.iter().map(|r| revision(r)).max().unwrap_or(0) + 1;
    let wanted = replica_set_for(&deploy, next_revision);
    let want = replicas(&deploy);
    let new = match rss
        .iter()
        .find(|r| object::name(r) == object::name(&wanted))
    {
        Some(r) => {
            if replicas(r) != want {
                ctx.store.merge_patch(
                    &gvr::replica_sets(),
                    &key.0,
                    object::name(r),
                    &json!({"spec": {"replicas": want}}),
                )?;
            }
            r.clone()
        }
        None => ctx.store.create(&gvr::replica_sets(), &key.0, wanted)?,
    };
    let new_ready = count(&new, "readyReplicas") >= want;
    if new_ready {
        for old in rss
            .iter()
            .filter(|r| object::name(r) != object::name(&new) && replicas(r) > 0)
        {
            ctx.store.merge_patch(
                &gvr::replica_sets(),
                &key.0,
                object::name(old),
                &json!({"spec": {"replicas": 0}}),
            )?;
        }
    }
    let all = owned(ctx, &gvr::replica_sets(), &key.0, object::uid(&deploy));
    write_status(ctx, &deploy, &all, &new)
}

fn count(rs: &Value, field: &str) -> i64 {
    rs.pointer(&format!("/status/{field}"))
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

/// The Deployment status kube-controller-manager computes from its ReplicaSets.
pub(super) fn status_of(
    deploy: &Value,
    rss: &[std::sync::Arc<Value>],
    new: &Value,
    now: &str,
) -> Value {
    let want = replicas(deploy);
    let sum = |f: &str| rss.iter().map(|r| count(r, f)).sum::<i64>();
    let (total, ready) = (sum("replicas"), sum("readyReplicas"));
    let updated = count(new, "replicas");
    let complete = updated == want && total == want && ready >= want;
    let rs_name = object::name(new);
    let old = deploy
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let cond = |ty: &str, ok: bool, reason: &str, message: String| {
        let status = if ok { "True" } else { "False" };
        let since = old
            .iter()
            .find(|c| text(c, "/type") == ty && text(c, "/status") == status)
            .map(|c| text(c, "/lastTransitionTime").to_string())
            .unwrap_or(now.to_string());
        json!({"type": ty, "status": status, "reason": reason, "message": message,
               "lastUpdateTime": now, "lastTransitionTime": since})
    };
    let available = ready >= want;
    let mut status = Map::new();
    status.insert(
        "observedGeneration".into(),
        json!(object::generation(deploy)),
    );
    status.insert("replicas".into(), json!(total));
    status.insert("updatedReplicas".into(), json!(updated));
    status.insert("readyReplicas".into(), json!(ready));
    status.insert("availableReplicas".into(), json!(ready));
    // null removes the field in the merge patch once every replica is available.
    let unavailable = (want > ready).then_some(want - ready);
    status.insert("unavailableReplicas".into(), json!(unavailable));
    let conditions = vec![
        if available {
            cond(
                "Available",
                true,
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.".into(),
            )
        } else {
            cond(
                "Available",
                false,
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.".into(),
            )
        },
        if complete {
            cond(
                "Progressing",
                true,
                "NewReplicaSetAvailable",
                format!("ReplicaSet \"{rs_name}\" has successfully progressed."),
            )
        } else {
            cond(
                "Progressing",
                true,
                "ReplicaSetUpdated",
                format!("ReplicaSet \"{rs_name}\" is progressing."),
            )
        },
    ];
    status.insert("conditions".into(), Value::Array(conditions));
    Value::Object(status)
}

fn write_status(
    ctx: &Ctx,
    deploy: &Value,
    rss: &[std::sync::Arc<Value>],
    new: &Value,
) -> Result<(), ApiError> {
    let status = status_of(deploy, rss, new, &ctx.now());
    // Only write what changed (times of unchanged conditions aside), or the write would
    // trigger this reconcile again forever.
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            m.retain(|_, x| !x.is_null());
        }
        for c in v
            .pointer_mut("/conditions")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            if let Some(m) = c.as_object_mut() {
                m.remove("lastUpdateTime");
            }
        }
        v
    };
    let current = deploy.get("status").cloned().unwrap_or(Value::Null);
    if strip(&current) == strip(&status) {
        return Ok(());
    }
    ctx.store.merge_patch_status(
        &gvr::deployments(),
        object::namespace(deploy),
        object::name(deploy),
        &json!({"status": status}),
    )?;
    Ok(())
}
