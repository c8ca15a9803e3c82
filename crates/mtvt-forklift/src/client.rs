//! Client of the Forklift inventory REST API (`forklift-inventory` Route in the MTV
//! namespace): provider uids, VMs, the wait for a VM to appear (bounded backoff polling —
//! the inventory offers no watch to this client), retries of 206 answers (a collector still
//! loading after a Provider or Secret change), and the StorageMap/NetworkMap source
//! lists the pytest suite derives from inventory ([`mappings`]).
//!
//! The bearer token is the caller's cluster token; it is sent in `Authorization` and never
//! logged or put in errors. This module does not create maps or plans; it only reads.
//!
//! ```no_run
//! # async fn demo(kube: kube::Client, token: mtvt_vocab::Secret) -> Result<(), mtvt_forklift::InventoryError> {
//! use mtvt_forklift::InventoryClient;
//! use mtvt_vocab::ProviderKind;
//! let inv = InventoryClient::from_route(&kube, "openshift-mtv", token, &Default::default()).await?;
//! let provider = inv.provider(ProviderKind::Vsphere, "vsphere-src", Some("openshift-mtv")).await?;
//! let listed = mtvt_forklift::Expected::listed(); // or Expected::from_facts(&prepared_facts)
//! let vm = provider.wait_for_vm("auto-ab12-mtv-tests-rhel8-x7k2", &listed, std::time::Duration::from_secs(300)).await?;
//! let storage = provider.vms_storage_sources(std::slice::from_ref(&vm)).await?;  // [{"name": "datastore1"}]
//! let networks = provider.vms_network_sources(std::slice::from_ref(&vm)).await?; // first → pod
//! # let _ = (storage, networks); Ok(()) }
//! ```

use std::time::Duration;

use reqwest::Client;
use serde_json::Value;
use url::Url;

use mtvt_source::error::chain;
use mtvt_source::http::{build_client, excerpt};
use mtvt_source::poll::{Expired, Probe, poll_until};
use mtvt_source::{Backoff, SourceError, TlsOptions};
use mtvt_vocab::{ProviderKind, Secret};

mod provider;

pub use provider::ProviderInventory;

use crate::error::InventoryError;
use crate::route;

/// Forklift inventory client.
#[derive(Clone, Debug)]
pub struct InventoryClient {
    http: Client,
    base: Url,
    token: Secret,
    backoff: Backoff,
    parity_timeout: Duration,
}

/// How long a request is retried while the inventory answers 206 (the provider's collector
/// has not reached parity): the pytest suite's inventory wait.
pub const PARITY_TIMEOUT: Duration = Duration::from_secs(300);

/// One answer of the inventory.
enum Answer {
    /// 2xx with a JSON body.
    Json(Value),
    /// 206 with no body: the provider's collector is still loading.
    NotInParity,
}

impl InventoryClient {
    /// A client for the inventory at `base` (e.g. `https://forklift-inventory-openshift-mtv.apps…`).
    pub fn new(base: &str, token: Secret, tls: &TlsOptions) -> Result<Self, InventoryError> {
        let mut base = Url::parse(base).map_err(|e| InventoryError::Config {
            message: format!("inventory URL '{base}' is not a URL: {e}"),
        })?;
        let path = format!("{}/", base.path().trim_end_matches('/'));
        base.set_path(&path);
        let http =
            build_client(ProviderKind::Openshift, tls).map_err(|e| InventoryError::Config {
                message: match e {
                    SourceError::Config { message, .. } => message,
                    other => other.to_string(),
                },
            })?;
        Ok(Self {
            http,
            base,
            token,
            backoff: Backoff::default(),
            parity_timeout: PARITY_TIMEOUT,
        })
    }

    /// A client for the inventory behind the `forklift-inventory` Route of `mtv_namespace`
    /// (`https://<spec.host>`). `token` is the cluster's bearer token, so a Route without
    /// `spec.tls` (plain HTTP) is refused: the token would travel in clear.
    pub async fn from_route(
        kube: &kube::Client,
        mtv_namespace: &str,
        token: Secret,
        tls: &TlsOptions,
    ) -> Result<Self, InventoryError> {
        let url = route::inventory_url(kube, mtv_namespace).await?;
        if !url.starts_with("https://") {
            return Err(InventoryError::Route {
                namespace: mtv_namespace.to_string(),
                message: format!(
                    "Route {} points at {url} without TLS (no spec.tls): the inventory needs the cluster's bearer token, which mtvt never sends over plain HTTP; give the Route TLS (edge or reencrypt termination)",
                    route::ROUTE_NAME
                ),
            });
        }
        Self::new(&url, token, tls)
    }

    /// Changes the probe backoff of waits (tests use [`Backoff::fast`]).
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Changes how long requests are retried while the inventory answers 206.
    pub fn with_parity_timeout(mut self, timeout: Duration) -> Self {
        self.parity_timeout = timeout;
        self
    }

    /// The base URL.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// `GET <base>/<path>` with `query`, as JSON. A 206 answer (no body: the provider's
    /// collector has not reached parity after a Provider or Secret change; Forklift's own
    /// client calls it `ProviderNotReady`, pkg/controller/provider/web/client.go:270-276) is
    /// retried with backoff up to the parity timeout.
    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Value, InventoryError> {
        let result = poll_until(self.parity_timeout, self.backoff, || async {
            Ok(match self.get_once(path, query).await? {
                Answer::Json(v) => Probe::Ready(v),
                Answer::NotInParity => Probe::Pending("HTTP 206 (not in parity)".into()),
            })
        })
        .await;
        match result {
            Ok(r) => r,
            Err(Expired { waited, .. }) => Err(InventoryError::NotInParity {
                path: format!("/{}", path.trim_start_matches('/')),
                waited,
            }),
        }
    }

    async fn get_once(&self, path: &str, query: &[(&str, &str)]) -> Result<Answer, InventoryError> {
        let url =
            self.base
                .join(path.trim_start_matches('/'))
                .map_err(|e| InventoryError::Config {
                    message: format!("cannot build a URL for '{path}': {e}"),
                })?;
        let shown_path = url.path().to_string();
        let resp = self
            .http
            .get(url.clone())
            .bearer_auth(self.token.expose())
            .header(reqwest::header::ACCEPT, "application/json")
            .query(query)
            .send()
            .await
            .map_err(|e| InventoryError::Transport {
                url: format!("{}{}", url.origin().ascii_serialization(), url.path()),
                message: chain(&e.without_url()),
            })?;
        let status = resp.status();
        let reason = resp
            .headers()
            .get("X-Reason")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = resp.bytes().await.map_err(|e| InventoryError::Transport {
            url: format!("{}{}", url.origin().ascii_serialization(), url.path()),
            message: chain(&e.without_url()),
        })?;
        if !status.is_success() {
            let message = match status.as_u16() {
                401 => "the bearer token was refused (log in again / pass a valid cluster token)"
                    .to_string(),
                403 => "the token may not read this provider's inventory (RBAC)".to_string(),
                _ => excerpt(&body),
            };
            return Err(InventoryError::Http {
                method: "GET".into(),
                path: shown_path,
                status: status.as_u16(),
                reason,
                message,
            });
        }
        if status.as_u16() == 206 {
            tracing::debug!(path = %shown_path, "inventory not in parity yet (206), retrying");
            return Ok(Answer::NotInParity);
        }
        serde_json::from_slice(&body)
            .map(Answer::Json)
            .map_err(|e| InventoryError::Protocol {
                path: shown_path,
                message: format!("not JSON ({e}): {}", excerpt(&body)),
            })
    }

    /// The providers of `kind` (`GET /providers/<kind>`), optionally of one namespace.
    pub async fn providers(
        &self,
        kind: ProviderKind,
        namespace: Option<&str>,
    ) -> Result<Vec<Value>, InventoryError> {
        let mut q = Vec::new();
        if let Some(ns) = namespace {
            q.push(("namespace", ns));
        }
        let path = format!("providers/{kind}");
        as_list(self.get(&path, &q).await?, &path)
    }

    /// The uid (inventory path key) of the Provider `name` of type `kind`.
    pub async fn provider_uid(
        &self,
        kind: ProviderKind,
        name: &str,
        namespace: Option<&str>,
    ) -> Result<String, InventoryError> {
        let list = self.providers(kind, namespace).await?;
        let field = |p: &Value, k: &str| p.get(k).and_then(Value::as_str).map(str::to_string);
        list.iter()
            .find(|p| field(p, "name").as_deref() == Some(name))
            .and_then(|p| field(p, "uid").or_else(|| field(p, "id")))
            .ok_or_else(|| InventoryError::ProviderNotFound {
                kind,
                name: name.to_string(),
                namespace: namespace.map(str::to_string),
                available: list.iter().filter_map(|p| field(p, "name")).collect(),
            })
    }

    /// The inventory of one provider, resolved by name.
    pub async fn provider(
        &self,
        kind: ProviderKind,
        name: &str,
        namespace: Option<&str>,
    ) -> Result<ProviderInventory, InventoryError> {
        let uid = self.provider_uid(kind, name, namespace).await?;
        Ok(ProviderInventory {
            client: self.clone(),
            kind,
            name: name.to_string(),
            uid,
            vm_namespace: None,
        })
    }
}

pub(crate) fn as_list(v: Value, path: &str) -> Result<Vec<Value>, InventoryError> {
    match v {
        Value::Array(items) => Ok(items),
        other => Err(InventoryError::Protocol {
            path: path.to_string(),
            message: format!(
                "expected a list, got {}",
                excerpt(other.to_string().as_bytes())
            ),
        }),
    }
}

pub(crate) fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}
