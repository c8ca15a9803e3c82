//! The pest parser derived from `grammar/mtvt.pest`, and the conversion of pest's single
//! syntax error into an `mtvt::E0100` diagnostic with readable "expected …" text. Only
//! this module and `lower*` see pest types.

use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;

use super::lower::MAX_DEPTH;
use crate::diag::DiagnosticKind;
use crate::span::{FileId, Span};

/// The derived parser.
#[derive(pest_derive::Parser)]
#[grammar = "../../../grammar/mtvt.pest"]
pub struct MtvtParser;

/// Parses a whole file into its `file` pair, or the syntax error.
pub fn parse_file_pair(file: FileId, text: &str) -> Result<Pair<'_, Rule>, DiagnosticKind> {
    refuse_runaway_nesting(file, text)?;
    match MtvtParser::parse(Rule::file, text) {
        Ok(mut pairs) => pairs.next().ok_or_else(|| DiagnosticKind::SyntaxError {
            span: Span::new(file, 0, 0),
            expected: String::from("empty parse result"),
            help: None,
        }),
        Err(e) => Err(syntax_error(file, text, e)),
    }
}

/// Parses a single expression (used by tests and tools).
pub fn parse_expr_pair(file: FileId, text: &str) -> Result<Pair<'_, Rule>, DiagnosticKind> {
    refuse_runaway_nesting(file, text)?;
    match MtvtParser::parse(Rule::expr, text) {
        Ok(mut pairs) => pairs.next().ok_or_else(|| DiagnosticKind::SyntaxError {
            span: Span::new(file, 0, 0),
            expected: String::from("an expression"),
            help: None,
        }),
        Err(e) => Err(syntax_error(file, text, e)),
    }
}

/// Nesting deeper than this many brackets is refused before pest runs (lowering already
/// refuses more than [`MAX_DEPTH`] levels, with the same message, on text pest parsed).
///
/// This is also what bounds pest's recursion: pest is built without its `std` feature,
/// which would probe the remaining stack on every rule, sequence and repetition (a fifth
/// of the parsing time) and, past its limit, backtrack through every level (a hang).
/// Brackets are the grammar's only recursion, so this many levels is the deepest pest
/// goes; `deepest_nesting_pest_sees_fits_a_small_stack` (syntax/tests.rs) runs every kind
/// of nesting at this depth on a 2 MiB stack, in debug builds too (1 MiB suffices).
pub(super) const PARSER_DEPTH_GUARD: usize = 4 * MAX_DEPTH;

/// Refuses text nested deeper than pest may recurse (see [`PARSER_DEPTH_GUARD`]): the
/// error points at the first bracket beyond [`MAX_DEPTH`] levels, as lowering's does.
fn refuse_runaway_nesting(file: FileId, text: &str) -> Result<(), DiagnosticKind> {
    if crate::fmt::lexer::first_deeper_than(text, PARSER_DEPTH_GUARD).is_none() {
        return Ok(());
    }
    let at = crate::fmt::lexer::first_deeper_than(text, MAX_DEPTH).unwrap_or(0);
    Err(DiagnosticKind::SyntaxError {
        span: Span::new(file, at, at + 1),
        expected: format!("nesting deeper than {MAX_DEPTH} levels"),
        help: Some(String::from("flatten the structure")),
    })
}

fn syntax_error(file: FileId, text: &str, e: pest::error::Error<Rule>) -> DiagnosticKind {
    let (start, end) = match e.location {
        InputLocation::Pos(p) => (p, p),
        InputLocation::Span((s, e)) => (s, e),
    };
    // Point at the offending character (one char wide) rather than an empty span.
    let end = if end == start {
        text.get(start..)
            .and_then(|s| s.chars().next())
            .map_or(start, |c| start + c.len_utf8())
    } else {
        end
    };
    // At the end of the file, point at the last character so the caret is visible.
    let at_eof =
        text.get(start..).is_some_and(|rest| rest.trim().is_empty()) && !text.trim().is_empty();
    let (start, end) = if at_eof {
        let last = text.trim_end();
        let c = last.chars().next_back().map_or(0, char::len_utf8);
        (last.len() - c, last.len())
    } else {
        (start, end)
    };
    let (expected, help) = match &e.variant {
        ErrorVariant::ParsingError {
            positives,
            negatives,
        } => {
            let mut names: Vec<&'static str> =
                positives.iter().filter_map(|r| describe(*r)).collect();
            names.sort_unstable();
            names.dedup();
            let expected = if at_eof {
                format!("the file ends here; expected {}", join_or(&names))
            } else if names.is_empty() && negatives.is_empty() {
                String::from("unexpected input")
            } else if names.is_empty() {
                String::from("unexpected token")
            } else {
                format!("expected {}", join_or(&names))
            };
            let help = if at_eof {
                Some(String::from("is a closing `}` or `\"` missing?"))
            } else {
                hint(text, start)
            };
            (expected, help)
        }
        ErrorVariant::CustomError { message } => (message.clone(), None),
    };
    DiagnosticKind::SyntaxError {
        span: Span::new(file, start, end),
        expected,
        help,
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
    if before.matches('"').count() % 2 == 1 {
        return Some(String::from(
            "strings end on the same line; use \"\"\"…\"\"\" for multi-line text",
        ));
    }
    None
}

/// Human names for grammar rules in "expected …" messages; `None` hides a rule.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "end of file",
        Rule::use_decl | Rule::kw_use => "`use`",
        Rule::session_decl | Rule::kw_session => "`session`",
        Rule::fragment_decl | Rule::kw_fragment => "`fragment`",
        Rule::scenario_decl | Rule::kw_scenario => "`scenario`",
        Rule::hook_decl | Rule::kw_hook => "`hook`",
        Rule::check_decl | Rule::kw_check => "`check`",
        Rule::kw_as => "`as`",
        Rule::kw_extends | Rule::extends_clause => "`extends`",
        Rule::module_path => "a module path (std/checks)",
        Rule::check_alias => "`=`",
        Rule::ref_path | Rule::path => "a name",
        Rule::block | Rule::check_body => "`{`",
        Rule::rbrace => "`}`",
        Rule::entry => "a key",
        Rule::args | Rule::arg_group => "a value",
        Rule::op => "an operator",
        Rule::list | Rule::list_expr => "a list",
        Rule::object => "an object",
        Rule::member => "`key: value`",
        Rule::string_lit => "a quoted string",
        Rule::interp | Rule::interp_path => "`${name}`",
        Rule::escape => "an escape (\\n \\t \\\" \\\\ \\$)",
        Rule::str_text | Rule::raw_text | Rule::triple_text => "string text",
        Rule::raw_string => "a raw string",
        Rule::triple_string => "a \"\"\"string\"\"\"",
        Rule::ident | Rule::name => "an identifier",
        Rule::number => "a number",
        Rule::boolean => "`true` or `false`",
        Rule::none_lit => "`none`",
        Rule::assert_stmt | Rule::kw_assert => "`assert`",
        Rule::when_stmt | Rule::when_branch | Rule::kw_when => "`when`",
        Rule::else_branch | Rule::kw_else => "`else`",
        Rule::for_stmt | Rule::kw_for => "`for`",
        Rule::let_stmt | Rule::kw_let => "`let`",
        Rule::skip_stmt | Rule::kw_skip => "`skip`",
        Rule::kw_in | Rule::op_in => "`in`",
        Rule::expr | Rule::comprehension | Rule::call | Rule::paren => "an expression",
        Rule::op_eq | Rule::op_ne | Rule::op_le | Rule::op_ge | Rule::op_lt | Rule::op_gt => {
            "a comparison"
        }
        Rule::op_and | Rule::op_or => "`and`/`or`",
        Rule::op_not => "`not`",
        Rule::op_contains | Rule::op_starts_with | Rule::op_ends_with | Rule::op_matches => {
            "an operator"
        }
        Rule::field_access => "`.field`",
        Rule::index_access => "`[index]`",
        _ => return None,
    })
}
