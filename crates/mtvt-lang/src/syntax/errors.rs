//! Syntax-error messages: the grammar rules a parser tried at the position where it got
//! furthest ([`Expected`], one per rule of `grammar/mtvt.pest` that pest reports) become one
//! `mtvt::E0100` diagnostic with readable "expected …" text and a hint for the most common
//! mistakes. Both parsers build their messages here — pest from its error, the hand-written
//! parser from the attempts it tracked the way pest tracks them — so the same failure reads
//! the same. This module only formats; it decides nothing about the grammar.

use super::hints;
use crate::diag::DiagnosticKind;
use crate::span::{FileId, Span};

/// The grammar rules an error can name (pest's rule names, so the two parsers can be
/// compared rule for rule).
#[allow(non_camel_case_types, missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Expected {
    EOI,
    file,
    use_decl,
    module_path,
    session_decl,
    fragment_decl,
    scenario_decl,
    extends_clause,
    hook_decl,
    check_decl,
    check_alias,
    ref_path,
    block,
    entry,
    args,
    arg_group,
    op,
    list,
    object,
    member,
    path,
    string_lit,
    interp,
    interp_path,
    escape,
    str_text,
    raw_string,
    raw_text,
    triple_string,
    triple_text,
    ident,
    number,
    boolean,
    none_lit,
    check_body,
    rbrace,
    assert_stmt,
    when_stmt,
    when_branch,
    else_branch,
    for_stmt,
    let_stmt,
    skip_stmt,
    expr,
    op_eq,
    op_ne,
    op_le,
    op_ge,
    op_lt,
    op_gt,
    op_and,
    op_or,
    op_not,
    op_in,
    op_contains,
    op_starts_with,
    op_ends_with,
    op_matches,
    method_call,
    field_access,
    index_access,
    comprehension,
    call,
    list_expr,
    paren,
    name,
    kw_use,
    kw_as,
    kw_session,
    kw_fragment,
    kw_scenario,
    kw_extends,
    kw_hook,
    kw_check,
    kw_assert,
    kw_when,
    kw_else,
    kw_for,
    kw_in,
    kw_let,
    kw_skip,
}

impl Expected {
    /// The human name used in "expected …" messages; `None` hides a rule.
    pub fn describe(self) -> Option<&'static str> {
        use Expected as E;
        Some(match self {
            E::EOI => "end of file",
            E::use_decl | E::kw_use => "`use`",
            E::session_decl | E::kw_session => "`session`",
            E::fragment_decl | E::kw_fragment => "`fragment`",
            E::scenario_decl | E::kw_scenario => "`scenario`",
            E::hook_decl | E::kw_hook => "`hook`",
            E::check_decl | E::kw_check => "`check`",
            E::kw_as => "`as`",
            E::kw_extends | E::extends_clause => "`extends`",
            E::module_path => "a module path (std/checks)",
            E::check_alias => "`=`",
            E::ref_path | E::path => "a name",
            E::block | E::check_body => "`{`",
            E::rbrace => "`}`",
            E::entry => "a key",
            E::args | E::arg_group => "a value",
            E::op => "an operator",
            E::list | E::list_expr => "a list",
            E::object => "an object",
            E::member => "`key: value`",
            E::string_lit => "a quoted string",
            E::interp | E::interp_path => "`${name}`",
            E::escape => "an escape (\\n \\t \\\" \\\\ \\$)",
            E::str_text | E::raw_text | E::triple_text => "string text",
            E::raw_string => "a raw string",
            E::triple_string => "a \"\"\"string\"\"\"",
            E::ident | E::name => "an identifier",
            E::number => "a number",
            E::boolean => "`true` or `false`",
            E::none_lit => "`none`",
            E::assert_stmt | E::kw_assert => "`assert`",
            E::when_stmt | E::when_branch | E::kw_when => "`when`",
            E::else_branch | E::kw_else => "`else`",
            E::for_stmt | E::kw_for => "`for`",
            E::let_stmt | E::kw_let => "`let`",
            E::skip_stmt | E::kw_skip => "`skip`",
            E::kw_in | E::op_in => "`in`",
            E::expr | E::comprehension | E::call | E::paren => "an expression",
            E::op_eq | E::op_ne | E::op_le | E::op_ge | E::op_lt | E::op_gt => "a comparison",
            E::op_and | E::op_or => "`and`/`or`",
            E::op_not => "`not`",
            E::op_contains | E::op_starts_with | E::op_ends_with | E::op_matches => "an operator",
            E::field_access => "`.field`",
            E::method_call => "`.method(...)`",
            E::index_access => "`[index]`",
            E::file => return None,
        })
    }
}

/// The `mtvt::E0100` diagnostic for a parse that got no further than `pos`, where the
/// rules `expected` were tried (in any order, duplicates allowed).
pub fn syntax_error(file: FileId, text: &str, pos: usize, expected: &[Expected]) -> DiagnosticKind {
    // Point at the offending character (one char wide) rather than an empty span.
    let end = text
        .get(pos..)
        .and_then(|s| s.chars().next())
        .map_or(pos, |c| pos + c.len_utf8());
    let at_eof =
        text.get(pos..).is_some_and(|rest| rest.trim().is_empty()) && !text.trim().is_empty();
    // A file ending inside a bracket, or a text block that never ends (which swallows
    // the rest of the file): said where it was opened.
    if let Some(open) = hints::unclosed(text)
        && (at_eof || (open.open == "\"\"\"" && open.at <= pos))
    {
        return unclosed_error(file, text, open);
    }
    // At the end of the file, point at the last character so the caret is visible.
    let (start, end) = if at_eof {
        let last = text.trim_end();
        let c = last.chars().next_back().map_or(0, char::len_utf8);
        (last.len() - c, last.len())
    } else {
        (pos, end)
    };
    if let Some(c) = text.get(start..).and_then(|s| s.chars().next())
        && let Some((name, instead)) = hints::lookalike(c)
    {
        return DiagnosticKind::SyntaxError {
            span: Span::new(file, start, end),
            expected: format!(
                "`{c}` (U+{:04X}, {name}) is not part of the syntax",
                c as u32
            ),
            help: Some(format!("it looks like ASCII but is not; type {instead}")),
        };
    }
    let mut names: Vec<&'static str> = expected.iter().filter_map(|e| e.describe()).collect();
    names.sort_unstable();
    names.dedup();
    let expected = if at_eof {
        format!("the file ends here; expected {}", join_or(&names))
    } else if names.is_empty() {
        String::from("unexpected input")
    } else {
        format!("expected {}", join_or(&names))
    };
    let help = if at_eof {
        Some(String::from("is a closing `}` or `\"` missing?"))
    } else {
        hint(text, start)
    };
    DiagnosticKind::SyntaxError {
        span: Span::new(file, start, end),
        expected,
        help,
    }
}

/// The error for a file that ends inside `open`: reported where it was opened.
fn unclosed_error(file: FileId, text: &str, open: hints::Unclosed) -> DiagnosticKind {
    let what = match open.open {
        "\"\"\"" => "this `\"\"\"` text block is never closed",
        "\"" => "this string is never closed on its line",
        "{" => "this `{` is never closed",
        "[" => "this `[` is never closed",
        _ => "this `(` is never closed",
    };
    let help = match open.open {
        "\"" => String::from(
            "close it with `\"` on the same line; use \"\"\"…\"\"\" for multi-line text",
        ),
        close => {
            let close = if close == "\"\"\"" {
                close
            } else {
                open.close()
            };
            let lines = text.get(..open.at).map_or(0, |b| b.matches('\n').count()) + 1;
            format!("the file ends before its `{close}` (opened on line {lines}); add it")
        }
    };
    DiagnosticKind::SyntaxError {
        span: Span::new(file, open.at, open.at + open.open.len()),
        expected: what.to_string(),
        help: Some(help),
    }
}

/// The error for text nested deeper than `limit` brackets, pointing at `at`.
pub fn too_deep(span: Span, limit: usize) -> DiagnosticKind {
    DiagnosticKind::SyntaxError {
        span,
        expected: format!("nesting deeper than {limit} levels"),
        help: Some(String::from("flatten the structure")),
    }
}

/// The error for an expression with more than `limit` operators.
pub fn too_many_operators(span: Span, limit: usize) -> DiagnosticKind {
    DiagnosticKind::SyntaxError {
        span,
        expected: format!("an expression with at most {limit} operators"),
        help: Some(String::from(
            "split it with `let` or several `assert` lines",
        )),
    }
}

fn join_or(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A context-specific hint for the most common mistakes.
fn hint(text: &str, pos: usize) -> Option<String> {
    let rest = text.get(pos..).unwrap_or("");
    let line_start = text
        .get(..pos)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    let before = text.get(line_start..pos).unwrap_or("");
    if rest.starts_with(':') {
        return Some(String::from(
            "block entries are written `key value` (no colon); `key: value` is only for objects such as target_affinity",
        ));
    }
    if rest.is_empty() {
        return Some(String::from(
            "the file ends early: is a closing `}` or `\"` missing?",
        ));
    }
    if before.matches('"').count() % 2 == 1 && !before.contains("\"\"\"") {
        return Some(String::from(
            "strings end on the same line; use \"\"\"…\"\"\" for multi-line text",
        ));
    }
    None
}
