//! `mtvt check` and `mtvt explain` as a user runs them: the real binary, real files,
//! exit codes, human and JSON output.

use crate::harness::{mtvt_in as mtvt, repo, stderr, workdir};

#[test]
fn the_catalog_checks_clean() {
    let o = mtvt(&["check", "scenarios/"], &repo());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("checked 37 scenarios in"), "{err}");
    assert!(err.contains("(0 errors, 0 warnings)"), "{err}");
}

#[test]
fn a_misspelled_field_gets_a_caret_and_a_suggestion() {
    let dir = workdir(&[(
        "cores.mtvt",
        "check cores { assert dest.cpu.corse == source.cpu.cores }\n\
             scenario s { vm \"mtv-tests-rhel8\"\n expect { migration succeeds; check cores } }\n",
    )]);
    let o = mtvt(&["check", "cores.mtvt"], dir.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("mtvt::E0401"), "{err}");
    assert!(err.contains("did you mean `cores`?"), "{err}");
    // The caret line sits under `corse` (column 31 of line 1, 5 characters).
    let line = err
        .lines()
        .find(|l| l.contains('┬') && l.contains('─'))
        .unwrap();
    let col = line.chars().position(|c| c == '─').unwrap();
    let src_line = err.lines().find(|l| l.contains("dest.cpu.corse")).unwrap();
    let src_col = src_line
        .chars()
        .collect::<String>()
        .find("corse")
        .map(|b| src_line[..b].chars().count())
        .unwrap();
    assert_eq!(col, src_col, "{err}");
    assert_eq!(err.matches("× ").count(), 1, "exactly one error: {err}");
    assert!(
        !err.contains('\u{1b}'),
        "no colour without a terminal / with NO_COLOR"
    );
}

#[test]
fn warm_against_an_openstack_profile_names_the_type() {
    let providers = r#"{
      "osp": {
        "type": "openstack", "version": "17", "fqdn": "osp.example.com", "api_url": "https://osp.example.com:13000/v3",
        "username": "u", "password": "p", "project_name": "p", "user_domain_name": "d",
        "region_name": "r", "user_domain_id": "d", "project_domain_id": "d"
      }
    }"#;
    let dir = workdir(&[(".providers.json", providers)]);
    let o = mtvt(
        &[
            "check",
            "--provider",
            "osp",
            repo()
                .join("scenarios/warm/sanity_warm_mtv_migration.mtvt")
                .to_str()
                .unwrap(),
        ],
        dir.path(),
    );
    let err = stderr(&o);
    // `requires provider vsphere, ovirt` excludes OpenStack: the scenario would be skipped.
    assert_eq!(o.status.code(), Some(0), "{err}");
    std::fs::write(dir.path().join("warm.mtvt"), "scenario w {\n  vm \"mtv-tests-rhel8\" { source_power on }\n  plan { warm true }\n  expect { migration succeeds }\n}\n").unwrap();
    let o = mtvt(&["check", "--provider", "osp", "warm.mtvt"], dir.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("mtvt::E0901"), "{err}");
    assert!(
        err.contains("warm migration is not supported for openstack sources"),
        "{err}"
    );
    assert!(err.contains("--provider osp (type openstack)"), "{err}");
    // The same file without --provider has nothing to object to.
    assert_eq!(
        mtvt(&["check", "warm.mtvt"], dir.path()).status.code(),
        Some(0)
    );
}

#[test]
fn provider_without_providers_file_is_a_usage_error() {
    let dir = workdir(&[("a.mtvt", "")]);
    let o = mtvt(&["check", "--provider", "vsphere", "a.mtvt"], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains(".providers.json"), "{}", stderr(&o));
    let o = mtvt(&["check", "missing-dir/"], dir.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_hook_with_result_and_playbook_is_an_error_at_the_second() {
    let text = "scenario h {\n  vm \"mtv-tests-rhel8\"\n  hook post {\n    result fail\n    playbook \"\"\"\n      - name: x\n        hosts: localhost\n      \"\"\"\n  }\n  expect { migration fails at PostHook }\n}\n";
    let dir = workdir(&[("hook.mtvt", text)]);
    let o = mtvt(&["check", "--format", "json", "hook.mtvt"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 1, "{v}");
    let d = &items[0];
    assert_eq!(d["code"], "mtvt::E0702");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(5), Some(5)),
        "at `playbook`, the second source"
    );
}

#[test]
fn json_output_has_every_field() {
    let dir = workdir(&[(
        "j.mtvt",
        "use std/hooks\nscenario j {\n  vm \"x\" { guest_agnt true }\n  expect { migration succeeds }\n}\n",
    )]);
    let o = mtvt(&["check", "--format", "json", "."], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 2, "{v}");
    for d in items {
        for key in [
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "code",
            "severity",
            "message",
            "help",
        ] {
            assert!(d.get(key).is_some(), "{key} missing in {d}");
        }
        assert_eq!(d["file"], "j.mtvt");
    }
    assert_eq!(items[0]["severity"], "warning");
    assert_eq!(items[0]["code"], "mtvt::W0002");
    assert_eq!(items[1]["code"], "mtvt::E0201");
    assert_eq!(items[1]["help"], "did you mean `guest_agent`?");
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let dir = workdir(&[(
        "w.mtvt",
        "use std/hooks\nscenario w { vm \"x\"\n expect { migration succeeds } }\n",
    )]);
    assert_eq!(
        mtvt(&["check", "w.mtvt"], dir.path()).status.code(),
        Some(0)
    );
    let o = mtvt(&["check", "--deny-warnings", "w.mtvt"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("(0 errors, 1 warning)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_syntax_error_does_not_stop_the_other_files() {
    let dir = workdir(&[
        ("a.mtvt", "scenario a {\n"),
        (
            "b.mtvt",
            "scenario b { vm \"x\" { guest_agent maybe }\n expect { migration succeeds } }\n",
        ),
    ]);
    let o = mtvt(&["check", "."], dir.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.contains("mtvt::E0100") && err.contains("mtvt::E0202"),
        "{err}"
    );
    assert!(err.contains("(2 errors, 0 warnings)"), "{err}");
}

#[test]
fn explain_prints_the_registry_entry() {
    let o = mtvt(&["explain", "E0201"], &repo());
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("mtvt::E0201: unknown key"), "{out}");
    assert!(out.contains("Fix:"), "{out}");
    let o = mtvt(&["explain", "E9999"], &repo());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_file_that_is_not_utf8_is_a_diagnostic_in_json_too_and_an_empty_folder_is_refused() {
    let dir = workdir(&[(
        "ok.mtvt",
        "scenario s {\n  vm \"v\"\n  expect { migration succeeds }\n}\n",
    )]);
    std::fs::write(
        dir.path().join("bad.mtvt"),
        b"scenario b {\n  vm \"\xfe\"\n}\n",
    )
    .unwrap();
    let o = mtvt(&["check", ".", "--format", "json"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let diags: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let utf8: Vec<&serde_json::Value> = diags
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["message"].as_str().unwrap().contains("not UTF-8"))
        .collect();
    assert_eq!(utf8.len(), 1, "{diags}");
    assert_eq!(
        (utf8[0]["file"].as_str(), utf8[0]["line"].as_u64()),
        (Some("bad.mtvt"), Some(2))
    );
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let o = mtvt(&["check", "empty"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no .mtvt files"), "{}", stderr(&o));
}

#[test]
fn completions_and_man_pages_come_from_the_same_flags_as_help() {
    let o = mtvt(&["completions", "bash"], &repo());
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        out.contains("_mtvt()") && out.contains("--sim-crds"),
        "{out}"
    );
    let o = mtvt(&["completions", "zsh"], &repo());
    assert!(String::from_utf8_lossy(&o.stdout).contains("#compdef mtvt"));
    let o = mtvt(&["man", "run"], &repo());
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        out.contains(".TH mtvt-run 1") && out.contains("\\-\\-set"),
        "{out}"
    );
    let o = mtvt(&["man"], &repo());
    assert!(String::from_utf8_lossy(&o.stdout).contains(".TH mtvt 1"));
    let o = mtvt(&["man", "nope"], &repo());
    assert_eq!(o.status.code(), Some(2));
}

/// The commands `mtvt --help` lists (without `help`).
fn subcommands() -> Vec<String> {
    let o = mtvt(&["--help"], &repo());
    let help = String::from_utf8_lossy(&o.stdout).into_owned();
    let list = help
        .split_once("Commands:\n")
        .expect("a Commands section in mtvt --help")
        .1;
    list.lines()
        .take_while(|l| l.starts_with("  "))
        .filter(|l| !l.starts_with("   ")) // a wrapped description
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
}

#[test]
fn bash_completes_every_command_and_a_commands_flags() {
    let commands = subcommands();
    assert!(commands.len() >= 10, "{commands:?}");
    if !on_path("bash") {
        eprintln!("skipped bash_completes_every_command_and_a_commands_flags: no bash on PATH");
        return;
    }
    let dir = workdir(&[]);
    let o = mtvt(&["completions", "bash"], &repo());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    std::fs::write(dir.path().join("mtvt.bash"), &o.stdout).unwrap();
    // What bash offers after `mtvt ` and after `mtvt run --sim-`, through the script's own
    // completion function, as the shell calls it on <Tab>.
    let script = r#"
        source ./mtvt.bash
        complete_words() {
          COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
          COMPREPLY=()
          "$(complete -p mtvt | sed -E 's/.*-F ([^ ]+).*/\1/')" mtvt "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
          printf '%s\n' "${COMPREPLY[@]}"
        }
        complete_words mtvt ''
        echo ---
        complete_words mtvt run --sim-
    "#;
    let o = std::process::Command::new("bash")
        .current_dir(dir.path())
        .args(["--norc", "--noprofile", "-c", script])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    let (top, run) = out.split_once("---\n").unwrap();
    let top: Vec<&str> = top.lines().collect();
    for c in &commands {
        assert!(
            top.contains(&c.as_str()),
            "`mtvt <Tab>` offers {c}: {top:?}"
        );
    }
    let run: Vec<&str> = run.lines().collect();
    for flag in ["--sim-crds", "--sim-lab", "--sim-step-fault"] {
        assert!(
            run.contains(&flag),
            "`mtvt run --sim-<Tab>` offers {flag}: {run:?}"
        );
    }
    assert!(
        !run.contains(&"--provider"),
        "only what the word starts with: {run:?}"
    );
}

#[test]
fn the_man_page_renders_and_names_every_command() {
    let commands = subcommands();
    let dir = workdir(&[]);
    let o = mtvt(&["man"], &repo());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = dir.path().join("mtvt.1");
    std::fs::write(&page, &o.stdout).unwrap();
    let roff = String::from_utf8_lossy(&o.stdout);
    for c in &commands {
        assert!(
            roff.contains(&format!("mtvt\\-{}", c.replace('-', "\\-"))),
            "the page names {c}"
        );
        let sub = mtvt(&["man", c], &repo());
        assert_eq!(sub.status.code(), Some(0), "mtvt man {c}");
        assert!(String::from_utf8_lossy(&sub.stdout).contains(&format!(".TH mtvt-{c} 1")));
    }
    if !on_path("man") {
        eprintln!("skipped rendering through man -l: no man on PATH");
        return;
    }
    // As `man -l mtvt.1` shows it, with roff's warnings on.
    let o = std::process::Command::new("man")
        .args(["--warnings", "-l"])
        .arg(&page)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), "", "roff warnings");
    assert!(text.contains("SUBCOMMANDS"), "{text}");
    for c in &commands {
        assert!(
            text.contains(&format!("mtvt-{c}(1)")),
            "rendered page names mtvt-{c}(1): {text}"
        );
    }
}
