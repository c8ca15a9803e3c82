//! `fmt.Sprintf`'s format-string walk: flags, width, precision, `*`, explicit
//! argument indexes `[n]`, and the `%!verb(MISSING)` / `%!(EXTRA …)` /
//! `%!(BADWIDTH)` / `%!(NOVERB)` error forms.
//!
//! Exists to keep the format grammar apart from how each value type is printed.

use super::{Flags, Printer};
use crate::value::{GoValue, go_runes, push_char};

/// fmt's `tooLarge` bound for widths and precisions.
const MAX_WIDTH: usize = 1_000_000;

impl Printer {
    pub(super) fn do_printf(&mut self, format: &[u8], args: &[GoValue]) {
        let end = format.len();
        let mut arg_num = 0usize;
        let mut after_index;
        let mut reordered = false;
        let mut i = 0usize;
        while i < end {
            let mut good_arg_num = true;
            let last = i;
            while i < end && format.get(i) != Some(&b'%') {
                i += 1;
            }
            if i > last {
                self.buf
                    .extend_from_slice(format.get(last..i).unwrap_or_default());
            }
            if i >= end {
                break;
            }
            i += 1; // the '%'
            self.f = Flags::default();
            let mut fast = false;
            while let Some(&c) = format.get(i) {
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
                        if c.is_ascii_lowercase() && arg_num < args.len() {
                            if c == b'v' {
                                self.f.sharp_v = self.f.sharp;
                                self.f.sharp = false;
                                self.f.plus_v = self.f.plus;
                                self.f.plus = false;
                            }
                            if let Some(arg) = args.get(arg_num) {
                                self.print_arg(arg, char::from(c));
                            }
                            arg_num += 1;
                            i += 1;
                            fast = true;
                        }
                        break;
                    }
                }
                i += 1;
            }
            if fast {
                continue;
            }

            (arg_num, i, after_index) = self.arg_number(
                arg_num,
                format,
                i,
                args.len(),
                &mut good_arg_num,
                &mut reordered,
            );

            if format.get(i) == Some(&b'*') {
                i += 1;
                let (num, ok, next) = int_from_arg(args, arg_num);
                arg_num = next;
                self.f.wid_present = ok;
                if !ok {
                    self.buf.extend_from_slice(b"%!(BADWIDTH)");
                }
                if num < 0 {
                    self.f.minus = true;
                    self.f.zero = false;
                }
                self.f.wid = usize::try_from(num.unsigned_abs()).unwrap_or(0);
                after_index = false;
            } else {
                let (num, ok, next) = parse_num(format, i, end);
                self.f.wid = num;
                self.f.wid_present = ok;
                i = next;
                if after_index && ok {
                    good_arg_num = false;
                }
            }

            if i + 1 < end && format.get(i) == Some(&b'.') {
                i += 1;
                if after_index {
                    good_arg_num = false;
                }
                (arg_num, i, after_index) = self.arg_number(
                    arg_num,
                    format,
                    i,
                    args.len(),
                    &mut good_arg_num,
                    &mut reordered,
                );
                if format.get(i) == Some(&b'*') {
                    i += 1;
                    let (num, ok, next) = int_from_arg(args, arg_num);
                    arg_num = next;
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
                    after_index = false;
                } else {
                    let (num, ok, next) = parse_num(format, i, end);
                    i = next;
                    self.f.prec = if ok { num } else { 0 };
                    self.f.prec_present = true;
                }
            }

            if !after_index {
                (arg_num, i, _) = self.arg_number(
                    arg_num,
                    format,
                    i,
                    args.len(),
                    &mut good_arg_num,
                    &mut reordered,
                );
            }

            if i >= end {
                self.buf.extend_from_slice(b"%!(NOVERB)");
                break;
            }
            let rest = format.get(i..).unwrap_or_default();
            let runes = go_runes(rest.get(..rest.len().min(4)).unwrap_or_default());
            let (verb, size) = match runes.first() {
                Some(r) if r.invalid => (char::REPLACEMENT_CHARACTER, 1),
                Some(r) => (r.ch, r.width),
                None => break,
            };
            i += size;
            if verb == '%' {
                self.buf.push(b'%');
            } else if !good_arg_num {
                self.bad_arg(verb, "BADINDEX");
            } else if arg_num >= args.len() {
                self.bad_arg(verb, "MISSING");
            } else {
                if verb == 'v' {
                    self.f.sharp_v = self.f.sharp;
                    self.f.sharp = false;
                    self.f.plus_v = self.f.plus;
                    self.f.plus = false;
                }
                if let Some(arg) = args.get(arg_num) {
                    self.print_arg(arg, verb);
                }
                arg_num += 1;
            }
        }

        if !reordered && arg_num < args.len() {
            self.f = Flags::default();
            self.buf.extend_from_slice(b"%!(EXTRA ");
            for (k, arg) in args.iter().skip(arg_num).enumerate() {
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
