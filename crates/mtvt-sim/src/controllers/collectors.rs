//! The inventory's collectors, one per Provider CR (`pkg/controller/provider/container`):
//! the Provider controller builds one after a successful connection test and rebuilds it when
//! the Provider's spec or its Secret changes (controller.go updateContainer); a new collector
//! is out of parity (still loading) until its initial load ends. The inventory lists and
//! serves only providers that have a collector, and answers 206 while it is out of parity.
//! In-memory state shared by the controller (writer) and the inventory (reader).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Utc};

/// One collector.
#[derive(Clone, Debug, PartialEq)]
pub struct Collector {
    /// When it was built.
    pub built: DateTime<Utc>,
    /// When its initial load ends (parity).
    pub parity_at: DateTime<Utc>,
}

impl Collector {
    /// Whether it has parity at `now`.
    pub fn has_parity(&self, now: DateTime<Utc>) -> bool {
        now >= self.parity_at
    }
}

/// Collectors by Provider UID.
#[derive(Clone, Debug, Default)]
pub struct Collectors(Arc<Mutex<HashMap<String, Collector>>>);

impl Collectors {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Collector>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The collector of a Provider.
    pub fn get(&self, uid: &str) -> Option<Collector> {
        self.map().get(uid).cloned()
    }

    /// Builds (or replaces) the collector of a Provider.
    pub fn build(&self, uid: &str, c: Collector) {
        self.map().insert(uid.to_string(), c);
    }

    /// Removes the collector of a Provider.
    pub fn remove(&self, uid: &str) {
        self.map().remove(uid);
    }
}
