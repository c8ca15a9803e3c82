//! Retrying API calls that failed transiently: 409 Conflict (not AlreadyExists), 429, 503,
//! 504 and transport timeouts, with exponential backoff and a bounded number of attempts.
//! Everything else fails at once — retrying a 403 or a validation error only hides it.
//!
//! (kube's own layer already retries 429/503/504 for plain requests; this wrapper also
//! covers conflicts and dropped connections, and is what every engine write goes through.)

use std::future::Future;
use std::time::Duration;

/// Attempts before giving up.
pub const MAX_ATTEMPTS: u32 = 8;

/// Whether an error is worth another attempt.
pub fn retryable(e: &kube::Error) -> bool {
    match e {
        kube::Error::Api(s) => {
            (s.code == 409 && s.reason != "AlreadyExists") || matches!(s.code, 429 | 503 | 504)
        }
        // a request refused because the API server is lost fails at once
        kube::Error::Service(_) => crate::cluster::ClusterLost::of(e).is_none(),
        kube::Error::HyperError(_) => true,
        _ => false,
    }
}

/// Runs `op` until it succeeds, fails with a non-retryable error, or [`MAX_ATTEMPTS`] ran.
pub async fn with_retry<T, F, Fut>(mut op: F) -> Result<T, kube::Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, kube::Error>>,
{
    let mut delay = Duration::from_millis(25);
    let mut attempt = 1;
    loop {
        match op().await {
            Ok(v) => return Ok(v),
            Err(e) if attempt < MAX_ATTEMPTS && retryable(&e) => {
                tracing::debug!(attempt, error = %e, "retrying a transient API error");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(2));
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::core::Status;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn api(code: u16, reason: &str) -> kube::Error {
        kube::Error::Api(Box::new(Status::failure("x", reason).with_code(code)))
    }

    #[tokio::test]
    async fn retries_transient_errors_only() {
        assert!(retryable(&api(409, "Conflict")));
        assert!(!retryable(&api(409, "AlreadyExists")));
        assert!(retryable(&api(503, "ServiceUnavailable")));
        assert!(!retryable(&api(403, "Forbidden")));
        assert!(!retryable(&api(500, "InternalError")));
        let n = AtomicU32::new(0);
        let r: Result<u32, _> = with_retry(|| async {
            let i = n.fetch_add(1, Ordering::SeqCst);
            if i < 2 {
                Err(api(429, "TooManyRequests"))
            } else {
                Ok(i)
            }
        })
        .await;
        assert_eq!(r.unwrap(), 2);
        let n = AtomicU32::new(0);
        let r: Result<u32, _> = with_retry(|| async {
            n.fetch_add(1, Ordering::SeqCst);
            Err(api(403, "Forbidden"))
        })
        .await;
        assert!(r.is_err());
        assert_eq!(n.load(Ordering::SeqCst), 1);
    }
}
