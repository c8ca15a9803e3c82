//! A generic Kubernetes API server that runs in-process: what kube-apiserver does for any
//! client (kubectl, kube-rs, client-go), without a cluster.
//!
//! * [`store`]: the object store with kube-apiserver semantics — resourceVersions,
//!   generateName, optimistic concurrency, the status subresource, merge/JSON/strategic merge
//!   patch, finalizers, garbage collection, namespace lifecycle, label and field selectors,
//!   watch with history, admission hooks, CRD registration with structural-schema validation,
//!   pruning and defaulting. It is also the in-process API controllers use.
//! * [`api`]: the HTTP layer — REST for every served kind, watch, discovery, OpenAPI, tables
//!   for `kubectl get`, protobuf bodies of core kinds, pod logs, bearer-token auth, fault
//!   injection, request logging and the virtual-clock `Date` header.
//! * [`server`]: starting and stopping a server (TLS with a minted CA, kubeconfig output), with
//!   extension points: the served kinds, extra routes, extra listeners, start hooks (seed
//!   objects, admission hooks, controllers).
//! * [`clock`]: virtual time, the source of every timestamp.
//!
//! Built in are the kinds of plain Kubernetes (core/v1, `storage.k8s.io`, `batch`,
//! `apiextensions.k8s.io`); everything else is registered by whoever builds the server
//! ([`server::ServerBuilder::kind`], [`server::ServerBuilder::kind_table`], or a CRD).
//!
//! What it must never learn: the world built on top of it. No migration toolkit, no
//! virtualization or storage operator, no platform-specific kind, namespace or controller —
//! the MTV emulator (`mtvt-sim`) adds those through the extension points, and Cargo enforces
//! the direction (this crate depends on no other mtvt crate; `tests/it/boundary.rs` checks its
//! sources for that vocabulary). It must not depend on the mtvt engine or language either.

pub mod api;
pub mod clock;
pub mod server;
pub mod store;
