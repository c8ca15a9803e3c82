//! Translates a Go (RE2) regular expression into the `regex` crate's dialect for
//! `mustRegexReplaceAll`.
//!
//! Exists because the two dialects differ where a name template can notice: Go's
//! `\d \w \s \b` are ASCII-only, Go accepts octal escapes and `\Q…\E`, and inside a
//! character class Go treats `[`, `&&`, `--`, `~~` literally. Must not change the
//! meaning of anything else; the `regex` crate then reports genuine syntax errors.

const DIGIT: &str = "0-9";
const WORD: &str = "0-9A-Za-z_";
const SPACE: &str = "\\t\\n\\x0C\\r ";

fn class_body(c: char) -> Option<(&'static str, bool)> {
    Some(match c {
        'd' => (DIGIT, false),
        'D' => (DIGIT, true),
        'w' => (WORD, false),
        'W' => (WORD, true),
        's' => (SPACE, false),
        'S' => (SPACE, true),
        _ => return None,
    })
}

fn escape_literal(out: &mut String, c: char) {
    if c.is_ascii_punctuation() || c == ' ' {
        out.push('\\');
    }
    out.push(c);
}

/// Rewrites `pattern` so the `regex` crate matches what Go's `regexp` would.
pub(crate) fn translate(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut i = 0;
    let mut in_class = false;
    let mut class_start = false;
    while let Some(&c) = chars.get(i) {
        i += 1;
        if c == '\\' {
            let Some(&next) = chars.get(i) else {
                out.push('\\');
                break;
            };
            i += 1;
            if let Some((body, negated)) = class_body(next) {
                match (in_class, negated) {
                    (false, false) => out.push_str(&format!("[{body}]")),
                    (false, true) | (true, true) => out.push_str(&format!("[^{body}]")),
                    (true, false) => out.push_str(body),
                }
            } else if !in_class && (next == 'b' || next == 'B') {
                out.push_str(&format!("(?-u:\\{next})"));
            } else if next == 'Q' {
                // Literal text up to \E (or the end).
                while let Some(&lit) = chars.get(i) {
                    if lit == '\\' && chars.get(i + 1) == Some(&'E') {
                        i += 2;
                        break;
                    }
                    escape_literal(&mut out, lit);
                    i += 1;
                }
            } else if next.is_digit(8)
                && (next == '0' || chars.get(i).is_some_and(|d| d.is_digit(8)))
            {
                // Go octal escape: up to three octal digits (\0, \07, \123). A single
                // non-zero digit is a back-reference, which both dialects reject.
                let mut value = next.to_digit(8).unwrap_or(0);
                let mut n = 1;
                while n < 3 {
                    match chars.get(i).and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            i += 1;
                            n += 1;
                        }
                        None => break,
                    }
                }
                out.push_str(&format!("\\x{{{value:X}}}"));
            } else {
                out.push('\\');
                out.push(next);
            }
            class_start = false;
            continue;
        }
        if in_class {
            match c {
                ']' if !class_start => {
                    in_class = false;
                    out.push(']');
                }
                '[' if chars.get(i) == Some(&':') => {
                    // POSIX class such as [:alpha:], copied through its closing ":]".
                    out.push('[');
                    while let Some(&p) = chars.get(i) {
                        out.push(p);
                        i += 1;
                        if p == ']' {
                            break;
                        }
                    }
                }
                '[' | '&' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                '-' if chars.get(i) == Some(&'-') => out.push_str("\\-"),
                other => out.push(other),
            }
            class_start = false;
            continue;
        }
        if c == '[' {
            in_class = true;
            out.push('[');
            if chars.get(i) == Some(&'^') {
                out.push('^');
                i += 1;
            }
            class_start = true;
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_classes_become_ascii() {
        assert_eq!(translate(r"\d+"), "[0-9]+");
        assert_eq!(translate(r"[\w.]"), "[0-9A-Za-z_.]");
        assert_eq!(translate(r"[^\S]"), r"[^[^\t\n\x0C\r ]]");
        assert_eq!(translate(r"\bx\B"), r"(?-u:\b)x(?-u:\B)");
    }

    #[test]
    fn go_only_syntax() {
        assert_eq!(translate(r"\Qa.b\E+"), r"a\.b+");
        assert_eq!(translate(r"\101"), r"\x{41}");
        assert_eq!(translate(r"\1"), r"\1", "back-references stay errors");
        assert_eq!(translate(r"[a[]"), r"[a\[]");
        assert_eq!(translate(r"[]a]"), "[]a]");
        assert_eq!(translate(r"[a&&b]"), r"[a\&\&b]");
        assert_eq!(translate(r"[[:alpha:]-]"), "[[:alpha:]-]");
        assert_eq!(translate(r"a(b|c)*$"), "a(b|c)*$");
    }

    #[test]
    fn translated_patterns_compile() {
        for p in [
            r"[^a-z0-9-]",
            r"\d{2,3}",
            r"(?i)vm_(\w+)",
            r"[\d\s]+",
            r"\Q[x]\E",
            r"\0",
        ] {
            let t = translate(p);
            assert!(regex::bytes::Regex::new(&t).is_ok(), "{p} -> {t}");
        }
    }
}
