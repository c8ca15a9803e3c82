//! Fetching the certificate chain a source endpoint presents (the pytest suite's
//! `_fetch_and_store_cacert`: `openssl s_client -showcerts`), so a Provider with TLS
//! verification on can trust it through the Secret's `cacert`. The handshake accepts any
//! certificate on purpose — it only records what the server sends; signatures of the
//! handshake are still checked. Trust-on-first-use: docs/running.md says how to pass a CA
//! instead.
//!
//! Sends no application data.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::DigitallySignedStruct;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};

use crate::cluster::connect::der_to_pem;

#[derive(Debug)]
struct Recorder {
    chain: Mutex<Vec<Vec<u8>>>,
    algs: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut c = self.chain.lock().unwrap_or_else(|p| p.into_inner());
        c.push(end_entity.to_vec());
        c.extend(intermediates.iter().map(|i| i.to_vec()));
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algs)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.algs.supported_schemes()
    }
}

/// The chain (PEM) presented by `host:port`.
pub async fn fetch_chain(host: &str, port: u16) -> Result<String, String> {
    let provider = rustls::crypto::ring::default_provider();
    let recorder = Arc::new(Recorder {
        chain: Mutex::new(Vec::new()),
        algs: provider.signature_verification_algorithms,
    });
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(recorder.clone())
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let name = ServerName::try_from(host.to_string())
        .map_err(|e| format!("'{host}' is not a server name: {e}"))?;
    let fut = async {
        let tcp = tokio::net::TcpStream::connect((host, port))
            .await
            .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
        connector
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS handshake with {host}:{port} failed: {e}"))?;
        Ok::<(), String>(())
    };
    tokio::time::timeout(Duration::from_secs(20), fut)
        .await
        .map_err(|_| format!("TLS handshake with {host}:{port} timed out"))??;
    let chain = recorder
        .chain
        .lock()
        .map_err(|_| "poisoned".to_string())?
        .clone();
    if chain.is_empty() {
        return Err(format!("{host}:{port} presented no certificate"));
    }
    String::from_utf8(der_to_pem(&chain)).map_err(|e| e.to_string())
}

/// Host and port of an `https://` URL (None for other schemes).
pub fn https_target(url: &str) -> Option<(String, u16)> {
    let u = url::Url::parse(url).ok()?;
    if u.scheme() != "https" {
        return None;
    }
    Some((
        u.host_str()?.to_string(),
        u.port_or_known_default().unwrap_or(443),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(
            https_target("https://vc.lab/sdk"),
            Some(("vc.lab".into(), 443))
        );
        assert_eq!(
            https_target("https://127.0.0.1:8443/x"),
            Some(("127.0.0.1".into(), 8443))
        );
        assert_eq!(https_target("http://127.0.0.1:8443/x"), None);
        assert_eq!(https_target("nfs:/x"), None);
    }
}
