//! The fast parser (`syntax::parse_fast`) against the reference, pest + lowering
//! (`syntax::parse_reference`): on every scenario, stdlib and fixture file, on hand-written
//! corner cases of the grammar, and on thousands of mutations of those files, the fast
//! parser must return exactly the reference AST (spans included) when the reference
//! parses the file cleanly, and must decline (so the reference runs and reports) when it
//! does not.

use super::support::{Lcg, mutate, repository_inputs as files};
use mtvt_lang::diag::DiagnosticKind;
use mtvt_lang::span::FileId;
use mtvt_lang::syntax::{
    parse_document, parse_fast, parse_fast_in_pieces, parse_on, parse_reference,
};

/// How the reference judged a text both parsers agree on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Outcome {
    /// Parsed, nothing reported.
    Clean,
    /// Parsed, with diagnostics (invalid literals, limits …): identical in both.
    Reported,
    /// A syntax error: the same first error in both.
    Rejected,
}

/// Compares the parser with the reference on `text`; `Err` describes a disagreement.
fn agree(text: &str) -> Result<Outcome, String> {
    let (reference, ref_diags) = parse_reference(FileId(0), text);
    let fast = parse_fast(FileId(0), text);
    let (ast, diags) = parse_on(FileId(0), text, 1);
    tolerant_parse_agrees(text, ast.as_ref(), &diags)?;
    match reference {
        Some(r) => {
            let Some((f, fdiags)) = fast else {
                return Err(String::from(
                    "the parser rejects a file the reference parses",
                ));
            };
            if f != r {
                return Err(format!(
                    "ASTs differ\n--- parser\n{f:#?}\n--- reference\n{r:#?}"
                ));
            }
            if fdiags != ref_diags {
                return Err(format!(
                    "diagnostics differ\n--- parser\n{fdiags:#?}\n--- reference\n{ref_diags:#?}"
                ));
            }
            if ast.as_ref() != Some(&r) || diags != ref_diags {
                return Err(String::from("parse() differs from the fast parser"));
            }
            Ok(if ref_diags.is_empty() {
                Outcome::Clean
            } else {
                Outcome::Reported
            })
        }
        None => {
            if fast.is_some() || ast.is_some() {
                return Err(format!(
                    "the parser accepts a file the reference rejects: {:?}",
                    ref_diags.first()
                ));
            }
            if diags.first() != ref_diags.first() {
                return Err(format!(
                    "first errors differ\n--- parser\n{:#?}\n--- reference\n{:#?}",
                    diags.first(),
                    ref_diags.first()
                ));
            }
            Ok(Outcome::Rejected)
        }
    }
}

/// The tools' parse (`parse_document`: recovery, tokens, comments) says what `parse` says:
/// the same AST when the text parses, else the same first error, then later errors in
/// order, a few per mistake at most.
fn tolerant_parse_agrees(
    text: &str,
    ast: Option<&mtvt_lang::syntax::ast::File>,
    diags: &[DiagnosticKind],
) -> Result<(), String> {
    let d = parse_document(FileId(0), text);
    if d.syntax_ok != ast.is_some() || d.diagnostics.first() != diags.first() {
        return Err(format!(
            "parse_document differs from parse: {:?} vs {:?}",
            d.diagnostics.first(),
            diags.first()
        ));
    }
    if let Some(ast) = ast
        && (ast != &d.file || diags != d.diagnostics.as_slice())
    {
        return Err(String::from(
            "parse_document differs from parse on a clean text",
        ));
    }
    let syntax: Vec<usize> = d
        .diagnostics
        .iter()
        .filter(|e| matches!(e, DiagnosticKind::SyntaxError { .. }))
        .map(|e| e.span().start)
        .collect();
    if syntax.windows(2).any(|w| w[0] >= w[1]) || syntax.len() > 4 {
        return Err(format!(
            "syntax errors out of order or too many: {syntax:?}"
        ));
    }
    if d.tokens.windows(2).any(|w| w[0].end > w[1].start)
        || d.comments.windows(2).any(|w| w[0].end > w[1].start)
    {
        return Err(String::from("tokens or comments overlap"));
    }
    Ok(())
}

#[test]
fn repository_files_parse_identically() {
    let mut clean = 0;
    for f in files() {
        let text = std::fs::read_to_string(&f).unwrap();
        match agree(&text) {
            Ok(o) => clean += usize::from(o == Outcome::Clean),
            Err(e) => panic!("{}: {e}", f.display()),
        }
    }
    assert!(clean > 60, "only {clean} clean files");
}

/// Where pest keeps spaces inside a node's span, the fast parser must too.
#[test]
fn corner_cases_parse_identically() {
    let cases = [
        "",
        "   \n\n",
        "# only a comment",
        "use std/checks   \nuse './x.mtvt' as x  # c\nuse \"a.mtvt\"",
        "scenario a {}\r\nscenario b { }\rfragment c extends a ,\n  b  { x 1 }",
        "scenario a { vm \"x\" { guest_agent true }  ; tags a b  , c,d   \n}",
        "scenario a {\n  hook pre = hooks.succeed   # trailing\n  plan {  }\n}",
        "scenario a { x 1 2   \n y 3   \n z [1, 2\n ,3,] w [\n] v {a: 1, 'b': \"c\"\n d: [x.y]} }",
        "scenario a { t { \"k\": session, k2: \"v${session}w\\n\\\"\" } }",
        "scenario a { p \"\"\"\n    a\n      b\n    \"\"\" q 'raw ${x}' r \"\" s \"$\" }",
        "scenario a { n -1 2.8 4.20.1 30Gi 1.5Gi 100M 5m 1h30m 250ms }",
        "scenario a { op >= 2 <= 3 == 4 != 5 > 6 < 7 = 8 }",
        "check a = b   \ncheck b \"d\" = c, d.e   \ncheck c =\n  d",
        "check a {\n  assert x == 1   \n  assert y.z   , \"m\"\n  let v = a == b.c   \n  let w = a.b   \n  let u = a   \n}",
        "check a { when x { skip \"r\" }   \n  else when y { assert z } else { assert w }\n when q { assert r }   \n}",
        "check a { for v in vm.disks { assert v.size > 1Gi and not v.shared or v.x in [1, 2,] } }",
        "check a { assert all(d in dest.disks: d.ok) and count(x in y: x > 1) == 2 }",
        "check a { assert len(x in y) == 1 and f() and g(1,\n 2) and h (3) }",
        "check a { assert not not a == b and (c or d) contains e starts_with f ends_with g matches h }",
        "check a { assert x[0].y[ 1 ] . z == 'q' and -1 < 2 and true != false and none == none }",
        "check a { assert x ==\n  y and\n  z }",
        "check a { assert contains(x) and true(y) }",
        "check a {}\nhook h { playbook \"\"\"x\"\"\" }\nsession { timeout 5m }",
        "scenario a { vm x {a: 1} }",
        "scenario a { vm x { a: 1 } }",
        "scenario a { vm x {} }",
        "scenario a { k x, y { z 1 } }",
        "scenario a { k x\t,\t\n\ty }",
        "scenario a { k [[1, [2]], []] }",
    ];
    for (i, c) in cases.iter().enumerate() {
        match agree(c) {
            Ok(Outcome::Clean) => {}
            Ok(o) => panic!("case {i} {c:?} is {o:?}, not clean: the case is wrong"),
            Err(e) => panic!("case {i} {c:?}: {e}"),
        }
    }
    // Rejected by both: the fast parser declines and pest reports.
    let rejected = [
        "scenario a { k ${x} }",
        "check a {} hook h {}",
        "scenario a { k 1x }",
        "scenario a { k 5min }",
        "use \"${x}.mtvt\"",
        "scenario a { k \"\\q\" }",
        "scenario a { k 'a\nb' }",
        "check a { assert x ==  }",
        "check a { assert and }",
        "scenario a { b { c { d [ { e: 1 } ] } }",
    ];
    for (i, c) in rejected.iter().enumerate() {
        match agree(c) {
            Ok(Outcome::Reported | Outcome::Rejected) => {}
            Ok(Outcome::Clean) => {
                panic!("rejected case {i} {c:?} parses cleanly: the case is wrong")
            }
            Err(e) => panic!("rejected case {i} {c:?}: {e}"),
        }
    }
}

#[test]
fn mutated_files_parse_identically() {
    let mut rng = Lcg(0x7061_7273);
    let mut runs = 0;
    let mut seen = std::collections::HashMap::new();
    for f in files() {
        let src = std::fs::read(&f).unwrap();
        for _ in 0..60 {
            let mut m = mutate(&src, &mut rng);
            if rng.below(3) == 0 {
                m = mutate(&m, &mut rng);
            }
            let text = String::from_utf8_lossy(&m);
            match agree(&text) {
                Ok(o) => *seen.entry(o).or_insert(0) += 1,
                Err(e) => panic!("{} mutated:\n{text}\n{e}", f.display()),
            }
            runs += 1;
        }
    }
    assert!(runs > 5_000, "{runs} runs");
    let count = |o| seen.get(&o).copied().unwrap_or(0);
    // Every outcome is exercised: the comparison cannot pass by never comparing.
    assert!(
        count(Outcome::Clean) > 500
            && count(Outcome::Rejected) > 2_000
            && count(Outcome::Reported) > 20,
        "{seen:?} of {runs} mutations"
    );
}

/// Parsing a file in pieces (as large files are, on several threads) gives the whole
/// file's AST whenever every piece parses on its own, wherever the cuts fall: here at
/// every line start, one cut at a time and all at once.
#[test]
fn pieces_parse_like_the_whole_file() {
    let mut checked = 0;
    for f in files() {
        let text = std::fs::read_to_string(&f).unwrap();
        let Some(whole) = parse_fast(FileId(0), &text) else {
            continue;
        };
        let line_starts: Vec<usize> = text
            .match_indices('\n')
            .map(|(i, _)| i + 1)
            .filter(|i| *i < text.len())
            .collect();
        for cut in &line_starts {
            if let Some(pieces) = parse_fast_in_pieces(FileId(0), &text, &[*cut]) {
                assert_eq!(pieces, whole, "{} cut at byte {cut}", f.display());
                checked += 1;
            }
        }
        if let Some(pieces) = parse_fast_in_pieces(FileId(0), &text, &line_starts) {
            assert_eq!(pieces, whole, "{} cut at every line", f.display());
        }
    }
    assert!(checked > 100, "only {checked} cuts parsed");
}
