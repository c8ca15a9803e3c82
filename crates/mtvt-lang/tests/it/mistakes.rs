//! Mistakes people make in files, each with the diagnostic it must get (issue 13 item 5):
//! a byte order mark, a bracket or text block never closed (said where it opened),
//! look-alike and invisible characters (named), a file that is not UTF-8 (one diagnostic
//! among the others), folders with no `.mtvt` file, FIFOs and devices, symbolic-link
//! loops, and a `use` needed only by a fragment whose `expect` scenarios override. The
//! rendered reports are golden files (`mistakes_snapshots/*.snap`; `snapshots/` holds only
//! the per-code fixtures' reports).

use std::path::PathBuf;

use mtvt_lang::{CheckOptions, check_paths, check_text};

use super::support::{rendered, tempdir};

fn report(text: &str) -> String {
    let r = check_text("t.mtvt", text, None, &CheckOptions::default());
    rendered(&r).join("\n")
}

/// A golden rendered report in `mistakes_snapshots/NAME.snap`.
fn golden(name: &str, report: &str) {
    insta::with_settings!({ snapshot_path => "mistakes_snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, report);
    });
}

const OK: &str = "scenario s {\n  vm \"v\"\n  expect { migration succeeds }\n}\n";

#[test]
fn a_byte_order_mark_is_allowed() {
    assert_eq!(report(&format!("\u{feff}{OK}")), "");
}

#[test]
fn an_unclosed_bracket_is_reported_where_it_opened() {
    let text = "scenario s {\n  vm \"v\" {\n    cpu 2\n  }\n  expect { migration succeeds\n}\n";
    golden("unclosed_brace", &report(text));
    let text = "scenario s {\n  vm \"v\"\n  hook pre { playbook \"\"\"\n  - hosts: all\n}\n";
    golden("unclosed_text_block", &report(text));
}

#[test]
fn look_alike_and_invisible_characters_are_named() {
    let smart = OK.replace("\"v\"", "\u{201c}v\u{201d}");
    golden("smart_quotes", &report(&smart));
    let nbsp = OK.replace("  vm", "\u{a0} vm");
    assert!(
        report(&nbsp).contains("U+00A0, NO-BREAK SPACE"),
        "{}",
        report(&nbsp)
    );
    let zwsp = OK.replace("vm \"", "vm\u{200b} \"");
    assert!(
        report(&zwsp).contains("ZERO WIDTH SPACE"),
        "{}",
        report(&zwsp)
    );
}

#[test]
fn a_file_that_is_not_utf8_is_one_diagnostic_among_the_others() {
    let dir = tempdir("mistakes-utf8");
    std::fs::write(
        dir.join("a_bad.mtvt"),
        b"scenario bad {\n  vm \"v\xff\"\n  expect { migration succeeds }\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("b_good.mtvt"),
        OK.replace("scenario s", "scenario good"),
    )
    .unwrap();
    let r = check_paths(std::slice::from_ref(&dir), &CheckOptions::default()).unwrap();
    let all = rendered(&r).join("\n");
    assert_eq!(r.errors(), 1, "{all}");
    assert!(
        all.contains("the file is not UTF-8 here (byte 0xFF)"),
        "{all}"
    );
    assert!(all.contains("a_bad.mtvt:2:8"), "{all}");
    let names: Vec<&str> = r
        .program
        .scenarios
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["bad", "good"], "both files are still checked");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn folders_without_files_fifos_and_devices_are_load_errors() {
    let empty = tempdir("mistakes-empty");
    let e = check_paths(std::slice::from_ref(&empty), &CheckOptions::default()).unwrap_err();
    assert!(e.to_string().contains("no .mtvt files"), "{e}");
    let e = check_paths(&[PathBuf::from("/dev/zero")], &CheckOptions::default()).unwrap_err();
    assert!(e.to_string().contains("not a regular file"), "{e}");
    let fifo = empty.join("pipe.mtvt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        // would block forever on open if it were read
        let e = check_paths(&[fifo], &CheckOptions::default()).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }
    std::fs::remove_dir_all(empty).unwrap();
}

#[test]
fn symbolic_link_loops_are_visited_once() {
    let dir = tempdir("mistakes-loop");
    std::fs::create_dir_all(dir.join("a")).unwrap();
    std::fs::write(dir.join("a/s.mtvt"), OK).unwrap();
    std::os::unix::fs::symlink(&dir, dir.join("a/up")).unwrap();
    std::os::unix::fs::symlink(dir.join("a"), dir.join("a/self")).unwrap();
    let r = check_paths(std::slice::from_ref(&dir), &CheckOptions::default()).unwrap();
    assert_eq!(r.program.scenarios.len(), 1, "{:?}", rendered(&r));
    assert_eq!(r.errors(), 0, "{:?}", rendered(&r));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_use_needed_by_an_overridden_fragment_expect_is_used() {
    let dir = tempdir("mistakes-w0002");
    std::fs::write(
        dir.join("common.mtvt"),
        "use std/checks\nfragment base {\n  expect { migration succeeds; check standard }\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("s.mtvt"),
        "use std/checks\nuse \"./common.mtvt\"\nscenario s extends base {\n  vm \"v\"\n  expect { migration succeeds; check vm_name }\n}\n",
    )
    .unwrap();
    let r = check_paths(&[dir.join("s.mtvt")], &CheckOptions::default()).unwrap();
    assert!(r.diagnostics.is_empty(), "{:?}", rendered(&r));
    std::fs::remove_dir_all(dir).unwrap();
}
