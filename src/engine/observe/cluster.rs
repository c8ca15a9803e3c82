//! The `cluster` model: the PVCs and DataVolumes of a plan's target namespace and the
//! Plan's status conditions, read from the API when a check of the expectation uses
//! `cluster` (never otherwise: a list of every PVC is not free on a busy cluster). Pure
//! conversions from the objects, and one reader.

use kube::api::{DynamicObject, ListParams};
use mtvt_lang::models::{Cluster, ClusterDataVolume, ClusterPvc, Condition};
use serde_json::Value;

use crate::cluster::{ObjectRef, kinds};
use crate::engine::error::{EngineError, api_message, is_not_found};
use crate::engine::retry::with_retry;

/// Whether any of `checks` reads `cluster` (so it is worth reading).
pub fn wants_cluster(checks: &[mtvt_lang::ir::CheckRefIr]) -> bool {
    (checks.iter()).any(|c| mtvt_lang::ir::body_reads(&c.check.body, mtvt_lang::ir::Root::Cluster))
}

/// Reads the `cluster` model for the Plan `plan` whose VMs land in `target_namespace`.
pub async fn read_cluster(
    client: &kube::Client,
    plan: &ObjectRef,
    target_namespace: &str,
) -> Result<Cluster, EngineError> {
    let list = |kind: kinds::Kind| async move {
        let api = kind.api(client, Some(target_namespace));
        with_retry(|| async { api.list(&ListParams::default()).await })
            .await
            .map(|l| l.items)
            .map_err(|e| EngineError::Api {
                action: format!("list the {}s of {target_namespace}", kind.kind),
                message: api_message(&e),
            })
    };
    let pvcs = list(kinds::PVC).await?;
    let dvs = list(kinds::DATA_VOLUME).await?;
    let api = plan.api(client);
    let plan_obj = match with_retry(|| async { api.get(&plan.name).await }).await {
        Ok(p) => Some(p),
        Err(e) if is_not_found(&e) => None,
        Err(e) => {
            return Err(EngineError::Api {
                action: format!("read {plan}"),
                message: api_message(&e),
            });
        }
    };
    Ok(cluster_model(&pvcs, &dvs, plan_obj.as_ref()))
}

/// The model from the objects as read.
pub fn cluster_model(
    pvcs: &[DynamicObject],
    dvs: &[DynamicObject],
    plan: Option<&DynamicObject>,
) -> Cluster {
    let mut pvcs: Vec<ClusterPvc> = pvcs
        .iter()
        .map(|p| ClusterPvc {
            name: p.metadata.name.clone().unwrap_or_default(),
            uid: p.metadata.uid.clone().unwrap_or_default(),
            phase: text(&p.data, "/status/phase"),
            owners: owners(p),
            labels: p.metadata.labels.clone().unwrap_or_default(),
        })
        .collect();
    pvcs.sort_by(|a, b| a.name.cmp(&b.name));
    let mut data_volumes: Vec<ClusterDataVolume> = dvs
        .iter()
        .map(|d| ClusterDataVolume {
            name: d.metadata.name.clone().unwrap_or_default(),
            phase: text(&d.data, "/status/phase"),
            owners: owners(d),
        })
        .collect();
    data_volumes.sort_by(|a, b| a.name.cmp(&b.name));
    let plan_conditions = plan
        .and_then(|p| p.data.pointer("/status/conditions"))
        .and_then(Value::as_array)
        .map(|cs| cs.iter().map(condition).collect())
        .unwrap_or_default();
    Cluster {
        outcome_pvcs: pvcs.clone(),
        pvcs,
        data_volumes,
        plan_conditions,
        plan_exists: plan.is_some(),
    }
}

fn condition(c: &Value) -> Condition {
    Condition {
        r#type: text(c, "/type"),
        status: text(c, "/status"),
        category: text(c, "/category"),
        reason: text(c, "/reason"),
        message: text(c, "/message"),
    }
}

fn owners(o: &DynamicObject) -> Vec<String> {
    o.metadata
        .owner_references
        .iter()
        .flatten()
        .map(|r| format!("{}/{}", r.kind, r.name))
        .collect()
}

fn text(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> DynamicObject {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn pvcs_data_volumes_and_plan_conditions_as_read() {
        let pvc = obj(json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": "b", "namespace": "t", "uid": "u1", "labels": {"plan": "p1"},
                "ownerReferences": [{"apiVersion": "cdi.kubevirt.io/v1beta1", "kind": "DataVolume", "name": "b", "uid": "d1"}]},
            "status": {"phase": "Bound"}}));
        let pvc_a = obj(json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": "a", "namespace": "t"}}));
        let dv = obj(
            json!({"apiVersion": "cdi.kubevirt.io/v1beta1", "kind": "DataVolume",
            "metadata": {"name": "b", "namespace": "t"}, "status": {"phase": "Succeeded"}}),
        );
        let plan = obj(
            json!({"apiVersion": "forklift.konveyor.io/v1beta1", "kind": "Plan",
            "metadata": {"name": "p", "namespace": "n"},
            "status": {"conditions": [{"type": "Archived", "status": "True", "category": "Advisory", "reason": "UserRequested", "message": "archived"}]}}),
        );
        let c = cluster_model(&[pvc, pvc_a], &[dv], Some(&plan));
        assert_eq!(c.pvcs.len(), 2);
        assert_eq!(c.pvcs[0].name, "a", "sorted by name");
        assert_eq!(c.pvcs[1].uid, "u1");
        assert_eq!(c.pvcs[1].phase, "Bound");
        assert_eq!(c.pvcs[1].owners, ["DataVolume/b"]);
        assert_eq!(c.pvcs[1].labels["plan"], "p1");
        assert_eq!(c.data_volumes[0].phase, "Succeeded");
        assert_eq!(c.plan_conditions[0].r#type, "Archived");
        assert!(c.plan_exists);
        let gone = cluster_model(&[], &[], None);
        assert!(!gone.plan_exists && gone.plan_conditions.is_empty());
    }
}
