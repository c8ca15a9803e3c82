//! `fmt.Sprintf`'s format-string walk: flags, width, precision, `*`, explicit
//! argument indexes `[n]`, and the `%!verb(MISSING)` / `%!(EXTRA …)` /
//! `%!(BADWIDTH)` / `%!(NOVERB)` error forms.
//!
//! Exists to keep the format grammar apart from how each value type is printed.

use super::{Flags, Printer};
use crate::value::{GoValue, go_runes, push_char};

/// fmt's `tooLarge` bound for widths and precisions.
const MAX_WIDTH: usize = 1_000_000;

/// Where the walk of one format string is: byte offset, next argument, and the
/// `argNumber` bookkeeping fmt keeps across one directive.
struct Walk<'a> {
    format: &'a [u8],
    args: &'a [GoValue],
    i: usize,
    arg_num: usize,
    after_index: bool,
    good_arg_num: bool,
    reordered: bool,
}

impl Walk<'_> {
    fn at(&self, b: u8) -> bool {
        self.format.get(self.i) == Some(&b)
    }
}

impl Printer {
    pub(super) fn do_printf(&mut self, format: &[u8], args: &[GoValue]) {
        let mut w = Walk {
            format,
            args,
            i: 0,
            arg_num: 0,
            after_index: false,
            good_arg_num: true,
            reordered: false,
        };
        let end = format.len();
        while w.i < end {
            w.good_arg_num = true;
            let last = w.i;
            while w.i < end && !w.at(b'%') {
                w.i += 1;
            }
            if w.i > last {
                self.buf
                    .extend_from_slice(format.get(last..w.i).unwrap_or_default());
            }
            if w.i >= end {
                break;
            }
            w.i += 1; // the '%'
            self.f = Flags::default();
            if self.flags_or_fast_verb(&mut w) {
                continue;
            }
            self.index(&mut w);
            self.width(&mut w);
            self.precision(&mut w);
            if !w.after_index {
                self.index(&mut w);
            }
            if w.i >= end {
                self.buf.extend_from_slice(b"%!(NOVERB)");
                break;
            }
            if !self.verb(&mut w) {
                break;
            }
        }
        if !w.reordered && w.arg_num < args.len() {
            self.extra(args, w.arg_num);
        }
    }

    /// The flags after `%`; true when a plain lower-case verb followed them and was
    /// printed at once (fmt's fast path).
    fn flags_or_fast_verb(&mut self, w: &mut Walk<'_>) -> bool {
        while let Some(&c) = w.format.get(w.i) {
            match c {
                b'#' => self.f.sharp = true,
                b'0' => self.f.zero = !self.f.minus,
                b'+' => self.f.plus = true,
                b'-' => {
                    self.f.minus = true;
                    self.f.zero = false;
                }
                b' ' => self.f.space = true,
                _ => {
                    if c.is_ascii_lowercase() && w.arg_num < w.args.len() {
                        self.print_next(w, char::from(c));
                        w.i += 1;
                        return true;
                    }
                    return false;
                }
            }
            w.i += 1;
        }
        false
    }

    /// Prints the next argument with `verb` (moving `#`/`+` to `%#v`/`%+v`).
    fn print_next(&mut self, w: &mut Walk<'_>, verb: char) {
        if verb == 'v' {
            self.f.sharp_v = self.f.sharp;
            self.f.sharp = false;
            self.f.plus_v = self.f.plus;
            self.f.plus = false;
        }
        if let Some(arg) = w.args.get(w.arg_num) {
            self.print_arg(arg, verb);
        }
        w.arg_num += 1;
    }

    fn index(&mut self, w: &mut Walk<'_>) {
        (w.arg_num, w.i, w.after_index) = self.arg_number(
            w.arg_num,
            w.format,
            w.i,
            w.args.len(),
            &mut w.good_arg_num,
            &mut w.reordered,
        );
    }

    /// The width: `*` (from an argument) or digits.
    fn width(&mut self, w: &mut Walk<'_>) {
        if w.at(b'*') {
            w.i += 1;
            let (num, ok, next) = int_from_arg(w.args, w.arg_num);
            w.arg_num = next;
            self.f.wid_present = ok;
            if !ok {
                self.buf.extend_from_slice(b"%!(BADWIDTH)");
            }
            if num < 0 {
                self.f.minus = true;
                self.f.zero = false;
            }
            self.f.wid = usize::try_from(num.unsigned_abs()).unwrap_or(0);
            w.after_index = false;
        } else {
            let (num, ok, next) = parse_num(w.format, w.i, w.format.len());
            self.f.wid = num;
            self.f.wid_present = ok;
            w.i = next;
            if w.after_index && ok {
                w.good_arg_num = false;
            }
        }
    }

    /// The precision after `.`: `*` (from an argument) or digits.
    fn precision(&mut self, w: &mut Walk<'_>) {
        if !(w.i + 1 < w.format.len() && w.at(b'.')) {
            return;
        }
        w.i += 1;
        if w.after_index {
            w.good_arg_num = false;
        }
        self.index(w);
        if w.at(b'*') {
            w.i += 1;
            let (num, ok, next) = int_from_arg(w.args, w.arg_num);
            w.arg_num = next;
            if num < 0 {
                self.f.prec = 0;
                self.f.prec_present = false;
            } else {
                self.f.prec = usize::try_from(num).unwrap_or(0);
                self.f.prec_present = ok;
            }
            if !self.f.prec_present {
                self.buf.extend_from_slice(b"%!(BADPREC)");
            }
            w.after_index = false;
        } else {
            let (num, ok, next) = parse_num(w.format, w.i, w.format.len());
            w.i = next;
            self.f.prec = if ok { num } else { 0 };
            self.f.prec_present = true;
        }
    }

    /// The verb (one rune) and its argument; false when no rune is left.
    fn verb(&mut self, w: &mut Walk<'_>) -> bool {
        let rest = w.format.get(w.i..).unwrap_or_default();
        let runes = go_runes(rest.get(..rest.len().min(4)).unwrap_or_default());
        let (verb, size) = match runes.first() {
            Some(r) if r.invalid => (char::REPLACEMENT_CHARACTER, 1),
            Some(r) => (r.ch, r.width),
            None => return false,
        };
        w.i += size;
        if verb == '%' {
            self.buf.push(b'%');
        } else if !w.good_arg_num {
            self.bad_arg(verb, "BADINDEX");
        } else if w.arg_num >= w.args.len() {
            self.bad_arg(verb, "MISSING");
        } else {
            self.print_next(w, verb);
        }
        true
    }

    /// `%!(EXTRA type=value, …)` for arguments no verb used.
    fn extra(&mut self, args: &[GoValue], used: usize) {
        self.f = Flags::default();
        self.buf.extend_from_slice(b"%!(EXTRA ");
        for (k, arg) in args.iter().skip(used).enumerate() {
            if k > 0 {
                self.buf.extend_from_slice(b", ");
            }
            match arg.type_name() {
                None => self.buf.extend_from_slice(b"<nil>"),
                Some(t) => {
                    self.buf.extend_from_slice(t.as_bytes());
                    self.buf.push(b'=');
                    self.print_arg(arg, 'v');
                }
            }
        }
        self.buf.push(b')');
    }

    pub(super) fn bad_arg(&mut self, verb: char, what: &str) {
        self.buf.extend_from_slice(b"%!");
        push_char(&mut self.buf, verb);
        self.buf.push(b'(');
        self.buf.extend_from_slice(what.as_bytes());
        self.buf.push(b')');
    }

    /// `argNumber`: an explicit `[n]` argument index.
    pub(super) fn arg_number(
        &mut self,
        arg_num: usize,
        format: &[u8],
        i: usize,
        num_args: usize,
        good: &mut bool,
        reordered: &mut bool,
    ) -> (usize, usize, bool) {
        if format.get(i) != Some(&b'[') {
            return (arg_num, i, false);
        }
        *reordered = true;
        let sub = format.get(i..).unwrap_or_default();
        let (index, wid, ok) = parse_arg_number(sub);
        if ok && index < num_args {
            return (index, i + wid, true);
        }
        *good = false;
        (arg_num, i + wid, ok)
    }
}

/// `parseArgNumber`: `[n]` → (zero-based index, bytes consumed, ok).
fn parse_arg_number(format: &[u8]) -> (usize, usize, bool) {
    if format.len() < 3 {
        return (0, 1, false);
    }
    for i in 1..format.len() {
        if format.get(i) == Some(&b']') {
            let (width, ok, newi) = parse_num(format, 1, i);
            if !ok || newi != i || width == 0 {
                // Go accepts "[0]" as index -1, which then fails the range check.
                return (usize::MAX, i + 1, ok && newi == i);
            }
            return (width - 1, i + 1, true);
        }
    }
    (0, 1, false)
}

/// `parsenum`: a decimal number between `start` and `end`.
fn parse_num(s: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num = 0usize;
    let mut is_num = false;
    let mut i = start;
    while i < end {
        match s.get(i) {
            Some(&c) if c.is_ascii_digit() => {
                if num > MAX_WIDTH {
                    return (0, false, end);
                }
                num = num * 10 + usize::from(c - b'0');
                is_num = true;
                i += 1;
            }
            _ => break,
        }
    }
    (num, is_num, i)
}

/// `intFromArg`: a width or precision taken from an `int`-kind argument.
fn int_from_arg(args: &[GoValue], arg_num: usize) -> (i64, bool, usize) {
    let Some(arg) = args.get(arg_num) else {
        return (0, false, arg_num);
    };
    let (num, ok) = match arg {
        GoValue::Int(i) | GoValue::Int64(i) => (*i, true),
        GoValue::Uint8(u) => (i64::from(*u), true),
        _ => (0, false),
    };
    let too_large = num.unsigned_abs() > MAX_WIDTH as u64;
    if too_large {
        (0, false, arg_num + 1)
    } else {
        (num, ok, arg_num + 1)
    }
}
