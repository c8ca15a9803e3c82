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
    /// `cluster`
    Cluster,
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
    body_reads(body, Root::Guest)
}

/// Whether any expression of `body` (statements nested in `when`/`for` included) calls
/// the builtin `func` — e.g. whether a check needs a guest login before it runs.
pub fn body_calls(body: &[StmtIr], func: &str) -> bool {
    body_any(
        body,
        &|e| matches!(&e.kind, ExprIrKind::Call { func: f, .. } if f == func),
    )
}

/// Whether an expression of `body` (or one inside it) reads model root `root`.
pub fn body_reads(body: &[StmtIr], root: Root) -> bool {
    body_any(
        body,
        &|e| matches!(&e.kind, ExprIrKind::Root { root: r } if *r == root),
    )
}

/// Whether some expression of `body`, at any depth, satisfies `pred`.
pub fn body_any(body: &[StmtIr], pred: &dyn Fn(&ExprIr) -> bool) -> bool {
    body.iter().any(|s| match s {
        StmtIr::Assert { cond, .. } => cond.any(pred),
        StmtIr::Let { value, .. } => value.any(pred),
        StmtIr::For { iter, body, .. } => iter.any(pred) || body_any(body, pred),
        StmtIr::When {
            branches,
            otherwise,
            ..
        } => {
            branches
                .iter()
                .any(|(c, b)| c.any(pred) || body_any(b, pred))
                || otherwise.as_deref().is_some_and(|b| body_any(b, pred))
        }
        StmtIr::Skip { .. } => false,
    })
}

impl ExprIr {
    /// Whether this expression or one inside it calls the builtin `func`.
    pub fn calls(&self, func: &str) -> bool {
        self.any(&|e| matches!(&e.kind, ExprIrKind::Call { func: f, .. } if f == func))
    }

    /// Whether this expression or one inside it satisfies `pred`.
    pub fn any(&self, pred: &dyn Fn(&ExprIr) -> bool) -> bool {
        if pred(self) {
            return true;
        }
        match &self.kind {
            ExprIrKind::Lit { .. } | ExprIrKind::Root { .. } | ExprIrKind::Var { .. } => false,
            ExprIrKind::Field { of, .. } | ExprIrKind::Not { of } => of.any(pred),
            ExprIrKind::Index { of, index } => of.any(pred) || index.any(pred),
            ExprIrKind::Call { args, .. } => args.iter().any(|a| a.any(pred)),
            ExprIrKind::Method { of, args, .. } => of.any(pred) || args.iter().any(|a| a.any(pred)),
            ExprIrKind::Comprehension { iter, pred: p, .. } => iter.any(pred) || p.any(pred),
            ExprIrKind::Binary { lhs, rhs, .. } => lhs.any(pred) || rhs.any(pred),
            ExprIrKind::List { items } => items.iter().any(|i| i.any(pred)),
        }
    }
}
