//! vSphere source adapter over vCenter's own protocols: the Automation REST API (`/api`:
//! session, VM lookup, power, delete, guest identity, tools, datastores) and, for what `/api`
//! cannot do, the VI/JSON API (`/sdk/vim25/<release>`, vCenter 8.0U1+: clone with datastore,
//! provisioning and CBT, snapshots, disks with datastore/folder/mode, CBT, tasks) — see
//! module `vim`. Both share the session created by `POST /api/session`.
//!
//! It knows nothing of the engine or of whether vCenter is emulated.

mod facts;
mod vim;

use mtvt_vocab::Secret;
use mtvt_vocab::{PowerState, ProviderKind};
use reqwest::{Client, Method, RequestBuilder};
use serde_json::Value;
use url::Url;

use crate::endpoint::{SourceEndpoint, join};
use crate::error::SourceError;
use crate::http::{self, build_client};
use crate::model::{
    AddDisk, CloneRequest, ClonedVm, DiskFacts, GuestInfo, SnapshotFacts, SourceVmFacts, VmRef,
};
use crate::poll::{Probe, WaitOptions, wait_for};

const KIND: ProviderKind = ProviderKind::Vsphere;

/// A vCenter connection.
#[derive(Debug)]
pub struct VsphereClient {
    endpoint: SourceEndpoint,
    http: Client,
    root: Url,
    session: Option<Secret>,
    wait: WaitOptions,
}

impl VsphereClient {
    /// A client for `endpoint` (`api_url` `https://vcenter/sdk`); call [`Self::connect`].
    pub fn new(endpoint: SourceEndpoint, wait: WaitOptions) -> Result<Self, SourceError> {
        let http = build_client(KIND, &endpoint.tls)?;
        let root = endpoint.api_root("/sdk")?;
        Ok(Self {
            endpoint,
            http,
            root,
            session: None,
            wait,
        })
    }

    fn url(&self, path: &str) -> Result<Url, SourceError> {
        join(KIND, &self.root, path)
    }

    fn req(&self, method: Method, path: &str) -> Result<RequestBuilder, SourceError> {
        let session = self
            .session
            .as_ref()
            .ok_or(SourceError::NotConnected { provider: KIND })?;
        Ok(self
            .http
            .request(method, self.url(path)?)
            .header("vmware-api-session-id", session.expose())
            .header(reqwest::header::ACCEPT, "application/json"))
    }

    async fn get(&self, path: &str) -> Result<Value, SourceError> {
        http::send(KIND, self.req(Method::GET, path)?)
            .await?
            .value()
    }

    /// `POST /api/session` with basic auth; wrong credentials → [`SourceError::Auth`].
    pub async fn connect(&mut self) -> Result<(), SourceError> {
        let url = self.url("api/session")?;
        let rb = self.http.post(url.clone()).basic_auth(
            &self.endpoint.username,
            Some(self.endpoint.password.expose()),
        );
        let reply = http::send_any(KIND, rb).await?;
        if reply.status.as_u16() == 401 || reply.status.as_u16() == 403 {
            return Err(SourceError::Auth {
                provider: KIND,
                url: format!("{}{}", url.origin().ascii_serialization(), url.path()),
                status: reply.status.as_u16(),
                message: reply.error_text(),
            });
        }
        if !reply.status.is_success() {
            return Err(reply.into_api_error());
        }
        let id: String = reply.json()?;
        self.session = Some(Secret::new(id));
        vim::check_available(self).await
    }

    /// `DELETE /api/session` (best effort: an expired session is already gone).
    pub async fn disconnect(&mut self) -> Result<(), SourceError> {
        if self.session.is_some() {
            let reply = http::send_any(KIND, self.req(Method::DELETE, "api/session")?).await?;
            self.session = None;
            if !reply.status.is_success() && reply.status.as_u16() != 401 {
                return Err(reply.into_api_error());
            }
        }
        Ok(())
    }

    /// The VM or template named `name` (`GET /api/vcenter/vm?names=`).
    pub async fn find_vm(&self, name: &str) -> Result<VmRef, SourceError> {
        let rb = self
            .req(Method::GET, "api/vcenter/vm")?
            .query(&[("names", name)]);
        let reply = http::send(KIND, rb).await?;
        let list: Vec<Value> = reply.json()?;
        let mut found = list
            .iter()
            .filter(|v| v.get("name").and_then(Value::as_str) == Some(name))
            .filter_map(|v| v.get("vm").and_then(Value::as_str));
        let id = match (found.next(), found.next()) {
            (Some(id), None) => id.to_string(),
            (None, _) => return Err(SourceError::not_found(KIND, format!("VM '{name}'"))),
            (Some(_), Some(_)) => {
                return Err(SourceError::InvalidRequest {
                    provider: KIND,
                    message: format!(
                        "more than one VM is named '{name}'; give the source VM a unique name"
                    ),
                });
            }
        };
        let config = vim::config(self, &id).await?;
        Ok(VmRef {
            template: config
                .get("template")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            id,
            name: name.to_string(),
        })
    }

    /// Power state (`GET /api/vcenter/vm/{vm}/power`).
    pub async fn power_state(&self, vm: &VmRef) -> Result<PowerState, SourceError> {
        let v = self.get(&format!("api/vcenter/vm/{}/power", vm.id)).await?;
        Ok(match v.get("state").and_then(Value::as_str) {
            Some("POWERED_ON") => PowerState::On,
            _ => PowerState::Off,
        })
    }

    /// Powers on/off; already in that state is success.
    pub async fn set_power(&self, vm: &VmRef, want: PowerState) -> Result<(), SourceError> {
        if self.power_state(vm).await? == want {
            return Ok(());
        }
        let action = match want {
            PowerState::On => "start",
            PowerState::Off => "stop",
        };
        let rb = self
            .req(Method::POST, &format!("api/vcenter/vm/{}/power", vm.id))?
            .query(&[("action", action)]);
        let reply = http::send_any(KIND, rb).await?;
        if reply.status.is_success() {
            return Ok(());
        }
        // Another actor changed it between our read and our request.
        if reply.status.as_u16() == 400 && reply.error_text().contains("ALREADY_IN_DESIRED_STATE") {
            return Ok(());
        }
        Err(reply.into_api_error())
    }

    /// Waits until VMware Tools run and report an IP (`/tools` + `/guest/identity`).
    pub async fn wait_for_guest_info(
        &self,
        vm: &VmRef,
        timeout: std::time::Duration,
    ) -> Result<GuestInfo, SourceError> {
        wait_for(
            KIND,
            &vm.name,
            "VMware Tools running with a guest IP",
            timeout,
            self.wait.backoff,
            || async {
                let tools = self.get(&format!("api/vcenter/vm/{}/tools", vm.id)).await?;
                let run = tools
                    .get("run_state")
                    .and_then(Value::as_str)
                    .unwrap_or("unknown")
                    .to_string();
                if run != "RUNNING" {
                    return Ok(Probe::Pending(format!("tools run_state {run}")));
                }
                let rb = self.req(
                    Method::GET,
                    &format!("api/vcenter/vm/{}/guest/identity", vm.id),
                )?;
                let reply = http::send_any(KIND, rb).await?;
                if reply.status.as_u16() == 503 {
                    return Ok(Probe::Pending("guest identity not available yet".into()));
                }
                if !reply.status.is_success() {
                    return Err(reply.into_api_error());
                }
                let id = reply.value()?;
                let ip = id
                    .get("ip_address")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty());
                match ip {
                    None => Ok(Probe::Pending("tools running, no guest IP yet".into())),
                    Some(ip) => Ok(Probe::Ready(GuestInfo {
                        hostname: id
                            .get("host_name")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                        ips: vec![ip.to_string()],
                    })),
                }
            },
        )
        .await
    }

    /// Clones `base` (VM or template) with `CloneVM_Task`.
    pub async fn clone_vm(
        &self,
        base: &VmRef,
        request: &CloneRequest,
    ) -> Result<ClonedVm, SourceError> {
        let vm = vim::clone(self, base, request).await?;
        if request.power_on {
            self.set_power(&vm, PowerState::On).await?;
        }
        Ok(ClonedVm {
            vm,
            artifacts: Vec::new(),
        })
    }

    /// `CreateSnapshot_Task` (no memory, no quiesce).
    pub async fn create_snapshot(
        &self,
        vm: &VmRef,
        name: &str,
        description: &str,
    ) -> Result<SnapshotFacts, SourceError> {
        vim::create_snapshot(self, vm, name, description).await
    }

    /// The snapshot tree, flattened oldest first.
    pub async fn list_snapshots(&self, vm: &VmRef) -> Result<Vec<SnapshotFacts>, SourceError> {
        vim::snapshots(self, vm).await
    }

    /// `ReconfigVM_Task` adding a VMDK (or RDM) on the chosen datastore/folder.
    pub async fn add_disk(&self, vm: &VmRef, disk: &AddDisk) -> Result<DiskFacts, SourceError> {
        vim::add_disk(self, vm, disk).await
    }

    /// `ReconfigVM_Task` with `changeTrackingEnabled: true`.
    pub async fn enable_cbt(&self, vm: &VmRef) -> Result<(), SourceError> {
        vim::enable_cbt(self, vm).await
    }

    /// Powers off if needed, then `DELETE /api/vcenter/vm/{vm}`; a missing VM is success.
    pub async fn delete_vm(&self, vm: &VmRef) -> Result<(), SourceError> {
        match self.set_power(vm, PowerState::Off).await {
            Ok(()) => {}
            Err(e) if e.is_not_found() => return Ok(()),
            Err(e) => return Err(e),
        }
        let reply = http::send_any(
            KIND,
            self.req(Method::DELETE, &format!("api/vcenter/vm/{}", vm.id))?,
        )
        .await?;
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

    /// Datastores as `(id, name)`.
    async fn datastores(&self) -> Result<Vec<(String, String)>, SourceError> {
        let list = self.get("api/vcenter/datastore").await?;
        Ok(list
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| {
                Some((
                    d.get("datastore")?.as_str()?.to_string(),
                    d.get("name")?.as_str()?.to_string(),
                ))
            })
            .collect())
    }

    /// `(id, name)` of the datastore whose id or name is `key`.
    async fn resolve_datastore(&self, key: &str) -> Result<(String, String), SourceError> {
        let all = self.datastores().await?;
        all.iter()
            .find(|(id, _)| id == key)
            .or_else(|| all.iter().find(|(_, name)| name == key))
            .cloned()
            .ok_or_else(|| SourceError::NotFound {
                provider: KIND,
                what: format!("datastore '{key}'"),
                hint: format!(
                    "; known datastores: {}",
                    all.iter()
                        .map(|(id, n)| format!("{id} ({n})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }
}
