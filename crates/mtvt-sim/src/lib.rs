//! `mtvt sim`: the MTV emulator, reachable only over HTTP — an OpenShift cluster with MTV
//! installed, on top of the generic API server of `mtvt-apiserver`.
//!
//! * [`emulator`]: starts the whole emulator (API server, inventory, source APIs, controllers).
//! * [`server`]: the API server with the cluster's kinds and namespaces, without controllers.
//! * [`kinds`]: the OpenShift, Forklift, KubeVirt, CDI, Multus and OLM kinds it serves.
//! * [`controllers`]: Forklift, KubeVirt and CDI behaviour, acting through the store.
//! * [`guest`]: the emulated guest OS behind KubeVirt's port-forward subresource (SSH).
//! * [`esxi`]: the ESXi hosts of copy offload's ssh clone method (authorized_keys, SSH).
//! * [`inventory`]: the Forklift inventory service; [`sources`]: the vSphere, oVirt and
//!   OpenStack APIs; [`lab`]: the source-side world they serve.
//! * [`store`], [`api`], [`clock`]: `mtvt-apiserver`'s, re-exported for the controllers and
//!   for callers that reach the store or configure faults.
//!
//! It must not depend on the mtvt engine or on the language crate.

pub use mtvt_apiserver::server::write_private;
pub use mtvt_apiserver::{api, clock, store};

pub mod controllers;
pub mod emulator;
pub mod esxi;
pub mod guest;
pub mod inventory;
pub mod kinds;
pub mod lab;
pub mod server;
pub mod sources;
