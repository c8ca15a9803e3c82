#![allow(clippy::unwrap_used, clippy::indexing_slicing)]
use super::*;
use crate::import::python::parse;

fn one(entry: &str) -> (String, Vec<Unmapped>) {
    let m = parse(&format!("tests_params = {{\"test_x\": {entry}}}\n")).unwrap();
    let params = m.assignments[0].value.entries().unwrap();
    let mut unmapped = Vec::new();
    let s = scenario("test_x", &params[0].1, "c.py:1", &mut unmapped);
    assert_eq!(s.name, "x");
    (s.text, unmapped)
}

#[test]
fn hooks_none_values_and_session_labels() {
    let (text, unmapped) = one(
        r#"{"virtual_machines": [{"name": "v", "snapshots": 2, "target_datastore_id": "ds-9"}],
           "vm_target_namespace": None,
           "target_node_selector": {"mtv-node": None},
           "pre_hook": {"playbook_base64": "LS0t", "expected_result": "fail"},
           "expected_migration_result": "fail"}"#,
    );
    assert!(unmapped.is_empty(), "{unmapped:?}");
    assert!(
        text.contains("vm \"v\" {\nsnapshots 2\ntarget_datastore \"ds-9\"\n}"),
        "{text}"
    );
    assert!(!text.contains("target_namespace"), "{text}");
    assert!(
        text.contains("target_node_selector { \"mtv-node\": session }"),
        "{text}"
    );
    assert!(
        text.contains("hook pre { playbook_base64 \"LS0t\"; expect fail }"),
        "{text}"
    );
    assert!(text.contains("migration fails at PreHook"), "{text}");
    assert!(text.contains("tags hooks"), "{text}");
}

#[test]
fn what_has_no_form_is_reported_with_its_line_and_path() {
    let (text, unmapped) = one(
        "{\n\"virtual_machines\": [{\"name\": \"v\", \"add_disks\": [{\"size_gb\": 1, \"rdm\": 1}]}],\n\"pvc_name_template\": {\"vsphere\": \"x\"},\n\"target_affinity\": {\"w\": 0.5},\n\"expected_migration_result\": \"maybe\"\n}",
    );
    let got: Vec<(String, usize)> = unmapped.iter().map(|u| (u.key.clone(), u.line)).collect();
    assert_eq!(
        got,
        [
            ("test_x.virtual_machines[0].add_disks[0].rdm".to_string(), 2),
            ("test_x.pvc_name_template".to_string(), 3),
            ("test_x.target_affinity".to_string(), 4),
            ("test_x.expected_migration_result".to_string(), 5),
        ]
    );
    assert!(text.contains("add_disk { size 1Gi }"), "{text}");
    assert!(text.contains("migration succeeds"), "{text}");
}

#[test]
fn names_become_identifiers() {
    assert_eq!(scenario_name("test_a-b.c"), "a_b_c");
    assert_eq!(scenario_name("test_1x"), "s1x");
}

#[test]
fn upstream_plan_flags_map_to_their_first_class_keys() {
    let (text, unmapped) = one(
        r#"{"virtual_machines": [{"name": "v"}], "migrate_shared_disks": False,
           "xfs_compatibility": True, "enable_nested_virtualization": False}"#,
    );
    assert!(unmapped.is_empty(), "{unmapped:?}");
    for line in [
        "migrate_shared_disks false",
        "xfs_compatibility true",
        "enable_nested_virtualization false",
    ] {
        assert!(text.contains(line), "{line}: {text}");
    }
}
