//! KubeVirt's `portforward` subresource of every VMI on the API server: `GET
//! /apis/subresources.kubevirt.io/v1/namespaces/NS/virtualmachineinstances/NAME/portforward/PORT[/tcp]`
//! upgraded to a WebSocket (`plain.kubevirt.io`) that carries the guest's SSH server on port
//! 22.
//!
//! Refusals come before the upgrade, as `metav1.Status`: no VMI → 404; a VMI that is not
//! `Running` → 409; a guest still booting (for [`GUEST_BOOT`] of virtual time after
//! `Running`), a guest that never boots (locked LUKS root), sshd down or a port nothing
//! listens on → 500 with the dial error virt-handler would report. This module wires; the
//! guest's behaviour is in [`super::model`], [`super::commands`] and [`super::sshd`].

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::registry::{self, GuestRegistry, SharedGuest};
use crate::controllers::{Ctx, gvr};
use crate::store::Store;

/// KubeVirt's WebSocket subprotocol for raw streams.
pub const PLAIN_STREAM_PROTOCOL: &str = "plain.kubevirt.io";

/// Virtual time from `Running` until the guest's sshd accepts connections.
pub const GUEST_BOOT: Duration = Duration::from_secs(20);

/// What the route needs: the store, the controllers' context (set once they start) and the
/// guests.
#[derive(Clone)]
pub struct PortForward {
    /// The object store.
    pub store: Store,
    /// The controllers' context (guest records, lab, clock).
    pub ctx: Arc<OnceLock<Ctx>>,
    /// The guests.
    pub guests: GuestRegistry,
}

/// The subresource routes.
pub fn routes(state: PortForward) -> Router {
    let base = "/apis/subresources.kubevirt.io/v1/namespaces/{ns}/virtualmachineinstances/{name}/portforward";
    Router::new()
        .route(&format!("{base}/{{port}}"), get(tcp))
        .route(&format!("{base}/{{port}}/{{proto}}"), get(with_proto))
        .with_state(state)
}

fn status(code: StatusCode, reason: &str, message: String) -> Response {
    let body = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": message, "reason": reason, "code": code.as_u16()});
    (code, axum::Json(body)).into_response()
}

async fn tcp(
    State(st): State<PortForward>,
    Path((ns, name, port)): Path<(String, String, String)>,
    req: Request<Body>,
) -> Response {
    forward(&st, &ns, &name, &port, req)
}

async fn with_proto(
    State(st): State<PortForward>,
    Path((ns, name, port, proto)): Path<(String, String, String, String)>,
    req: Request<Body>,
) -> Response {
    if proto != "tcp" {
        return status(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            format!("protocol {proto:?} is not supported by the emulated guest; use tcp"),
        );
    }
    forward(&st, &ns, &name, &port, req)
}

fn forward(st: &PortForward, ns: &str, name: &str, port: &str, req: Request<Body>) -> Response {
    let Ok(port) = port.parse::<u16>() else {
        return status(
            StatusCode::BAD_REQUEST,
            "BadRequest",
            format!("invalid port {port:?}"),
        );
    };
    let guest = match reachable(st, ns, name, port) {
        Ok(g) => g,
        Err(resp) => return *resp,
    };
    let identity = format!("{ns}/{name}");
    mtvt_apiserver::api::upgrade::websocket(
        req,
        &[PLAIN_STREAM_PROTOCOL],
        move |stream| async move {
            super::sshd::serve(stream, guest, &identity).await;
        },
    )
}

/// The guest behind `ns/name` when its port `port` accepts connections, else the refusal.
fn reachable(
    st: &PortForward,
    ns: &str,
    name: &str,
    port: u16,
) -> Result<SharedGuest, Box<Response>> {
    let Ok(vmi) = st.store.get(&gvr::vmis(), ns, name) else {
        return Err(Box::new(status(
            StatusCode::NOT_FOUND,
            "NotFound",
            format!("virtualmachineinstances.kubevirt.io \"{name}\" not found"),
        )));
    };
    if vmi.pointer("/status/phase").and_then(Value::as_str) != Some("Running") {
        return Err(Box::new(status(
            StatusCode::CONFLICT,
            "Conflict",
            format!("Unable to connect to VirtualMachineInstance {name}: VMI is not running"),
        )));
    }
    let Some(ctx) = st.ctx.get() else {
        return Err(Box::new(refused(
            name,
            port,
            "the emulator is still starting",
        )));
    };
    let uid = vmi
        .pointer("/metadata/uid")
        .and_then(Value::as_str)
        .unwrap_or(name);
    let creds = &ctx.lab.lab().guest_credentials;
    let record = ctx.guests.get(ns, name).unwrap_or_default();
    let logins = (
        (creds.linux_user.as_str(), creds.linux_password.expose()),
        (creds.windows_user.as_str(), creds.windows_password.expose()),
    );
    let guest = st
        .guests
        .get_or_build(uid, name, || registry::build(&vmi, &record, logins));
    let (boots, sshd) = {
        let m = guest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (m.boots(), m.sshd)
    };
    if !boots {
        return Err(Box::new(refused(
            name,
            port,
            "the guest is waiting for its LUKS passphrase",
        )));
    }
    if !booted(ctx, &vmi) {
        return Err(Box::new(refused(name, port, "the guest is still booting")));
    }
    if port != 22 || !sshd {
        return Err(Box::new(refused(
            name,
            port,
            "nothing listens on that port",
        )));
    }
    Ok(guest)
}

fn refused(name: &str, port: u16, why: &str) -> Response {
    status(
        StatusCode::INTERNAL_SERVER_ERROR,
        "InternalError",
        format!(
            "Can't connect to VirtualMachineInstance {name} port {port}: dial tcp: connect: connection refused ({why})"
        ),
    )
}

/// Whether [`GUEST_BOOT`] has passed since the VMI entered `Running`.
fn booted(ctx: &Ctx, vmi: &Value) -> bool {
    let running = vmi
        .pointer("/status/phaseTransitionTimestamps")
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .rev()
                .find(|p| p.get("phase").and_then(Value::as_str) == Some("Running"))
        })
        .and_then(|p| p.get("phaseTransitionTimestamp"))
        .and_then(Value::as_str)
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    let boot = chrono::Duration::from_std(GUEST_BOOT).unwrap_or_default();
    running.is_some_and(|t| ctx.clock.now() - t.with_timezone(&chrono::Utc) >= boot)
}
