//! Binding and serving: the API server's TLS listener, the extra listeners (with the `Date`
//! header of the virtual clock), request counting, and one task per server that stops on the
//! shutdown signal.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::middleware::Next;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::tls::TlsListener;
use super::{ServerContext, ServerError, TlsIdentity};
use crate::api;

/// Binds the API server on 127.0.0.1:`port` (0 = any) behind TLS.
pub(super) async fn bind_api(
    port: u16,
    tls: &TlsIdentity,
) -> Result<(SocketAddr, TlsListener), ServerError> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let tcp = TcpListener::bind(addr)
        .await
        .map_err(|source| ServerError::Bind { addr, source })?;
    let addr = tcp
        .local_addr()
        .map_err(|source| ServerError::Bind { addr, source })?;
    let listener = tls
        .listener(tcp)
        .map_err(|source| ServerError::Bind { addr, source })?;
    Ok((addr, listener))
}

/// Serves the router `make` builds as the extra listener `name` on 127.0.0.1:`port` (HTTPS
/// with the API server's certificate when `secure`), with the virtual-clock `Date` header.
pub(super) async fn listen(
    name: &str,
    port: u16,
    secure: bool,
    make: impl FnOnce(&ServerContext) -> Router,
    ctx: &ServerContext,
) -> Result<(SocketAddr, JoinHandle<()>), ServerError> {
    let want = SocketAddr::from(([127, 0, 0, 1], port));
    let l = TcpListener::bind(want)
        .await
        .map_err(|source| ServerError::Bind { addr: want, source })?;
    let got = l
        .local_addr()
        .map_err(|source| ServerError::Bind { addr: want, source })?;
    let router = dated(make(ctx), ctx);
    let shutdown = ctx.shutdown.clone();
    let task = if secure {
        let l = ctx
            .tls
            .listener(l)
            .map_err(|source| ServerError::Bind { addr: want, source })?;
        spawn_server(name, l, router, shutdown)
    } else {
        let l = axum::serve::ListenerExt::tap_io(l, |tcp: &mut tokio::net::TcpStream| {
            let _ = tcp.set_nodelay(true);
        });
        spawn_server(name, l, router, shutdown)
    };
    Ok((got, task))
}

/// `router` with the `Date` header of the virtual clock on every response.
fn dated(router: Router, ctx: &ServerContext) -> Router {
    let clock = ctx.clock.clone();
    router.layer(axum::middleware::from_fn(move |req, next: Next| {
        let clock = clock.clone();
        async move {
            let mut resp = next.run(req).await;
            if let Ok(v) = axum::http::HeaderValue::from_str(&api::http_date(&clock)) {
                resp.headers_mut().insert(axum::http::header::DATE, v);
            }
            resp
        }
    }))
}

/// Counts every request `router` serves (for [`ServerHandle::request_count`]).
pub(super) fn counted(router: Router, counter: &Arc<AtomicU64>) -> Router {
    let counter = counter.clone();
    router.layer(axum::middleware::from_fn(move |req, next: Next| {
        counter.fetch_add(1, Ordering::Relaxed);
        next.run(req)
    }))
}

pub(super) fn spawn_server<L>(
    name: &str,
    listener: L,
    app: Router,
    shutdown: CancellationToken,
) -> JoinHandle<()>
where
    L: axum::serve::Listener,
    L::Addr: std::fmt::Debug,
{
    let name = name.to_string();
    tokio::spawn(async move {
        let result = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await;
        if let Err(e) = result {
            tracing::error!(server = %name, error = %e, "server stopped with an error");
        }
    })
}
