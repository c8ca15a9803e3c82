//! Style cases of the formatter (catalog-wide properties are in tests/it/fmt.rs). Every
//! expected output is also checked to be a fixed point.

use super::{FormatError, format_text};

fn fmt(s: &str) -> String {
    match format_text(s) {
        Ok(f) => {
            assert_eq!(format_text(&f).as_ref(), Ok(&f), "not idempotent:\n{f}");
            f
        }
        Err(e) => panic!("{e}\n---\n{s}"),
    }
}

#[test]
fn blocks_one_entry_per_line_or_one_line_when_written_so() {
    let src = "scenario s {\nvm \"x\" {source_power on;guest_agent true}\n    plan { warm true\n  }\n  expect { migration succeeds }\n}\n";
    assert_eq!(
        fmt(src),
        "scenario s {\n  vm \"x\" { source_power on; guest_agent true }\n  plan {\n    warm true\n  }\n  expect { migration succeeds }\n}\n"
    );
    // Entries separated by `;` in a multi-line block get their own lines.
    assert_eq!(
        fmt("session {\n  plan_wait_timeout 2h; mtv_namespace \"x\"\n}"),
        "session {\n  plan_wait_timeout 2h\n  mtv_namespace \"x\"\n}\n"
    );
    assert_eq!(fmt("session {   }"), "session {}\n");
}

#[test]
fn one_line_blocks_wider_than_the_limit_are_broken() {
    let long = format!(
        "scenario s {{ vm \"{}\" {{ source_power on; guest_agent true }} }}\n",
        "v".repeat(80)
    );
    let out = fmt(&long);
    assert_eq!(
        out,
        format!(
            "scenario s {{\n  vm \"{}\" {{\n    source_power on\n    guest_agent true\n  }}\n}}\n",
            "v".repeat(80)
        )
    );
    assert!(out.lines().all(|l| l.len() <= 100));
}

#[test]
fn top_level_items_are_separated_by_a_blank_line() {
    let src = "use std/checks\nuse std/hooks\n\n\n\ncheck a = cpu\ncheck b = memory\nscenario s { vm \"x\"\n  expect { migration succeeds } }\nhook h { result succeed }\n";
    assert_eq!(
        fmt(src),
        "use std/checks\nuse std/hooks\n\ncheck a = cpu\ncheck b = memory\n\nscenario s {\n  vm \"x\"\n  expect { migration succeeds }\n}\n\nhook h { result succeed }\n"
    );
}

#[test]
fn comments_keep_their_place() {
    let src = "# header\n\n\n# about s\nscenario s { # opening\n  # leading\n  vm \"x\"      # trailing, aligned\n\n\n  tags a, # after a comma\n    b\n  # last in block\n\n} # after the block\n# end of file\n";
    assert_eq!(
        fmt(src),
        "# header\n\n# about s\nscenario s { # opening\n  # leading\n  vm \"x\"      # trailing, aligned\n\n  tags a, # after a comma\n    b\n  # last in block\n} # after the block\n# end of file\n"
    );
    // A trailing comment keeps the spaces written before it (at least one).
    assert_eq!(
        fmt("session {\n  mtv_namespace   \"openshift-mtv\"   # ns\n  a 1#x\n}\n"),
        "session {\n  mtv_namespace \"openshift-mtv\"   # ns\n  a 1 #x\n}\n"
    );
    assert_eq!(fmt("# only a comment"), "# only a comment\n");
    assert_eq!(fmt(""), "");
    assert_eq!(fmt("\n\n"), "");
}

#[test]
fn lists_and_objects() {
    assert_eq!(fmt("session { a [ 1 ,2,3 ] }"), "session { a [1, 2, 3] }\n");
    // Written over several lines: one element per line, commas between, none after the
    // last; newline-separated elements get commas.
    assert_eq!(
        fmt(
            "scenario s {\n  matrix {\n    d [thin\n thick-lazy,\n # eager too\n thick-eager,]\n  }\n}\n"
        ),
        "scenario s {\n  matrix {\n    d [\n      thin,\n      thick-lazy,\n      # eager too\n      thick-eager\n    ]\n  }\n}\n"
    );
    assert_eq!(
        fmt("scenario s { plan { target_labels {\"a\":session,  b : \"c\"} } }"),
        "scenario s { plan { target_labels { \"a\": session, b: \"c\" } } }\n"
    );
    // A list holding one object hugs it.
    let src = "scenario s {\n  plan {\n    target_affinity {\n      x: [\n        {\n          weight: 50,\n          y: { z: 1 }\n        }\n      ]\n    }\n  }\n}\n";
    assert_eq!(
        fmt(src),
        "scenario s {\n  plan {\n    target_affinity {\n      x: [{\n        weight: 50,\n        y: { z: 1 }\n      }]\n    }\n  }\n}\n"
    );
    let wide = format!("session {{ a [{}] }}\n", ["\"abcdefghijkl\""; 8].join(", "));
    assert_eq!(
        fmt(&wide),
        format!(
            "session {{\n  a [\n{}\n  ]\n}}\n",
            ["    \"abcdefghijkl\""; 8].join(",\n")
        )
    );
}

#[test]
fn text_blocks_are_reindented_with_their_content_kept() {
    let src = "hook h {\n        playbook \"\"\"\n  - name: x\n    hosts: localhost\n\n      \n  \"\"\"\n}\n";
    assert_eq!(
        fmt(src),
        "hook h {\n  playbook \"\"\"\n    - name: x\n      hosts: localhost\n\n        \n    \"\"\"\n}\n"
    );
    // Text starting on the quotes' line is kept as written.
    let inline = "hook h {\n  playbook \"\"\"- a: 1\n   b\"\"\"\n}\n";
    assert_eq!(fmt(inline), inline);
}

#[test]
fn check_bodies_and_expressions() {
    let src = "check c \"d\" {\nwhen plan.warm==true and(dest.power!=on or not vm.guest_agent){assert len( dest.disks )>=1,\"m\"}\nelse when x in [ a,b ] { skip \"s\" }\n  else {\n    for d in dest.disks { let n = d.name\n assert all( x in d.access_modes : x != \"RWO\" ) }\n  }\n}\n";
    assert_eq!(
        fmt(src),
        "check c \"d\" {\n  when plan.warm == true and (dest.power != on or not vm.guest_agent) {\n    assert len(dest.disks) >= 1, \"m\"\n  } else when x in [a, b] { skip \"s\" } else {\n    for d in dest.disks {\n      let n = d.name\n      assert all(x in d.access_modes: x != \"RWO\")\n    }\n  }\n}\n"
    );
    // Line breaks inside expressions are kept, continuation lines indented per bracket.
    let src = "check c {\n  assert a.b and\n  c.d, \"m\"\n  assert any(n in source.nics:\n n.static_ip\n  )\n  assert x == 1,\n\"long message\"\n}\n";
    assert_eq!(
        fmt(src),
        "check c {\n  assert a.b and\n    c.d, \"m\"\n  assert any(n in source.nics:\n    n.static_ip\n  )\n  assert x == 1,\n    \"long message\"\n}\n"
    );
}

#[test]
fn comments_between_a_brace_and_else_are_kept() {
    let src = "check c {\n  when a { skip \"x\" } # why\n  else { skip \"y\" }\n}\n";
    assert_eq!(
        fmt(src),
        "check c {\n  when a { skip \"x\" } # why\n  else { skip \"y\" }\n}\n"
    );
}

#[test]
fn composite_checks_and_extends_keep_their_line_breaks() {
    assert_eq!(
        fmt("check standard =   a,b,\n      c\n"),
        "check standard = a, b,\n  c\n"
    );
    assert_eq!(
        fmt("scenario s extends f1,\n f2 { expect { migration succeeds } }"),
        "scenario s extends f1,\n  f2 { expect { migration succeeds } }\n"
    );
    assert_eq!(
        fmt("scenario s {\n  requires mtv>=2.8\n  hook pre=hooks.succeed\n}"),
        "scenario s {\n  requires mtv >= 2.8\n  hook pre = hooks.succeed\n}\n"
    );
}

#[test]
fn crlf_files_stay_crlf() {
    let src = "hook h {\r\n  playbook \"\"\"\r\n      - a: 1\r\n      \"\"\"\r\n  expect succeed # c\r\n}\r\n";
    assert_eq!(
        fmt(src),
        "hook h {\r\n  playbook \"\"\"\r\n    - a: 1\r\n    \"\"\"\r\n  expect succeed # c\r\n}\r\n"
    );
}

#[test]
fn syntax_errors_are_refused() {
    let err = format_text("scenario s {\n  vm \"x\"\n").unwrap_err();
    assert!(
        matches!(&err, FormatError::Syntax(d) if d.code() == "mtvt::E0100"),
        "{err}"
    );
}

#[test]
fn comments_inside_expressions_and_values() {
    let src =
        "check c {\n  assert a and # first\n  # own\n     b\n\n\n  assert (x ==\n# mid\n 1)\n}\n";
    assert_eq!(
        fmt(src),
        "check c {\n  assert a and # first\n    # own\n    b\n\n  assert (x ==\n    # mid\n    1)\n}\n"
    );
    let src = "scenario s { plan { target_affinity { a:\n # c\n 1, b: [ # lst\n 2 ] } } }\n";
    assert_eq!(
        fmt(src),
        "scenario s {\n  plan {\n    target_affinity {\n      a:\n        # c\n        1,\n      b: [ # lst\n        2\n      ]\n    }\n  }\n}\n"
    );
    let src = "scenario s {\n  vm \"x\" {\n  }\n  vm \"y\" { # only a comment\n  }\n}\n";
    assert_eq!(
        fmt(src),
        "scenario s {\n  vm \"x\" {}\n  vm \"y\" { # only a comment\n  }\n}\n"
    );
    // Lone carriage returns are line breaks too; the output uses line feeds.
    assert_eq!(
        fmt("session {\r  a 1 # c\r}\r"),
        "session {\n  a 1 # c\n}\n"
    );
}

#[test]
fn pathological_inputs_are_refused_or_formatted_without_panicking() {
    let deep_lists = format!(
        "session {{ a {}{} }}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let too_deep = format!("session {{ a {}{} }}", "[".repeat(70), "]".repeat(70));
    for text in [deep_lists, too_deep] {
        assert!(matches!(format_text(&text), Err(FormatError::Syntax(_))));
    }
    let long_chain = format!(
        "check c {{ assert {} }}",
        vec!["dest.cpu.cores == 1"; 40].join(" and ")
    );
    let out = fmt(&long_chain);
    assert!(
        out.starts_with("check c {\n  assert dest.cpu.cores == 1 and"),
        "{out}"
    );
    // 60 nested lists: each level's one-line layout is measured once (this was
    // exponential); too wide for one line, the block breaks and the lists hug.
    let lists = format!("{}1{}", "[".repeat(60), "]".repeat(60));
    let nested = format!("session {{ a {lists} }}");
    let out = fmt(&nested);
    assert_eq!(out, format!("session {{\n  a {lists}\n}}\n"));
    assert_eq!(fmt(&out), out);
}
