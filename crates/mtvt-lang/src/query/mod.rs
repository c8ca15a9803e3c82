//! Questions tools (the language server) ask about a document — what is at an offset,
//! what a reference resolves to, what type an expression has — answered from the parser's
//! AST and tokens (partial after syntax errors: half-written text still has one), the
//! loader's import resolution, the name tables and the checker's typing: the code
//! `mtvt check` runs, never a second reading of the text. It reports nothing (diagnostics
//! come from `check`).

mod analysis;
mod cursor;
mod typing;

pub use analysis::{Analysis, Definition, Module};
pub use cursor::{Cursor, Frame, cursor, item_span, stmt_span};
pub use typing::{CheckTypes, ExprAt, element, expr_at, locals_at};

#[cfg(test)]
mod tests;
