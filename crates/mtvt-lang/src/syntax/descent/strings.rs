//! The three string rules (`string_lit` with `interp`/`escape`/`str_text`, `raw_string`,
//! `triple_string`), decoded as lowering decodes them: escapes resolved, adjacent text
//! merged, `${a.b}` as paths. Where interpolation is not allowed, each `${…}` is reported
//! (E0102) with the name of the place, as lowering reports it.

use super::{Descent, TokenKind};
use crate::diag::DiagnosticKind;
use crate::syntax::ast::{Name, Path, StrPart};
use crate::syntax::errors::Expected as E;

impl<'a> Descent<'a> {
    /// `string_lit = ${ "\"" ~ (interp | escape | str_text)* ~ "\"" }`: the parts.
    pub(super) fn string_lit(&mut self) -> Option<Vec<StrPart>> {
        self.rule(E::string_lit, |p| {
            let start = p.pos;
            if !p.eat(b'"') {
                return None;
            }
            let mut parts: Vec<StrPart> = Vec::new();
            while p.string_piece(&mut parts) {}
            if !p.eat(b'"') {
                return None;
            }
            p.token(TokenKind::Str, start);
            Some(parts)
        })
    }

    /// One round of `(interp | escape | str_text)`; false when none matches.
    fn string_piece(&mut self, parts: &mut Vec<StrPart>) -> bool {
        if self.peek() == b'$' && self.at(self.pos + 1) == b'{' {
            if let Some(path) = self.interp() {
                parts.push(StrPart::Interp(path));
                return true;
            }
            // `${` is neither an escape nor text.
            self.miss(E::escape);
            self.miss(E::str_text);
            return false;
        }
        self.miss(E::interp);
        if self.peek() == b'\\' {
            let c = match self.at(self.pos + 1) {
                b'"' => '"',
                b'\\' => '\\',
                b'n' => '\n',
                b't' => '\t',
                b'r' => '\r',
                b'$' => '$',
                _ => {
                    self.miss(E::escape);
                    self.miss(E::str_text);
                    return false;
                }
            };
            self.pos += 2;
            let mut buf = [0u8; 4];
            push_text(parts, c.encode_utf8(&mut buf));
            return true;
        }
        self.miss(E::escape);
        let run = self.pos;
        while self.pos < self.end {
            match self.peek() {
                b'"' | b'\\' | b'\n' | b'\r' => break,
                b'$' if self.at(self.pos + 1) == b'{' => break,
                _ => self.pos += 1,
            }
        }
        if self.pos == run {
            self.miss(E::str_text);
            return false;
        }
        push_text(parts, self.slice(run, self.pos));
        true
    }

    /// `interp = ${ "${" ~ interp_path ~ "}" }`
    fn interp(&mut self) -> Option<Path> {
        self.rule(E::interp, |p| {
            if !p.eat_str("${") {
                return None;
            }
            let path = p.dotted(E::interp_path)?;
            p.eat(b'}').then_some(path)
        })
    }

    /// A `"…"` string where interpolation is not allowed (`what`: the place, in the
    /// message): each `${…}` is reported and kept as written in the text.
    pub(super) fn plain_string(&mut self, what: &str) -> Option<String> {
        let parts = self.string_lit()?;
        let mut out = String::new();
        for part in parts {
            match part {
                StrPart::Text(t) => out.push_str(&t),
                StrPart::Interp(p) => {
                    out.push_str(&format!("${{{}}}", p.dotted()));
                    self.diags.push(DiagnosticKind::InterpolationNotAllowed {
                        span: p.span,
                        key: what.to_string(),
                    });
                }
            }
        }
        Some(out)
    }

    /// A `"…"` string in a check expression: its text, each `${…}` reported and dropped.
    pub(super) fn expr_string(&mut self) -> Option<Name> {
        let parts = self.string_lit()?;
        let mut out = String::new();
        for part in parts {
            match part {
                StrPart::Text(t) => out.push_str(&t),
                StrPart::Interp(p) => self.diags.push(DiagnosticKind::InterpolationNotAllowed {
                    span: p.span,
                    key: String::from("a check expression"),
                }),
            }
        }
        Some(Name::from(out))
    }

    /// `raw_string = ${ "'" ~ raw_text ~ "'" }`: the text between the quotes.
    pub(super) fn raw_string(&mut self) -> Option<Name> {
        self.rule(E::raw_string, |p| {
            let start = p.pos;
            if !p.eat(b'\'') {
                return None;
            }
            let from = p.pos;
            let rest = p.bytes.get(from..p.end).unwrap_or_default();
            let len = rest
                .iter()
                .position(|b| matches!(b, b'\'' | b'\n' | b'\r'))
                .unwrap_or(rest.len());
            if rest.get(len) != Some(&b'\'') {
                return None;
            }
            p.pos = from + len + 1;
            p.token(TokenKind::Raw, start);
            Some(Name::new(p.slice(from, from + len)))
        })
    }

    /// `triple_string = ${ "\"\"\"" ~ triple_text ~ "\"\"\"" }`: the raw text inside.
    pub(super) fn triple_string(&mut self) -> Option<&'a str> {
        self.rule(E::triple_string, |p| {
            let start = p.pos;
            if !p.eat_str("\"\"\"") {
                return None;
            }
            let from = p.pos;
            let rest = p.text.get(from..p.end).unwrap_or_default();
            let len = rest.find("\"\"\"")?;
            p.pos = from + len + 3;
            p.token(TokenKind::Triple, start);
            Some(p.slice(from, from + len))
        })
    }
}

fn push_text(parts: &mut Vec<StrPart>, text: &str) {
    if let Some(StrPart::Text(t)) = parts.last_mut() {
        // Only after an escape (a run of text ends at one): rare.
        *t = Name::from([t.as_str(), text].concat());
    } else {
        parts.push(StrPart::Text(Name::new(text)));
    }
}
