//! Table-driven rule tests: Kubernetes names and labels, PVC name templates, hook
//! playbooks, outcomes and the provider-profile rules (valid and invalid values side by
//! side, so each rule is shown to accept what it must accept).

use mtvt_lang::schema::enums::ProviderKind;
use mtvt_lang::{CheckOptions, CopyOffloadFacts, ProviderFacts, check_text};

fn codes_with(text: &str, opts: &CheckOptions) -> Vec<String> {
    check_text("t.mtvt", text, None, opts)
        .diagnostics
        .iter()
        .map(|d| d.code().trim_start_matches("mtvt::").to_string())
        .collect()
}

fn codes(text: &str) -> Vec<String> {
    codes_with(text, &CheckOptions::default())
}

fn plan(body: &str) -> String {
    format!(
        "scenario s {{\n  vm \"v\"\n  plan {{ {body} }}\n  expect {{ migration succeeds }}\n}}\n"
    )
}

#[test]
fn namespaces_are_dns1123_labels() {
    let long = "a".repeat(63);
    let too_long = "a".repeat(64);
    for (ns, ok) in [
        ("mtv-comprehensive-vms", true),
        ("vms-${session}", true),
        ("vms-${env.USER}", true),
        (long.as_str(), true),
        (too_long.as_str(), false),
        ("MTV", false),
        ("-vms", false),
        ("vms.example", false),
    ] {
        let c = codes(&plan(&format!("target_namespace \"{ns}\"")));
        assert_eq!(c.is_empty(), ok, "{ns}: {c:?}");
        if !ok {
            assert_eq!(c, ["E0501"], "{ns}");
        }
    }
}

#[test]
fn label_keys_and_values_follow_kubernetes() {
    for (key, ok) in [
        ("app", true),
        ("kubernetes.io/hostname", true),
        ("mtv.io/session-id", true),
        ("a/b/c", false),
        ("-app", false),
        ("Example.com/app", false),
        ("", false),
    ] {
        let c = codes(&plan(&format!("target_labels {{ \"{key}\": \"v\" }}")));
        assert_eq!(c.is_empty(), ok, "key {key:?}: {c:?}");
    }
    let long = "v".repeat(64);
    for (value, ok) in [
        ("", true),
        ("static-value", true),
        ("a_b.c", true),
        ("${session}", true),
        ("has space", false),
        ("-v", false),
        (long.as_str(), false),
    ] {
        let c = codes(&plan(&format!(
            "target_node_selector {{ app: \"{value}\" }}"
        )));
        assert_eq!(c.is_empty(), ok, "value {value:?}: {c:?}");
    }
    assert!(codes(&plan("target_labels { a: session }")).is_empty());
    assert_eq!(codes(&plan("target_labels { a: 5 }")), ["E0202"]);
    assert_eq!(
        codes(&plan("target_labels { a: \"x\", a: \"y\" }")),
        ["E0204"]
    );
}

#[test]
fn pvc_name_templates_are_validated_like_forklift() {
    for (tpl, expected) in [
        ("'{{.VmName}}-disk-{{.DiskIndex}}'", ""),
        (
            "'{{ .FileName | trimSuffix \".vmdk\" | replace \"_\" \"-\" }}-{{.DiskIndex}}'",
            "",
        ),
        (
            "'{{trunc 15 .PlanName}}-{{trunc 15 .TargetVmName}}-disk-{{.DiskIndex}}'",
            "",
        ),
        (
            "'{{if eq .DiskIndex .RootDiskIndex}}root{{else}}data{{end}}-{{.DiskIndex}}'",
            "",
        ),
        ("'{{.VmName'", "E0601"),
        ("'{{.Disk}}'", "E0602"),
        ("'{{ .VmName | shout }}'", "E0603"),
        ("'{{.VmName}}_{{.DiskIndex}}'", "E0604"),
        ("'{{.VmName | upper}}'", "E0604"),
    ] {
        let c = codes(&plan(&format!("pvc_name_template {tpl}")));
        let want: Vec<&str> = if expected.is_empty() {
            vec![]
        } else {
            vec![expected]
        };
        assert_eq!(c, want, "{tpl}");
    }
    // `.FileName` is a vSphere variable: known source types make it an error elsewhere.
    let ovirt = "scenario s {\n  requires provider ovirt\n  vm \"v\"\n  plan { pvc_name_template '{{ .FileName | trimSuffix \".vmdk\" | replace \"_\" \"-\" }}-{{.DiskIndex}}' }\n  expect { migration succeeds }\n}\n";
    assert_eq!(codes(ovirt), ["E0602"]);
    assert!(codes(&ovirt.replace("ovirt", "vsphere")).is_empty());
}

#[test]
fn hook_playbooks_are_validated_like_the_pytest_suite() {
    let hook = |body: &str| {
        format!(
            "scenario h {{\n  vm \"v\"\n  hook pre {{ {body} }}\n  expect {{ migration succeeds }}\n}}\n"
        )
    };
    for (body, expected) in [
        ("result succeed", ""),
        (
            "playbook \"\"\"\n- name: ok\n  hosts: localhost\n  tasks: []\n\"\"\"",
            "",
        ),
        (
            "playbook_base64 \"LSBuYW1lOiBhCiAgaG9zdHM6IGxvY2FsaG9zdAo=\"",
            "",
        ),
        ("image \"x\"", "E0701"),
        ("result succeed; playbook_base64 \"LQo=\"", "E0702"),
        ("playbook_base64 \"%%%\"", "E0703"),
        ("playbook_base64 \"gA==\"", "E0704"),
        ("playbook \"- a: [\"", "E0705"),
        ("playbook \"[]\"", "E0706"),
        ("playbook \"just text\"", "E0706"),
        ("playbook_file \"nope.yml\"", "E0707"),
        ("result succeed; expect succeed", "E0709"),
        ("result succeed; service_account \"Bad_SA\"", "E0505"),
    ] {
        let c = codes(&hook(body));
        let want: Vec<&str> = if expected.is_empty() {
            vec![]
        } else {
            vec![expected]
        };
        assert_eq!(c, want, "{body}");
    }
}

#[test]
fn outcomes_match_the_hooks() {
    let s = |hooks: &str, outcome: &str| {
        format!(
            "use std/checks\nscenario o {{\n  vm \"v\"\n  {hooks}\n  expect {{ migration {outcome}; check cpu }}\n}}\n"
        )
    };
    assert!(codes(&s("hook post { result fail }", "fails at PostHook")).is_empty());
    assert!(
        codes(&s(
            "hook post { playbook_base64 \"LSBuYW1lOiBhCiAgaG9zdHM6IGxvY2FsaG9zdAo=\" }",
            "fails at PostHook"
        ))
        .is_empty(),
        "custom playbooks may fail"
    );
    assert_eq!(
        codes(&s("hook post { result succeed }", "fails at PostHook")),
        ["E0801"]
    );
    assert_eq!(codes(&s("", "fails at PreHook")), ["E0801", "E0802"]);
    assert_eq!(
        codes(&s("hook pre { result fail }", "fails at PreHook")),
        ["E0802"]
    );
    assert_eq!(codes(&s("hook pre { result fail }", "succeeds")), ["E0805"]);
    assert!(codes(&s("", "fails")).is_empty());
    assert!(codes(&s("", "fails at DiskTransfer")).is_empty());
    assert_eq!(codes(&s("", "fails at Cutover")), ["E0804"]);
    assert_eq!(codes(&s("", "fails at PostHok")), ["E0203"]);
    assert!(
        codes(&s(
            "hook post { result fail }",
            "fails at PostHook with 'fail'"
        ))
        .is_empty()
    );
    assert_eq!(
        codes(&s(
            "hook post { result fail }",
            "fails at PostHook with \"\""
        )),
        ["E0209"]
    );
    assert_eq!(
        codes(&s(
            "hook post { result fail }",
            "fails at PostHook because \"x\""
        )),
        ["E0210"]
    );
}

#[test]
fn readiness_outcomes_start_no_migration() {
    let s = |expect: &str| format!("scenario o {{\n  vm \"v\"\n  expect {{ {expect} }}\n}}\n");
    assert!(codes(&s("plan ready")).is_empty());
    assert!(codes(&s("plan not ready VMNetworksNotMapped")).is_empty());
    assert!(codes(&s("plan not ready VMNetworksNotMapped category Critical")).is_empty());
    assert_eq!(
        codes(&format!("use std/checks\n{}", s("plan ready; check cpu"))),
        ["E0806"]
    );
    assert_eq!(codes(&s("plan ready; migration succeeds")), ["E0803"]);
    assert_eq!(codes(&s("plan redy")), ["E0203"]);
    assert_eq!(
        codes(&s("plan not ready VMNetworksNotMapped category Critcal")),
        ["E0203"]
    );
    assert_eq!(codes(&s("plan not ready")), ["E0210"]);
}

fn profile(kind: ProviderKind, co: Option<CopyOffloadFacts>) -> CheckOptions {
    CheckOptions {
        profiles: vec![ProviderFacts {
            profile: String::from("p"),
            provider_type: kind,
            copyoffload: co,
        }],
        ..CheckOptions::default()
    }
}

/// Steps that exist only in vSphere pipelines, and the OpenStack snapshot conversion whose
/// failures land on DiskTransfer (fidelity-review row 19; upstream
/// pkg/controller/plan/migrator/base/migrator.go:284-287, 334, 361).
#[test]
fn steps_never_failed_in_a_pipeline() {
    let s = |outcome: &str| {
        format!(
            "scenario o {{\n  vm \"v\"\n  plan {{ warm true }}\n  expect {{ migration {outcome} }}\n}}\n"
        )
    };
    for (kind, step, bad) in [
        (ProviderKind::Vsphere, "PreflightInspection", false),
        (
            ProviderKind::Vsphere,
            "WaitForFinalSnapshotConsolidation",
            false,
        ),
        (ProviderKind::Ovirt, "PreflightInspection", true),
        (
            ProviderKind::Ovirt,
            "WaitForFinalSnapshotConsolidation",
            true,
        ),
        (ProviderKind::Openstack, "ConvertOpenstackSnapshot", true),
        (ProviderKind::Vsphere, "Cutover", false),
    ] {
        let c = codes_with(&s(&format!("fails at {step}")), &profile(kind, None));
        assert_eq!(c.iter().any(|x| x == "E0804"), bad, "{kind} {step}: {c:?}");
    }
}

#[test]
fn warm_needs_a_source_that_supports_it() {
    let warm =
        "scenario w {\n  vm \"v\"\n  plan { warm true }\n  expect { migration succeeds }\n}\n";
    for (kind, ok) in [
        (ProviderKind::Vsphere, true),
        (ProviderKind::Ovirt, false),
        (ProviderKind::Openstack, false),
        (ProviderKind::Openshift, false),
        (ProviderKind::Ova, false),
    ] {
        let c = codes_with(warm, &profile(kind, None));
        assert_eq!(c.is_empty(), ok, "{kind}: {c:?}");
    }
    let gated = CheckOptions {
        allow_ovirt_warm: true,
        ..profile(ProviderKind::Ovirt, None)
    };
    assert!(codes_with(warm, &gated).is_empty());
    // Known from `requires provider` without a profile; oVirt is accepted in a list.
    assert_eq!(
        codes(&warm.replace("vm \"v\"", "requires provider ova\n  vm \"v\"")),
        ["E0901"]
    );
    assert!(
        codes(&warm.replace("vm \"v\"", "requires provider vsphere, ovirt\n  vm \"v\"")).is_empty()
    );
    // A scenario that requires another provider type is skipped for this profile.
    let skipped = warm.replace("vm \"v\"", "requires provider vsphere\n  vm \"v\"");
    assert!(codes_with(&skipped, &profile(ProviderKind::Openstack, None)).is_empty());
}

#[test]
fn copy_offload_needs_vsphere_and_a_complete_profile() {
    let xcopy = |disk: &str| {
        format!(
            "scenario x {{\n  vm \"v\" {{ {disk} }}\n  plan {{ copy_offload true }}\n  expect {{ migration succeeds }}\n}}\n"
        )
    };
    let full = CopyOffloadFacts {
        has_secondary_datastore: true,
        has_non_xcopy_datastore: true,
        has_rdm_lun: true,
        ..CopyOffloadFacts::default()
    };
    let bare = CopyOffloadFacts::default();
    let incomplete = CopyOffloadFacts {
        missing_fields: vec![String::from("ontap_svm")],
        ..CopyOffloadFacts::default()
    };
    let disk_secondary = "add_disk { size 1Gi; datastore secondary }";
    let disk_rdm = "add_disk { rdm virtual }";
    assert!(
        codes_with(
            &xcopy(disk_secondary),
            &profile(ProviderKind::Vsphere, Some(full.clone()))
        )
        .is_empty()
    );
    assert_eq!(
        codes_with(
            &xcopy(disk_secondary),
            &profile(ProviderKind::Vsphere, Some(bare.clone()))
        ),
        ["E0904"]
    );
    assert_eq!(
        codes_with(
            &xcopy(disk_rdm),
            &profile(ProviderKind::Vsphere, Some(bare.clone()))
        ),
        ["E0905"]
    );
    assert_eq!(
        codes_with(
            &xcopy(""),
            &profile(ProviderKind::Vsphere, Some(incomplete.clone()))
        ),
        ["E0903"]
    );
    assert_eq!(
        codes_with(&xcopy(""), &profile(ProviderKind::Ovirt, None)),
        ["E0902"]
    );
    assert_eq!(
        codes_with(
            &xcopy("target_datastore primary"),
            &profile(ProviderKind::Vsphere, None)
        ),
        ["E0903"]
    );
    // `requires copyoffload` skips the scenario for a profile that cannot do it.
    let required = xcopy("").replace("vm \"v\"", "requires copyoffload\n  vm \"v\"");
    assert!(codes_with(&required, &profile(ProviderKind::Vsphere, Some(incomplete))).is_empty());
    // Symbolic datastores only make sense in copy-offload plans, profile or not.
    assert_eq!(
        codes(&xcopy(disk_secondary).replace("plan { copy_offload true }", "plan { warm false }")),
        ["E0906"]
    );
    assert!(
        codes(
            &xcopy("add_disk { size 1Gi; datastore \"datastore-1\" }")
                .replace("copy_offload true", "warm false")
        )
        .is_empty()
    );
}

#[test]
fn lifecycle_steps_follow_a_migration() {
    let s = |outcome: &str, then: &str| {
        format!(
            "use std/hooks\nscenario o {{\n  vm \"v\"\n  hook post = hooks.fail\n  expect {{ {outcome} }}\n  then {{\n{then}\n  }}\n}}\n"
        )
    };
    let all = "    archive\n    delete plan\n    delete vms\n    wait plan Archived\n    migrate\n    migrate resume_conversion\n    cancel at ImageConversion\n    expect { migration succeeds }";
    assert!(codes(&s("migration fails at PostHook", all)).is_empty());
    // `cancel at STEP` belongs to the `migrate` right before it, once, at a pipeline step.
    for bad in [
        "    cancel at DiskTransfer",
        "    archive\n    cancel at DiskTransfer",
        "    migrate\n    cancel at DiskTransfer\n    cancel at Cutover",
        "    migrate\n    cancel at Disk",
        "    migrate\n    cancel DiskTransfer",
    ] {
        assert_eq!(codes(&s("migration fails", bad)), ["E0210"], "{bad}");
    }
    assert_eq!(codes(&s("plan ready", "    archive")), ["E0807"]);
    assert_eq!(
        codes(&s("migration fails", "    expect { plan ready }")),
        ["E0807"]
    );
    assert_eq!(codes(&s("migration fails", "    archive now")), ["E0210"]);
    assert_eq!(codes(&s("migration fails", "    delete plans")), ["E0210"]);
    assert_eq!(
        codes(&s("migration fails", "    migrate resume")),
        ["E0210"]
    );
    assert_eq!(codes(&s("migration fails", "    wait Archived")), ["E0210"]);
    assert_eq!(codes(&s("migration fails", "    archiv")), ["E0201"]);
    assert!(codes(&s("migration fails", "    expect { within 30s }")).is_empty());
    assert_eq!(
        codes(&s("migration fails; within 30s", "    archive")),
        ["E0210"],
        "`within` waits only inside `then`"
    );
}
