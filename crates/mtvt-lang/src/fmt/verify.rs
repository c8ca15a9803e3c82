//! The formatter's safety net: before a result is handed out it must parse, and it must
//! hold the same tokens as the input once layout is set aside — same words, literals,
//! operators, brackets and comments in the same order, text blocks compared by their
//! dedented content; only line breaks, `;`, commas (list separators) and spacing may
//! differ. A formatter bug therefore leaves a file untouched instead of changing what
//! it means or dropping a comment.

use crate::span::FileId;
use crate::syntax::literals::dedent;
use crate::syntax::tokens::TokenKind;
use crate::syntax::{Parsed, parse_document};

/// `Ok` when `formatted` parses and is token-equivalent to `original` (parsed as
/// `before`); else why not.
pub(super) fn check(original: &str, before: &Parsed, formatted: &str) -> Result<(), String> {
    let after = parse_document(FileId(0), formatted);
    if !after.syntax_ok {
        let why = after
            .diagnostics
            .first()
            .map_or_else(|| String::from("syntax error"), ToString::to_string);
        return Err(format!("the formatted text does not parse: {why}"));
    }
    let a = significant(original, before);
    let b = significant(formatted, &after);
    if let Some(i) = (0..a.len().max(b.len())).find(|i| a.get(*i) != b.get(*i)) {
        let show = |v: &[String]| v.get(i).cloned().unwrap_or_else(|| String::from("<end>"));
        return Err(format!(
            "token {i} differs after formatting: `{}` became `{}`",
            show(&a),
            show(&b)
        ));
    }
    Ok(())
}

/// The tokens and comments that carry meaning, in order, normalized.
fn significant(src: &str, parsed: &Parsed) -> Vec<String> {
    let mut out: Vec<(usize, String)> = parsed
        .tokens
        .iter()
        .filter_map(|t| {
            let text = t.text(src);
            let s = match t.kind {
                TokenKind::Punct if text == ";" || text == "," => return None,
                TokenKind::Triple => {
                    let inner = text
                        .get(3..text.len().saturating_sub(3))
                        .unwrap_or("")
                        .replace("\r\n", "\n");
                    format!("\"\"\"{}", dedent(&inner))
                }
                _ => text.to_string(),
            };
            Some((t.start, s))
        })
        .collect();
    out.extend(parsed.comments.iter().map(|c| {
        let text = src.get(c.start..c.end).unwrap_or("");
        (c.start, text.trim_end().to_string())
    }));
    out.sort_by_key(|(start, _)| *start);
    out.into_iter().map(|(_, s)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(a: &str, b: &str) -> Result<(), String> {
        super::check(a, &parse_document(FileId(0), a), b)
    }

    #[test]
    fn layout_changes_are_equivalent() {
        let a = "scenario s { vm \"x\" { clone true; count 2 } # c\n}\n";
        let b = "scenario s {\n  vm \"x\" {\n    clone true\n    count 2\n  } # c\n}\n";
        assert_eq!(check(a, b), Ok(()));
    }

    #[test]
    fn lost_tokens_and_comments_are_caught() {
        let a = "scenario s { vm \"x\" } # c\n";
        assert!(check(a, "scenario s { vm \"y\" }\n").is_err());
        assert!(check(a, "scenario s { vm \"x\" }\n").is_err());
        assert!(check(a, "scenario s { vm \"x\" \n").is_err());
    }
}
