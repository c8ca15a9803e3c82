//! KubeVirt's port-forward subresource as a byte stream: `GET
//! /apis/subresources.kubevirt.io/v1/namespaces/NS/virtualmachineinstances/NAME/portforward/PORT/tcp`
//! upgraded to a WebSocket with subprotocol `plain.kubevirt.io` (virt-api then dials the
//! VMI's first interface and copies raw TCP bytes in binary messages, pinging every second).
//!
//! The request goes through the caller's `kube::Client` (`Client::send`), so the cluster
//! connection's TLS, authentication and proxy apply. `Client::connect` is not used: it
//! insists on the `v4/v5.channel.k8s.io` subprotocols of pod exec, which virt-api does not
//! speak. Refusals before the upgrade are `metav1.Status` bodies, mapped to [`GuestError`].

use std::fmt;

use http::{Request, StatusCode, header};
use hyper_util::rt::TokioIo;
use kube::client::Body;
use tokio::io::DuplexStream;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;

use crate::error::GuestError;
use crate::wsbytes;

/// KubeVirt's WebSocket subprotocol for raw streams.
pub const PLAIN_STREAM_PROTOCOL: &str = "plain.kubevirt.io";

/// A VirtualMachineInstance (same name as its VirtualMachine).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VmiRef {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

impl VmiRef {
    /// `namespace/name`.
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        VmiRef {
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    /// The subresource path of a TCP port-forward to `port`.
    pub fn portforward_path(&self, port: u16) -> String {
        format!(
            "/apis/subresources.kubevirt.io/v1/namespaces/{}/virtualmachineinstances/{}/portforward/{port}/tcp",
            self.namespace, self.name
        )
    }
}

impl fmt::Display for VmiRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// Opens a TCP tunnel to `port` of the VMI; the returned stream carries its bytes.
pub async fn open_tunnel(
    client: &kube::Client,
    vmi: &VmiRef,
    port: u16,
) -> Result<DuplexStream, GuestError> {
    let transport = |detail: String| GuestError::Transport {
        vmi: vmi.clone(),
        detail,
    };
    let key = generate_key();
    let request = Request::get(vmi.portforward_path(port))
        .header(header::CONNECTION, "Upgrade")
        .header(header::UPGRADE, "websocket")
        .header(header::SEC_WEBSOCKET_VERSION, "13")
        .header(header::SEC_WEBSOCKET_KEY, key.as_str())
        .header(header::SEC_WEBSOCKET_PROTOCOL, PLAIN_STREAM_PROTOCOL)
        .body(Body::from(Vec::new()))
        .map_err(|e| transport(format!("cannot build the request: {e}")))?;
    let response = client
        .send(request)
        .await
        .map_err(|e| transport(format!("request to the API server failed: {e}")))?;
    let status = response.status();
    if status != StatusCode::SWITCHING_PROTOCOLS {
        let body = response
            .into_body()
            .collect_bytes()
            .await
            .unwrap_or_default();
        return Err(refusal(vmi, port, status, &body));
    }
    let accept = derive_accept_key(key.as_bytes());
    let headers = response.headers();
    if headers
        .get(header::SEC_WEBSOCKET_ACCEPT)
        .map(|v| v.as_bytes())
        != Some(accept.as_bytes())
    {
        return Err(transport("the WebSocket accept key does not match".into()));
    }
    let upgraded = hyper::upgrade::on(response)
        .await
        .map_err(|e| transport(format!("the connection was not upgraded: {e}")))?;
    let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Client, None).await;
    Ok(wsbytes::bridge(ws))
}

/// The error for a non-101 answer: the `metav1.Status` message when there is one.
fn refusal(vmi: &VmiRef, port: u16, status: StatusCode, body: &[u8]) -> GuestError {
    let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let message = parsed
        .as_ref()
        .and_then(|v| v.get("message"))
        .and_then(serde_json::Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| String::from_utf8_lossy(body).trim().to_string());
    let detail = if message.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {}: {message}", status.as_u16())
    };
    let vmi = vmi.clone();
    match status {
        StatusCode::NOT_FOUND => GuestError::VmiNotFound { vmi },
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => GuestError::Forbidden { vmi, detail },
        StatusCode::BAD_REQUEST | StatusCode::CONFLICT => GuestError::VmiNotRunning { vmi, detail },
        _ => GuestError::PortForwardRefused { vmi, port, detail },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_classified() {
        let vmi = VmiRef::new("ns", "vm");
        assert_eq!(
            vmi.portforward_path(22),
            "/apis/subresources.kubevirt.io/v1/namespaces/ns/virtualmachineinstances/vm/portforward/22/tcp"
        );
        let body = br#"{"kind":"Status","message":"dialing VM: connection refused","code":500}"#;
        let e = refusal(&vmi, 22, StatusCode::INTERNAL_SERVER_ERROR, body);
        assert_eq!(e.kind(), "port_forward_refused");
        assert!(e.to_string().contains("connection refused"), "{e}");
        assert_eq!(
            refusal(&vmi, 22, StatusCode::NOT_FOUND, b"").kind(),
            "vmi_not_found"
        );
        assert_eq!(
            refusal(&vmi, 22, StatusCode::FORBIDDEN, b"no").kind(),
            "forbidden"
        );
        assert_eq!(
            refusal(&vmi, 22, StatusCode::BAD_REQUEST, b"phase").kind(),
            "vmi_not_running"
        );
    }
}
