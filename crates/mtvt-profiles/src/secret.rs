//! A string that must never be printed: passwords, tokens, storage credentials.
//!
//! Exists so that `Debug`/`Display` of a whole profile, and any log or error that
//! formats one, shows `<redacted>` instead of the value. Must not implement
//! `Serialize` or any conversion that leaks the value implicitly; `expose()` is the
//! only way out and is easy to find in review.

use std::fmt;

/// A secret value. `Debug` and `Display` print `<redacted>`.
///
/// ```
/// let s = mtvt_profiles::Secret::new("hunter2");
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

    /// The secret value. Call only where the value is sent to its destination
    /// (a Kubernetes Secret, a login request), never to build a message.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_printed() {
        let s = Secret::new("s3cr3t");
        assert!(!format!("{s:?}{s}{s:#?}").contains("s3cr3t"));
        assert_eq!(s.expose(), "s3cr3t");
        assert!(Secret::default().is_empty());
    }
}
