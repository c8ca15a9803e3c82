//! `mtvt sim`: the MTV emulator, reachable only over HTTP.
//!
//! It must not depend on the mtvt engine or on the language crate.

pub mod clock;
pub mod inventory;
pub mod lab;
pub mod sources;
