//! Kubernetes resource quantities (`30Gi`, `1.5Gi`, `100M`, `1e9`, `512`) as exact byte
//! counts: one parser and one formatter for scenario literals, profile and lab values
//! and the sizes and memory the cluster reports.
//!
//! Follows `k8s.io/apimachinery/pkg/api/resource` for the forms byte counts use: a
//! non-negative decimal number with an optional fraction, then a binary-SI suffix (`Ki`
//! … `Ei`), a decimal-SI suffix (`k` … `E`, or none) or a decimal exponent (`e9`,
//! `E-3`). It is exact where apimachinery rounds: a value that is not a whole number of
//! bytes (`1.3Ki`, `0.5`) is an error rather than rounded up. Milli-units (`100m`) and
//! signs are refused: they never describe bytes. Must not allocate on success or accept
//! anything outside that grammar.

use std::fmt;

/// A byte count (`30Gi` = 32212254720). Prints as the largest exact binary unit
/// (`1536Mi`), (de)serializes as that string and deserializes from a number of bytes too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity(pub u128);

/// Why a text is not a quantity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// No number where one is expected (empty, `Gi`, `1.2.3`).
    #[error(
        "`{0}` is not a quantity (use a number with an optional suffix, e.g. 30Gi, 1.5Gi, 100M, 1e9)"
    )]
    NotANumber(String),
    /// A leading `-` (or `+`).
    #[error("quantities cannot be negative or signed")]
    Signed,
    /// A suffix that is neither SI nor an exponent.
    #[error("unknown suffix `{0}` (use Ki Mi Gi Ti Pi Ei, k M G T P E, or an exponent such as e9)")]
    UnknownSuffix(String),
    /// More than 128 bits of bytes.
    #[error("quantity too large")]
    TooLarge,
    /// More decimal places than can be computed exactly.
    #[error("too many decimal places")]
    TooPrecise,
    /// A fraction of a byte (`1.3Ki`, `0.5`).
    #[error("not a whole number of units")]
    NotWhole,
}

/// Binary-SI suffixes, largest first (also the formatter's units).
const BINARY: [(&str, u32); 6] = [
    ("Ei", 60),
    ("Pi", 50),
    ("Ti", 40),
    ("Gi", 30),
    ("Mi", 20),
    ("Ki", 10),
];

/// Decimal-SI suffixes and their powers of ten.
const DECIMAL: [(&str, u32); 7] = [
    ("", 0),
    ("k", 3),
    ("M", 6),
    ("G", 9),
    ("T", 12),
    ("P", 15),
    ("E", 18),
];

/// The scale a suffix stands for.
enum Scale {
    /// Times 2^n.
    Binary(u32),
    /// Times 10^n (n may be negative: exponents).
    Decimal(i64),
}

impl Quantity {
    /// From gibibytes.
    pub const fn gib(n: u64) -> Self {
        Quantity((n as u128) << 30)
    }

    /// From mebibytes.
    pub const fn mib(n: u64) -> Self {
        Quantity((n as u128) << 20)
    }

    /// Rounded up to a whole mebibyte (how Forklift and KubeVirt size disks and memory:
    /// `1` byte → `1Mi`).
    pub const fn round_up_to_mib(self) -> Self {
        Quantity(self.0.div_ceil(1 << 20) << 20)
    }

    /// The byte count.
    pub const fn bytes(self) -> u128 {
        self.0
    }

    /// Whether `suffix` is a binary- or decimal-SI suffix (`Gi`, `M`, or none); exponents
    /// are not SI suffixes.
    pub fn is_si_suffix(suffix: &str) -> bool {
        BINARY.iter().any(|(s, _)| *s == suffix) || DECIMAL.iter().any(|(s, _)| *s == suffix)
    }

    /// Parses a quantity; surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Result<Self, QuantityError> {
        let text = text.trim();
        if text.starts_with(['-', '+']) {
            return Err(QuantityError::Signed);
        }
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let (number, suffix) = text.split_at(split);
        let (int, frac) = number.split_once('.').unwrap_or((number, ""));
        if int.len() + frac.len() == 0 || frac.contains('.') {
            return Err(QuantityError::NotANumber(text.to_string()));
        }
        let scale = scale(suffix)?;
        let mantissa = digits(int, frac)?;
        let places = i64::try_from(frac.len()).map_err(|_| QuantityError::TooPrecise)?;
        let bytes = match scale {
            Scale::Binary(shift) => {
                let total = mantissa
                    .checked_mul(1u128 << shift)
                    .ok_or(QuantityError::TooLarge)?;
                divide_exactly(total, places)?
            }
            Scale::Decimal(exp) => match exp.saturating_sub(places) {
                net if net >= 0 => {
                    let net = u32::try_from(net).map_err(|_| QuantityError::TooLarge)?;
                    10u128
                        .checked_pow(net)
                        .and_then(|m| mantissa.checked_mul(m))
                        .ok_or(QuantityError::TooLarge)?
                }
                net => divide_exactly(mantissa, net.saturating_neg())?,
            },
        };
        Ok(Quantity(bytes))
    }
}

/// The scale of a suffix.
fn scale(suffix: &str) -> Result<Scale, QuantityError> {
    if let Some((_, shift)) = BINARY.iter().find(|(s, _)| *s == suffix) {
        return Ok(Scale::Binary(*shift));
    }
    if let Some((_, exp)) = DECIMAL.iter().find(|(s, _)| *s == suffix) {
        return Ok(Scale::Decimal(i64::from(*exp)));
    }
    let exponent = suffix.strip_prefix(['e', 'E']).filter(|e| {
        let digits = e.strip_prefix(['-', '+']).unwrap_or(e);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    });
    match exponent {
        Some(e) => e
            .trim_start_matches('+')
            .parse::<i64>()
            .map(Scale::Decimal)
            .map_err(|_| QuantityError::TooLarge),
        None => Err(QuantityError::UnknownSuffix(suffix.to_string())),
    }
}

/// The integer written by `int` and `frac` without the decimal point.
fn digits(int: &str, frac: &str) -> Result<u128, QuantityError> {
    let mut n: u128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u128::from(b - b'0')))
            .ok_or(QuantityError::TooLarge)?;
    }
    Ok(n)
}

/// `n / 10^places`, which must be whole.
fn divide_exactly(n: u128, places: i64) -> Result<u128, QuantityError> {
    if n == 0 {
        return Ok(0);
    }
    let places = u32::try_from(places).map_err(|_| QuantityError::TooPrecise)?;
    let divisor = 10u128
        .checked_pow(places)
        .ok_or(QuantityError::TooPrecise)?;
    if n.is_multiple_of(divisor) {
        Ok(n / divisor)
    } else {
        Err(QuantityError::NotWhole)
    }
}

impl std::str::FromStr for Quantity {
    type Err = QuantityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Quantity::parse(s)
    }
}

impl fmt::Display for Quantity {
    /// The largest exact binary unit (`32212254720` → `30Gi`), else plain bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        if n != 0 {
            for (suffix, shift) in BINARY {
                if n.trailing_zeros() >= shift {
                    return write!(f, "{}{suffix}", n >> shift);
                }
            }
        }
        write!(f, "{n}")
    }
}

impl serde::Serialize for Quantity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Quantity {
    /// A string is parsed; a non-negative integer is a number of bytes.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Quantity;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a quantity such as \"30Gi\" or a number of bytes")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Quantity, E> {
                Ok(Quantity(u128::from(v)))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Quantity, E> {
                u64::try_from(v)
                    .map(|v| Quantity(u128::from(v)))
                    .map_err(|_| E::custom(QuantityError::Signed))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Quantity, E> {
                Quantity::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(s: &str) -> Result<u128, QuantityError> {
        Quantity::parse(s).map(Quantity::bytes)
    }

    #[test]
    fn every_suffix() {
        let cases: [(&str, u128); 14] = [
            ("512", 512),
            ("1Ki", 1 << 10),
            ("1Mi", 1 << 20),
            ("30Gi", 30 << 30),
            ("2Ti", 2 << 40),
            ("1Pi", 1 << 50),
            ("1Ei", 1 << 60),
            ("1k", 1_000),
            ("100M", 100_000_000),
            ("30G", 30_000_000_000),
            ("1T", 1_000_000_000_000),
            ("1P", 1_000_000_000_000_000),
            ("1E", 1_000_000_000_000_000_000),
            ("0", 0),
        ];
        for (text, want) in cases {
            assert_eq!(bytes(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn fractions_and_exponents() {
        assert_eq!(bytes("1.5Gi"), Ok(3 << 29));
        assert_eq!(bytes("4096Mi"), Ok(4 << 30));
        assert_eq!(bytes("1.50Gi"), Ok(3 << 29));
        assert_eq!(bytes(".5Ki"), Ok(512));
        assert_eq!(bytes("2."), Ok(2));
        assert_eq!(bytes("1.5k"), Ok(1_500));
        assert_eq!(bytes("1e3"), Ok(1_000));
        assert_eq!(bytes("1E3"), Ok(1_000));
        assert_eq!(bytes("1e+3"), Ok(1_000));
        assert_eq!(bytes("2.5e9"), Ok(2_500_000_000));
        assert_eq!(bytes("1000e-3"), Ok(1));
        assert_eq!(bytes("0.000Gi"), Ok(0));
        assert_eq!(bytes(" 2Gi\n"), Ok(2 << 30), "surrounding whitespace");
    }

    #[test]
    fn errors() {
        let not_a_number = |s: &str| QuantityError::NotANumber(s.to_string());
        let huge = format!("{}Ei", "9".repeat(40));
        let cases = [
            ("", not_a_number("")),
            ("Gi", not_a_number("Gi")),
            (".", not_a_number(".")),
            ("1.2.3Gi", not_a_number("1.2.3Gi")),
            ("-1Gi", QuantityError::Signed),
            ("+1Gi", QuantityError::Signed),
            ("100m", QuantityError::UnknownSuffix("m".into())),
            ("5GB", QuantityError::UnknownSuffix("GB".into())),
            ("1e", QuantityError::UnknownSuffix("e".into())),
            ("1e3Gi", QuantityError::UnknownSuffix("e3Gi".into())),
            ("1.3Ki", QuantityError::NotWhole),
            ("0.5", QuantityError::NotWhole),
            ("1e-3", QuantityError::NotWhole),
            (huge.as_str(), QuantityError::TooLarge),
            ("1000000000000000000000Ei", QuantityError::TooLarge),
            ("1e40", QuantityError::TooLarge),
            ("1e99999999999999999999", QuantityError::TooLarge),
        ];
        for (text, want) in cases {
            assert_eq!(bytes(text), Err(want), "{text:?}");
        }
        let deep = format!("0.{}1", "0".repeat(40));
        assert_eq!(bytes(&deep), Err(QuantityError::TooPrecise));
    }

    #[test]
    fn error_texts() {
        let text = |s: &str| bytes(s).unwrap_err().to_string();
        assert_eq!(text("1.3Ki"), "not a whole number of units");
        assert_eq!(
            text("5GB"),
            "unknown suffix `GB` (use Ki Mi Gi Ti Pi Ei, k M G T P E, or an exponent such as e9)"
        );
        assert_eq!(
            text("x"),
            "`x` is not a quantity (use a number with an optional suffix, e.g. 30Gi, 1.5Gi, 100M, 1e9)"
        );
        assert_eq!(text("-1"), "quantities cannot be negative or signed");
        assert_eq!(text("1e40"), "quantity too large");
    }

    #[test]
    fn formats_the_largest_exact_binary_unit() {
        let cases: [(u128, &str); 7] = [
            (0, "0"),
            (1000, "1000"),
            (30 << 30, "30Gi"),
            (1536 << 20, "1536Mi"),
            (100_000_000, "100000000"),
            (7 << 40, "7Ti"),
            (3 << 60, "3Ei"),
        ];
        for (n, want) in cases {
            let q = Quantity(n);
            assert_eq!(q.to_string(), want);
            assert_eq!(want.parse::<Quantity>(), Ok(q), "round trip of {want}");
        }
    }

    #[test]
    fn mebibytes_and_rounding_up() {
        assert_eq!(Quantity::mib(4096).to_string(), "4Gi");
        assert_eq!(Quantity::mib(1536).to_string(), "1536Mi");
        assert_eq!(Quantity(1).round_up_to_mib().to_string(), "1Mi");
        assert_eq!(Quantity(30 << 30).round_up_to_mib(), Quantity::gib(30));
        assert_eq!(
            Quantity((30 << 30) + 1).round_up_to_mib().to_string(),
            "30721Mi"
        );
        assert_eq!(Quantity(0).round_up_to_mib(), Quantity(0));
    }

    #[test]
    fn si_suffixes() {
        for s in ["", "Ki", "Ei", "k", "M", "E"] {
            assert!(Quantity::is_si_suffix(s), "{s}");
        }
        for s in ["m", "e3", "KB", "ki"] {
            assert!(!Quantity::is_si_suffix(s), "{s}");
        }
    }

    #[test]
    fn serde() {
        let q = Quantity::gib(30);
        assert_eq!(serde_json::to_string(&q).unwrap(), "\"30Gi\"");
        assert_eq!(serde_json::from_str::<Quantity>("\"30Gi\"").unwrap(), q);
        assert_eq!(
            serde_json::from_str::<Quantity>("1024").unwrap(),
            Quantity(1024)
        );
        assert!(serde_json::from_str::<Quantity>("-1").is_err());
        assert!(serde_json::from_str::<Quantity>("1.5").is_err());
        let e = serde_json::from_str::<Quantity>("\"1.3Ki\"").unwrap_err();
        assert!(e.to_string().contains("not a whole number"), "{e}");
    }
}
