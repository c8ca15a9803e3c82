//! Byte spans of keys and values in a JSON document, for diagnostic labels.
//!
//! Exists because `serde_json` gives values but not positions, and an error about
//! `"password"` in profile `vsphere` should point at that text. Must only be called
//! on text that parsed (comments allowed: they are skipped like spacing; trailing
//! commas are fine), possibly masked by `mask.rs` (same layout); on anything else it
//! returns `None` rather than guessing. Like `serde_json`, the last of duplicate keys
//! wins.

use std::ops::Range;

/// Where a member is: its key (with quotes) and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Located {
    pub(crate) key: Range<usize>,
    pub(crate) value: Range<usize>,
}

/// The first byte at or after `i` that is neither spacing nor inside a comment.
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    loop {
        match (b.get(i), b.get(i + 1)) {
            (Some(b' ' | b'\t' | b'\n' | b'\r'), _) => i += 1,
            (Some(b'#'), _) | (Some(b'/'), Some(b'/')) => {
                while b.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            (Some(b'/'), Some(b'*')) => {
                i += 2;
                while b.get(i).is_some() && b.get(i..i + 2) != Some(b"*/".as_slice()) {
                    i += 1;
                }
                i += 2;
            }
            _ => return i,
        }
    }
}

/// End (exclusive) of the string starting at `i` (which is a `"`).
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// End (exclusive) of the value starting at `i`.
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = string_end(b, j)?;
                        continue;
                    }
                    b'#' | b'/' => {
                        j = skip_ws(b, j).max(j + 1);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while b.get(j).is_some_and(|c| {
                !matches!(
                    c,
                    b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r' | b'#' | b'/'
                )
            }) {
                j += 1;
            }
            Some(j)
        }
    }
}

/// Finds the member at `path` (object keys from the top level down).
pub(crate) fn locate(src: &str, path: &[&str]) -> Option<Located> {
    let b = src.as_bytes();
    let mut start = skip_ws(b, 0);
    let mut found = None;
    for (depth, key) in path.iter().enumerate() {
        let member = find_member(src, start, key)?;
        if depth + 1 == path.len() {
            found = Some(member);
        } else {
            start = member.value.start;
        }
    }
    found
}

/// The last member named `key` of the object starting at `obj`.
fn find_member(src: &str, obj: usize, key: &str) -> Option<Located> {
    let b = src.as_bytes();
    if b.get(obj) != Some(&b'{') {
        return None;
    }
    let mut i = skip_ws(b, obj + 1);
    let mut found = None;
    while b.get(i) == Some(&b'"') {
        let key_start = i;
        let key_end = string_end(b, key_start)?;
        let name: String = serde_json::from_str(src.get(key_start..key_end)?).ok()?;
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        let value_start = skip_ws(b, i + 1);
        let end = value_end(b, value_start)?;
        if name == key {
            found = Some(Located {
                key: key_start..key_end,
                value: value_start..end,
            });
        }
        i = skip_ws(b, end);
        if b.get(i) == Some(&b',') {
            i = skip_ws(b, i + 1);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
  "vsphere": {"type": "vsphere", "password": "x\"y", "copyoffload": {"datastore_id": 12}},
  "ova": {"type": "ova", "list": [1, {"a": "}"}], "type": "ova2"}
}"#;

    fn text(r: Range<usize>) -> &'static str {
        &DOC[r]
    }

    #[test]
    fn finds_keys_and_values() {
        let l = locate(DOC, &["vsphere", "password"]).unwrap();
        assert_eq!(text(l.key), "\"password\"");
        assert_eq!(text(l.value), "\"x\\\"y\"");
        let l = locate(DOC, &["vsphere", "copyoffload", "datastore_id"]).unwrap();
        assert_eq!(text(l.value), "12");
        let l = locate(DOC, &["ova"]).unwrap();
        let v = text(l.value);
        assert!(v.starts_with('{') && v.ends_with('}'));
        // The last duplicate wins, like serde_json.
        assert_eq!(
            text(locate(DOC, &["ova", "type"]).unwrap().value),
            "\"ova2\""
        );
        assert_eq!(locate(DOC, &["nope"]), None);
        assert_eq!(locate(DOC, &["vsphere", "type", "x"]), None);
    }

    #[test]
    fn skips_comments_and_trailing_commas() {
        let doc =
            "{ # top\n  \"a\": { // x\n    \"b\": /* c */ 1# d\n, \"c\": [1, /* ] */ 2,],\n  },\n}";
        let l = locate(doc, &["a", "b"]).unwrap();
        assert_eq!(&doc[l.value], "1");
        let l = locate(doc, &["a", "c"]).unwrap();
        assert_eq!(&doc[l.value], "[1, /* ] */ 2,]");
    }
}
