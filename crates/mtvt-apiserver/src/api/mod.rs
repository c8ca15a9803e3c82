//! The Kubernetes API over HTTP: REST for every kind in the store, watch, discovery, OpenAPI,
//! pod logs, bearer-token auth, fault injection, request logging and the virtual-clock `Date`
//! header. [`router`] assembles it; the `server` module binds it.
//!
//! Layer order (outermost first): access log + `Date` → auth (401) → fault injection → handler
//! (with body limit and request timeout). So a faulted request is logged, authenticated, and
//! never reaches the store.
//!
//! This module translates HTTP to store calls; it must not hold object state of its own.

mod access_log;
pub mod auth;
mod discovery;
pub mod faults;
mod jsonpath;
mod logs;
mod negotiate;
mod openapi;
mod protobuf;
pub mod request_info;
mod response;
mod rest;
pub mod review;
mod table;
pub mod upgrade;
mod watch;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::{any, get};
use tokio_util::sync::CancellationToken;

pub use access_log::http_date;
pub use auth::Token;
pub use faults::{FaultAction, FaultRule, Faults};
pub use request_info::Verb;

use crate::store::{ApiError, Store};

/// Request limits of the API server.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Largest accepted request body (kube: 3 MiB); larger gets 413.
    pub max_body: usize,
    /// Deadline of non-streaming requests; slower gets 504.
    pub request_timeout: Duration,
    /// Length of a watch without `timeoutSeconds`.
    pub watch_timeout: Duration,
    /// Period of BOOKMARK events when a watch allows them.
    pub bookmark_interval: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body: 3 * 1024 * 1024,
            request_timeout: Duration::from_secs(60),
            watch_timeout: Duration::from_secs(30 * 60),
            bookmark_interval: Duration::from_secs(60),
        }
    }
}

/// What every handler needs.
#[derive(Debug)]
pub struct ApiContext {
    /// The object store.
    pub store: Store,
    /// Limits.
    pub limits: Limits,
    /// Cancelled when the server shuts down (ends watches and log follows).
    pub shutdown: CancellationToken,
    /// `host:port` clients reach the server at (for `/api`).
    pub server_address: String,
}

async fn not_found() -> impl IntoResponse {
    ApiError::unknown_resource()
}

/// The Kubernetes API router, with auth, faults, logging and `Date` layered on, plus `extra`
/// routes (which get the same layers).
pub fn router(ctx: Arc<ApiContext>, token: Token, faults: &Faults, extra: Router) -> Router {
    let injector = Arc::new(faults::FaultInjector::new(faults));
    router_with_injector(ctx, token, injector, extra)
}

/// [`router`] with a fault injector the caller keeps, to change the faults while serving.
pub fn router_with_injector(
    ctx: Arc<ApiContext>,
    token: Token,
    injector: Arc<faults::FaultInjector>,
    extra: Router,
) -> Router {
    let clock = ctx.store.clock().clone();
    let api = Router::new()
        .route("/version", get(|| async { discovery::version() }))
        .route("/version/", get(|| async { discovery::version() }))
        .route("/healthz", get(|| async { "ok" }))
        .route("/livez", get(|| async { "ok" }))
        .route("/readyz", get(|| async { "ok" }))
        .route(
            "/api",
            get(|State(ctx): State<Arc<ApiContext>>| async move {
                discovery::core_versions(&ctx.server_address)
            }),
        )
        .route(
            "/apis",
            get(|State(ctx): State<Arc<ApiContext>>| async move {
                discovery::groups(ctx.store.kinds())
            }),
        )
        .route(
            "/apis/{group}",
            get(
                |State(ctx): State<Arc<ApiContext>>, Path(group): Path<String>| async move {
                    discovery::group(ctx.store.kinds(), &group)
                },
            ),
        )
        .route(
            "/openapi/v2",
            get(
                |State(ctx): State<Arc<ApiContext>>, headers: HeaderMap| async move {
                    openapi::v2(ctx.store.kinds(), &headers)
                },
            ),
        )
        .route(
            "/openapi/v3",
            get(|State(ctx): State<Arc<ApiContext>>| async move {
                openapi::v3_index(ctx.store.kinds())
            }),
        )
        .route(
            "/openapi/v3/{*rest}",
            get(
                |State(ctx): State<Arc<ApiContext>>, Path(rest): Path<String>| async move {
                    openapi::v3_for_path(ctx.store.kinds(), &rest)
                },
            ),
        )
        .route("/api/{*rest}", any(rest::handle))
        .route("/apis/{group}/{*rest}", any(rest::handle))
        .fallback(not_found)
        .with_state(ctx);
    api.merge(extra)
        .layer(axum::middleware::from_fn_with_state(
            injector,
            faults::inject,
        ))
        .layer(axum::middleware::from_fn_with_state(
            token,
            auth::require_token,
        ))
        .layer(axum::middleware::from_fn_with_state(
            clock,
            access_log::observe,
        ))
}
