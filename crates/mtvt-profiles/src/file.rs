//! Reading a `.providers.json` file: JSON with comments and trailing commas
//! (`jsonc.rs`), a top-level object whose keys are profile names, and lookup of one
//! profile with "did you mean".
//!
//! Exists to turn file-level problems into diagnostics with labels in the file and
//! to hand one entry to the profile builder. Must not interpret entry fields (that
//! is `profile.rs`) and must keep the file text only masked (`mask.rs`), for
//! diagnostics.

use std::path::Path;

use miette::{NamedSource, SourceSpan};
use serde_json::{Map, Value};

use crate::error::ProfileError;
use crate::json_span::locate;
use crate::jsonc;
use crate::mask::{Trust, masked};
use crate::profile::{Profile, build_profile};
use crate::suggest::did_you_mean;

/// A parsed providers file. It keeps the file text only masked (every value that is
/// not known to be harmless, and every comment), for diagnostics; the values
/// themselves live in the parsed entries.
#[derive(Clone)]
pub struct ProvidersFile {
    name: String,
    redacted: String,
    entries: Map<String, Value>,
}

impl std::fmt::Debug for ProvidersFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProvidersFile")
            .field("name", &self.name)
            .field("profiles", &self.profile_names())
            .finish()
    }
}

/// Reads and parses a providers file. The path is shown as given (never made
/// absolute) in messages.
///
/// ```no_run
/// let file = mtvt_profiles::load(std::path::Path::new(".providers.json"))?;
/// let profile = file.profile("vsphere", &|k| std::env::var(k).ok())?;
/// # Ok::<(), mtvt_profiles::ProfileError>(())
/// ```
pub fn load(path: &Path) -> Result<ProvidersFile, ProfileError> {
    let shown = path.display().to_string();
    let source = std::fs::read_to_string(path).map_err(|e| ProfileError::Unreadable {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    ProvidersFile::parse(shown, source)
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl ProvidersFile {
    /// Parses providers-file text; `name` labels diagnostics (e.g. `.providers.json`).
    /// The text is JSON, with `#`, `//` and `/* */` comments and trailing commas.
    pub fn parse(name: impl Into<String>, source: impl Into<String>) -> Result<Self, ProfileError> {
        let name = name.into();
        let source: String = source.into();
        let value = match jsonc::strip(&source) {
            Ok(stripped) if stripped.trim().is_empty() => {
                return Err(ProfileError::Empty { file: name });
            }
            Ok(stripped) => jsonc::parse(&stripped),
            Err(e) => Err(e),
        };
        let value = match value {
            Ok(v) => v,
            Err(e) => {
                return Err(ProfileError::InvalidJson {
                    file: name.clone(),
                    message: e.message,
                    line: e.line,
                    column: e.column,
                    // a broken file is shown with every value masked
                    src: NamedSource::new(name, masked(&source, Trust::Broken)),
                    span: SourceSpan::from((e.offset, 0)),
                });
            }
        };
        let redacted = masked(&source, Trust::Parsed);
        let entries = match value {
            Value::Object(map) => map,
            other => {
                let found = json_type(&other);
                let span = Some(SourceSpan::from((0, redacted.trim_end().len())));
                return Err(ProfileError::WrongType {
                    file: name.clone(),
                    what: "the top level".into(),
                    expected: "an object mapping profile names to provider entries".into(),
                    found: found.into(),
                    help: "wrap the entries in { \"vsphere\": {...}, \"ovirt\": {...} }".into(),
                    src: NamedSource::new(name, redacted),
                    span,
                });
            }
        };
        if entries.is_empty() {
            return Err(ProfileError::Empty { file: name });
        }
        Ok(ProvidersFile {
            name,
            redacted,
            entries,
        })
    }

    /// The file name used in messages.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Profile names in file order.
    pub fn profile_names(&self) -> Vec<&str> {
        self.entries.keys().map(String::as_str).collect()
    }

    /// The profile `name`, validated for its provider type, with `COPYOFFLOAD_*`
    /// overrides read through `env` (pass `&|k| std::env::var(k).ok()`), and its
    /// `clone_provider` profile loaded as [`Profile::source_api`].
    pub fn profile(
        &self,
        name: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Profile, ProfileError> {
        let profile = self.profile_entry(name, env)?;
        self.with_source_api(name, profile, env)
    }

    /// The profile `name` alone (its `clone_provider` not loaded).
    fn profile_entry(
        &self,
        name: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Profile, ProfileError> {
        let Some(entry) = self.entries.get(name) else {
            let names = self.profile_names();
            let mut help = match did_you_mean(name, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? "),
                None => String::new(),
            };
            help.push_str(&format!("available profiles: {}", names.join(", ")));
            return Err(ProfileError::UnknownProfile {
                name: name.to_string(),
                file: self.name.clone(),
                help,
            });
        };
        let Value::Object(obj) = entry else {
            return Err(self.wrong_type(
                &[name],
                &format!("profile `{name}`"),
                "an object",
                json_type(entry),
                "each profile is an object such as {\"type\": \"vsphere\", \"fqdn\": ...}",
            ));
        };
        build_profile(self, name, obj, env)
    }

    /// Loads `profile`'s `clone_provider` into [`Profile::source_api`].
    fn with_source_api(
        &self,
        name: &str,
        mut profile: Profile,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Profile, ProfileError> {
        if let Some(via) = profile.clone_provider.clone() {
            // one level only (no recursion through `profile`): a helper with its own
            // clone_provider is refused below, so cycles cannot arise
            let helper = self.profile_entry(&via, env)?;
            if helper.provider_type != profile.provider_type || helper.clone_provider.is_some() {
                return Err(ProfileError::BadValue {
                    profile: name.to_string(),
                    field: "clone_provider".into(),
                    problem: format!(
                        "`{via}` cannot prepare this profile's VMs (it is a {} profile{})",
                        helper.provider_type,
                        if helper.clone_provider.is_some() {
                            " with its own clone_provider"
                        } else {
                            ""
                        }
                    ),
                    help: "name a vCenter profile of the same type that manages this host".into(),
                    src: self.named_source(),
                    span: self.span(&[name, "clone_provider"], false),
                });
            }
            profile.source_api = Some(Box::new(helper));
        }
        Ok(profile)
    }

    /// Every profile, built and validated (for `mtvt check` of a providers file).
    pub fn all_profiles(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Vec<(String, Result<Profile, ProfileError>)> {
        self.entries
            .keys()
            .map(|n| (n.clone(), self.profile(n, env)))
            .collect()
    }

    pub(crate) fn named_source(&self) -> NamedSource<String> {
        NamedSource::new(self.name.clone(), self.redacted.clone())
    }

    /// Span of the value (or, with `key`, the key) at `path`.
    pub(crate) fn span(&self, path: &[&str], key: bool) -> Option<SourceSpan> {
        let located = locate(&self.redacted, path)?;
        let r = if key { located.key } else { located.value };
        Some(SourceSpan::from((r.start, r.end - r.start)))
    }

    pub(crate) fn wrong_type(
        &self,
        path: &[&str],
        what: &str,
        expected: &str,
        found: &str,
        help: &str,
    ) -> ProfileError {
        ProfileError::WrongType {
            file: self.name.clone(),
            what: what.to_string(),
            expected: expected.to_string(),
            found: found.to_string(),
            help: help.to_string(),
            src: self.named_source(),
            span: self.span(path, false),
        }
    }
}

/// A string field of an entry: `Ok(None)` when absent or null.
pub(crate) fn string_field(
    file: &ProvidersFile,
    path: &[&str],
    obj: &Map<String, Value>,
    field: &str,
    allow_number: bool,
) -> Result<Option<String>, ProfileError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) if allow_number => Ok(Some(n.to_string())),
        Some(other) => {
            let mut full: Vec<&str> = path.to_vec();
            full.push(field);
            Err(file.wrong_type(
                &full,
                &format!("`{}`", full.join(".")),
                "a string",
                json_type(other),
                &format!("write the value in double quotes: \"{field}\": \"...\""),
            ))
        }
    }
}
