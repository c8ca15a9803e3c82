//! The Forklift side of `mtvt run`, apart from the Kubernetes objects themselves:
//!
//! * [`client::InventoryClient`]: the Forklift inventory REST API (found through the
//!   `forklift-inventory` Route, [`route`]): provider uids, VMs, the wait for a VM to
//!   appear (bounded backoff polling — the inventory offers no watch to a client) and
//!   to show what preparation changed ([`sync`]).
//! * [`mappings`]: StorageMap and NetworkMap `source` lists derived from inventory answers
//!   per provider type (in the pytest suite's order), and the pure map-entry builders.
//! * [`copy_offload`]: the storage Secret, datastores and StorageMap entries of vSphere
//!   copy-offload (XCOPY), from a profile's `copyoffload` section.
//!
//! It lives apart from `mtvt-source` (which only speaks to source providers) and from the
//! engine: it must not know the scenario language or the engine, nor whether the
//! inventory is the emulator's (its tests run against the emulator's inventory router over
//! loopback, which is why it is a crate and not a module of the `mtvt` binary). Transport
//! pieces shared with the source adapters (TLS options, the HTTP client, polling, secrets)
//! come from `mtvt-source`. The bearer token never appears in logs or errors.

pub mod client;
pub mod copy_offload;
mod error;
pub mod mappings;
pub mod route;
pub mod sync;

pub use client::{InventoryClient, ProviderInventory};
pub use error::InventoryError;
pub use sync::Expected;
