//! The `plan` model: the plan as the run created it (resolved values, Forklift defaults
//! applied) and the network mapping read back from its NetworkMap entries.

use std::collections::BTreeMap;

use mtvt_lang::models::Plan;
use mtvt_lang::schema::enums::ProviderKind;
use serde_json::Value;

use super::super::resolve::ResolvedPlan;

/// Source network → `pod` or NAD name, from NetworkMap `spec.map` entries. A source named
/// with a path (`Default/ovirtmgmt`, `ns/nad`) is also keyed by its last segment.
pub fn network_mapping(entries: &[Value]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in entries {
        let dest = match e.pointer("/destination/type").and_then(Value::as_str) {
            Some("pod") => "pod".to_string(),
            Some("multus") => e
                .pointer("/destination/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            _ => continue,
        };
        let src = e.get("source").cloned().unwrap_or(Value::Null);
        let mut keys = Vec::new();
        for k in ["name", "id"] {
            if let Some(v) = src.get(k).and_then(Value::as_str) {
                keys.push(v.to_string());
                if let Some((_, last)) = v.rsplit_once('/') {
                    keys.push(last.to_string());
                }
            }
        }
        if src.get("type").and_then(Value::as_str) == Some("pod") {
            keys.push("pod".into());
        }
        for k in keys {
            out.entry(k).or_insert_with(|| dest.clone());
        }
    }
    out
}

/// The model of a plan; `openshift_version` is the destination cluster's release.
pub fn plan_model(
    p: &ResolvedPlan,
    kind: ProviderKind,
    network_entries: &[Value],
    openshift_version: Option<String>,
) -> Plan {
    Plan {
        name: p.names.plan.clone(),
        namespace: p.namespace.clone(),
        source_provider_type: kind,
        warm: p.ir.warm,
        copy_offload: p.ir.copy_offload,
        target_power_state: p.ir.target_power_state,
        preserve_static_ips: p.ir.preserve_static_ips.unwrap_or(false),
        xfs_compatibility: p.ir.xfs_compatibility.unwrap_or(false),
        enable_nested_virtualization: p.ir.enable_nested_virtualization.unwrap_or(false),
        target_namespace: p.target_namespace.clone(),
        multus_namespace: Some(p.multus_namespace.clone()),
        pvc_name_template: p.pvc_name_template.clone(),
        pvc_name_template_use_generate_name: p
            .pvc_name_template_use_generate_name
            .unwrap_or(kind != ProviderKind::Openshift),
        target_labels: p.target_labels.clone(),
        target_node_selector: p.node_selector.clone(),
        target_affinity: p.ir.target_affinity.clone(),
        storage_class: p.storage_class.clone(),
        destination: p.ir.destination,
        network_map: network_mapping(network_entries),
        openshift_version,
        // filled by the observer from the session and the cluster
        source_provider_insecure_skip_verify: false,
        source_secret_insecure_skip_verify: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mapping_keys() {
        let m = network_mapping(&[
            json!({"source": {"name": "Default/ovirtmgmt"}, "destination": {"type": "pod"}}),
            json!({"source": {"id": "n1", "name": "mgmt"}, "destination": {"type": "multus", "name": "nad-1", "namespace": "default"}}),
            json!({"source": {"type": "pod"}, "destination": {"type": "pod"}}),
            json!({"source": {"name": "x"}, "destination": {"type": "ignored"}}),
        ]);
        assert_eq!(m["Default/ovirtmgmt"], "pod");
        assert_eq!(m["ovirtmgmt"], "pod");
        assert_eq!(m["mgmt"], "nad-1");
        assert_eq!(m["n1"], "nad-1");
        assert_eq!(m["pod"], "pod");
        assert!(!m.contains_key("x"));
    }
}
