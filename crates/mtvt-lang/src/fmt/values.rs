//! Layout of values: literals exactly as written, lists and objects on one line when
//! they were written on one line and fit (`[a, b]`, `{ k: v }`), else one element per
//! line (a list holding a single object or list hugs it: `[{ … }]`), and `"""` text
//! blocks re-indented under their key with their content kept byte for byte.

use super::printer::{INDENT, Next, Printer};
use crate::span::Span;
use crate::syntax::ast::{Member, Value, ValueKind};
use crate::syntax::literals::dedent;

impl Printer<'_> {
    /// Prints a value.
    pub(super) fn value(&mut self, v: &Value) {
        match &v.kind {
            ValueKind::List(items) => self.list(v.span, items),
            ValueKind::Object(members) => self.object(v.span, members),
            ValueKind::Triple(text) => self.triple(v.span, text),
            _ => self.verbatim(v.span),
        }
    }

    fn verbatim(&mut self, span: Span) {
        let text = self.text(span.start, span.end);
        if self.crlf && text.contains('\r') {
            self.out.write_verbatim(&text.replace("\r\n", "\n"));
        } else {
            self.out.write_verbatim(text);
        }
    }

    fn list(&mut self, span: Span, items: &[Value]) {
        let (open, close) = (span.start, span.end.saturating_sub(1));
        if items.is_empty() && !self.has_comment(open, close) {
            self.out.write("[]");
            return;
        }
        if !self.has_break(open, close) {
            let inline = self.measure_inline(|p| {
                p.out.write("[");
                for (i, it) in items.iter().enumerate() {
                    if i > 0 {
                        p.out.write(", ");
                    }
                    p.value(it);
                }
                p.out.write("]");
            });
            if let Some(text) = inline {
                self.out.write(&text);
                return;
            }
        }
        if let [only] = items
            && matches!(only.kind, ValueKind::List(_) | ValueKind::Object(_))
            && !self.has_comment(open, only.span.start)
            && !self.has_comment(only.span.end, close)
        {
            self.out.write("[");
            self.value(only);
            self.out.write("]");
            return;
        }
        self.elements((open, close), items, ("[", "]"), |v| v.span, Self::value);
    }

    fn object(&mut self, span: Span, members: &[Member]) {
        let (open, close) = (span.start, span.end.saturating_sub(1));
        if members.is_empty() && !self.has_comment(open, close) {
            self.out.write("{}");
            return;
        }
        if !self.has_break(open, close) {
            let inline = self.measure_inline(|p| {
                p.out.write("{ ");
                for (i, m) in members.iter().enumerate() {
                    if i > 0 {
                        p.out.write(", ");
                    }
                    p.member(m);
                }
                p.out.write(" }");
            });
            if let Some(text) = inline {
                self.out.write(&text);
                return;
            }
        }
        let span_of = |m: &Member| m.key.span.to(m.value.span);
        self.elements((open, close), members, ("{", "}"), span_of, Self::member);
    }

    fn member(&mut self, m: &Member) {
        self.out.write(self.text(m.key.span.start, m.key.span.end));
        self.out.write(":");
        let colon = self
            .find(m.key.span.end, m.value.span.start, ":")
            .map_or(m.key.span.end, |t| t.end);
        if !self.soft_break(colon, m.value.span.start, self.out.line_indent + INDENT) {
            self.out.space();
        }
        self.value(&m.value);
    }

    /// One element per line between `open_text` and `close_text`, commas between them,
    /// indented one level from the line the list or object starts on.
    fn elements<T>(
        &mut self,
        (open, close): (usize, usize),
        items: &[T],
        (open_text, close_text): (&str, &str),
        span: impl Fn(&T) -> Span,
        print: impl Fn(&mut Self, &T),
    ) {
        let base = self.out.line_indent;
        let outer = self.out.indent;
        self.out.write(open_text);
        self.out.indent = base + INDENT;
        let mut pos = open + 1;
        for (i, it) in items.iter().enumerate() {
            let s = span(it);
            self.lines_between(pos, s.start, i == 0, Next::Element, false);
            print(self, it);
            if i + 1 < items.len() {
                self.out.write(",");
            }
            pos = s.end;
        }
        self.lines_between(pos, close, items.is_empty(), Next::End, false);
        self.out.indent = outer;
        self.out.newline_indented(base);
        self.out.write(close_text);
    }

    /// A `"""` text block. When the text starts on the line after the opening quotes,
    /// the content is re-indented one level deeper than the current line and the closing
    /// quotes go on their own line at that indentation; otherwise (or if re-indenting
    /// would change the text) it is kept exactly as written.
    fn triple(&mut self, span: Span, text: &str) {
        let raw = self.text(span.start + 3, span.end.saturating_sub(3));
        let first_line = raw.split('\n').next().unwrap_or("");
        if !raw.contains('\n') || !first_line.trim().is_empty() {
            self.verbatim(span);
            return;
        }
        let indent = " ".repeat(self.out.line_indent + INDENT);
        let eol = if self.crlf { "\r\n" } else { "\n" };
        let lines: Vec<&str> = text
            .split('\n')
            .map(|l| {
                if self.crlf {
                    l.strip_suffix('\r').unwrap_or(l)
                } else {
                    l
                }
            })
            .collect();
        let mut rebuilt = String::from(eol);
        for l in &lines {
            if !l.is_empty() {
                rebuilt.push_str(&indent);
                rebuilt.push_str(l);
            }
            rebuilt.push_str(eol);
        }
        rebuilt.push_str(&indent);
        if dedent(&rebuilt) != text {
            self.verbatim(span);
            return;
        }
        self.out.write("\"\"\"");
        for l in &lines {
            self.out.raw_newline();
            if !l.is_empty() {
                self.out.raw(&indent);
                self.out.raw(l);
            }
        }
        self.out.raw_newline();
        self.out.raw(&indent);
        self.out.raw("\"\"\"");
    }
}
