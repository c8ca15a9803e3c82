//! The emulator's Kubernetes API server: `mtvt-apiserver`'s server with the kinds
//! ([`crate::kinds::cluster_kinds`]), namespaces (`default`, `kube-system`,
//! [`crate::kinds::MTV_NAMESPACE`]) and Forklift CRDs ([`crate::kinds::forklift_crds`], as
//! OLM installs them: every Forklift write is validated against its schema) of an OpenShift
//! cluster with MTV installed, and nothing else — no controllers, no inventory, no lab
//! ([`crate::emulator`] adds those).
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

use crate::kinds::{MTV_NAMESPACE, cluster_kinds, forklift_crds};

/// Entry point: `Server::builder()`.
#[derive(Debug)]
pub struct Server;

impl Server {
    /// `mtvt-apiserver`'s builder (with its defaults) serving the cluster's kinds, with the MTV
    /// namespace created after `default` and `kube-system` and the Forklift CRDs installed.
    pub fn builder() -> ServerBuilder {
        Self::builder_in(MTV_NAMESPACE)
    }

    /// [`Server::builder`] for MTV installed in `mtv_namespace` (the namespace created at
    /// start and the one the CRDs' OLM annotation names).
    pub fn builder_in(mtv_namespace: &str) -> ServerBuilder {
        mtvt_apiserver::server::Server::builder()
            .kind_table(cluster_kinds())
            .initial_namespace(mtv_namespace)
            .crds(forklift_crds(mtv_namespace))
    }
}
