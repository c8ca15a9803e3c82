//! WebSocket upgrades for extension routes: a subresource that streams (exec, attach,
//! port-forward style) answers its GET with [`websocket`], which completes the RFC 6455
//! handshake (101, `Sec-WebSocket-Accept`, the chosen subprotocol) and hands the route's
//! `serve` function a byte stream: binary messages in, binary messages out, close ↔ EOF.
//!
//! Nothing here knows what the stream carries; the route decides (and refuses with a
//! `Status` before upgrading when it must).

use std::future::Future;

use axum::body::Body;
use axum::http::{HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::{SinkExt, StreamExt};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;

/// One outgoing binary message at most, and the in-memory pipe's size.
const CHUNK: usize = 32 * 1024;

/// Upgrades `req` to a WebSocket speaking the first of the client's offered subprotocols
/// that is in `protocols` (none when no offer matches, as gorilla/websocket does) and runs
/// `serve` on the byte stream once the upgrade completes. A request that is not a WebSocket
/// handshake gets 400.
pub fn websocket<F, Fut>(mut req: Request<Body>, protocols: &[&str], serve: F) -> Response
where
    F: FnOnce(DuplexStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let headers = req.headers();
    let is_ws = headers
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let Some(key) = headers.get(header::SEC_WEBSOCKET_KEY).cloned() else {
        return bad_request("missing Sec-WebSocket-Key");
    };
    if !is_ws {
        return bad_request("expected a WebSocket upgrade (Upgrade: websocket)");
    }
    let chosen = headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .find(|offered| protocols.contains(offered))
        .map(str::to_string);
    let on_upgrade = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        let Ok(upgraded) = on_upgrade.await else {
            return;
        };
        let ws = WebSocketStream::from_raw_socket(TokioIo::new(upgraded), Role::Server, None).await;
        serve(bridge(ws)).await;
    });
    let mut resp = StatusCode::SWITCHING_PROTOCOLS.into_response();
    let h = resp.headers_mut();
    h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
    h.insert(header::CONNECTION, HeaderValue::from_static("Upgrade"));
    if let Ok(v) = HeaderValue::from_str(&derive_accept_key(key.as_bytes())) {
        h.insert(header::SEC_WEBSOCKET_ACCEPT, v);
    }
    if let Some(v) = chosen.and_then(|p| HeaderValue::from_str(&p).ok()) {
        h.insert(header::SEC_WEBSOCKET_PROTOCOL, v);
    }
    resp
}

fn bad_request(message: &str) -> Response {
    let status = serde_json::json!({"kind": "Status", "apiVersion": "v1", "metadata": {},
        "status": "Failure", "message": message, "reason": "BadRequest", "code": 400});
    (StatusCode::BAD_REQUEST, axum::Json(status)).into_response()
}

/// The byte stream over `ws`: one task pumps each direction through an in-memory pipe.
fn bridge<S>(ws: WebSocketStream<S>) -> DuplexStream
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (ours, theirs) = tokio::io::duplex(CHUNK * 2);
    let (mut sink, mut stream) = ws.split();
    let (mut rd, mut wr) = tokio::io::split(ours);
    let inbound = async move {
        while let Some(Ok(msg)) = stream.next().await {
            match msg {
                Message::Binary(b) if wr.write_all(&b).await.is_err() => break,
                Message::Close(_) => break,
                _ => {}
            }
        }
        let _ = wr.shutdown().await;
    };
    let outbound = async move {
        let mut buf = vec![0u8; CHUNK];
        while let Ok(n @ 1..) = rd.read(&mut buf).await {
            let chunk = buf.get(..n).unwrap_or_default().to_vec();
            if sink.send(Message::Binary(chunk.into())).await.is_err() {
                break;
            }
        }
        let _ = sink.send(Message::Close(None)).await;
        let _ = sink.close().await;
    };
    tokio::spawn(async move {
        tokio::select! {
            () = inbound => {},
            () = outbound => {},
        }
    });
    theirs
}
