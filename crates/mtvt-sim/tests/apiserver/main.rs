//! Integration tests of the emulator's Kubernetes API server, through kube-rs, raw HTTPS and
//! kubectl. One in-process server per test.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;
mod concurrency;
mod crud;
mod faults;
mod inprocess;
mod kubectl;
mod lifecycle;
mod lists;
mod validation;
mod watch;
