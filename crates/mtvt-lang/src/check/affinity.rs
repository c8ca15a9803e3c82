//! `target_affinity` must be a Kubernetes core/v1 `Affinity`: deserialized with
//! k8s-openapi through serde_path_to_error (wrong types and missing fields name the field
//! path), plus a round trip that catches unknown fields (k8s-openapi ignores them, the API
//! server would drop them), then the API server's value rules (`affinity_rules`). The
//! error points at the offending member in the source.

use k8s_openapi::api::core::v1::Affinity;

use super::memo::SharedSet;
use crate::diag::{DiagnosticKind, Sink, suggest};
use crate::span::Span;
use crate::syntax::ast::{Value, ValueKind};

/// Field names of the Affinity type tree (for "did you mean" on unknown fields).
const AFFINITY_FIELDS: &[&str] = &[
    "nodeAffinity",
    "podAffinity",
    "podAntiAffinity",
    "requiredDuringSchedulingIgnoredDuringExecution",
    "preferredDuringSchedulingIgnoredDuringExecution",
    "nodeSelectorTerms",
    "matchExpressions",
    "matchFields",
    "key",
    "operator",
    "values",
    "weight",
    "preference",
    "podAffinityTerm",
    "labelSelector",
    "matchLabels",
    "namespaceSelector",
    "namespaces",
    "topologyKey",
    "matchLabelKeys",
    "mismatchLabelKeys",
];

/// Validates an affinity object (`json`, written as `ast`).
pub fn check_affinity(
    sink: &mut Sink,
    json: &serde_json::Value,
    ast: &Value,
    valid: &SharedSet<String>,
) {
    // Suites repeat affinities: one already found valid is skipped. Validity is decided by
    // what this check reports, never by the sink's count (which drops repeats of earlier
    // diagnostics).
    let key = json.to_string();
    if valid.contains(key.as_str()) {
        return;
    }
    if check_affinity_uncached(sink, json, ast) == 0 {
        valid.insert(key);
    }
}

/// Reports every problem of the affinity; returns how many.
fn check_affinity_uncached(sink: &mut Sink, json: &serde_json::Value, ast: &Value) -> usize {
    let de = json.clone();
    match serde_path_to_error::deserialize::<_, Affinity>(de) {
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.inner().to_string();
            let span = locate(ast, &path).unwrap_or(ast.span);
            sink.push(DiagnosticKind::InvalidAffinity {
                span,
                message: inner,
                path,
                help: Some(String::from(
                    "field names are camelCase as in the Kubernetes API (core/v1 Affinity)",
                )),
            });
            1
        }
        Ok(a) => {
            let back = serde_json::to_value(&a).unwrap_or(serde_json::Value::Null);
            let mut unknown = Vec::new();
            find_unknown(json, &back, String::new(), &mut unknown);
            let rules = super::affinity_rules::problems(json);
            let problems = unknown.len() + rules.len();
            for (path, message) in rules {
                let span = locate(ast, &path).unwrap_or(ast.span);
                sink.push(DiagnosticKind::InvalidAffinity {
                    span,
                    message,
                    path,
                    help: Some(String::from(
                        "the API server validates these values (Kubernetes ValidateAffinity)",
                    )),
                });
            }
            for (path, key) in unknown {
                let span = locate_key(ast, &path).unwrap_or(ast.span);
                sink.push(DiagnosticKind::InvalidAffinity {
                    span,
                    message: format!("unknown field `{key}`"),
                    path,
                    help: suggest::help(&key, AFFINITY_FIELDS),
                });
            }
            problems
        }
    }
}

fn join(prefix: &str, seg: &str) -> String {
    if prefix.is_empty() {
        seg.to_string()
    } else {
        format!("{prefix}.{seg}")
    }
}

fn find_unknown(
    input: &serde_json::Value,
    back: &serde_json::Value,
    path: String,
    out: &mut Vec<(String, String)>,
) {
    match (input, back) {
        (serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
            for (k, v) in a {
                let p = join(&path, k);
                match b.get(k) {
                    Some(bv) => find_unknown(v, bv, p, out),
                    None if !v.is_null() => out.push((p, k.clone())),
                    None => {}
                }
            }
        }
        (serde_json::Value::Array(a), serde_json::Value::Array(b)) => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                find_unknown(x, y, format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// Path segments of `a.b[0].c` → [Key(a), Key(b), Index(0), Key(c)].
enum Seg {
    Key(String),
    Index(usize),
}

fn segments(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            let (k, idx) = rest.split_at(i);
            if !k.is_empty() {
                out.push(Seg::Key(k.to_string()));
            }
            rest = idx;
            for chunk in rest.split('[').filter(|c| !c.is_empty()) {
                if let Ok(n) = chunk.trim_end_matches(']').parse() {
                    out.push(Seg::Index(n));
                }
            }
        } else if !rest.is_empty() && rest != "?" {
            out.push(Seg::Key(rest.to_string()));
        }
    }
    out
}

/// The span of the value at `path` (or the deepest existing ancestor).
fn locate(ast: &Value, path: &str) -> Option<Span> {
    let mut cur = ast;
    for seg in segments(path) {
        let next = match (&cur.kind, seg) {
            (ValueKind::Object(ms), Seg::Key(k)) => {
                ms.iter().find(|m| m.key.node == k).map(|m| &m.value)
            }
            (ValueKind::List(items), Seg::Index(i)) => items.get(i),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => break,
        }
    }
    Some(cur.span)
}

/// The span of the member key at `path`.
fn locate_key(ast: &Value, path: &str) -> Option<Span> {
    let segs = segments(path);
    let (last, parents) = segs.split_last()?;
    let mut cur = ast;
    for seg in parents {
        cur = match (&cur.kind, seg) {
            (ValueKind::Object(ms), Seg::Key(k)) => &ms.iter().find(|m| m.key.node == k)?.value,
            (ValueKind::List(items), Seg::Index(i)) => items.get(*i)?,
            _ => return None,
        };
    }
    match (&cur.kind, last) {
        (ValueKind::Object(ms), Seg::Key(k)) => {
            ms.iter().find(|m| m.key.node == k).map(|m| m.key.span)
        }
        _ => Some(cur.span),
    }
}
