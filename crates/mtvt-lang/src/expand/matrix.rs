//! `matrix { dim [a, b] … }`: reading the dimensions, the cartesian product of their
//! values (variant names `base[dim=a,…]`), and substituting parameters into a block.

use std::collections::BTreeMap;

use crate::diag::{DiagnosticKind, Sink, suggest};
use crate::span::{Span, Spanned};
use crate::syntax::ast::{
    Arg, ArgGroup, Block, Entry, EntryBody, Member, Name, StrPart, Value, ValueKind,
};

/// Most variants one scenario may expand into.
pub const MAX_VARIANTS: usize = 1024;

/// The dimensions of a scenario's matrix.
#[derive(Debug, Clone, Default)]
pub struct Matrix {
    /// Dimension name and its values, in declaration order.
    pub dims: Vec<(Spanned<Name>, Vec<Value>)>,
}

/// One variant: parameter name → value.
pub type Params = BTreeMap<String, Value>;

/// Reads a `matrix` entry's block.
pub fn read_matrix(entry: &Entry, sink: &mut Sink) -> Matrix {
    let mut m = Matrix::default();
    let Some(EntryBody::Block(b)) = &entry.body else {
        sink.push(DiagnosticKind::MissingBlock {
            span: entry.key.span,
            key: String::from("matrix"),
            help: Some(String::from(
                "write `matrix { disk_type [thin, thick-lazy] }`",
            )),
        });
        return m;
    };
    if let Some(arg) = entry.flat_args().next() {
        sink.push(DiagnosticKind::WrongArgCount {
            span: arg.span(),
            key: String::from("matrix"),
            problem: String::from("takes a block, not values"),
            help: None,
        });
    }
    for e in &b.entries {
        if let Some(first) = m.dims.iter().find(|(n, _)| n.node == e.key.node) {
            sink.push(DiagnosticKind::DuplicateKey {
                span: e.key.span,
                key: e.key.node.as_str().to_owned(),
                first: first.0.span,
            });
            continue;
        }
        let values = match (e.args.as_slice(), &e.body) {
            ([ArgGroup { args, .. }], None) => match args.as_slice() {
                [
                    Arg::Value(Value {
                        kind: ValueKind::List(items),
                        span,
                    }),
                ] => {
                    if items.is_empty() {
                        sink.push(DiagnosticKind::EmptyMatrix {
                            span: *span,
                            name: e.key.node.as_str().to_owned(),
                        });
                        continue;
                    }
                    let mut ok = Vec::new();
                    for v in items {
                        if is_literal(v) {
                            ok.push(v.clone());
                        } else {
                            sink.push(DiagnosticKind::WrongType {
                                span: v.span,
                                key: format!("matrix.{}", e.key.node),
                                expected: String::from("a literal (identifier, string, number, quantity, duration or bool)"),
                                found: v.kind.describe().to_string(),
                                help: None,
                            });
                        }
                    }
                    ok
                }
                _ => {
                    sink.push(DiagnosticKind::MalformedEntry {
                        span: e.span,
                        key: format!("matrix.{}", e.key.node),
                        usage: format!("{} [value, value, …]", e.key.node),
                    });
                    continue;
                }
            },
            _ => {
                sink.push(DiagnosticKind::MalformedEntry {
                    span: e.span,
                    key: format!("matrix.{}", e.key.node),
                    usage: format!("{} [value, value, …]", e.key.node),
                });
                continue;
            }
        };
        if !values.is_empty() {
            m.dims.push((e.key.clone(), values));
        }
    }
    m
}

fn is_literal(v: &Value) -> bool {
    match &v.kind {
        ValueKind::Str(parts) => parts.iter().all(|p| matches!(p, StrPart::Text(_))),
        ValueKind::Path(p) => p.segments.len() == 1,
        ValueKind::Raw(_)
        | ValueKind::Int(_)
        | ValueKind::Bool(_)
        | ValueKind::Quantity(_)
        | ValueKind::Duration(_)
        | ValueKind::Version(_) => true,
        _ => false,
    }
}

/// Every combination of the dimensions' values (one empty variant without a matrix).
pub fn variants(m: &Matrix, anchor: Span, sink: &mut Sink) -> Vec<Params> {
    let total = m
        .dims
        .iter()
        .map(|(_, v)| v.len())
        .try_fold(1usize, |acc, n| acc.checked_mul(n));
    if total.is_none_or(|t| t > MAX_VARIANTS) {
        sink.push(DiagnosticKind::ValueOutOfRange {
            span: anchor,
            key: String::from("matrix"),
            reason: format!("expands to more than {MAX_VARIANTS} scenarios"),
        });
        return Vec::new();
    }
    let mut out: Vec<Params> = vec![Params::new()];
    for (name, values) in &m.dims {
        let mut next = Vec::with_capacity(out.len() * values.len());
        for base in &out {
            for v in values {
                let mut p = base.clone();
                p.insert(name.node.as_str().to_owned(), v.clone());
                next.push(p);
            }
        }
        out = next;
    }
    out
}

/// The variant name: `base` or `base[dim=value,…]` (dimensions in declaration order).
pub fn variant_name(base: &str, m: &Matrix, params: &Params) -> String {
    if m.dims.is_empty() {
        return base.to_string();
    }
    let parts: Vec<String> = m
        .dims
        .iter()
        .filter_map(|(n, _)| {
            params
                .get(n.node.as_str())
                .map(|v| format!("{}={}", n.node, render(v)))
        })
        .collect();
    format!("{base}[{}]", parts.join(","))
}

/// A parameter value as text (for names and `${param.x}`).
pub fn render(v: &Value) -> String {
    match &v.kind {
        ValueKind::Str(parts) => parts
            .iter()
            .map(|p| match p {
                StrPart::Text(t) => t.to_string(),
                StrPart::Interp(p) => format!("${{{}}}", p.dotted()),
            })
            .collect(),
        ValueKind::Raw(s) | ValueKind::Triple(s) => s.to_string(),
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Quantity(q) => q.text.to_string(),
        ValueKind::Duration(ms) => mtvt_vocab::Duration(*ms).to_string(),
        ValueKind::Version(v) => v.iter().map(u64::to_string).collect::<Vec<_>>().join("."),
        ValueKind::Path(p) => p.dotted(),
        ValueKind::None => String::from("none"),
        ValueKind::Invalid => String::new(),
        ValueKind::List(_) | ValueKind::Object(_) => String::new(),
    }
}

/// True when the block mentions `param.…` anywhere.
pub fn mentions_params(b: &Block) -> bool {
    b.entries.iter().any(|e| {
        e.flat_args()
            .any(|a| matches!(a, Arg::Value(v) if value_mentions(v)))
            || match &e.body {
                Some(EntryBody::Block(b)) => mentions_params(b),
                Some(EntryBody::Object(v)) => value_mentions(v),
                None => false,
            }
    })
}

fn value_mentions(v: &Value) -> bool {
    match &v.kind {
        ValueKind::Path(p) => p.segments.first().is_some_and(|s| s.node == "param"),
        ValueKind::Str(parts) => parts
            .iter()
            .any(|p| matches!(p, StrPart::Interp(p) if p.segments.first().is_some_and(|s| s.node == "param"))),
        ValueKind::List(items) => items.iter().any(value_mentions),
        ValueKind::Object(ms) => ms.iter().any(|m| value_mentions(&m.value)),
        _ => false,
    }
}

/// Substitutes parameters; unknown ones are reported (E0308) and left in place.
pub struct Substituter<'a> {
    /// Values of this variant.
    pub params: &'a Params,
    /// Where diagnostics go.
    pub sink: &'a mut Sink,
    /// Whether the scenario has a matrix at all (for the help text).
    pub has_matrix: bool,
}

impl Substituter<'_> {
    /// A copy of `b` with parameters substituted.
    pub fn block(&mut self, b: &Block) -> Block {
        Block {
            entries: b.entries.iter().map(|e| self.entry(e)).collect(),
            span: b.span,
        }
    }

    fn entry(&mut self, e: &Entry) -> Entry {
        if e.key.node == "matrix" {
            return e.clone();
        }
        Entry {
            key: e.key.clone(),
            args: e
                .args
                .iter()
                .map(|g| ArgGroup {
                    args: g
                        .args
                        .iter()
                        .map(|a| match a {
                            Arg::Value(v) => Arg::Value(self.value(v)),
                            Arg::Op(o) => Arg::Op(o.clone()),
                        })
                        .collect(),
                    span: g.span,
                })
                .collect(),
            body: e.body.as_ref().map(|b| match b {
                EntryBody::Block(b) => EntryBody::Block(self.block(b)),
                EntryBody::Object(v) => EntryBody::Object(self.value(v)),
            }),
            span: e.span,
        }
    }

    fn lookup(&mut self, path: &crate::syntax::ast::Path) -> Option<&Value> {
        let name = match path.segments.as_slice() {
            [p, name] if p.node == "param" => name,
            _ => {
                self.unknown(path, "");
                return None;
            }
        };
        if self.params.contains_key(name.node.as_str()) {
            return self.params.get(name.node.as_str());
        }
        let n = name.node.clone();
        self.unknown(path, &n);
        None
    }

    fn unknown(&mut self, path: &crate::syntax::ast::Path, name: &str) {
        let help = if self.has_matrix {
            suggest::help(name, self.params.keys())
        } else {
            Some(String::from(
                "this scenario has no `matrix`; add `matrix { NAME [a, b] }`",
            ))
        };
        self.sink.push(DiagnosticKind::UnknownParam {
            span: path.span,
            name: path.dotted(),
            help,
        });
    }

    fn value(&mut self, v: &Value) -> Value {
        match &v.kind {
            ValueKind::Path(p) if p.segments.first().is_some_and(|s| s.node == "param") => {
                match self.lookup(p) {
                    Some(found) => Value {
                        kind: found.kind.clone(),
                        span: found.span,
                    },
                    None => v.clone(),
                }
            }
            ValueKind::Str(parts) => {
                let mut out: Vec<StrPart> = Vec::with_capacity(parts.len());
                for part in parts {
                    match part {
                        StrPart::Interp(p)
                            if p.segments.first().is_some_and(|s| s.node == "param") =>
                        {
                            match self.lookup(p).map(render) {
                                Some(text) => match out.last_mut() {
                                    Some(StrPart::Text(t)) => {
                                        *t = Name::from([t.as_str(), &text].concat())
                                    }
                                    _ => out.push(StrPart::Text(Name::from(text))),
                                },
                                None => out.push(part.clone()),
                            }
                        }
                        StrPart::Text(t) => match out.last_mut() {
                            Some(StrPart::Text(prev)) => {
                                *prev = Name::from([prev.as_str(), t].concat())
                            }
                            _ => out.push(part.clone()),
                        },
                        _ => out.push(part.clone()),
                    }
                }
                Value {
                    kind: ValueKind::Str(out),
                    span: v.span,
                }
            }
            ValueKind::List(items) => Value {
                kind: ValueKind::List(items.iter().map(|i| self.value(i)).collect()),
                span: v.span,
            },
            ValueKind::Object(ms) => Value {
                kind: ValueKind::Object(
                    ms.iter()
                        .map(|m| Member {
                            key: m.key.clone(),
                            value: self.value(&m.value),
                        })
                        .collect(),
                ),
                span: v.span,
            },
            _ => v.clone(),
        }
    }
}
