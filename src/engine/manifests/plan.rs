//! Plan manifests: providers, maps, target namespace, VMs (inventory ids, hooks) and every
//! plan feature of the scenario, already resolved (session values substituted, defaults of
//! the run applied). Unset features are left out so Forklift's defaults apply.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Manifest, Owner, ProviderPair, merge_passthrough, object, reference, set};
use crate::cluster::kinds;

/// One VM of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanVm {
    /// Inventory id.
    pub id: String,
    /// Source name.
    pub name: String,
    /// Source namespace (OpenShift sources).
    pub namespace: Option<String>,
}

/// Everything a Plan manifest is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanManifest<'a> {
    /// Plan name.
    pub name: &'a str,
    /// Plan namespace (the scenario's).
    pub namespace: &'a str,
    /// Source and destination Providers.
    pub providers: ProviderPair<'a>,
    /// StorageMap (in `namespace`).
    pub storage_map: &'a str,
    /// NetworkMap (in `namespace`).
    pub network_map: &'a str,
    /// Where the VMs go.
    pub target_namespace: &'a str,
    /// VMs.
    pub vms: Vec<PlanVm>,
    /// `(step, hook name)` of every hook (in `namespace`), attached to each VM.
    pub hooks: Vec<(&'static str, String)>,
    /// `spec.warm`.
    pub warm: bool,
    /// `spec.targetPowerState`.
    pub target_power_state: Option<&'a str>,
    /// `spec.preserveStaticIPs`, always sent (the pytest suite sends `false` unless the
    /// scenario preserves IPs; Forklift's own default would be `true`).
    pub preserve_static_ips: bool,
    /// `spec.pvcNameTemplate`.
    pub pvc_name_template: Option<&'a str>,
    /// `spec.pvcNameTemplateUseGenerateName`.
    pub pvc_name_template_use_generate_name: Option<bool>,
    /// `spec.targetNodeSelector`.
    pub target_node_selector: &'a BTreeMap<String, String>,
    /// `spec.targetLabels`.
    pub target_labels: &'a BTreeMap<String, String>,
    /// `spec.targetAffinity`.
    pub target_affinity: Option<&'a Value>,
    /// First-class boolean features that are set: `(Plan spec field, value)`.
    pub flags: Vec<(&'static str, bool)>,
    /// The plan's `forklift { … }` fields, merged into `spec`.
    pub forklift: Option<&'a Value>,
    /// Each VM's `forklift { … }` fields (by position in `vms`), merged into its entry.
    pub vm_forklift: Vec<Option<&'a Value>>,
    /// Each VM's LUKS Secret (by position in `vms`), in `namespace`.
    pub vm_luks: Vec<Option<String>>,
}

/// The Plan CR.
pub fn plan(owner: &Owner, p: &PlanManifest<'_>) -> Manifest {
    let mut o = object(kinds::PLAN, p.name, Some(p.namespace), owner);
    let hooks: Vec<Value> = p
        .hooks
        .iter()
        .map(|(step, name)| json!({"hook": reference(name, p.namespace), "step": step}))
        .collect();
    let vms: Vec<Value> = p
        .vms
        .iter()
        .enumerate()
        .map(|(i, vm)| {
            let mut v = json!({"id": vm.id, "name": vm.name});
            if let Some(ns) = &vm.namespace {
                set(&mut v, "namespace", json!(ns));
            }
            if !hooks.is_empty() {
                set(&mut v, "hooks", json!(hooks));
            }
            if let Some(Some(secret)) = p.vm_luks.get(i) {
                set(&mut v, "luks", reference(secret, p.namespace));
            }
            if let Some(Some(extra)) = p.vm_forklift.get(i) {
                merge_passthrough(&mut v, extra);
            }
            v
        })
        .collect();
    let mut spec = json!({
        "provider": p.providers.spec(),
        "map": {
            "network": reference(p.network_map, p.namespace),
            "storage": reference(p.storage_map, p.namespace),
        },
        "targetNamespace": p.target_namespace,
        "warm": p.warm,
        "vms": vms,
    });
    if let Some(t) = p.target_power_state {
        set(&mut spec, "targetPowerState", json!(t));
    }
    set(&mut spec, "preserveStaticIPs", json!(p.preserve_static_ips));
    if let Some(t) = p.pvc_name_template {
        set(&mut spec, "pvcNameTemplate", json!(t));
    }
    if let Some(b) = p.pvc_name_template_use_generate_name {
        set(&mut spec, "pvcNameTemplateUseGenerateName", json!(b));
    }
    if !p.target_node_selector.is_empty() {
        set(
            &mut spec,
            "targetNodeSelector",
            json!(p.target_node_selector),
        );
    }
    if !p.target_labels.is_empty() {
        set(&mut spec, "targetLabels", json!(p.target_labels));
    }
    if let Some(a) = p.target_affinity {
        set(&mut spec, "targetAffinity", a.clone());
    }
    for (field, on) in &p.flags {
        set(&mut spec, field, json!(on));
    }
    if let Some(extra) = p.forklift {
        merge_passthrough(&mut spec, extra);
    }
    set(&mut o.body, "spec", spec);
    o
}
