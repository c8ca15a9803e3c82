//! OpenStack server state: status waits (`ERROR` fails at once), `os-start`/`os-stop`, and
//! the wait for an active server with an address (Nova has no guest agent data).

use std::time::Duration;

use mtvt_vocab::PowerState;
use reqwest::Method;
use serde_json::{Value, json};

use super::{KIND, OpenstackClient, Service, facts};
use crate::error::SourceError;
use crate::http;
use crate::model::{GuestInfo, VmRef};
use crate::poll::{Probe, wait_for};

impl OpenstackClient {
    /// Waits for the server's `status` to become `want` (`ERROR` fails at once).
    pub(crate) async fn wait_status(&self, vm: &VmRef, want: &str) -> Result<(), SourceError> {
        wait_for(
            KIND,
            &vm.name,
            &format!("status {want}"),
            self.wait.op_timeout,
            self.wait.backoff,
            || async {
                let s = self.server(&vm.id).await?;
                let status = s.get("status").and_then(Value::as_str).unwrap_or("UNKNOWN");
                if status == want {
                    return Ok(Probe::Ready(()));
                }
                if status == "ERROR" {
                    return Err(SourceError::TaskFailed {
                        provider: KIND,
                        operation: "server state change",
                        vm: vm.name.clone(),
                        message: s
                            .pointer("/fault/message")
                            .and_then(Value::as_str)
                            .unwrap_or("the server went to ERROR")
                            .to_string(),
                    });
                }
                let task = s
                    .get("OS-EXT-STS:task_state")
                    .and_then(Value::as_str)
                    .unwrap_or("none");
                Ok(Probe::Pending(format!(
                    "status {status}, task_state {task}"
                )))
            },
        )
        .await
    }

    /// `os-start` / `os-stop` and wait for `ACTIVE` / `SHUTOFF`; already there is success.
    pub async fn set_power(&self, vm: &VmRef, want: PowerState) -> Result<(), SourceError> {
        let (action, target) = match want {
            PowerState::On => ("os-start", "ACTIVE"),
            PowerState::Off => ("os-stop", "SHUTOFF"),
        };
        let current = self.server(&vm.id).await?;
        if current.get("status").and_then(Value::as_str) == Some(target) {
            return Ok(());
        }
        let rb = self
            .req(
                Service::Compute,
                Method::POST,
                &format!("servers/{}/action", vm.id),
            )?
            .json(&json!({ action: null }));
        let reply = http::send_any(KIND, rb).await?;
        if reply.status.as_u16() == 409 {
            let now = self.server(&vm.id).await?;
            return if now.get("status").and_then(Value::as_str) == Some(target) {
                Ok(())
            } else {
                Err(reply.into_api_error())
            };
        }
        if !reply.status.is_success() {
            return Err(reply.into_api_error());
        }
        self.wait_status(vm, target).await
    }

    /// Waits until the server is `ACTIVE` with at least one address (Nova has no guest
    /// agent data; an address on an active server is the closest signal).
    pub async fn wait_for_guest_info(
        &self,
        vm: &VmRef,
        timeout: Duration,
    ) -> Result<GuestInfo, SourceError> {
        wait_for(
            KIND,
            &vm.name,
            "ACTIVE with an address",
            timeout,
            self.wait.backoff,
            || async {
                let s = self.server(&vm.id).await?;
                let status = s.get("status").and_then(Value::as_str).unwrap_or("UNKNOWN");
                let ips: Vec<String> = facts::addresses(&s)
                    .into_iter()
                    .flat_map(|(_, _, ips)| ips)
                    .collect();
                Ok(if status == "ACTIVE" && !ips.is_empty() {
                    Probe::Ready(GuestInfo {
                        hostname: None,
                        ips,
                    })
                } else {
                    Probe::Pending(format!("status {status}, {} address(es)", ips.len()))
                })
            },
        )
        .await
    }
}
