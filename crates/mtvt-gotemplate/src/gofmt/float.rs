//! `strconv.FormatFloat` for `b e E f g G`: shortest and fixed-precision decimal
//! digits (from the standard library's correctly rounded formatting), then Go's
//! `fmtE`/`fmtF`/`%g` layout rules.
//!
//! Exists so `%v` of `3.0` is `3`, of `1e6` is `1e+06`, exactly as Go prints them.

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
pub(super) fn format_float(v: f64, fmt: u8, prec: i64) -> Vec<u8> {
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
