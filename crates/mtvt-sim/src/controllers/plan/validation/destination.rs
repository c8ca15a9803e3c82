//! What plan validation reads from the destination provider's inventory: the VMs it lists
//! (a restricted host lists only its own namespace), whether the target VM already exists,
//! and which source MACs conflict with a listed VM (pkg/controller/plan/validation.go
//! :1205-1226, 1286-1311; adapter/base/mac_conflicts.go).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use super::super::super::Ctx;
use super::super::super::catalog::{
    Backend, SourceVm, backend_of, cluster_objects, restricted_namespace,
};
use super::super::super::json_edit::text;
use crate::store::object;

/// The destination VMs as the destination inventory lists them.
pub(super) struct DestinationVms {
    vms: Vec<Arc<Value>>,
}

impl DestinationVms {
    /// The VMs the destination Provider CR lists (none when it is not this cluster).
    pub(super) fn list(ctx: &Ctx, destination: Option<&Value>) -> Self {
        let vms = match destination {
            Some(d) if backend_of(ctx, d) == Some(Backend::Cluster) => {
                cluster_objects(ctx, restricted_namespace(ctx, d), "vms", None)
            }
            _ => Vec::new(),
        };
        Self { vms }
    }

    /// Whether a VM `name` is listed in namespace `ns`.
    pub(super) fn exists(&self, ns: &str, name: &str) -> bool {
        self.vms
            .iter()
            .any(|v| object::namespace(v) == ns && object::name(v) == name)
    }

    /// The `ns/name` of each listed VM that has one of `vm`'s MACs, with the MACs it has.
    pub(super) fn mac_conflicts(&self, vm: &SourceVm) -> BTreeMap<String, Vec<String>> {
        let mut owner = BTreeMap::new();
        for v in &self.vms {
            let who = format!("{}/{}", object::namespace(v), object::name(v));
            for i in v
                .pointer("/spec/template/spec/domain/devices/interfaces")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let mac = text(i, "/macAddress").to_lowercase();
                if !mac.is_empty() {
                    owner.insert(mac, who.clone());
                }
            }
        }
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for n in vm.nics.iter().filter(|n| !n.mac.is_empty()) {
            if let Some(who) = owner.get(&n.mac.to_lowercase()) {
                out.entry(who.clone()).or_default().push(n.mac.clone());
            }
        }
        out
    }
}

/// Upstream's per-VM text: "VM <ref> has MAC address conflicts: MACs <a, b> conflict with
/// destination VM <ns/name>; ...".
pub(super) fn mac_conflict_text(vm_ref: &str, conflicts: &BTreeMap<String, Vec<String>>) -> String {
    let details: Vec<String> = conflicts
        .iter()
        .map(|(who, macs)| {
            format!(
                "MACs {} conflict with destination VM {who}",
                macs.join(", ")
            )
        })
        .collect();
    format!(
        "VM {vm_ref} has MAC address conflicts: {}",
        details.join("; ")
    )
}
