#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
//! The integration tests of mtvt-lang, in one binary (one link instead of ten), one
//! module per subject, sharing `support`:
//! - `catalog`: the scenario catalog and the stdlib check clean;
//! - `docs`: docs/language.md is generated from the tables and up to date;
//! - `eval`: checks evaluated against observed models;
//! - `fixtures`: golden diagnostics (code and position in each fixture's header, the full
//!   report as an insta snapshot in `snapshots/`), docs/diagnostics.md up to date;
//! - `fmt`: `mtvt fmt` is idempotent, keeps comments, preserves meaning;
//! - `ir`: the checked IR of representative programs;
//! - `no_panic`: parse + check never panic on mutated and pathological input;
//! - `parsers_agree`: the parser against pest, the grammar's reference;
//! - `rules`: the semantic rules of the checker;
//! - `threads`: results do not depend on the number of threads.

mod catalog;
mod docs;
mod eval;
mod fixtures;
mod fmt;
mod forklift;
mod guest;
mod ir;
mod mistakes;
mod no_panic;
mod parsers_agree;
mod rules;
mod support;
mod threads;
