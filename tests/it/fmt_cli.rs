//! `mtvt fmt` as a user runs it: the real binary on real files — rewriting, `--check`
//! with and without `--diff`, `--stdin`, files with syntax errors left untouched, exit
//! codes; and the repository's own catalog and stdlib are formatted (the CI gate).

use crate::harness::{Mtvt, mtvt_in as mtvt, repo};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const TIDY: &str =
    "scenario a {\n  vm \"x\" { guest_agent true }\n  expect { migration succeeds }\n}\n";
const MESSY: &str =
    "scenario b {  vm \"x\" {guest_agent true}   # keep me\nexpect { migration succeeds } }\n";
const MESSY_FORMATTED: &str = "scenario b {\n  vm \"x\" { guest_agent true }   # keep me\n  expect { migration succeeds }\n}\n";
const BROKEN: &str = "scenario c {\n  vm \"x\"\n";

#[test]
fn check_rewrite_and_syntax_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("sub")).unwrap();
    std::fs::write(d.join("a.mtvt"), TIDY).unwrap();
    std::fs::write(d.join("sub/b.mtvt"), MESSY).unwrap();
    std::fs::write(d.join("notes.txt"), MESSY).unwrap();

    // --check lists what would change, changes nothing, exits 1.
    let o = mtvt(&["fmt", "--check", "."], d);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "./sub/b.mtvt\n");
    assert!(
        text(&o.stderr).contains("would reformat 1 of 2 files"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(d.join("sub/b.mtvt")).unwrap(),
        MESSY
    );

    // --diff adds a unified diff.
    let o = mtvt(&["fmt", "--check", "--diff", "sub"], d);
    let out = text(&o.stdout);
    assert!(
        out.contains("--- sub/b.mtvt\n+++ sub/b.mtvt (formatted)\n"),
        "{out}"
    );
    assert!(out.contains("+  expect { migration succeeds }\n"), "{out}");

    // A file with a syntax error is reported and left untouched; the others are formatted.
    std::fs::write(d.join("c.mtvt"), BROKEN).unwrap();
    let o = mtvt(&["fmt", "."], d);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("mtvt::E0100") && err.contains("c.mtvt: not formatted (syntax error)"),
        "{err}"
    );
    assert!(
        err.contains("reformatted 1 of 3 files (1 left untouched because of errors)"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(d.join("c.mtvt")).unwrap(), BROKEN);
    assert_eq!(
        std::fs::read_to_string(d.join("sub/b.mtvt")).unwrap(),
        MESSY_FORMATTED
    );
    assert_eq!(std::fs::read_to_string(d.join("a.mtvt")).unwrap(), TIDY);
    assert_eq!(std::fs::read_to_string(d.join("notes.txt")).unwrap(), MESSY);

    // Everything formatted: --check passes.
    std::fs::remove_file(d.join("c.mtvt")).unwrap();
    let o = mtvt(&["fmt", "--check"], d);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout), "");

    // Missing paths are I/O errors.
    let o = mtvt(&["fmt", "nope.mtvt"], d);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn stdin_to_stdout() {
    let run = |args: &[&str], input: &str| Mtvt::new().args(args).stdin(input).output();
    let o = run(&["fmt", "--stdin"], MESSY);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(text(&o.stdout), MESSY_FORMATTED);
    let o = run(&["fmt", "--stdin", "--check"], MESSY);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["fmt", "--stdin", "--check"], TIDY);
    assert_eq!(o.status.code(), Some(0));
    let o = run(&["fmt", "--stdin"], BROKEN);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(text(&o.stdout), "");
    let o = run(&["fmt", "--stdin", "x.mtvt"], TIDY);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn the_catalog_and_stdlib_are_formatted() {
    let o = mtvt(
        &["fmt", "--check", "--diff", "scenarios", "stdlib"],
        &repo(),
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "run `mtvt fmt scenarios stdlib`:\n{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
}
