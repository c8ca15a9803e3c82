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

fn scenario(body: &str) -> String {
    let uses = if body.contains("check ") {
        "use std/checks\n\n"
    } else {
        ""
    };
    format!("{uses}scenario s {{\n{body}\n}}\n")
}

#[test]
fn generate_name_without_a_template_is_e1007() {
    let text = scenario(
        "  vm \"v\"\n  plan { pvc_name_template_use_generate_name true }\n  expect { migration succeeds }",
    );
    golden("generate_name_without_template", &report(&text));
    // Copy-offload plans get the `pvc` template: nothing to report.
    let text = scenario(
        "  vm \"v\"\n  plan { copy_offload true; pvc_name_template_use_generate_name true }\n  expect { migration succeeds }",
    );
    assert!(!report(&text).contains("E1007"), "{}", report(&text));
}

#[test]
fn affinity_values_are_validated_as_the_api_server_does() {
    let text = scenario(
        "  vm \"v\"\n  plan {\n    target_affinity {\n      podAntiAffinity: {\n        preferredDuringSchedulingIgnoredDuringExecution: [{\n          weight: 150,\n          podAffinityTerm: { topologyKey: \"kubernetes.io/hostname\" }\n        }],\n        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: \"a\" } } }]\n      }\n    }\n  }\n  expect { migration succeeds }",
    );
    golden("affinity_values", &report(&text));
}

#[test]
fn checks_certain_to_skip_warn() {
    let ovirt = scenario(
        "  requires provider ovirt\n  vm \"v\" { source_power on }\n  plan { preserve_static_ips true }\n  expect {\n    migration succeeds\n    check static_ips\n  }",
    );
    golden("certain_skip_static_ips_ovirt", &report(&ovirt));
    let empty = scenario(
        "  vm \"v\"\n  plan { target_node_selector {} }\n  expect {\n    migration succeeds\n    check node_placement\n  }",
    );
    golden("certain_skip_empty_node_selector", &report(&empty));
    // On vSphere the guest decides (Windows or not): no warning.
    let vsphere = ovirt.replace("provider ovirt", "provider vsphere");
    assert_eq!(report(&vsphere), "");
}

#[test]
fn suggestions_follow_meaning_before_spelling() {
    let thick = scenario("  vm \"v\" { disk_type thick }\n  expect { migration succeeds }");
    golden("thick_means_lazy_or_eager", &report(&thick));
    let none =
        scenario("  vm \"v\"\n  plan { target_power_state None }\n  expect { migration succeeds }");
    golden("python_none", &report(&none));
}

#[test]
fn a_long_line_is_printed_around_the_mistake() {
    let labels: Vec<String> = (0..1200)
        .map(|i| format!("\"label-{i:04}\": \"v\""))
        .collect();
    let line = format!(
        "  plan {{ target_labels {{ {}, \"bad key!\": \"v\" }} }}",
        labels.join(", ")
    );
    assert!(line.len() > 20_000, "{}", line.len());
    let text = scenario(&format!(
        "  vm \"v\"\n{line}\n  expect {{ migration succeeds }}"
    ));
    let r = report(&text);
    assert!(
        r.len() < 2_000,
        "{} bytes:\n{}",
        r.len(),
        r.get(..3000).unwrap_or(&r)
    );
    golden("long_line", &r);
}
