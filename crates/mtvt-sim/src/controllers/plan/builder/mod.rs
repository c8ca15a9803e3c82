//! What the plan controller creates on the destination (`pkg/controller/plan/kubevirt.go` and
//! the adapters' builders): labels, DataVolumes per disk (names from `pvcNameTemplate`), and
//! the KubeVirt VirtualMachine (names, run strategy, CPU, memory, firmware, interfaces
//! `net-N`, volumes `vol-N`, template labels, node selector, affinity). Pure functions from
//! the plan, the source VM and the maps to JSON manifests.

mod data_volume;
mod nics;
mod vm;

pub use data_volume::data_volume;
pub use vm::virtual_machine;

use serde_json::{Map, Value, json};

use super::super::json_edit::text;

/// Identity of the running migration, for labels.
#[derive(Clone, Debug, Default)]
pub struct Run {
    /// Plan name.
    pub plan_name: String,
    /// Plan namespace.
    pub plan_ns: String,
    /// Plan UID.
    pub plan_uid: String,
    /// Migration UID.
    pub migration_uid: String,
}

/// `planLabels`.
pub fn plan_labels(run: &Run) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("migration".into(), json!(run.migration_uid));
    m.insert("plan".into(), json!(run.plan_uid));
    m.insert("plan-name".into(), json!(run.plan_name));
    m.insert("plan-namespace".into(), json!(run.plan_ns));
    m
}

/// `vmLabels`.
pub fn vm_labels(run: &Run, vm_id: &str) -> Map<String, Value> {
    let mut m = plan_labels(run);
    m.insert("vmID".into(), json!(vm_id));
    m.insert("resource".into(), json!("vm-config"));
    m
}

/// Disk capacity rounded up to MiB, as a quantity (`30Gi`, `30721Mi`).
pub fn disk_quantity(bytes: u64) -> String {
    mtvt_vocab::Quantity(u128::from(bytes))
        .round_up_to_mib()
        .to_string()
}

/// The template in effect for a VM's PVC names (VM → plan → controller setting → default).
pub fn pvc_template<'a>(
    plan: &'a Value,
    spec_vm: &'a Value,
    controller: Option<&'a str>,
) -> Option<&'a str> {
    [
        text(spec_vm, "/pvcNameTemplate"),
        text(plan, "/spec/pvcNameTemplate"),
    ]
    .into_iter()
    .find(|t| !t.is_empty())
    .or(controller.filter(|t| !t.is_empty()))
}

#[cfg(test)]
mod tests;
