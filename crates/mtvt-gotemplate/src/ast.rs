//! The parse tree of a template (the supported part of `text/template/parse`'s nodes),
//! with byte spans, and Go's `String()` rendering used in execution errors
//! (`executing "template" at <.VmNam>`).
//!
//! Exists to separate the tree shape from how it is built and run. Must not evaluate
//! anything.

use std::fmt;
use std::ops::Range;

use crate::literal::Number;

/// A name with its span: a field (`VmName`) or a variable (`$x`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Name {
    pub(crate) text: String,
    pub(crate) span: Range<usize>,
}

/// A parsed template (top-level list).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tree {
    pub(crate) root: Vec<Node>,
}

/// A list element.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Text { bytes: Vec<u8> },
    Action { span: Range<usize>, pipe: Pipe },
    If(Box<IfNode>),
}

/// `{{if pipe}} list {{else}} else_list {{end}}` (`else if` nests another `If`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IfNode {
    pub(crate) span: Range<usize>,
    pub(crate) pipe: Pipe,
    pub(crate) list: Vec<Node>,
    pub(crate) else_list: Option<Vec<Node>>,
}

/// `$x := cmd | cmd ...`
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pipe {
    pub(crate) span: Range<usize>,
    pub(crate) decl: Vec<Name>,
    pub(crate) is_assign: bool,
    pub(crate) cmds: Vec<Command>,
}

/// Space-separated operands; the first is the function (or the value).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Command {
    pub(crate) span: Range<usize>,
    pub(crate) args: Vec<Arg>,
}

/// An operand.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Arg {
    /// `.A.B`: fields of dot.
    Field {
        span: Range<usize>,
        idents: Vec<Name>,
    },
    /// `$x.A`: a variable, possibly followed by fields (`idents[0]` is the variable).
    Variable {
        span: Range<usize>,
        idents: Vec<Name>,
    },
    /// `(pipe).A`: fields applied to a parenthesised pipeline.
    Chain {
        span: Range<usize>,
        node: Box<Arg>,
        fields: Vec<Name>,
    },
    /// A function name.
    Identifier(Name),
    Dot(Range<usize>),
    Nil(Range<usize>),
    Bool(Range<usize>, bool),
    Number(Range<usize>, Number),
    /// A string literal: original text (with quotes) and value.
    Str {
        span: Range<usize>,
        text: String,
        value: Vec<u8>,
    },
    /// A parenthesised pipeline (`span` includes the parentheses).
    Pipe {
        span: Range<usize>,
        pipe: Box<Pipe>,
    },
}

impl Arg {
    pub(crate) fn span(&self) -> Range<usize> {
        match self {
            Arg::Field { span, .. }
            | Arg::Variable { span, .. }
            | Arg::Chain { span, .. }
            | Arg::Str { span, .. }
            | Arg::Dot(span)
            | Arg::Nil(span)
            | Arg::Bool(span, _)
            | Arg::Number(span, _)
            | Arg::Pipe { span, .. } => span.clone(),
            Arg::Identifier(name) => name.span.clone(),
        }
    }

    /// Go's position of the node (a chain is positioned at its first field).
    pub(crate) fn go_pos(&self) -> usize {
        match self {
            Arg::Chain { fields, span, .. } => fields.first().map_or(span.start, |f| f.span.start),
            Arg::Pipe { pipe, .. } => pipe.span.start,
            other => other.span().start,
        }
    }

    /// Whether Go's parser calls this node "non executable" in a later pipeline stage.
    pub(crate) fn is_literal_like(&self) -> bool {
        matches!(
            self,
            Arg::Bool(..) | Arg::Dot(_) | Arg::Nil(_) | Arg::Number(..) | Arg::Str { .. }
        )
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field { idents, .. } => {
                for id in idents {
                    write!(f, ".{}", id.text)?;
                }
                Ok(())
            }
            Arg::Variable { idents, .. } => {
                let names: Vec<&str> = idents.iter().map(|n| n.text.as_str()).collect();
                write!(f, "{}", names.join("."))
            }
            Arg::Chain { node, fields, .. } => {
                if matches!(node.as_ref(), Arg::Pipe { .. }) {
                    write!(f, "({node})")?;
                } else {
                    write!(f, "{node}")?;
                }
                for field in fields {
                    write!(f, ".{}", field.text)?;
                }
                Ok(())
            }
            Arg::Identifier(name) => write!(f, "{}", name.text),
            Arg::Dot(_) => write!(f, "."),
            Arg::Nil(_) => write!(f, "nil"),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Number(_, n) => write!(f, "{}", n.text),
            Arg::Str { text, .. } => write!(f, "{text}"),
            Arg::Pipe { pipe, .. } => write!(f, "{pipe}"),
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                write!(f, " ")?;
            }
            if let Arg::Pipe { pipe, .. } = arg {
                write!(f, "({pipe})")?;
            } else {
                write!(f, "{arg}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            let names: Vec<&str> = self.decl.iter().map(|n| n.text.as_str()).collect();
            let op = if self.is_assign { "=" } else { ":=" };
            write!(f, "{} {op} ", names.join(", "))?;
        }
        for (i, cmd) in self.cmds.iter().enumerate() {
            if i > 0 {
                write!(f, " | ")?;
            }
            write!(f, "{cmd}")?;
        }
        Ok(())
    }
}
