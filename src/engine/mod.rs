//! The engine of `mtvt run`: checked IR → typed steps with manifests (`plan`, pure, also
//! used by `mtvt render`) → one executor (`exec`) against a cluster through kube-rs (waits:
//! named `conditions` on shared `watches`), the Forklift inventory and source adapters →
//! observation of the migrated VMs (`observe`) → assertions (`assert`) → teardown from the
//! journal (`cleanup`, `sweep`). `inputs` assembles what a run or a render starts from;
//! `runner` and `scenario` drive a session. It never knows whether the cluster is emulated
//! (docs/architecture.md).

pub mod apply;
pub mod assert;
pub mod ca_fetch;
pub mod cleanup;
pub mod conditions;
pub mod context;
pub mod diagnostics;
pub mod error;
pub mod exec;
pub mod filters;
pub mod inputs;
pub mod inventory;
pub mod journal;
pub mod manifests;
pub mod names;
pub mod observe;
pub mod plan;
pub mod preview;
pub mod render;
pub mod resolve;
pub mod retry;
pub mod runner;
pub mod scenario;
pub mod selection;
pub mod shard;
pub mod source;
pub mod sweep;
pub mod watches;

#[cfg(test)]
mod apiserver_tests;
