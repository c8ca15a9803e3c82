//! Kubernetes name and label rules, with the exact error texts of
//! `k8s.io/apimachinery`.
//!
//! Why this crate exists: the checker (`mtvt check`), the runner (`mtvt run`) and the
//! emulator (`mtvt sim`) must agree with a real API server on which names are valid and
//! must print the same messages a `kubectl` user already knows from 422 `Invalid`
//! responses. The rules live here once.
//!
//! What it must not do: know about scenarios, diagnostics, HTTP or MTV (Forklift's
//! VM-name sanitiser is MTV vocabulary: `mtvt_vocab::forklift_vm_name`). Every function
//! is pure and returns plain strings.
//!
//! Upstream version: the messages follow `k8s.io/apimachinery` v0.35 and later
//! (Kubernetes 1.35+, the `latest` feature of `k8s-openapi` used by mtvt). In that
//! version label keys and values report lengths in "bytes" and the label-key format
//! error starts with "a valid label key"; DNS labels and subdomains still say
//! "characters". Kubernetes 1.34 and older say "characters" everywhere and
//! "a qualified name" instead of "a valid label key".
//!
//! ```
//! use mtvt_k8s_names::dns1123_label;
//! assert!(dns1123_label("rhel9-vm").is_ok());
//! assert_eq!(dns1123_label("Rhel9").unwrap_err().len(), 1);
//! ```

mod dns;
mod generate_name;
mod label;

pub use dns::{
    DNS1123_LABEL_FMT, DNS1123_LABEL_MAX_LENGTH, DNS1123_SUBDOMAIN_FMT,
    DNS1123_SUBDOMAIN_MAX_LENGTH, dns1123_label, dns1123_subdomain, is_dns1123_label,
    is_dns1123_subdomain,
};
pub use generate_name::{
    GENERATE_NAME_ALPHABET, GENERATE_NAME_RANDOM_LENGTH, MAX_GENERATE_NAME_PREFIX,
    generate_name_prefix, matches_generate_name,
};
pub use label::{
    LABEL_KEY_FMT, LABEL_KEY_NAME_MAX_LENGTH, LABEL_VALUE_FMT, LABEL_VALUE_MAX_LENGTH, label_key,
    label_value,
};

/// `must be no more than N characters` (apimachinery `validation.MaxLenError`).
pub(crate) fn max_len_error(length: usize) -> String {
    format!("must be no more than {length} characters")
}

/// `must be no more than N bytes` (apimachinery `content.MaxLenError`, used for labels).
pub(crate) fn max_len_bytes_error(length: usize) -> String {
    format!("must be no more than {length} bytes")
}

/// apimachinery `RegexError`: the message, the examples and the regular expression.
///
/// Upstream joins examples as `'a',  or 'b', ` (comma, two spaces): kubectl users see
/// exactly that text, so it is kept.
pub(crate) fn regex_error(msg: &str, fmt: &str, examples: &[&str]) -> String {
    if examples.is_empty() {
        return format!("{msg} (regex used for validation is '{fmt}')");
    }
    let mut out = format!("{msg} (e.g. ");
    for (i, example) in examples.iter().enumerate() {
        if i > 0 {
            out.push_str(" or ");
        }
        out.push('\'');
        out.push_str(example);
        out.push_str("', ");
    }
    out.push_str("regex used for validation is '");
    out.push_str(fmt);
    out.push_str("')");
    out
}

/// Turns a list of messages into the `Result` shape used by every check.
pub(crate) fn to_result(errs: Vec<String>) -> Result<(), Vec<String>> {
    if errs.is_empty() { Ok(()) } else { Err(errs) }
}
