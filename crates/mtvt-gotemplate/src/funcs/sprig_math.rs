//! Sprig's math functions as Forklift registers them: integer arithmetic on `int64`
//! after `cast.ToInt64`, and `floor`/`ceil`/`round` on `float64` after
//! `cast.ToFloat64` (spf13/cast v1.7).
//!
//! Exists to reproduce Go's arithmetic exactly: wrapping overflow, the panic on
//! division by zero, strings cast to numbers (`"08"` is 0, `"5.0"` is 5), and
//! `math.Pow`/`Ldexp` for `round`. Must not format results; printing is `gofmt`'s.

use super::{CallError, CallResult, int_arg};
use crate::literal::{parse_float, parse_int};
use crate::value::GoValue;

/// Go's `int64(f)` on amd64: truncation, and the "integer indefinite" value
/// (minimum int64) for NaN and out-of-range values.
pub(crate) fn go_float_to_i64(f: f64) -> i64 {
    if f.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        return i64::MIN;
    }
    f as i64
}

/// cast's `trimZeroDecimal`: "5.00" → "5", anything else unchanged.
fn trim_zero_decimal(s: &[u8]) -> &[u8] {
    let mut found_zero = false;
    for i in (1..=s.len()).rev() {
        match s.get(i - 1) {
            Some(b'.') if found_zero => return s.get(..i - 1).unwrap_or_default(),
            Some(b'.') => {}
            Some(b'0') => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// `cast.ToInt64` (errors become 0).
pub(crate) fn to_int64(v: &GoValue) -> i64 {
    match v {
        GoValue::Int(i) | GoValue::Int64(i) => *i,
        GoValue::Uint8(u) => i64::from(*u),
        GoValue::Float(f) => go_float_to_i64(*f),
        GoValue::Str(s) => parse_int(trim_zero_decimal(s)).unwrap_or(0),
        GoValue::Bool(b) => i64::from(*b),
        GoValue::Nil | GoValue::Struct(_) => 0,
    }
}

/// `cast.ToFloat64` (errors become 0).
pub(crate) fn to_float64(v: &GoValue) -> f64 {
    match v {
        GoValue::Int(i) | GoValue::Int64(i) => *i as f64,
        GoValue::Uint8(u) => f64::from(*u),
        GoValue::Float(f) => *f,
        GoValue::Str(s) => parse_float(s).unwrap_or(0.0),
        GoValue::Bool(b) => f64::from(u8::from(*b)),
        GoValue::Nil | GoValue::Struct(_) => 0.0,
    }
}

fn divide_by_zero() -> CallError {
    CallError::Go("runtime error: integer divide by zero".into())
}

pub(crate) fn add(a: &[GoValue]) -> CallResult {
    Ok(GoValue::Int64(
        a.iter().map(to_int64).fold(0i64, i64::wrapping_add),
    ))
}

pub(crate) fn add1(a: &[GoValue]) -> CallResult {
    Ok(GoValue::Int64(
        a.first().map_or(0, to_int64).wrapping_add(1),
    ))
}

fn pair(a: &[GoValue]) -> (i64, i64) {
    (a.first().map_or(0, to_int64), a.get(1).map_or(0, to_int64))
}

pub(crate) fn sub(a: &[GoValue]) -> CallResult {
    let (x, y) = pair(a);
    Ok(GoValue::Int64(x.wrapping_sub(y)))
}

pub(crate) fn div(a: &[GoValue]) -> CallResult {
    let (x, y) = pair(a);
    if y == 0 {
        return Err(divide_by_zero());
    }
    Ok(GoValue::Int64(x.wrapping_div(y)))
}

pub(crate) fn modulo(a: &[GoValue]) -> CallResult {
    let (x, y) = pair(a);
    if y == 0 {
        return Err(divide_by_zero());
    }
    Ok(GoValue::Int64(x.wrapping_rem(y)))
}

pub(crate) fn mul(a: &[GoValue]) -> CallResult {
    let first = a.first().map_or(0, to_int64);
    Ok(GoValue::Int64(
        a.iter()
            .skip(1)
            .map(to_int64)
            .fold(first, i64::wrapping_mul),
    ))
}

pub(crate) fn max(a: &[GoValue]) -> CallResult {
    let first = a.first().map_or(0, to_int64);
    Ok(GoValue::Int64(
        a.iter().skip(1).map(to_int64).fold(first, i64::max),
    ))
}

pub(crate) fn min(a: &[GoValue]) -> CallResult {
    let first = a.first().map_or(0, to_int64);
    Ok(GoValue::Int64(
        a.iter().skip(1).map(to_int64).fold(first, i64::min),
    ))
}

pub(crate) fn floor(a: &[GoValue]) -> CallResult {
    Ok(GoValue::Float(a.first().map_or(0.0, to_float64).floor()))
}

pub(crate) fn ceil(a: &[GoValue]) -> CallResult {
    Ok(GoValue::Float(a.first().map_or(0.0, to_float64).ceil()))
}

/// `round value places [roundOn]`: Sprig's half-up rounding at `places` decimals.
pub(crate) fn round(a: &[GoValue]) -> CallResult {
    let round_on = match a.get(2) {
        Some(GoValue::Float(f)) => *f,
        _ => 0.5,
    };
    let val = a.first().map_or(0.0, to_float64);
    let places = int_arg(a, 1);
    let pow = go_pow10(places);
    let digit = pow * val;
    let fraction = digit - digit.trunc();
    let rounded = if fraction >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    Ok(GoValue::Float(rounded / pow))
}

/// Go's `math.Pow(10, n)` for an integer exponent (repeated squaring on the
/// `Frexp` mantissa, then `Ldexp`), so results match bit for bit.
pub(crate) fn go_pow10(n: i64) -> f64 {
    if n == 0 {
        return 1.0;
    }
    if n == 1 {
        return 10.0;
    }
    let mut a1 = 1.0f64;
    let mut ae: i64 = 0;
    let (mut x1, mut xe) = (0.625f64, 4i64); // Frexp(10)
    let mut i = n.unsigned_abs();
    while i != 0 {
        if !(-(1 << 12)..=(1 << 12)).contains(&xe) {
            ae += xe;
            break;
        }
        if i & 1 == 1 {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if x1 < 0.5 {
            x1 += x1;
            xe -= 1;
        }
        i >>= 1;
    }
    if n < 0 {
        a1 = 1.0 / a1;
        ae = -ae;
    }
    ldexp(a1, ae)
}

/// Go's `math.Ldexp`.
fn ldexp(frac: f64, exp: i64) -> f64 {
    if frac == 0.0 || !frac.is_finite() {
        return frac;
    }
    let (frac, e) = if frac.abs() < f64::MIN_POSITIVE {
        (frac * (1u64 << 52) as f64, -52)
    } else {
        (frac, 0)
    };
    let mut x = frac.to_bits();
    let mut exp = exp + e + (i64::try_from((x >> 52) & 0x7ff).unwrap_or(0) - 1023);
    if exp < -1075 {
        return 0f64.copysign(frac);
    }
    if exp > 1023 {
        return if frac < 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let mut m = 1.0f64;
    if exp < -1022 {
        exp += 53;
        m = 1.0 / (1u64 << 53) as f64;
    }
    x &= !(0x7ffu64 << 52);
    x |= u64::try_from(exp + 1023).unwrap_or(0) << 52;
    m * f64::from_bits(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn i(v: CallResult) -> i64 {
        match v.unwrap() {
            GoValue::Int64(n) => n,
            other => panic!("{other:?}"),
        }
    }

    fn f(v: CallResult) -> f64 {
        match v.unwrap() {
            GoValue::Float(n) => n,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn upstream_examples() {
        assert_eq!(
            i(add(&[GoValue::Int(1), GoValue::Int(2), GoValue::Int(3)])),
            6
        );
        assert_eq!(i(add1(&[GoValue::Int(5)])), 6);
        assert_eq!(i(sub(&[GoValue::Int(5), GoValue::Int(3)])), 2);
        assert_eq!(i(div(&[GoValue::Int(10), GoValue::Int(3)])), 3);
        assert_eq!(i(modulo(&[GoValue::Int(10), GoValue::Int(3)])), 1);
        assert_eq!(
            i(mul(&[GoValue::Int(2), GoValue::Int(3), GoValue::Int(4)])),
            24
        );
        assert_eq!(
            i(max(&[GoValue::Int(1), GoValue::Int(5), GoValue::Int(3)])),
            5
        );
        assert_eq!(
            i(min(&[GoValue::Int(1), GoValue::Int(5), GoValue::Int(3)])),
            1
        );
        assert_eq!(f(floor(&[GoValue::Float(3.75)])), 3.0);
        assert_eq!(f(ceil(&[GoValue::Float(3.25)])), 4.0);
        assert_eq!(f(round(&[GoValue::Float(3.75159), GoValue::Int(2)])), 3.75);
    }

    #[test]
    fn casts_and_edges() {
        assert_eq!(to_int64(&GoValue::str("42")), 42);
        assert_eq!(to_int64(&GoValue::str("5.00")), 5);
        assert_eq!(to_int64(&GoValue::str("0x10")), 16);
        assert_eq!(to_int64(&GoValue::str("5.5")), 0);
        assert_eq!(to_int64(&GoValue::str("vm")), 0);
        assert_eq!(to_int64(&GoValue::Bool(true)), 1);
        assert_eq!(to_int64(&GoValue::Float(-2.9)), -2);
        assert_eq!(to_int64(&GoValue::Float(f64::NAN)), i64::MIN);
        assert_eq!(to_float64(&GoValue::str("2.5")), 2.5);
        assert_eq!(
            div(&[GoValue::Int(1), GoValue::Int(0)]).unwrap_err(),
            CallError::Go("runtime error: integer divide by zero".into())
        );
        assert!(modulo(&[GoValue::Int(1), GoValue::str("0")]).is_err());
        assert_eq!(
            i(div(&[GoValue::Int64(i64::MIN), GoValue::Int(-1)])),
            i64::MIN
        );
        assert_eq!(
            i(add(&[GoValue::Int64(i64::MAX), GoValue::Int(1)])),
            i64::MIN
        );
        assert_eq!(i(add(&[])), 0);
        assert_eq!(f(round(&[GoValue::Float(-2.5), GoValue::Int(0)])), -3.0);
        assert_eq!(
            f(round(&[
                GoValue::Float(2.45),
                GoValue::Int(1),
                GoValue::Float(0.4)
            ])),
            2.5
        );
        assert_eq!(go_pow10(2), 100.0);
        assert_eq!(go_pow10(-2), 0.01);
        assert_eq!(go_pow10(22), 1e22);
        assert!(go_pow10(400).is_infinite());
        assert_eq!(go_pow10(-400), 0.0);
    }
}
