//! The top-level definitions of a text (`check`, `fragment`, `hook` and `scenario` names,
//! check descriptions) and its `use` lines, found with the lexer so they are available
//! while the document does not parse. Loading imports and resolving references is
//! `scope`; this module never reads files and never reports errors (the checker does).

use mtvt_lang::fmt::lexer::{Token, TokenKind, lex};

/// Kinds of top-level definitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefKind {
    /// `check NAME …`
    Check,
    /// `fragment NAME …`
    Fragment,
    /// `hook NAME { … }`
    Hook,
    /// `scenario NAME …`
    Scenario,
}

impl DefKind {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            DefKind::Check => "check",
            DefKind::Fragment => "fragment",
            DefKind::Hook => "hook",
            DefKind::Scenario => "scenario",
        }
    }
}

/// One definition.
#[derive(Debug, Clone)]
pub struct Def {
    /// What it is.
    pub kind: DefKind,
    /// Its name.
    pub name: String,
    /// Byte range of the name in its file.
    pub name_start: usize,
    /// End of the name.
    pub name_end: usize,
    /// A check's description, or the members of a composite check (`all of a, b`).
    pub summary: Option<String>,
}

/// A `use` line of a document.
#[derive(Debug, Clone)]
pub struct UseRef {
    /// The target as written, without quotes.
    pub target: String,
    /// A quoted (file) target.
    pub is_file: bool,
    /// The `as` alias.
    pub alias: Option<String>,
    /// Byte range of the target, quotes included.
    pub start: usize,
    /// End of the target.
    pub end: usize,
}

/// The top-level definitions of a text.
pub fn definitions(src: &str) -> Vec<Def> {
    let toks = significant(src);
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut line_start = true;
    for (i, t) in toks.iter().enumerate() {
        let text = t.text(src);
        match (t.kind, text) {
            (TokenKind::Punct, "{") => depth += 1,
            (TokenKind::Punct, "}") => depth = depth.saturating_sub(1),
            _ => {}
        }
        let at_item = depth == 0 && line_start && t.kind == TokenKind::Word;
        line_start = t.kind == TokenKind::Newline || (t.kind == TokenKind::Punct && text == "}");
        if !at_item {
            continue;
        }
        let kind = match text {
            "check" => DefKind::Check,
            "fragment" => DefKind::Fragment,
            "hook" => DefKind::Hook,
            "scenario" => DefKind::Scenario,
            _ => continue,
        };
        let Some(name) = toks.get(i + 1).filter(|n| n.kind == TokenKind::Word) else {
            continue;
        };
        let summary = (kind == DefKind::Check)
            .then(|| check_summary(src, toks.get(i + 2..).unwrap_or(&[])))
            .flatten();
        out.push(Def {
            kind,
            name: name.text(src).to_string(),
            name_start: name.start,
            name_end: name.end,
            summary,
        });
    }
    out
}

/// `"description"` or `= a, b` after a check's name.
fn check_summary(src: &str, rest: &[Token]) -> Option<String> {
    let first = rest.first()?;
    match first.kind {
        TokenKind::Str => {
            let t = first.text(src);
            Some(
                t.get(1..t.len().saturating_sub(1))
                    .unwrap_or("")
                    .to_string(),
            )
        }
        TokenKind::Punct if first.text(src) == "=" => {
            let mut names: Vec<String> = vec![String::new()];
            let mut prev = "=";
            for t in rest.iter().skip(1) {
                let text = t.text(src);
                match (t.kind, text) {
                    (TokenKind::Word, _) | (TokenKind::Punct, ".") => {
                        if let Some(last) = names.last_mut() {
                            last.push_str(text);
                        }
                    }
                    (TokenKind::Punct, ",") => names.push(String::new()),
                    (TokenKind::Newline, _) if prev == "," || prev == "=" => continue,
                    _ => break,
                }
                prev = text;
            }
            let parts: Vec<String> = names
                .iter()
                .filter(|n| !n.is_empty())
                .map(|n| format!("`{n}`"))
                .collect();
            (!parts.is_empty()).then(|| format!("all of {}", parts.join(", ")))
        }
        _ => None,
    }
}

/// The `use` lines of a text.
pub fn uses(src: &str) -> Vec<UseRef> {
    let toks = significant(src);
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if t.kind != TokenKind::Word || t.text(src) != "use" {
            continue;
        }
        if i > 0
            && toks
                .get(i - 1)
                .is_some_and(|p| p.kind != TokenKind::Newline)
        {
            continue;
        }
        let Some(first) = toks.get(i + 1) else {
            continue;
        };
        let (target, is_file, start, end, j) = match first.kind {
            TokenKind::Str | TokenKind::Raw => {
                let q = first.text(src);
                let inner = q.get(1..q.len().saturating_sub(1)).unwrap_or("");
                (inner.to_string(), true, first.start, first.end, i + 2)
            }
            TokenKind::Word => {
                // std/checks: words joined by `/` with no spaces.
                let mut j = i + 1;
                let mut end = first.end;
                while let (Some(slash), Some(w)) = (toks.get(j + 1), toks.get(j + 2)) {
                    if slash.text(src) == "/" && slash.start == end && w.kind == TokenKind::Word {
                        end = w.end;
                        j += 2;
                    } else {
                        break;
                    }
                }
                let target = src.get(first.start..end).unwrap_or("").to_string();
                (target, false, first.start, end, j + 1)
            }
            _ => continue,
        };
        let alias = toks
            .get(j)
            .filter(|t| t.text(src) == "as")
            .and_then(|_| toks.get(j + 1))
            .filter(|a| a.kind == TokenKind::Word)
            .map(|a| a.text(src).to_string());
        out.push(UseRef {
            target,
            is_file,
            alias,
            start,
            end,
        });
    }
    out
}

/// Tokens without comments (line breaks kept).
fn significant(src: &str) -> Vec<Token> {
    lex(src)
        .into_iter()
        .filter(|t| t.kind != TokenKind::Comment)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_and_summaries() {
        let src = "use std/checks\n# check fake\ncheck a \"the a check\" {\n  when x { skip \"y\" }\n}\ncheck all = a, b,\n  c\nfragment f { tags x }\nhook h { result fail }\nscenario s extends f { vm \"v\" }\n";
        let defs = definitions(src);
        let names: Vec<(DefKind, &str, Option<&str>)> = defs
            .iter()
            .map(|d| (d.kind, d.name.as_str(), d.summary.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                (DefKind::Check, "a", Some("the a check")),
                (DefKind::Check, "all", Some("all of `a`, `b`, `c`")),
                (DefKind::Fragment, "f", None),
                (DefKind::Hook, "h", None),
                (DefKind::Scenario, "s", None),
            ]
        );
        assert_eq!(&src[defs[0].name_start..defs[0].name_end], "a");
    }

    #[test]
    fn use_lines() {
        let src = "use std/checks\nuse \"./common.mtvt\" as c\nuse 'x.mtvt'\nscenario s { }\n";
        let u = uses(src);
        assert_eq!(u.len(), 3);
        assert_eq!((u[0].target.as_str(), u[0].is_file), ("std/checks", false));
        assert_eq!(&src[u[0].start..u[0].end], "std/checks");
        assert_eq!(
            (u[1].target.as_str(), u[1].alias.as_deref()),
            ("./common.mtvt", Some("c"))
        );
        assert_eq!(&src[u[1].start..u[1].end], "\"./common.mtvt\"");
        assert!(u[2].is_file);
    }
}
