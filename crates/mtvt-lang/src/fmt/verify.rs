//! The formatter's safety net: before a result is handed out it must parse, and it must
//! hold the same tokens as the input once layout is set aside — same words, literals,
//! operators, brackets and comments in the same order, text blocks compared by their
//! dedented content; only line breaks, `;`, commas (list separators) and spacing may
//! differ. A formatter bug therefore leaves a file untouched instead of changing what
//! it means or dropping a comment.

use super::lexer::{Token, TokenKind, lex};
use crate::span::FileId;
use crate::syntax::literals::dedent;

/// `Ok` when `formatted` parses and is token-equivalent to `original`; else why not.
pub(super) fn check(original: &str, formatted: &str) -> Result<(), String> {
    let (ast, diags) = crate::syntax::parse(FileId(0), formatted);
    if ast.is_none() {
        let why = diags
            .first()
            .map_or_else(|| String::from("syntax error"), ToString::to_string);
        return Err(format!("the formatted text does not parse: {why}"));
    }
    let a = significant(original);
    let b = significant(formatted);
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

/// The tokens that carry meaning, normalized.
fn significant(src: &str) -> Vec<String> {
    lex(src)
        .into_iter()
        .filter_map(|t: Token| {
            let text = t.text(src);
            match t.kind {
                TokenKind::Newline => None,
                TokenKind::Punct if text == ";" || text == "," => None,
                TokenKind::Comment => Some(text.trim_end().to_string()),
                TokenKind::Triple => {
                    let inner = text
                        .get(3..text.len().saturating_sub(3))
                        .unwrap_or("")
                        .replace("\r\n", "\n");
                    Some(format!("\"\"\"{}", dedent(&inner)))
                }
                _ => Some(text.to_string()),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
