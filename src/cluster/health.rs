//! Whether the API server still answers. Every request of the cluster's client goes
//! through [`HealthLayer`], which notes whether an answer (any HTTP status) or only a
//! transport error came back. After a transport error a watchdog probes `GET /version`
//! every second; an API server that gave no answer for [`GRACE`] is declared lost: every
//! wait of the run ends at once (they select on [`Health::lost`]) instead of at its own
//! deadline, and while the probes keep failing every request fails at once with
//! [`ClusterLost`] instead of retrying against a dead server. The probes go on after that,
//! so a server that comes back takes requests again (the teardown tries its deletions).
//!
//! A server that is slow or stopped (SIGSTOP) but accepts connections raises no transport
//! error and is not declared lost; a wait's own deadline covers it. This module knows no
//! scenario and no journal.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tower::BoxError;

/// How long the API server may give no answer before it counts as lost.
pub const GRACE: Duration = Duration::from_secs(8);
/// Time between two probes while the server fails.
const PROBE_EVERY: Duration = Duration::from_secs(1);
/// How long one probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// The error of a request refused because the API server is lost.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the cluster stopped answering: {0}")]
pub struct ClusterLost(pub String);

impl ClusterLost {
    /// The [`ClusterLost`] inside a kube error (a request refused by [`HealthLayer`]).
    pub fn of(e: &kube::Error) -> Option<&ClusterLost> {
        match e {
            kube::Error::Service(inner) => inner.downcast_ref::<ClusterLost>(),
            _ => None,
        }
    }
}

/// The health of one API server, shared by its client, its watchdog and every wait.
#[derive(Clone, Debug, Default)]
pub struct Health(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    url: String,
    state: Mutex<State>,
    /// Cancelled once the server is declared lost (never reset: the run is failing).
    lost: CancellationToken,
    /// The last probe after the loss failed: requests fail at once.
    down: AtomicBool,
    /// A transport error happened: the watchdog starts probing.
    failed: Notify,
}

#[derive(Debug, Default)]
struct State {
    /// Since when no request got an answer (none: the last one did).
    failing_since: Option<Instant>,
    /// The last transport error.
    last_error: Option<String>,
    /// Why the server counts as lost.
    lost: Option<String>,
}

impl Health {
    /// The health of the API server at `url`.
    pub fn new(url: &str) -> Self {
        Health(Arc::new(Inner {
            url: url.to_string(),
            ..Inner::default()
        }))
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A request got an answer.
    pub fn answered(&self) {
        let mut s = self.state();
        s.failing_since = None;
        s.last_error = None;
        self.0.down.store(false, Ordering::SeqCst);
    }

    /// A request got no answer (transport error).
    pub fn failed(&self, error: &str) {
        let mut s = self.state();
        s.failing_since.get_or_insert_with(Instant::now);
        s.last_error = Some(error.to_string());
        drop(s);
        self.0.failed.notify_one();
    }

    /// Declares the server lost when it has not answered for `grace`; returns whether it is.
    fn judge(&self, grace: Duration) -> bool {
        let mut s = self.state();
        if s.lost.is_some() {
            let down = s.failing_since.is_some();
            self.0.down.store(down, Ordering::SeqCst);
            return true;
        }
        let Some(since) = s.failing_since else {
            return false;
        };
        if since.elapsed() < grace {
            return false;
        }
        let why = format!(
            "no answer from {} for {}s (last error: {})",
            self.0.url,
            since.elapsed().as_secs(),
            s.last_error.as_deref().unwrap_or("none")
        );
        tracing::warn!("{why}");
        s.lost = Some(why);
        self.0.down.store(true, Ordering::SeqCst);
        drop(s);
        self.0.lost.cancel();
        true
    }

    /// Why the server counts as lost, if it does.
    pub fn lost_reason(&self) -> Option<ClusterLost> {
        self.state().lost.clone().map(ClusterLost)
    }

    /// Resolves once the server is declared lost (never, if it is not).
    pub async fn lost(&self) -> ClusterLost {
        self.0.lost.cancelled().await;
        self.lost_reason()
            .unwrap_or_else(|| ClusterLost("the API server is lost".into()))
    }

    /// The layer that feeds this health from a client's requests.
    pub fn layer(&self) -> HealthLayer {
        HealthLayer(self.clone())
    }

    /// Starts the watchdog that probes `client` after transport errors (needs a runtime).
    pub fn watch(&self, client: kube::Client) {
        let health = self.clone();
        tokio::spawn(async move { health.watchdog(client, GRACE).await });
    }

    async fn watchdog(self, client: kube::Client, grace: Duration) {
        loop {
            self.0.failed.notified().await;
            while self.state().failing_since.is_some() {
                tokio::time::sleep(PROBE_EVERY).await;
                let probe = tokio::time::timeout(PROBE_TIMEOUT, client.apiserver_version());
                match probe.await {
                    Ok(Ok(_)) => self.answered(),
                    Ok(Err(e)) => self.failed(&super::probe::classify(&e).to_string()),
                    Err(_) => self.failed("no answer to GET /version within 3s"),
                }
                self.judge(grace);
            }
        }
    }
}

/// Notes every request's outcome in a [`Health`]; refuses requests while it is lost.
#[derive(Clone, Debug)]
pub struct HealthLayer(Health);

impl<S> tower::Layer<S> for HealthLayer {
    type Service = HealthService<S>;
    fn layer(&self, inner: S) -> HealthService<S> {
        HealthService {
            inner,
            health: self.0.clone(),
        }
    }
}

/// The service of [`HealthLayer`].
#[derive(Clone, Debug)]
pub struct HealthService<S> {
    inner: S,
    health: Health,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>;

impl<S, B> tower::Service<http::Request<B>> for HealthService<S>
where
    S: tower::Service<http::Request<B>, Error = BoxError>,
    S::Future: Send + 'static,
    S::Response: Send + 'static,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = BoxFuture<S::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: http::Request<B>) -> Self::Future {
        // the watchdog's probe always goes out: it is how a lost server is found back
        if self.health.0.down.load(Ordering::SeqCst) && req.uri().path() != "/version" {
            let lost = self
                .health
                .lost_reason()
                .unwrap_or_else(|| ClusterLost("the API server is lost".into()));
            return Box::pin(async move { Err(Box::new(lost) as BoxError) });
        }
        let health = self.health.clone();
        let answer = self.inner.call(req);
        Box::pin(async move {
            let r = answer.await;
            match &r {
                Ok(_) => health.answered(),
                Err(e) => health.failed(&super::probe::cause_text(e.as_ref())),
            }
            r
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_only_after_the_grace_without_an_answer() {
        let h = Health::new("https://api:6443");
        assert!(!h.judge(Duration::ZERO), "no failure yet");
        h.failed("connection refused");
        h.answered();
        assert!(!h.judge(Duration::ZERO), "an answer came after the failure");
        h.failed("connection refused");
        assert!(!h.judge(Duration::from_secs(60)), "still within the grace");
        assert!(h.lost_reason().is_none());
        assert!(h.judge(Duration::ZERO));
        let why = h.lost_reason().unwrap().to_string();
        assert!(
            why.starts_with("the cluster stopped answering: no answer from https://api:6443"),
            "{why}"
        );
        assert!(why.contains("connection refused"), "{why}");
        assert!(h.0.down.load(Ordering::SeqCst));
        assert!(h.0.lost.is_cancelled());
        // a server that answers again takes requests again; the loss stays
        h.answered();
        assert!(h.judge(Duration::ZERO));
        assert!(!h.0.down.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn a_lost_server_refuses_requests_at_once_except_the_probe() {
        use tower::{Layer, Service, ServiceExt};
        let h = Health::new("https://api:6443");
        let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = calls.clone();
        let inner = tower::service_fn(move |_req: http::Request<()>| {
            counted.fetch_add(1, Ordering::SeqCst);
            async { Err::<(), BoxError>("tcp connect error: Connection refused".into()) }
        });
        let mut svc = h.layer().layer(inner);
        let req = |p: &str| http::Request::get(p).body(()).unwrap();
        let e = svc.ready().await.unwrap().call(req("/api/v1/pods")).await;
        assert!(e.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(h.judge(Duration::ZERO));
        let e = svc.ready().await.unwrap().call(req("/api/v1/pods")).await;
        let e = e.err().unwrap();
        assert!(e.downcast_ref::<ClusterLost>().is_some(), "{e}");
        assert_eq!(calls.load(Ordering::SeqCst), 1, "refused without a request");
        let _ = svc.ready().await.unwrap().call(req("/version")).await;
        assert_eq!(calls.load(Ordering::SeqCst), 2, "the probe goes out");
        let lost = tokio::time::timeout(Duration::from_secs(1), h.lost()).await;
        assert!(lost.is_ok());
    }
}
