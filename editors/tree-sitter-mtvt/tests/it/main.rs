//! Integration tests of the tree-sitter grammar: the whole scenario catalog parses, the
//! queries compile and highlight what they should, the word lists of the highlight query
//! and of the VS Code TextMate grammar match the schema of crates/mtvt-lang, and the
//! committed parser.c is generated from the current grammar.js.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod catalog;
mod freshness;
mod queries;
mod support;
mod vocabulary;
mod zed;
