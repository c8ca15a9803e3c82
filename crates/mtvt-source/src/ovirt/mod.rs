//! oVirt / RHV source adapter over the engine REST API (`/ovirt-engine/api`, JSON): SSO
//! token from `/ovirt-engine/sso/oauth/token`, VM/template search, VMs created from
//! templates (the pytest suite's "clone"), start/stop, snapshots, disk attachments, guest
//! IPs from reported devices, delete.
//!
//! oVirt cannot clone a VM with a chosen storage domain or provisioning here, nor enable
//! VMware CBT: those requests return [`SourceError::Unsupported`] before anything changes.
//! It knows nothing of the engine or of whether the engine is emulated.

mod clone;
mod facts;
mod storage;

use std::time::Duration;

use mtvt_vocab::Secret;
use mtvt_vocab::{PowerState, ProviderKind};
use reqwest::{Client, Method, RequestBuilder};
use serde_json::{Value, json};
use url::Url;

use crate::endpoint::{SourceEndpoint, join};
use crate::error::SourceError;
use crate::http::{self, build_client};
use crate::model::{AddDisk, DiskFacts, GuestInfo, SnapshotFacts, SourceVmFacts, VmRef};
use crate::poll::{Probe, WaitOptions, wait_for};

const KIND: ProviderKind = ProviderKind::Ovirt;

/// An oVirt engine connection.
#[derive(Debug)]
pub struct OvirtClient {
    endpoint: SourceEndpoint,
    http: Client,
    api: Url,
    sso: Url,
    token: Option<Secret>,
    wait: WaitOptions,
}

/// oVirt renders numbers as strings (`"4294967296"`); accept both.
pub(crate) fn num(v: Option<&Value>) -> Option<u64> {
    v.and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    })
}

/// oVirt renders booleans as strings (`"true"`); accept both.
pub(crate) fn flag(v: Option<&Value>) -> Option<bool> {
    v.and_then(|v| v.as_bool().or_else(|| v.as_str().map(|s| s == "true")))
}

impl OvirtClient {
    /// A client for `endpoint` (`api_url` `https://engine/ovirt-engine/api`); call
    /// [`Self::connect`].
    pub fn new(endpoint: SourceEndpoint, wait: WaitOptions) -> Result<Self, SourceError> {
        let http = build_client(KIND, &endpoint.tls)?;
        let root = endpoint.api_root("/ovirt-engine/api")?;
        let api = join(KIND, &root, "ovirt-engine/api/")?;
        let sso = join(KIND, &root, "ovirt-engine/sso/oauth/token")?;
        Ok(Self {
            endpoint,
            http,
            api,
            sso,
            token: None,
            wait,
        })
    }

    fn req(&self, method: Method, path: &str) -> Result<RequestBuilder, SourceError> {
        let token = self
            .token
            .as_ref()
            .ok_or(SourceError::NotConnected { provider: KIND })?;
        let url = if path.is_empty() {
            // The API root, as the engine spells it (no trailing slash).
            let mut root = self.api.clone();
            root.set_path(self.api.path().trim_end_matches('/'));
            root
        } else {
            join(KIND, &self.api, path)?
        };
        Ok(self
            .http
            .request(method, url)
            .bearer_auth(token.expose())
            .header(reqwest::header::ACCEPT, "application/json")
            .header("Version", "4"))
    }

    async fn get(&self, path: &str) -> Result<Value, SourceError> {
        http::send(KIND, self.req(Method::GET, path)?)
            .await?
            .value()
    }

    async fn post(&self, path: &str, body: &Value) -> Result<Value, SourceError> {
        http::send(KIND, self.req(Method::POST, path)?.json(body))
            .await?
            .value()
    }

    /// Gets an SSO token (password grant); wrong credentials → [`SourceError::Auth`].
    pub async fn connect(&mut self) -> Result<(), SourceError> {
        let form = [
            ("grant_type", "password"),
            ("scope", "ovirt-app-api"),
            ("username", self.endpoint.username.as_str()),
            ("password", self.endpoint.password.expose()),
        ];
        let rb = self
            .http
            .post(self.sso.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form);
        let reply = http::send_any(KIND, rb).await?;
        let status = reply.status.as_u16();
        if matches!(status, 400 | 401 | 403) {
            return Err(SourceError::Auth {
                provider: KIND,
                url: format!(
                    "{}{}",
                    self.sso.origin().ascii_serialization(),
                    self.sso.path()
                ),
                status,
                message: reply.error_text(),
            });
        }
        if !reply.status.is_success() {
            return Err(reply.into_api_error());
        }
        let body = reply.value()?;
        let token = body
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| reply.protocol_error("the SSO answer has no access_token"))?;
        self.token = Some(Secret::new(token));
        self.get("").await.map(|_| ())
    }

    /// The VM named `name`, else the template of that name.
    pub async fn find_vm(&self, name: &str) -> Result<VmRef, SourceError> {
        for (coll, key, template) in [("vms", "vm", false), ("templates", "template", true)] {
            let rb = self
                .req(Method::GET, coll)?
                .query(&[("search", format!("name=\"{name}\""))]);
            let list = http::send(KIND, rb).await?.value()?;
            let hits: Vec<&Value> = list
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|v| v.get("name").and_then(Value::as_str) == Some(name))
                .collect();
            if let Some(v) = hits.first() {
                let id = v.get("id").and_then(Value::as_str).unwrap_or_default();
                return Ok(VmRef {
                    id: id.to_string(),
                    name: name.to_string(),
                    template,
                });
            }
        }
        Err(SourceError::not_found(
            KIND,
            format!("VM or template '{name}'"),
        ))
    }

    async fn status(&self, vm: &VmRef) -> Result<String, SourceError> {
        let v = self.get(&format!("vms/{}", vm.id)).await?;
        Ok(v.get("status")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string())
    }

    async fn wait_status(&self, vm: &VmRef, want: &str) -> Result<(), SourceError> {
        wait_for(
            KIND,
            &vm.name,
            &format!("status {want}"),
            self.wait.op_timeout,
            self.wait.backoff,
            || async {
                let s = self.status(vm).await?;
                Ok(if s == want {
                    Probe::Ready(())
                } else {
                    Probe::Pending(format!("status {s}"))
                })
            },
        )
        .await
    }

    /// Starts/stops the VM and waits for `up`/`down`; already there is success.
    pub async fn set_power(&self, vm: &VmRef, want: PowerState) -> Result<(), SourceError> {
        if vm.template {
            return Err(SourceError::InvalidRequest {
                provider: KIND,
                message: format!("'{}' is a template; templates have no power state", vm.name),
            });
        }
        let (action, target) = match want {
            PowerState::On => ("start", "up"),
            PowerState::Off => ("stop", "down"),
        };
        if self.status(vm).await? == target {
            return Ok(());
        }
        let rb = self
            .req(Method::POST, &format!("vms/{}/{action}", vm.id))?
            .json(&json!({}));
        let reply = http::send_any(KIND, rb).await?;
        if reply.status.as_u16() == 409 {
            // Refused because of the current state: fine if another actor got it there.
            return if self.status(vm).await? == target {
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

    /// Waits until the VM is up and its guest agent reports an IP (reported devices).
    pub async fn wait_for_guest_info(
        &self,
        vm: &VmRef,
        timeout: Duration,
    ) -> Result<GuestInfo, SourceError> {
        wait_for(
            KIND,
            &vm.name,
            "guest agent reporting an IP",
            timeout,
            self.wait.backoff,
            || async {
                let v = self.get(&format!("vms/{}", vm.id)).await?;
                let status = v.get("status").and_then(Value::as_str).unwrap_or("unknown");
                if status != "up" {
                    return Ok(Probe::Pending(format!("status {status}")));
                }
                let devices = self.get(&format!("vms/{}/reporteddevices", vm.id)).await?;
                let ips = facts::reported_ips(&devices);
                let all: Vec<String> = ips.into_iter().flat_map(|(_, v)| v).collect();
                Ok(if all.is_empty() {
                    Probe::Pending("up, guest agent reports no IP yet".into())
                } else {
                    Probe::Ready(GuestInfo {
                        hostname: v.get("fqdn").and_then(Value::as_str).map(str::to_string),
                        ips: all,
                    })
                })
            },
        )
        .await
    }

    /// Creates a snapshot (its description is its name) and waits until it is `ok`.
    pub async fn create_snapshot(
        &self,
        vm: &VmRef,
        name: &str,
        _description: &str,
    ) -> Result<SnapshotFacts, SourceError> {
        storage::create_snapshot(self, vm, name).await
    }

    /// Regular snapshots (not the `active` one), oldest first.
    pub async fn list_snapshots(&self, vm: &VmRef) -> Result<Vec<SnapshotFacts>, SourceError> {
        let list = self.get(&format!("vms/{}/snapshots", vm.id)).await?;
        Ok(facts::snapshots(&list))
    }

    /// Adds an image disk on a storage domain (`POST /vms/{id}/diskattachments`).
    pub async fn add_disk(&self, vm: &VmRef, disk: &AddDisk) -> Result<DiskFacts, SourceError> {
        storage::add_disk(self, vm, disk).await
    }

    /// Stops the VM if needed, then deletes it; a missing VM is success.
    pub async fn delete_vm(&self, vm: &VmRef) -> Result<(), SourceError> {
        match self.set_power(vm, PowerState::Off).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e),
        }
        let reply =
            http::send_any(KIND, self.req(Method::DELETE, &format!("vms/{}", vm.id))?).await?;
        if reply.status.is_success() || reply.status.as_u16() == 404 {
            Ok(())
        } else {
            Err(reply.into_api_error())
        }
    }

    /// Everything the post-migration checks compare (see [`SourceVmFacts`]).
    pub async fn vm_facts(&self, vm: &VmRef) -> Result<SourceVmFacts, SourceError> {
        facts::collect(self, vm).await
    }
}

/// oVirt has no changed block tracking in the VMware sense.
pub(crate) fn cbt_unsupported() -> SourceError {
    SourceError::unsupported(
        KIND,
        "enable_cbt",
        "changed block tracking is a vSphere feature; oVirt warm migration uses incremental backup, which mtvt does not configure",
    )
}

fn looks_like_uuid(s: &str) -> bool {
    s.len() == 36
        && s.chars().enumerate().all(|(i, c)| {
            matches!(i, 8 | 13 | 18 | 23) == (c == '-') && (c == '-' || c.is_ascii_hexdigit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_helpers() {
        assert_eq!(num(Some(&json!("4096"))), Some(4096));
        assert_eq!(num(Some(&json!(7))), Some(7));
        assert_eq!(num(Some(&json!("x"))), None);
        assert_eq!(flag(Some(&json!("true"))), Some(true));
        assert_eq!(flag(Some(&json!(false))), Some(false));
        assert!(looks_like_uuid("4f1c2a3b-0000-4000-8000-0123456789ab"));
        assert!(!looks_like_uuid("mtv-data"));
    }
}
