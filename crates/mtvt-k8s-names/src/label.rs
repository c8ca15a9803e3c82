//! Label keys (`IsQualifiedName` / `content.IsLabelKey`) and label values
//! (`IsValidLabelValue` / `content.IsLabelValue`).
//!
//! Exists so scenario labels (`targetLabels`, session labels, selectors) are checked
//! before they reach the API server, with the server's own wording. Must not apply
//! any Forklift-specific rule.

use crate::dns::{DNS1123_SUBDOMAIN_FMT, DNS1123_SUBDOMAIN_MAX_LENGTH, matches_subdomain_format};
use crate::{max_len_bytes_error, regex_error, to_result};

/// Regular expression of the name part of a label key, as printed in messages.
pub const LABEL_KEY_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
/// Regular expression of a label value, as printed in messages.
pub const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
/// Maximum length of the name part of a label key (63).
pub const LABEL_KEY_NAME_MAX_LENGTH: usize = 63;
/// Maximum length of a label value (63).
pub const LABEL_VALUE_MAX_LENGTH: usize = 63;

const LABEL_KEY_ERR_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_ERR_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const SUBDOMAIN_ERR_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

/// Matches `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`.
fn matches_name_format(s: &str) -> bool {
    let bytes = s.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// `content.IsDNS1123Subdomain` (label-key prefixes count length in bytes).
fn prefix_errors(prefix: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if prefix.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_bytes_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !matches_subdomain_format(prefix) {
        errs.push(regex_error(
            SUBDOMAIN_ERR_MSG,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// `IsQualifiedName`: an optional DNS-subdomain prefix and `/`, then a name of at
/// most 63 characters matching `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
///
/// ```
/// assert!(mtvt_k8s_names::label_key("forklift.konveyor.io/disk-index").is_ok());
/// assert!(mtvt_k8s_names::label_key("a/b/c").is_err());
/// ```
pub fn label_key(s: &str) -> Result<(), Vec<String>> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = s.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                errs.extend(
                    prefix_errors(prefix)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            *name
        }
        _ => {
            return Err(vec![format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(
                    LABEL_KEY_ERR_MSG,
                    LABEL_KEY_FMT,
                    &["MyName", "my.name", "123-abc"]
                )
            )]);
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_string());
    } else if name.len() > LABEL_KEY_NAME_MAX_LENGTH {
        errs.push(format!(
            "name part {}",
            max_len_bytes_error(LABEL_KEY_NAME_MAX_LENGTH)
        ));
    }
    if !matches_name_format(name) {
        errs.push(format!(
            "name part {}",
            regex_error(
                LABEL_KEY_ERR_MSG,
                LABEL_KEY_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    to_result(errs)
}

/// `IsValidLabelValue`: empty, or at most 63 characters of the label-key name charset.
pub fn label_value(s: &str) -> Result<(), Vec<String>> {
    let mut errs = Vec::new();
    if s.len() > LABEL_VALUE_MAX_LENGTH {
        errs.push(max_len_bytes_error(LABEL_VALUE_MAX_LENGTH));
    }
    if !s.is_empty() && !matches_name_format(s) {
        errs.push(regex_error(
            LABEL_VALUE_ERR_MSG,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    to_result(errs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAME_REGEX: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    const VALUE_REGEX: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    #[test]
    fn valid_keys() {
        let long_name = "a".repeat(63);
        let long_prefix = format!("{}/a", "a".repeat(253));
        for k in [
            "simple",
            "now-with-dashes",
            "1-starts-with-num",
            "1234",
            "simple/simple",
            "now-with-dashes/simple",
            "now-with-dashes/now-with-dashes",
            "now.with.dots/simple",
            "now-with.dashes-and.dots/simple",
            "1-num.2-num/3-num",
            "1234/5678",
            "1.2.3.4/5678",
            "Uppercase_Is_OK_123",
            "example.com/Uppercase_Is_OK_123",
            "requests.storage-foo",
            long_name.as_str(),
            long_prefix.as_str(),
        ] {
            assert_eq!(label_key(k), Ok(()), "{k:?}");
        }
    }

    #[test]
    fn invalid_keys() {
        let long_name = "a".repeat(64);
        let long_prefix = format!("{}/b", "a".repeat(254));
        for k in [
            "nospecialchars%^=@",
            "cantendwithadash-",
            "-cantstartwithadash-",
            "only/one/slash",
            "Example.com/abc",
            "example_com/abc",
            "example.com/",
            "/simple",
            long_name.as_str(),
            long_prefix.as_str(),
        ] {
            assert!(label_key(k).is_err(), "{k:?}");
        }
    }

    #[test]
    fn key_messages() {
        assert_eq!(
            label_key("a-"),
            Err(vec![format!("name part {NAME_REGEX}")])
        );
        assert_eq!(
            label_key("/x"),
            Err(vec!["prefix part must be non-empty".to_string()])
        );
        // An empty name reports both the emptiness and the format.
        assert_eq!(
            label_key("example.com/"),
            Err(vec![
                "name part must be non-empty".to_string(),
                format!("name part {NAME_REGEX}")
            ])
        );
        assert_eq!(
            label_key(&"a".repeat(64)),
            Err(vec!["name part must be no more than 63 bytes".to_string()])
        );
        assert_eq!(
            label_key("a/b/c"),
            Err(vec![format!(
                "a valid label key {NAME_REGEX} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            )])
        );
        let prefix = label_key("Example.com/abc").unwrap_err();
        assert_eq!(prefix.len(), 1);
        assert!(
            prefix[0].starts_with("prefix part a lowercase RFC 1123 subdomain"),
            "{prefix:?}"
        );
        let long_prefix = label_key(&format!("{}/b", "a".repeat(254))).unwrap_err();
        assert_eq!(
            long_prefix,
            vec!["prefix part must be no more than 253 bytes".to_string()]
        );
    }

    #[test]
    fn values() {
        for v in [
            "",
            "simple",
            "now-with-dashes",
            "1-starts-with-num",
            "end-with-num-1",
            "1234",
            "Uppercase_And.dots",
            &"a".repeat(63),
        ] {
            assert_eq!(label_value(v), Ok(()), "{v:?}");
        }
        for v in [
            "nospecialchars%^=@",
            "Tama-nui-te-rā.is.Māori.sun",
            "\\backslashes\\are\\bad",
            "-starts-with-dash",
            "ends-with-dash-",
            ".starts.with.dot",
            "ends.with.dot.",
        ] {
            assert_eq!(label_value(v), Err(vec![VALUE_REGEX.to_string()]), "{v:?}");
        }
        assert_eq!(
            label_value(&"a".repeat(64)),
            Err(vec!["must be no more than 63 bytes".to_string()])
        );
    }
}
