//! String verbs (`%s %q %x %X %v`) with precision truncation in runes and `%x`'s
//! byte-wise hex encoding.
//!
//! Exists to keep string formatting in one place. Must not handle numbers.

use super::Printer;
use super::quote::{can_backquote, quote_bytes};
use crate::value::{GoValue, go_runes};

const LDIGITS: &[u8] = b"0123456789abcdefx";
const UDIGITS: &[u8] = b"0123456789ABCDEFX";

impl Printer {
    pub(super) fn truncate<'a>(&self, s: &'a [u8]) -> &'a [u8] {
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

    pub(super) fn fmt_s(&mut self, s: &[u8]) {
        let s = self.truncate(s);
        self.pad(s);
    }

    pub(super) fn fmt_q(&mut self, s: &[u8]) {
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

    pub(super) fn fmt_sx(&mut self, s: &[u8], digits: &[u8]) {
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

    pub(super) fn fmt_string_verb(&mut self, s: &[u8], verb: char, arg: &GoValue) {
        match verb {
            'v' if self.f.sharp_v => self.fmt_q(s),
            'v' | 's' => self.fmt_s(s),
            'x' => self.fmt_sx(s, LDIGITS),
            'X' => self.fmt_sx(s, UDIGITS),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(verb, arg),
        }
    }
}
