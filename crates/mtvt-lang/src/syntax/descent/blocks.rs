//! Files, top-level items and generic blocks (`file`, `*_decl`, `block`, `entry`, `args`
//! of the grammar). Each function mirrors its grammar rule; comments note where pest's
//! implicit whitespace ends up inside a node's span, because the AST keeps those spans.

use super::Descent;
use crate::span::Spanned;
use crate::syntax::ast::*;

impl Descent<'_> {
    /// `file = SOI ~ sep* ~ (item ~ (sep+ ~ item)*)? ~ sep* ~ comment? ~ EOI`
    pub(super) fn file(&mut self) -> Option<File> {
        self.ws();
        self.seps();
        self.ws();
        let items = self.separated(Self::item);
        self.ws();
        self.seps();
        self.ws();
        self.comment();
        self.ws();
        (self.pos == self.end).then_some(File { items })
    }

    /// `(x ~ (sep+ ~ x)*)?` with the spaces pest places between them.
    fn separated<T>(&mut self, mut one: impl FnMut(&mut Self) -> Option<T>) -> Vec<T> {
        let mut out = Vec::new();
        let Some(first) = self.attempt(&mut one) else {
            return out;
        };
        out.push(first);
        self.ws();
        self.more(&mut out, |p| {
            if !p.sep() {
                return None;
            }
            p.ws();
            p.seps();
            p.ws();
            one(p)
        });
        out
    }

    /// `item = use_decl | session_decl | fragment_decl | scenario_decl | check_decl | hook_decl`
    fn item(&mut self) -> Option<Item> {
        let start = self.pos;
        match self.peek() {
            b'u' if self.keyword("use") => self.use_decl(start).map(Item::Use),
            b's' if self.keyword("session") => {
                self.ws();
                let body = self.block()?;
                Some(Item::Session(SessionDecl {
                    body,
                    span: self.span(start, self.pos),
                }))
            }
            b'f' if self.keyword("fragment") => self.scenario_decl(start).map(Item::Fragment),
            b's' if self.keyword("scenario") => self.scenario_decl(start).map(Item::Scenario),
            b'c' if self.keyword("check") => self.check_decl(start).map(Item::Check),
            b'h' if self.keyword("hook") => {
                self.ws();
                let name = self.ident()?;
                self.ws();
                let body = self.block()?;
                Some(Item::Hook(HookDecl {
                    name,
                    body,
                    span: self.span(start, self.pos),
                }))
            }
            _ => None,
        }
    }

    /// `use_decl = kw_use ~ (string_lit | raw_string | module_path) ~ (kw_as ~ ident)?`
    /// (without an alias the span keeps the spaces after the target).
    fn use_decl(&mut self, start: usize) -> Option<UseDecl> {
        self.ws();
        let tstart = self.pos;
        let target = match self.peek() {
            b'"' => UseTarget::File(self.plain_string()?),
            b'\'' => UseTarget::File(self.raw_string()?),
            _ => UseTarget::Module(self.module_path()?),
        };
        let target = Spanned::new(target, self.span(tstart, self.pos));
        self.ws();
        let alias = self.attempt(|p| {
            if !p.keyword("as") {
                return None;
            }
            p.ws();
            p.ident()
        });
        Some(UseDecl {
            target,
            alias,
            span: self.span(start, self.pos),
        })
    }

    /// `module_path = @{ ident ~ ("/" ~ ident)+ }`
    fn module_path(&mut self) -> Option<String> {
        let start = self.pos;
        self.pos = self.ident_end()?;
        let mut parts = 0;
        while self.peek() == b'/' {
            let save = self.pos;
            self.pos += 1;
            match self.ident_end() {
                Some(e) => {
                    self.pos = e;
                    parts += 1;
                }
                None => {
                    self.pos = save;
                    break;
                }
            }
        }
        if parts == 0 {
            self.pos = start;
            return None;
        }
        Some(self.slice(start, self.pos).to_string())
    }

    /// `scenario_decl` / `fragment_decl = kw ~ ident ~ extends_clause? ~ block`
    fn scenario_decl(&mut self, start: usize) -> Option<ScenarioDecl> {
        self.ws();
        let name = self.ident()?;
        self.ws();
        let extends = self
            .attempt(|p| {
                if !p.keyword("extends") {
                    return None;
                }
                p.ws();
                p.ref_paths()
            })
            .unwrap_or_default();
        self.ws();
        let body = self.block()?;
        Some(ScenarioDecl {
            name,
            extends,
            body,
            span: self.span(start, self.pos),
        })
    }

    /// `ref_path ~ ("," ~ nl* ~ ref_path)*`
    fn ref_paths(&mut self) -> Option<Vec<Path>> {
        self.comma_separated(Self::path)
    }

    /// `x ~ ("," ~ nl* ~ x)*`
    fn comma_separated<T>(
        &mut self,
        mut one: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut out = vec![one(self)?];
        self.ws();
        self.more(&mut out, |p| {
            if !p.eat(b',') {
                return None;
            }
            p.ws();
            p.nls();
            p.ws();
            one(p)
        });
        Some(out)
    }

    /// `check_decl = kw_check ~ ident ~ string_lit? ~ (check_alias | check_body)`; an
    /// alias's span (and so the declaration's) keeps the spaces after its last name.
    fn check_decl(&mut self, start: usize) -> Option<CheckDecl> {
        self.ws();
        let name = self.ident()?;
        self.ws();
        let description = if self.peek() == b'"' {
            self.attempt(|p| {
                let s = p.pos;
                let text = p.plain_string()?;
                Some(Spanned::new(text, p.span(s, p.pos)))
            })
        } else {
            None
        };
        self.ws();
        let body = if self.eat(b'=') {
            self.ws();
            self.nls();
            self.ws();
            CheckDef::Composite(self.ref_paths()?)
        } else {
            CheckDef::Body(self.check_body()?)
        };
        Some(CheckDecl {
            name,
            description,
            body,
            span: self.span(start, self.pos),
        })
    }

    /// `ident`, as an identifier with its span.
    pub(super) fn ident(&mut self) -> Option<Ident> {
        let start = self.pos;
        let end = self.ident_end()?;
        self.pos = end;
        Some(Spanned::new(
            self.slice(start, end).to_string(),
            self.span(start, end),
        ))
    }

    /// `ref_path` / `path = @{ ident ~ ("." ~ ident)* }` with a span per segment.
    pub(super) fn path(&mut self) -> Option<Path> {
        let start = self.pos;
        let mut segments = vec![self.ident()?];
        while self.peek() == b'.' {
            let save = self.pos;
            self.pos += 1;
            match self.ident() {
                Some(seg) => segments.push(seg),
                None => {
                    self.pos = save;
                    break;
                }
            }
        }
        Some(Path {
            segments,
            span: self.span(start, self.pos),
        })
    }

    /// `block = "{" ~ sep* ~ (entry ~ (sep+ ~ entry)*)? ~ sep* ~ rbrace`
    pub(super) fn block(&mut self) -> Option<Block> {
        let start = self.pos;
        if self.peek() != b'{' {
            return None;
        }
        self.nested(|p| {
            p.pos += 1;
            let entries = p.braced_items(Self::entry)?;
            Some(Block {
                entries,
                span: p.span(start, p.pos),
            })
        })
    }

    /// After a `{`: `sep* ~ (x ~ (sep+ ~ x)*)? ~ sep* ~ rbrace`.
    pub(super) fn braced_items<T>(
        &mut self,
        one: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        self.ws();
        self.seps();
        self.ws();
        let items = self.separated(one);
        self.ws();
        self.seps();
        self.ws();
        self.eat(b'}').then_some(items)
    }

    /// `entry = ident ~ args? ~ (block | object)?`; without a body the span keeps the
    /// spaces after the key or the arguments.
    fn entry(&mut self) -> Option<Entry> {
        let start = self.pos;
        let key = self.ident()?;
        self.ws();
        let args = self.attempt(Self::args).unwrap_or_default();
        self.ws();
        let body = if self.peek() == b'{' {
            match self.attempt(Self::block) {
                Some(b) => Some(EntryBody::Block(b)),
                None => self.attempt(Self::object).map(EntryBody::Object),
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

    /// `args = arg_group ~ ("," ~ nl* ~ arg_group)*`
    fn args(&mut self) -> Option<Vec<ArgGroup>> {
        self.comma_separated(Self::arg_group)
    }

    /// `arg_group = { arg+ }`: pest reads `arg+` as `arg ~ arg*`, so a group of one
    /// argument keeps the spaces after it in its span and a longer group does not.
    fn arg_group(&mut self) -> Option<ArgGroup> {
        let start = self.pos;
        let mut args = vec![self.arg()?];
        self.ws();
        self.more(&mut args, Self::arg);
        Some(ArgGroup {
            args,
            span: self.span(start, self.pos),
        })
    }

    /// `arg = path | triple_string | string_lit | number | raw_string | list | op`
    fn arg(&mut self) -> Option<Arg> {
        let start = self.pos;
        let op = match (self.peek(), self.at(self.pos + 1)) {
            (b'>' | b'<' | b'=' | b'!', b'=') => Some(2),
            (b'>' | b'<' | b'=', _) => Some(1),
            _ => None,
        };
        if let Some(n) = op {
            self.pos += n;
            return Some(Arg::Op(Spanned::new(
                self.slice(start, self.pos).to_string(),
                self.span(start, self.pos),
            )));
        }
        if self.peek() == b'{' {
            return None;
        }
        self.value().map(Arg::Value)
    }
}
