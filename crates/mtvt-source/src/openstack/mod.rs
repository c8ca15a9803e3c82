//! OpenStack source adapter: Keystone v3 password authentication (project-scoped token and
//! service catalog), then Nova (servers, power actions, interfaces, boot), Glance (snapshot
//! images) and Cinder (volumes, volume snapshots) at the catalog's public endpoints.
//!
//! Cloning follows the pytest suite: snapshot the server (`createImage`), boot a new server
//! from that image with the source's flavor and networks; the image and its volume snapshots
//! are returned as artifacts for teardown (module `clone`). It knows nothing of the engine or of
//! whether OpenStack is emulated.

mod catalog;
mod clone;
mod facts;
mod power;

use reqwest::{Client, Method, RequestBuilder};
use serde_json::{Value, json};
use url::Url;

use crate::endpoint::{SourceEndpoint, join};
use crate::error::SourceError;
use crate::http::{self, build_client};
use crate::model::{
    AddDisk, CloneRequest, ClonedVm, DiskFacts, SnapshotFacts, SourceArtifact, SourceVmFacts, VmRef,
};
use crate::poll::{Probe, WaitOptions, wait_for};

pub use catalog::Catalog;
use mtvt_vocab::ProviderKind;
use mtvt_vocab::Secret;

const KIND: ProviderKind = ProviderKind::Openstack;

/// Nova microversion sent with compute calls: 2.45 returns `image_id` from `createImage`
/// and keeps the flavor id in server bodies (needed to boot clones).
const NOVA_MICROVERSION: &str = "2.45";

/// Which service a request goes to.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Service {
    Compute,
    Image,
    Volume,
}

/// An OpenStack connection (Keystone token + catalog).
#[derive(Debug)]
pub struct OpenstackClient {
    endpoint: SourceEndpoint,
    http: Client,
    keystone: Url,
    token: Option<Secret>,
    catalog: Option<Catalog>,
    wait: WaitOptions,
}

impl OpenstackClient {
    /// A client for `endpoint` (`api_url` = Keystone `…/v3`); call [`Self::connect`].
    pub fn new(endpoint: SourceEndpoint, wait: WaitOptions) -> Result<Self, SourceError> {
        let http = build_client(KIND, &endpoint.tls)?;
        let mut keystone = endpoint.api_url()?;
        let path = format!("{}/", keystone.path().trim_end_matches('/'));
        keystone.set_path(&path);
        Ok(Self {
            endpoint,
            http,
            keystone,
            token: None,
            catalog: None,
            wait,
        })
    }

    /// The catalog found at login (compute, image and volume endpoints).
    pub fn catalog(&self) -> Option<&Catalog> {
        self.catalog.as_ref()
    }

    pub(crate) fn req(
        &self,
        service: Service,
        method: Method,
        path: &str,
    ) -> Result<RequestBuilder, SourceError> {
        let (Some(token), Some(catalog)) = (&self.token, &self.catalog) else {
            return Err(SourceError::NotConnected { provider: KIND });
        };
        let base = match service {
            Service::Compute => &catalog.compute,
            Service::Image => &catalog.image,
            Service::Volume => catalog.volume.as_ref().ok_or_else(|| SourceError::Config {
                provider: KIND,
                message: "the Keystone catalog has no block-storage (volumev3) endpoint".into(),
            })?,
        };
        let mut rb = self
            .http
            .request(method, join(KIND, base, path)?)
            .header("X-Auth-Token", token.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        if let Service::Compute = service {
            rb = rb.header("X-OpenStack-Nova-API-Version", NOVA_MICROVERSION);
        }
        Ok(rb)
    }

    pub(crate) async fn get(&self, service: Service, path: &str) -> Result<Value, SourceError> {
        http::send(KIND, self.req(service, Method::GET, path)?)
            .await?
            .value()
    }

    /// Keystone v3 password authentication scoped to the profile's project; wrong
    /// credentials → [`SourceError::Auth`].
    pub async fn connect(&mut self) -> Result<(), SourceError> {
        let scope = &self.endpoint.openstack;
        let user_domain = match (&scope.user_domain_id, &scope.user_domain_name) {
            (Some(id), _) => json!({"id": id}),
            (None, Some(name)) => json!({"name": name}),
            (None, None) => json!({"id": "default"}),
        };
        let project_domain = match &scope.project_domain_id {
            Some(id) => json!({"id": id}),
            None => user_domain.clone(),
        };
        let mut auth = json!({"identity": {"methods": ["password"], "password": {"user": {
            "name": self.endpoint.username, "domain": user_domain, "password": self.endpoint.password.expose()}}}});
        if !scope.project_name.is_empty()
            && let Some(m) = auth.as_object_mut()
        {
            m.insert(
                "scope".into(),
                json!({"project": {"name": scope.project_name, "domain": project_domain}}),
            );
        }
        let url = join(KIND, &self.keystone, "auth/tokens")?;
        let rb = self.http.post(url.clone()).json(&json!({ "auth": auth }));
        let reply = http::send_any(KIND, rb).await?;
        if matches!(reply.status.as_u16(), 401 | 403) {
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
        let token = reply
            .header("x-subject-token")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| reply.protocol_error("no X-Subject-Token header"))?;
        let body = reply.value()?;
        let catalog = Catalog::from_token(&body, scope.region_name.as_deref())
            .map_err(|m| reply.protocol_error(m))?;
        self.token = Some(Secret::new(token));
        self.catalog = Some(catalog);
        Ok(())
    }

    /// The server named exactly `name` (`GET /servers/detail?name=^name$`).
    pub async fn find_vm(&self, name: &str) -> Result<VmRef, SourceError> {
        let rb = self
            .req(Service::Compute, Method::GET, "servers/detail")?
            .query(&[("name", format!("^{}$", regex_escape(name)))]);
        let list = http::send(KIND, rb).await?.value()?;
        let mut hits = list
            .get("servers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|s| s.get("name").and_then(Value::as_str) == Some(name));
        match (hits.next(), hits.next()) {
            (Some(s), None) => Ok(VmRef {
                id: s
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                name: name.to_string(),
                template: false,
            }),
            (None, _) => Err(SourceError::not_found(KIND, format!("server '{name}'"))),
            (Some(_), Some(_)) => Err(SourceError::InvalidRequest {
                provider: KIND,
                message: format!("more than one server is named '{name}'"),
            }),
        }
    }

    pub(crate) async fn server(&self, id: &str) -> Result<Value, SourceError> {
        let v = self.get(Service::Compute, &format!("servers/{id}")).await?;
        Ok(v.get("server").cloned().unwrap_or(v))
    }

    /// Snapshot image of the server, then a new server booted from it (module `clone`).
    pub async fn clone_vm(
        &self,
        base: &VmRef,
        request: &CloneRequest,
    ) -> Result<ClonedVm, SourceError> {
        clone::clone(self, base, request).await
    }

    /// A server snapshot image (`createImage`), waited until `active`.
    pub async fn create_snapshot(
        &self,
        vm: &VmRef,
        name: &str,
        description: &str,
    ) -> Result<SnapshotFacts, SourceError> {
        let id = clone::create_image(self, vm, name).await?;
        Ok(SnapshotFacts {
            name: name.to_string(),
            id,
            description: description.to_string(),
            ..SnapshotFacts::default()
        })
    }

    /// Snapshot images of the server (Glance images whose `instance_uuid` is the server).
    pub async fn list_snapshots(&self, vm: &VmRef) -> Result<Vec<SnapshotFacts>, SourceError> {
        clone::snapshot_images(self, vm).await
    }

    /// Not implemented: attaching new Cinder volumes.
    pub async fn add_disk(&self, _vm: &VmRef, _disk: &AddDisk) -> Result<DiskFacts, SourceError> {
        Err(SourceError::unsupported(
            KIND,
            "add_disk",
            "adding volumes to OpenStack servers (Cinder create + Nova attach) is not implemented; no catalog scenario adds disks to OpenStack VMs",
        ))
    }

    /// Deletes the server and waits until Nova no longer lists it; a missing server is
    /// success.
    pub async fn delete_vm(&self, vm: &VmRef) -> Result<(), SourceError> {
        let rb = self.req(
            Service::Compute,
            Method::DELETE,
            &format!("servers/{}", vm.id),
        )?;
        let reply = http::send_any(KIND, rb).await?;
        if reply.status.as_u16() == 404 {
            return Ok(());
        }
        if !reply.status.is_success() {
            return Err(reply.into_api_error());
        }
        wait_for(
            KIND,
            &vm.name,
            "deletion",
            self.wait.op_timeout,
            self.wait.backoff,
            || async {
                let rb = self.req(Service::Compute, Method::GET, &format!("servers/{}", vm.id))?;
                let r = http::send_any(KIND, rb).await?;
                if r.status.as_u16() == 404 {
                    return Ok(Probe::Ready(()));
                }
                let status = r
                    .value()
                    .ok()
                    .and_then(|v| {
                        v.pointer("/server/status")
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    })
                    .unwrap_or_else(|| format!("HTTP {}", r.status.as_u16()));
                Ok(Probe::Pending(format!("still listed, status {status}")))
            },
        )
        .await
    }

    /// Deletes a clone artifact (image or volume snapshot); missing is success.
    pub async fn delete_artifact(&self, artifact: &SourceArtifact) -> Result<(), SourceError> {
        clone::delete_artifact(self, artifact).await
    }

    /// Everything the post-migration checks compare (see [`SourceVmFacts`]).
    pub async fn vm_facts(&self, vm: &VmRef) -> Result<SourceVmFacts, SourceError> {
        facts::collect(self, vm).await
    }
}

/// Escapes regular-expression metacharacters (Nova's `name` filter is a regex).
fn regex_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if ".^$*+?()[]{}|\\".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_names() {
        assert_eq!(regex_escape("mtv-tests-rhel8"), "mtv-tests-rhel8");
        assert_eq!(regex_escape("a.b(1)"), "a\\.b\\(1\\)");
    }
}
