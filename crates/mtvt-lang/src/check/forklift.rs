//! A `forklift { … }` passthrough block, checked against the structural schema of the
//! upstream CRD it lands in (`schema::forklift`), the way the API server would check the
//! merged object: unknown fields (with "did you mean"), types, enumerations, bounds,
//! lengths, patterns and the required fields of nested objects — each reported at the
//! member or value as written. Fields mtvt sets itself are refused (E1105): the runner's
//! and the checks' understanding of a scenario comes from the first-class keys.
//!
//! It does not merge anything (the runner does) and does not evaluate CEL rules.

use serde_json::Value as J;

use super::values::{TypedValue, ValueCtx};
use crate::diag::{DiagnosticKind, suggest};
use crate::schema::forklift::ForkliftTarget;
use crate::syntax::ast::{Value, ValueKind};

/// Checks `v` (the block's object) against `target` and converts it to JSON. Returns
/// none when anything was reported.
pub fn convert(target: ForkliftTarget, v: &Value, ctx: &mut ValueCtx<'_>) -> Option<TypedValue> {
    let schema = target.schema()?;
    let mut walk = Walk {
        target,
        ctx,
        problems: 0,
    };
    walk.node(schema, v, "", true);
    if walk.problems > 0 {
        return None;
    }
    let json = super::maps::to_json("forklift", v, ctx)?;
    Some(TypedValue::Object(Box::new(super::values::ObjectValue {
        json,
        ast: v.clone(),
    })))
}

struct Walk<'c, 'a> {
    target: ForkliftTarget,
    ctx: &'c mut ValueCtx<'a>,
    problems: usize,
}

fn join(path: &str, seg: &str) -> String {
    if path.is_empty() {
        seg.to_owned()
    } else {
        format!("{path}.{seg}")
    }
}

fn ty(schema: &J) -> Option<&str> {
    schema.get("type").and_then(J::as_str)
}

fn flag(schema: &J, name: &str) -> bool {
    schema.get(name).and_then(J::as_bool) == Some(true)
}

impl Walk<'_, '_> {
    fn push(&mut self, d: DiagnosticKind) {
        self.problems += 1;
        self.ctx.sink.push(d);
    }

    fn node(&mut self, schema: &J, v: &Value, path: &str, root: bool) {
        if matches!(v.kind, ValueKind::Invalid) {
            return;
        }
        if matches!(v.kind, ValueKind::None) {
            if !flag(schema, "nullable") {
                self.wrong_type(v, path, "a value", Some(String::from(
                    "`none` is not a value Forklift accepts here: omit the field to leave it unset",
                )));
            }
            return;
        }
        if flag(schema, "x-kubernetes-int-or-string") {
            if !matches!(
                v.kind,
                ValueKind::Int(_) | ValueKind::Str(_) | ValueKind::Raw(_) | ValueKind::Quantity(_)
            ) {
                self.wrong_type(v, path, "an integer or a string", None);
            }
            return;
        }
        match ty(schema) {
            Some("object") => self.object(schema, v, path, root),
            Some("array") => self.array(schema, v, path),
            Some("string") => self.string(schema, v, path),
            Some("integer") | Some("number") => self.number(schema, v, path),
            Some("boolean") if !matches!(v.kind, ValueKind::Bool(_)) => {
                let help = word(v).and_then(|w| suggest::python_literal(&w));
                self.wrong_type(v, path, "`true` or `false`", help);
            }
            // Untyped with preserved unknown fields (or no schema at all): anything goes.
            _ => {}
        }
    }

    fn object(&mut self, schema: &J, v: &Value, path: &str, root: bool) {
        let ValueKind::Object(members) = &v.kind else {
            self.wrong_type(v, path, "an object `{ field: value }`", None);
            return;
        };
        let props = schema.get("properties").and_then(J::as_object);
        let additional = schema.get("additionalProperties");
        let open = flag(schema, "x-kubernetes-preserve-unknown-fields")
            || additional.and_then(J::as_bool) == Some(true);
        for m in members {
            let field = join(path, &m.key.node);
            if let Some(r) = self.target.reserved().iter().find(|r| r.path == field) {
                self.push(DiagnosticKind::ForkliftFieldReserved {
                    span: m.key.span,
                    field: field.clone(),
                    kind: self.target.kind(),
                    help: Some(match r.key {
                        Some(k) if r.in_profile => format!(
                            "mtvt sets it from the provider profile's `{k}` (.providers.json): set it there"
                        ),
                        Some(k) => format!("mtvt sets it from `{k}`: write that key instead"),
                        None => String::from(
                            "mtvt derives it from the scenario; it cannot be overridden",
                        ),
                    }),
                });
                continue;
            }
            let child = props
                .and_then(|p| p.get(m.key.node.as_str()))
                .or_else(|| additional.filter(|a| a.is_object()));
            match child {
                Some(c) => self.node(c, &m.value, &field, false),
                None if open => {}
                None => {
                    let names: Vec<&str> = props
                        .map(|p| p.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    self.push(DiagnosticKind::UnknownForkliftField {
                        span: m.key.span,
                        field,
                        kind: self.target.kind(),
                        help: suggest::help(&m.key.node, names),
                    });
                }
            }
        }
        if root {
            return;
        }
        for req in schema
            .get("required")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
            .filter_map(J::as_str)
        {
            let field = join(path, req);
            // A required field mtvt sets is there once merged.
            let merged = self.target.reserved().iter().any(|r| r.path == field);
            if !merged && !members.iter().any(|m| m.key.node == req) {
                self.push(DiagnosticKind::MissingForkliftField {
                    span: v.span,
                    field,
                    kind: self.target.kind(),
                });
            }
        }
    }

    fn array(&mut self, schema: &J, v: &Value, path: &str) {
        let ValueKind::List(items) = &v.kind else {
            self.wrong_type(v, path, "a list `[…]`", None);
            return;
        };
        let n = items.len() as f64;
        self.bounds(schema, v, path, n, ("minItems", "maxItems", "items"));
        if let Some(item) = schema.get("items") {
            for (i, x) in items.iter().enumerate() {
                self.node(item, x, &format!("{path}[{i}]"), false);
            }
        }
    }

    fn string(&mut self, schema: &J, v: &Value, path: &str) {
        let text: String = match &v.kind {
            ValueKind::Str(parts) => parts
                .iter()
                .map(|p| match p {
                    crate::syntax::ast::StrPart::Text(t) => t.to_string(),
                    crate::syntax::ast::StrPart::Interp(p) => format!("${{{}}}", p.dotted()),
                })
                .collect(),
            ValueKind::Raw(s) | ValueKind::Triple(s) => s.to_string(),
            ValueKind::Quantity(q) => q.text.to_string(),
            _ => {
                let help = word(v).map(|w| {
                    suggest::python_literal(&w)
                        .unwrap_or_else(|| format!("strings are quoted: \"{w}\""))
                });
                self.wrong_type(v, path, "a string", help);
                return;
            }
        };
        if let Some(allowed) = schema.get("enum").and_then(J::as_array) {
            let names: Vec<&str> = allowed.iter().filter_map(J::as_str).collect();
            if !names.contains(&text.as_str()) {
                self.push(DiagnosticKind::InvalidForkliftValue {
                    span: v.span,
                    field: path.to_owned(),
                    problem: format!("`{text}` is not one of {}", names.join(", ")),
                    help: suggest::help(&text, &names),
                });
                return;
            }
        }
        let n = text.chars().count() as f64;
        self.bounds(schema, v, path, n, ("minLength", "maxLength", "characters"));
        if let Some(p) = schema.get("pattern").and_then(J::as_str)
            && let Ok(re) = regex::Regex::new(p)
            && !re.is_match(&text)
        {
            self.push(DiagnosticKind::InvalidForkliftValue {
                span: v.span,
                field: path.to_owned(),
                problem: format!("`{text}` does not match `{p}`"),
                help: None,
            });
        }
    }

    fn number(&mut self, schema: &J, v: &Value, path: &str) {
        let ValueKind::Int(n) = v.kind else {
            self.wrong_type(v, path, "an integer", None);
            return;
        };
        self.bounds(schema, v, path, n as f64, ("minimum", "maximum", ""));
    }

    /// `lo ≤ n ≤ hi` for the schema's bounds named `lo` and `hi` (`unit`: what is counted).
    fn bounds(&mut self, schema: &J, v: &Value, path: &str, n: f64, names: (&str, &str, &str)) {
        let (lo, hi, unit) = names;
        let get = |k: &str| schema.get(k).and_then(J::as_f64);
        let exclusive = |k: &str| flag(schema, k);
        let unit = if unit.is_empty() {
            String::new()
        } else {
            format!(" {unit}")
        };
        let problem = match (get(lo), get(hi)) {
            (Some(min), _) if n < min || (exclusive("exclusiveMinimum") && n <= min) => {
                Some(format!("{n}{unit} is below the minimum {min}"))
            }
            (_, Some(max)) if n > max || (exclusive("exclusiveMaximum") && n >= max) => {
                Some(format!("{n}{unit} is above the maximum {max}"))
            }
            _ => None,
        };
        if let Some(problem) = problem {
            self.push(DiagnosticKind::InvalidForkliftValue {
                span: v.span,
                field: path.to_owned(),
                problem,
                help: None,
            });
        }
    }

    fn wrong_type(&mut self, v: &Value, path: &str, expected: &str, help: Option<String>) {
        self.push(DiagnosticKind::ForkliftWrongType {
            span: v.span,
            field: path.to_owned(),
            expected: expected.to_owned(),
            found: v.kind.describe().to_owned(),
            help,
        });
    }
}

/// A bare one-word identifier (`None`, `True`, `on`).
fn word(v: &Value) -> Option<String> {
    match &v.kind {
        ValueKind::Path(p) if p.segments.len() == 1 => Some(p.dotted()),
        _ => None,
    }
}
