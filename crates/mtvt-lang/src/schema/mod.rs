//! The language's static schema: types, enumerations and the key tables of every block
//! (key → type, default, doc). The checker validates against it and the docs are
//! generated from it; it holds data only.

pub mod builtins;
pub mod enums;
pub mod forklift;
pub mod keys;
pub mod methods;
pub mod types;
