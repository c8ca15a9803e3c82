//! The `.mtvt` scenario language: text → AST (with spans) → checked IR.
//!
//! This crate is pure: it must not depend on tokio, kube or any network code.

pub mod diag;
pub mod source;
pub mod span;
pub mod syntax;
