//! Layout of files, top-level items, blocks and block entries. Items are separated by a
//! blank line (except runs of `use` lines or of one-line composite checks, which keep
//! the source's grouping); a block is `{ a; b }` when it was written on one line and
//! fits, else one entry per line.

use super::printer::{INDENT, Next, Printer};
use crate::span::Span;
use crate::syntax::ast::{Block, CheckDecl, CheckDef, Entry, EntryBody, File, Item, Path};

impl Printer<'_> {
    /// Prints a whole file.
    pub fn file(&mut self, file: &File) {
        let mut pos = 0;
        let mut prev: Option<&Item> = None;
        for item in &file.items {
            let span = item_span(item);
            let force = prev.is_some_and(|p| !same_group(p, item));
            self.lines_between(pos, span.start, prev.is_none(), Next::Element, force);
            self.item(item);
            pos = span.end;
            prev = Some(item);
        }
        self.lines_between(pos, self.src.len(), prev.is_none(), Next::End, false);
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Use(u) => {
                self.out.write("use ");
                self.out
                    .write(self.text(u.target.span.start, u.target.span.end));
                if let Some(a) = &u.alias {
                    self.out.write(" as ");
                    self.out.write(&a.node);
                }
            }
            Item::Session(s) => {
                self.out.write("session ");
                self.block(&s.body);
            }
            Item::Fragment(d) | Item::Scenario(d) => {
                let kw = if matches!(item, Item::Fragment(_)) {
                    "fragment "
                } else {
                    "scenario "
                };
                self.out.write(kw);
                self.out.write(&d.name.node);
                if !d.extends.is_empty() {
                    self.out.write(" extends ");
                    self.paths(&d.extends);
                }
                self.out.space();
                self.block(&d.body);
            }
            Item::Hook(h) => {
                self.out.write("hook ");
                self.out.write(&h.name.node);
                self.out.space();
                self.block(&h.body);
            }
            Item::Check(c) => self.check_decl(c),
        }
    }

    fn check_decl(&mut self, c: &CheckDecl) {
        self.out.write("check ");
        self.out.write(&c.name.node);
        let mut after = c.name.span.end;
        if let Some(d) = &c.description {
            self.out.space();
            self.out.write(self.text(d.span.start, d.span.end));
            after = d.span.end;
        }
        match &c.body {
            CheckDef::Composite(paths) => {
                self.out.write(" =");
                let first = paths.first().map_or(c.span.end, |p| p.span.start);
                let eq = self.find(after, first, "=").map_or(after, |t| t.end);
                if !self.soft_break(eq, first, self.out.indent + INDENT) {
                    self.out.space();
                }
                self.paths(paths);
            }
            CheckDef::Body(stmts) => {
                let close = c.span.end.saturating_sub(1);
                let open = self.find(after, close, "{").map_or(after, |t| t.start);
                self.out.space();
                self.check_body(open, close, stmts);
            }
        }
    }

    /// `a, b, c` (extends clauses and composite checks), keeping line breaks after commas.
    fn paths(&mut self, paths: &[Path]) {
        let mut prev: Option<Span> = None;
        for p in paths {
            if let Some(prev) = prev {
                self.comma_gap(prev.end, p.span.start);
            }
            self.out.write(&p.dotted());
            prev = Some(p.span);
        }
    }

    /// Writes `,` for the comma between `from` and `to`, then a space or the source's
    /// line break (continuation indented one level).
    pub(super) fn comma_gap(&mut self, from: usize, to: usize) {
        self.out.write(",");
        let after = self.find(from, to, ",").map_or(from, |t| t.end);
        if !self.soft_break(after, to, self.out.indent + INDENT) {
            self.out.space();
        }
    }

    /// A `{ … }` block of entries.
    pub(super) fn block(&mut self, b: &Block) {
        let open = b.span.start;
        let close = b.span.end.saturating_sub(1);
        self.braced(open, close, &b.entries, |e| e.span, Self::entry);
    }

    /// Prints `{ items }` between the braces at `open` and `close`: `{}` when empty,
    /// `{ a; b }` when written on one line and fitting, else one item per line.
    pub(super) fn braced<T>(
        &mut self,
        open: usize,
        close: usize,
        items: &[T],
        span: impl Fn(&T) -> Span,
        print: impl Fn(&mut Self, &T),
    ) {
        if items.is_empty() && !self.has_comment(open, close) {
            self.out.write("{}");
            return;
        }
        if !self.has_break(open, close) {
            let inline = self.measure_inline(|p| {
                p.out.write("{ ");
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        p.out.write("; ");
                    }
                    print(p, it);
                }
                p.out.write(" }");
            });
            if let Some(text) = inline {
                self.out.write(&text);
                return;
            }
        }
        self.out.write("{");
        let outer = self.out.indent;
        self.out.indent = outer + INDENT;
        let mut pos = open + 1;
        for (i, it) in items.iter().enumerate() {
            let s = span(it);
            self.lines_between(pos, s.start, i == 0, Next::Element, false);
            print(self, it);
            pos = s.end;
        }
        self.lines_between(pos, close, items.is_empty(), Next::End, false);
        self.out.indent = outer;
        self.out.newline();
        self.out.write("}");
    }

    /// One block entry: `key arg arg, arg { body }`.
    fn entry(&mut self, e: &Entry) {
        self.out.write(&e.key.node);
        let mut prev: Option<Span> = None;
        for g in &e.args {
            match prev {
                Some(p) => self.comma_gap(p.end, g.span.start),
                None => self.out.space(),
            }
            for (i, a) in g.args.iter().enumerate() {
                if i > 0 {
                    self.out.space();
                }
                match a {
                    crate::syntax::ast::Arg::Value(v) => self.value(v),
                    crate::syntax::ast::Arg::Op(o) => self.out.write(&o.node),
                }
            }
            prev = Some(g.span);
        }
        match &e.body {
            Some(EntryBody::Block(b)) => {
                self.out.space();
                self.block(b);
            }
            Some(EntryBody::Object(v)) => {
                self.out.space();
                self.value(v);
            }
            None => {}
        }
    }
}

/// The span of a top-level item.
pub(super) fn item_span(item: &Item) -> Span {
    match item {
        Item::Use(u) => u.span,
        Item::Session(s) => s.span,
        Item::Fragment(d) | Item::Scenario(d) => d.span,
        Item::Check(c) => c.span,
        Item::Hook(h) => h.span,
    }
}

/// Items that may follow each other without a blank line: `use` lines, and one-line
/// composite checks.
fn same_group(a: &Item, b: &Item) -> bool {
    let composite = |i: &Item| {
        matches!(
            i,
            Item::Check(CheckDecl {
                body: CheckDef::Composite(_),
                ..
            })
        )
    };
    matches!((a, b), (Item::Use(_), Item::Use(_))) || (composite(a) && composite(b))
}
