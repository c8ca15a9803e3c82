//! What of a providers file a diagnostic may show: the text every excerpt is cut from,
//! with every value that is not known to be harmless replaced by `*`.
//!
//! Exists because a diagnostic prints the lines around its label, and those lines hold
//! passwords — also, in a file that does not parse, in places no parser can name
//! (`'password': 'x'`, `password: "x"`, `"password" = "x"`, a password in a comment).
//! It works on what is allowed, never on a list of what to hide:
//! - every comment's text is masked (only `#`, `//`, `/*`, `*/` and spacing remain);
//! - a file that parses ([`Trust::Parsed`]): keys are shown; a value is shown only under
//!   a key of [`fields::SHOWN`]; every other value (secret fields, unknown or misspelt
//!   keys, the top level) is masked;
//! - a file that does not parse ([`Trust::Broken`]): only punctuation (a lone `=` too),
//!   spacing, quotes and the names of fields mtvt reads ([`fields::known`]) in key
//!   position are shown; every other token is masked, whatever its quoting.
//!
//! Each masked byte becomes one `*` and line breaks stay, so byte offsets, lines and
//! columns are those of the file. Must not parse values or decide anything about the
//! profile: it only lexes.

use crate::fields;

/// How far the text can be trusted to be structured as it looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trust {
    /// The text parsed (after comment stripping): keys and values are where they seem.
    Parsed,
    /// The text did not parse: any token may be a secret out of place.
    Broken,
}

/// `src` as a diagnostic may show it (same length, same line breaks).
pub(crate) fn masked(src: &str, trust: Trust) -> String {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let mut walk = Walk {
        trust,
        stack: Vec::new(),
        prev: None,
        line_start: true,
    };
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let next = b.get(i + 1).copied();
        i = match (c, next) {
            (b'\n', _) => {
                walk.line_start = true;
                i + 1
            }
            (b' ' | b'\t' | b'\r', _) => i + 1,
            (b'{' | b'[' | b'}' | b']' | b':' | b',', _) => {
                walk.punct(c);
                i + 1
            }
            (b'#', _) => comment(&mut out, b, i + 1, None),
            (b'/', Some(b'/')) => comment(&mut out, b, i + 2, None),
            (b'/', Some(b'*')) => comment(&mut out, b, i + 2, Some(b"*/")),
            (b'"' | b'\'', _) => {
                let end = string_end(b, i, c);
                let inner_end = if end > i + 1 && b.get(end - 1) == Some(&c) {
                    end - 1
                } else {
                    end
                };
                token(&mut out, src, &mut walk, i + 1, inner_end);
                end
            }
            _ => {
                let end = word_end(b, i);
                token(&mut out, src, &mut walk, i, end);
                end
            }
        };
    }
    // Only whole tokens were replaced, at ASCII boundaries, by ASCII: still UTF-8. Were it
    // not, nothing of the text is shown.
    String::from_utf8(out).unwrap_or_else(|_| {
        src.bytes()
            .map(|c| if c == b'\n' { '\n' } else { '*' })
            .collect()
    })
}

/// Where the walk is: enough structure to tell keys from values.
struct Walk {
    trust: Trust,
    /// Open containers: objects (whether the current key's value is shown) and arrays
    /// (whether their elements are shown).
    stack: Vec<Frame>,
    /// The last punctuation, or `b'v'` after a key or value token.
    prev: Option<u8>,
    /// No token yet on this line.
    line_start: bool,
}

struct Frame {
    object: bool,
    shown: bool,
}

impl Walk {
    fn punct(&mut self, c: u8) {
        match c {
            b'{' => self.stack.push(Frame {
                object: true,
                shown: false,
            }),
            b'[' => {
                let shown = self.value_shown();
                self.stack.push(Frame {
                    object: false,
                    shown,
                });
            }
            b'}' | b']' => {
                self.stack.pop();
            }
            _ => {}
        }
        self.prev = Some(c);
        self.line_start = false;
    }

    fn value_shown(&self) -> bool {
        self.stack.last().is_some_and(|f| f.shown)
    }

    /// Whether the token `text` may be shown; records keys.
    fn text(&mut self, text: &str) -> bool {
        let after_separator = matches!(self.prev, None | Some(b'{' | b','));
        let show = match self.trust {
            Trust::Parsed => {
                let in_object = self.stack.last().is_some_and(|f| f.object);
                if in_object && matches!(self.prev, Some(b'{' | b',')) {
                    if let Some(top) = self.stack.last_mut() {
                        top.shown = fields::shown(text);
                    }
                    true
                } else {
                    self.value_shown()
                }
            }
            Trust::Broken => {
                // `=` written for `:` is punctuation too
                text == "=" || ((after_separator || self.line_start) && fields::known(text))
            }
        };
        self.prev = Some(b'v');
        self.line_start = false;
        show
    }
}

/// Shows or masks the token `start..end` (a word, or a string's contents).
fn token(out: &mut [u8], src: &str, walk: &mut Walk, start: usize, end: usize) {
    let text = src.get(start..end).unwrap_or_default();
    if !walk.text(text) {
        for byte in out.iter_mut().take(end).skip(start) {
            *byte = b'*';
        }
    }
}

/// Masks a comment's text from `start` to the end of the line (`close` None) or to
/// `close`; returns where the comment ends. Spacing and line breaks stay.
fn comment(out: &mut [u8], b: &[u8], start: usize, close: Option<&[u8]>) -> usize {
    let (text_end, end) = match close {
        None => {
            let e = b
                .iter()
                .skip(start)
                .position(|&c| c == b'\n')
                .map_or(b.len(), |p| start + p);
            (e, e)
        }
        Some(close) => match b
            .get(start..)
            .and_then(|rest| rest.windows(close.len()).position(|w| w == close))
        {
            Some(p) => (start + p, start + p + close.len()),
            None => (b.len(), b.len()),
        },
    };
    for byte in out.iter_mut().take(text_end).skip(start) {
        if !matches!(byte, b' ' | b'\t' | b'\r' | b'\n') {
            *byte = b'*';
        }
    }
    end
}

/// End (exclusive) of the string opened by `quote` at `i`: after the closing quote, or
/// at the end of the line or text when it is not closed.
fn string_end(b: &[u8], i: usize, quote: u8) -> usize {
    let mut j = i + 1;
    loop {
        match b.get(j) {
            None | Some(b'\n') => return j,
            Some(b'\\') if b.get(j + 1).is_some_and(|&c| c != b'\n') => j += 2,
            Some(&c) if c == quote => return j + 1,
            Some(_) => j += 1,
        }
    }
}

/// End (exclusive) of a bare word (an unquoted key or value, a number, `true`, `=`, …).
fn word_end(b: &[u8], i: usize) -> usize {
    let mut j = i + 1;
    while let Some(&c) = b.get(j) {
        let ends = match c {
            b' ' | b'\t' | b'\r' | b'\n' | b'{' | b'[' | b'}' | b']' | b':' | b',' | b'"' => true,
            b'\'' | b'#' => true,
            b'/' => matches!(b.get(j + 1), Some(b'/' | b'*')),
            _ => false,
        };
        if ends {
            break;
        }
        j += 1;
    }
    j.min(b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(src: &str) -> String {
        let m = masked(src, Trust::Parsed);
        assert_eq!(m.len(), src.len());
        m
    }

    fn broken(src: &str) -> String {
        let m = masked(src, Trust::Broken);
        assert_eq!(m.len(), src.len());
        assert_eq!(m.lines().count(), src.lines().count());
        m
    }

    #[test]
    fn parsed_text_shows_keys_and_public_values_only() {
        let src = r#"{"lab": {"type": "vsphere", "password": "hunter2", "pasword": "typo", "x": 12, "copyoffload": {"storage_password": "s3", "ontap_svm": "svm", "list": ["a"]}}}"#;
        assert_eq!(
            parsed(src),
            r#"{"lab": {"type": "vsphere", "password": "*******", "pasword": "****", "x": **, "copyoffload": {"storage_password": "**", "ontap_svm": "svm", "list": ["*"]}}}"#
        );
        // the top level and values in arrays under unknown keys
        assert_eq!(parsed(r#"["a", {"fqdn": "f"}]"#), r#"["*", {"fqdn": "f"}]"#);
        assert_eq!(parsed(r#""text""#), r#""****""#);
    }

    #[test]
    fn comments_are_masked_in_both_modes() {
        let src = "{\n  \"password\": \"p\", # old: hunter2\n  // \"fqdn\": \"x\"\n  /* pw\n hunter3 */ \"type\": \"ova\"\n}";
        let want = "{\n  \"password\": \"*\", # **** *******\n  // ******* ***\n  /* **\n ******* */ \"type\": \"ova\"\n}";
        assert_eq!(parsed(src), want);
        let b = broken(src);
        assert!(!b.contains("hunter") && !b.contains("ova"), "{b}");
        assert!(b.contains("\"password\"") && b.contains("\"type\""), "{b}");
    }

    #[test]
    fn broken_text_shows_only_known_keys_in_key_position() {
        let cases = [
            ("{'password': 'sq-secret',}", "{'password': '*********',}"),
            ("{password: \"uq-secret\"}", "{password: \"*********\"}"),
            (
                "{\"password\" = \"eq-secret\"}",
                "{\"password\" = \"*********\"}",
            ),
            ("{\"password\": a=b}", "{\"password\": ***}"),
            (
                "{\"password\": \"mc-secret\"\n \"username\": \"bob\"}",
                "{\"password\": \"*********\"\n \"username\": \"***\"}",
            ),
            // a known word out of key position is a value
            (
                "{\"password\": \"username\"}",
                "{\"password\": \"********\"}",
            ),
            // profile names and unknown keys are masked too
            ("{\"lab\": {\"token\": 1}}", "{\"***\": {\"*****\": *}}"),
            ("{\"a\": \"unterminated", "{\"*\": \"************"),
            ("{\"a\": \"x\\\"y\"}", "{\"*\": \"****\"}"),
        ];
        for (src, want) in cases {
            assert_eq!(broken(src), want, "{src}");
        }
    }

    #[test]
    fn multibyte_values_keep_offsets() {
        let src = "{\"password\": \"pässwörd\", \"fqdn\": \"é\"} # ü";
        let p = parsed(src);
        assert!(
            !p.contains('ä') && p.contains("\"é\"") && !p.contains('ü'),
            "{p}"
        );
        let b = broken(src);
        assert!(b.is_ascii(), "{b}");
    }
}
