//! The `guest` model: typed by the checker (unknown member = coded diagnostic with a
//! suggestion), evaluated on demand (a request without an answer is pending and *not run*),
//! and failures that name the VM, the command or file, expected and actual.

use mtvt_lang::eval::{
    AssertOutcome, Bindings, CheckStatus, GuestRequest, pending_requests, run_checks,
};
use mtvt_lang::ir::{ProgramIr, body_uses_guest};
use mtvt_lang::models::{DestVm, Migration, Plan, SourceVm, Vm};
use mtvt_lang::{CheckOptions, check_text};
use serde_json::json;

const CHECK: &str = r#"
check xfs_root "the root filesystem is XFS v5 and the marker survived" {
  let info = guest.run("xfs_info /")
  assert info.exit == 0, "xfs_info failed"
  assert info.stdout contains "crc=1", "the root filesystem is not XFS v5"
  assert guest.file("/data/marker.txt").content == "marker 42\n", "the marker differs"
  assert guest.os.family == "linux"
  assert any(n in guest.nics: not n.dhcp and len(n.ips) > 0), "no static NIC"
}
scenario s {
  vm "v"
  expect { migration succeeds; check xfs_root }
}
"#;

fn program(text: &str) -> (ProgramIr, Vec<String>) {
    let r = check_text("t.mtvt", text, None, &CheckOptions::default());
    let diags = r
        .diagnostics
        .iter()
        .map(|d| mtvt_lang::diag::render::render_plain(d, &r.sources))
        .collect();
    (r.program, diags)
}

fn bindings() -> Bindings {
    let dest = DestVm {
        name: "rhel9".into(),
        namespace: "ns".into(),
        ..DestVm::default()
    };
    Bindings::new(
        &SourceVm::default(),
        &dest,
        &Plan::default(),
        &Vm::default(),
        &Migration::default(),
    )
}

fn answer_all(b: &mut Bindings, xfs_exit: i64, marker: &str) {
    b.guest.insert(
        GuestRequest::Run("xfs_info /".into()),
        Ok(json!({"command": "xfs_info /", "stdout": if xfs_exit == 0 { "crc=1" } else { "" },
            "stderr": if xfs_exit == 0 { "" } else { "xfs_info: / is not a mounted XFS filesystem" },
            "exit": xfs_exit})),
    );
    b.guest.insert(
        GuestRequest::File("/data/marker.txt".into()),
        Ok(json!({"path": "/data/marker.txt", "exists": true, "content": marker})),
    );
    b.guest.insert(
        GuestRequest::Os,
        Ok(json!({"family": "linux", "name": "RHEL", "hostname": "h"})),
    );
    b.guest.insert(
        GuestRequest::Nics,
        Ok(
            json!([{"name": "eth0", "mac": "02:00:00:00:00:01", "dhcp": false,
            "ips": [{"address": "192.168.10.5", "prefix": 24, "mask": "255.255.255.0"}],
            "gateway": "192.168.10.1"}]),
        ),
    );
}

#[test]
fn guest_reads_are_pending_until_answered_then_checked() {
    let (p, diags) = program(CHECK);
    assert!(diags.is_empty(), "{diags:?}");
    let s = &p.scenarios[0];
    assert!(body_uses_guest(&s.expect.checks[0].check.body));
    let mut b = bindings();
    let first = run_checks(s, &b);
    assert!(matches!(first[0].status(), CheckStatus::NotRun(_)));
    let pending = pending_requests(&first);
    assert!(
        pending.contains(&GuestRequest::Run("xfs_info /".into())),
        "{pending:?}"
    );
    assert!(pending.contains(&GuestRequest::Nics), "{pending:?}");
    answer_all(&mut b, 0, "marker 42\n");
    let done = run_checks(s, &b);
    assert!(pending_requests(&done).is_empty());
    assert_eq!(
        done[0].status(),
        CheckStatus::Passed,
        "{:?}",
        done[0].asserts
    );
}

#[test]
fn a_broken_guest_fails_naming_vm_command_expected_and_actual() {
    let (p, _) = program(CHECK);
    let mut b = bindings();
    answer_all(&mut b, 1, "marker 42\n<corrupted>");
    let out = run_checks(&p.scenarios[0], &b);
    let fails: Vec<(String, String)> = out[0]
        .asserts
        .iter()
        .filter_map(|a| match a {
            AssertOutcome::Fail {
                expected, actual, ..
            } => Some((expected.clone(), actual.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(fails.len(), 3, "{fails:?}");
    let (e, a) = &fails[0];
    assert_eq!(e, "0");
    assert!(
        a.contains("guest.run(\"xfs_info /\") on VM ns/rhel9")
            && a.contains("exit 1")
            && a.contains("not a mounted XFS"),
        "{a}"
    );
    let (e, a) = &fails[2];
    assert_eq!(e, "\"marker 42\\n\"");
    assert!(
        a.contains("<corrupted>") && a.contains("guest.file(\"/data/marker.txt\") on VM ns/rhel9"),
        "{a}"
    );
}

#[test]
fn a_guest_that_cannot_be_reached_makes_the_check_not_run_with_the_reason() {
    let (p, _) = program(CHECK);
    let mut b = bindings();
    for r in [
        GuestRequest::Run("xfs_info /".into()),
        GuestRequest::File("/data/marker.txt".into()),
        GuestRequest::Os,
        GuestRequest::Nics,
    ] {
        b.guest.insert(r, Err("VM ns/rhel9 is powered off".into()));
    }
    let out = run_checks(&p.scenarios[0], &b);
    assert_eq!(
        out[0].status(),
        CheckStatus::NotRun("VM ns/rhel9 is powered off".into())
    );
}

#[test]
fn unknown_guest_members_are_coded_diagnostics_with_suggestions() {
    let wrap = |body: &str| {
        format!(
            "check c {{ {body} }}\nscenario s {{ vm \"v\"\n expect {{ migration succeeds; check c }} }}\n"
        )
    };
    let cases = [
        (
            "assert guest.rnu(\"x\").exit == 0",
            "E0413",
            "did you mean `run`?",
        ),
        (
            "assert guest.run(\"x\").exti == 0",
            "E0401",
            "did you mean `exit`?",
        ),
        ("assert guest.file(1).exists", "E0410", "must be a string"),
        ("assert guest.run == none", "E0401", "`run` is a method"),
        (
            "assert guest.os.family() == \"linux\"",
            "E0413",
            "is a field",
        ),
        (
            "assert guest.run(\"a\", \"b\").exit == 0",
            "E0404",
            "takes 1 argument",
        ),
    ];
    for (body, code, text) in cases {
        let (_, diags) = program(&wrap(body));
        let all = diags.join("\n");
        assert!(all.contains(code) && all.contains(text), "{body}: {all}");
    }
}
