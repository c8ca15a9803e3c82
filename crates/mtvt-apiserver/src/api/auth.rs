//! Bearer-token authentication: every request except the unauthenticated health and version
//! endpoints must carry `Authorization: Bearer <token>` (the token written to the
//! kubeconfig), or gets 401 with an `Unauthorized` Status.
//!
//! The token is compared in constant time and never logged.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::store::{ApiError, Reason};

/// The server's bearer token. `Debug` never shows it.
#[derive(Clone)]
pub struct Token(Arc<str>);

impl Token {
    /// A fresh random token (32 bytes, URL-safe base64).
    pub fn random() -> Self {
        use base64::Engine;
        use rand::Rng;
        let bytes: [u8; 32] = rand::rng().random();
        // The `sha256~…` form of common cluster tokens: never starts with `-`, which a command line
        // would take for a flag (`--token -T…`).
        Self(Arc::from(format!(
            "sha256~{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        )))
    }

    /// A given token (tests).
    pub fn new(value: &str) -> Self {
        Self(Arc::from(value))
    }

    /// The secret value.
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn matches(&self, presented: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), presented.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Paths anyone may read (kube allows these to `system:unauthenticated` too).
fn public(path: &str) -> bool {
    matches!(
        path,
        "/healthz" | "/livez" | "/readyz" | "/version" | "/version/"
    )
}

/// Middleware: 401 unless the bearer token matches. A request without credentials may
/// read the public paths (anonymous); one with credentials that do not authenticate is
/// 401 everywhere, as kube's authentication filter rejects it before any anonymous
/// fallback (k8s.io/apiserver pkg/endpoints/filters/authentication.go).
pub async fn require_token(State(token): State<Token>, req: Request, next: Next) -> Response {
    let authorization = req.headers().get(header::AUTHORIZATION);
    if authorization.is_none() && public(req.uri().path()) {
        return next.run(req).await;
    }
    let presented = authorization
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match presented {
        Some(p) if token.matches(p) => next.run(req).await,
        _ => ApiError::new(Reason::Unauthorized, "Unauthorized").into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_redacted_and_compared_exactly() {
        let t = Token::new("s3cret");
        assert_eq!(format!("{t:?}"), "Token(<redacted>)");
        assert!(t.matches("s3cret"));
        assert!(!t.matches("s3cre"));
        assert!(!t.matches("s3creT"));
        assert_ne!(Token::random().expose(), Token::random().expose());
    }

    #[test]
    fn random_tokens_never_look_like_a_flag() {
        for _ in 0..500 {
            let t = Token::random();
            assert!(t.expose().starts_with("sha256~"), "{}", t.expose());
        }
    }
}
