//! Types in a check body, as the checker computes them: the check declaration around an
//! offset is type-checked (the same `ExprChecker` as `mtvt check`, noting every
//! expression's type), then the AST says what is at the offset — a field after `x.`, the
//! other side of a comparison, a local variable in scope.

use std::collections::HashMap;

use super::cursor::stmt_span;
use crate::check::exprs::ExprChecker;
use crate::check::spans::Spans;
use crate::diag::Sink;
use crate::schema::types::Type;
use crate::source::{Origin, SourceFile, SourceMap};
use crate::syntax::ast::{BinOp, CheckDecl, CheckDef, Expr, ExprKind, Stmt, ValueKind};

/// The types of the expressions of one check declaration, by span.
#[derive(Debug, Clone, Default)]
pub struct CheckTypes {
    types: HashMap<(usize, usize), Type>,
}

impl CheckTypes {
    /// Type-checks `decl` (of the document `text`).
    pub fn of(text: &str, decl: &CheckDecl) -> CheckTypes {
        let CheckDef::Body(stmts) = &decl.body else {
            return CheckTypes::default();
        };
        let mut sources = SourceMap::new();
        sources.add(SourceFile::new("document.mtvt", text, Origin::Memory));
        let spans = Spans::new(&sources);
        let mut sink = Sink::new();
        let mut noted = Vec::new();
        ExprChecker::noting_types(&mut sink, &spans, &mut noted).check_body(stmts);
        CheckTypes {
            types: noted
                .into_iter()
                .map(|(s, t)| ((s.start, s.end), t))
                .collect(),
        }
    }

    /// The type of `e`, when it was checked.
    pub fn of_expr(&self, e: &Expr) -> Option<&Type> {
        self.types.get(&(e.span.start, e.span.end))
    }
}

/// The element type of a list type (`optional<list<T>>` → `T`).
pub fn element(t: &Type) -> Type {
    match t.unwrap_optional() {
        Type::List(e) => (**e).clone(),
        _ => Type::Any,
    }
}

/// What an offset in a check body is, for completion and hover.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprAt {
    /// A field name after `owner.` (possibly empty: nothing typed yet).
    Field {
        /// The type of what precedes the `.` (also for a method name: `guest.run`).
        owner: Type,
        /// The field name written so far.
        name: String,
    },
    /// The right (or left) side of `==`/`!=` whose other side has this type.
    Compared(Type),
    /// A name (a model root, a local, an enum value …).
    Name(String),
}

/// What is at `offset` in the statements of `decl`.
pub fn expr_at(decl: &CheckDecl, types: &CheckTypes, offset: usize) -> Option<ExprAt> {
    let CheckDef::Body(stmts) = &decl.body else {
        return None;
    };
    let mut found = None;
    for_each_expr(stmts, &mut |e| visit(e, types, offset, &mut found));
    found
}

fn visit(e: &Expr, types: &CheckTypes, offset: usize, found: &mut Option<ExprAt>) {
    match &e.kind {
        ExprKind::Field(of, name)
            if name.span.start <= offset && offset <= name.span.end.max(name.span.start) =>
        {
            if let Some(owner) = types.of_expr(of) {
                *found = Some(ExprAt::Field {
                    owner: owner.clone(),
                    name: name.node.to_string(),
                });
            }
        }
        // A method name (`guest.run`) answers like a field of its receiver's type.
        ExprKind::Method(of, name, _)
            if name.span.start <= offset && offset <= name.span.end.max(name.span.start) =>
        {
            if let Some(owner) = types.of_expr(of) {
                *found = Some(ExprAt::Field {
                    owner: owner.clone(),
                    name: name.node.to_string(),
                });
            }
        }
        ExprKind::Binary(op, l, r) if matches!(op.node, BinOp::Eq | BinOp::Ne) => {
            // A missing right side sits where the parser looked for it (maybe the next
            // line): anything after the operator is on that side.
            let missing = matches!(r.kind, ExprKind::Lit(ValueKind::Invalid));
            let on_right = offset >= op.span.end && (offset <= r.span.end || missing);
            let on_left = l.span.start <= offset && offset <= op.span.start;
            for (at_side, side, other) in [(on_right, r, l), (on_left, l, r)] {
                let bare = matches!(&side.kind, ExprKind::Name(_) | ExprKind::Lit(_));
                let free = matches!(found, None | Some(ExprAt::Name(_)));
                if at_side
                    && bare
                    && free
                    && let Some(t) = types.of_expr(other)
                {
                    *found = Some(ExprAt::Compared(t.clone()));
                }
            }
        }
        ExprKind::Name(n) if e.span.start <= offset && offset <= e.span.end && found.is_none() => {
            *found = Some(ExprAt::Name(n.to_string()));
        }
        _ => {}
    }
}

/// Calls `f` on every expression of `stmts`, innermost first.
fn for_each_expr(stmts: &[Stmt], f: &mut impl FnMut(&Expr)) {
    for s in stmts {
        match s {
            Stmt::Assert { cond, .. } => walk(cond, f),
            Stmt::When {
                branches,
                otherwise,
                ..
            } => {
                for (c, body) in branches {
                    walk(c, f);
                    for_each_expr(body, f);
                }
                if let Some(o) = otherwise {
                    for_each_expr(o, f);
                }
            }
            Stmt::For { iter, body, .. } => {
                walk(iter, f);
                for_each_expr(body, f);
            }
            Stmt::Let { value, .. } => walk(value, f),
            Stmt::Skip { .. } => {}
        }
    }
}

fn walk(e: &Expr, f: &mut impl FnMut(&Expr)) {
    match &e.kind {
        ExprKind::Field(of, _) | ExprKind::Not(of) => walk(of, f),
        ExprKind::Index(of, i) => {
            walk(of, f);
            walk(i, f);
        }
        ExprKind::Call(_, args) | ExprKind::List(args) => args.iter().for_each(|a| walk(a, f)),
        ExprKind::Method(of, _, args) => {
            walk(of, f);
            args.iter().for_each(|a| walk(a, f));
        }
        ExprKind::Comprehension { iter, pred, .. } => {
            walk(iter, f);
            walk(pred, f);
        }
        ExprKind::Binary(_, l, r) => {
            walk(l, f);
            walk(r, f);
        }
        ExprKind::Lit(_) | ExprKind::Name(_) => {}
    }
    f(e);
}

/// The local variables in scope at `offset` in `decl`, with their types: `for` variables
/// in their body, `let` bindings after them in their body and the bodies inside it, and
/// comprehension variables in their condition.
pub fn locals_at(decl: &CheckDecl, types: &CheckTypes, offset: usize) -> Vec<(String, Type)> {
    let CheckDef::Body(stmts) = &decl.body else {
        return Vec::new();
    };
    let mut out = Vec::new();
    locals_in(stmts, types, offset, &mut out);
    for_each_expr(stmts, &mut |e| {
        if let ExprKind::Comprehension {
            var, iter, pred, ..
        } = &e.kind
            && pred.span.start <= offset
            && offset <= e.span.end
        {
            let ty = types.of_expr(iter).map_or(Type::Any, element);
            out.push((var.node.to_string(), ty));
        }
    });
    out
}

fn locals_in(stmts: &[Stmt], types: &CheckTypes, offset: usize, out: &mut Vec<(String, Type)>) {
    for s in stmts {
        let span = stmt_span(s);
        if span.start >= offset {
            break;
        }
        match s {
            Stmt::Let { name, value, .. } if span.end <= offset => {
                let ty = types.of_expr(value).cloned().unwrap_or(Type::Any);
                out.push((name.node.to_string(), ty));
            }
            Stmt::For {
                var, iter, body, ..
            } if iter.span.end < offset && offset <= span.end => {
                let ty = types.of_expr(iter).map_or(Type::Any, element);
                out.push((var.node.to_string(), ty));
                locals_in(body, types, offset, out);
            }
            Stmt::When {
                branches,
                otherwise,
                ..
            } if offset <= span.end => {
                // The branch whose condition is the last one before the offset (bodies
                // keep no span of their own).
                let mut inner = None;
                for (cond, body) in branches {
                    if cond.span.end < offset {
                        inner = Some(body.as_slice());
                    }
                }
                let last_end = inner.and_then(|b| b.last()).map_or(0, |l| stmt_span(l).end);
                if let Some(o) = otherwise
                    .as_deref()
                    .filter(|_| last_end < offset && last_end > 0)
                {
                    inner = Some(o);
                }
                if let Some(body) = inner {
                    locals_in(body, types, offset, out);
                }
            }
            _ => {}
        }
    }
}
