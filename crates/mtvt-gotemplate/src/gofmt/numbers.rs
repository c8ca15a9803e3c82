//! Integer and float verbs (`%d %b %o %O %x %X %c %q %U`, `%e %f %g %b`), with Go's
//! precision, zero padding and sign rules.
//!
//! Exists to keep number formatting in one place. Must not handle strings.

use super::Printer;
use super::float::format_float;
use super::quote::quote_rune;
use crate::value::{GoValue, is_go_print, push_char};

const LDIGITS: &[u8] = b"0123456789abcdefx";
const UDIGITS: &[u8] = b"0123456789ABCDEFX";

impl Printer {
    pub(super) fn fmt_integer_verb(&mut self, u: u64, signed: bool, verb: char, arg: &GoValue) {
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

    pub(super) fn fmt_integer(
        &mut self,
        u: u64,
        base: u64,
        signed: bool,
        verb: char,
        digits: &[u8],
    ) {
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

    pub(super) fn fmt_unicode(&mut self, u: u64) {
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

    pub(super) fn fmt_float_verb(&mut self, v: f64, verb: char, arg: &GoValue) {
        match verb {
            'v' => self.fmt_float(v, b'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(v, verb as u8, -1),
            'f' | 'e' | 'E' | 'F' => self.fmt_float(v, verb as u8, 6),
            _ => self.bad_verb(verb, arg),
        }
    }

    pub(super) fn fmt_float(&mut self, v: f64, verb: u8, default_prec: i64) {
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

fn rune_of(u: u64) -> char {
    u32::try_from(u)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}
