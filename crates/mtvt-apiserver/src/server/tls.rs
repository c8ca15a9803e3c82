//! TLS for the emulator's listeners. kubectl (client-go's clientcmd) only sends a kubeconfig's
//! bearer token over TLS, so the API server must speak HTTPS. At start-up the server mints a
//! throw-away CA and a leaf certificate for `127.0.0.1` / `localhost` (ECDSA P-256, via
//! rcgen); the kubeconfig carries the CA as `certificate-authority-data`, so kubectl, kube-rs
//! and reqwest verify the server normally — no `insecure-skip-tls-verify`.
//!
//! Handshakes run on their own tasks so a slow client cannot stall `accept`; a connection
//! that sends nothing within [`FIRST_REQUEST_TIMEOUT`] of its handshake is closed. Nothing
//! here is persisted; a new server has a new CA.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("cannot set up TLS for the emulator: {0}")]
pub struct TlsError(String);

/// The server's certificate authority and TLS configuration.
#[derive(Clone)]
pub struct TlsIdentity {
    ca_pem: String,
    config: Arc<rustls::ServerConfig>,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsIdentity(<private key redacted>)")
    }
}

impl TlsIdentity {
    /// Mints a CA and a `127.0.0.1`/`localhost` server certificate signed by it.
    pub fn generate() -> Result<Self, TlsError> {
        let e = |what: &str, err: &dyn std::fmt::Display| TlsError(format!("{what}: {err}"));
        let ca_key = KeyPair::generate().map_err(|x| e("CA key", &x))?;
        let mut ca =
            CertificateParams::new(Vec::<String>::new()).map_err(|x| e("CA params", &x))?;
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "mtvt-sim CA");
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca
            .self_signed(&ca_key)
            .map_err(|x| e("CA certificate", &x))?;
        let issuer = Issuer::new(ca, ca_key);
        let leaf_key = KeyPair::generate().map_err(|x| e("server key", &x))?;
        let mut leaf =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
                .map_err(|x| e("server params", &x))?;
        leaf.distinguished_name.push(DnType::CommonName, "mtvt-sim");
        leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let leaf_cert = leaf
            .signed_by(&leaf_key, &issuer)
            .map_err(|x| e("server certificate", &x))?;
        let chain: Vec<CertificateDer<'static>> =
            vec![leaf_cert.der().clone(), ca_cert.der().clone()];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|x| e("protocol versions", &x))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|x| e("certificate", &x))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            ca_pem: ca_cert.pem(),
            config: Arc::new(config),
        })
    }

    /// The CA certificate (PEM) clients must trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// Wraps a bound TCP listener into a TLS listener for `axum::serve`.
    pub fn listener(&self, tcp: TcpListener) -> io::Result<TlsListener> {
        self.listener_with(tcp, FIRST_REQUEST_TIMEOUT)
    }

    /// [`TlsIdentity::listener`] closing connections that send nothing within
    /// `first_request` of their handshake.
    pub fn listener_with(
        &self,
        tcp: TcpListener,
        first_request: Duration,
    ) -> io::Result<TlsListener> {
        let local = tcp.local_addr()?;
        let acceptor = TlsAcceptor::from(self.config.clone());
        let (tx, rx) = mpsc::channel(64);
        let task = tokio::spawn(async move {
            loop {
                let (stream, addr) = match tcp.accept().await {
                    Ok(x) => x,
                    Err(e) => {
                        tracing::debug!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream))
                        .await
                    {
                        Ok(Ok(tls)) => {
                            if let Some(primed) = Primed::first_bytes(tls, first_request).await {
                                let _ = tx.send((primed, addr)).await;
                            } else {
                                tracing::debug!(%addr, "no request after the TLS handshake");
                            }
                        }
                        Ok(Err(e)) => tracing::debug!(%addr, error = %e, "TLS handshake failed"),
                        Err(_) => tracing::debug!(%addr, "TLS handshake timed out"),
                    }
                });
            }
        });
        Ok(TlsListener { rx, local, task })
    }
}

/// How long a connection may stay silent after its TLS handshake before it is closed (a
/// client that connects and never asks holds a file descriptor; kube's Go server drops
/// such connections too).
pub const FIRST_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A TLS stream whose first bytes were read to see that a request comes, handed back first.
pub struct Primed {
    head: Vec<u8>,
    pos: usize,
    inner: TlsStream<TcpStream>,
}

impl Primed {
    /// The stream once it sent something within `within`; `None` if it did not (or closed).
    async fn first_bytes(mut inner: TlsStream<TcpStream>, within: Duration) -> Option<Primed> {
        use tokio::io::AsyncReadExt;
        let mut head = vec![0u8; 8192];
        let n = match tokio::time::timeout(within, inner.read(&mut head)).await {
            Ok(Ok(n)) if n > 0 => n,
            _ => return None,
        };
        head.truncate(n);
        Some(Primed {
            head,
            pos: 0,
            inner,
        })
    }
}

impl tokio::io::AsyncRead for Primed {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        let this = &mut *self;
        if let Some(rest) = this.head.get(this.pos..)
            && !rest.is_empty()
        {
            let n = rest.len().min(buf.remaining());
            buf.put_slice(rest.get(..n).unwrap_or_default());
            this.pos += n;
            return std::task::Poll::Ready(Ok(()));
        }
        std::pin::Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for Primed {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<io::Result<usize>> {
        std::pin::Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A listener yielding TLS streams whose handshake completed and that sent a request.
pub struct TlsListener {
    rx: mpsc::Receiver<(Primed, SocketAddr)>,
    local: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = Primed;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.rx.recv().await {
            Some(conn) => conn,
            // The accept task ended (it only does when aborted): never yield again.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A client that completes the handshake and never asks is disconnected (issue 15, F13);
    /// one that asks is served.
    #[tokio::test]
    async fn silent_connections_are_closed_after_the_first_request_timeout() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let id = TlsIdentity::generate().unwrap();
        let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = tcp.local_addr().unwrap();
        let mut listener = id.listener_with(tcp, Duration::from_millis(300)).unwrap();
        let mut roots = rustls::RootCertStore::empty();
        for c in pem_certs(id.ca_pem()) {
            roots.add(c).unwrap();
        }
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
        let mut silent = connector
            .connect(name.clone(), TcpStream::connect(addr).await.unwrap())
            .await
            .unwrap();
        let mut buf = [0u8; 16];
        let read = tokio::time::timeout(Duration::from_secs(5), silent.read(&mut buf)).await;
        assert!(
            matches!(read, Ok(Ok(0)) | Ok(Err(_))),
            "the silent connection is still open: {read:?}"
        );
        let mut asking = connector
            .connect(name, TcpStream::connect(addr).await.unwrap())
            .await
            .unwrap();
        asking.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        let (mut served, _) = tokio::time::timeout(
            Duration::from_secs(5),
            axum::serve::Listener::accept(&mut listener),
        )
        .await
        .unwrap();
        let mut head = [0u8; 16];
        let n = served.read(&mut head).await.unwrap();
        assert_eq!(head.get(..n), Some(&b"GET / HTTP/1.1\r\n"[..]));
    }

    /// The DER certificates of a PEM text.
    fn pem_certs(pem: &str) -> Vec<CertificateDer<'static>> {
        use base64::Engine;
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        vec![CertificateDer::from(
            base64::engine::general_purpose::STANDARD
                .decode(body)
                .unwrap(),
        )]
    }

    #[test]
    fn generates_a_ca() {
        let id = TlsIdentity::generate().unwrap();
        assert!(id.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(format!("{id:?}"), "TlsIdentity(<private key redacted>)");
    }
}
