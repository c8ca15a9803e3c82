//! Loopback tests of the Forklift inventory client against the emulator's inventory router
//! (with the emulator's source APIs, through `mtvt-source` adapters, to make clones).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod inventory;
mod support;
