//! Lengths of time written as `500ms`, `30s`, `5m`, `1h30m`, `2d` (and `1.5s`), held
//! as whole milliseconds: one parser for scenario literals, command-line flags and
//! recorded values.
//!
//! A number without a unit has no meaning of its own here: the caller says what a bare
//! `5` is ([`Duration::parse`] with `Some(unit)`), or refuses it (`None`, and
//! [`std::str::FromStr`]), so `5` cannot mean seconds in one place and milliseconds in
//! another by accident. Must not round: a value finer than a millisecond is an error.

use std::fmt;

/// A length of time in milliseconds (`5m` = 300000). Prints as it is written (`1h30m`);
/// serializes as that string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(pub u64);

/// A unit of [`Duration`] text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DurationUnit {
    /// `ms`
    Milliseconds,
    /// `s`
    Seconds,
    /// `m`
    Minutes,
    /// `h`
    Hours,
    /// `d` (24 hours)
    Days,
}

/// Why a text is not a duration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Nothing (or only whitespace).
    #[error("empty duration (use e.g. 500ms, 30s, 5m, 1h30m, 2d)")]
    Empty,
    /// No number where one is expected (`s`, `1.2.3s`, `-5s`).
    #[error("`{0}` is not a duration (use e.g. 500ms, 30s, 5m, 1h30m, 2d)")]
    NotADuration(String),
    /// A number without a unit where the caller gave no default unit.
    #[error("`{0}` has no unit (use ms, s, m, h or d)")]
    MissingUnit(String),
    /// Letters that are not a unit.
    #[error("unknown unit `{unit}` in `{text}` (use ms, s, m, h or d)")]
    UnknownUnit {
        /// The letters.
        unit: String,
        /// The whole text.
        text: String,
    },
    /// More than 64 bits of milliseconds.
    #[error("duration too large")]
    TooLarge,
    /// A fraction of a millisecond (`0.5ms`).
    #[error("`{0}` is finer than a millisecond")]
    SubMillisecond(String),
}

/// Units, longest symbol first where one is a prefix of another.
const UNITS: [(&str, DurationUnit); 5] = [
    ("ms", DurationUnit::Milliseconds),
    ("s", DurationUnit::Seconds),
    ("m", DurationUnit::Minutes),
    ("h", DurationUnit::Hours),
    ("d", DurationUnit::Days),
];

impl DurationUnit {
    /// Milliseconds in one unit.
    pub const fn millis(self) -> u64 {
        match self {
            DurationUnit::Milliseconds => 1,
            DurationUnit::Seconds => 1_000,
            DurationUnit::Minutes => 60_000,
            DurationUnit::Hours => 3_600_000,
            DurationUnit::Days => 86_400_000,
        }
    }

    /// The symbol as written (`ms`, `s` …).
    pub const fn symbol(self) -> &'static str {
        match self {
            DurationUnit::Milliseconds => "ms",
            DurationUnit::Seconds => "s",
            DurationUnit::Minutes => "m",
            DurationUnit::Hours => "h",
            DurationUnit::Days => "d",
        }
    }

    /// The unit of a symbol.
    pub fn from_symbol(symbol: &str) -> Option<Self> {
        UNITS.iter().find(|(s, _)| *s == symbol).map(|(_, u)| *u)
    }
}

impl Duration {
    /// From milliseconds.
    pub const fn millis(n: u64) -> Self {
        Duration(n)
    }

    /// From seconds (saturating).
    pub const fn secs(n: u64) -> Self {
        Duration(n.saturating_mul(1000))
    }

    /// From minutes (saturating).
    pub const fn mins(n: u64) -> Self {
        Duration(n.saturating_mul(60_000))
    }

    /// The milliseconds.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// As a std duration.
    pub const fn to_std(self) -> std::time::Duration {
        std::time::Duration::from_millis(self.0)
    }

    /// Parses one or more `<number><unit>` parts (`1h30m`, `1.5s`, `250ms`); a number may
    /// have a decimal fraction. A bare number (`5`, `1.5`) is in `bare` units, or an
    /// error when `bare` is `None`. Surrounding whitespace is ignored.
    pub fn parse(text: &str, bare: Option<DurationUnit>) -> Result<Self, DurationError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DurationError::Empty);
        }
        let mut total: u64 = 0;
        let mut rest = text;
        while !rest.is_empty() {
            let n = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            let (number, after) = rest.split_at(n);
            let u = after
                .find(|c: char| c.is_ascii_digit() || c == '.')
                .unwrap_or(after.len());
            let (symbol, next) = after.split_at(u);
            let unit = match (symbol, bare) {
                ("", Some(unit)) if number.len() == text.len() => unit,
                ("", _) if !number.is_empty() => {
                    return Err(DurationError::MissingUnit(text.to_string()));
                }
                _ => DurationUnit::from_symbol(symbol).ok_or_else(|| {
                    if number.is_empty() {
                        DurationError::NotADuration(text.to_string())
                    } else {
                        DurationError::UnknownUnit {
                            unit: symbol.to_string(),
                            text: text.to_string(),
                        }
                    }
                })?,
            };
            let part = millis(number, unit, text)?;
            total = total.checked_add(part).ok_or(DurationError::TooLarge)?;
            rest = next;
        }
        Ok(Duration(total))
    }
}

/// Milliseconds of `number` (digits with an optional fraction) `unit`s.
fn millis(number: &str, unit: DurationUnit, text: &str) -> Result<u64, DurationError> {
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if int.len() + frac.len() == 0 || frac.contains('.') {
        return Err(DurationError::NotADuration(text.to_string()));
    }
    let mut mantissa: u128 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        mantissa = mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(u128::from(b - b'0')))
            .ok_or(DurationError::TooLarge)?;
    }
    let scaled = mantissa
        .checked_mul(u128::from(unit.millis()))
        .ok_or(DurationError::TooLarge)?;
    let divisor = u32::try_from(frac.len())
        .ok()
        .and_then(|p| 10u128.checked_pow(p))
        .ok_or_else(|| DurationError::SubMillisecond(text.to_string()))?;
    if !scaled.is_multiple_of(divisor) {
        return Err(DurationError::SubMillisecond(text.to_string()));
    }
    u64::try_from(scaled / divisor).map_err(|_| DurationError::TooLarge)
}

impl std::str::FromStr for Duration {
    type Err = DurationError;

    /// Parses with a unit required on every number (no bare numbers).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Duration::parse(s, None)
    }
}

impl fmt::Display for Duration {
    /// As written: `90000` → `1m30s`, `0` → `0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for unit in [
            DurationUnit::Days,
            DurationUnit::Hours,
            DurationUnit::Minutes,
            DurationUnit::Seconds,
            DurationUnit::Milliseconds,
        ] {
            let m = unit.millis();
            if rest >= m {
                write!(f, "{}{}", rest / m, unit.symbol())?;
                rest %= m;
            }
        }
        Ok(())
    }
}

impl serde::Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Duration {
    /// A string is parsed with bare numbers in milliseconds; a non-negative integer is a
    /// number of milliseconds (the unit of the field).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as \"1h30m\" or a number of milliseconds")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Duration, E> {
                Ok(Duration(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Duration, E> {
                u64::try_from(v)
                    .map(Duration)
                    .map_err(|_| E::custom(DurationError::NotADuration(v.to_string())))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Duration, E> {
                Duration::parse(v, Some(DurationUnit::Milliseconds)).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str, bare: Option<DurationUnit>) -> Result<u64, DurationError> {
        Duration::parse(s, bare).map(Duration::as_millis)
    }

    #[test]
    fn every_unit_and_combinations() {
        let cases: [(&str, u64); 10] = [
            ("250ms", 250),
            ("30s", 30_000),
            ("5m", 300_000),
            ("2h", 7_200_000),
            ("2d", 172_800_000),
            ("1h30m", 5_400_000),
            ("1m30s500ms", 90_500),
            ("1.5s", 1_500),
            ("0.25m", 15_000),
            ("0s", 0),
        ];
        for (text, want) in cases {
            assert_eq!(ms(text, None), Ok(want), "{text}");
            assert_eq!(text.parse::<Duration>(), Ok(Duration(want)), "{text}");
        }
        assert_eq!(ms(" 3s\n", None), Ok(3_000), "surrounding whitespace");
    }

    #[test]
    fn bare_numbers_take_the_callers_unit() {
        assert_eq!(ms("5", Some(DurationUnit::Seconds)), Ok(5_000));
        assert_eq!(ms("5", Some(DurationUnit::Milliseconds)), Ok(5));
        assert_eq!(ms("1.5", Some(DurationUnit::Seconds)), Ok(1_500));
        assert_eq!(ms("2", Some(DurationUnit::Days)), Ok(172_800_000));
        assert_eq!(
            ms("5", None),
            Err(DurationError::MissingUnit("5".into())),
            "no default unit"
        );
        assert_eq!(
            ms("1m30", Some(DurationUnit::Seconds)),
            Err(DurationError::MissingUnit("1m30".into())),
            "only a whole text can be bare"
        );
    }

    #[test]
    fn errors() {
        let not = |s: &str| DurationError::NotADuration(s.to_string());
        let unknown = |u: &str, t: &str| DurationError::UnknownUnit {
            unit: u.into(),
            text: t.into(),
        };
        let cases = [
            ("", DurationError::Empty),
            ("  ", DurationError::Empty),
            ("s", not("s")),
            ("-5s", not("-5s")),
            ("1.2.3s", not("1.2.3s")),
            (".s", not(".s")),
            ("5min", unknown("min", "5min")),
            ("5x", unknown("x", "5x")),
            ("5 s", unknown(" s", "5 s")),
            ("99999999999999999999s", DurationError::TooLarge),
            ("999999999999999999d", DurationError::TooLarge),
            ("0.5ms", DurationError::SubMillisecond("0.5ms".into())),
            ("1.0001s", DurationError::SubMillisecond("1.0001s".into())),
        ];
        for (text, want) in cases {
            assert_eq!(ms(text, Some(DurationUnit::Seconds)), Err(want), "{text:?}");
        }
    }

    #[test]
    fn error_texts() {
        let text = |s: &str| ms(s, None).unwrap_err().to_string();
        assert_eq!(text("5"), "`5` has no unit (use ms, s, m, h or d)");
        assert_eq!(
            text("5min"),
            "unknown unit `min` in `5min` (use ms, s, m, h or d)"
        );
        assert_eq!(
            text("x"),
            "`x` is not a duration (use e.g. 500ms, 30s, 5m, 1h30m, 2d)"
        );
        assert_eq!(
            text(""),
            "empty duration (use e.g. 500ms, 30s, 5m, 1h30m, 2d)"
        );
        assert_eq!(text("99999999999999999999s"), "duration too large");
        assert_eq!(text("0.5ms"), "`0.5ms` is finer than a millisecond");
    }

    #[test]
    fn formats_as_written() {
        let cases: [(u64, &str); 6] = [
            (0, "0s"),
            (250, "250ms"),
            (90_000, "1m30s"),
            (3_600_000, "1h"),
            (5_400_000, "1h30m"),
            (90_061_001, "1d1h1m1s1ms"),
        ];
        for (n, want) in cases {
            assert_eq!(Duration(n).to_string(), want);
            assert_eq!(want.parse::<Duration>(), Ok(Duration(n)), "round trip");
        }
    }

    #[test]
    fn units_and_constructors() {
        for (symbol, unit) in UNITS {
            assert_eq!(DurationUnit::from_symbol(symbol), Some(unit));
            assert_eq!(unit.symbol(), symbol);
        }
        assert_eq!(DurationUnit::from_symbol("min"), None);
        assert_eq!(Duration::secs(3), Duration(3_000));
        assert_eq!(Duration::mins(90).to_string(), "1h30m");
        assert_eq!(
            Duration::millis(7).to_std(),
            std::time::Duration::from_millis(7)
        );
        assert_eq!(Duration::secs(u64::MAX), Duration(u64::MAX), "saturates");
    }

    #[test]
    fn serde() {
        let d = Duration::mins(90);
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"1h30m\"");
        assert_eq!(serde_json::from_str::<Duration>("\"1h30m\"").unwrap(), d);
        assert_eq!(
            serde_json::from_str::<Duration>("250").unwrap(),
            Duration(250)
        );
        assert_eq!(
            serde_json::from_str::<Duration>("\"250\"").unwrap(),
            Duration(250),
            "a bare number in a string is milliseconds, as a JSON number is"
        );
        assert!(serde_json::from_str::<Duration>("-1").is_err());
        assert!(serde_json::from_str::<Duration>("\"5min\"").is_err());
    }
}
