//! Every way a providers file or profile can be wrong, as miette diagnostics with
//! stable codes `mtvt::P0001`… and labels on the offending JSON text.
//!
//! Exists so `mtvt check`/`mtvt run` report profile mistakes like compile errors:
//! what is wrong, where in the file, and what to do. Must never include a secret
//! value in a message, label or help (values are quoted only for non-secret fields).
//! Codes are never reused; `docs/providers.md` lists them.

use miette::{Diagnostic, NamedSource, SourceSpan};

/// A providers-file or profile error.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum ProfileError {
    /// The file cannot be read (missing, a directory, no permission).
    #[error("cannot read providers file `{path}`: {reason}")]
    #[diagnostic(
        code(mtvt::P0001),
        help(
            "create it from providers.example.json, or name another file with --providers-file or PROVIDERS_JSON_PATH"
        )
    )]
    Unreadable { path: String, reason: String },

    /// The file is not valid JSON (comments and trailing commas allowed). The excerpt
    /// shows punctuation and known field names only: every value is masked.
    #[error("`{file}` is not valid JSON (line {line}, column {column}): {message}")]
    #[diagnostic(
        code(mtvt::P0002),
        help(
            "the file is JSON with `#`, `//` and `/* */` comments and trailing commas allowed: keys and text values take double quotes (\"key\": \"value\"), `:` follows each key and `,` separates members (values are masked here)"
        )
    )]
    InvalidJson {
        file: String,
        message: String,
        line: usize,
        column: usize,
        #[source_code]
        src: NamedSource<String>,
        #[label("{message}")]
        span: SourceSpan,
    },

    /// The requested profile is not in the file.
    #[error("no provider profile named `{name}` in `{file}`")]
    #[diagnostic(code(mtvt::P0003), help("{help}"))]
    UnknownProfile {
        name: String,
        file: String,
        help: String,
    },

    /// A field the profile's provider type needs is missing or empty.
    #[error("profile `{profile}` {what} `{field}`")]
    #[diagnostic(code(mtvt::P0004), help("{help}"))]
    MissingField {
        profile: String,
        provider_type: String,
        field: String,
        /// "has no" or "has an empty".
        what: String,
        help: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("required for {provider_type} profiles")]
        span: SourceSpan,
    },

    /// A field has a value mtvt cannot use.
    #[error("profile `{profile}`: {field} {problem}")]
    #[diagnostic(code(mtvt::P0005), help("{help}"))]
    BadValue {
        profile: String,
        field: String,
        problem: String,
        help: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("{problem}")]
        span: Option<SourceSpan>,
    },

    /// The file has no profiles at all.
    #[error("`{file}` contains no provider profiles")]
    #[diagnostic(
        code(mtvt::P0006),
        help(
            "add at least one entry such as \"vsphere\": {{\"type\": \"vsphere\", ...}}; providers.example.json shows every provider type"
        )
    )]
    Empty { file: String },

    /// A JSON value has the wrong type (the document is not an object of objects of
    /// strings where strings are expected).
    #[error("`{file}`: {what} must be {expected}, found {found}")]
    #[diagnostic(code(mtvt::P0007), help("{help}"))]
    WrongType {
        file: String,
        what: String,
        expected: String,
        found: String,
        help: String,
        #[source_code]
        src: NamedSource<String>,
        #[label("expected {expected}")]
        span: Option<SourceSpan>,
    },
}
