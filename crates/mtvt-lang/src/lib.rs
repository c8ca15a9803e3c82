//! The `.mtvt` scenario language: text → AST (with spans) → checked IR.
//!
//! ```no_run
//! use mtvt_lang::{CheckOptions, check_paths};
//! let result = check_paths(&["scenarios".into()], &CheckOptions::default()).unwrap();
//! for d in &result.diagnostics {
//!     eprint!("{}", mtvt_lang::diag::render::render_plain(d, &result.sources));
//! }
//! println!("{} scenarios", result.program.scenarios.len());
//! ```
//!
//! This crate is pure: it must not depend on tokio, kube or any network code.

// pest is built without its `std` feature (no stack probe on every parsing step; see
// syntax/parser.rs), so the parser pest_derive generates names `alloc` directly.
extern crate alloc;

pub mod check;
pub mod diag;
pub mod docs;
pub mod eval;
pub mod expand;
pub mod facts;
pub mod fmt;
pub mod ir;
pub mod models;
pub mod profile;
pub mod query;
pub mod resolve;
pub mod schema;
pub mod source;
pub mod span;
pub mod syntax;
mod threads;

pub use check::{
    CheckOptions, CheckResult, CopyOffloadFacts, ProviderFacts, check_paths, check_paths_on,
    check_paths_with_overrides, check_text, check_text_with_overlay,
};
pub use resolve::{LoadError, Overlay, Stdlib};

/// The session id used to validate interpolated names statically (8 lower-case
/// alphanumerics, the shape of a real session id).
pub const SAMPLE_SESSION: &str = "a1b2c3d4";
