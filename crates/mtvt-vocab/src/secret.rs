//! A string that must never be printed: source passwords, storage credentials, session
//! ids, SSO and Keystone tokens, the cluster bearer token.
//!
//! Exists so that `Debug`/`Display` of anything holding one, and any log or error that
//! formats one, shows `<redacted>` instead of the value. Must not implement `Serialize`
//! or any conversion that leaks the value implicitly; [`Secret::expose`] is the only way
//! out and is easy to find in review.

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
}
