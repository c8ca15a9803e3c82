//! Source-provider APIs over their real protocols, for what a test harness does on the
//! source side (find VMs, power, clone, snapshots, add disks, CBT, guest info, delete):
//! vSphere (Automation REST `/api` plus the VI/JSON `/sdk/vim25` subset for what `/api`
//! lacks), oVirt (`/ovirt-engine/api`, JSON) and OpenStack (Keystone v3, Nova, Glance,
//! Cinder). Each is an axum router over a [`LabHandle`](crate::lab::LabHandle), meant for
//! its own 127.0.0.1 listener. OpenShift sources live in the API server; OVA has no API.
//!
//! These routers only translate protocol to lab operations; they hold no VM state of their
//! own (only sessions/tokens and finished task records).

// Handlers return ready-made error `Response`s by design; boxing them buys nothing here.
#![allow(clippy::result_large_err)]

pub mod openstack;
pub mod ovirt;
mod sessions;
pub mod vsphere;

pub use sessions::Sessions;
