//! Integration tests of the MTV emulator: the cluster its API server serves ([`cluster`]),
//! the whole emulator ([`emulator`]), the inventory and source APIs over loopback HTTP, and lab
//! files. Helpers live in [`harness`]; the generic API server is tested in mtvt-apiserver.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod cluster;
mod emulator;
mod fidelity;
mod harness;
mod inventory_api;
mod lab_file;
mod sources_api;
