//! Grammar and lowering tests: shapes of the AST for each construct, spans, and the
//! syntax errors the parser reports.

use super::MAX_DEPTH;
use super::ast::*;
use super::parse;
use crate::diag::DiagnosticKind;
use crate::span::FileId;

fn ok(text: &str) -> File {
    let (ast, diags) = parse(FileId(0), text);
    assert!(diags.is_empty(), "unexpected diagnostics: {diags:#?}");
    ast.expect("ast")
}

fn syntax_error(text: &str) -> (usize, String) {
    let (ast, diags) = parse(FileId(0), text);
    assert!(ast.is_none(), "expected a syntax error for {text:?}");
    match &diags[0] {
        crate::diag::DiagnosticKind::SyntaxError { span, expected, .. } => {
            (span.start, expected.clone())
        }
        d => panic!("not a syntax error: {d:?}"),
    }
}

const SKETCH: &str = r#"
use std/checks
use std/hooks

scenario sanity_cold {
  tags tier0
  vm "mtv-tests-rhel8" { guest_agent true }
  expect {
    migration succeeds
    check standard
  }
}

scenario cold_migration_comprehensive {
  tags tier0, comprehensive
  requires provider vsphere          # skipped, with a reason, for other source types
  requires mtv >= 2.8
  vm "mtv-win2019-3disks" {
    source_power off
    guest_agent true
  }
  plan {
    warm false
    pvc_name_template '{{.VmName}}-disk-{{.DiskIndex}}'
    target_node_selector { "mtv-comprehensive-node": session }
    target_affinity {
      podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{
        podAffinityTerm: {
          labelSelector: { matchLabels: { app: "test" } },
          topologyKey: "kubernetes.io/hostname"
        },
        weight: 50
      }] }
    }
  }
  hook pre = hooks.succeed
  hook post { playbook """
    - name: Failing post hook
      hosts: localhost
  """ }
  expect {
    migration fails at PostHook
    check standard, static_ips
  }
}

check cpu "CPU topology" {
  assert dest.cpu.sockets == source.cpu.sockets, "sockets differ"
  for d in dest.disks { assert d.size >= 1Gi }
  let n = len(dest.nics)
  when plan.target_power_state != none { assert dest.power == plan.target_power_state }
  else when vm.source_power != none   { assert dest.power == vm.source_power }
  else { skip "no expectation" }
}
check standard = power_state, cpu,
  memory
"#;

#[test]
fn the_design_sketch_parses() {
    let f = ok(SKETCH);
    assert_eq!(f.items.len(), 6);
    let Item::Scenario(s) = &f.items[3] else {
        panic!()
    };
    assert_eq!(s.name.node, "cold_migration_comprehensive");
    let keys: Vec<&str> = s.body.entries.iter().map(|e| e.key.node.as_str()).collect();
    assert_eq!(
        keys,
        [
            "tags", "requires", "requires", "vm", "plan", "hook", "hook", "expect"
        ]
    );
    // `requires mtv >= 2.8` → one group of three args with an operator.
    let req = &s.body.entries[2];
    assert_eq!(req.args.len(), 1);
    assert!(matches!(req.args[0].args[1], Arg::Op(ref o) if o.node == ">="));
    assert!(
        matches!(req.args[0].args[2], Arg::Value(Value { kind: ValueKind::Version(ref v), .. }) if v == &[2, 8])
    );
    // The triple-quoted playbook is dedented.
    let hook = &s.body.entries[6];
    let Some(EntryBody::Block(b)) = &hook.body else {
        panic!()
    };
    let Arg::Value(Value {
        kind: ValueKind::Triple(t),
        ..
    }) = &b.entries[0].args[0].args[0]
    else {
        panic!()
    };
    assert_eq!(t, "- name: Failing post hook\n  hosts: localhost");
    // The composite check spans two lines.
    let Item::Check(c) = &f.items[5] else {
        panic!()
    };
    let CheckDef::Composite(refs) = &c.body else {
        panic!()
    };
    assert_eq!(refs.len(), 3);
}

#[test]
fn objects_blocks_and_spans() {
    let text = "scenario x {\n  plan { target_labels { \"a\": session, b: \"c\" } }\n}\n";
    let f = ok(text);
    let Item::Scenario(s) = &f.items[0] else {
        panic!()
    };
    let plan = &s.body.entries[0];
    let Some(EntryBody::Block(b)) = &plan.body else {
        panic!("plan has a block")
    };
    let labels = &b.entries[0];
    let Some(EntryBody::Object(o)) = &labels.body else {
        panic!("labels is an object")
    };
    let ValueKind::Object(members) = &o.kind else {
        panic!()
    };
    assert_eq!(members[0].key.node, "a");
    assert_eq!(
        &text[members[0].key.span.start..members[0].key.span.end],
        "\"a\""
    );
    assert_eq!(
        &text[members[1].value.span.start..members[1].value.span.end],
        "\"c\""
    );
    // An empty `{}` is an empty block.
    let f = ok("scenario x { plan {} }");
    let Item::Scenario(s) = &f.items[0] else {
        panic!()
    };
    assert!(
        matches!(s.body.entries[0].body, Some(EntryBody::Block(ref b)) if b.entries.is_empty())
    );
}

#[test]
fn strings_interpolate_and_raw_strings_do_not() {
    let f = ok(
        "scenario x { plan { target_namespace \"ns-${session}-\\${x}\" ; pvc_name_template '${x}' } }",
    );
    let Item::Scenario(s) = &f.items[0] else {
        panic!()
    };
    let Some(EntryBody::Block(b)) = &s.body.entries[0].body else {
        panic!()
    };
    let Arg::Value(v) = &b.entries[0].args[0].args[0] else {
        panic!()
    };
    let ValueKind::Str(parts) = &v.kind else {
        panic!()
    };
    assert_eq!(parts.len(), 3);
    assert!(matches!(&parts[1], StrPart::Interp(p) if p.dotted() == "session"));
    assert!(matches!(&parts[2], StrPart::Text(t) if t == "-${x}"));
    let Arg::Value(v) = &b.entries[1].args[0].args[0] else {
        panic!()
    };
    assert_eq!(v.kind, ValueKind::Raw(Name::new("${x}")));
}

#[test]
fn literals_are_typed() {
    let f =
        ok("session { a 30Gi; b 5m; c 1h30m; d 42; e true; f none; g thick-lazy; h [1, 2,\n 3] }");
    let Item::Session(s) = &f.items[0] else {
        panic!()
    };
    let kinds: Vec<&ValueKind> = s
        .body
        .entries
        .iter()
        .map(|e| match &e.args[0].args[0] {
            Arg::Value(v) => &v.kind,
            Arg::Op(_) => panic!(),
        })
        .collect();
    assert!(matches!(kinds[0], ValueKind::Quantity(q) if q.value == 30 << 30));
    assert_eq!(kinds[1], &ValueKind::Duration(300_000));
    assert_eq!(kinds[2], &ValueKind::Duration(5_400_000));
    assert_eq!(kinds[3], &ValueKind::Int(42));
    assert_eq!(kinds[4], &ValueKind::Bool(true));
    assert_eq!(kinds[5], &ValueKind::None);
    assert!(matches!(kinds[6], ValueKind::Path(p) if p.dotted() == "thick-lazy"));
    assert!(matches!(kinds[7], ValueKind::List(l) if l.len() == 3));
}

#[test]
fn expression_precedence() {
    let e = super::parse_expr(FileId(0), "not a.b == c and d or e").expect("parses");
    // ((not (a.b == c)) and d) or e
    let ExprKind::Binary(op, lhs, _) = &e.kind else {
        panic!()
    };
    assert_eq!(op.node, BinOp::Or);
    let ExprKind::Binary(op, lhs, _) = &lhs.kind else {
        panic!()
    };
    assert_eq!(op.node, BinOp::And);
    let ExprKind::Not(inner) = &lhs.kind else {
        panic!()
    };
    assert!(matches!(&inner.kind, ExprKind::Binary(op, _, _) if op.node == BinOp::Eq));
    let e = super::parse_expr(FileId(0), "all(d in dest.disks: d.size > 1Gi)").expect("parses");
    assert!(matches!(e.kind, ExprKind::Comprehension { .. }));
    let e = super::parse_expr(FileId(0), "dest.labels[\"app\"] in [\"a\", \"b\"]").expect("parses");
    assert!(
        matches!(&e.kind, ExprKind::Binary(op, l, _) if op.node == BinOp::In && matches!(l.kind, ExprKind::Index(..)))
    );
}

#[test]
fn syntax_errors_point_at_the_problem() {
    // A file ending inside a bracket: the caret goes on the bracket never closed.
    let (pos, expected) = syntax_error("scenario x {\n  vm \"a\" {\n}\n");
    assert_eq!(pos, 22, "{expected}: the vm's, by indentation");
    assert_eq!(expected, "this `{` is never closed");
    // Otherwise at the end of the file it goes on the last character.
    let (pos, expected) = syntax_error("scenario x {}\nscenario\n");
    assert_eq!(pos, 21, "{expected}");
    assert!(expected.contains("ends here"), "{expected}");
    let (pos, expected) = syntax_error("scenario x { tags a, }");
    assert_eq!(pos, 21, "{expected}");
    assert!(expected.contains("a value"), "{expected}");
    let (pos, _) = syntax_error("check c { assert dest.cpu == }");
    assert_eq!(pos, 29);
    let (pos, expected) = syntax_error("scenario x { a \"unterminated\n }");
    assert_eq!(pos, 28, "{expected}");
}

#[test]
fn too_deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("session {{ a {}{} }}", "[".repeat(500), "]".repeat(500));
    let (_, diags) = parse(FileId(0), &deep);
    assert!(!diags.is_empty());
    // Thousands of levels are refused before pest runs (pest recurses once per level and
    // has no stack probe), pointing at the first bracket past the limit.
    let runaway = format!(
        "session {{ a {}{} }}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let (ast, diags) = parse(FileId(0), &runaway);
    assert!(ast.is_none());
    match diags.as_slice() {
        [DiagnosticKind::SyntaxError { span, expected, .. }] => {
            assert_eq!(span.start, 12 + MAX_DEPTH - 1, "{expected}");
            assert!(expected.contains("nesting deeper than"), "{expected}");
        }
        other => panic!("{other:?}"),
    }
    // Brackets in strings and comments do not count.
    let quoted = format!(
        "session {{\n  a \"{0}\" # {0}\n  b '{0}'\n}}",
        "[".repeat(1_000)
    );
    let (ast, diags) = parse(FileId(0), &quoted);
    assert!(ast.is_some() && diags.is_empty(), "{diags:?}");
    let long = format!("check c {{ assert {} }}", vec!["a"; 600].join(" and "));
    let (_, diags) = parse(FileId(0), &long);
    assert!(!diags.is_empty());
}

#[test]
fn comments_end_any_line() {
    let f = ok(
        "# head\nuse std/checks # trailing\nscenario s { # after brace\n  tags a, # after comma\n    b\n  plan { target_labels { # in object\n    a: \"b\", # member\n  } }\n} # last line without newline",
    );
    let Item::Scenario(s) = &f.items[1] else {
        panic!()
    };
    assert_eq!(s.body.entries[0].args.len(), 2);
    ok("check c {\n  when true { skip \"x\" } # c\n  else { assert (1 == # in parens\n 1) }\n}");
}

/// pest is built without its stack probe (see parser.rs): the nesting the parser lets
/// through must fit the smallest stack a check runs on (2 MiB: test threads, tokio's
/// blocking threads in the language server), in debug builds too, for every kind of
/// bracket and for unclosed ones (the failure path).
#[test]
fn deepest_nesting_pest_sees_fits_a_small_stack() {
    let n = super::depth::DEPTH_GUARD - 1;
    let cases = [
        format!("session {{ a {}{} }}", "[".repeat(n), "]".repeat(n)),
        format!("session {{ a {} }}", "[".repeat(n)),
        format!("session {{ a {}{} }}", "{ k: ".repeat(n), "}".repeat(n)),
        format!("session {{ a {} }}", "{ k: ".repeat(n)),
        format!("session {{ {} x {} }}", "a { ".repeat(n), "}".repeat(n)),
        format!("session {{ {} x }}", "a { ".repeat(n)),
        format!("check c {{ assert {}x{} }}", "(".repeat(n), ")".repeat(n)),
        format!("check c {{ assert {}x }}", "(".repeat(n)),
        format!("check c {{ assert x{} }}", "[".repeat(n)),
        format!("check c {{ {} }}", "when x { ".repeat(n)),
        format!(
            "check c {{ {}assert x{} }}",
            "when x { ".repeat(n),
            " }".repeat(n)
        ),
    ];
    let handle = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            for text in &cases {
                let (_, diags) = parse(FileId(0), text);
                assert!(!diags.is_empty(), "{text}");
            }
        })
        .unwrap();
    handle.join().unwrap();
}
