//! The inventory of one provider (`/providers/<type>/<uid>/…`): its collections, VM
//! look-ups, the wait for a VM to appear as the source shows it, and the map sources of
//! a plan's VMs. Reads only.

use std::time::Duration;

use serde_json::Value;

use mtvt_source::poll::{Expired, Probe, poll_until};
use mtvt_vocab::ProviderKind;

use super::{InventoryClient, as_list, text};
use crate::error::InventoryError;
use crate::mappings;
use crate::sync::Expected;

/// The inventory of one provider (`/providers/<type>/<uid>/…`).
#[derive(Clone, Debug)]
pub struct ProviderInventory {
    pub(crate) client: InventoryClient,
    pub(crate) kind: ProviderKind,
    pub(crate) name: String,
    pub(crate) uid: String,
    pub(crate) vm_namespace: Option<String>,
}

impl ProviderInventory {
    /// The Provider's uid.
    pub fn uid(&self) -> &str {
        &self.uid
    }

    /// The provider type.
    pub fn kind(&self) -> ProviderKind {
        self.kind
    }

    /// OpenShift sources: look VMs up in this namespace only.
    pub fn with_vm_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.vm_namespace = Some(namespace.into());
        self
    }

    /// `GET providers/<type>/<uid>/<path>`.
    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Value, InventoryError> {
        self.client
            .get(
                &format!("providers/{}/{}/{}", self.kind, self.uid, path),
                query,
            )
            .await
    }

    /// A collection (`vms`, `datastores`, `networks`, …) at `detail`.
    pub async fn list(&self, collection: &str, detail: u32) -> Result<Vec<Value>, InventoryError> {
        let detail = detail.to_string();
        let mut q = vec![("detail", detail.as_str())];
        if let Some(ns) = &self.vm_namespace
            && self.kind == ProviderKind::Openshift
            && collection == "vms"
        {
            q.push(("namespace", ns));
        }
        as_list(self.get(collection, &q).await?, collection)
    }

    /// VMs (detail 1: ids, names, paths; vSphere lists are always full).
    pub async fn list_vms(&self) -> Result<Vec<Value>, InventoryError> {
        self.list("vms", 1).await
    }

    /// The full VM named `name` (list → match name → `GET vms/<id>`).
    pub async fn get_vm(&self, name: &str) -> Result<Value, InventoryError> {
        let vms = self.list("vms", 0).await?;
        let id = vms
            .iter()
            .find(|v| text(v, "name").as_deref() == Some(name))
            .and_then(|v| text(v, "id"))
            .ok_or_else(|| InventoryError::VmNotFound {
                provider: format!("{}/{}", self.kind, self.name),
                name: name.to_string(),
                hint: self
                    .vm_namespace
                    .as_ref()
                    .map(|n| format!("; looked in namespace {n}"))
                    .unwrap_or_default(),
            })?;
        self.get(&format!("vms/{id}"), &[]).await
    }

    /// The inventory id of VM `name` (what a Plan's `vms[].id` carries).
    pub async fn vm_id(&self, name: &str) -> Result<String, InventoryError> {
        let vm = self.get_vm(name).await?;
        text(&vm, "id").ok_or_else(|| InventoryError::Protocol {
            path: format!("providers/{}/{}/vms", self.kind, self.uid),
            message: format!("VM '{name}' has no id"),
        })
    }

    /// Waits until the inventory shows VM `name` as `expected` (what preparation left on
    /// the source: disks, datastores, NICs, power, CBT; see [`Expected`]) and, for
    /// OpenStack, with attached volumes and networks it can resolve; polling with backoff
    /// up to `timeout`. Returns the full VM.
    pub async fn wait_for_vm(
        &self,
        name: &str,
        expected: &Expected,
        timeout: Duration,
    ) -> Result<Value, InventoryError> {
        let result = poll_until(timeout, self.client.backoff, || async {
            let vm = match self.get_vm(name).await {
                Ok(vm) => vm,
                Err(e) if e.is_not_found() => {
                    return Ok(Probe::Pending("not in the inventory yet".to_string()));
                }
                Err(e) => return Err(e),
            };
            if let Some(gap) = expected.gap(self.kind, &vm) {
                return Ok(Probe::Pending(format!("listed, but shows {gap}")));
            }
            if self.kind == ProviderKind::Openstack
                && let Some(pending) = mappings::openstack_sync_gap(self, &vm).await?
            {
                return Ok(Probe::Pending(pending));
            }
            Ok(Probe::Ready(vm))
        })
        .await;
        match result {
            Ok(r) => r,
            Err(Expired { waited, last_state }) => Err(InventoryError::Timeout {
                condition: format!(
                    "VM '{name}' in the {} inventory of provider {}",
                    self.kind, self.name
                ),
                waited,
                last_state,
            }),
        }
    }

    /// StorageMap `source` refs for the disks of `vms`, deduplicated in first-seen order
    /// (see [`mappings`] for the per-provider rules).
    pub async fn vms_storage_sources(&self, vms: &[Value]) -> Result<Vec<Value>, InventoryError> {
        mappings::storage_sources(self, vms).await
    }

    /// NetworkMap `source` refs for the NICs of `vms`, deduplicated in first-seen order; the
    /// first one maps to the pod network, the rest to Multus NADs.
    pub async fn vms_network_sources(&self, vms: &[Value]) -> Result<Vec<Value>, InventoryError> {
        mappings::network_sources(self, vms).await
    }
}
