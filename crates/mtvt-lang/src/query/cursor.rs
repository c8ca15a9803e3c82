//! Where an offset is in a document: the enclosing constructs, from the AST (partial after
//! syntax errors, so half-written text has one), and the parser's tokens of the entry or
//! statement written before it.

use crate::schema::forklift::ForkliftTarget;
use crate::schema::keys::{BlockKind, Shape, ValueShape};
use crate::span::Span;
use crate::syntax::Parsed;
use crate::syntax::ast::{Block, CheckDecl, CheckDef, Entry, EntryBody, File, Item, Stmt};
use crate::syntax::tokens::{Token, TokenKind};

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
}

/// What is at one offset of a document.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    /// The document.
    pub text: &'a str,
    /// The offset.
    pub offset: usize,
    /// Enclosing constructs, outermost first.
    pub frames: Vec<Frame>,
    /// Tokens of the current entry or statement before the offset (a nested `{…}` body
    /// stands as its two braces).
    pub words: Vec<Token>,
    /// The identifier that contains the offset or ends at it (the prefix being typed).
    pub word: Option<Token>,
    /// The string literal that contains the offset.
    pub string: Option<Token>,
    /// The offset is inside a comment.
    pub in_comment: bool,
    /// The top-level check declaration around the offset.
    pub check: Option<&'a CheckDecl>,
    /// Inside a `forklift { … }` object: its target and the member keys of the nested
    /// objects around the offset (empty at the block's own level).
    pub forklift: Option<(ForkliftTarget, Vec<String>)>,
}

impl Cursor<'_> {
    /// The innermost frame.
    pub fn frame(&self) -> Frame {
        self.frames.last().copied().unwrap_or(Frame::Top)
    }

    /// True when the offset is inside a check body.
    pub fn in_check(&self) -> bool {
        self.frame() == Frame::CheckBody
    }

    /// Texts of the words.
    pub fn word_texts(&self) -> Vec<&str> {
        self.words.iter().map(|t| t.text(self.text)).collect()
    }

    /// The text of the word under the offset (empty when none).
    pub fn word_text(&self) -> &str {
        self.word.map_or("", |w| w.text(self.text))
    }
}

/// The cursor at `offset` of a document: its text, AST, and parse (tokens, comments).
pub fn cursor<'a>(text: &'a str, file: &'a File, parsed: &'a Parsed, offset: usize) -> Cursor<'a> {
    let mut c = Cursor {
        text,
        offset,
        frames: vec![Frame::Top],
        words: Vec::new(),
        word: None,
        string: None,
        in_comment: parsed
            .comments
            .iter()
            .any(|s| s.start < offset && offset <= s.end),
        check: None,
        forklift: None,
    };
    let before = parsed.tokens.partition_point(|t| t.start < offset);
    if let Some(t) = before
        .checked_sub(1)
        .and_then(|i| parsed.tokens.get(i))
        .filter(|t| offset <= t.end)
    {
        match t.kind {
            TokenKind::Word => c.word = Some(*t),
            TokenKind::Str | TokenKind::Raw | TokenKind::Triple if offset < t.end || !t.closed => {
                c.string = Some(*t);
            }
            _ => {}
        }
    }
    let until = c.word.or(c.string).map_or(offset, |t| t.start);
    let body_start = descend(&mut c, &file.items, &parsed.tokens, until);
    c.words = unit_words(text, &parsed.tokens, body_start, until, c.frame());
    c
}

/// Walks the items and blocks that contain `offset`, pushing frames; returns where the
/// innermost frame's contents start.
fn descend<'a>(c: &mut Cursor<'a>, items: &'a [Item], tokens: &[Token], offset: usize) -> usize {
    let text = c.text;
    let Some(item) = items.iter().rev().find(|i| item_span(i).start < offset) else {
        return 0;
    };
    let (body, kind) = match item {
        Item::Scenario(d) | Item::Fragment(d) => (&d.body, BlockKind::Scenario),
        Item::Session(s) => (&s.body, BlockKind::Session),
        Item::Hook(h) => (&h.body, BlockKind::Hook),
        Item::Check(decl) => {
            if let CheckDef::Body(_) = &decl.body
                && let Some(open) = check_open(text, decl)
                && inside(text, open, decl.span, offset)
            {
                c.check = Some(decl);
                c.frames.push(Frame::CheckBody);
                return descend_check(c, tokens, open, offset);
            }
            return item_span(item).start;
        }
        Item::Use(u) => return u.span.start,
    };
    if inside(text, body.span.start, body.span, offset) {
        c.frames.push(Frame::Block(kind));
        return descend_block(c, body, kind, offset);
    }
    item_span(item).start
}

fn descend_block<'a>(
    c: &mut Cursor<'a>,
    block: &'a Block,
    kind: BlockKind,
    offset: usize,
) -> usize {
    let text = c.text;
    let Some(e) = block.entries.iter().rev().find(|e| e.span.start < offset) else {
        return block.span.start + 1;
    };
    match &e.body {
        Some(EntryBody::Block(b)) if inside(text, b.span.start, b.span, offset) => {
            match nested_frame(kind, e) {
                Frame::Block(inner) => {
                    c.frames.push(Frame::Block(inner));
                    descend_block(c, b, inner, offset)
                }
                other => {
                    // `forklift { word` parses as a block until a `:` makes it an object.
                    if let Some(Shape::Value(ValueShape::Forklift(t))) =
                        kind.key(&e.key.node).map(|k| k.shape)
                    {
                        c.forklift = Some((t, Vec::new()));
                    }
                    c.frames.push(other);
                    b.span.start + 1
                }
            }
        }
        Some(EntryBody::Object(v)) if inside(text, v.span.start, v.span, offset) => {
            if let Some(Shape::Value(ValueShape::Forklift(t))) =
                kind.key(&e.key.node).map(|k| k.shape)
            {
                c.forklift = Some((t, object_path(v, offset)));
            }
            c.frames.push(match nested_frame(kind, e) {
                Frame::Object { provider_names } => Frame::Object { provider_names },
                _ => Frame::Object {
                    provider_names: false,
                },
            });
            v.span.start + 1
        }
        _ => block.span.start + 1,
    }
}

/// The keys of the members whose object values enclose `offset`, outermost first.
fn object_path(v: &crate::syntax::ast::Value, offset: usize) -> Vec<String> {
    use crate::syntax::ast::ValueKind;
    let mut path = Vec::new();
    let mut cur = v;
    while let ValueKind::Object(members) = &cur.kind {
        let Some(m) = members.iter().find(|m| {
            matches!(m.value.kind, ValueKind::Object(_))
                && m.value.span.start < offset
                && offset < m.value.span.end
        }) else {
            break;
        };
        path.push(m.key.node.to_string());
        cur = &m.value;
    }
    path
}

/// Inside a check body opened at `open`: its nested `when`/`for` bodies around `offset`
/// (in check bodies only those bodies use braces); returns where the innermost starts.
fn descend_check(c: &mut Cursor<'_>, tokens: &[Token], open: usize, offset: usize) -> usize {
    let lo = tokens.partition_point(|t| t.start <= open);
    let hi = tokens.partition_point(|t| t.start < offset);
    let mut opens: Vec<usize> = Vec::new();
    for t in tokens.get(lo..hi.max(lo)).unwrap_or(&[]) {
        match (t.kind, t.text(c.text)) {
            (TokenKind::Punct, "{") => opens.push(t.start),
            (TokenKind::Punct, "}") => {
                opens.pop();
            }
            _ => {}
        }
    }
    for _ in &opens {
        c.frames.push(Frame::CheckBody);
    }
    opens.last().copied().unwrap_or(open) + 1
}

/// The `{` of a check declaration's body.
fn check_open(text: &str, decl: &CheckDecl) -> Option<usize> {
    let after = decl
        .description
        .as_ref()
        .map_or(decl.name.span.end, |d| d.span.end);
    text.get(after..decl.span.end)?.find('{').map(|i| after + i)
}

/// True when `offset` is inside the braces of a construct opened at `open` and spanning
/// `span`: after the `{`, and before the `}` (up to the end when it is not closed).
fn inside(text: &str, open: usize, span: Span, offset: usize) -> bool {
    let closed = span.end > open + 1 && text.as_bytes().get(span.end - 1) == Some(&b'}');
    offset > open && (offset < span.end || (!closed && offset <= span.end))
}

/// The frame a `{` opens after the entry `e` of a block of `kind`.
fn nested_frame(kind: BlockKind, e: &Entry) -> Frame {
    let object = Frame::Object {
        provider_names: false,
    };
    match e.key.node.as_str() {
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
    }
}

/// The tokens of the current entry or statement: those of `from..until` after the last
/// separator (a `;`, a `,` between object members, or a line break that nothing
/// continues), with nested `{…}` bodies reduced to their braces.
fn unit_words(text: &str, tokens: &[Token], from: usize, until: usize, frame: Frame) -> Vec<Token> {
    let lo = tokens.partition_point(|t| t.start < from);
    let hi = tokens.partition_point(|t| t.end <= until && t.start < until);
    let toks = tokens.get(lo..hi.max(lo)).unwrap_or(&[]);
    let mut out: Vec<Token> = Vec::new();
    let mut saved: Vec<Vec<Token>> = Vec::new();
    let mut round = 0usize;
    let mut prev_end = from;
    let line_break = |out: &mut Vec<Token>, gap: &str, round: usize, nested: bool| {
        let broke = gap.contains(['\n', '\r']) && round == 0 && !nested;
        if broke && !out.last().is_some_and(|l| continues(l, text)) {
            out.clear();
        }
    };
    for t in toks {
        let gap = text.get(prev_end..t.start).unwrap_or("");
        prev_end = t.end;
        line_break(&mut out, gap, round, !saved.is_empty());
        match (t.kind, t.text(text)) {
            (TokenKind::Punct, ";") if saved.is_empty() => out.clear(),
            (TokenKind::Punct, ",")
                if saved.is_empty() && matches!(frame, Frame::Object { .. }) =>
            {
                out.clear();
            }
            (TokenKind::Punct, "{") => {
                let mut outer = std::mem::take(&mut out);
                outer.push(*t);
                saved.push(outer);
            }
            (TokenKind::Punct, "}") => match saved.pop() {
                Some(outer) => {
                    out = outer;
                    out.push(*t);
                }
                None => out.clear(),
            },
            (TokenKind::Punct, "(" | "[") => {
                round += 1;
                out.push(*t);
            }
            (TokenKind::Punct, ")" | "]") => {
                round = round.saturating_sub(1);
                out.push(*t);
            }
            _ => out.push(*t),
        }
    }
    let gap = text.get(prev_end.min(until)..until).unwrap_or("");
    line_break(&mut out, gap, round, !saved.is_empty());
    out
}

/// Tokens after which a line continues (commas, `=`, infix operators).
fn continues(t: &Token, text: &str) -> bool {
    let s = t.text(text);
    match t.kind {
        TokenKind::Punct => matches!(s, "," | "=" | "==" | "!=" | "<" | "<=" | ">" | ">="),
        TokenKind::Word => matches!(
            s,
            "and" | "or" | "not" | "in" | "contains" | "starts_with" | "ends_with" | "matches"
        ),
        _ => false,
    }
}

/// The span of a top-level item.
pub fn item_span(item: &Item) -> Span {
    match item {
        Item::Use(u) => u.span,
        Item::Session(s) => s.span,
        Item::Fragment(d) | Item::Scenario(d) => d.span,
        Item::Check(c) => c.span,
        Item::Hook(h) => h.span,
    }
}

/// The span of a statement.
pub fn stmt_span(s: &Stmt) -> Span {
    match s {
        Stmt::Assert { span, .. }
        | Stmt::When { span, .. }
        | Stmt::For { span, .. }
        | Stmt::Let { span, .. }
        | Stmt::Skip { span, .. } => *span,
    }
}
