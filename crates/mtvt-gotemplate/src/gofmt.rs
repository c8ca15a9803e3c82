//! Go's `fmt` printing of template values: `Sprint`, `Sprintln`, `Sprintf` and the
//! `Fprint` a template action uses, plus `strconv.Quote`.
//!
//! Exists because `printf "%03d"`, `print` spacing and float output (`3`, `3.75`,
//! `1e+06`) must be byte-identical to the controller. Must not evaluate templates;
//! it formats values it is given. Verbs mtvt cannot reproduce exactly (`%p`, `%x` on
//! floats, `#` on floats) are reported as unsupported instead of guessed.

use crate::value::{GoValue, Record, go_runes, is_go_print, push_char, rune_count};

const LDIGITS: &[u8] = b"0123456789abcdefx";
const UDIGITS: &[u8] = b"0123456789ABCDEFX";
/// fmt's `tooLarge` bound for widths and precisions.
const MAX_WIDTH: usize = 1_000_000;

#[derive(Debug, Default, Clone, Copy)]
struct Flags {
    wid: usize,
    prec: usize,
    wid_present: bool,
    prec_present: bool,
    minus: bool,
    plus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
}

/// Formatted output, or the name of a feature mtvt does not reproduce.
pub(crate) type FmtResult = Result<Vec<u8>, String>;

#[derive(Default)]
struct Printer {
    buf: Vec<u8>,
    f: Flags,
    unsupported: Option<String>,
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
    fn finish(self) -> FmtResult {
        match self.unsupported {
            Some(what) => Err(what),
            None => Ok(self.buf),
        }
    }

    fn unsupported(&mut self, what: &str) {
        if self.unsupported.is_none() {
            self.unsupported = Some(what.to_string());
        }
    }

    fn do_printf(&mut self, format: &[u8], args: &[GoValue]) {
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

    fn bad_arg(&mut self, verb: char, what: &str) {
        self.buf.extend_from_slice(b"%!");
        push_char(&mut self.buf, verb);
        self.buf.push(b'(');
        self.buf.extend_from_slice(what.as_bytes());
        self.buf.push(b')');
    }

    /// `argNumber`: an explicit `[n]` argument index.
    fn arg_number(
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

    fn write_padding(&mut self, n: usize) {
        let pad = if self.f.zero && !self.f.minus {
            b'0'
        } else {
            b' '
        };
        self.buf.extend(std::iter::repeat_n(pad, n));
    }

    fn pad(&mut self, b: &[u8]) {
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

    fn bad_verb(&mut self, verb: char, arg: &GoValue) {
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

    fn print_arg(&mut self, arg: &GoValue, verb: char) {
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

    fn print_struct(&mut self, record: &Record, verb: char, _depth: usize) {
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

    fn fmt_integer_verb(&mut self, u: u64, signed: bool, verb: char, arg: &GoValue) {
        match verb {
            'v' => {
                if self.f.sharp_v && !signed {
                    self.f.sharp = true;
                    self.fmt_integer(u, 16, signed, verb, LDIGITS);
                } else {
                    self.fmt_integer(u, 10, signed, verb, LDIGITS);
                }
            }
            'd' => self.fmt_integer(u, 10, signed, verb, LDIGITS),
            'b' => self.fmt_integer(u, 2, signed, verb, LDIGITS),
            'o' | 'O' => self.fmt_integer(u, 8, signed, verb, LDIGITS),
            'x' => self.fmt_integer(u, 16, signed, verb, LDIGITS),
            'X' => self.fmt_integer(u, 16, signed, verb, UDIGITS),
            'c' => {
                let c = rune_of(u);
                let mut b = Vec::new();
                push_char(&mut b, c);
                self.pad(&b);
            }
            'q' => {
                let q = quote_rune(rune_of(u), self.f.plus);
                self.pad(q.as_bytes());
            }
            'U' => self.fmt_unicode(u),
            _ => self.bad_verb(verb, arg),
        }
    }

    fn fmt_integer(&mut self, u: u64, base: u64, signed: bool, verb: char, digits: &[u8]) {
        let negative = signed && (u >> 63) == 1;
        let mut u = if negative { u.wrapping_neg() } else { u };
        let mut prec: i64 = 0;
        if self.f.prec_present {
            prec = i64::try_from(self.f.prec).unwrap_or(i64::MAX);
            if prec == 0 && u == 0 {
                let old = self.f.zero;
                self.f.zero = false;
                self.write_padding(self.f.wid);
                self.f.zero = old;
                return;
            }
        } else if self.f.zero && !self.f.minus && self.f.wid_present {
            prec = i64::try_from(self.f.wid).unwrap_or(i64::MAX);
            if negative || self.f.plus || self.f.space {
                prec -= 1;
            }
        }
        let mut rev: Vec<u8> = Vec::new();
        loop {
            let d = usize::try_from(u % base).unwrap_or(0);
            rev.push(*digits.get(d).unwrap_or(&b'?'));
            u /= base;
            if u == 0 {
                break;
            }
        }
        while i64::try_from(rev.len()).unwrap_or(i64::MAX) < prec {
            rev.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => rev.extend_from_slice(b"b0"),
                8 if rev.last() != Some(&b'0') => rev.push(b'0'),
                16 => {
                    rev.push(*digits.get(16).unwrap_or(&b'x'));
                    rev.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            rev.extend_from_slice(b"o0");
        }
        if negative {
            rev.push(b'-');
        } else if self.f.plus {
            rev.push(b'+');
        } else if self.f.space {
            rev.push(b' ');
        }
        rev.reverse();
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(&rev);
        self.f.zero = old;
    }

    fn fmt_unicode(&mut self, u: u64) {
        let mut prec = 4usize;
        if self.f.prec_present && self.f.prec > 4 {
            prec = self.f.prec;
        }
        let hex = format!("{u:X}");
        let mut out = b"U+".to_vec();
        out.extend(std::iter::repeat_n(b'0', prec.saturating_sub(hex.len())));
        out.extend_from_slice(hex.as_bytes());
        if self.f.sharp
            && let Some(c) = u32::try_from(u).ok().and_then(char::from_u32)
            && is_go_print(c)
        {
            out.extend_from_slice(b" '");
            push_char(&mut out, c);
            out.push(b'\'');
        }
        let old = self.f.zero;
        self.f.zero = false;
        self.pad(&out);
        self.f.zero = old;
    }

    fn truncate<'a>(&self, s: &'a [u8]) -> &'a [u8] {
        if self.f.prec_present {
            let mut n = self.f.prec;
            let mut offset = 0;
            for r in go_runes(s) {
                if n == 0 {
                    return s.get(..offset).unwrap_or(s);
                }
                n -= 1;
                offset += r.width;
            }
        }
        s
    }

    fn fmt_s(&mut self, s: &[u8]) {
        let s = self.truncate(s);
        self.pad(s);
    }

    fn fmt_q(&mut self, s: &[u8]) {
        let s = self.truncate(s).to_vec();
        let quoted = if self.f.sharp && can_backquote(&s) {
            let mut q = b"`".to_vec();
            q.extend_from_slice(&s);
            q.push(b'`');
            q
        } else {
            quote_bytes(&s, self.f.plus).into_bytes()
        };
        self.pad(&quoted);
    }

    fn fmt_sx(&mut self, s: &[u8], digits: &[u8]) {
        let mut length = s.len();
        if self.f.prec_present && self.f.prec < length {
            length = self.f.prec;
        }
        let mut width = 2 * length;
        if width > 0 {
            if self.f.space {
                if self.f.sharp {
                    width *= 2;
                }
                width += length - 1;
            } else if self.f.sharp {
                width += 2;
            }
        } else {
            if self.f.wid_present {
                self.write_padding(self.f.wid);
            }
            return;
        }
        if self.f.wid_present && self.f.wid > width && !self.f.minus {
            self.write_padding(self.f.wid - width);
        }
        let x = *digits.get(16).unwrap_or(&b'x');
        if self.f.sharp {
            self.buf.extend_from_slice(&[b'0', x]);
        }
        for (i, &c) in s.iter().take(length).enumerate() {
            if self.f.space && i > 0 {
                self.buf.push(b' ');
                if self.f.sharp {
                    self.buf.extend_from_slice(&[b'0', x]);
                }
            }
            let hi = *digits.get(usize::from(c >> 4)).unwrap_or(&b'0');
            let lo = *digits.get(usize::from(c & 0xF)).unwrap_or(&b'0');
            self.buf.extend_from_slice(&[hi, lo]);
        }
        if self.f.wid_present && self.f.wid > width && self.f.minus {
            self.write_padding(self.f.wid - width);
        }
    }

    fn fmt_string_verb(&mut self, s: &[u8], verb: char, arg: &GoValue) {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s),
            'v' | 's' => self.fmt_s(s),
            'x' => self.fmt_sx(s, LDIGITS),
            'X' => self.fmt_sx(s, UDIGITS),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, arg),
        }
    }

    fn fmt_float_verb(&mut self, v: f64, verb: char, arg: &GoValue) {
        match verb {
            'v' => self.fmt_float(v, b'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(v, verb as u8, -1),
            'f' | 'e' | 'E' | 'F' => self.fmt_float(v, verb as u8, 6),
            _ => self.bad_verb(verb, arg),
        }
    }

    fn fmt_float(&mut self, v: f64, verb: u8, default_prec: i64) {
        let prec = if self.f.prec_present {
            i64::try_from(self.f.prec).unwrap_or(i64::MAX)
        } else {
            default_prec
        };
        if matches!(verb, b'x' | b'X') {
            self.unsupported("%x on floating-point values");
            return;
        }
        if self.f.sharp && verb != b'b' {
            self.unsupported("the # flag on floating-point values");
            return;
        }
        let verb = if verb == b'F' { b'f' } else { verb };
        let formatted = format_float(v, verb, prec);
        let mut num: Vec<u8> = Vec::with_capacity(formatted.len() + 1);
        if !matches!(formatted.first(), Some(b'-' | b'+')) {
            num.push(b'+');
        }
        num.extend_from_slice(&formatted);
        if self.f.space
            && num.first() == Some(&b'+')
            && !self.f.plus
            && let Some(first) = num.first_mut()
        {
            *first = b' ';
        }
        if matches!(num.get(1), Some(b'I' | b'N')) {
            let old = self.f.zero;
            self.f.zero = false;
            if num.get(1) == Some(&b'N') && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad(&num);
            self.f.zero = old;
            return;
        }
        if self.f.plus || num.first() != Some(&b'+') {
            if self.f.zero && !self.f.minus && self.f.wid_present && self.f.wid > num.len() {
                self.buf.push(*num.first().unwrap_or(&b'+'));
                self.write_padding(self.f.wid - num.len());
                self.buf.extend_from_slice(num.get(1..).unwrap_or_default());
                return;
            }
            self.pad(&num);
            return;
        }
        self.pad(num.get(1..).unwrap_or_default());
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

fn rune_of(u: u64) -> char {
    u32::try_from(u)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// `strconv.CanBackquote`.
fn can_backquote(s: &[u8]) -> bool {
    for r in go_runes(s) {
        if r.width > 1 {
            if r.ch == '\u{feff}' {
                return false;
            }
            continue;
        }
        if r.invalid {
            return false;
        }
        let c = r.ch;
        if (c < ' ' && c != '\t') || c == '`' || c == '\u{7f}' {
            return false;
        }
    }
    true
}

fn append_escaped_rune(out: &mut String, r: char, quote: char, ascii_only: bool) {
    if r == quote || r == '\\' {
        out.push('\\');
        out.push(r);
        return;
    }
    if ascii_only {
        if r.is_ascii() && is_go_print(r) {
            out.push(r);
            return;
        }
    } else if is_go_print(r) {
        out.push(r);
        return;
    }
    match r {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if c < ' ' || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", u32::from(c))),
        c if u32::from(c) < 0x10000 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
        c => out.push_str(&format!("\\U{:08x}", u32::from(c))),
    }
}

/// `strconv.Quote` (or `QuoteToASCII` when `ascii_only`) of a Go string.
pub(crate) fn quote_bytes(s: &[u8], ascii_only: bool) -> String {
    let mut out = String::from("\"");
    let mut offset = 0;
    for r in go_runes(s) {
        if r.invalid {
            let byte = s.get(offset).copied().unwrap_or(0);
            out.push_str(&format!("\\x{byte:02x}"));
        } else {
            append_escaped_rune(&mut out, r.ch, '"', ascii_only);
        }
        offset += r.width;
    }
    out.push('"');
    out
}

/// `strconv.Quote` of a Rust string (for messages).
pub(crate) fn quote_str(s: &str) -> String {
    quote_bytes(s.as_bytes(), false)
}

/// `strconv.QuoteRune` / `QuoteRuneToASCII`.
fn quote_rune(r: char, ascii_only: bool) -> String {
    let mut out = String::from("'");
    append_escaped_rune(&mut out, r, '\'', ascii_only);
    out.push('\'');
    out
}

/// `fmt`'s `%#U`-style `U+0023 '#'` rendering of a rune (`%#U` in lexer errors).
pub(crate) fn unicode_name(c: char) -> String {
    if is_go_print(c) {
        format!("U+{:04X} '{c}'", u32::from(c))
    } else {
        format!("U+{:04X}", u32::from(c))
    }
}

/// Decimal digits of a float (`d`, no trailing zeros) and the decimal point position.
struct Digits {
    d: Vec<u8>,
    dp: i64,
}

/// Parses Rust's `{:e}` output (`"3.75e0"`) into digits and decimal point.
fn digits_from_exp(s: &str) -> Digits {
    let (mantissa, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let mut d: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    while d.last() == Some(&b'0') {
        d.pop();
    }
    if d.is_empty() {
        return Digits { d, dp: 0 };
    }
    Digits { d, dp: exp + 1 }
}

fn shortest_digits(v: f64) -> Digits {
    if v == 0.0 {
        return Digits {
            d: Vec::new(),
            dp: 0,
        };
    }
    digits_from_exp(&format!("{v:e}"))
}

fn rounded_digits(v: f64, significant: usize) -> Digits {
    if v == 0.0 {
        return Digits {
            d: Vec::new(),
            dp: 0,
        };
    }
    digits_from_exp(&format!("{:.*e}", significant.saturating_sub(1), v))
}

/// strconv `fmtE`.
fn fmt_e(out: &mut Vec<u8>, digs: &Digits, prec: i64, fmt: u8) {
    let nd = digs.d.len();
    out.push(*digs.d.first().unwrap_or(&b'0'));
    if prec > 0 {
        out.push(b'.');
        let prec = usize::try_from(prec).unwrap_or(0);
        let mut i = 1;
        let m = nd.min(prec + 1);
        if i < m {
            out.extend_from_slice(digs.d.get(i..m).unwrap_or_default());
            i = m;
        }
        while i <= prec {
            out.push(b'0');
            i += 1;
        }
    }
    out.push(fmt);
    let mut exp = digs.dp - 1;
    if nd == 0 {
        exp = 0;
    }
    if exp < 0 {
        out.push(b'-');
        exp = -exp;
    } else {
        out.push(b'+');
    }
    if exp < 10 {
        out.push(b'0');
    }
    out.extend_from_slice(exp.to_string().as_bytes());
}

/// strconv `fmtF`.
fn fmt_f(out: &mut Vec<u8>, digs: &Digits, prec: i64) {
    let nd = i64::try_from(digs.d.len()).unwrap_or(0);
    if digs.dp > 0 {
        let m = nd.min(digs.dp);
        out.extend_from_slice(
            digs.d
                .get(..usize::try_from(m).unwrap_or(0))
                .unwrap_or_default(),
        );
        for _ in m..digs.dp {
            out.push(b'0');
        }
    } else {
        out.push(b'0');
    }
    if prec > 0 {
        out.push(b'.');
        for i in 1..=prec {
            let j = digs.dp + i - 1;
            let ch = if (0..nd).contains(&j) {
                *digs.d.get(usize::try_from(j).unwrap_or(0)).unwrap_or(&b'0')
            } else {
                b'0'
            };
            out.push(ch);
        }
    }
}

/// `strconv.FormatFloat(v, fmt, prec, 64)` for `b e E f g G`.
fn format_float(v: f64, fmt: u8, prec: i64) -> Vec<u8> {
    if v.is_nan() {
        return b"NaN".to_vec();
    }
    if v.is_infinite() {
        return if v > 0.0 {
            b"+Inf".to_vec()
        } else {
            b"-Inf".to_vec()
        };
    }
    let neg = v.is_sign_negative();
    let a = v.abs();
    let mut out = Vec::new();
    if neg {
        out.push(b'-');
    }
    match fmt {
        b'b' => {
            let bits = a.to_bits();
            let mut exp = i64::try_from((bits >> 52) & 0x7ff).unwrap_or(0);
            let mut mant = bits & ((1u64 << 52) - 1);
            if exp == 0 {
                exp += 1;
            } else {
                mant |= 1u64 << 52;
            }
            exp += -1023 - 52;
            out.extend_from_slice(mant.to_string().as_bytes());
            out.push(b'p');
            if exp >= 0 {
                out.push(b'+');
            }
            out.extend_from_slice(exp.to_string().as_bytes());
        }
        b'e' | b'E' => {
            let (digs, p) = if prec < 0 {
                let d = shortest_digits(a);
                let p = i64::try_from(d.d.len())
                    .unwrap_or(1)
                    .saturating_sub(1)
                    .max(0);
                (d, p)
            } else {
                (
                    rounded_digits(a, usize::try_from(prec).unwrap_or(0) + 1),
                    prec,
                )
            };
            fmt_e(&mut out, &digs, p, fmt);
        }
        b'f' => {
            if prec < 0 {
                let d = shortest_digits(a);
                let p = (i64::try_from(d.d.len()).unwrap_or(0) - d.dp).max(0);
                fmt_f(&mut out, &d, p);
            } else {
                let p = usize::try_from(prec).unwrap_or(0);
                out.extend_from_slice(format!("{a:.p$}").as_bytes());
            }
        }
        _ => {
            // 'g' / 'G'
            let shortest = prec < 0;
            let (digs, mut p) = if shortest {
                let d = shortest_digits(a);
                let p = i64::try_from(d.d.len()).unwrap_or(0);
                (d, p)
            } else {
                let p = prec.max(1);
                (rounded_digits(a, usize::try_from(p).unwrap_or(1)), p)
            };
            let nd = i64::try_from(digs.d.len()).unwrap_or(0);
            let mut eprec = p;
            if eprec > nd && nd >= digs.dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = digs.dp - 1;
            if exp < -4 || exp >= eprec {
                if p > nd {
                    p = nd;
                }
                let e = if fmt == b'G' { b'E' } else { b'e' };
                fmt_e(&mut out, &digs, p - 1, e);
            } else {
                if p > digs.dp {
                    p = nd;
                }
                fmt_f(&mut out, &digs, (p - digs.dp).max(0));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> GoValue {
        GoValue::str(v)
    }

    fn f(format: &str, args: &[GoValue]) -> String {
        String::from_utf8(sprintf(format.as_bytes(), args).unwrap()).unwrap()
    }

    #[test]
    fn integers() {
        assert_eq!(f("%03d", &[GoValue::Int(7)]), "007");
        assert_eq!(f("%03d", &[GoValue::Int(-7)]), "-07");
        assert_eq!(
            f("%5d|%-5d|", &[GoValue::Int(42), GoValue::Int(42)]),
            "   42|42   |"
        );
        assert_eq!(
            f(
                "%x %X %o %b %#x %#o",
                &[
                    GoValue::Int(255),
                    GoValue::Int(255),
                    GoValue::Int(8),
                    GoValue::Int(5),
                    GoValue::Int(255),
                    GoValue::Int(8)
                ]
            ),
            "ff FF 10 101 0xff 010"
        );
        assert_eq!(f("%+d % d", &[GoValue::Int(3), GoValue::Int(3)]), "+3  3");
        assert_eq!(f("%.3d|%.0d", &[GoValue::Int(5), GoValue::Int(0)]), "005|");
        assert_eq!(
            f(
                "%c%q%U",
                &[GoValue::Int(65), GoValue::Int(97), GoValue::Int(0x1F600)]
            ),
            "A'a'U+1F600"
        );
        assert_eq!(f("%d", &[GoValue::Int64(i64::MIN)]), "-9223372036854775808");
        assert_eq!(f("%v", &[GoValue::Uint8(200)]), "200");
    }

    #[test]
    fn strings() {
        assert_eq!(f("%s-%v", &[s("a"), s("b")]), "a-b");
        assert_eq!(f("%q", &[s("a\"b\n")]), "\"a\\\"b\\n\"");
        assert_eq!(
            f("%5s|%-5s|%.2s", &[s("ab"), s("ab"), s("abc")]),
            "   ab|ab   |ab"
        );
        assert_eq!(f("%05s", &[s("ab")]), "000ab");
        assert_eq!(f("%x % X", &[s("hi"), s("hi")]), "6869 68 69");
        assert_eq!(f("%#q", &[s("a b")]), "`a b`");
    }

    #[test]
    fn floats() {
        assert_eq!(
            f(
                "%v %v %v %v",
                &[
                    GoValue::Float(3.0),
                    GoValue::Float(3.75),
                    GoValue::Float(1e6),
                    GoValue::Float(123456.0)
                ]
            ),
            "3 3.75 1e+06 123456"
        );
        assert_eq!(
            f("%v %v", &[GoValue::Float(0.0001), GoValue::Float(0.00001)]),
            "0.0001 1e-05"
        );
        assert_eq!(
            f(
                "%f %.2f %e %.3g %g",
                &[
                    GoValue::Float(3.14259),
                    GoValue::Float(2.675),
                    GoValue::Float(1234.5),
                    GoValue::Float(9.999),
                    GoValue::Float(100000.0)
                ]
            ),
            "3.142590 2.67 1.234500e+03 10 100000"
        );
        assert_eq!(
            f(
                "%08.3f|%+.1f",
                &[GoValue::Float(-3.14259), GoValue::Float(2.0)]
            ),
            "-003.143|+2.0"
        );
        assert_eq!(
            f(
                "%v %v",
                &[GoValue::Float(f64::INFINITY), GoValue::Float(f64::NAN)]
            ),
            "+Inf NaN"
        );
        assert_eq!(
            f("%v %b", &[GoValue::Float(-0.0), GoValue::Float(1.0)]),
            "-0 4503599627370496p-52"
        );
        assert_eq!(f("%v", &[GoValue::Float(1234567.0)]), "1.234567e+06");
        assert!(sprintf(b"%x", &[GoValue::Float(1.0)]).is_err());
    }

    #[test]
    fn errors_and_extras() {
        assert_eq!(f("%d", &[s("hi")]), "%!d(string=hi)");
        assert_eq!(f("hi%d", &[]), "hi%!d(MISSING)");
        assert_eq!(f("hi", &[s("guys")]), "hi%!(EXTRA string=guys)");
        assert_eq!(f("%*s", &[GoValue::Float(4.5), s("hi")]), "%!(BADWIDTH)hi");
        assert_eq!(f("%.*s", &[GoValue::Float(4.5), s("hi")]), "%!(BADPREC)hi");
        assert_eq!(f("%!", &[]), "%!!(MISSING)");
        assert_eq!(f("%", &[]), "%!(NOVERB)");
        assert_eq!(f("%d %%", &[GoValue::Int(1)]), "1 %");
        assert_eq!(
            f("%[2]d %[1]d", &[GoValue::Int(11), GoValue::Int(22)]),
            "22 11"
        );
        assert_eq!(f("%[3]d", &[GoValue::Int(1)]), "%!d(BADINDEX)");
        assert_eq!(f("%d", &[GoValue::Nil]), "%!d(<nil>)");
        assert_eq!(
            f("%v %t", &[GoValue::Nil, GoValue::Bool(true)]),
            "<nil> true"
        );
        assert_eq!(f("%z", &[GoValue::Int(1)]), "%!z(int=1)");
    }

    #[test]
    fn sprint_spacing() {
        let out = sprint(&[
            s("a"),
            GoValue::Int(1),
            GoValue::Int(2),
            s("b"),
            GoValue::Bool(true),
        ])
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a1 2btrue");
        let out = sprintln(&[s("a"), GoValue::Int(1)]).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "a 1\n");
    }

    #[test]
    fn structs() {
        let record = std::rc::Rc::new(Record {
            type_name: "v1beta1.X".into(),
            pointer: true,
            fields: vec![("A".into(), s("a")), ("B".into(), GoValue::Int(1))],
        });
        let v = GoValue::Struct(record);
        assert_eq!(f("%v", std::slice::from_ref(&v)), "&{a 1}");
        assert_eq!(f("%+v", std::slice::from_ref(&v)), "&{A:a B:1}");
        assert_eq!(f("%d", std::slice::from_ref(&v)), "&{%!d(string=a) 1}");
        assert_eq!(
            String::from_utf8(print_action_value(&v).unwrap()).unwrap(),
            "{a 1}"
        );
        assert_eq!(f("%T", std::slice::from_ref(&v)), "*v1beta1.X");
    }

    #[test]
    fn quoting() {
        assert_eq!(quote_bytes(&[b'a', 0xff], false), "\"a\\xff\"");
        assert_eq!(quote_bytes("é\u{7}".as_bytes(), true), "\"\\u00e9\\a\"");
        assert_eq!(unicode_name('#'), "U+0023 '#'");
        assert_eq!(unicode_name('\u{7}'), "U+0007");
    }
}
