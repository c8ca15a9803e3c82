//! Go's `fmt` printing of template values: `Sprint`, `Sprintln`, `Sprintf` and the
//! `Fprint` a template action uses, plus `strconv.Quote`.
//!
//! Exists because `printf "%03d"`, `print` spacing and float output (`3`, `3.75`,
//! `1e+06`) must be byte-identical to the controller. Must not evaluate templates;
//! it formats values it is given. Verbs mtvt cannot reproduce exactly (`%p`, `%x` on
//! floats, `#` on floats) are reported as unsupported instead of guessed.
//! This file holds the printer, padding and the per-type dispatch; `printf.rs` the
//! format-string parser, `numbers.rs`/`strings.rs` the verbs, `float.rs` strconv's
//! float conversion and `quote.rs` `strconv.Quote`.

mod float;
mod numbers;
mod printf;
mod quote;
mod strings;
#[cfg(test)]
mod tests;

pub(crate) use quote::{quote_str, unicode_name};

use crate::value::{GoValue, Record, push_char, rune_count};

#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Flags {
    pub(super) wid: usize,
    pub(super) prec: usize,
    pub(super) wid_present: bool,
    pub(super) prec_present: bool,
    pub(super) minus: bool,
    pub(super) plus: bool,
    pub(super) sharp: bool,
    pub(super) space: bool,
    pub(super) zero: bool,
    pub(super) plus_v: bool,
    pub(super) sharp_v: bool,
}

/// Formatted output, or the name of a feature mtvt does not reproduce.
pub(crate) type FmtResult = Result<Vec<u8>, String>;

#[derive(Default)]
pub(super) struct Printer {
    pub(super) buf: Vec<u8>,
    pub(super) f: Flags,
    pub(super) unsupported: Option<String>,
}

/// `fmt.Sprint`: spaces between operands when neither is a string.
pub(crate) fn sprint(args: &[GoValue]) -> FmtResult {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, arg) in args.iter().enumerate() {
        let is_string = matches!(arg, GoValue::Str(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(b' ');
        }
        p.print_arg(arg, 'v');
        prev_string = is_string;
    }
    p.finish()
}

/// `fmt.Sprintln`: spaces between all operands and a trailing newline.
pub(crate) fn sprintln(args: &[GoValue]) -> FmtResult {
    let mut p = Printer::default();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(b' ');
        }
        p.print_arg(arg, 'v');
    }
    p.buf.push(b'\n');
    p.finish()
}

/// What a template action prints for a value (`fmt.Fprint` of the indirected value).
pub(crate) fn print_action_value(value: &GoValue) -> FmtResult {
    let mut p = Printer::default();
    match value {
        GoValue::Nil => p.buf.extend_from_slice(b"<no value>"),
        GoValue::Struct(r) => p.print_struct(r, 'v', 1),
        other => p.print_arg(other, 'v'),
    }
    p.finish()
}

/// `fmt.Sprintf`.
pub(crate) fn sprintf(format: &[u8], args: &[GoValue]) -> FmtResult {
    let mut p = Printer::default();
    p.do_printf(format, args);
    p.finish()
}

impl Printer {
    pub(super) fn finish(self) -> FmtResult {
        match self.unsupported {
            Some(what) => Err(what),
            None => Ok(self.buf),
        }
    }

    pub(super) fn unsupported(&mut self, what: &str) {
        if self.unsupported.is_none() {
            self.unsupported = Some(what.to_string());
        }
    }

    pub(super) fn write_padding(&mut self, n: usize) {
        let pad = if self.f.zero && !self.f.minus {
            b'0'
        } else {
            b' '
        };
        self.buf.extend(std::iter::repeat_n(pad, n));
    }

    pub(super) fn pad(&mut self, b: &[u8]) {
        if !self.f.wid_present || self.f.wid == 0 {
            self.buf.extend_from_slice(b);
            return;
        }
        let width = self.f.wid.saturating_sub(rune_count(b));
        if self.f.minus {
            self.buf.extend_from_slice(b);
            self.write_padding(width);
        } else {
            self.write_padding(width);
            self.buf.extend_from_slice(b);
        }
    }

    pub(super) fn bad_verb(&mut self, verb: char, arg: &GoValue) {
        self.buf.extend_from_slice(b"%!");
        push_char(&mut self.buf, verb);
        self.buf.push(b'(');
        match arg.type_name() {
            Some(t) => {
                self.buf.extend_from_slice(t.as_bytes());
                self.buf.push(b'=');
                self.print_arg(arg, 'v');
            }
            None => self.buf.extend_from_slice(b"<nil>"),
        }
        self.buf.push(b')');
    }

    pub(super) fn print_arg(&mut self, arg: &GoValue, verb: char) {
        if let GoValue::Nil = arg {
            match verb {
                'T' | 'v' => self.pad(b"<nil>"),
                _ => self.bad_verb(verb, arg),
            }
            return;
        }
        match verb {
            'T' => {
                let t = arg.type_name().unwrap_or_default();
                self.fmt_s(t.as_bytes());
                return;
            }
            'p' => {
                if matches!(arg, GoValue::Struct(r) if r.pointer) {
                    self.unsupported("%p (pointer addresses)");
                } else {
                    self.bad_verb(verb, arg);
                }
                return;
            }
            _ => {}
        }
        match arg {
            GoValue::Nil => {}
            GoValue::Bool(b) => match verb {
                't' | 'v' => self.pad(if *b { b"true" } else { b"false" }),
                _ => self.bad_verb(verb, arg),
            },
            GoValue::Int(i) | GoValue::Int64(i) => {
                self.fmt_integer_verb(u64::from_ne_bytes(i.to_ne_bytes()), true, verb, arg)
            }
            GoValue::Uint8(u) => self.fmt_integer_verb(u64::from(*u), false, verb, arg),
            GoValue::Float(v) => self.fmt_float_verb(*v, verb, arg),
            GoValue::Str(s) => self.fmt_string_verb(s, verb, arg),
            GoValue::Struct(r) => {
                if r.pointer {
                    self.buf.push(b'&');
                }
                self.print_struct(r, verb, 1);
            }
        }
    }

    pub(super) fn print_struct(&mut self, record: &Record, verb: char, _depth: usize) {
        if self.f.sharp_v {
            self.buf.extend_from_slice(record.type_name.as_bytes());
        }
        self.buf.push(b'{');
        for (i, (name, value)) in record.fields.iter().enumerate() {
            if i > 0 {
                if self.f.sharp_v {
                    self.buf.extend_from_slice(b", ");
                } else {
                    self.buf.push(b' ');
                }
            }
            if self.f.plus_v || self.f.sharp_v {
                self.buf.extend_from_slice(name.as_bytes());
                self.buf.push(b':');
            }
            match value {
                GoValue::Struct(_) => self.unsupported("nested structs"),
                other => self.print_arg(other, verb),
            }
        }
        self.buf.push(b'}');
    }
}
