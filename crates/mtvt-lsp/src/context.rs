//! Where a position is in a document, from tokens alone — so completion and hover work
//! while the text does not parse yet (the parser stops at the first syntax error). The
//! result is the stack of enclosing constructs (top level, a block of some kind, a check
//! body, an object, a bracket), the tokens of the current entry or statement before the
//! position, and the word or string under it. It decides nothing about what to offer.

use mtvt_lang::fmt::lexer::{Token, TokenKind, lex};
use mtvt_lang::schema::keys::{BlockKind, Shape, ValueShape};

/// One enclosing construct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// Top-level items.
    Top,
    /// A block of entries.
    Block(BlockKind),
    /// `matrix { dim [values] }`.
    Matrix,
    /// `{ key: value }`; `provider_names` for `name_for { ova: "…" }`.
    Object {
        /// Keys are provider types.
        provider_names: bool,
    },
    /// Statements of a check.
    CheckBody,
    /// Inside `(` or `[`.
    Bracket,
}

/// The analysis of one position.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    /// The document.
    pub src: &'a str,
    /// The analyzed position.
    pub offset: usize,
    /// Every token of the document.
    pub all: Vec<Token>,
    /// Enclosing constructs, outermost first.
    pub frames: Vec<Frame>,
    /// Significant tokens of the current entry/statement before the position (brackets
    /// and their contents included; nested `{…}` bodies replaced by their braces).
    pub stmt: Vec<Token>,
    /// The identifier that contains or ends at the position (the prefix being typed).
    pub word: Option<Token>,
    /// The string literal that contains the position.
    pub string: Option<Token>,
    /// The position is inside a comment.
    pub in_comment: bool,
    /// Start of the enclosing top-level `check` declaration.
    pub check_start: Option<usize>,
}

impl Cursor<'_> {
    /// The innermost frame.
    pub fn frame(&self) -> Frame {
        self.frames.last().copied().unwrap_or(Frame::Top)
    }

    /// The innermost frame that is not a bracket.
    pub fn outer_frame(&self) -> Frame {
        self.frames
            .iter()
            .rev()
            .find(|f| **f != Frame::Bracket)
            .copied()
            .unwrap_or(Frame::Top)
    }

    /// Text of the i-th token of the statement.
    pub fn stmt_text(&self, i: usize) -> Option<&str> {
        self.stmt.get(i).map(|t| t.text(self.src))
    }

    /// Texts of the statement's tokens.
    pub fn stmt_texts(&self) -> Vec<&str> {
        self.stmt.iter().map(|t| t.text(self.src)).collect()
    }

    /// The text of the word under the position (empty when none).
    #[cfg(test)]
    pub fn word_text(&self) -> &str {
        self.word.map_or("", |w| w.text(self.src))
    }

    /// True when the position is inside a check body (possibly in brackets).
    pub fn in_check(&self) -> bool {
        self.outer_frame() == Frame::CheckBody
    }

    /// Local variables of the enclosing check declared before the position.
    pub fn locals(&self) -> std::collections::HashMap<String, mtvt_lang::schema::types::Type> {
        let Some(start) = self.check_start else {
            return std::collections::HashMap::new();
        };
        let toks: Vec<Token> = self
            .all
            .iter()
            .filter(|t| t.start >= start && t.start < self.offset)
            .copied()
            .collect();
        crate::types::locals(self.src, &toks)
    }
}

/// Analyzes the position `offset` (a byte offset) of `src`.
pub fn analyze(src: &str, offset: usize) -> Cursor<'_> {
    let all = lex(src);
    let mut frames = vec![Frame::Top];
    let mut stmt: Vec<Token> = Vec::new();
    let mut saved: Vec<Vec<Token>> = Vec::new();
    let mut word = None;
    let mut string = None;
    let mut in_comment = false;
    let mut check_start = None;
    for t in &all {
        let t = *t;
        if t.start >= offset {
            break;
        }
        if offset <= t.end {
            match t.kind {
                TokenKind::Word => {
                    word = Some(t);
                    break;
                }
                TokenKind::Str | TokenKind::Raw | TokenKind::Triple
                    if offset < t.end || !t.closed =>
                {
                    string = Some(t);
                    break;
                }
                TokenKind::Comment => {
                    in_comment = true;
                    break;
                }
                _ => {}
            }
        }
        let top = frames.last().copied().unwrap_or(Frame::Top);
        let text = t.text(src);
        match t.kind {
            TokenKind::Comment => {}
            TokenKind::Newline => {
                if separates(top, &stmt, src) {
                    stmt.clear();
                }
            }
            TokenKind::Punct => match text {
                ";" => stmt.clear(),
                "," if matches!(top, Frame::Object { .. }) => stmt.clear(),
                "{" => {
                    let frame = frame_for(top, &stmt, src);
                    if top == Frame::Top && frame == Frame::CheckBody {
                        check_start = stmt.first().map(|s| s.start);
                    }
                    let mut outer = std::mem::take(&mut stmt);
                    outer.push(t);
                    saved.push(outer);
                    frames.push(frame);
                }
                "}" => {
                    while frames.last() == Some(&Frame::Bracket) {
                        frames.pop();
                    }
                    if frames.len() > 1 {
                        frames.pop();
                        stmt = saved.pop().unwrap_or_default();
                        stmt.push(t);
                        if frames.len() == 1 {
                            check_start = None;
                        }
                    } else {
                        stmt.clear();
                    }
                }
                "(" | "[" => {
                    frames.push(Frame::Bracket);
                    stmt.push(t);
                }
                ")" | "]" => {
                    if frames.last() == Some(&Frame::Bracket) {
                        frames.pop();
                    }
                    stmt.push(t);
                }
                _ => stmt.push(t),
            },
            _ => stmt.push(t),
        }
    }
    Cursor {
        src,
        offset,
        all,
        frames,
        stmt,
        word,
        string,
        in_comment,
        check_start,
    }
}

/// Whether a line break ends the current entry or statement.
fn separates(top: Frame, stmt: &[Token], src: &str) -> bool {
    match top {
        Frame::Bracket => false,
        Frame::Object { .. } => true,
        _ => !stmt.last().is_some_and(|t| continues(t, src)),
    }
}

/// Tokens after which a line continues (commas, `=`, infix operators).
fn continues(t: &Token, src: &str) -> bool {
    let text = t.text(src);
    match t.kind {
        TokenKind::Punct => matches!(text, "," | "=" | "==" | "!=" | "<" | "<=" | ">" | ">="),
        TokenKind::Word => matches!(
            text,
            "and" | "or" | "not" | "in" | "contains" | "starts_with" | "ends_with" | "matches"
        ),
        _ => false,
    }
}

/// The construct a `{` opens, given the frame it is in and the tokens before it.
fn frame_for(top: Frame, stmt: &[Token], src: &str) -> Frame {
    let first = stmt.first().map_or("", |t| t.text(src));
    let object = Frame::Object {
        provider_names: false,
    };
    match top {
        Frame::Top => match first {
            "scenario" | "fragment" => Frame::Block(BlockKind::Scenario),
            "session" => Frame::Block(BlockKind::Session),
            "hook" => Frame::Block(BlockKind::Hook),
            "check" => Frame::CheckBody,
            _ => object,
        },
        Frame::Block(kind) => match first {
            "vm" => Frame::Block(BlockKind::Vm),
            "plan" => Frame::Block(BlockKind::Plan),
            "hook" => Frame::Block(BlockKind::Hook),
            "matrix" => Frame::Matrix,
            key => match kind.key(key).map(|k| k.shape) {
                Some(Shape::Block(b)) => Frame::Block(b),
                Some(Shape::Value(ValueShape::ProviderNames)) => Frame::Object {
                    provider_names: true,
                },
                _ => object,
            },
        },
        Frame::CheckBody => Frame::CheckBody,
        Frame::Matrix | Frame::Object { .. } | Frame::Bracket => object,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(src: &str) -> (Vec<Frame>, Vec<String>, String) {
        let offset = src.find('|').unwrap();
        let text = src.replace('|', "");
        let c = analyze(&text, offset);
        let stmt = c.stmt_texts().iter().map(|s| s.to_string()).collect();
        (c.frames.clone(), stmt, c.word_text().to_string())
    }

    #[test]
    fn frames_and_statements() {
        let (f, s, w) = at("scenario s {\n  plan {\n    war|\n");
        assert_eq!(
            f,
            [
                Frame::Top,
                Frame::Block(BlockKind::Scenario),
                Frame::Block(BlockKind::Plan)
            ]
        );
        assert!(s.is_empty());
        assert_eq!(w, "war");
        let (f, s, _) = at("scenario s { vm \"x\" { add_disk { provisioning |");
        assert_eq!(f.last(), Some(&Frame::Block(BlockKind::AddDisk)));
        assert_eq!(s, ["provisioning"]);
        let (f, s, _) = at("scenario s {\n  expect {\n    check standard,\n      cp|");
        assert_eq!(f.last(), Some(&Frame::Block(BlockKind::Expect)));
        assert_eq!(s, ["check", "standard", ","]);
        let (f, s, _) = at("check c {\n  when x {\n    assert len(dest.|");
        assert_eq!(
            f,
            [
                Frame::Top,
                Frame::CheckBody,
                Frame::CheckBody,
                Frame::Bracket
            ]
        );
        assert_eq!(s, ["assert", "len", "(", "dest", "."]);
        let (f, _, _) = at("scenario s { vm \"x\" { name_for { | } } }");
        assert_eq!(
            f.last(),
            Some(&Frame::Object {
                provider_names: true
            })
        );
        // A closed body is replaced by its braces; the statement continues.
        let (_, s, _) = at("check c {\n  when a { skip \"x\" } el|");
        assert_eq!(s, ["when", "a", "{", "}"]);
    }

    #[test]
    fn strings_and_comments() {
        let src = "scenario s { vm \"mtv-";
        let c = analyze(src, src.len());
        assert!(c.string.is_some());
        assert_eq!(c.stmt_texts(), ["vm"]);
        let src = "scenario s { # plan";
        assert!(analyze(src, src.len()).in_comment);
        let src = "scenario s { vm \"x\" ";
        assert!(analyze(src, src.len()).string.is_none());
    }
}
