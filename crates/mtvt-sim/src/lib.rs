//! `mtvt sim`: the MTV emulator, reachable only over HTTP.
//!
//! * [`server`]: start/stop the emulator's Kubernetes API server (in-process or `mtvt sim
//!   serve`), with extension points for part 2's controllers, routes and listeners.
//! * [`store`]: the generic object store with kube-apiserver semantics, also the in-process API
//!   controllers use.
//! * [`api`]: the HTTP layer (REST, watch, discovery, OpenAPI, auth, faults).
//! * [`clock`]: virtual time.
//!
//! It must not depend on the mtvt engine or on the language crate.

pub mod api;
pub mod clock;
pub mod controllers;
pub mod emulator;
pub mod inventory;
pub mod lab;
pub mod server;
pub mod sources;
pub mod store;
