//! Check IR: typed check bodies the evaluator runs against model instances.

use std::sync::Arc;

use mtvt_vocab::{Duration, Quantity};
use serde::Serialize;

use super::values::SpanIr;
use crate::schema::types::Type;
use crate::syntax::ast::BinOp;

/// A check requested by a scenario, resolved to the leaf check it runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckRefIr {
    /// The check (shared between scenarios).
    pub check: Arc<CheckIr>,
    /// Where the scenario asked for it (`check standard` line).
    pub requested_at: SpanIr,
    /// The name as written in the scenario (`standard` for checks coming from it; shared by
    /// the checks a composite expands to).
    pub requested_as: Arc<str>,
}

/// A typed check body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckIr {
    /// Its name (`cpu`).
    pub name: String,
    /// Module-qualified name (`checks.cpu`).
    pub qualified: String,
    /// One-line description.
    pub description: Option<String>,
    /// Statements.
    pub body: Vec<StmtIr>,
    /// The `check` declaration.
    pub span: SpanIr,
}

/// A typed statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StmtIr {
    /// `assert cond [, message]`.
    Assert {
        /// Boolean condition.
        cond: ExprIr,
        /// Message shown on failure.
        message: Option<String>,
        /// The statement.
        span: SpanIr,
    },
    /// `when … else when … else …`.
    When {
        /// Conditions and bodies.
        branches: Vec<(ExprIr, Vec<StmtIr>)>,
        /// The `else` body.
        otherwise: Option<Vec<StmtIr>>,
        /// The statement.
        span: SpanIr,
    },
    /// `for var in iter { body }`.
    For {
        /// Loop variable.
        var: String,
        /// List expression.
        iter: ExprIr,
        /// Body.
        body: Vec<StmtIr>,
        /// The statement.
        span: SpanIr,
    },
    /// `let name = value`.
    Let {
        /// Variable.
        name: String,
        /// Value.
        value: ExprIr,
        /// The statement.
        span: SpanIr,
    },
    /// `skip "reason"`.
    Skip {
        /// Why the rest of the check does not apply.
        reason: String,
        /// The statement.
        span: SpanIr,
    },
}

/// A typed expression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExprIr {
    /// The expression.
    pub kind: ExprIrKind,
    /// Its static type.
    pub ty: Type,
    /// Where it was written.
    pub span: SpanIr,
}

/// Model roots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Root {
    /// `source`
    Source,
    /// `dest`
    Dest,
    /// `plan`
    Plan,
    /// `vm`
    Vm,
    /// `migration`
    Migration,
    /// `guest`
    Guest,
}

/// Comprehension kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comprehension {
    /// True when every element satisfies the predicate.
    All,
    /// True when some element does.
    Any,
    /// The first element that does, or none.
    Find,
    /// How many do.
    Count,
}

/// Literal values.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum LitIr {
    /// `none`
    None,
    /// bool
    Bool(bool),
    /// int
    Int(i64),
    /// string
    Str(String),
    /// quantity
    Quantity(Quantity),
    /// duration
    Duration(Duration),
    /// An enum identifier (`on`, `thick-lazy`, `PostHook`).
    Enum(String),
}

/// Expression forms.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExprIrKind {
    /// A literal.
    Lit {
        /// The value.
        value: LitIr,
    },
    /// A model root.
    Root {
        /// Which.
        root: Root,
    },
    /// A `let`/`for`/comprehension variable.
    Var {
        /// Its name.
        name: String,
    },
    /// `e.field` (optional receivers propagate `none`).
    Field {
        /// Receiver.
        of: Box<ExprIr>,
        /// Field name.
        field: String,
    },
    /// `e[i]`.
    Index {
        /// Receiver.
        of: Box<ExprIr>,
        /// Index or key.
        index: Box<ExprIr>,
    },
    /// `e.method(args)`: a method of a model (the `guest` model's `run`, `file`).
    Method {
        /// Receiver.
        of: Box<ExprIr>,
        /// Method name.
        method: String,
        /// Arguments.
        args: Vec<ExprIr>,
    },
    /// Builtin function call.
    Call {
        /// Builtin name.
        func: String,
        /// Arguments.
        args: Vec<ExprIr>,
    },
    /// `all/any/find/count(var in iter: pred)`.
    Comprehension {
        /// Which.
        func: Comprehension,
        /// Bound variable.
        var: String,
        /// List.
        iter: Box<ExprIr>,
        /// Predicate.
        pred: Box<ExprIr>,
    },
    /// `not e`.
    Not {
        /// Operand.
        of: Box<ExprIr>,
    },
    /// `a op b`.
    Binary {
        /// Operator.
        op: BinOp,
        /// Left.
        lhs: Box<ExprIr>,
        /// Right.
        rhs: Box<ExprIr>,
    },
    /// `[a, b]`.
    List {
        /// Items.
        items: Vec<ExprIr>,
    },
}

/// Whether any expression of `body` reads the `guest` model (so the VM needs a guest login).
pub fn body_uses_guest(body: &[StmtIr]) -> bool {
    body_any(body, &|e| e.uses_root(Root::Guest))
}

fn body_any(body: &[StmtIr], f: &dyn Fn(&ExprIr) -> bool) -> bool {
    body.iter().any(|s| match s {
        StmtIr::Assert { cond, .. } => f(cond),
        StmtIr::Let { value, .. } => f(value),
        StmtIr::For { iter, body, .. } => f(iter) || body_any(body, f),
        StmtIr::When {
            branches,
            otherwise,
            ..
        } => {
            branches.iter().any(|(c, b)| f(c) || body_any(b, f))
                || otherwise.as_deref().is_some_and(|b| body_any(b, f))
        }
        StmtIr::Skip { .. } => false,
    })
}

/// Whether any expression of `body` (statements nested in `when`/`for` included) calls
/// the builtin `func` — e.g. whether a check needs a guest login before it runs.
pub fn body_calls(body: &[StmtIr], func: &str) -> bool {
    body.iter().any(|s| match s {
        StmtIr::Assert { cond, .. } => cond.calls(func),
        StmtIr::Let { value, .. } => value.calls(func),
        StmtIr::For { iter, body, .. } => iter.calls(func) || body_calls(body, func),
        StmtIr::When {
            branches,
            otherwise,
            ..
        } => {
            branches
                .iter()
                .any(|(c, b)| c.calls(func) || body_calls(b, func))
                || otherwise.as_deref().is_some_and(|b| body_calls(b, func))
        }
        StmtIr::Skip { .. } => false,
    })
}

impl ExprIr {
    /// Whether this expression or one inside it reads the model root `root`.
    pub fn uses_root(&self, root: Root) -> bool {
        let any = |xs: &[ExprIr]| xs.iter().any(|x| x.uses_root(root));
        match &self.kind {
            ExprIrKind::Root { root: r } => *r == root,
            ExprIrKind::Lit { .. } | ExprIrKind::Var { .. } => false,
            ExprIrKind::Field { of, .. } | ExprIrKind::Not { of } => of.uses_root(root),
            ExprIrKind::Index { of, index } => of.uses_root(root) || index.uses_root(root),
            ExprIrKind::Call { args, .. } | ExprIrKind::List { items: args } => any(args),
            ExprIrKind::Method { of, args, .. } => of.uses_root(root) || any(args),
            ExprIrKind::Comprehension { iter, pred, .. } => {
                iter.uses_root(root) || pred.uses_root(root)
            }
            ExprIrKind::Binary { lhs, rhs, .. } => lhs.uses_root(root) || rhs.uses_root(root),
        }
    }

    /// Whether this expression or one inside it calls the builtin `func`.
    pub fn calls(&self, func: &str) -> bool {
        match &self.kind {
            ExprIrKind::Lit { .. } | ExprIrKind::Root { .. } | ExprIrKind::Var { .. } => false,
            ExprIrKind::Field { of, .. } | ExprIrKind::Not { of } => of.calls(func),
            ExprIrKind::Index { of, index } => of.calls(func) || index.calls(func),
            ExprIrKind::Call { func: f, args } => f == func || args.iter().any(|a| a.calls(func)),
            ExprIrKind::Method { of, args, .. } => {
                of.calls(func) || args.iter().any(|a| a.calls(func))
            }
            ExprIrKind::Comprehension { iter, pred, .. } => iter.calls(func) || pred.calls(func),
            ExprIrKind::Binary { lhs, rhs, .. } => lhs.calls(func) || rhs.calls(func),
            ExprIrKind::List { items } => items.iter().any(|i| i.calls(func)),
        }
    }
}
