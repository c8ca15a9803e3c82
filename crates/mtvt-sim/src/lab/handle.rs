//! The shared runtime state of a lab.
//!
//! [`LabHandle`] is a cheap clone around one lock. Every change produces a new immutable
//! [`World`] (copy-on-write per provider), stamped with the virtual time, kept in a short
//! history so readers can see the lab "as of" an earlier instant (the inventory's refresh
//! delay), and announced on a watch channel. It never blocks on I/O while locked.

use std::collections::VecDeque;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

use super::Lab;
use super::error::LabOpError;
use super::model::{Disk, Provider, Snapshot, Vm};
use super::ops::{self, AddDiskSpec, CloneSpec, SnapshotSpec};
use crate::clock::Clock;

/// The lab's providers at one instant. Immutable; share it freely.
#[derive(Clone, Debug, PartialEq)]
pub struct World {
    /// Providers, in lab order.
    pub providers: Vec<Arc<Provider>>,
    /// Global revision: +1 on every change.
    pub revision: u64,
}

impl World {
    /// A provider by lab name.
    pub fn provider(&self, name: &str) -> Option<&Provider> {
        self.providers
            .iter()
            .map(Arc::as_ref)
            .find(|p| p.name == name)
    }
}

struct State {
    current: Arc<World>,
    /// (time the world became current, world), oldest first.
    history: VecDeque<(DateTime<Utc>, Arc<World>)>,
}

struct Inner {
    lab: Lab,
    clock: Clock,
    retention: Duration,
    state: RwLock<State>,
    changes: watch::Sender<u64>,
}

/// Shared handle on the lab state. Clone it into every component that reads or changes the
/// source side.
#[derive(Clone)]
pub struct LabHandle {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for LabHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabHandle")
            .field("revision", &self.revision())
            .finish()
    }
}

/// How long past worlds are kept by default (virtual time).
pub const DEFAULT_HISTORY: Duration = Duration::from_secs(15 * 60);

impl LabHandle {
    /// Serves `lab` on `clock`'s timeline.
    pub fn new(lab: Lab, clock: Clock) -> Self {
        Self::with_history(lab, clock, DEFAULT_HISTORY)
    }

    /// Like [`LabHandle::new`], keeping past worlds for `retention` of virtual time (must
    /// exceed the longest "as of" delay any reader uses).
    pub fn with_history(lab: Lab, clock: Clock, retention: Duration) -> Self {
        let world = Arc::new(World {
            providers: lab.providers.iter().cloned().map(Arc::new).collect(),
            revision: 1,
        });
        let mut history = VecDeque::new();
        // The initial lab is visible at any instant.
        history.push_back((DateTime::<Utc>::MIN_UTC, world.clone()));
        let (changes, _) = watch::channel(1);
        Self {
            inner: Arc::new(Inner {
                lab,
                clock,
                retention,
                state: RwLock::new(State {
                    current: world,
                    history,
                }),
                changes,
            }),
        }
    }

    /// The lab as loaded (cluster, faults, guest credentials, initial providers).
    pub fn lab(&self) -> &Lab {
        &self.inner.lab
    }

    /// The virtual clock.
    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.inner.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.inner.state.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The current world.
    pub fn world(&self) -> Arc<World> {
        self.read().current.clone()
    }

    /// The world as it was at virtual time `t` (the initial lab if `t` precedes every change,
    /// the oldest retained world if `t` is older than the history).
    pub fn world_at(&self, t: DateTime<Utc>) -> Arc<World> {
        let state = self.read();
        state
            .history
            .iter()
            .rev()
            .find(|(at, _)| *at <= t)
            .or_else(|| state.history.front())
            .map_or_else(|| state.current.clone(), |(_, w)| w.clone())
    }

    /// Current global revision.
    pub fn revision(&self) -> u64 {
        self.read().current.revision
    }

    /// A receiver that sees the global revision after every change.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.inner.changes.subscribe()
    }

    /// A copy of a provider's current state.
    pub fn provider(&self, provider: &str) -> Result<Provider, LabOpError> {
        self.world()
            .provider(provider)
            .cloned()
            .ok_or_else(|| LabOpError::ProviderNotFound {
                provider: provider.to_string(),
            })
    }

    /// A VM or template by id or name.
    pub fn find_vm(&self, provider: &str, id_or_name: &str) -> Result<Vm, LabOpError> {
        let world = self.world();
        let p = world
            .provider(provider)
            .ok_or_else(|| LabOpError::ProviderNotFound {
                provider: provider.to_string(),
            })?;
        p.find_vm(id_or_name)
            .cloned()
            .ok_or_else(|| LabOpError::VmNotFound {
                provider: provider.to_string(),
                vm: id_or_name.to_string(),
            })
    }

    /// Applies `f` to a copy of the provider; commits only on success.
    fn mutate<T>(
        &self,
        provider: &str,
        f: impl FnOnce(&mut Provider, DateTime<Utc>) -> Result<T, LabOpError>,
    ) -> Result<T, LabOpError> {
        let now = self.inner.clock.now();
        let mut state = self.write();
        let index = state
            .current
            .providers
            .iter()
            .position(|p| p.name == provider)
            .ok_or_else(|| LabOpError::ProviderNotFound {
                provider: provider.to_string(),
            })?;
        let mut copy: Provider = state
            .current
            .providers
            .get(index)
            .map(|p| p.as_ref().clone())
            .ok_or_else(|| LabOpError::ProviderNotFound {
                provider: provider.to_string(),
            })?;
        let out = f(&mut copy, now)?;
        let mut world = state.current.as_ref().clone();
        if let Some(slot) = world.providers.get_mut(index) {
            *slot = Arc::new(copy);
        }
        world.revision += 1;
        let revision = world.revision;
        let world = Arc::new(world);
        state.current = world.clone();
        state.history.push_back((now, world));
        let cutoff = now.checked_sub_signed(
            chrono::Duration::from_std(self.inner.retention).unwrap_or(chrono::Duration::MAX),
        );
        if let Some(cutoff) = cutoff {
            // keep the newest entry at or before the cutoff so `world_at(cutoff)` stays exact
            while state.history.get(1).is_some_and(|(at, _)| *at <= cutoff) {
                state.history.pop_front();
            }
        }
        drop(state);
        self.inner.changes.send_replace(revision);
        Ok(out)
    }

    /// Clones a VM or template into a new powered-off VM (powered on if `spec.power_on`).
    pub fn clone_vm(
        &self,
        provider: &str,
        source: &str,
        spec: CloneSpec,
    ) -> Result<Vm, LabOpError> {
        self.mutate(provider, |p, now| ops::clone_vm(p, source, spec, now))
    }

    /// Powers a VM on; guest tools start and IPs appear.
    pub fn power_on(&self, provider: &str, vm: &str) -> Result<Vm, LabOpError> {
        self.mutate(provider, |p, _| ops::set_power(p, vm, true))
    }

    /// Powers a VM off; guest tools stop and IPs disappear.
    pub fn power_off(&self, provider: &str, vm: &str) -> Result<Vm, LabOpError> {
        self.mutate(provider, |p, _| ops::set_power(p, vm, false))
    }

    /// Takes a snapshot.
    pub fn create_snapshot(
        &self,
        provider: &str,
        vm: &str,
        spec: SnapshotSpec,
    ) -> Result<Snapshot, LabOpError> {
        self.mutate(provider, |p, now| ops::create_snapshot(p, vm, spec, now))
    }

    /// Removes a snapshot (children are re-parented).
    pub fn remove_snapshot(
        &self,
        provider: &str,
        vm: &str,
        snapshot: &str,
    ) -> Result<(), LabOpError> {
        self.mutate(provider, |p, _| ops::remove_snapshot(p, vm, snapshot))
    }

    /// Adds a disk.
    pub fn add_disk(
        &self,
        provider: &str,
        vm: &str,
        spec: AddDiskSpec,
    ) -> Result<Disk, LabOpError> {
        self.mutate(provider, |p, _| ops::add_disk(p, vm, spec))
    }

    /// Turns changed block tracking on or off.
    pub fn set_cbt(&self, provider: &str, vm: &str, enabled: bool) -> Result<Vm, LabOpError> {
        self.mutate(provider, |p, _| ops::set_cbt(p, vm, enabled))
    }

    /// Makes the provider's API unreachable for connection tests until `until` (an outage).
    pub fn set_unreachable(&self, provider: &str, until: DateTime<Utc>) -> Result<(), LabOpError> {
        self.mutate(provider, |p, _| {
            p.unreachable_until = Some(until);
            Ok(())
        })
    }

    /// Deletes a powered-off VM or template.
    pub fn delete_vm(&self, provider: &str, vm: &str) -> Result<Vm, LabOpError> {
        self.mutate(provider, |p, _| ops::delete_vm(p, vm))
    }
}
