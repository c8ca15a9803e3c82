//! Masks secret values in providers-file text before it is attached to a diagnostic.
//!
//! Exists because a diagnostic prints the source lines around its label, and those
//! lines can hold a password. Works lexically (also on text that is not valid
//! JSON): the string value following a key that looks secret (`password`,
//! `storage_password`, a misspelt `pasword`, `token`, `secret`) has each of its bytes
//! replaced by `*`, so byte offsets stay valid. Must not change anything else.

fn looks_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["pass", "pasw", "pwd", "secret", "token"]
        .iter()
        .any(|needle| k.contains(needle))
}

/// End (exclusive) of the JSON-ish string starting at `i` (a `"`), if closed on the
/// same line.
fn string_end(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        match *b.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            b'\n' => return None,
            _ => i += 1,
        }
    }
}

/// `src` with the contents of secret-looking string values replaced by `*`.
pub(crate) fn redact_secrets(src: &str) -> String {
    let mut out = src.as_bytes().to_vec();
    let b = src.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b.get(i) != Some(&b'"') {
            i += 1;
            continue;
        }
        let Some(key_end) = string_end(b, i) else {
            i += 1;
            continue;
        };
        let key = src.get(i + 1..key_end - 1).unwrap_or_default();
        let mut j = key_end;
        while b.get(j).is_some_and(|c| matches!(c, b' ' | b'\t')) {
            j += 1;
        }
        if b.get(j) == Some(&b':') && looks_secret(key) {
            j += 1;
            while b.get(j).is_some_and(|c| matches!(c, b' ' | b'\t')) {
                j += 1;
            }
            if b.get(j) == Some(&b'"') {
                let end = string_end(b, j).unwrap_or_else(|| {
                    b.iter()
                        .skip(j + 1)
                        .position(|&c| c == b'\n')
                        .map_or(b.len(), |p| j + 1 + p)
                });
                let inner_end = if b.get(end.wrapping_sub(1)) == Some(&b'"') && end > j + 1 {
                    end - 1
                } else {
                    end
                };
                for byte in out.iter_mut().take(inner_end).skip(j + 1) {
                    *byte = b'*';
                }
                i = end;
                continue;
            }
            // A number or literal where a secret string belongs: mask it too.
            let mut end = j;
            while b.get(end).is_some_and(|c| {
                !matches!(c, b',' | b'}' | b']' | b'\n' | b'\r' | b' ' | b'{' | b'[')
            }) {
                end += 1;
            }
            for byte in out.iter_mut().take(end).skip(j) {
                *byte = b'*';
            }
            i = end.max(j);
            continue;
        }
        i = key_end;
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secret_values_only() {
        let src = r#"{"password": "hunter2", "username": "bob", "storage_password":"a\"b", "pasword": "x"}"#;
        let red = redact_secrets(src);
        assert_eq!(red.len(), src.len());
        assert!(!red.contains("hunter2") && !red.contains("a\\\"b"));
        assert!(red.contains("\"bob\""));
        assert!(red.contains("\"password\": \"*******\""));
        assert!(red.contains("\"pasword\": \"*\""));
        assert_eq!(
            redact_secrets(r#"{"password": 12345, "x": 1}"#),
            r#"{"password": *****, "x": 1}"#
        );
    }

    #[test]
    fn works_on_broken_json() {
        let src = "{\n  \"password\": \"x\",  # pragma: allowlist secret\n  \"esxi_password\": \"unterminated\n}";
        let red = redact_secrets(src);
        assert!(red.contains("\"password\": \"*\","));
        assert!(!red.contains("unterminated"));
        assert_eq!(red.len(), src.len());
    }
}
