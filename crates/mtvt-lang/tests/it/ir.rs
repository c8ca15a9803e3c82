//! The checked IR: defaults, fragment merging, matrix expansion, `count`, hooks decoded
//! to the pytest suite's playbooks, interpolation parts, and comparison modulo spans.

use base64::Engine as _;
use mtvt_lang::ir::{
    DatastoreRef, HookExpectation, InterpPart, Outcome, PlaybookSource, ProgramIr, Requirement,
    ThenStep, canonical_json,
};
use mtvt_lang::schema::enums::*;
use mtvt_lang::{CheckOptions, check_text};
use mtvt_vocab::{Duration, Quantity};

fn program(text: &str) -> ProgramIr {
    let r = check_text("t.mtvt", text, None, &CheckOptions::default());
    let rendered: String = r
        .diagnostics
        .iter()
        .map(|d| mtvt_lang::diag::render::render_plain(d, &r.sources))
        .collect();
    assert!(r.diagnostics.is_empty(), "{rendered}");
    r.program
}

/// `HOOK_PLAYBOOK_SUCCESS` / `HOOK_PLAYBOOK_FAIL` of mtv-api-tests utilities/hooks.py.
const PYTEST_SUCCESS: &str = "LSBuYW1lOiBTdWNjZXNzZnVsLWhvb2sKICBob3N0czogbG9jYWxob3N0CiAgdGFza3M6CiAgICAtIG5hbWU6IFN1Y2Nlc3MgdGFzawogICAgICBkZWJ1ZzoKICAgICAgICBtc2c6ICJIb29rIGV4ZWN1dGVkIHN1Y2Nlc3NmdWxseSI=";
const PYTEST_FAIL: &str = "LSBuYW1lOiBGYWlsaW5nLXBvc3QtbWlncmF0aW9uCiAgaG9zdHM6IGxvY2FsaG9zdAogIHRhc2tzOgogICAgLSBuYW1lOiBUYXNrIHRoYXQgd2lsbCBmYWlsCiAgICAgIGZhaWw6CiAgICAgICAgbXNnOiAiVGhpcyBob29rIGlzIGRlc2lnbmVkIHRvIGZhaWwgZm9yIHRlc3RpbmcgcHVycG9zZXMi";

fn decode(b: &str) -> String {
    String::from_utf8(base64::engine::general_purpose::STANDARD.decode(b).unwrap()).unwrap()
}

#[test]
fn predefined_hooks_are_the_pytest_playbooks() {
    let p = program(
        "use std/hooks\nscenario h {\n  vm \"v\"\n  hook pre = hooks.succeed\n  hook post { result fail }\n  expect { migration fails at PostHook }\n}\n",
    );
    let hooks = &p.scenarios[0].plans[0].hooks;
    assert_eq!(hooks[0].step, HookStep::Pre);
    assert_eq!(&*hooks[0].playbook_text, decode(PYTEST_SUCCESS));
    assert_eq!(hooks[0].expected, HookExpectation::Succeed);
    assert_eq!(hooks[0].definition.as_deref(), Some("hooks.succeed"));
    assert_eq!(&*hooks[1].playbook_text, decode(PYTEST_FAIL));
    assert_eq!(
        hooks[1].source,
        PlaybookSource::Predefined(HookResult::Fail)
    );
    assert_eq!(hooks[1].expected, HookExpectation::Fail);
    assert_eq!(hooks[1].image, "quay.io/konveyor/hook-runner");
    // A base64 playbook is decoded; a custom one has no designed outcome.
    let p = program(&format!(
        "scenario b {{ vm \"v\"\n hook pre {{ playbook_base64 \"{PYTEST_SUCCESS}\" }}\n expect {{ migration succeeds }} }}"
    ));
    let h = &p.scenarios[0].plans[0].hooks[0];
    assert_eq!(
        (&*h.playbook_text, &h.source, h.expected),
        (
            decode(PYTEST_SUCCESS).as_str(),
            &PlaybookSource::Base64,
            HookExpectation::Custom
        )
    );
}

#[test]
fn defaults_come_from_the_session_and_forklift() {
    let p = program(
        "session { plan_wait_timeout 2h; mins_before_cutover 7; guest_agent_timeout 3m }\n\
         scenario d { vm \"v\" { count 3 }\n plan { warm true; copy_offload true }\n expect { migration succeeds } }\n\
         scenario e { vm \"v\"\n plan { timeout 10m }\n expect { migration succeeds } }\n",
    );
    let d = &p.scenarios[0].plans[0];
    assert_eq!(d.timeout, Duration::mins(120));
    assert_eq!(d.cutover_after, Some(Duration::mins(7)));
    assert_eq!(d.guest_agent_timeout, Duration::mins(3));
    assert_eq!(
        d.pvc_name_template.as_deref(),
        Some("pvc"),
        "copy-offload plans default to `pvc`"
    );
    assert_eq!(d.vms.len(), 3);
    assert_eq!(
        d.vms.iter().map(|v| v.replica).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert!(
        d.vms
            .iter()
            .all(|v| v.clone && v.guest_agent_timeout == Duration::mins(3))
    );
    let e = &p.scenarios[1].plans[0];
    assert_eq!(
        (e.timeout, e.cutover_after, e.warm, e.destination),
        (Duration::mins(10), None, false, Destination::Local)
    );
    assert_eq!(e.pvc_name_template, None);
    assert_eq!(p.session.plan_wait_timeout, Duration::mins(120));
    assert_eq!(p.session.mtv_namespace, "openshift-mtv");
}

#[test]
fn fragments_merge_and_scenarios_override() {
    let p = program(
        "fragment base {\n  tags a\n  requires provider vsphere\n  vm \"one\"\n  plan { warm true; target_power_state on }\n  hook pre { result succeed }\n  expect { migration succeeds }\n}\n\
         fragment more extends base { tags b }\n\
         scenario s extends more {\n  tags a, c\n  vm \"two\" { source_power off }\n  plan { warm false }\n  hook pre { result fail }\n  expect { migration fails at PreHook }\n}\n",
    );
    let s = &p.scenarios[0];
    assert_eq!(s.tags, ["a", "b", "c"]);
    assert_eq!(
        s.requires[0].requirement,
        Requirement::Provider {
            types: vec![ProviderKind::Vsphere]
        }
    );
    let plan = &s.plans[0];
    assert_eq!(
        plan.vms
            .iter()
            .map(|v| v.source_name.as_str())
            .collect::<Vec<_>>(),
        ["one", "two"]
    );
    assert!(!plan.warm, "the scenario overrides the fragment's key");
    assert_eq!(
        plan.target_power_state,
        Some(TargetPowerState::On),
        "other keys are kept"
    );
    assert_eq!(plan.hooks.len(), 1);
    assert_eq!(
        plan.hooks[0].expected,
        HookExpectation::Fail,
        "the later hook for a step wins"
    );
    assert_eq!(
        s.expect.outcome.outcome,
        Outcome::Fails {
            at: Some(PipelineStep::PreHook),
            with: None,
        }
    );
}

#[test]
fn readiness_and_failure_text_outcomes() {
    let outcome = |line: &str| {
        let p = program(&format!(
            "use std/hooks\nscenario o {{\n  vm \"v\"\n  hook post = hooks.fail\n  expect {{ {line} }}\n}}\n"
        ));
        p.scenarios[0].expect.outcome.outcome.clone()
    };
    assert_eq!(outcome("plan ready"), Outcome::PlanReady);
    assert!(!Outcome::PlanReady.migrates());
    assert_eq!(
        outcome("plan not ready VMNetworksNotMapped"),
        Outcome::PlanNotReady {
            condition: "VMNetworksNotMapped".into(),
            category: None
        }
    );
    assert_eq!(
        outcome("plan not ready VMMultiplePodNetworkMappings category Critical"),
        Outcome::PlanNotReady {
            condition: "VMMultiplePodNetworkMappings".into(),
            category: Some(ConditionCategory::Critical)
        }
    );
    assert_eq!(
        outcome("migration fails at PostHook with \"designed to fail\""),
        Outcome::Fails {
            at: Some(PipelineStep::PostHook),
            with: Some("designed to fail".into())
        }
    );
}

#[test]
fn matrix_expands_with_parameters() {
    let p = program(
        "scenario m {\n  matrix {\n    disk_type [thin, thick-lazy]\n    size [10Gi, 20Gi]\n  }\n  vm \"x\" { disk_type param.disk_type; clone_name \"x-${param.disk_type}\"\n    add_disk { size param.size } }\n  expect { migration succeeds }\n}\n",
    );
    let names: Vec<&str> = p.scenarios.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "m[disk_type=thin,size=10Gi]",
            "m[disk_type=thin,size=20Gi]",
            "m[disk_type=thick-lazy,size=10Gi]",
            "m[disk_type=thick-lazy,size=20Gi]"
        ]
    );
    let s = &p.scenarios[2];
    assert_eq!(s.base_name, "m");
    assert_eq!(s.params["disk_type"], "thick-lazy");
    let vm = &s.plans[0].vms[0];
    assert_eq!(vm.disk_type, Some(Provisioning::ThickLazy));
    assert_eq!(
        vm.clone_name.as_ref().unwrap().as_literal().as_deref(),
        Some("x-thick-lazy")
    );
    assert_eq!(vm.added_disks[0].size, Some(Quantity::gib(10)));
}

#[test]
fn a_bad_matrix_value_is_reported_at_the_value() {
    let r = check_text(
        "t.mtvt",
        "scenario m {\n  matrix { disk_type [thin, thik] }\n  vm \"x\" { disk_type param.disk_type }\n  expect { migration succeeds }\n}\n",
        None,
        &CheckOptions::default(),
    );
    assert_eq!(
        r.diagnostics.len(),
        1,
        "reported once, not once per variant"
    );
    let d = &r.diagnostics[0];
    assert_eq!(d.code(), "mtvt::E0203");
    assert_eq!(
        r.sources.locate(d.span()).1,
        2,
        "points into the matrix line"
    );
    assert_eq!(r.program.scenarios.len(), 1, "the valid variant remains");
}

#[test]
fn labels_keep_session_and_env_parts() {
    let p = program(
        "scenario l {\n  vm \"x\" { target_datastore \"datastore-7\"; add_disk { size 1Gi; datastore \"ds-9\" } }\n  plan {\n    target_namespace \"vms-${session}\"\n    target_labels { a: session, b: \"${env.TEAM}-x\" }\n  }\n  expect { migration succeeds }\n}\n",
    );
    let plan = &p.scenarios[0].plans[0];
    assert_eq!(plan.target_labels["a"].parts, [InterpPart::Session]);
    assert_eq!(
        plan.target_labels["b"].parts,
        [InterpPart::Env("TEAM".into()), InterpPart::Lit("-x".into())]
    );
    assert_eq!(
        plan.target_namespace
            .as_ref()
            .unwrap()
            .resolve("s1", |_| None)
            .unwrap(),
        "vms-s1"
    );
    assert_eq!(
        plan.vms[0].target_datastore,
        Some(DatastoreRef::Id("datastore-7".into()))
    );
    assert_eq!(plan.key_spans["target_labels"].line, 5);
}

#[test]
fn comparison_modulo_spans_ignores_layout() {
    let a = program(
        "use std/checks\nscenario s { vm \"x\" { guest_agent true }\n expect { migration succeeds; check standard } }\n",
    );
    let b = program(
        "# the same scenario, laid out differently\nuse std/checks\n\nscenario s {\n  vm \"x\" {\n    guest_agent true\n  }\n  expect {\n    migration succeeds\n    check standard\n  }\n}\n",
    );
    assert_ne!(a, b, "spans differ");
    assert_eq!(canonical_json(&a), canonical_json(&b));
    let c = program(
        "use std/checks\nscenario s { vm \"x\" { guest_agent false }\n expect { migration succeeds; check standard } }\n",
    );
    assert_ne!(
        canonical_json(&a),
        canonical_json(&c),
        "a different meaning differs"
    );
    let json = serde_json::to_string(&a).unwrap();
    assert!(json.contains("\"span\""), "spans are serialized");
    assert!(!canonical_json(&a).to_string().contains("\"span\""));
}

#[test]
fn several_plans_keep_their_vms() {
    let p = program(
        "scenario two {\n  plan xcopy { copy_offload true; vm \"a\" }\n  plan vddk { vm \"b\" }\n  expect { migration succeeds }\n}\n",
    );
    let plans = &p.scenarios[0].plans;
    assert_eq!(
        plans.iter().map(|p| p.name.as_deref()).collect::<Vec<_>>(),
        [Some("xcopy"), Some("vddk")]
    );
    assert!(plans[0].copy_offload && !plans[1].copy_offload);
    assert_eq!(plans[1].vms[0].source_name, "b");
}

#[test]
fn body_calls_finds_a_builtin_through_nested_statements() {
    let p = program(
        "use std/checks\ncheck nested {\n  for d in dest.disks {\n    when d.size > 1Gi { assert ssh_reachable(dest) }\n  }\n}\nscenario s {\n  vm \"v\"\n  expect { migration succeeds; check nested, ssh, cpu }\n}\n",
    );
    let checks = &p.scenarios[0].expect.checks;
    let calls = |name: &str| {
        let c = checks.iter().find(|c| c.check.name == name).unwrap();
        mtvt_lang::ir::body_calls(&c.check.body, "ssh_reachable")
    };
    assert!(calls("nested"), "inside for/when");
    assert!(calls("ssh"));
    assert!(!calls("cpu"));
}

#[test]
fn lifecycle_steps_keep_their_order_and_resolve_their_checks() {
    let p = program(
        "use std/hooks\n\ncheck no_pvcs \"no PVC is left\" {\n  assert len(cluster.pvcs) == 0\n}\n\n\
         scenario o {\n  vm \"v\"\n  hook post = hooks.fail\n  expect { migration fails at PostHook }\n  then {\n    archive\n    delete plan\n    delete vms\n    expect { check no_pvcs }\n    migrate resume_conversion\n    wait plan Succeeded\n  }\n}\n",
    );
    let steps: Vec<String> = p.scenarios[0]
        .then
        .iter()
        .map(|s| match &s.step {
            ThenStep::Expect(e) => format!("expect {}", e.checks[0].check.name),
            other => serde_json::to_value(other).unwrap()["kind"]
                .as_str()
                .unwrap()
                .to_string(),
        })
        .collect();
    assert_eq!(
        steps,
        [
            "archive",
            "delete_plan",
            "delete_vms",
            "expect no_pvcs",
            "migrate",
            "wait_plan"
        ]
    );
    assert_eq!(
        p.scenarios[0].then[4].step,
        ThenStep::Migrate {
            resume_conversion: true,
            cancel_at: None
        }
    );
}

#[test]
fn cancel_at_folds_into_the_migrate_before_it() {
    let p = program(
        "scenario o {\n  vm \"v\"\n  expect { migration succeeds }\n  then {\n    migrate\n    cancel at DiskTransfer\n    expect { migration succeeds }\n  }\n}\n",
    );
    assert_eq!(p.scenarios[0].then.len(), 2);
    assert_eq!(
        p.scenarios[0].then[0].step,
        ThenStep::Migrate {
            resume_conversion: false,
            cancel_at: Some(mtvt_lang::schema::enums::PipelineStep::DiskTransfer)
        }
    );
}
