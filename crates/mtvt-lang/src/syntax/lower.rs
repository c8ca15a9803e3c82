//! pest pairs → AST, for the reference parser (see `parser`). The only place where pest
//! spans become [`Span`]s. Literal values are
//! decoded here (escapes, dedent, quantities, durations); problems with a literal's value
//! become diagnostics while lowering continues with a placeholder, so one bad number does
//! not hide the rest of the file.

use std::cell::{Cell, RefCell};

use pest::iterators::Pair;

use super::ast::*;
use super::literals;
use super::parser::Rule;
use crate::diag::DiagnosticKind;
use crate::span::{FileId, Span, Spanned};

pub(super) use super::depth::{MAX_DEPTH, MAX_OPERATORS};

/// Lowering state for one file.
pub struct Lowerer {
    pub(super) file: FileId,
    pub(super) diags: RefCell<Vec<DiagnosticKind>>,
    pub(super) depth: Cell<usize>,
}

impl Lowerer {
    /// A lowerer for `file`.
    pub fn new(file: FileId) -> Self {
        Lowerer {
            file,
            diags: RefCell::new(Vec::new()),
            depth: Cell::new(0),
        }
    }

    /// The diagnostics collected so far.
    pub fn into_diagnostics(self) -> Vec<DiagnosticKind> {
        self.diags.into_inner()
    }

    pub(super) fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, s.start(), s.end())
    }

    pub(super) fn push(&self, d: DiagnosticKind) {
        self.diags.borrow_mut().push(d);
    }

    /// Enters one nesting level; `false` (with a diagnostic) when too deep.
    pub(super) fn enter(&self, span: Span) -> bool {
        let d = self.depth.get() + 1;
        self.depth.set(d);
        if d > MAX_DEPTH {
            self.push(super::errors::too_deep(span, MAX_DEPTH));
            return false;
        }
        true
    }

    pub(super) fn leave(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }

    /// Lowers the `file` pair.
    pub fn lower_file(&self, pair: Pair<'_, Rule>) -> File {
        let mut items = Vec::new();
        for p in pair.into_inner() {
            let item = match p.as_rule() {
                Rule::use_decl => Some(Item::Use(self.lower_use(p))),
                Rule::session_decl => Some(self.lower_session(p)),
                Rule::fragment_decl => Some(Item::Fragment(self.lower_scenario(p))),
                Rule::scenario_decl => Some(Item::Scenario(self.lower_scenario(p))),
                Rule::check_decl => Some(Item::Check(self.lower_check(p))),
                Rule::hook_decl => Some(Item::Hook(self.lower_hook(p))),
                _ => None,
            };
            items.extend(item);
        }
        File { items }
    }

    fn lower_use(&self, pair: Pair<'_, Rule>) -> UseDecl {
        let span = self.span(&pair);
        let mut target = Spanned::new(UseTarget::Module(String::new()), span);
        let mut alias = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::module_path => {
                    target = Spanned::new(UseTarget::Module(p.as_str().to_string()), self.span(&p));
                }
                Rule::string_lit => {
                    let s = self.span(&p);
                    let text = self.plain_string(p, "use");
                    target = Spanned::new(UseTarget::File(text), s);
                }
                Rule::raw_string => {
                    let s = self.span(&p);
                    target = Spanned::new(UseTarget::File(inner_text(p)), s);
                }
                Rule::ident => alias = Some(self.ident(&p)),
                _ => {}
            }
        }
        UseDecl {
            target,
            alias,
            span,
        }
    }

    fn lower_session(&self, pair: Pair<'_, Rule>) -> Item {
        let span = self.span(&pair);
        let body = pair
            .into_inner()
            .find(|p| p.as_rule() == Rule::block)
            .map(|b| self.lower_block(b))
            .unwrap_or(Block {
                entries: Vec::new(),
                span,
            });
        Item::Session(SessionDecl { body, span })
    }

    fn lower_scenario(&self, pair: Pair<'_, Rule>) -> ScenarioDecl {
        let span = self.span(&pair);
        let mut name = Spanned::new(Name::default(), span);
        let mut extends = Vec::new();
        let mut body = Block {
            entries: Vec::new(),
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = self.ident(&p),
                Rule::extends_clause => {
                    extends = p
                        .into_inner()
                        .filter(|q| q.as_rule() == Rule::ref_path)
                        .map(|q| self.path(&q))
                        .collect();
                }
                Rule::block => body = self.lower_block(p),
                _ => {}
            }
        }
        ScenarioDecl {
            name,
            extends,
            body,
            span,
        }
    }

    fn lower_hook(&self, pair: Pair<'_, Rule>) -> HookDecl {
        let span = self.span(&pair);
        let mut name = Spanned::new(Name::default(), span);
        let mut body = Block {
            entries: Vec::new(),
            span,
        };
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = self.ident(&p),
                Rule::block => body = self.lower_block(p),
                _ => {}
            }
        }
        HookDecl { name, body, span }
    }

    fn lower_check(&self, pair: Pair<'_, Rule>) -> CheckDecl {
        let span = self.span(&pair);
        let mut name = Spanned::new(Name::default(), span);
        let mut description = None;
        let mut body = CheckDef::Body(Vec::new());
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => name = self.ident(&p),
                Rule::string_lit => {
                    let s = self.span(&p);
                    description = Some(Spanned::new(self.plain_string(p, "check description"), s));
                }
                Rule::check_alias => {
                    body = CheckDef::Composite(
                        p.into_inner()
                            .filter(|q| q.as_rule() == Rule::ref_path)
                            .map(|q| self.path(&q))
                            .collect(),
                    );
                }
                Rule::check_body => body = CheckDef::Body(self.lower_check_body(p)),
                _ => {}
            }
        }
        CheckDecl {
            name,
            description,
            body,
            span,
        }
    }

    pub(super) fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Spanned::new(Name::new(pair.as_str()), self.span(pair))
    }

    /// A dotted path; segment spans are computed from the text.
    pub(super) fn path(&self, pair: &Pair<'_, Rule>) -> Path {
        let span = self.span(pair);
        let mut segments = Vec::new();
        let mut offset = span.start;
        for seg in pair.as_str().split('.') {
            segments.push(Spanned::new(
                Name::new(seg),
                Span::new(self.file, offset, offset + seg.len()),
            ));
            offset += seg.len() + 1;
        }
        Path { segments, span }
    }

    fn lower_block(&self, pair: Pair<'_, Rule>) -> Block {
        let span = self.span(&pair);
        if !self.enter(span) {
            self.leave();
            return Block {
                entries: Vec::new(),
                span,
            };
        }
        let entries = pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::entry)
            .map(|p| self.lower_entry(p))
            .collect();
        self.leave();
        Block { entries, span }
    }

    fn lower_entry(&self, pair: Pair<'_, Rule>) -> Entry {
        let span = self.span(&pair);
        let mut key = Spanned::new(Name::default(), span);
        let mut args = Vec::new();
        let mut body = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::ident => key = self.ident(&p),
                Rule::args => {
                    for g in p.into_inner() {
                        let gspan = self.span(&g);
                        let group = g.into_inner().map(|a| self.lower_arg(a)).collect();
                        args.push(ArgGroup {
                            args: group,
                            span: gspan,
                        });
                    }
                }
                Rule::block => body = Some(EntryBody::Block(self.lower_block(p))),
                Rule::object => body = Some(EntryBody::Object(self.lower_value(p))),
                _ => {}
            }
        }
        Entry {
            key,
            args,
            body,
            span,
        }
    }

    fn lower_arg(&self, pair: Pair<'_, Rule>) -> Arg {
        if pair.as_rule() == Rule::op {
            return Arg::Op(Spanned::new(Name::new(pair.as_str()), self.span(&pair)));
        }
        Arg::Value(self.lower_value(pair))
    }

    /// Lowers any value rule.
    pub(super) fn lower_value(&self, pair: Pair<'_, Rule>) -> Value {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::string_lit => ValueKind::Str(self.string_parts(pair)),
            Rule::raw_string => ValueKind::Raw(Name::from(inner_text(pair))),
            Rule::triple_string => {
                ValueKind::Triple(Name::from(literals::dedent(&inner_text(pair))))
            }
            Rule::number => self.number(pair.as_str(), span),
            Rule::boolean => ValueKind::Bool(pair.as_str() == "true"),
            Rule::none_lit => ValueKind::None,
            Rule::path | Rule::ref_path => match pair.as_str() {
                "true" => ValueKind::Bool(true),
                "false" => ValueKind::Bool(false),
                "none" => ValueKind::None,
                _ => ValueKind::Path(self.path(&pair)),
            },
            Rule::list => {
                if !self.enter(span) {
                    self.leave();
                    return Value {
                        kind: ValueKind::List(Vec::new()),
                        span,
                    };
                }
                let items = pair.into_inner().map(|p| self.lower_value(p)).collect();
                self.leave();
                ValueKind::List(items)
            }
            Rule::object => {
                if !self.enter(span) {
                    self.leave();
                    return Value {
                        kind: ValueKind::Object(Vec::new()),
                        span,
                    };
                }
                let members = pair
                    .into_inner()
                    .filter_map(|m| self.lower_member(m))
                    .collect();
                self.leave();
                ValueKind::Object(members)
            }
            _ => ValueKind::None,
        };
        Value { kind, span }
    }

    fn lower_member(&self, pair: Pair<'_, Rule>) -> Option<Member> {
        let mut inner = pair.into_inner();
        let k = inner.next()?;
        let v = inner.next()?;
        let kspan = self.span(&k);
        let key = match k.as_rule() {
            Rule::string_lit => self.plain_string(k, "object key"),
            Rule::raw_string => inner_text(k),
            _ => k.as_str().to_string(),
        };
        Some(Member {
            key: Spanned::new(Name::from(key), kspan),
            value: self.lower_value(v),
        })
    }

    /// Classifies a number token: int, version, quantity or duration.
    fn number(&self, text: &str, span: Span) -> ValueKind {
        match literals::classify_number(text) {
            Ok(literals::Number::Int(n)) => ValueKind::Int(n),
            Ok(literals::Number::Version(v)) => ValueKind::Version(v),
            Ok(literals::Number::Quantity(value)) => ValueKind::Quantity(Quantity {
                value,
                text: Name::new(text),
            }),
            Ok(literals::Number::Duration(ms)) => ValueKind::Duration(ms),
            Err((what, reason)) => self.bad_literal(what, text, reason, span),
        }
    }

    pub(super) fn bad_literal(
        &self,
        what: &'static str,
        text: &str,
        reason: String,
        span: Span,
    ) -> ValueKind {
        self.push(DiagnosticKind::InvalidLiteral {
            span,
            what,
            text: text.to_string(),
            reason,
        });
        ValueKind::Invalid
    }

    /// The parts of a `"…"` string.
    pub(super) fn string_parts(&self, pair: Pair<'_, Rule>) -> Vec<StrPart> {
        let mut parts: Vec<StrPart> = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::str_text => push_text(&mut parts, p.as_str()),
                Rule::escape => {
                    let mut buf = [0u8; 4];
                    push_text(
                        &mut parts,
                        literals::unescape(p.as_str()).encode_utf8(&mut buf),
                    );
                }
                Rule::interp => {
                    if let Some(path) = p.into_inner().find(|q| q.as_rule() == Rule::interp_path) {
                        parts.push(StrPart::Interp(self.path(&path)));
                    }
                }
                _ => {}
            }
        }
        parts
    }

    /// A `"…"` string where interpolation is not allowed: reports E0102 and keeps the
    /// literal text.
    pub(super) fn plain_string(&self, pair: Pair<'_, Rule>, key: &str) -> String {
        let mut out = String::new();
        for part in self.string_parts(pair) {
            match part {
                StrPart::Text(t) => out.push_str(&t),
                StrPart::Interp(p) => {
                    self.push(DiagnosticKind::InterpolationNotAllowed {
                        span: p.span,
                        key: key.to_string(),
                    });
                    out.push_str(&format!("${{{}}}", p.dotted()));
                }
            }
        }
        out
    }
}

fn push_text(parts: &mut Vec<StrPart>, text: &str) {
    if let Some(StrPart::Text(t)) = parts.last_mut() {
        *t = Name::from([t.as_str(), text].concat());
    } else {
        parts.push(StrPart::Text(Name::new(text)));
    }
}

/// The text of the single inner pair (raw/triple strings), or empty.
fn inner_text(pair: Pair<'_, Rule>) -> String {
    pair.into_inner()
        .next()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default()
}
