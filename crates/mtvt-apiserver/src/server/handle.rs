//! A running server: its URL, token, CA, kubeconfig, store, clock, extra listeners, and
//! shutdown.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::kubeconfig;
use super::tls::TlsIdentity;
use crate::api::Token;
use crate::clock::Clock;
use crate::store::Store;

/// A running server. Dropping it stops the server (without waiting); prefer
/// [`ServerHandle::shutdown`].
pub struct ServerHandle {
    pub(super) addr: SocketAddr,
    pub(super) url: String,
    pub(super) token: Token,
    pub(super) tls: TlsIdentity,
    pub(super) namespace: String,
    pub(super) store: Store,
    pub(super) clock: Clock,
    pub(super) listeners: BTreeMap<String, (SocketAddr, bool)>,
    pub(super) shutdown: CancellationToken,
    pub(super) tasks: Vec<JoinHandle<()>>,
    pub(super) requests: std::sync::Arc<std::sync::atomic::AtomicU64>,
    pub(super) faults: std::sync::Arc<crate::api::faults::FaultInjector>,
}

impl std::fmt::Debug for ServerHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerHandle")
            .field("url", &self.url)
            .field("token", &self.token)
            .field("listeners", &self.listeners)
            .finish_non_exhaustive()
    }
}

impl ServerHandle {
    /// Replaces the API fault rules for the requests to come (`Faults::default()` ends
    /// fault injection), e.g. to let a cleanup through after a persistent fault.
    pub fn set_faults(&self, faults: &crate::api::Faults) {
        self.faults.replace(faults);
    }

    /// `https://127.0.0.1:PORT`
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The API server's address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The bearer token (secret: do not log it).
    pub fn token(&self) -> &str {
        self.token.expose()
    }

    /// The default namespace of the kubeconfig context.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The CA certificate (PEM) that signed the server certificate.
    pub fn ca_pem(&self) -> &str {
        self.tls.ca_pem()
    }

    /// A kubeconfig for this server (URL, CA, token, namespace).
    pub fn kubeconfig_yaml(&self) -> String {
        kubeconfig::render(
            &self.url,
            self.tls.ca_pem(),
            self.token.expose(),
            &self.namespace,
        )
    }

    /// Writes the kubeconfig to `path` (mode 0600).
    pub fn write_kubeconfig(&self, path: &Path) -> std::io::Result<()> {
        kubeconfig::write_private(path, &self.kubeconfig_yaml())
    }

    /// The object store (in-process API).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The virtual clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The address of an extra listener.
    pub fn listener_addr(&self, name: &str) -> Option<SocketAddr> {
        self.listeners.get(name).map(|(a, _)| *a)
    }

    /// `http(s)://127.0.0.1:PORT` of an extra listener.
    pub fn listener_url(&self, name: &str) -> Option<String> {
        self.listeners
            .get(name)
            .map(|(a, secure)| format!("{}://{a}", if *secure { "https" } else { "http" }))
    }

    /// HTTP requests served so far by the API server and every extra listener.
    pub fn request_count(&self) -> u64 {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The shutdown signal (cancel it to stop everything).
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Stops accepting, ends watches, waits (up to 5 s) for connections to finish.
    pub async fn shutdown(mut self) {
        self.shutdown.cancel();
        let tasks = std::mem::take(&mut self.tasks);
        let all = futures::future::join_all(tasks);
        if tokio::time::timeout(Duration::from_secs(5), all)
            .await
            .is_err()
        {
            tracing::warn!("server connections did not close within 5s; abandoning them");
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}
