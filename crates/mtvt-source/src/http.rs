//! The HTTP plumbing shared by the vSphere, oVirt and OpenStack adapters: a reqwest client
//! built from [`TlsOptions`], one `send` that turns transport failures and error statuses
//! into [`SourceError`]s naming method, path and status, and the extraction of each
//! protocol's error text from a response body.
//!
//! It must not log or return headers, query strings or bodies of requests (they carry
//! credentials); only response bodies of failed calls are quoted, shortened.

use std::time::Duration;

use mtvt_vocab::ProviderKind;
use reqwest::header::HeaderMap;
use reqwest::{Certificate, Client, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{SourceError, chain};

/// TLS settings for a source API: verify certificates unless `insecure_skip_verify`;
/// `ca_bundle_pem` adds trusted roots (PEM, one or more certificates).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// Skip certificate verification (the profile's `insecureSkipVerify`).
    pub insecure_skip_verify: bool,
    /// Extra trusted CA certificates, PEM.
    pub ca_bundle_pem: Option<Vec<u8>>,
}

/// Timeout of one HTTP request (connect + response).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Builds a reqwest client for `tls`. Callers' binaries/tests must have installed the ring
/// crypto provider (`rustls::crypto::ring::default_provider().install_default()`).
pub fn build_client(provider: ProviderKind, tls: &TlsOptions) -> Result<Client, SourceError> {
    let mut b = Client::builder()
        .connect_timeout(Duration::from_secs(15))
        .timeout(REQUEST_TIMEOUT)
        .tls_danger_accept_invalid_certs(tls.insecure_skip_verify);
    if let Some(pem) = &tls.ca_bundle_pem {
        let certs = Certificate::from_pem_bundle(pem).map_err(|e| SourceError::Config {
            provider,
            message: format!("the CA bundle is not valid PEM: {}", chain(&e)),
        })?;
        for c in certs {
            b = b.add_root_certificate(c);
        }
    }
    b.build().map_err(|e| SourceError::Config {
        provider,
        message: format!("cannot build the HTTP client: {}", chain(&e)),
    })
}

/// A response, read whole.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Vec<u8>,
    pub(crate) method: String,
    pub(crate) path: String,
    provider: ProviderKind,
}

impl Reply {
    /// The body as `T`.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, SourceError> {
        serde_json::from_slice(&self.body).map_err(|e| SourceError::Protocol {
            provider: self.provider,
            path: self.path.clone(),
            message: format!(
                "body is not the expected JSON ({e}): {}",
                excerpt(&self.body)
            ),
        })
    }

    /// The body as JSON, `null` when empty (204).
    pub(crate) fn value(&self) -> Result<Value, SourceError> {
        if self.body.is_empty() {
            Ok(Value::Null)
        } else {
            self.json()
        }
    }

    /// A response header as text.
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// The protocol's error text of the body.
    pub(crate) fn error_text(&self) -> String {
        error_text(&self.body)
    }

    /// The [`SourceError::Api`] for this reply.
    pub(crate) fn into_api_error(self) -> SourceError {
        SourceError::Api {
            provider: self.provider,
            status: self.status.as_u16(),
            message: error_text(&self.body),
            method: self.method,
            path: self.path,
        }
    }

    /// A [`SourceError::Protocol`] about this reply.
    pub(crate) fn protocol_error(&self, message: impl Into<String>) -> SourceError {
        SourceError::Protocol {
            provider: self.provider,
            path: self.path.clone(),
            message: message.into(),
        }
    }
}

/// Sends a request; `Err(Api)` for any non-2xx status.
pub(crate) async fn send(provider: ProviderKind, rb: RequestBuilder) -> Result<Reply, SourceError> {
    let reply = send_any(provider, rb).await?;
    if reply.status.is_success() {
        Ok(reply)
    } else {
        Err(reply.into_api_error())
    }
}

/// Sends a request and returns the reply whatever its status (transport errors only).
pub(crate) async fn send_any(
    provider: ProviderKind,
    rb: RequestBuilder,
) -> Result<Reply, SourceError> {
    let (client, request) = rb.build_split();
    let request = request.map_err(|e| SourceError::Config {
        provider,
        message: format!("cannot build a request: {}", chain(&e)),
    })?;
    let method = request.method().to_string();
    let url = request.url();
    let path = url.path().to_string();
    let shown = format!(
        "{}://{}{}{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.port().map(|p| format!(":{p}")).unwrap_or_default(),
        path
    );
    tracing::debug!(%provider, %method, %path, "source request");
    let resp = client
        .execute(request)
        .await
        .map_err(|e| SourceError::Transport {
            provider,
            url: shown.clone(),
            message: chain(&e.without_url()),
        })?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp
        .bytes()
        .await
        .map_err(|e| SourceError::Transport {
            provider,
            url: shown,
            message: chain(&e.without_url()),
        })?
        .to_vec();
    Ok(Reply {
        status,
        headers,
        body,
        method,
        path,
        provider,
    })
}

/// The first 300 characters of a body, for messages.
pub fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "(empty body)".to_string();
    }
    let mut out: String = text.chars().take(300).collect();
    if text.chars().count() > 300 {
        out.push('…');
    }
    out
}

/// The error text of a response body in any of the protocols spoken here:
/// vSphere Automation (`error_type` + `messages[].default_message`), VI/JSON faults
/// (`_typeName` + `faultMessage`), oVirt (`reason` + `detail`), Keystone (`error.message`),
/// Nova/Cinder (`{"<kind>": {"message"}}`), OAuth (`error_code` + `error`), else the body.
pub(crate) fn error_text(body: &[u8]) -> String {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return excerpt(body);
    };
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    if let Some(kind) = s(&v, "error_type") {
        let msgs: Vec<String> = v
            .get("messages")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| s(m, "default_message"))
            .collect();
        return if msgs.is_empty() {
            kind
        } else {
            format!("{kind}: {}", msgs.join("; "))
        };
    }
    if let Some(kind) = s(&v, "_typeName") {
        let msg = v
            .get("faultMessage")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(|m| s(m, "message"))
            .or_else(|| s(&v, "localizedMessage"))
            .or_else(|| s(&v, "faultMessage"));
        return match msg {
            Some(m) => format!("{kind}: {m}"),
            None => kind,
        };
    }
    if let (Some(reason), detail) = (s(&v, "reason"), s(&v, "detail")) {
        return match detail {
            Some(d) => format!("{reason}: {d}"),
            None => reason,
        };
    }
    if let Some(code) = s(&v, "error_code") {
        return match s(&v, "error") {
            Some(e) => format!("{code}: {e}"),
            None => code,
        };
    }
    if let Some(obj) = v.as_object()
        && obj.len() == 1
        && let Some((kind, inner)) = obj.iter().next()
        && let Some(msg) = inner.get("message").and_then(Value::as_str)
    {
        return format!("{kind}: {msg}");
    }
    excerpt(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_texts_per_protocol() {
        let t = |v: Value| error_text(v.to_string().as_bytes());
        assert_eq!(
            t(
                serde_json::json!({"error_type": "NOT_FOUND", "messages": [{"args": [], "default_message": "gone", "id": "x"}]})
            ),
            "NOT_FOUND: gone"
        );
        assert_eq!(
            t(
                serde_json::json!({"_typeName": "InvalidLogin", "faultMessage": [{"message": "bad"}]})
            ),
            "InvalidLogin: bad"
        );
        assert_eq!(
            t(serde_json::json!({"reason": "Operation Failed", "detail": "[x]"})),
            "Operation Failed: [x]"
        );
        assert_eq!(
            t(serde_json::json!({"error": {"code": 401, "message": "no"}})),
            "error: no"
        );
        assert_eq!(
            t(serde_json::json!({"conflictingRequest": {"code": 409, "message": "busy"}})),
            "conflictingRequest: busy"
        );
        assert_eq!(
            t(serde_json::json!({"error_code": "access_denied", "error": "wrong"})),
            "access_denied: wrong"
        );
        assert_eq!(error_text(b"plain text"), "plain text");
        assert_eq!(error_text(b""), "(empty body)");
        assert!(excerpt("x".repeat(400).as_bytes()).ends_with('…'));
    }

    #[test]
    fn bad_ca_bundle_is_a_config_error() {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let tls = TlsOptions {
            insecure_skip_verify: false,
            ca_bundle_pem: Some(
                b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n".to_vec(),
            ),
        };
        let e = build_client(ProviderKind::Vsphere, &tls).unwrap_err();
        assert!(matches!(e, SourceError::Config { .. }), "{e}");
    }
}
