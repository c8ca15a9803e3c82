//! A string that must never be printed: source passwords, storage credentials, session
//! ids, SSO and Keystone tokens, the cluster bearer token.
//!
//! Exists so that `Debug`/`Display` of anything holding one, and any log or error that
//! formats one, shows `<redacted>` instead of the value. Must not implement `Serialize`
//! or any conversion that leaks the value implicitly; [`Secret::expose`] is the only way
//! out and is easy to find in review. It deserializes from a string (files that hold
//! credentials, such as the emulator's lab file, read straight into it).

use std::fmt;

/// A secret value. `Debug` and `Display` print `<redacted>`.
///
/// ```
/// let s = mtvt_vocab::Secret::new("hunter2");
/// assert_eq!(format!("{s} {s:?}"), "<redacted> <redacted>");
/// assert_eq!(s.expose(), "hunter2");
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value. Call only where the value goes to its destination (a
    /// Kubernetes Secret, an `Authorization` header, a login body), never to build a
    /// message.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `candidate` is the value, comparing every byte (no early exit on the first
    /// difference), for checking credentials a client sent.
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

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret(s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let s = Secret::new("s3cr3t");
        let shown = format!("{s:?} {s} {s:#?} {:?}", Some(&s));
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert_eq!(shown, "<redacted> <redacted> <redacted> Some(<redacted>)");
    }

    #[test]
    fn exposed_on_request() {
        assert_eq!(Secret::new("p").expose(), "p");
        assert_eq!(Secret::from("p"), Secret::from(String::from("p")));
        assert!(Secret::default().is_empty());
        assert!(!Secret::new("x").is_empty());
    }

    #[test]
    fn matches_only_the_whole_value() {
        let s = Secret::new("hunter2");
        assert!(s.matches("hunter2"));
        assert!(!s.matches("hunter"));
        assert!(!s.matches("hunter22"));
        assert!(!s.matches(""));
    }

    #[test]
    fn deserializes_from_a_string() {
        let s: Secret = serde_json::from_value(serde_json::json!("p4ss")).unwrap();
        assert_eq!(s.expose(), "p4ss");
        assert!(serde_json::from_value::<Secret>(serde_json::json!(5)).is_err());
    }
}
