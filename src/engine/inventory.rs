//! The Forklift inventory as a run uses it: found through the `forklift-inventory` Route,
//! resolved to the session's source Provider, then asked — after source preparation — to
//! list each VM (waiting until it does and shows what preparation changed) and to tell the VM ids, storages and networks the
//! maps and the Plan are built from ([`PlanAnswers`]).
//!
//! Read-only; the HTTP client lives in `mtvt_forklift`.

use std::time::Duration;

use mtvt_forklift::{Expected, InventoryClient, ProviderInventory};
use mtvt_source::{Backoff, SourceVmFacts, TlsOptions};
use mtvt_vocab::{ProviderKind, Secret};
use serde_json::Value;

use super::error::EngineError;
use super::manifests::PlanVm;
use super::plan::PlanAnswers;

/// How long a VM may take to appear in the inventory (the pytest suite's 300 s).
pub const INVENTORY_TIMEOUT: Duration = Duration::from_secs(300);

fn inv_error(action: String, e: mtvt_forklift::InventoryError) -> EngineError {
    EngineError::Source {
        action,
        message: e.to_string(),
    }
}

/// Where the inventory and the session's Provider in it are.
#[derive(Debug)]
pub struct InventoryTarget<'a> {
    /// MTV namespace (holds the `forklift-inventory` Route).
    pub mtv_namespace: &'a str,
    /// Bearer token.
    pub token: Secret,
    /// TLS of the Route.
    pub tls: &'a TlsOptions,
    /// Source provider type.
    pub kind: ProviderKind,
    /// Source Provider name.
    pub provider_name: &'a str,
    /// Its namespace.
    pub provider_namespace: &'a str,
    /// OpenShift sources: namespace of the VMs.
    pub openshift_namespace: &'a str,
}

/// The inventory of the session's source provider.
#[derive(Debug, Clone)]
pub struct InventorySide {
    provider: ProviderInventory,
    kind: ProviderKind,
}

impl InventorySide {
    /// Finds the inventory Route in `mtv_namespace` and the source Provider in it.
    pub async fn connect(
        kube: &kube::Client,
        at: &InventoryTarget<'_>,
    ) -> Result<Self, EngineError> {
        let InventoryTarget {
            mtv_namespace,
            token,
            tls,
            kind,
            provider_name,
            provider_namespace,
            openshift_namespace,
        } = at;
        let (kind, token) = (*kind, token.clone());
        let client = InventoryClient::from_route(kube, mtv_namespace, token, tls)
            .await
            .map_err(|e| inv_error(format!("find the Forklift inventory in {mtv_namespace}"), e))?
            .with_backoff(Backoff {
                initial: Duration::from_millis(50),
                max: Duration::from_secs(5),
                factor: 2.0,
            });
        let mut provider = client
            .provider(kind, provider_name, Some(provider_namespace))
            .await
            .map_err(|e| {
                inv_error(
                    format!("find Provider {provider_namespace}/{provider_name} in the inventory"),
                    e,
                )
            })?;
        if kind == ProviderKind::Openshift {
            provider = provider.with_vm_namespace(*openshift_namespace);
        }
        Ok(InventorySide { provider, kind })
    }

    /// Waits until VM `name` is listed and shows what preparation left on the source
    /// (`facts`, read after preparation: disks, datastores, NICs, power, CBT), and returns
    /// its full inventory document. Without facts (OVA) being listed is enough.
    pub async fn wait_vm(
        &self,
        name: &str,
        facts: Option<&SourceVmFacts>,
    ) -> Result<Value, EngineError> {
        let expected = facts.map_or_else(Expected::listed, Expected::from_facts);
        self.provider
            .wait_for_vm(name, &expected, INVENTORY_TIMEOUT)
            .await
            .map_err(|e| {
                inv_error(
                    format!("wait for VM {name} in the {} inventory", self.kind),
                    e,
                )
            })
    }

    /// The answers for a plan whose VMs' inventory documents are `vms`.
    pub async fn answers(&self, vms: &[Value]) -> Result<PlanAnswers, EngineError> {
        let plan_vms = vms
            .iter()
            .map(|v| {
                let text = |p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
                PlanVm {
                    id: text("/id").unwrap_or_default(),
                    name: text("/name").unwrap_or_default(),
                    namespace: if self.kind == ProviderKind::Openshift {
                        text("/namespace").or_else(|| text("/object/metadata/namespace"))
                    } else {
                        None
                    },
                }
            })
            .collect();
        let storage_sources = self
            .provider
            .vms_storage_sources(vms)
            .await
            .map_err(|e| inv_error("read the VMs' storages from the inventory".into(), e))?;
        let network_sources = self
            .provider
            .vms_network_sources(vms)
            .await
            .map_err(|e| inv_error("read the VMs' networks from the inventory".into(), e))?;
        let mut datastore_ids = Vec::new();
        for v in vms {
            for d in v
                .pointer("/disks")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(id) = d.pointer("/datastore/id").and_then(Value::as_str)
                    && !datastore_ids.iter().any(|x: &String| x == id)
                {
                    datastore_ids.push(id.to_string());
                }
            }
        }
        Ok(PlanAnswers {
            vms: plan_vms,
            storage_sources,
            datastore_ids,
            network_sources,
        })
    }
}
