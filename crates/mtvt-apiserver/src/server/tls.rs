//! TLS for the emulator's listeners. kubectl (client-go's clientcmd) only sends a kubeconfig's
//! bearer token over TLS, so the API server must speak HTTPS. At start-up the server mints a
//! throw-away CA and a leaf certificate for `127.0.0.1` / `localhost` (ECDSA P-256, via
//! rcgen); the kubeconfig carries the CA as `certificate-authority-data`, so kubectl, kube-rs
//! and reqwest verify the server normally — no `insecure-skip-tls-verify`.
//!
//! Handshakes run on their own tasks so a slow client cannot stall `accept`. Nothing here is
//! persisted; a new server has a new CA.

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
                            let _ = tx.send((tls, addr)).await;
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

/// A listener yielding TLS streams whose handshake completed.
pub struct TlsListener {
    rx: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
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

    #[test]
    fn generates_a_ca() {
        let id = TlsIdentity::generate().unwrap();
        assert!(id.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
        assert_eq!(format!("{id:?}"), "TlsIdentity(<private key redacted>)");
    }
}
