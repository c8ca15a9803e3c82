//! A WebSocket carrying raw bytes in binary messages (KubeVirt's `plain.kubevirt.io`) turned
//! into a byte stream: one task pumps each direction between the socket and one end of an
//! in-memory duplex pipe, whose other end is handed to the SSH client. Close frames and EOF
//! map onto each other; pings are answered by tungstenite.

use futures::{SinkExt, StreamExt};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

/// Size of the in-memory pipe and of one outgoing binary message.
const CHUNK: usize = 32 * 1024;

/// The byte stream over `ws` (the pumps run until either side closes).
pub(crate) fn bridge<S>(ws: WebSocketStream<S>) -> DuplexStream
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (ours, theirs) = tokio::io::duplex(CHUNK * 2);
    let (mut sink, mut stream) = ws.split();
    let (mut rd, mut wr) = tokio::io::split(ours);
    let inbound = async move {
        while let Some(msg) = stream.next().await {
            match msg {
                Ok(Message::Binary(b)) => {
                    if wr.write_all(&b).await.is_err() {
                        break;
                    }
                }
                Ok(Message::Close(_)) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let _ = wr.shutdown().await;
    };
    let outbound = async move {
        let mut buf = vec![0u8; CHUNK];
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let chunk = buf.get(..n).unwrap_or_default().to_vec();
                    if sink.send(Message::Binary(chunk.into())).await.is_err() {
                        break;
                    }
                }
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
