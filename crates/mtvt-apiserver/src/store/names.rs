//! Kubernetes name rules, as kube-apiserver applies them to `metadata` on every write:
//! object names per kind ([`NameRule`]), label keys and values, annotation keys, finalizer
//! names and owner references. Failures are [`Cause`]s with the real messages; the caller
//! wraps them into a 422 Invalid.
//!
//! This module validates metadata only; it must not look at `spec` or `status`.

use serde_json::{Map, Value};

use super::error::Cause;
use super::kinds::NameRule;

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const QUALIFIED_NAME_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

fn is_lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

/// A DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
pub fn is_dns1123_label(s: &str) -> bool {
    s.len() <= 63 && label_shape(s)
}

fn label_shape(s: &str) -> bool {
    let mut chars = s.chars();
    let (Some(first), Some(last)) = (chars.next(), s.chars().last()) else {
        return false;
    };
    is_lower_alnum(first)
        && is_lower_alnum(last)
        && s.chars().all(|c| is_lower_alnum(c) || c == '-')
}

/// A DNS-1123 subdomain: dot-separated labels, at most 253 characters.
pub fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(label_shape)
}

/// A DNS-1035 label: a DNS-1123 label that starts with a letter.
pub fn is_dns1035_label(s: &str) -> bool {
    is_dns1123_label(s) && s.starts_with(|c: char| c.is_ascii_lowercase())
}

fn name_part_ok(s: &str) -> bool {
    let ok = |c: char| c.is_ascii_alphanumeric();
    let (Some(first), Some(last)) = (s.chars().next(), s.chars().last()) else {
        return false;
    };
    ok(first) && ok(last) && s.chars().all(|c| ok(c) || c == '-' || c == '_' || c == '.')
}

/// Problems of `name` under `rule`, as messages (empty when valid).
pub fn name_problems(rule: NameRule, name: &str) -> Vec<String> {
    let mut out = Vec::new();
    match rule {
        NameRule::Subdomain => {
            if name.len() > 253 {
                out.push("must be no more than 253 characters".to_string());
            }
            if !name.split('.').all(label_shape) {
                out.push(SUBDOMAIN_MSG.to_string());
            }
        }
        NameRule::Label | NameRule::Dns1035Label => {
            if name.len() > 63 {
                out.push("must be no more than 63 characters".to_string());
            }
            let shape_ok = label_shape(name)
                && (rule == NameRule::Label || name.starts_with(|c: char| c.is_ascii_lowercase()));
            if !shape_ok {
                out.push(
                    if rule == NameRule::Label {
                        LABEL_MSG
                    } else {
                        DNS1035_MSG
                    }
                    .to_string(),
                );
            }
        }
        NameRule::PathSegment => {
            if name == "." || name == ".." {
                out.push(format!("may not be '{name}'"));
            }
            for bad in ['/', '%'] {
                if name.contains(bad) {
                    out.push(format!("may not contain '{bad}'"));
                }
            }
        }
    }
    out
}

/// The longest generateName prefix kept before the 5-character random suffix (kube's
/// name generator truncates longer prefixes so generated names stay within 63 characters).
pub const MAX_GENERATE_PREFIX: usize = 63 - 5;

/// Problems of a qualified name (label key, annotation key, finalizer).
pub fn qualified_name_problems(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (prefix, name) = match key.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        if p.is_empty() {
            out.push("prefix part must be non-empty".to_string());
        } else if !is_dns1123_subdomain(p) {
            out.push(format!("prefix part {SUBDOMAIN_MSG}"));
        }
    }
    if name.is_empty() {
        out.push("name part must be non-empty".to_string());
    } else {
        if name.len() > 63 {
            out.push("name part must be no more than 63 characters".to_string());
        }
        if !name_part_ok(name) || name.contains('/') {
            out.push(QUALIFIED_NAME_MSG.to_string());
        }
    }
    out
}

/// Problems of a label value.
pub fn label_value_problems(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    if value.len() > 63 {
        out.push("must be no more than 63 characters".to_string());
    }
    if !value.is_empty() && !name_part_ok(value) {
        out.push(LABEL_VALUE_MSG.to_string());
    }
    out
}

fn string_map_causes(meta: &Map<String, Value>, field: &str, labels: bool, out: &mut Vec<Cause>) {
    let Some(v) = meta.get(field) else { return };
    if v.is_null() {
        return;
    }
    let Some(map) = v.as_object() else {
        out.push(Cause::invalid(
            format!("metadata.{field}"),
            v,
            "must be a map of strings",
        ));
        return;
    };
    let path = format!("metadata.{field}");
    let mut total = 0usize;
    for (k, val) in map {
        for p in qualified_name_problems(k) {
            out.push(Cause::invalid(path.clone(), &Value::String(k.clone()), &p));
        }
        match val.as_str() {
            Some(s) => {
                total += k.len() + s.len();
                if labels {
                    for p in label_value_problems(s) {
                        out.push(Cause::invalid(path.clone(), val, &p));
                    }
                }
            }
            None => out.push(Cause::invalid(
                format!("{path}.{k}"),
                val,
                "must be a string",
            )),
        }
    }
    if !labels && total > 256 * 1024 {
        out.push(Cause::new(
            "FieldValueTooLong",
            path,
            "Too long: must have at most 262144 bytes".to_string(),
        ));
    }
}

/// Validates the metadata of an object about to be stored (name, labels, annotations,
/// finalizers, owner references). `name` is the final name (after generateName).
pub fn metadata_causes(rule: NameRule, meta: &Map<String, Value>, name: &str) -> Vec<Cause> {
    let mut out = Vec::new();
    if name.is_empty() {
        out.push(Cause::required(
            "metadata.name",
            "name or generateName is required",
        ));
    } else {
        for p in name_problems(rule, name) {
            out.push(Cause::invalid(
                "metadata.name",
                &Value::String(name.to_string()),
                &p,
            ));
        }
    }
    if let Some(g) = meta
        .get("generateName")
        .and_then(Value::as_str)
        .filter(|g| !g.is_empty())
    {
        // As kube: a trailing '-' is allowed in a prefix, so it is masked before the check.
        let masked = match g.strip_suffix('-') {
            Some(head) => format!("{head}a"),
            None => g.to_string(),
        };
        for p in name_problems(rule, &masked) {
            out.push(Cause::invalid(
                "metadata.generateName",
                &Value::String(g.to_string()),
                &p,
            ));
        }
    }
    string_map_causes(meta, "labels", true, &mut out);
    string_map_causes(meta, "annotations", false, &mut out);
    if let Some(f) = meta.get("finalizers").filter(|v| !v.is_null()) {
        match f.as_array() {
            Some(list) => {
                for (i, item) in list.iter().enumerate() {
                    let path = format!("metadata.finalizers[{i}]");
                    match item.as_str() {
                        Some(s) => {
                            for p in qualified_name_problems(s) {
                                out.push(Cause::invalid(path.clone(), item, &p));
                            }
                        }
                        None => out.push(Cause::invalid(path, item, "must be a string")),
                    }
                }
            }
            None => out.push(Cause::invalid(
                "metadata.finalizers",
                f,
                "must be a list of strings",
            )),
        }
    }
    if let Some(refs) = meta.get("ownerReferences").filter(|v| !v.is_null()) {
        match refs.as_array() {
            Some(list) => {
                let mut controllers = 0;
                for (i, r) in list.iter().enumerate() {
                    let path = format!("metadata.ownerReferences[{i}]");
                    for key in ["apiVersion", "kind", "name", "uid"] {
                        if r.get(key).and_then(Value::as_str).is_none_or(str::is_empty) {
                            out.push(Cause::required(
                                format!("{path}.{key}"),
                                &format!("{key} must not be empty"),
                            ));
                        }
                    }
                    if r.get("controller").and_then(Value::as_bool) == Some(true) {
                        controllers += 1;
                    }
                }
                if controllers > 1 {
                    out.push(Cause::invalid(
                        "metadata.ownerReferences",
                        refs,
                        "Only one reference can have Controller set to true",
                    ));
                }
            }
            None => out.push(Cause::invalid(
                "metadata.ownerReferences",
                refs,
                "must be a list",
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn subdomain_and_label_rules() {
        assert!(is_dns1123_subdomain("plan-a.v2"));
        assert!(!is_dns1123_subdomain("Plan_A"));
        assert!(!is_dns1123_subdomain("-a"));
        assert!(!is_dns1123_subdomain("a..b"));
        assert!(is_dns1123_label("kube-system"));
        assert!(!is_dns1123_label("a.b"));
        assert!(!is_dns1123_label(&"a".repeat(64)));
        assert!(is_dns1035_label("svc-1"));
        assert!(!is_dns1035_label("1svc"));
    }

    #[test]
    fn name_messages_match_kube() {
        let p = name_problems(NameRule::Subdomain, "Bad_Name");
        assert_eq!(p.len(), 1);
        assert!(p[0].starts_with("a lowercase RFC 1123 subdomain must consist of"));
        let p = name_problems(NameRule::Label, &"x".repeat(64));
        assert_eq!(p, vec!["must be no more than 63 characters".to_string()]);
        assert!(
            name_problems(NameRule::PathSegment, "a/b")
                .contains(&"may not contain '/'".to_string())
        );
    }

    #[test]
    fn labels_and_annotations() {
        let meta = json!({"labels": {"app.kubernetes.io/name": "ok", "bad key": "v", "k": "x".repeat(64)},
                          "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{...}"}});
        let causes = metadata_causes(NameRule::Subdomain, meta.as_object().unwrap(), "n");
        let rendered: Vec<String> = causes.iter().map(Cause::render).collect();
        assert_eq!(causes.len(), 2, "{rendered:?}");
        assert!(
            rendered[0].starts_with(
                "metadata.labels: Invalid value: \"bad key\": name part must consist of"
            )
        );
        assert!(rendered[1].ends_with("must be no more than 63 characters"));
    }

    #[test]
    fn missing_name_and_owner_refs() {
        let meta = json!({"ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": "p"}]});
        let causes = metadata_causes(NameRule::Subdomain, meta.as_object().unwrap(), "");
        let rendered: Vec<String> = causes.iter().map(Cause::render).collect();
        assert_eq!(
            rendered[0],
            "metadata.name: Required value: name or generateName is required"
        );
        assert_eq!(
            rendered[1],
            "metadata.ownerReferences[0].uid: Required value: uid must not be empty"
        );
    }

    #[test]
    fn finalizers_are_qualified_names() {
        let meta = json!({"finalizers": ["example.com/widget", "bad finalizer"]});
        let causes = metadata_causes(NameRule::Subdomain, meta.as_object().unwrap(), "n");
        assert_eq!(causes.len(), 1);
        assert_eq!(causes[0].field, "metadata.finalizers[1]");
    }
}
