//! The source side of `mtvt run`: adapters that prepare source VMs over each provider's real
//! protocol, the Forklift inventory client, and copy-offload storage maps.
//!
//! * [`adapter::SourceAdapter`]: one enum over the five provider types — vSphere
//!   (Automation REST + VI/JSON), oVirt (REST, SSO), OpenStack (Keystone v3 + Nova, Glance,
//!   Cinder), OpenShift (KubeVirt objects through a caller-given `kube::Client`) and OVA (no
//!   API). Operations a provider cannot do return [`SourceError::Unsupported`].
//! * [`inventory::InventoryClient`]: the Forklift inventory REST API (provider uid, VMs,
//!   waits, StorageMap/NetworkMap source lists in the pytest suite's order).
//! * [`copy_offload`]: the storage Secret and StorageMap entries of vSphere copy-offload.
//! * [`naming`]: clone and snapshot names.
//!
//! The architecture puts these clients in the root package; they live in their own crate so
//! Cargo enforces the boundary and the crate builds and tests in isolation. It must not know
//! about the scenario language, the engine, or whether the other side is the emulator: it
//! speaks the same HTTP/Kubernetes protocols to both. Waits on HTTP APIs are bounded backoff
//! polls ([`poll`]) with a deadline and the last state seen; waits on Kubernetes objects use
//! watches. Credentials are [`Secret`]s and never appear in `Debug`, logs or errors.

pub mod adapter;
pub mod copy_offload;
pub mod endpoint;
pub mod error;
pub mod http;
pub mod inventory;
pub mod model;
pub mod naming;
pub mod openshift;
pub mod openstack;
pub mod ova;
pub mod ovirt;
pub mod poll;
mod profile;
pub mod quantity;
pub mod secret;
pub mod vsphere;

pub use adapter::SourceAdapter;
pub use endpoint::{OpenstackScope, SourceEndpoint};
pub use error::SourceError;
pub use http::TlsOptions;
pub use model::*;
pub use poll::{Backoff, WaitOptions};
pub use secret::Secret;
