//! The emulator's Kubernetes API server: `mtvt-apiserver`'s server with the kinds
//! ([`crate::kinds::cluster_kinds`]) and namespaces (`default`, `kube-system`,
//! [`crate::kinds::MTV_NAMESPACE`]) of an OpenShift cluster with MTV installed, and nothing
//! else — no controllers, no inventory, no lab ([`crate::emulator`] adds those).
//!
//! ```no_run
//! # async fn demo() -> Result<(), mtvt_sim::server::ServerError> {
//! use mtvt_sim::server::Server;
//! let handle = Server::builder()
//!     .crds_dir("../shared/schemas/forklift")
//!     .start()
//!     .await?;
//! println!("{} (token in the kubeconfig)", handle.url());
//! handle.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Everything else (handle, context, errors, TLS) is `mtvt-apiserver`'s, re-exported here.

pub use mtvt_apiserver::server::{
    DEFAULT_TIME_SCALE, KUBECONFIG_NAME, ServerBuilder, ServerContext, ServerError, ServerHandle,
    TlsError, TlsIdentity, tls,
};

use crate::kinds::{MTV_NAMESPACE, cluster_kinds};

/// Entry point: `Server::builder()`.
#[derive(Debug)]
pub struct Server;

impl Server {
    /// `mtvt-apiserver`'s builder (with its defaults) serving the cluster's kinds, with the MTV
    /// namespace created after `default` and `kube-system`.
    pub fn builder() -> ServerBuilder {
        mtvt_apiserver::server::Server::builder()
            .kind_table(cluster_kinds())
            .initial_namespace(MTV_NAMESPACE)
    }
}
