//! Request logging and the `Date` header: every response carries `Date` from the emulator's
//! virtual clock (so a client can compute a warm cutover in server time), and every request is
//! logged with tracing (method, path, verb, status, latency) at `info` — never headers, so the
//! bearer token cannot leak.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::clock::Clock;

/// An RFC 7231 HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`) of the virtual now.
pub fn http_date(clock: &Clock) -> String {
    clock.now().format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Middleware: sets `Date` and logs the request.
pub async fn observe(State(clock): State<Clock>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let mut resp = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&http_date(&clock)) {
        resp.headers_mut().insert(header::DATE, v);
    }
    let status = resp.status().as_u16();
    let elapsed_us = started.elapsed().as_micros() as u64;
    tracing::info!(target: "mtvt_sim::http", %method, %path, query = query.as_deref().unwrap_or(""), status, elapsed_us, "request");
    resp
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    #[test]
    fn date_format() {
        let clock = Clock::starting_at(
            DateTime::parse_from_rfc3339("1994-11-06T08:49:37Z")
                .unwrap()
                .to_utc(),
            0.000_001,
        );
        assert!(http_date(&clock).starts_with("Sun, 06 Nov 1994 08:49:3"));
    }
}
