//! oVirt "clones": VMs created from a template (`POST /vms`), as the pytest suite does;
//! storage domain, provisioning and CBT requests are refused before anything changes.

use mtvt_vocab::PowerState;
use serde_json::{Value, json};

use super::{KIND, OvirtClient, cbt_unsupported};
use crate::error::SourceError;
use crate::model::{CloneRequest, ClonedVm, VmRef};

impl OvirtClient {
    /// Creates a VM from the template `base` (`POST /vms`), waits until its disks are
    /// unlocked (`down`), and powers it on when asked.
    pub async fn clone_vm(
        &self,
        base: &VmRef,
        request: &CloneRequest,
    ) -> Result<ClonedVm, SourceError> {
        if !base.template {
            return Err(SourceError::unsupported(
                KIND,
                "clone_vm",
                format!(
                    "'{}' is a VM; the oVirt adapter creates VMs from templates (POST /vms with a template), as the pytest suite does — name a template",
                    base.name
                ),
            ));
        }
        let refuse = |what: &str| {
            Err(SourceError::unsupported(
                KIND,
                "clone_vm",
                format!(
                    "{what} is not available for oVirt clones: a VM created from a template keeps the template's disk layout"
                ),
            ))
        };
        if request.target_datastore.is_some() {
            return refuse("a target storage domain");
        }
        if request.disk_provisioning.is_some() {
            return refuse("disk provisioning");
        }
        if request.enable_cbt {
            return Err(cbt_unsupported());
        }
        if !request.preserve_name_format
            && mtvt_vocab::names::dns1123_label(&request.new_name).is_err()
        {
            return Err(SourceError::InvalidRequest {
                provider: KIND,
                message: format!("clone name '{}' is not a DNS-1123 label", request.new_name),
            });
        }
        let template = self.get(&format!("templates/{}", base.id)).await?;
        let cluster = template
            .pointer("/cluster/id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let body = json!({"name": request.new_name, "cluster": {"id": cluster}, "template": {"id": base.id}});
        let created = self.post("vms", &body).await?;
        let id =
            created
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| SourceError::Protocol {
                    provider: KIND,
                    path: "/ovirt-engine/api/vms".into(),
                    message: "the created VM has no id".into(),
                })?;
        let vm = VmRef {
            id: id.to_string(),
            name: request.new_name.clone(),
            template: false,
        };
        self.wait_status(&vm, "down").await?;
        if request.power_on {
            self.set_power(&vm, PowerState::On).await?;
        }
        Ok(ClonedVm {
            vm,
            artifacts: Vec::new(),
        })
    }
}
