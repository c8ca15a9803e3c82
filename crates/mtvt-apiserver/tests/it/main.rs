//! Integration tests of the generic API server, through kube-rs, raw HTTPS and kubectl, against
//! servers built from this crate alone (plain Kubernetes plus the test kind
//! `widgets.example.com`). One in-process server per test; helpers live in [`harness`].
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod authorization;
mod boundary;
mod concurrency;
mod crud;
mod faults;
mod harness;
mod inprocess;
mod kubectl;
mod lifecycle;
mod lists;
mod validation;
mod watch;
