//! A password that never shows up in `Debug`, `Display` or logs.
//!
//! The lab holds source credentials; they are compared by the source APIs and written to the
//! `.providers.json` handed to the runner, and nowhere else.

use serde::{Deserialize, Deserializer};

/// A secret string. `Debug` prints `<redacted>`; read it with [`Secret::expose`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value, for comparison or for the providers file.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Constant-time-ish equality with a candidate (no early exit on the first difference).
    pub fn matches(&self, candidate: &str) -> bool {
        let a = self.0.as_bytes();
        let b = candidate.as_bytes();
        let mut diff = a.len() ^ b.len();
        for (i, x) in a.iter().enumerate() {
            diff |= usize::from(x ^ b.get(i).copied().unwrap_or(0));
        }
        diff == 0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert!(s.matches("hunter2"));
        assert!(!s.matches("hunter"));
        assert!(!s.matches("hunter22"));
    }
}
