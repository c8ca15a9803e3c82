//! The scenario pass runs on several threads: the checked IR and every diagnostic (text
//! and order) must be the same for any thread count, on the catalog plus generated files
//! large enough to be split, full of the cases where scenarios share state: errors in a
//! fragment many scenarios extend (reported once), fragment cycles (reported once),
//! unresolved `extends`, duplicate names across files and matrix variants, the same bad
//! or good affinity/PVC template again and again (validated once), and definitions used
//! by a single late scenario (unused warnings).

use mtvt_lang::check::check_program;
use mtvt_lang::diag::Sink;
use mtvt_lang::resolve::Loader;
use mtvt_lang::{CheckOptions, CheckResult, Stdlib};

use super::support::{rendered, repo};

const SHARED: &str = r#"use std/checks
use std/hooks

fragment broken_frag {
  vm "mtv-tests-rhel8" { source_power of }
}

fragment cyc_a extends cyc_b {
  vm "mtv-tests-rhel8"
}

fragment cyc_b extends cyc_a {
  expect { migration succeeds }
}

fragment good_frag {
  tags tier0
  vm "mtv-tests-rhel8" { guest_agent true }
}

hook used_once {
  expect fail
  playbook "- hosts: localhost"
}

hook never_used {
  expect fail
  playbook "- hosts: localhost"
}
"#;

/// Scenario `i` of a generated file: one of 14 shapes, clean or broken.
fn scenario(file: usize, i: usize, last: bool) -> String {
    let n = format!("s{file}_{i}");
    let expect = "expect { migration succeeds; check standard }";
    if last {
        return format!(
            "scenario {n} {{\n  vm \"mtv-tests-rhel8\"\n  hook post = used_once\n  expect {{ migration fails at PostHook }}\n}}\n"
        );
    }
    match i % 14 {
        0 => format!(
            "scenario {n} {{\n  tags tier0\n  vm \"mtv-tests-rhel8\" {{ guest_agent true }}\n  {expect}\n}}\n"
        ),
        1 => format!(
            "scenario {n} {{\n  vm \"mtv-tests-rhel8\"\n  plan {{ warmm true }}\n  {expect}\n}}\n"
        ),
        2 => format!("scenario {n} extends broken_frag {{\n  {expect}\n}}\n"),
        3 => format!("scenario {n} extends cyc_a {{\n  {expect}\n}}\n"),
        4 => format!(
            "scenario {n} extends missing_frag {{\n  vm \"mtv-tests-rhel8\"\n  {expect}\n}}\n"
        ),
        5 => format!(
            "scenario {n} extends good_frag {{\n  matrix {{\n    disk_type [thin, thick-lazy]\n    power [on, off]\n  }}\n  vm \"x\" {{ disk_type param.disk_type; source_power param.power }}\n  {expect}\n}}\n"
        ),
        6 => format!(
            "scenario dup_{} {{\n  vm \"mtv-tests-rhel8\"\n  {expect}\n}}\n",
            i % 3
        ),
        7 => format!(
            "scenario {n} {{\n  vm \"mtv-tests-rhel8\"\n  plan {{\n    target_affinity {{\n      podAffinity: {{\n        preferredDuringSchedulingIgnoredDuringExecution: [{{\n          podAffinityTerm: {{ topologyKey: \"kubernetes.io/hostname\" }},\n          weight: \"fifty\"\n        }}]\n      }}\n    }}\n  }}\n  {expect}\n}}\n"
        ),
        8 => format!(
            "scenario {n} {{\n  vm \"mtv-tests-rhel8\"\n  plan {{\n    target_affinity {{\n      podAffinity: {{\n        preferredDuringSchedulingIgnoredDuringExecution: [{{\n          podAffinityTerm: {{ topologyKey: \"kubernetes.io/hostname\", labelSelektor: {{}} }},\n          weight: 50\n        }}]\n      }}\n    }}\n  }}\n  {expect}\n}}\n"
        ),
        9 => format!(
            "scenario {n} {{\n  vm \"mtv-tests-rhel8\"\n  plan {{ pvc_name_template '{{{{.VMName}}}}-disk-{{{{.DiskIndex}}}}' }}\n  {expect}\n}}\n"
        ),
        10 => format!(
            "scenario {n} {{\n  vm \"mtv-tests-rhel8\"\n  plan {{ pvc_name_template '{{{{.VmName}}}}-disk-{{{{.DiskIndex}}}}' }}\n  {expect}\n}}\n"
        ),
        11 => format!(
            "scenario {n} {{\n  vm \"mtv-tests-rhel8\"\n  expect {{ migration succeeds; check standrd }}\n}}\n"
        ),
        12 => format!(
            "scenario {n} {{\n  matrix {{ disk_type [thin, thin] }}\n  vm \"x\" {{ disk_type param.disk_type }}\n  {expect}\n}}\n"
        ),
        _ => format!(
            "scenario {n} {{\n  tags tier9\n  vm \"mtv-tests-rhel8\" {{ count 2; clone false }}\n  {expect}\n}}\n"
        ),
    }
}

fn generated(file: usize, scenarios: usize) -> String {
    let mut s = String::from(SHARED);
    for i in 0..scenarios {
        s.push('\n');
        s.push_str(&scenario(file, i, i + 1 == scenarios));
    }
    s
}

fn check_on(threads: usize) -> CheckResult {
    let opts = CheckOptions {
        stdlib: Stdlib::new(Some(repo().join("stdlib"))),
        ..CheckOptions::default()
    };
    let mut sink = Sink::new();
    let mut loader = Loader::new(opts.stdlib.clone(), &mut sink);
    loader
        .add_paths_on(&[repo().join("scenarios")], threads)
        .unwrap();
    loader.add_text("generated_a.mtvt", &generated(0, 300), None);
    loader.add_text("generated_b.mtvt", &generated(1, 200), None);
    loader.preload_std("std/hooks");
    let program = loader.finish();
    check_program(program, sink, &opts, threads)
}

#[test]
fn checking_threads_do_not_change_the_result() {
    let one = check_on(1);
    let one_text = rendered(&one);
    // The generated files exercise what they are meant to.
    let count = |code: &str| one.diagnostics.iter().filter(|d| d.code() == code).count();
    // Each generated file has its own fragments.
    assert_eq!(count("mtvt::E0307"), 2, "a cycle is reported once");
    assert!(count("mtvt::E0306") > 10, "duplicate names");
    assert!(count("mtvt::E0304") > 10, "unresolved extends");
    assert!(count("mtvt::E0504") > 20, "invalid affinities");
    assert!(count("mtvt::E0602") > 20, "PVC template variables");
    assert!(count("mtvt::E0303") > 20, "unknown checks");
    assert!(
        one.diagnostics
            .iter()
            .any(|d| d.code() == "mtvt::W0001" && d.message().contains("never_used")),
        "{one_text:#?}"
    );
    assert!(
        !one.diagnostics
            .iter()
            .any(|d| d.message().contains("used_once")),
        "the hook used by the last scenario only counts as used"
    );
    assert!(one.errors() > 200 && one.warnings() > 0);
    assert!(
        one.program.scenarios.len() > 150,
        "{}",
        one.program.scenarios.len()
    );
    assert!(one.scenarios_checked > 500);
    for threads in [2, 3, 8] {
        let many = check_on(threads);
        assert_eq!(many.program, one.program, "{threads} threads");
        assert_eq!(rendered(&many), one_text, "{threads} threads");
        assert_eq!(many.scenarios_checked, one.scenarios_checked);
    }
}

/// A scenario is left out of the IR when it reports an error, even one an earlier
/// scenario already reported (an error in a fragment both extend is shown once).
#[test]
fn scenarios_sharing_a_broken_fragment_are_all_left_out() {
    for threads in [1, 2] {
        let r = check_on(threads);
        let names: Vec<&str> = r
            .program
            .scenarios
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        // Shape 2 extends the broken fragment; shape 0 is clean.
        assert!(names.contains(&"s0_0") && names.contains(&"s1_14"));
        for i in (2..300).step_by(14) {
            let n = format!("s0_{i}");
            assert!(
                !names.contains(&n.as_str()),
                "{n} kept on {threads} threads"
            );
        }
        let fragment_errors = r
            .diagnostics
            .iter()
            .filter(|d| d.code() == "mtvt::E0203" || d.message().contains("`of`"))
            .count();
        assert_eq!(fragment_errors, 2, "one per file: {:#?}", rendered(&r));
    }
}
