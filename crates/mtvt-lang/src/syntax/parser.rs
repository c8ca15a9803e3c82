//! The pest parser derived from `grammar/mtvt.pest` — the grammar's reference, which the
//! differential tests hold the hand-written parser to — and the conversion of pest's single
//! syntax error into the shared `mtvt::E0100` message of `errors`. Only this module and
//! `lower*` see pest types.

use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;

use super::errors::{self, Expected};
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

fn refuse_runaway_nesting(file: FileId, text: &str) -> Result<(), DiagnosticKind> {
    match super::depth::refuse_runaway_nesting(file, text) {
        Some(d) => Err(d),
        None => Ok(()),
    }
}

fn syntax_error(file: FileId, text: &str, e: pest::error::Error<Rule>) -> DiagnosticKind {
    let pos = match e.location {
        InputLocation::Pos(p) | InputLocation::Span((p, _)) => p,
    };
    match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let expected: Vec<Expected> = positives.iter().filter_map(|r| expected(*r)).collect();
            errors::syntax_error(file, text, pos, &expected)
        }
        ErrorVariant::CustomError { message } => DiagnosticKind::SyntaxError {
            span: Span::new(file, pos, pos),
            expected: message.clone(),
            help: None,
        },
    }
}

/// The rule as the hand-written parser names it (for the shared messages of `errors`).
fn expected(rule: Rule) -> Option<Expected> {
    use Expected as E;
    Some(match rule {
        Rule::EOI => E::EOI,
        Rule::file => E::file,
        Rule::use_decl => E::use_decl,
        Rule::module_path => E::module_path,
        Rule::session_decl => E::session_decl,
        Rule::fragment_decl => E::fragment_decl,
        Rule::scenario_decl => E::scenario_decl,
        Rule::extends_clause => E::extends_clause,
        Rule::hook_decl => E::hook_decl,
        Rule::check_decl => E::check_decl,
        Rule::check_alias => E::check_alias,
        Rule::ref_path => E::ref_path,
        Rule::block => E::block,
        Rule::entry => E::entry,
        Rule::args => E::args,
        Rule::arg_group => E::arg_group,
        Rule::op => E::op,
        Rule::list => E::list,
        Rule::object => E::object,
        Rule::member => E::member,
        Rule::path => E::path,
        Rule::string_lit => E::string_lit,
        Rule::interp => E::interp,
        Rule::interp_path => E::interp_path,
        Rule::escape => E::escape,
        Rule::str_text => E::str_text,
        Rule::raw_string => E::raw_string,
        Rule::raw_text => E::raw_text,
        Rule::triple_string => E::triple_string,
        Rule::triple_text => E::triple_text,
        Rule::ident => E::ident,
        Rule::number => E::number,
        Rule::boolean => E::boolean,
        Rule::none_lit => E::none_lit,
        Rule::check_body => E::check_body,
        Rule::rbrace => E::rbrace,
        Rule::assert_stmt => E::assert_stmt,
        Rule::when_stmt => E::when_stmt,
        Rule::when_branch => E::when_branch,
        Rule::else_branch => E::else_branch,
        Rule::for_stmt => E::for_stmt,
        Rule::let_stmt => E::let_stmt,
        Rule::skip_stmt => E::skip_stmt,
        Rule::expr => E::expr,
        Rule::op_eq => E::op_eq,
        Rule::op_ne => E::op_ne,
        Rule::op_le => E::op_le,
        Rule::op_ge => E::op_ge,
        Rule::op_lt => E::op_lt,
        Rule::op_gt => E::op_gt,
        Rule::op_and => E::op_and,
        Rule::op_or => E::op_or,
        Rule::op_not => E::op_not,
        Rule::op_in => E::op_in,
        Rule::op_contains => E::op_contains,
        Rule::op_starts_with => E::op_starts_with,
        Rule::op_ends_with => E::op_ends_with,
        Rule::op_matches => E::op_matches,
        Rule::method_call => E::method_call,
        Rule::field_access => E::field_access,
        Rule::index_access => E::index_access,
        Rule::comprehension => E::comprehension,
        Rule::call => E::call,
        Rule::list_expr => E::list_expr,
        Rule::paren => E::paren,
        Rule::name => E::name,
        Rule::kw_use => E::kw_use,
        Rule::kw_as => E::kw_as,
        Rule::kw_session => E::kw_session,
        Rule::kw_fragment => E::kw_fragment,
        Rule::kw_scenario => E::kw_scenario,
        Rule::kw_extends => E::kw_extends,
        Rule::kw_hook => E::kw_hook,
        Rule::kw_check => E::kw_check,
        Rule::kw_assert => E::kw_assert,
        Rule::kw_when => E::kw_when,
        Rule::kw_else => E::kw_else,
        Rule::kw_for => E::kw_for,
        Rule::kw_in => E::kw_in,
        Rule::kw_let => E::kw_let,
        Rule::kw_skip => E::kw_skip,
        _ => return None,
    })
}
