//! Virtual time for the emulator.
//!
//! Every controller delay, timestamp and the HTTP `Date` header come from one [`Clock`], which
//! runs `scale` times faster than the wall clock. A client that computes a warm cutover from the
//! server's `Date` header therefore lands on the emulator's timeline, not its own.
//!
//! The clock never goes backwards and never touches the system time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, Utc};

/// A shared handle on the emulator's virtual time. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Clock {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    /// Virtual time at `started`.
    origin: DateTime<Utc>,
    started: Instant,
    scale: f64,
}

impl Clock {
    /// A clock starting at the current wall time and running `scale` times faster.
    /// A non-finite or non-positive `scale` is treated as 1.
    pub fn new(scale: f64) -> Self {
        Self::starting_at(Utc::now(), scale)
    }

    /// A clock whose virtual "now" is `origin` at creation (deterministic tests).
    pub fn starting_at(origin: DateTime<Utc>, scale: f64) -> Self {
        let scale = if scale.is_finite() && scale > 0.0 {
            scale
        } else {
            1.0
        };
        Self {
            inner: Arc::new(Inner {
                origin,
                started: Instant::now(),
                scale,
            }),
        }
    }

    /// How many virtual seconds pass per wall-clock second.
    pub fn scale(&self) -> f64 {
        self.inner.scale
    }

    /// The current virtual time.
    pub fn now(&self) -> DateTime<Utc> {
        let real = self.inner.started.elapsed();
        let virt = Duration::try_from_secs_f64(real.as_secs_f64() * self.inner.scale)
            .unwrap_or(Duration::MAX);
        let virt = chrono::Duration::from_std(virt).unwrap_or(chrono::Duration::MAX);
        self.inner
            .origin
            .checked_add_signed(virt)
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// The current virtual time as Kubernetes writes timestamps (`2026-11-22T14:51:00Z`).
    pub fn now_rfc3339(&self) -> String {
        self.now().to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    /// The wall-clock duration that corresponds to `virtual_duration`.
    pub fn to_real(&self, virtual_duration: Duration) -> Duration {
        // Saturating: a huge virtual duration at a tiny scale is "never", not a panic.
        Duration::try_from_secs_f64(virtual_duration.as_secs_f64() / self.inner.scale)
            .unwrap_or(Duration::MAX)
    }

    /// Sleeps until `virtual_duration` of virtual time has passed.
    pub async fn sleep(&self, virtual_duration: Duration) {
        tokio::time::sleep(self.to_real(virtual_duration)).await;
    }

    /// Sleeps until the virtual time reaches `deadline` (returns at once if it has passed).
    pub async fn sleep_until(&self, deadline: DateTime<Utc>) {
        let remaining = deadline.signed_duration_since(self.now());
        if let Ok(d) = remaining.to_std() {
            self.sleep(d).await;
        }
    }
}

impl Default for Clock {
    fn default() -> Self {
        Self::new(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_time_runs_faster() {
        let origin = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let clock = Clock::starting_at(origin, 1000.0);
        std::thread::sleep(Duration::from_millis(20));
        let elapsed = clock.now().signed_duration_since(origin);
        assert!(elapsed.num_seconds() >= 19, "elapsed {elapsed}");
    }

    #[test]
    fn bad_scale_falls_back_to_real_time() {
        assert_eq!(Clock::new(0.0).scale(), 1.0);
        assert_eq!(Clock::new(f64::NAN).scale(), 1.0);
        assert_eq!(Clock::new(-3.0).scale(), 1.0);
    }

    #[test]
    fn to_real_divides_by_scale() {
        let clock = Clock::new(60.0);
        assert_eq!(
            clock.to_real(Duration::from_secs(60)),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn rfc3339_has_no_fraction() {
        let origin = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let clock = Clock::starting_at(origin, 1.0);
        assert!(clock.now_rfc3339().starts_with("2026-01-01T00:00:0"));
        assert!(clock.now_rfc3339().ends_with('Z'));
    }
}
