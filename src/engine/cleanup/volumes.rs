//! The PersistentVolumes behind the claims Forklift made for our plans. Deleting a claim
//! deletes its volume (reclaim policy `Delete`) or leaves it `Released` (`Retain`); a
//! volume still bound to one of those claims after the teardown is a leak, which the pytest
//! suite waits out too (utilities/migration_utils.py `check_dv_pvc_pv_deleted`: volumes
//! whose claimRef matches and that are not Released, 2 minutes). Volumes are cluster-wide
//! and carry no plan label, so they are found through the claims' uids, recorded before
//! the claims go.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use kube::api::{DynamicObject, ListParams};
use serde_json::Value;

use super::{TeardownLog, plan_selector};
use crate::cluster::kinds;
use crate::engine::error::api_message;
use crate::engine::retry::with_retry;

/// How long the volumes of deleted claims may take to go.
pub const VOLUME_TIMEOUT: Duration = Duration::from_secs(120);

/// The uids of the claims Forklift made for plans `(uid, target namespace)`.
pub(super) async fn plan_claims(
    client: &kube::Client,
    targets: &[(String, String)],
    log: &mut TeardownLog,
) -> BTreeSet<String> {
    let mut uids = BTreeSet::new();
    for (plan, tns) in targets {
        let api = kinds::PVC.api(client, Some(tns));
        let lp = ListParams::default().labels(&plan_selector(plan));
        match with_retry(|| async { api.list(&lp).await }).await {
            Ok(list) => uids.extend(list.items.iter().filter_map(|c| c.metadata.uid.clone())),
            Err(e) => log.errors.push(format!(
                "list the PersistentVolumeClaims of plan {plan} in {tns}: {}",
                api_message(&e)
            )),
        }
    }
    uids
}

/// The volumes still bound to one of `claims` (not `Released`), by name.
fn still_bound(volumes: &[DynamicObject], claims: &BTreeSet<String>) -> Vec<String> {
    volumes
        .iter()
        .filter(|v| {
            let claim = v.data.pointer("/spec/claimRef/uid").and_then(Value::as_str);
            let phase = v.data.pointer("/status/phase").and_then(Value::as_str);
            claim.is_some_and(|c| claims.contains(c)) && phase != Some("Released")
        })
        .filter_map(|v| v.metadata.name.clone())
        .collect()
}

/// Waits until no volume is bound to `claims` any more (at most [`VOLUME_TIMEOUT`]).
pub(super) async fn wait_released(
    client: &kube::Client,
    claims: &BTreeSet<String>,
    log: &mut TeardownLog,
) {
    if claims.is_empty() {
        return;
    }
    let api = kinds::PV.api(client, None);
    let start = Instant::now();
    loop {
        let left = match with_retry(|| async { api.list(&ListParams::default()).await }).await {
            Ok(list) => still_bound(&list.items, claims),
            Err(e) => {
                log.errors.push(format!(
                    "list PersistentVolumes to check the deleted claims' volumes: {}",
                    api_message(&e)
                ));
                return;
            }
        };
        if left.is_empty() {
            return;
        }
        if start.elapsed() >= VOLUME_TIMEOUT {
            log.errors.push(format!(
                "PersistentVolume(s) {} still bound to deleted claims of our plans after {}s; delete them (kubectl delete pv NAME) or check the storage provisioner",
                left.join(", "),
                VOLUME_TIMEOUT.as_secs()
            ));
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pv(name: &str, claim: &str, phase: &str) -> DynamicObject {
        serde_json::from_value(json!({"apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": name}, "spec": {"claimRef": {"uid": claim}},
            "status": {"phase": phase}}))
        .unwrap()
    }

    #[test]
    fn only_volumes_bound_to_our_claims_count() {
        let claims: BTreeSet<String> = ["c1".to_string()].into();
        let pvs = [
            pv("mine", "c1", "Bound"),
            pv("retained", "c1", "Released"),
            pv("other", "c9", "Bound"),
        ];
        assert_eq!(still_bound(&pvs, &claims), vec!["mine".to_string()]);
    }
}
