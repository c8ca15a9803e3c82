//! RFC 1123 labels and subdomains (`IsDNS1123Label`, `IsDNS1123Subdomain`).
//!
//! Exists so that object names, namespaces and Forklift template outputs are judged
//! exactly like the API server does. It must not allocate messages for valid input
//! beyond the empty `Ok`, and must not accept anything the Go regular expressions
//! reject (lengths are counted in bytes, as Go's `len` does).

use crate::{max_len_error, regex_error, to_result};

/// The regular expression of a DNS-1123 label, as printed in the error message.
pub const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
/// The regular expression of a DNS-1123 subdomain, as printed in the error message.
pub const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
/// Maximum length of a DNS-1123 label (63).
pub const DNS1123_LABEL_MAX_LENGTH: usize = 63;
/// Maximum length of a DNS-1123 subdomain (253).
pub const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;

const LABEL_ERR_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const SUBDOMAIN_ERR_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// Matches `^[a-z0-9]([-a-z0-9]*[a-z0-9])?$` (no length limit).
pub(crate) fn matches_label_format(s: &str) -> bool {
    let bytes = s.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => {
            is_lower_alnum(first)
                && is_lower_alnum(last)
                && bytes.iter().all(|&b| is_lower_alnum(b) || b == b'-')
        }
        _ => false,
    }
}

/// Matches the subdomain expression: labels joined by single dots (no length limit).
pub(crate) fn matches_subdomain_format(s: &str) -> bool {
    s.split('.').all(matches_label_format)
}

/// `IsDNS1123Label`: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
///
/// ```
/// assert!(mtvt_k8s_names::dns1123_label("plan-1-rhel9-vm-disk-0").is_ok());
/// assert_eq!(
///     mtvt_k8s_names::dns1123_label("a.b").unwrap_err(),
///     vec!["must not contain dots".to_string()]
/// );
/// ```
pub fn dns1123_label(s: &str) -> Result<(), Vec<String>> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_LABEL_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_LABEL_MAX_LENGTH));
    }
    if !matches_label_format(s) {
        if matches_subdomain_format(s) {
            // A valid subdomain but not a label: length was already checked, so dots.
            errs.push("must not contain dots".to_string());
        } else {
            errs.push(regex_error(
                LABEL_ERR_MSG,
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    to_result(errs)
}

/// `IsDNS1123Subdomain`: dot-separated labels, at most 253 characters.
pub fn dns1123_subdomain(s: &str) -> Result<(), Vec<String>> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !matches_subdomain_format(s) {
        errs.push(regex_error(
            SUBDOMAIN_ERR_MSG,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    to_result(errs)
}

/// Convenience: `dns1123_label(s).is_ok()`.
pub fn is_dns1123_label(s: &str) -> bool {
    s.len() <= DNS1123_LABEL_MAX_LENGTH && matches_label_format(s)
}

/// Convenience: `dns1123_subdomain(s).is_ok()`.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= DNS1123_SUBDOMAIN_MAX_LENGTH && matches_subdomain_format(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LABEL_REGEX_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    const SUBDOMAIN_REGEX_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    #[test]
    fn label_valid_values_from_upstream_table() {
        let long = "a".repeat(63);
        for v in [
            "a",
            "ab",
            "abc",
            "a1",
            "a-1",
            "a--1--2--b",
            "0",
            "01",
            "012",
            "1a",
            "1-a",
            "1--a--b--2",
            long.as_str(),
        ] {
            assert_eq!(dns1123_label(v), Ok(()), "{v:?}");
            assert!(is_dns1123_label(v), "{v:?}");
        }
    }

    #[test]
    fn label_invalid_values_from_upstream_table() {
        let long = "a".repeat(64);
        for v in [
            "",
            "A",
            "ABC",
            "aBc",
            "A1",
            "A-1",
            "1-A",
            "-",
            "a-",
            "-a",
            "1-",
            "-1",
            "_",
            "a_",
            "_a",
            "a_b",
            "1_",
            "_1",
            "1_2",
            ".",
            "a.",
            ".a",
            "a.b",
            "1.",
            ".1",
            "1.2",
            " ",
            "a ",
            " a",
            "a b",
            "1 ",
            " 1",
            "1 2",
            "a\n",
            "é",
            long.as_str(),
        ] {
            assert!(dns1123_label(v).is_err(), "{v:?}");
            assert!(!is_dns1123_label(v), "{v:?}");
        }
    }

    #[test]
    fn label_messages() {
        assert_eq!(
            dns1123_label("Foo_1"),
            Err(vec![LABEL_REGEX_MSG.to_string()])
        );
        assert_eq!(
            dns1123_label("a.b"),
            Err(vec!["must not contain dots".to_string()])
        );
        assert_eq!(
            dns1123_label(&"a".repeat(64)),
            Err(vec!["must be no more than 63 characters".to_string()])
        );
        assert_eq!(
            dns1123_label(&format!("{}-", "a".repeat(64))),
            Err(vec![
                "must be no more than 63 characters".to_string(),
                LABEL_REGEX_MSG.to_string()
            ])
        );
        // Too long and dotted: the length message plus the dots message.
        assert_eq!(
            dns1123_label(&format!("{}.b", "a".repeat(63))),
            Err(vec![
                "must be no more than 63 characters".to_string(),
                "must not contain dots".to_string()
            ])
        );
    }

    #[test]
    fn subdomain_values_and_messages() {
        for v in ["a.b.c.d.e", "1.2.3.4.5", "a--1--2--b.1", &"a".repeat(253)] {
            assert_eq!(dns1123_subdomain(v), Ok(()), "{v:?}");
        }
        for v in ["", "a..b", "A.a", "a.", ".a", "a_b", "a@b", "a:b", "a b"] {
            assert_eq!(
                dns1123_subdomain(v),
                Err(vec![SUBDOMAIN_REGEX_MSG.to_string()]),
                "{v:?}"
            );
        }
        assert_eq!(
            dns1123_subdomain(&"a".repeat(254)),
            Err(vec!["must be no more than 253 characters".to_string()])
        );
        assert!(is_dns1123_subdomain("openshift-mtv"));
        assert!(!is_dns1123_subdomain(&"a".repeat(254)));
    }
}
