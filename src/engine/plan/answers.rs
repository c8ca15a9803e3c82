//! What the source provider and the Forklift inventory answer before maps and plans can be
//! built: the VMs' inventory ids and names, the storages and networks they use. A run
//! fills [`PlanAnswers`] from real answers; `mtvt render` uses [`placeholder_answers`].

use serde_json::{Value, json};

use super::super::manifests::PlanVm;
use super::super::resolve::ResolvedPlan;
use mtvt_lang::ir::VmIr;

/// Inventory answers for one plan.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanAnswers {
    /// The plan's VMs as the inventory knows them.
    pub vms: Vec<PlanVm>,
    /// StorageMap sources (non copy-offload plans).
    pub storage_sources: Vec<Value>,
    /// Datastore ids the VMs' disks use (copy-offload plans).
    pub datastore_ids: Vec<String>,
    /// NetworkMap sources: the first maps to the pod network, the others to NADs.
    pub network_sources: Vec<Value>,
}

/// The source VM name a scenario VM is looked up by (its `name_for` entry for the provider
/// type, else its name).
pub fn source_name(vm: &VmIr, provider_type: &str) -> String {
    vm.name_for
        .iter()
        .find(|(k, _)| k.as_str() == provider_type)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| vm.source_name.clone())
}

/// Placeholder answers for `mtvt render`: clone names `<session>-<vm>-xxxx`, ids and
/// storage/network sources spelled as what the inventory would tell.
pub fn placeholder_answers(plan: &ResolvedPlan, session: &str, provider_type: &str) -> PlanAnswers {
    let vms = plan
        .ir
        .vms
        .iter()
        .map(|vm| {
            let base = source_name(vm, provider_type);
            let name = if vm.clone && provider_type != "ova" {
                match vm.clone_name.as_ref().and_then(|c| c.as_literal()) {
                    Some(c) if vm.preserve_name_format => c,
                    Some(c) => format!("{session}-{c}-xxxx"),
                    None => format!("{session}-{base}-xxxx"),
                }
            } else {
                base
            };
            PlanVm {
                id: format!("<inventory id of {name}>"),
                namespace: (provider_type == "openshift").then(|| "<source namespace>".to_string()),
                name,
            }
        })
        .collect();
    PlanAnswers {
        vms,
        storage_sources: vec![json!({"name": "<storage of the VMs' disks, from the inventory>"})],
        datastore_ids: Vec::new(),
        network_sources: vec![
            json!({"name": "<network of the VMs' first NIC, from the inventory>"}),
        ],
    }
}
