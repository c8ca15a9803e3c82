//! The maps a plan references: their references (missing, not found, not `Ready`), the
//! network map's checks against the plan (static IPs on the pod network, NADs outside the
//! target namespace), and the lookups per-VM checks and execution make in them.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::Value;

use super::super::super::Ctx;
use super::super::super::catalog::{SourceView, SrcRef};
use super::super::super::conditions::{CRITICAL, Cnd, Conditions, WARN, has_condition};
use super::super::super::gvr;
use super::super::super::json_edit::text;

pub(super) fn map_ref(
    ctx: &Ctx,
    plan: &Value,
    which: &str,
    cnd: &mut Conditions,
) -> Option<Arc<Value>> {
    let (ref_type, not_ready, label, g) = if which == "network" {
        (
            "NetworkMapRefNotValid",
            "NetworkMapNotReady",
            "Network",
            gvr::network_maps(),
        )
    } else {
        (
            "StorageRefNotValid",
            "StorageMapNotReady",
            "Storage",
            gvr::storage_maps(),
        )
    };
    let ns = text(plan, &format!("/spec/map/{which}/namespace"));
    let name = text(plan, &format!("/spec/map/{which}/name"));
    let msg = format!("Map.{label} is not valid.");
    if ns.is_empty() || name.is_empty() {
        cnd.set(Cnd::new(ref_type, CRITICAL, "NotSet", &msg));
        return None;
    }
    match ctx.store.get(&g, ns, name) {
        Err(_) => {
            cnd.set(Cnd::new(ref_type, CRITICAL, "NotFound", &msg));
            None
        }
        Ok(m) => {
            if !has_condition(&m, "Ready") {
                cnd.set(Cnd::new(
                    not_ready,
                    CRITICAL,
                    "",
                    &format!("Map.{label} does not have Ready condition."),
                ));
            }
            Some(m)
        }
    }
}

/// The network map's checks against the plan: static IPs preserved on the pod network
/// (vSphere), NADs outside the target and `default` namespaces.
pub(super) fn check_network_map(
    plan: &Value,
    src_type: &str,
    nm: &Value,
    tns: &str,
    cnd: &mut Conditions,
) {
    let preserve = plan
        .pointer("/spec/preserveStaticIPs")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let entries = nm
        .pointer("/spec/map")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if preserve
        && src_type == "vsphere"
        && entries
            .iter()
            .any(|e| text(e, "/destination/type") == "pod")
    {
        cnd.set(Cnd::new("NetMapPreservingIPsOnPodNetwork", WARN, "", "Your migration plan preserves the static IPs of VMs and uses Pod Networking target network mapping. This combination isn't supported, because VM IPs aren't preserved in Pod Networking migrations."));
    }
    for e in &entries {
        if text(e, "/destination/type") != "multus" {
            continue;
        }
        let dns = text(e, "/destination/namespace");
        if dns != tns && dns != "default" {
            cnd.set(Cnd::new("NetMapDestinationNADNotValid", CRITICAL, "NotValid", &format!(
                "Destination NAD {dns}/{} must be in either the target namespace ({tns}) or the default namespace. Pods cannot reference network attachment definitions from other namespaces.",
                text(e, "/destination/name"))));
            break;
        }
    }
}

/// IDs in a map's `status.references` (`pod` for a `{type: pod}` reference).
pub(super) fn reference_ids(map: &Value) -> HashSet<String> {
    map.pointer("/status/references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| {
            if text(r, "/type") == "pod" {
                "pod".to_string()
            } else {
                text(r, "/id").to_string()
            }
        })
        .collect()
}

/// The storage-map entry of a storage id.
pub fn storage_entry<'a>(
    map: &'a Value,
    view: &SourceView<'_>,
    storage: &str,
) -> Option<&'a Value> {
    map.pointer("/spec/map")
        .and_then(Value::as_array)?
        .iter()
        .find(|e| {
            let r = SrcRef::from_json(e.get("source").unwrap_or(&Value::Null));
            view.storage(&r).is_ok_and(|(id, _)| id == storage)
        })
}

/// The network-map entry of a network id.
pub fn network_entry<'a>(
    map: &'a Value,
    view: &SourceView<'_>,
    network: &str,
) -> Option<&'a Value> {
    map.pointer("/spec/map")
        .and_then(Value::as_array)?
        .iter()
        .find(|e| {
            let r = SrcRef::from_json(e.get("source").unwrap_or(&Value::Null));
            view.network(&r).is_ok_and(|(id, _)| id == network)
        })
}

/// Whether the storage map uses an offload plugin.
pub fn uses_offload(map: &Value) -> bool {
    map.pointer("/spec/map")
        .and_then(Value::as_array)
        .is_some_and(|a| {
            a.iter()
                .any(|e| e.pointer("/offloadPlugin/vsphereXcopyConfig").is_some())
        })
}
