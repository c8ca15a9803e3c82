//! Files, top-level items and generic blocks (`file`, `*_decl`, `block`, `entry`, `args`
//! of the grammar). Each function mirrors its grammar rule; comments note where pest's
//! implicit whitespace ends up inside a node's span, because the AST keeps those spans.

use super::Descent;
use crate::span::Spanned;
use crate::syntax::ast::*;
use crate::syntax::errors::Expected as E;

impl Descent<'_> {
    /// `file = SOI ~ bom? ~ sep* ~ (item ~ (sep+ ~ item)*)? ~ sep* ~ comment? ~ EOI`
    pub(super) fn file(&mut self) -> Option<File> {
        self.rule(E::file, |p| {
            p.bom();
            p.ws();
            p.seps();
            p.ws();
            let items = p.separated(Self::item);
            p.ws();
            p.seps();
            p.ws();
            p.comment();
            p.ws();
            if p.pos == p.end {
                Some(File { items })
            } else {
                p.miss(E::EOI);
                None
            }
        })
    }

    /// `(x ~ (sep+ ~ x)*)?` with the spaces pest places between them.
    pub(super) fn separated<T>(&mut self, mut one: impl FnMut(&mut Self) -> Option<T>) -> Vec<T> {
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
    pub(super) fn item(&mut self) -> Option<Item> {
        if !self.mode.track {
            // Only a shortcut: each alternative starts with its own keyword.
            return match self.peek() {
                b'u' => self.use_decl().map(Item::Use),
                b's' => match self.session_decl() {
                    Some(s) => Some(Item::Session(s)),
                    None => self.scenario_decl(E::scenario_decl).map(Item::Scenario),
                },
                b'f' => self.scenario_decl(E::fragment_decl).map(Item::Fragment),
                b'c' => self.check_decl().map(Item::Check),
                b'h' => self.hook_decl().map(Item::Hook),
                _ => None,
            };
        }
        if let Some(u) = self.use_decl() {
            return Some(Item::Use(u));
        }
        if let Some(s) = self.session_decl() {
            return Some(Item::Session(s));
        }
        if let Some(f) = self.scenario_decl(E::fragment_decl) {
            return Some(Item::Fragment(f));
        }
        if let Some(s) = self.scenario_decl(E::scenario_decl) {
            return Some(Item::Scenario(s));
        }
        if let Some(c) = self.check_decl() {
            return Some(Item::Check(c));
        }
        self.hook_decl().map(Item::Hook)
    }

    /// `use_decl = kw_use ~ (string_lit | raw_string | module_path) ~ (kw_as ~ ident)?`
    /// (without an alias the span keeps the spaces after the target).
    fn use_decl(&mut self) -> Option<UseDecl> {
        self.rule(E::use_decl, |p| {
            let start = p.pos;
            p.kw(E::kw_use, "use")?;
            p.ws();
            let tstart = p.pos;
            let target = if let Some(s) = p.plain_string("use") {
                UseTarget::File(s)
            } else if let Some(s) = p.raw_string() {
                UseTarget::File(s.to_string())
            } else {
                UseTarget::Module(p.module_path()?)
            };
            let target = Spanned::new(target, p.span(tstart, p.pos));
            p.ws();
            let alias = p.attempt(|p| {
                p.kw(E::kw_as, "as")?;
                p.ws();
                p.ident()
            });
            Some(UseDecl {
                target,
                alias,
                span: p.span(start, p.pos),
            })
        })
    }

    /// `session_decl = kw_session ~ block`
    fn session_decl(&mut self) -> Option<SessionDecl> {
        self.rule(E::session_decl, |p| {
            let start = p.pos;
            p.kw(E::kw_session, "session")?;
            p.ws();
            let body = p.block()?;
            Some(SessionDecl {
                body,
                span: p.span(start, p.pos),
            })
        })
    }

    /// `scenario_decl` / `fragment_decl = kw ~ ident ~ extends_clause? ~ block`
    pub(super) fn scenario_decl(&mut self, rule: E) -> Option<ScenarioDecl> {
        self.rule(rule, |p| {
            let start = p.pos;
            if rule == E::fragment_decl {
                p.kw(E::kw_fragment, "fragment")?;
            } else {
                p.kw(E::kw_scenario, "scenario")?;
            }
            p.ws();
            let name = p.ident()?;
            p.ws();
            let extends = p.extends().unwrap_or_default();
            p.ws();
            let body = p.block()?;
            Some(ScenarioDecl {
                name,
                extends,
                body,
                span: p.span(start, p.pos),
            })
        })
    }

    /// `extends_clause = kw_extends ~ ref_path ~ ("," ~ nl* ~ ref_path)*`
    pub(super) fn extends(&mut self) -> Option<Vec<Path>> {
        self.rule(E::extends_clause, |p| {
            p.kw(E::kw_extends, "extends")?;
            p.ws();
            p.ref_paths()
        })
    }

    /// `hook_decl = kw_hook ~ ident ~ block`
    fn hook_decl(&mut self) -> Option<HookDecl> {
        self.rule(E::hook_decl, |p| {
            let start = p.pos;
            p.kw(E::kw_hook, "hook")?;
            p.ws();
            let name = p.ident()?;
            p.ws();
            let body = p.block()?;
            Some(HookDecl {
                name,
                body,
                span: p.span(start, p.pos),
            })
        })
    }

    /// `ref_path ~ ("," ~ nl* ~ ref_path)*`
    fn ref_paths(&mut self) -> Option<Vec<Path>> {
        self.comma_separated(|p| p.path_rule(E::ref_path))
    }

    /// `x ~ ("," ~ nl* ~ x)*`
    fn comma_separated<T>(
        &mut self,
        mut one: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut out = vec![one(self)?];
        self.ws();
        self.more(&mut out, |p| {
            if !p.punct(b',') {
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
    pub(super) fn check_decl(&mut self) -> Option<CheckDecl> {
        self.rule(E::check_decl, |p| {
            let start = p.pos;
            p.kw(E::kw_check, "check")?;
            p.ws();
            let name = p.ident()?;
            p.ws();
            let description = p.attempt(|p| {
                let s = p.pos;
                let text = p.plain_string("check description")?;
                Some(Spanned::new(text, p.span(s, p.pos)))
            });
            p.ws();
            let body = match p.check_alias() {
                Some(paths) => CheckDef::Composite(paths),
                None => CheckDef::Body(p.check_body()?),
            };
            Some(CheckDecl {
                name,
                description,
                body,
                span: p.span(start, p.pos),
            })
        })
    }

    /// `check_alias = "=" ~ nl* ~ ref_path ~ ("," ~ nl* ~ ref_path)*`
    fn check_alias(&mut self) -> Option<Vec<Path>> {
        self.rule(E::check_alias, |p| {
            if !p.punct(b'=') {
                return None;
            }
            p.ws();
            p.nls();
            p.ws();
            p.ref_paths()
        })
    }

    /// `block = "{" ~ sep* ~ (entry ~ (sep+ ~ entry)*)? ~ sep* ~ rbrace`
    pub(super) fn block(&mut self) -> Option<Block> {
        self.rule(E::block, |p| {
            let start = p.pos;
            if !p.punct(b'{') {
                return None;
            }
            p.nested(
                start,
                |p| {
                    let entries = p.braced_items(Self::entry)?;
                    Some(Block {
                        entries,
                        span: p.span(start, p.pos),
                    })
                },
                |span| Block {
                    entries: Vec::new(),
                    span,
                },
            )
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
        self.rbrace().then_some(items)
    }

    /// `rbrace = { "}" }`
    pub(super) fn rbrace(&mut self) -> bool {
        if self.punct(b'}') {
            return true;
        }
        self.miss(E::rbrace);
        false
    }

    /// `entry = ident ~ args? ~ (block | object)?`; without a body the span keeps the
    /// spaces after the key or the arguments.
    pub(super) fn entry(&mut self) -> Option<Entry> {
        self.rule(E::entry, |p| {
            let start = p.pos;
            let key = p.ident()?;
            p.ws();
            let args = p.args().unwrap_or_default();
            p.ws();
            let body = p.entry_body();
            Some(Entry {
                key,
                args,
                body,
                span: p.span(start, p.pos),
            })
        })
    }

    /// `(block | object)?` after an entry's key and arguments.
    pub(super) fn entry_body(&mut self) -> Option<EntryBody> {
        if !self.mode.track && self.peek() != b'{' {
            return None;
        }
        match self.block() {
            Some(b) => Some(EntryBody::Block(b)),
            None => self.object().map(EntryBody::Object),
        }
    }

    /// `args = arg_group ~ ("," ~ nl* ~ arg_group)*`
    pub(super) fn args(&mut self) -> Option<Vec<ArgGroup>> {
        self.rule(E::args, |p| p.comma_separated(Self::arg_group))
    }

    /// `arg_group = { arg+ }`: pest reads `arg+` as `arg ~ arg*`, so a group of one
    /// argument keeps the spaces after it in its span and a longer group does not.
    fn arg_group(&mut self) -> Option<ArgGroup> {
        self.rule(E::arg_group, |p| {
            let start = p.pos;
            let mut args = vec![p.arg()?];
            p.ws();
            p.more(&mut args, Self::arg);
            Some(ArgGroup {
                args,
                span: p.span(start, p.pos),
            })
        })
    }

    /// `arg = path | triple_string | string_lit | number | raw_string | list | op`
    fn arg(&mut self) -> Option<Arg> {
        if !self.mode.track && matches!(self.peek(), b'>' | b'<' | b'=' | b'!' | b'{') {
            // Only a shortcut: no value starts with these.
            return self.op().map(Arg::Op);
        }
        match self.scalar_or_list() {
            Some(v) => Some(Arg::Value(v)),
            None => self.op().map(Arg::Op),
        }
    }
}
