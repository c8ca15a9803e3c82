//! The grammar against real files: every catalog file parses without ERROR or MISSING
//! nodes, the syntax fixture (every construct of grammar/mtvt.pest) is accepted by both
//! this parser and the pest parser, invalid text is rejected by both, and the trees have
//! the shapes the queries rely on.

use crate::support::{catalog_files, crate_dir, parse, repo_root, syntax_errors};
use mtvt_lang::span::FileId;

#[test]
fn every_catalog_file_parses_without_errors() {
    let files = catalog_files();
    assert!(
        files.len() >= 20,
        "expected the scenario catalog and stdlib, found {} files",
        files.len()
    );
    let mut failures = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let tree = parse(&text);
        let rel = file
            .strip_prefix(repo_root())
            .unwrap_or(file)
            .display()
            .to_string();
        for e in syntax_errors(&tree, &text) {
            failures.push(format!("{rel}:{e}"));
        }
        assert!(
            tree.root_node().named_child_count() > 0,
            "{rel}: empty tree"
        );
    }
    assert!(
        failures.is_empty(),
        "syntax errors:\n{}",
        failures.join("\n")
    );
}

fn fixture() -> String {
    std::fs::read_to_string(crate_dir().join("tests/fixtures/syntax.mtvt")).unwrap()
}

#[test]
fn syntax_fixture_is_accepted_by_tree_sitter_and_pest() {
    let text = fixture();
    let tree = parse(&text);
    assert_eq!(syntax_errors(&tree, &text), Vec::<String>::new());
    let (ast, diags) = mtvt_lang::syntax::parse(FileId(0), &text);
    assert!(ast.is_some(), "pest rejects the fixture: {diags:?}");
}

/// Text that grammar/mtvt.pest rejects; the tree-sitter parser must flag it too.
const INVALID: &[(&str, &str)] = &[
    ("scenario without a name", "scenario {\n}\n"),
    ("entry at top level", "vm \"x\"\n"),
    ("unterminated string", "scenario s {\n  vm \"x\n}\n"),
    ("unclosed block", "scenario s {\n  vm \"x\"\n"),
    ("entry inside a check body", "check c {\n  vm \"x\"\n}\n"),
    ("statement without expression", "check c {\n  assert\n}\n"),
    ("dangling operator", "check c {\n  assert a ==\n}\n"),
    ("two items on one line", "session {} session {}\n"),
    ("else without when", "check c {\n  else { skip \"x\" }\n}\n"),
    (
        "object member without value",
        "scenario s {\n  plan { target_affinity { a: } }\n}\n",
    ),
];

#[test]
fn invalid_text_is_rejected_by_both_parsers() {
    for (what, text) in INVALID {
        let (ast, _) = mtvt_lang::syntax::parse(FileId(0), text);
        assert!(
            ast.is_none(),
            "{what}: pest accepts {text:?}, so this case proves nothing"
        );
        let tree = parse(text);
        assert!(
            tree.root_node().has_error(),
            "{what}: tree-sitter accepts {text:?}:\n{}",
            tree.root_node().to_sexp()
        );
    }
}

/// The S-expression of the first item of `text`, fields included.
fn sexp(text: &str) -> String {
    let tree = parse(text);
    assert_eq!(syntax_errors(&tree, text), Vec::<String>::new(), "{text}");
    tree.root_node().named_child(0).unwrap().to_sexp()
}

#[test]
fn entries_keep_key_arguments_and_body_apart() {
    assert_eq!(
        sexp("scenario s {\n  hook pre = hooks.succeed; vm \"x\" { count 2 }\n}"),
        "(scenario_declaration name: (identifier) body: (block \
         (entry key: (identifier) (arguments (path (identifier)) (operator) (path (identifier) (identifier)))) \
         (entry key: (identifier) (arguments (string (string_content))) body: (block \
         (entry key: (identifier) (arguments (number)))))))"
    );
    // `{ k: v }` after a key is an object, `{ k v }` a block
    assert_eq!(
        sexp("session {\n  a { b: 1 }\n  c { d 1 }\n}"),
        "(session_declaration body: (block \
         (entry key: (identifier) body: (object (member key: (identifier) value: (number)))) \
         (entry key: (identifier) body: (block (entry key: (identifier) (arguments (number)))))))"
    );
}

#[test]
fn operators_bind_as_in_the_pratt_parser() {
    // or < and < not < comparisons < postfix
    assert_eq!(
        sexp("check c {\n  assert a or b and not c.d == e[0]\n}"),
        "(check_declaration name: (identifier) body: (check_body (assert_statement condition: \
         (binary_expression left: (identifier) right: (binary_expression left: (identifier) right: \
         (unary_expression operand: (binary_expression left: (field_expression object: (identifier) field: (identifier)) \
         right: (index_expression object: (identifier) index: (number)))))))))"
    );
}

#[test]
fn else_may_start_a_new_line() {
    let s = sexp(
        "check c {\n  when a { skip \"1\" }\n  else when b { skip \"2\" }\n\n  else { skip \"3\" }\n  assert x\n}",
    );
    assert!(s.contains("(when_statement (when_branch"), "{s}");
    assert_eq!(s.matches("(when_branch").count(), 2, "{s}");
    assert!(s.contains("(else_branch body:"), "{s}");
    assert!(
        s.contains("(assert_statement"),
        "the statement after the else chain is separate: {s}"
    );
}

#[test]
fn comprehensions_and_calls_are_told_apart() {
    let s = sexp("check c {\n  assert find(x in xs: x.a) != none and f(x in xs)\n}");
    assert!(s.contains("(comprehension function: (identifier) variable: (identifier) iterable: (identifier) predicate:"), "{s}");
    assert!(
        s.contains("(call function: (identifier) argument: (binary_expression"),
        "{s}"
    );
}
