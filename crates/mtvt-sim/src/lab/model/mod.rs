//! The resolved lab: every id, file name, MAC and key filled in.
//!
//! These are the types the source APIs, the inventory and the controllers read. They are
//! produced from the file format by `resolve` and changed only through `LabHandle`; nothing
//! here parses text or talks HTTP.

mod cluster;
mod provider;
mod vm;
mod vocab;

pub use cluster::*;
pub use provider::*;
pub use vm::*;
pub use vocab::*;
