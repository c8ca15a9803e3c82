//! Static analysis of a parsed template: which `.Fields` and functions it uses, and
//! which field references cannot work with a given data type.
//!
//! Exists because Go only notices a wrong field when that branch executes; the
//! checker wants every wrong field, in every branch, before a cluster is involved.
//! Must not evaluate: it only walks the tree.

use std::ops::Range;

use crate::ast::{Arg, Name, Node, Pipe, Tree};
use crate::error::{TemplateError, TemplateErrorKind};

/// One reference to a field of the data (`.VmName`, `$.VmName`), and the field
/// applied to its value, if any (`.VmName.X`).
#[derive(Debug, Clone)]
pub(crate) struct FieldUse {
    pub(crate) field: Name,
    pub(crate) chained: Option<Name>,
}

/// Every field of the template data the template refers to, in source order.
pub(crate) fn field_uses(tree: &Tree) -> Vec<FieldUse> {
    let mut out = Vec::new();
    walk_nodes(&tree.root, &mut out);
    out.sort_by_key(|u| u.field.span.start);
    out
}

fn walk_nodes(nodes: &[Node], out: &mut Vec<FieldUse>) {
    for node in nodes {
        match node {
            Node::Text { .. } => {}
            Node::Action { pipe, .. } => walk_pipe(pipe, out),
            Node::If(if_node) => {
                walk_pipe(&if_node.pipe, out);
                walk_nodes(&if_node.list, out);
                if let Some(else_list) = &if_node.else_list {
                    walk_nodes(else_list, out);
                }
            }
        }
    }
}

fn walk_pipe(pipe: &Pipe, out: &mut Vec<FieldUse>) {
    for cmd in &pipe.cmds {
        for arg in &cmd.args {
            walk_arg(arg, out);
        }
    }
}

fn walk_arg(arg: &Arg, out: &mut Vec<FieldUse>) {
    match arg {
        Arg::Field { idents, .. } => {
            if let Some(field) = idents.first() {
                out.push(FieldUse {
                    field: field.clone(),
                    chained: idents.get(1).cloned(),
                });
            }
        }
        Arg::Variable { idents, .. } => {
            if idents.first().is_some_and(|v| v.text == "$")
                && let Some(field) = idents.get(1)
            {
                out.push(FieldUse {
                    field: field.clone(),
                    chained: idents.get(2).cloned(),
                });
            }
        }
        Arg::Chain { node, .. } => walk_arg(node, out),
        Arg::Pipe { pipe, .. } => walk_pipe(pipe, out),
        _ => {}
    }
}

/// Levenshtein distance, for "did you mean" hints on field names.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The closest known name, if it is plausibly a typo of `name`.
pub(crate) fn suggest<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    known
        .map(|k| {
            let d = if k.eq_ignore_ascii_case(name) {
                0
            } else {
                distance(&k.to_ascii_lowercase(), &name.to_ascii_lowercase())
            };
            (d, k)
        })
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// A field of the data type: its name and Go type (`string`, `int`, `bool`).
pub(crate) type FieldType<'a> = (&'a str, &'a str);

/// Errors for every field reference the data type `type_name` cannot satisfy, in
/// Go's words ("can't evaluate field X in type T"), with the span of the field.
pub(crate) fn unknown_fields(
    src_type: &str,
    fields: &[FieldType<'_>],
    uses: &[FieldUse],
) -> Vec<TemplateError> {
    let mut errors = Vec::new();
    for u in uses {
        match fields.iter().find(|(n, _)| *n == u.field.text) {
            None => {
                let hint = suggest(&u.field.text, fields.iter().map(|(n, _)| *n))
                    .map(|s| format!(" (did you mean .{s}?)"))
                    .unwrap_or_else(|| {
                        let names: Vec<String> =
                            fields.iter().map(|(n, _)| format!(".{n}")).collect();
                        format!(" (available: {})", names.join(", "))
                    });
                let go = format!("can't evaluate field {} in type {src_type}", u.field.text);
                errors.push(TemplateError::new(
                    TemplateErrorKind::UnknownVariable,
                    format!("{go}{hint}"),
                    dotted_span(&u.field),
                    Some(go),
                ));
            }
            Some((_, go_type)) => {
                if let Some(chained) = &u.chained {
                    let go = format!("can't evaluate field {} in type {go_type}", chained.text);
                    errors.push(TemplateError::new(
                        TemplateErrorKind::UnknownVariable,
                        format!("{go} (.{} is a {go_type}, it has no fields)", u.field.text),
                        dotted_span(chained),
                        Some(go),
                    ));
                }
            }
        }
    }
    errors
}

/// The span of a field name including its leading dot (`.VmNam`).
pub(crate) fn dotted_span(name: &Name) -> Range<usize> {
    name.span.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::parse_source;

    #[test]
    fn collects_fields_in_all_branches() {
        let src = "{{if .Shared}}{{.A}}{{else}}{{$.B.C}}{{end}}{{ lower (.D) }}";
        let tree = parse_source(src).tree.unwrap();
        let uses = field_uses(&tree);
        let names: Vec<&str> = uses.iter().map(|u| u.field.text.as_str()).collect();
        assert_eq!(names, vec!["Shared", "A", "B", "D"]);
        assert_eq!(uses[2].chained.as_ref().unwrap().text, "C");
        assert_eq!(&src[uses[1].field.span.clone()], ".A");
    }

    #[test]
    fn unknown_and_chained_fields() {
        let src = "{{.VmNam}}{{.VmName.X}}";
        let tree = parse_source(src).tree.unwrap();
        let errs = unknown_fields("T", &[("VmName", "string")], &field_uses(&tree));
        assert_eq!(errs.len(), 2);
        assert_eq!(&src[errs[0].span.clone()], ".VmNam");
        assert_eq!(
            errs[0].message,
            "can't evaluate field VmNam in type T (did you mean .VmName?)"
        );
        assert_eq!(&src[errs[1].span.clone()], ".X");
        assert_eq!(
            errs[1].go_message.as_deref(),
            Some("can't evaluate field X in type string")
        );
        assert_eq!(
            suggest("diskindex", ["DiskIndex", "VmId"].into_iter()),
            Some("DiskIndex")
        );
        assert_eq!(suggest("Zzzzzz", ["DiskIndex", "VmId"].into_iter()), None);
    }
}
