//! Going on after syntax errors (recover mode), so one file reports several errors and
//! tools get an AST of everything readable.
//!
//! The rule that keeps recovery from changing what valid text means: a construct is first
//! parsed strictly (exactly as in the other modes); only when that fails, and the
//! construct is committed — its keyword or opening brace is there, no other alternative
//! of the grammar could take it — is it parsed again with repairs:
//! - a block or check body keeps the entries / statements that parse; at one that does
//!   not, the error is reported and the rest of its line is skipped (brackets that open on
//!   it are skipped to their close); an unclosed block ends at the end of the file;
//! - at the top level, text that is no item is reported and skipped up to the next line
//!   that starts with a top-level keyword;
//! - in an expression (`expr`), a missing operand or field name becomes an empty node and
//!   an unclosed `(`/`[` is closed where its contents end (nothing in the grammar can
//!   follow an expression with `.`, an operator or a missing closer, so these never
//!   apply to text that parses).
//!
//! Each error is the furthest failure tracked since the previous one (as pest words it).
//! After an error nothing more is reported until an item, entry or statement parses
//! cleanly again, so one mistake does not cascade into several reports.

use super::{Descent, Tracker};
use crate::syntax::ast::*;
use crate::syntax::errors::Expected as E;

impl Descent<'_> {
    /// The whole file, going on after errors.
    pub(super) fn file_recovering(&mut self) -> File {
        let mut items = Vec::new();
        self.bom();
        self.ws();
        self.seps();
        self.ws();
        loop {
            self.comment();
            self.ws();
            if self.pos >= self.end {
                break;
            }
            if let Some(item) = self.strict(Self::item).or_else(|| self.item_recovering()) {
                items.push(item);
                self.ws();
                if self.sep() || self.pos >= self.end {
                    self.quiet = false;
                } else {
                    self.miss(E::EOI);
                    self.report();
                }
            } else {
                self.miss(E::EOI);
                self.report();
                self.skip_to_next_item();
            }
            self.ws();
            self.seps();
            self.ws();
        }
        self.errors.sort_by_key(|e| e.span().start);
        self.errors.dedup_by_key(|e| e.span().start);
        File { items }
    }

    /// Runs `f` as in the other modes (no repairs), going back on failure.
    pub(super) fn strict<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<T> {
        let recover = self.mode.recover;
        self.mode.recover = false;
        let r = self.attempt(f);
        self.mode.recover = recover;
        r
    }

    /// Reports the furthest failure tracked since the previous error (unless an error was
    /// reported and nothing parsed cleanly since) and starts tracking afresh.
    pub(super) fn report(&mut self) {
        if !self.quiet {
            let e = self.tracked_error();
            self.errors.push(e);
        }
        self.quiet = true;
        self.tr = Tracker::default();
    }

    /// An item whose keyword is there but which does not parse strictly: its header must
    /// read up to the `{` of its body, which is then parsed with repairs.
    fn item_recovering(&mut self) -> Option<Item> {
        self.attempt(|p| {
            let start = p.pos;
            let end = p.ident_end()?;
            let word = p.slice(start, end);
            let kw = match word {
                "scenario" => E::kw_scenario,
                "fragment" => E::kw_fragment,
                "session" => E::kw_session,
                "hook" => E::kw_hook,
                "check" => E::kw_check,
                _ => return None,
            };
            p.kw(kw, word)?;
            p.ws();
            if kw == E::kw_session {
                let body = p.block_recovering()?;
                return Some(Item::Session(SessionDecl {
                    body,
                    span: p.span(start, p.pos),
                }));
            }
            let name = p.ident()?;
            p.ws();
            match kw {
                E::kw_check => {
                    let description = p.strict(|p| {
                        let s = p.pos;
                        let text = p.plain_string("check description")?;
                        Some(crate::span::Spanned::new(text, p.span(s, p.pos)))
                    });
                    p.ws();
                    let body = p.check_body_recovering()?;
                    Some(Item::Check(CheckDecl {
                        name,
                        description,
                        body: CheckDef::Body(body),
                        span: p.span(start, p.pos),
                    }))
                }
                E::kw_hook => {
                    let body = p.block_recovering()?;
                    Some(Item::Hook(HookDecl {
                        name,
                        body,
                        span: p.span(start, p.pos),
                    }))
                }
                _ => {
                    let extends = p.strict(|p| p.extends()).unwrap_or_default();
                    p.ws();
                    let body = p.block_recovering()?;
                    let decl = ScenarioDecl {
                        name,
                        extends,
                        body,
                        span: p.span(start, p.pos),
                    };
                    Some(if kw == E::kw_fragment {
                        Item::Fragment(decl)
                    } else {
                        Item::Scenario(decl)
                    })
                }
            }
        })
    }

    /// A block at its `{`: strictly if it parses, else entry by entry.
    pub(super) fn block_recovering(&mut self) -> Option<Block> {
        if self.peek() != b'{' {
            return None;
        }
        if let Some(b) = self.strict(Self::block) {
            return Some(b);
        }
        let start = self.pos;
        self.punct(b'{');
        self.depth += 1;
        let entries = self.lines_recovering(Self::entry_recovering);
        self.depth -= 1;
        Some(Block {
            entries,
            span: self.span(start, self.pos),
        })
    }

    /// A check body at its `{`: strictly if it parses, else statement by statement.
    pub(super) fn check_body_recovering(&mut self) -> Option<Vec<Stmt>> {
        if self.peek() != b'{' {
            return None;
        }
        if let Some(b) = self.strict(Self::check_body) {
            return Some(b);
        }
        self.punct(b'{');
        self.depth += 1;
        let stmts = self.lines_recovering(Self::stmt_recovering);
        self.depth -= 1;
        Some(stmts)
    }

    /// After the `{` of a block or check body: its entries (statements) up to the closing
    /// `}`, reporting and skipping the rest of a line where one does not parse.
    fn lines_recovering<T>(&mut self, mut one: impl FnMut(&mut Self) -> Option<T>) -> Vec<T> {
        let mut out = Vec::new();
        loop {
            self.ws();
            self.seps();
            self.ws();
            if self.punct(b'}') {
                return out;
            }
            if self.pos >= self.end {
                self.miss(E::rbrace);
                self.report();
                return out;
            }
            let parsed = one(self);
            let clean = parsed.is_some();
            out.extend(parsed);
            self.ws();
            if clean && self.at_line_end() {
                self.quiet = false;
                continue;
            }
            self.miss(E::rbrace);
            self.report();
            self.skip_line();
        }
    }

    /// A statement: strictly when it parses up to a separator, else with repairs.
    fn stmt_recovering(&mut self) -> Option<Stmt> {
        let m = self.mark();
        if let Some(s) = self.strict(Self::stmt) {
            self.ws();
            if self.at_line_end() {
                return Some(s);
            }
            self.reset(m);
        }
        self.stmt()
    }

    /// Whether an entry or statement may end here (a separator, a comment, the closing
    /// brace or the end of the input follows).
    fn at_line_end(&self) -> bool {
        matches!(self.peek(), b'\n' | b'\r' | b';' | b'#' | b'}') || self.pos >= self.end
    }

    /// An entry: its key and arguments as in the grammar; a body that follows (`{`) is
    /// parsed strictly if it can be, else with repairs.
    fn entry_recovering(&mut self) -> Option<Entry> {
        let start = self.pos;
        let key = self.ident()?;
        self.ws();
        let args = self.args().unwrap_or_default();
        self.ws();
        let body = if self.peek() == b'{' {
            match self.strict(Self::entry_body) {
                Some(b) => Some(b),
                None => self.block_recovering().map(EntryBody::Block),
            }
        } else {
            None
        };
        Some(Entry {
            key,
            args,
            body,
            span: self.span(start, self.pos),
        })
    }
}
