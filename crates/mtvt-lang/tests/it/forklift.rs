//! `forklift { … }` passthrough blocks (issue 13 item 1): a field of the upstream CRD that
//! mtvt has no key for is accepted and reaches the IR (and from there the manifest, see
//! the root crate's render goldens); a misspelled one, a wrong type, a value outside an
//! enumeration or a bound, and a field mtvt sets itself are reported at the member, with
//! a stable code.

use mtvt_lang::{CheckOptions, check_text};

use super::support::rendered;

fn scenario(plan: &str, vm: &str) -> String {
    format!(
        "scenario s {{\n  plan {{\n{plan}\n  }}\n  vm \"v\" {{\n{vm}\n  }}\n  expect {{ migration succeeds }}\n}}\n"
    )
}

fn check(text: &str) -> (Vec<String>, mtvt_lang::ir::ProgramIr) {
    let r = check_text("t.mtvt", text, None, &CheckOptions::default());
    (rendered(&r), r.program)
}

fn codes(text: &str) -> Vec<(String, usize, usize)> {
    let r = check_text("t.mtvt", text, None, &CheckOptions::default());
    r.diagnostics
        .iter()
        .map(|d| {
            let (_, line, col) = r.sources.locate(d.span());
            (d.code().to_string(), line, col)
        })
        .collect()
}

#[test]
fn a_schema_field_unknown_to_mtvt_reaches_the_ir() {
    let text = scenario(
        "    forklift { skipGuestConversion: true, diskBus: \"scsi\", transferNetwork: { name: \"n\" } }\n    storage_map { forklift { destination: { volumeMode: \"Block\" } } }",
        "    forklift { rootDisk: \"/dev/sda\", instanceType: \"u1.small\" }",
    );
    let (report, ir) = check(&text);
    assert!(report.is_empty(), "{report:?}");
    let plan = &ir.scenarios[0].plans[0];
    assert_eq!(
        plan.forklift.as_ref().unwrap()["skipGuestConversion"],
        serde_json::json!(true)
    );
    assert_eq!(
        plan.storage_map_forklift.as_ref().unwrap()["destination"]["volumeMode"],
        "Block"
    );
    assert_eq!(
        plan.vms[0].forklift.as_ref().unwrap()["rootDisk"],
        "/dev/sda"
    );
}

#[test]
fn a_misspelled_field_is_e1101_with_did_you_mean() {
    let text = scenario("    forklift { migrateSharedDisk: true }", "");
    let (report, _) = check(&text);
    let all = report.join("\n");
    assert!(all.contains("mtvt::E1101"), "{all}");
    assert!(all.contains("did you mean `migrateSharedDisks`?"), "{all}");
    assert_eq!(codes(&text), [("mtvt::E1101".to_string(), 3, 16)]);
}

#[test]
fn types_enums_bounds_and_nested_fields_are_checked_at_the_value() {
    let text = scenario(
        "    forklift { skipGuestConversion: \"yes\", type: \"tepid\" }\n    network_map { forklift { source: { vlan: \"5000\" } } }\n    storage_map { forklift { destination: { volumeMode: \"block\" } } }",
        "    forklift { rootDisk: 3 }",
    );
    let got = codes(&text);
    let want = [
        ("mtvt::E1102", 3, 37),
        ("mtvt::E1103", 3, 50),
        ("mtvt::E1105", 4, 30),
        ("mtvt::E1103", 5, 57),
        ("mtvt::E1102", 8, 26),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(c, l, k)| (c.to_string(), *l, *k))
        .collect();
    assert_eq!(got, want, "{:#?}", check(&text).0);
    let all = check(&text).0.join("\n");
    assert!(all.contains("did you mean `Block`?"), "{all}");
}

#[test]
fn a_field_mtvt_sets_is_an_error_naming_the_key() {
    let text = scenario(
        "    forklift { warm: true, migrateSharedDisks: false, vms: [] }",
        "    forklift { id: \"vm-1\" }",
    );
    let all = check(&text).0.join("\n");
    assert!(all.contains("mtvt sets it from `warm`"), "{all}");
    assert!(
        all.contains("mtvt sets it from `migrate_shared_disks`"),
        "{all}"
    );
    assert_eq!(all.matches("mtvt::E1105").count(), 4, "{all}");
}

#[test]
fn first_class_plan_keys_reach_the_ir() {
    let text = scenario(
        "    migrate_shared_disks false\n    xfs_compatibility true\n    run_preflight_inspection false\n    enable_nested_virtualization true\n    rdm_as_lun true",
        "",
    );
    let (report, ir) = check(&text);
    assert!(report.is_empty(), "{report:?}");
    let plan = &ir.scenarios[0].plans[0];
    assert_eq!(plan.migrate_shared_disks, Some(false));
    assert_eq!(plan.xfs_compatibility, Some(true));
    assert_eq!(plan.run_preflight_inspection, Some(false));
    assert_eq!(plan.enable_nested_virtualization, Some(true));
    assert_eq!(plan.rdm_as_lun, Some(true));
}

#[test]
fn python_none_and_hook_fields() {
    let text = "scenario s {\n  vm \"v\"\n  hook pre { result succeed; forklift { aap: { jobTemplateId: None } } }\n  expect { migration succeeds }\n}\n";
    let all = check(text).0.join("\n");
    assert!(all.contains("mtvt::E1102"), "{all}");
    let text = "scenario s {\n  vm \"v\"\n  hook pre { result succeed; forklift { aap: { url: None } } }\n  expect { migration succeeds }\n}\n";
    let all = check(text).0.join("\n");
    assert!(all.contains("`None` is Python's"), "{all}");
    assert!(all.contains("mtvt::E1104"), "{all}");
}

#[test]
fn source_provider_fields_are_checked_and_reach_the_session() {
    let ok = "session {\n  source_provider { forklift { settings: { useVddkAioOptimization: \"true\" } } }\n}\n";
    let (report, ir) = check(ok);
    assert!(report.is_empty(), "{report:?}");
    assert_eq!(
        ir.session.source_provider_forklift.unwrap()["settings"]["useVddkAioOptimization"],
        "true"
    );
    let bad = "session {\n  source_provider { forklift { url: \"https://x\", settings: { useVddkAioOptimization: true } } }\n}\n";
    let got = codes(bad);
    assert_eq!(
        got,
        [
            ("mtvt::E1105".to_string(), 2, 32),
            ("mtvt::E1102".to_string(), 2, 86)
        ],
        "{:?}",
        check(bad).0
    );
    assert!(
        check(bad)
            .0
            .join("\n")
            .contains("provider profile's `api_url`")
    );
}

#[test]
fn a_luks_passphrase_is_first_class_and_never_in_the_ir_json() {
    let text = scenario("", "    luks_passphrase \"${env.LUKS_KEY}\"");
    let (report, ir) = check(&text);
    assert!(report.is_empty(), "{report:?}");
    let vm = &ir.scenarios[0].plans[0].vms[0];
    assert!(vm.luks_passphrase.is_some());
    let json = mtvt_lang::ir::canonical_json(&ir);
    assert!(json.to_string().contains("<redacted>") && !json.to_string().contains("LUKS_KEY"));
    let text = scenario("", "    forklift { luks: { name: \"s\" } }");
    let all = check(&text).0.join("\n");
    assert!(all.contains("mtvt sets it from `luks_passphrase`"), "{all}");
}

/// A fragment's `forklift { … }` and the scenario's merge field by field (objects
/// recursively; the scenario wins on a field both set; arrays replaced), for the plan's
/// block and the map blocks alike.
#[test]
fn fragment_and_scenario_forklift_blocks_deep_merge() {
    let text = "fragment base {\n  plan {\n    forklift { skipGuestConversion: true, diskBus: \"scsi\", transferNetwork: { name: \"n\", namespace: \"a\" } }\n    storage_map { forklift { destination: { volumeMode: \"Block\" } } }\n  }\n}\n\n\
                scenario s extends base {\n  plan {\n    forklift { diskBus: \"virtio\", transferNetwork: { namespace: \"b\" } }\n    storage_map { forklift { destination: { accessMode: \"ReadWriteOnce\" } } }\n  }\n  vm \"v\"\n  expect { migration succeeds }\n}\n";
    let (report, ir) = check(text);
    assert!(report.is_empty(), "{report:?}");
    let plan = &ir.scenarios[0].plans[0];
    assert_eq!(
        plan.forklift.as_ref().unwrap(),
        &serde_json::json!({
            "skipGuestConversion": true,
            "diskBus": "virtio",
            "transferNetwork": {"name": "n", "namespace": "b"}
        })
    );
    assert_eq!(
        plan.storage_map_forklift.as_ref().unwrap()["destination"],
        serde_json::json!({"volumeMode": "Block", "accessMode": "ReadWriteOnce"})
    );
}
