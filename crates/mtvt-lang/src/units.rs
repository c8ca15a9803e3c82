//! Quantities (bytes) and durations (milliseconds) as typed values shared by the IR,
//! the models and the evaluator. They serialize as the strings a user writes (`30Gi`,
//! `1h30m`) and parse from those strings (and from plain numbers: bytes / milliseconds).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::syntax::literals;

/// A byte count (`30Gi` = 32212254720).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity(pub u128);

/// A length of time in milliseconds (`5m` = 300000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration(pub u64);

impl Quantity {
    /// From gibibytes.
    pub fn gib(n: u64) -> Self {
        Quantity(u128::from(n) << 30)
    }

    /// Parses `30Gi`, `1.5Gi`, `100M` or a plain byte count.
    pub fn parse(s: &str) -> Result<Self, String> {
        literals::parse_quantity(s.trim()).map(Quantity)
    }
}

impl Duration {
    /// From seconds.
    pub fn secs(n: u64) -> Self {
        Duration(n.saturating_mul(1000))
    }

    /// From minutes.
    pub fn mins(n: u64) -> Self {
        Duration(n.saturating_mul(60_000))
    }

    /// Parses `5m`, `1h30m`, `250ms` (a plain number is milliseconds).
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if let Ok(ms) = s.parse::<u64>() {
            return Ok(Duration(ms));
        }
        literals::parse_duration(s).map(Duration)
    }

    /// As a std duration.
    pub fn to_std(self) -> std::time::Duration {
        std::time::Duration::from_millis(self.0)
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&literals::format_quantity(self.0))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&literals::format_duration(self.0))
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrStr {
    Num(u64),
    Str(String),
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match NumOrStr::deserialize(d)? {
            NumOrStr::Num(n) => Ok(Quantity(u128::from(n))),
            NumOrStr::Str(s) => Quantity::parse(&s).map_err(serde::de::Error::custom),
        }
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match NumOrStr::deserialize(d)? {
            NumOrStr::Num(n) => Ok(Duration(n)),
            NumOrStr::Str(s) => Duration::parse(&s).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_json() {
        let q = Quantity::gib(30);
        assert_eq!(serde_json::to_string(&q).unwrap(), "\"30Gi\"");
        assert_eq!(serde_json::from_str::<Quantity>("\"30Gi\"").unwrap(), q);
        assert_eq!(
            serde_json::from_str::<Quantity>("1024").unwrap(),
            Quantity(1024)
        );
        let d = Duration::mins(90);
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"1h30m\"");
        assert_eq!(serde_json::from_str::<Duration>("\"1h30m\"").unwrap(), d);
    }
}
