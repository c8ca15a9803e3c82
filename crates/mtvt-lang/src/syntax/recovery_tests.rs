//! Recovery after syntax errors: several errors per file, each once, at the place of the
//! mistake; the rest of the file read as if the mistake were not there; partial ASTs of
//! half-written text (what completion works on); and the first error always the one
//! `parse` (and pest) reports.

use super::ast::*;
use super::{Parsed, parse, parse_document};
use crate::diag::DiagnosticKind;
use crate::span::FileId;

fn doc(text: &str) -> Parsed {
    let d = parse_document(FileId(0), text);
    // Whatever recovery adds, the first error is the one `parse` reports.
    let (ast, diags) = parse(FileId(0), text);
    assert_eq!(ast.is_some(), d.syntax_ok, "{text}");
    assert_eq!(diags.first(), d.diagnostics.first(), "{text}");
    d
}

/// (line, column) and message of each syntax error.
fn errors(text: &str, d: &Parsed) -> Vec<(usize, usize, String)> {
    d.diagnostics
        .iter()
        .filter_map(|e| match e {
            DiagnosticKind::SyntaxError { span, expected, .. } => {
                let before = &text[..span.start];
                let line = before.matches('\n').count() + 1;
                let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
                Some((line, col, expected.clone()))
            }
            _ => None,
        })
        .collect()
}

fn keys(b: &Block) -> Vec<&str> {
    b.entries.iter().map(|e| e.key.node.as_str()).collect()
}

fn scenario<'a>(d: &'a Parsed, name: &str) -> &'a ScenarioDecl {
    d.file
        .items
        .iter()
        .find_map(|i| match i {
            Item::Scenario(s) if s.name.node == name => Some(s),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no scenario {name}"))
}

const THREE_MISTAKES: &str = "\
scenario a {
  vm \"x\" { guest_agent true }
  plan { warm true ) }
  expect { migration succeeds }
}

scenario b {
  tags [a, b
  vm \"y\"
}

check c {
  assert dest.cpu.cores ==
}
";

#[test]
fn every_mistake_is_reported_once_and_the_rest_is_read() {
    let d = doc(THREE_MISTAKES);
    assert!(!d.syntax_ok);
    let e = errors(THREE_MISTAKES, &d);
    let at: Vec<(usize, usize)> = e.iter().map(|(l, c, _)| (*l, *c)).collect();
    // `)` where no entry starts; the list `[a, b\n vm` without its `]` (pest points at
    // its `[`); `==` without a right side.
    assert_eq!(at, [(3, 20), (8, 8), (14, 1)], "{e:#?}");
    // The first is the reference parser's; later ones are worded the same way.
    assert!(
        e[0].2.contains("`}`") && e[0].2.contains("a name"),
        "{e:#?}"
    );
    assert!(e[2].2.contains("an expression"), "{e:#?}");
    let a = scenario(&d, "a");
    assert_eq!(keys(&a.body), ["vm", "plan", "expect"]);
    let b = scenario(&d, "b");
    assert_eq!(keys(&b.body), ["tags", "vm"]);
    let Some(Item::Check(c)) = d.file.items.last() else {
        panic!("no check")
    };
    let CheckDef::Body(stmts) = &c.body else {
        panic!()
    };
    assert_eq!(stmts.len(), 1);
}

#[test]
fn garbage_lines_do_not_cascade() {
    let text = "scenario s {\n  vm \"x\" {\n    ]]] ((( :::\n    & | ! @\n    guest_agent true\n  }\n  expect { migration succeeds }\n}\n";
    let d = doc(text);
    let e = errors(text, &d);
    assert_eq!(e.len(), 1, "{e:#?}");
    let s = scenario(&d, "s");
    assert_eq!(keys(&s.body), ["vm", "expect"]);
    let Some(EntryBody::Block(vm)) = &s.body.entries[0].body else {
        panic!()
    };
    assert_eq!(keys(vm), ["guest_agent"]);
    // A stray item between two good ones.
    let text = "scenario a { vm \"x\" }\n}}} nonsense (\nscenario b { vm \"y\" }\n";
    let d = doc(text);
    assert_eq!(errors(text, &d).len(), 1);
    assert_eq!(d.file.items.len(), 2);
}

#[test]
fn an_unclosed_block_ends_at_the_end_of_the_file() {
    let text = "scenario s {\n  vm \"x\" { sour";
    let d = doc(text);
    let e = errors(text, &d);
    assert_eq!(e.len(), 1, "{e:#?}");
    let s = scenario(&d, "s");
    let Some(EntryBody::Block(vm)) = &s.body.entries[0].body else {
        panic!()
    };
    assert_eq!(keys(vm), ["sour"]);
    assert_eq!(vm.entries[0].key.span.end, text.len());
}

#[test]
fn half_written_entries_and_statements_keep_their_parts() {
    let d = doc("scenario s {\n  expect { check ");
    let s = scenario(&d, "s");
    let Some(EntryBody::Block(expect)) = &s.body.entries[0].body else {
        panic!()
    };
    assert_eq!(keys(expect), ["check"]);
    // `dest.` with the field not typed yet: an empty field name where the cursor is.
    let text = "check c {\n  assert dest.";
    let d = doc(text);
    let Some(Item::Check(c)) = d.file.items.first() else {
        panic!()
    };
    let CheckDef::Body(stmts) = &c.body else {
        panic!()
    };
    let Stmt::Assert { cond, .. } = &stmts[0] else {
        panic!()
    };
    let ExprKind::Field(of, field) = &cond.kind else {
        panic!("{cond:?}")
    };
    assert!(matches!(&of.kind, ExprKind::Name(n) if n == "dest"));
    assert_eq!((field.node.as_str(), field.span.start), ("", text.len()));
    // A call without its `)`, a `let` without its value, an operator without its right
    // side (reported where the operand should be: the `}` on the next line, as a line
    // may break after an operator): one error each, and every statement kept.
    let text = "check c {\n  assert len(dest.disks\n  let x = \n  assert x ==\n}\n";
    let d = doc(text);
    let Some(Item::Check(c)) = d.file.items.first() else {
        panic!()
    };
    let CheckDef::Body(stmts) = &c.body else {
        panic!()
    };
    assert_eq!(stmts.len(), 3, "{stmts:#?}");
    let lines: Vec<usize> = errors(text, &d).iter().map(|e| e.0).collect();
    assert_eq!(lines, [2, 3, 5], "{:#?}", errors(text, &d));
}

#[test]
fn valid_text_parses_the_same_with_or_without_recovery() {
    let text = "use std/checks\n# c\nscenario s {\n  vm \"x\" { guest_agent true }\n  expect { migration succeeds; check standard }\n}\ncheck c {\n  assert len(\n    dest.disks) > 0\n}\n";
    let d = doc(text);
    assert!(d.syntax_ok && d.diagnostics.is_empty());
    assert_eq!(Some(d.file), parse(FileId(0), text).0);
    // A broken item next to good ones leaves the good ones exactly as parsed alone.
    let good =
        "scenario g {\n  vm \"x\" { guest_agent true }\n  expect { migration succeeds }\n}\n";
    let broken = format!("{good}scenario b {{ vm \"y\" {{ = }} }}\n");
    let d = doc(&broken);
    let alone = parse(FileId(0), good).0.unwrap();
    assert_eq!(d.file.items[0], alone.items[0]);
}

#[test]
fn tokens_and_comments_cover_skipped_text() {
    let text = "scenario s { # top\n  vm \"unclosed\n  x 1 # end\n}\n";
    let d = doc(text);
    let comments: Vec<&str> = d.comments.iter().map(|c| &text[c.start..c.end]).collect();
    assert_eq!(comments, ["# top", "# end"]);
    let open = d
        .tokens
        .iter()
        .find(|t| t.text(text) == "\"unclosed")
        .expect("a token for the unclosed string");
    assert!(!open.closed);
}
