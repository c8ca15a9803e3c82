//! `--set KEY=VALUE`: per-run overrides of `session` keys, as the pytest suite's
//! `--tc=KEY:VALUE`. They become one synthetic file named `--set` holding a `session`
//! block, one line per override, checked like any session block (unknown key with
//! did-you-mean, wrong type, bounds) and merged over the scenario files' `session`, key by
//! key. A value is written as `.mtvt` text: a string key's value is quoted for the user
//! (`--set storage_class=ocs` means `"ocs"`); other values are taken as written
//! (`--set plan_wait_timeout=90m`, `--set insecure_verify_skip=false`).

use crate::schema::keys::{BlockKind, Shape, ValueShape};

/// The name of the synthetic file diagnostics point into.
pub const OVERRIDES_FILE: &str = "--set";

/// One `--set KEY=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionOverride {
    /// The session key.
    pub key: String,
    /// The value as typed on the command line.
    pub value: String,
}

impl SessionOverride {
    /// Parses `KEY=VALUE` (the pytest suite's `KEY:VALUE` is accepted too).
    pub fn parse(arg: &str) -> Result<Self, String> {
        let (key, value) = arg
            .split_once('=')
            .or_else(|| arg.split_once(':'))
            .ok_or_else(|| format!("--set '{arg}': expected KEY=VALUE"))?;
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("--set '{arg}': the key is empty"));
        }
        if let Some(hint) = suite_key_hint(key) {
            return Err(format!("--set {key}: not a session key; {hint}"));
        }
        if !is_string_key(key) && value.contains(['{', '}', '\n', '\r', '#']) {
            return Err(format!(
                "--set {key}: the value may not contain braces, line breaks or `#`"
            ));
        }
        Ok(SessionOverride {
            key: key.to_string(),
            value: value.to_string(),
        })
    }
}

/// Where the pytest suite's `--tc` keys that are not session keys went in mtvt.
fn suite_key_hint(key: &str) -> Option<&'static str> {
    Some(match key {
        "source_provider" => "choose the profile with --provider NAME",
        "cluster_host" => "use --cluster-url URL (or CLUSTER_HOST)",
        "cluster_username" => "use --username USER (or CLUSTER_USERNAME)",
        "cluster_password" => "use --password (or CLUSTER_PASSWORD / MTVT_PASSWORD)",
        _ => return None,
    })
}

/// Whether session key `key` takes a string (its value is quoted, so any text is safe).
fn is_string_key(key: &str) -> bool {
    matches!(
        BlockKind::Session.key(key).map(|k| k.shape),
        Some(Shape::Value(
            ValueShape::Str { .. } | ValueShape::Raw | ValueShape::Text
        ))
    )
}

/// The synthetic `session` block of `overrides`, one line per override.
pub fn overrides_text(overrides: &[SessionOverride]) -> String {
    let mut out = String::from("session {\n");
    for o in overrides {
        out.push_str("  ");
        out.push_str(&o.key);
        out.push(' ');
        out.push_str(&value_text(&o.key, &o.value));
        out.push('\n');
    }
    out.push_str("}\n");
    out
}

/// `value` as `.mtvt` text for session key `key`: quoted for string keys unless the user
/// already quoted it; as written otherwise (the checker then says what is wrong with it).
fn value_text(key: &str, value: &str) -> String {
    let stringy = is_string_key(key);
    let quoted = value.len() >= 2 && value.starts_with('"') && value.ends_with('"');
    if stringy && !quoted {
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
        format!("\"{escaped}\"")
    } else if value.trim().is_empty() {
        String::from("\"\"")
    } else {
        value.replace('\n', " ")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_equals_and_the_suites_colon() {
        let o = SessionOverride::parse("storage_class=ocs-rbd").unwrap();
        assert_eq!(
            (o.key.as_str(), o.value.as_str()),
            ("storage_class", "ocs-rbd")
        );
        let o = SessionOverride::parse("snapshots_interval:3").unwrap();
        assert_eq!(
            (o.key.as_str(), o.value.as_str()),
            ("snapshots_interval", "3")
        );
        assert!(
            SessionOverride::parse("novalue")
                .unwrap_err()
                .contains("KEY=VALUE")
        );
        assert!(SessionOverride::parse("=x").unwrap_err().contains("empty"));
        // a raw value cannot close the block and smuggle in other declarations
        let e = SessionOverride::parse("plan_wait_timeout=1m }\nscenario x {").unwrap_err();
        assert!(e.contains("braces"), "{e}");
        // a string value can hold anything: it is quoted
        assert!(SessionOverride::parse("storage_class=a}b").is_ok());
        assert!(
            SessionOverride::parse("source_provider=vsphere")
                .unwrap_err()
                .contains("--provider")
        );
    }

    #[test]
    fn strings_are_quoted_other_values_kept() {
        let text = overrides_text(&[
            SessionOverride::parse("storage_class=a \"b\"").unwrap(),
            SessionOverride::parse("plan_wait_timeout=90m").unwrap(),
            SessionOverride::parse("insecure_verify_skip=false").unwrap(),
            SessionOverride::parse("mtv_namespace=\"mtv\"").unwrap(),
        ]);
        assert_eq!(
            text,
            "session {\n  storage_class \"a \\\"b\\\"\"\n  plan_wait_timeout 90m\n  insecure_verify_skip false\n  mtv_namespace \"mtv\"\n}\n"
        );
    }
}
