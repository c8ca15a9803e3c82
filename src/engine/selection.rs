//! Selection expressions, as pytest's `-m` and `-k`: `tier0 and not warm`,
//! `(copyoffload or hooks) and not scale`. Grammar (pytest's `_pytest/mark/expression.py`):
//!
//! ```text
//! expr     := and_expr ("or" and_expr)*
//! and_expr := not_expr ("and" not_expr)*
//! not_expr := "not" not_expr | "(" expr ")" | ident
//! ident    := [A-Za-z0-9_:+.\-\[\]\\/]+
//! ```
//!
//! With `--tags` (`-m`) an identifier is true when the scenario has that tag; with `-k`
//! when it is a case-insensitive substring of the scenario's name, its file's name or one
//! of its tags. Pure.

use std::fmt;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// An identifier.
    Ident(String),
    /// `not e`.
    Not(Box<Expr>),
    /// `a and b`.
    And(Box<Expr>, Box<Expr>),
    /// `a or b`.
    Or(Box<Expr>, Box<Expr>),
}

/// Why an expression does not parse: what was expected at which column (1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based column.
    pub column: usize,
    /// What was expected and what came.
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at column {}: {}", self.column, self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    LParen,
    RParen,
    And,
    Or,
    Not,
    Ident(String),
    End,
}

impl Token {
    fn describe(&self) -> String {
        match self {
            Token::LParen => "left parenthesis".into(),
            Token::RParen => "right parenthesis".into(),
            Token::And => "and".into(),
            Token::Or => "or".into(),
            Token::Not => "not".into(),
            Token::Ident(s) => format!("identifier `{s}`"),
            Token::End => "end of input".into(),
        }
    }
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || "_:+.-[]\\/".contains(c)
}

fn lex(text: &str) -> Result<Vec<(usize, Token)>, SyntaxError> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        let column = text[..i].chars().count() + 1;
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' || c == ')' {
            chars.next();
            out.push((
                column,
                if c == '(' {
                    Token::LParen
                } else {
                    Token::RParen
                },
            ));
        } else if ident_char(c) {
            let mut word = String::new();
            while let Some(&(_, c)) = chars.peek().filter(|(_, c)| ident_char(*c)) {
                word.push(c);
                chars.next();
            }
            let token = match word.as_str() {
                "and" => Token::And,
                "or" => Token::Or,
                "not" => Token::Not,
                _ => Token::Ident(word),
            };
            out.push((column, token));
        } else {
            return Err(SyntaxError {
                column,
                message: format!("unexpected character `{c}`"),
            });
        }
    }
    out.push((text.chars().count() + 1, Token::End));
    Ok(out)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> (usize, &Token) {
        self.tokens
            .get(self.at)
            .or_else(|| self.tokens.last())
            .map_or((1, &Token::End), |(c, t)| (*c, t))
    }

    fn eat(&mut self, t: &Token) -> bool {
        let hit = self.peek().1 == t;
        if hit {
            self.at += 1;
        }
        hit
    }

    fn expected(&self, what: &str) -> SyntaxError {
        let (column, got) = self.peek();
        SyntaxError {
            column,
            message: format!("expected {what}; got {}", got.describe()),
        }
    }

    fn expr(&mut self, depth: usize) -> Result<Expr, SyntaxError> {
        let mut left = self.and_expr(depth)?;
        while self.eat(&Token::Or) {
            left = Expr::Or(Box::new(left), Box::new(self.and_expr(depth)?));
        }
        Ok(left)
    }

    fn and_expr(&mut self, depth: usize) -> Result<Expr, SyntaxError> {
        let mut left = self.not_expr(depth)?;
        while self.eat(&Token::And) {
            left = Expr::And(Box::new(left), Box::new(self.not_expr(depth)?));
        }
        Ok(left)
    }

    fn not_expr(&mut self, depth: usize) -> Result<Expr, SyntaxError> {
        if depth > 64 {
            return Err(self.expected("an expression nested at most 64 levels"));
        }
        if self.eat(&Token::Not) {
            return Ok(Expr::Not(Box::new(self.not_expr(depth + 1)?)));
        }
        if self.eat(&Token::LParen) {
            let inner = self.expr(depth + 1)?;
            if !self.eat(&Token::RParen) {
                return Err(self.expected("right parenthesis"));
            }
            return Ok(inner);
        }
        if let (_, Token::Ident(name)) = self.peek() {
            let name = name.clone();
            self.at += 1;
            return Ok(Expr::Ident(name));
        }
        Err(self.expected("a tag or name, `not` or `(`"))
    }
}

impl Expr {
    /// Parses a selection expression.
    pub fn parse(text: &str) -> Result<Expr, SyntaxError> {
        let mut p = Parser {
            tokens: lex(text)?,
            at: 0,
        };
        let e = p.expr(0)?;
        if p.peek().1 != &Token::End {
            return Err(p.expected("`and`, `or` or the end"));
        }
        Ok(e)
    }

    /// Evaluates the expression, an identifier being true when `matches` says so.
    pub fn eval(&self, matches: &dyn Fn(&str) -> bool) -> bool {
        match self {
            Expr::Ident(name) => matches(name),
            Expr::Not(e) => !e.eval(matches),
            Expr::And(a, b) => a.eval(matches) && b.eval(matches),
            Expr::Or(a, b) => a.eval(matches) || b.eval(matches),
        }
    }
}

/// What `-k` matches an identifier against: a scenario's name, its file's name and tags.
pub fn keyword_match(ident: &str, haystacks: &[&str]) -> bool {
    let needle = ident.to_lowercase();
    haystacks.iter().any(|h| h.to_lowercase().contains(&needle))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn sel(expr: &str, tags: &[&str]) -> bool {
        Expr::parse(expr).unwrap().eval(&|t| tags.contains(&t))
    }

    #[test]
    fn precedence_and_parentheses_as_pytest() {
        assert!(sel("tier0 and not warm", &["tier0"]));
        assert!(!sel("tier0 and not warm", &["tier0", "warm"]));
        // and binds tighter than or
        assert!(sel("a or b and c", &["a"]));
        assert!(!sel("(a or b) and c", &["a"]));
        assert!(sel("not not a", &["a"]));
        assert!(sel(
            "copyoffload_sanity or vsphere-8.0.3",
            &["vsphere-8.0.3"]
        ));
    }

    #[test]
    fn errors_say_what_was_expected_where() {
        let e = Expr::parse("tier0 and").unwrap_err();
        assert_eq!(e.column, 10);
        assert!(e.message.contains("got end of input"), "{e}");
        let e = Expr::parse("(a or b").unwrap_err();
        assert!(e.message.contains("right parenthesis"), "{e}");
        let e = Expr::parse("a b").unwrap_err();
        assert_eq!(e.column, 3);
        let e = Expr::parse("a & b").unwrap_err();
        assert!(e.message.contains('&'), "{e}");
        assert!(Expr::parse("").is_err());
        let deep = format!("{}a{}", "(".repeat(100), ")".repeat(100));
        assert!(Expr::parse(&deep).is_err());
    }

    #[test]
    fn keywords_are_case_insensitive_substrings() {
        let e = Expr::parse("Sanity and not warm").unwrap();
        let hay = ["sanity_cold_mtv_migration", "tier0"];
        assert!(e.eval(&|k| keyword_match(k, &hay)));
        let hay = ["sanity_warm_mtv_migration", "tier0"];
        assert!(!e.eval(&|k| keyword_match(k, &hay)));
    }
}
