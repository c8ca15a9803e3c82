//! Small IR value types: source spans, interpolated strings, datastore references.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use crate::schema::enums::DatastoreSymbol;
use crate::span::{FileId, Span};

/// Where an IR node was written: file name, byte range and 1-based line/column.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SpanIr {
    /// File name as shown in diagnostics.
    pub file: Arc<str>,
    /// First byte.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column (characters) of `start`.
    pub column: usize,
    /// The file's id in the check run's `SourceMap`.
    #[serde(skip)]
    pub file_id: FileId,
}

impl SpanIr {
    /// The checker-internal span.
    pub fn span(&self) -> Span {
        Span::new(self.file_id, self.start, self.end)
    }
}

impl fmt::Display for SpanIr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One piece of an interpolated string.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum InterpPart {
    /// Literal text.
    Lit(String),
    /// `${session}` or a bare `session` value: the run's unique id.
    Session,
    /// `${env.NAME}`: an environment variable read at run time.
    Env(String),
}

/// A string that may contain `${session}` and `${env.NAME}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize)]
pub struct InterpString {
    /// The pieces in order.
    pub parts: Vec<InterpPart>,
}

impl InterpString {
    /// A plain literal.
    pub fn literal(s: impl Into<String>) -> Self {
        InterpString {
            parts: vec![InterpPart::Lit(s.into())],
        }
    }

    /// Just the session id.
    pub fn session() -> Self {
        InterpString {
            parts: vec![InterpPart::Session],
        }
    }

    /// The text when there is nothing to resolve.
    pub fn as_literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                InterpPart::Lit(s) => out.push_str(s),
                _ => return None,
            }
        }
        Some(out)
    }

    /// True when the string contains `${env.…}`.
    pub fn has_env(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, InterpPart::Env(_)))
    }

    /// Resolves with the run's session id and an environment lookup; an unset
    /// environment variable is an error naming it.
    pub fn resolve(
        &self,
        session: &str,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<String, String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                InterpPart::Lit(s) => out.push_str(s),
                InterpPart::Session => out.push_str(session),
                InterpPart::Env(name) => match env(name) {
                    Some(v) => out.push_str(&v),
                    None => return Err(format!("environment variable `{name}` is not set")),
                },
            }
        }
        Ok(out)
    }

    /// Resolves with a sample session id and `x` for environment variables (used to
    /// validate names statically).
    pub fn sample(&self) -> String {
        self.resolve(crate::SAMPLE_SESSION, |_| Some(String::from("x")))
            .unwrap_or_default()
    }
}

impl fmt::Display for InterpString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.parts {
            match p {
                InterpPart::Lit(s) => f.write_str(s)?,
                InterpPart::Session => f.write_str("${session}")?,
                InterpPart::Env(n) => write!(f, "${{env.{n}}}")?,
            }
        }
        Ok(())
    }
}

/// A datastore: symbolic (resolved from the provider profile's copyoffload section at run
/// time) or a literal id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum DatastoreRef {
    /// `primary` / `secondary` / `non_xcopy`.
    Symbol(DatastoreSymbol),
    /// A datastore id written in quotes (`"datastore-12345"`).
    Id(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interp_strings_resolve() {
        let s = InterpString {
            parts: vec![
                InterpPart::Lit("ns-".into()),
                InterpPart::Session,
                InterpPart::Lit("-".into()),
                InterpPart::Env("USER".into()),
            ],
        };
        assert_eq!(
            s.resolve("abc", |_| Some("me".into())).unwrap(),
            "ns-abc-me"
        );
        assert!(s.resolve("abc", |_| None).unwrap_err().contains("USER"));
        assert_eq!(s.to_string(), "ns-${session}-${env.USER}");
        assert_eq!(s.as_literal(), None);
        assert_eq!(
            InterpString::literal("a").as_literal().as_deref(),
            Some("a")
        );
    }
}
