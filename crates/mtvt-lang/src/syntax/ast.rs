//! The abstract syntax tree of a `.mtvt` file. Every node carries the byte span of the
//! text it was parsed from. The AST is deliberately generic for blocks (a block is a list
//! of `key args { … }` entries): what a key means is decided by `schema` and `check`.
//! This module holds data only; it must not know about pest.

use crate::span::{Span, Spanned};

/// The text of an identifier, an operator or a short literal: up to 23 bytes are stored
/// inline (no allocation; almost every name of a scenario file), longer ones shared, so a
/// clone never copies. Derefs to `str`.
pub type Name = smol_str::SmolStr;

/// A parsed file: its top-level items in source order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct File {
    /// Items in source order.
    pub items: Vec<Item>,
}

/// A top-level item.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `use std/checks`, `use "./shared.mtvt" as shared`.
    Use(UseDecl),
    /// `session { … }`: suite-wide settings.
    Session(SessionDecl),
    /// `fragment NAME [extends A, B] { … }`.
    Fragment(ScenarioDecl),
    /// `scenario NAME [extends A, B] { … }`.
    Scenario(ScenarioDecl),
    /// `check NAME ["description"] { … }` or `check NAME = a, b`.
    Check(CheckDecl),
    /// `hook NAME { … }`: a reusable hook definition.
    Hook(HookDecl),
}

/// `use` declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct UseDecl {
    /// What is imported.
    pub target: Spanned<UseTarget>,
    /// Explicit alias (`as name`).
    pub alias: Option<Ident>,
    /// The whole declaration.
    pub span: Span,
}

/// The thing a `use` names.
#[derive(Debug, Clone, PartialEq)]
pub enum UseTarget {
    /// A stdlib module path such as `std/checks`.
    Module(String),
    /// A quoted file path, relative to the importing file.
    File(String),
}

/// `session { … }`.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionDecl {
    /// The settings.
    pub body: Block,
    /// The whole declaration.
    pub span: Span,
}

/// A scenario or fragment declaration.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioDecl {
    /// Its name.
    pub name: Ident,
    /// Fragments it extends, in order.
    pub extends: Vec<Path>,
    /// Its body.
    pub body: Block,
    /// The whole declaration.
    pub span: Span,
}

/// A `hook NAME { … }` definition.
#[derive(Debug, Clone, PartialEq)]
pub struct HookDecl {
    /// Its name.
    pub name: Ident,
    /// Its keys (`playbook`, `expect`, …).
    pub body: Block,
    /// The whole declaration.
    pub span: Span,
}

/// A `check` definition.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckDecl {
    /// Its name.
    pub name: Ident,
    /// The optional one-line description.
    pub description: Option<Spanned<String>>,
    /// Body or alias list.
    pub body: CheckDef,
    /// The whole declaration.
    pub span: Span,
}

/// What a check consists of.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckDef {
    /// `check x { statements }`.
    Body(Vec<Stmt>),
    /// `check standard = a, b, c`.
    Composite(Vec<Path>),
}

/// An identifier with its span.
pub type Ident = Spanned<Name>;

/// A dotted name such as `hooks.succeed` or `param.disk_type`.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// The segments, each with its own span.
    pub segments: Vec<Ident>,
    /// The whole path.
    pub span: Span,
}

impl Path {
    /// The path as written, borrowed from the one segment when there is only one (most
    /// paths: enum values, step names, check names), else joined like [`Path::dotted`].
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self.segments.as_slice() {
            [one] => std::borrow::Cow::Borrowed(one.node.as_str()),
            _ => std::borrow::Cow::Owned(self.dotted()),
        }
    }

    /// The path as written, `a.b.c`.
    pub fn dotted(&self) -> String {
        let len = self
            .segments
            .iter()
            .map(|s| s.node.len() + 1)
            .sum::<usize>();
        let mut out = String::with_capacity(len);
        for (i, s) in self.segments.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(&s.node);
        }
        out
    }
}

/// `{ entry; entry }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// Entries in source order.
    pub entries: Vec<Entry>,
    /// From `{` to `}`.
    pub span: Span,
}

/// One block entry: `key arg arg, arg { nested }`.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: Ident,
    /// Comma-separated groups of space-separated arguments.
    pub args: Vec<ArgGroup>,
    /// A trailing `{ … }` block, or a `{ key: value }` object.
    pub body: Option<EntryBody>,
    /// The whole entry.
    pub span: Span,
}

impl Entry {
    /// All arguments flattened, ignoring comma grouping.
    pub fn flat_args(&self) -> impl Iterator<Item = &Arg> {
        self.args.iter().flat_map(|g| g.args.iter())
    }

    /// The span covering the arguments (or the key when there are none).
    pub fn args_span(&self) -> Span {
        let mut it = self.flat_args();
        match it.next() {
            Some(first) => {
                let last = self.flat_args().last().map_or(first.span(), Arg::span);
                first.span().to(last)
            }
            None => self.key.span,
        }
    }
}

/// A run of space-separated arguments between commas.
#[derive(Debug, Clone, PartialEq)]
pub struct ArgGroup {
    /// The arguments.
    pub args: Vec<Arg>,
    /// The whole group.
    pub span: Span,
}

/// One argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A value.
    Value(Value),
    /// A comparison or assignment operator (`>=`, `=` …).
    Op(Spanned<Name>),
}

impl Arg {
    /// Where it was written.
    pub fn span(&self) -> Span {
        match self {
            Arg::Value(v) => v.span,
            Arg::Op(o) => o.span,
        }
    }
}

/// What follows the arguments of an entry.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryBody {
    /// `{ key value … }`.
    Block(Block),
    /// `{ key: value, … }`.
    Object(Value),
}

impl EntryBody {
    /// Where it was written.
    pub fn span(&self) -> Span {
        match self {
            EntryBody::Block(b) => b.span,
            EntryBody::Object(v) => v.span,
        }
    }
}

/// A literal or structured value.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// The value.
    pub kind: ValueKind,
    /// Where it was written.
    pub span: Span,
}

/// The kinds of values.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// `"…"`: an interpolating string.
    Str(Vec<StrPart>),
    /// `'…'`: a raw single-line string.
    Raw(Name),
    /// `"""…"""`: a raw multi-line string, already dedented.
    Triple(Name),
    /// `42`.
    Int(i64),
    /// `30Gi` (bytes) as written.
    Quantity(Quantity),
    /// `5m`, `1h30m` in milliseconds.
    Duration(u64),
    /// `2.8`, `4.20.1`.
    Version(Vec<u64>),
    /// `true` / `false`.
    Bool(bool),
    /// `none`.
    None,
    /// An identifier or dotted path: enum values, `session`, `param.x`, `hooks.succeed`.
    Path(Path),
    /// `[a, b]`.
    List(Vec<Value>),
    /// `{ key: value }`.
    Object(Vec<Member>),
    /// A literal whose value could not be used (already reported).
    Invalid,
}

impl ValueKind {
    /// A short noun for messages ("a string", "an integer", …).
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::Str(_) | ValueKind::Raw(_) | ValueKind::Triple(_) => "a string",
            ValueKind::Int(_) => "an integer",
            ValueKind::Quantity(_) => "a quantity",
            ValueKind::Duration(_) => "a duration",
            ValueKind::Version(_) => "a version",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::None => "`none`",
            ValueKind::Path(p) if p.segments.len() == 1 => "an identifier",
            ValueKind::Path(_) => "a dotted name",
            ValueKind::List(_) => "a list",
            ValueKind::Object(_) => "an object",
            ValueKind::Invalid => "an invalid literal",
        }
    }
}

/// `key: value` inside an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The key (identifier or quoted string).
    pub key: Spanned<Name>,
    /// The value.
    pub value: Value,
}

/// One piece of an interpolating string.
#[derive(Debug, Clone, PartialEq)]
pub enum StrPart {
    /// Literal text (escapes already resolved).
    Text(Name),
    /// `${a.b}`: the dotted path with its span (inside the braces).
    Interp(Path),
}

/// A quantity literal: an exact byte count plus the text it was written as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quantity {
    /// Value in bytes (or plain units).
    pub value: u128,
    /// The literal as written (`30Gi`).
    pub text: Name,
}

/// A check-body statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Stmt {
    /// `assert expr [, "message"]`.
    Assert {
        /// The asserted condition.
        cond: Expr,
        /// The optional message.
        message: Option<Spanned<String>>,
        /// The whole statement.
        span: Span,
    },
    /// `when c { } else when c { } else { }`.
    When {
        /// Condition/body pairs in order.
        branches: Vec<(Expr, Vec<Stmt>)>,
        /// The final `else` body.
        otherwise: Option<Vec<Stmt>>,
        /// The whole statement.
        span: Span,
    },
    /// `for x in expr { }`.
    For {
        /// Loop variable.
        var: Ident,
        /// The list iterated.
        iter: Expr,
        /// The body.
        body: Vec<Stmt>,
        /// The whole statement.
        span: Span,
    },
    /// `let x = expr`.
    Let {
        /// Variable name.
        name: Ident,
        /// Its value.
        value: Expr,
        /// The whole statement.
        span: Span,
    },
    /// `skip "reason"`: the rest of the check does not apply.
    Skip {
        /// Why.
        reason: Spanned<String>,
        /// The whole statement.
        span: Span,
    },
}

/// An expression in a check body.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

/// Expression forms.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A literal value (never a path, list or object).
    Lit(ValueKind),
    /// An identifier: a model root, a local variable or an enum literal.
    Name(Name),
    /// `e.field`.
    Field(Box<Expr>, Ident),
    /// `e[i]`.
    Index(Box<Expr>, Box<Expr>),
    /// `f(a, b)`.
    Call(Ident, Vec<Expr>),
    /// `e.method(a, b)` (the `guest` model's `run` and `file`).
    Method(Box<Expr>, Ident, Vec<Expr>),
    /// `all(x in xs: cond)` and friends.
    Comprehension {
        /// `all`, `any`, `find`, `count`, `filter`.
        func: Ident,
        /// The bound variable.
        var: Ident,
        /// The list.
        iter: Box<Expr>,
        /// The predicate.
        pred: Box<Expr>,
    },
    /// `not e`.
    Not(Box<Expr>),
    /// `a op b`.
    Binary(Spanned<BinOp>, Box<Expr>, Box<Expr>),
    /// `[a, b]`.
    List(Vec<Expr>),
}

/// Binary operators, lowest precedence first: `or`, `and`, then comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `contains`
    Contains,
    /// `starts_with`
    StartsWith,
    /// `ends_with`
    EndsWith,
    /// `matches` (regular expression)
    Matches,
}

impl BinOp {
    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::Contains => "contains",
            BinOp::StartsWith => "starts_with",
            BinOp::EndsWith => "ends_with",
            BinOp::Matches => "matches",
        }
    }
}
