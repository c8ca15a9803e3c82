//! The sets the checker's environment remembers things in: inputs already validated
//! clean (so a suite repeating the same PVC template or affinity validates it once) and
//! the bookkeeping of the sequential phases (cycles reported, broken `extends` chains).
//! Behind a mutex so the environment can be shared with the threads of the scenario pass
//! (each of which then gets its own sets, see `thread_env`).
//!
//! A memo must only remember facts that depend on its key alone (never on what was
//! reported before), so that which thread checked a scenario first cannot change any
//! diagnostic. This module only stores; it decides nothing.

use std::borrow::Borrow;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A set behind a mutex (each thread of the scenario pass has its own, so the lock is
/// uncontended; keys such as an affinity's JSON text are long: foldhash, not SipHash).
#[derive(Debug)]
pub(crate) struct SharedSet<K> {
    set: Mutex<foldhash::HashSet<K>>,
}

impl<K> Default for SharedSet<K> {
    fn default() -> Self {
        SharedSet {
            set: Mutex::new(foldhash::HashSet::default()),
        }
    }
}

impl<K: Eq + Hash> SharedSet<K> {
    fn lock(&self) -> MutexGuard<'_, foldhash::HashSet<K>> {
        // A panic while holding the lock is re-raised by the pass anyway; the set itself
        // is never left half-updated by `insert`/`contains`.
        self.set.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether `key` is in the set.
    pub(crate) fn contains<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        self.lock().contains(key)
    }

    /// Whether the set is empty.
    pub(crate) fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Adds `key`; true if it was not there yet.
    pub(crate) fn insert(&self, key: K) -> bool {
        self.lock().insert(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_what_was_inserted_from_any_thread() {
        let set: SharedSet<String> = SharedSet::default();
        assert!(!set.contains("a"));
        std::thread::scope(|s| {
            for t in 0..4 {
                let set = &set;
                s.spawn(move || {
                    for i in 0..100 {
                        set.insert(format!("{}", i * 4 + t));
                    }
                });
            }
        });
        assert!((0..400).all(|i| set.contains(format!("{i}").as_str())));
        assert!(!set.insert(String::from("7")));
        assert!(set.insert(String::from("a")));
        assert!(set.contains("a"));
    }
}
