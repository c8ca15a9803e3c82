//! The cluster's clock, read from the `Date` header of an API response. Warm cutover
//! times are computed from it (never from the local clock), so a skewed laptop or an
//! emulator running virtual time still schedules the cutover where the controller expects.
//!
//! One cheap `GET /api` per call; it must not cache (callers decide when to ask).

use chrono::{DateTime, Utc};
use kube::client::Body;

/// The server's current time.
pub async fn server_time(client: &kube::Client) -> Result<DateTime<Utc>, String> {
    let request = http::Request::get("/api")
        .body(Body::empty())
        .map_err(|e| format!("cannot build GET /api: {e}"))?;
    let response = client
        .send(request)
        .await
        .map_err(|e| format!("GET /api failed: {e}"))?;
    let date = response
        .headers()
        .get(http::header::DATE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| "GET /api answered without a Date header".to_string())?;
    parse_http_date(date)
}

/// Parses an HTTP date (`Sun, 22 Nov 2026 16:00:22 GMT`).
pub fn parse_http_date(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc2822(s)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| format!("Date header '{s}' is not an HTTP date: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        let d = parse_http_date("Sun, 22 Nov 2026 16:00:22 GMT").unwrap();
        assert_eq!(d.to_rfc3339(), "2026-11-22T16:00:22+00:00");
        assert!(parse_http_date("yesterday").is_err());
    }
}
