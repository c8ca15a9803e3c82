//! Bounded backoff polling: the honest equivalent of a watch for HTTP APIs that have none
//! (vSphere tasks, oVirt/Nova state changes, guest info, the Forklift inventory).
//!
//! A wait is a condition probe, a deadline and exponential backoff between probes; when the
//! deadline passes, the error carries the last state the probe saw. It never sleeps past
//! the deadline and never retries a probe that failed with an error (the error is returned).
//! Kubernetes objects are not waited on here: the OpenShift adapter uses kube watches.

use std::future::Future;
use std::time::Duration;

use mtvt_vocab::ProviderKind;
use tokio::time::Instant;

use crate::error::SourceError;

/// Delays between probes: `initial`, then × `factor` up to `max`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    /// First delay.
    pub initial: Duration,
    /// Largest delay.
    pub max: Duration,
    /// Growth factor (≥ 1).
    pub factor: f64,
}

impl Default for Backoff {
    /// 250 ms doubling up to 5 s: quick for fast sources, gentle on slow ones.
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(250),
            max: Duration::from_secs(5),
            factor: 2.0,
        }
    }
}

impl Backoff {
    /// Fast polling for loopback tests against the emulator (5 ms → 50 ms).
    pub fn fast() -> Self {
        Self {
            initial: Duration::from_millis(5),
            max: Duration::from_millis(50),
            factor: 2.0,
        }
    }

    fn next(&self, d: Duration) -> Duration {
        d.mul_f64(self.factor.max(1.0)).min(self.max)
    }
}

/// What one probe saw.
#[derive(Debug)]
pub enum Probe<T> {
    /// The condition holds; the wait returns this value.
    Ready(T),
    /// Not yet; the text describes the state seen (quoted in the timeout error).
    Pending(String),
}

/// The wait ended at the deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expired {
    /// How long the wait ran.
    pub waited: Duration,
    /// The last [`Probe::Pending`] text.
    pub last_state: String,
}

/// Probes until [`Probe::Ready`] or `timeout`. Probe errors end the wait at once
/// (`Ok(Err(e))`); the deadline gives `Err(Expired)`. At least one probe always runs.
pub async fn poll_until<T, E, F, Fut>(
    timeout: Duration,
    backoff: Backoff,
    mut probe: F,
) -> Result<Result<T, E>, Expired>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Probe<T>, E>>,
{
    let start = Instant::now();
    let deadline = start + timeout;
    let mut delay = backoff.initial;
    loop {
        let last = match probe().await {
            Ok(Probe::Ready(v)) => return Ok(Ok(v)),
            Ok(Probe::Pending(state)) => state,
            Err(e) => return Ok(Err(e)),
        };
        let now = Instant::now();
        if now >= deadline {
            return Err(Expired {
                waited: now - start,
                last_state: last,
            });
        }
        tokio::time::sleep(delay.min(deadline - now)).await;
        delay = backoff.next(delay);
    }
}

/// Timing of the adapters' waits: probe backoff and the deadline of operations that finish
/// asynchronously on the source (tasks, power changes, clones, deletes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WaitOptions {
    /// Delays between probes.
    pub backoff: Backoff,
    /// Deadline of one asynchronous source operation.
    pub op_timeout: Duration,
}

impl Default for WaitOptions {
    /// [`Backoff::default`] and 10 minutes per operation.
    fn default() -> Self {
        Self {
            backoff: Backoff::default(),
            op_timeout: Duration::from_secs(600),
        }
    }
}

impl WaitOptions {
    /// Fast probing and a 10 s deadline, for loopback tests against the emulator.
    pub fn fast() -> Self {
        Self {
            backoff: Backoff::fast(),
            op_timeout: Duration::from_secs(10),
        }
    }
}

/// [`poll_until`] whose deadline becomes [`SourceError::Timeout`] naming the provider, the
/// object and the condition.
pub(crate) async fn wait_for<T, F, Fut>(
    provider: ProviderKind,
    object: &str,
    condition: &str,
    timeout: Duration,
    backoff: Backoff,
    probe: F,
) -> Result<T, SourceError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Probe<T>, SourceError>>,
{
    match poll_until(timeout, backoff, probe).await {
        Ok(result) => result,
        Err(Expired { waited, last_state }) => Err(SourceError::Timeout {
            provider,
            vm: object.to_string(),
            condition: condition.to_string(),
            waited,
            last_state,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn ready_after_some_probes() {
        let mut n = 0;
        let r: Result<Result<u32, ()>, Expired> =
            poll_until(Duration::from_secs(5), Backoff::fast(), || {
                n += 1;
                let k = n;
                async move {
                    Ok(if k >= 3 {
                        Probe::Ready(k)
                    } else {
                        Probe::Pending(format!("probe {k}"))
                    })
                }
            })
            .await;
        assert_eq!(r, Ok(Ok(3)));
    }

    #[tokio::test]
    async fn deadline_reports_last_state() {
        let r: Result<Result<(), ()>, Expired> =
            poll_until(Duration::from_millis(30), Backoff::fast(), || async {
                Ok(Probe::Pending("still booting".to_string()))
            })
            .await;
        let e = r.unwrap_err();
        assert_eq!(e.last_state, "still booting");
        assert!(e.waited >= Duration::from_millis(30));
        assert!(e.waited < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn probe_error_ends_the_wait() {
        let r: Result<Result<(), &str>, Expired> =
            poll_until(Duration::from_secs(5), Backoff::fast(), || async {
                Err("boom")
            })
            .await;
        assert_eq!(r, Ok(Err("boom")));
    }

    #[test]
    fn backoff_grows_to_max() {
        let b = Backoff::default();
        let mut d = b.initial;
        for _ in 0..10 {
            d = b.next(d);
        }
        assert_eq!(d, b.max);
    }
}
