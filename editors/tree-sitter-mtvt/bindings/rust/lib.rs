//! The tree-sitter grammar of `.mtvt` scenario files, for editors that highlight with
//! tree-sitter (Neovim, Helix, Zed) and for tools that want a concrete syntax tree.
//!
//! The grammar (`grammar.js`) mirrors `grammar/mtvt.pest`, the single source of the
//! syntax; `mtvt check` and `mtvt lsp` keep using the pest parser. This crate only exposes
//! the generated parser and its queries: it must not grow semantics (which keys exist, what
//! values mean — that is crates/mtvt-lang's schema).
//!
//! ```
//! let mut parser = tree_sitter::Parser::new();
//! parser.set_language(&tree_sitter_mtvt::LANGUAGE.into()).unwrap();
//! let tree = parser.parse("scenario s {\n  vm \"rhel8\"\n}\n", None).unwrap();
//! assert!(!tree.root_node().has_error());
//! assert_eq!(tree.root_node().child(0).unwrap().kind(), "scenario_declaration");
//! ```

use tree_sitter_language::LanguageFn;

#[allow(unsafe_code)]
mod ffi {
    unsafe extern "C" {
        /// Defined in the generated `src/parser.c`, compiled by `build.rs`.
        pub(crate) fn tree_sitter_mtvt() -> *const ();
    }
}

/// The tree-sitter language of `.mtvt` files (`tree_sitter::Language::from(LANGUAGE)`).
#[allow(unsafe_code)]
// SAFETY: `tree_sitter_mtvt` is the entry point tree-sitter generated in src/parser.c; it
// takes no arguments and returns a pointer to a static `TSLanguage`, which is what
// `LanguageFn::from_raw` requires.
pub const LANGUAGE: LanguageFn = unsafe { LanguageFn::from_raw(ffi::tree_sitter_mtvt) };

/// The highlight query (capture names as in Neovim/Zed: `@keyword`, `@property`, `@number`…).
pub const HIGHLIGHTS_QUERY: &str = include_str!("../../queries/highlights.scm");

/// The highlight query with Helix's capture names (`@constant.numeric`, `@keyword.control.import`…).
pub const HELIX_HIGHLIGHTS_QUERY: &str = include_str!("../../queries/helix/highlights.scm");

/// The injection query: Go templates in `'…'` raw strings, YAML in `playbook """…"""`.
pub const INJECTIONS_QUERY: &str = include_str!("../../queries/injections.scm");

/// The code-folding query (Neovim).
pub const FOLDS_QUERY: &str = include_str!("../../queries/folds.scm");

/// The node types of the grammar (JSON), as generated next to the parser.
pub const NODE_TYPES: &str = include_str!("../../src/node-types.json");
