//! The ReplicaSet controller: keeps `spec.replicas` pods from the template
//! (`generateName: <replicaset>-`, the template's labels and annotations, controlled by the
//! ReplicaSet), deleting the surplus (not-Ready pods first, then the newest), and reports
//! `replicas`, `readyReplicas`, `availableReplicas` and `observedGeneration`.

use serde_json::{Value, json};

use super::super::runtime::{self, Key, Queue};
use super::super::{Ctx, gvr};
use super::{controller_ref, owned, pod_ready, replicas};
use crate::store::object;

/// A new pod of `rs` (the template as a Pod).
pub(super) fn pod_for(rs: &Value) -> Value {
    let template = rs.pointer("/spec/template").cloned().unwrap_or(json!({}));
    let mut meta = template
        .get("metadata")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    meta.insert(
        "generateName".into(),
        json!(format!("{}-", object::name(rs))),
    );
    meta.insert("namespace".into(), json!(object::namespace(rs)));
    meta.insert(
        "ownerReferences".into(),
        json!([controller_ref(rs, "apps/v1", "ReplicaSet")]),
    );
    json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": meta,
        "spec": template.get("spec").cloned().unwrap_or(json!({})),
    })
}

pub(super) fn reconcile(ctx: &Ctx, _q: &Queue, key: &Key) -> runtime::Outcome {
    let rs = ctx.store.get(&gvr::replica_sets(), &key.0, &key.1)?;
    if object::is_deleting(&rs) {
        return Ok(());
    }
    let mut pods = owned(ctx, &gvr::pods(), &key.0, object::uid(&rs));
    let want = usize::try_from(replicas(&rs)).unwrap_or(0);
    for _ in pods.len()..want {
        ctx.store.create(&gvr::pods(), &key.0, pod_for(&rs))?;
    }
    if pods.len() > want {
        // Not-Ready pods go first, then the newest (kube's ActivePods ordering, simplified).
        pods.sort_by_key(|p| {
            (
                pod_ready(p),
                std::cmp::Reverse(object::meta_str(p, "creationTimestamp").to_string()),
            )
        });
        for p in pods.iter().take(pods.len() - want) {
            ctx.store.delete(&gvr::pods(), &key.0, object::name(p))?;
        }
    }
    let pods = owned(ctx, &gvr::pods(), &key.0, object::uid(&rs));
    let ready = pods.iter().filter(|p| pod_ready(p)).count();
    let status = json!({
        "replicas": pods.len(), "fullyLabeledReplicas": pods.len(),
        "readyReplicas": ready, "availableReplicas": ready,
        "observedGeneration": object::generation(&rs),
    });
    if rs.get("status") != Some(&status) {
        ctx.store.merge_patch_status(
            &gvr::replica_sets(),
            &key.0,
            &key.1,
            &json!({"status": status}),
        )?;
    }
    Ok(())
}
