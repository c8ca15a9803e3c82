//! Starting and stopping an API server in-process (tests, the emulator of `mtvt run --sim` and
//! `mtvt sim serve`).
//!
//! ```no_run
//! # async fn demo() -> Result<(), mtvt_apiserver::server::ServerError> {
//! use mtvt_apiserver::server::Server;
//! let handle = Server::builder()
//!     .crds_dir("crds")
//!     .time_scale(120.0)
//!     .start()
//!     .await?;
//! handle.write_kubeconfig(std::path::Path::new("/tmp/kc")).expect("write kubeconfig");
//! let store = handle.store();           // in-process access for controllers
//! println!("{} (token in the kubeconfig)", handle.url());
//! handle.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! # Extension points
//! * [`ServerBuilder::on_start`]: runs with the [`ServerContext`] before the server accepts
//!   requests — seed objects, register admission hooks (`ctx.store.admission()`), spawn
//!   controllers that watch the store and stop on `ctx.shutdown`.
//! * [`ServerBuilder::routes`]: extra routes on the API server itself (e.g. an aggregated
//!   API's `PUT /apis/subresources.example.com/v1/namespaces/{ns}/widgets/{name}/start`);
//!   they get the same auth, fault, logging and `Date` layers. Static path segments win over
//!   the generic `/apis/{group}/...` handler.
//! * [`ServerBuilder::listener`] / [`ServerBuilder::tls_listener`]: an extra HTTP(S) server on
//!   its own 127.0.0.1 port (a service the cluster fronts, a fake external API), started and
//!   shut down with the API server; its address is [`ServerHandle::listener_addr`]. It gets
//!   the `Date` header but no auth: the router decides (`ctx.token` is the cluster token). TLS
//!   listeners use the API server's certificate ([`ServerHandle::ca_pem`]).
//! * [`ServerBuilder::kind`]: serve an additional kind (one table row);
//!   [`ServerBuilder::kind_table`]: serve exactly a given table.
//! * [`ServerBuilder::initial_namespace`]: a namespace that exists from the start.
//!
//! The API server speaks HTTPS only (kubectl sends bearer tokens over TLS only) with a CA
//! minted at start; the kubeconfig carries it.
//!
//! Time: every timestamp comes from one virtual [`Clock`] running [`DEFAULT_TIME_SCALE`]×
//! faster than the wall clock unless told otherwise ([`ServerBuilder::time_scale`]).

mod builder;
mod handle;
mod kubeconfig;
mod serve;
pub mod tls;

use std::net::SocketAddr;

use axum::Router;
use tokio_util::sync::CancellationToken;

use crate::api::Token;
use crate::clock::Clock;
use crate::store::crds::CrdError;
use crate::store::{ApiError, Store};

pub use builder::{Server, ServerBuilder};
pub use handle::ServerHandle;
pub use kubeconfig::NAME as KUBECONFIG_NAME;
pub use kubeconfig::write_private;
pub use tls::{TlsError, TlsIdentity};

/// Virtual seconds per wall-clock second unless configured: a one-hour interval passes in a
/// minute, while ages in `kubectl get` stay readable.
pub const DEFAULT_TIME_SCALE: f64 = 60.0;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// A port could not be bound.
    #[error("cannot listen on {addr}: {source} (is the port in use? use port 0 for any free port)")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// `--crds` could not be loaded.
    #[error(transparent)]
    Crds(#[from] CrdError),
    /// The initial objects could not be created.
    #[error("cannot create the initial objects: {0}")]
    Store(#[from] ApiError),
    /// TLS could not be set up.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// An `on_start` hook failed.
    #[error("start-up hook failed: {0}")]
    Setup(String),
}

/// What extension points get: the store, the clock, the token and the shutdown signal.
#[derive(Clone, Debug)]
pub struct ServerContext {
    /// The object store (in-process API).
    pub store: Store,
    /// The virtual clock.
    pub clock: Clock,
    /// The bearer token clients present.
    pub token: Token,
    /// Cancelled when the server shuts down.
    pub shutdown: CancellationToken,
    /// The server's TLS identity (CA and certificate), for extra TLS listeners.
    pub tls: TlsIdentity,
}

type RouteFactory = Box<dyn FnOnce(&ServerContext) -> Router + Send>;
type StartHook = Box<dyn FnOnce(&ServerContext) -> Result<(), String> + Send>;
