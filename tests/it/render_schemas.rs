//! Every manifest `mtvt render` prints for the whole catalog, with every provider profile,
//! validates: Forklift kinds against the `openAPIV3Schema` of their CRD and the
//! NetworkAttachmentDefinition against the Multus CRD from `../shared/schemas`; core kinds
//! deserialize into their k8s-openapi types. When the schemas are absent the test says
//! "not run" — and fails if `MTVT_REQUIRE_SCHEMAS=1` (CI).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::Value;

use crate::harness::{Mtvt, repo};

/// `$MTVT_SCHEMAS` (what `.ci/run` exports), else `<repo>/../shared/schemas`.
fn schemas_dir() -> PathBuf {
    std::env::var_os("MTVT_SCHEMAS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/schemas"))
}

/// `kind` → openAPIV3Schema of the served version.
fn crd_schemas() -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for dir in ["forklift", "multus"] {
        for entry in std::fs::read_dir(schemas_dir().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
                continue;
            }
            let crd: Value =
                serde_saphyr::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let kind = crd["spec"]["names"]["kind"].as_str().unwrap().to_string();
            let version = crd["spec"]["versions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["served"].as_bool() == Some(true))
                .unwrap();
            out.insert(kind, version["schema"]["openAPIV3Schema"].clone());
        }
    }
    out
}

fn render(profile: &str) -> Vec<Value> {
    let out = Mtvt::new()
        .args([
            "render",
            "scenarios",
            "--providers-file",
            "providers.example.json",
            "--provider",
            profile,
        ])
        .args([
            "--storage-class",
            "ocs-storagecluster-ceph-rbd",
            "--allow-ovirt-warm",
        ])
        .output();
    assert!(
        out.status.success(),
        "render --provider {profile}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    text.split("\n---\n")
        .map(|doc| {
            doc.lines()
                .filter(|l| !l.starts_with('#') && *l != "---")
                .collect::<Vec<_>>()
                .join("\n")
        })
        .filter(|doc| !doc.trim().is_empty())
        .map(|doc| {
            serde_saphyr::from_str::<Value>(&doc)
                .unwrap_or_else(|e| panic!("not YAML ({e}):\n{doc}"))
        })
        .collect()
}

#[test]
fn rendered_manifests_validate_against_the_crds() {
    if !schemas_dir().join("forklift").is_dir() {
        assert!(
            std::env::var("MTVT_REQUIRE_SCHEMAS").as_deref() != Ok("1"),
            "MTVT_REQUIRE_SCHEMAS=1 but {} is missing",
            schemas_dir().display()
        );
        eprintln!("not run: {} is absent", schemas_dir().display());
        return;
    }
    let schemas = crd_schemas();
    let validators: BTreeMap<String, jsonschema::Validator> = schemas
        .iter()
        .map(|(k, s)| {
            (
                k.clone(),
                jsonschema::options()
                    .with_draft(jsonschema::Draft::Draft4)
                    .build(s)
                    .unwrap(),
            )
        })
        .collect();
    let mut checked: BTreeMap<String, usize> = BTreeMap::new();
    for profile in [
        "vsphere",
        "vsphere-copy-offload",
        "ovirt",
        "openstack",
        "openshift",
        "ova",
    ] {
        for m in render(profile) {
            let kind = m["kind"].as_str().unwrap().to_string();
            let name = m["metadata"]["name"].as_str().unwrap_or("?").to_string();
            match kind.as_str() {
                "Namespace" => {
                    serde_json::from_value::<k8s_openapi::api::core::v1::Namespace>(m.clone())
                        .unwrap();
                }
                "Secret" => {
                    serde_json::from_value::<k8s_openapi::api::core::v1::Secret>(m.clone())
                        .unwrap();
                }
                _ => {
                    let v = validators
                        .get(&kind)
                        .unwrap_or_else(|| panic!("no schema for {kind}"));
                    let errors: Vec<String> = v
                        .iter_errors(&m)
                        .map(|e| format!("{} at {}", e, e.instance_path()))
                        .collect();
                    assert!(
                        errors.is_empty(),
                        "{profile}: {kind} {name} is invalid:\n{}",
                        errors.join("\n")
                    );
                }
            }
            *checked.entry(kind).or_default() += 1;
        }
    }
    for kind in [
        "Provider",
        "Plan",
        "Migration",
        "StorageMap",
        "NetworkMap",
        "Hook",
        "Secret",
        "Namespace",
    ] {
        assert!(
            checked.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} was rendered: {checked:?}"
        );
    }
    eprintln!("validated: {checked:?}");
}

#[test]
fn the_validation_catches_invalid_manifests() {
    if !schemas_dir().join("forklift").is_dir() {
        eprintln!("not run: {} is absent", schemas_dir().display());
        return;
    }
    let schemas = crd_schemas();
    let plan_validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schemas["Plan"])
        .unwrap();
    let mut plan = render("vsphere")
        .into_iter()
        .find(|m| m["kind"] == "Plan")
        .unwrap();
    assert!(plan_validator.is_valid(&plan));
    plan["spec"]["targetPowerState"] = Value::String("sideways".into());
    assert!(
        !plan_validator.is_valid(&plan),
        "an enum violation must be reported"
    );
    plan["spec"]["targetPowerState"] = Value::String("on".into());
    plan["spec"]
        .as_object_mut()
        .unwrap()
        .remove("targetNamespace");
    assert!(
        !plan_validator.is_valid(&plan),
        "a missing required field must be reported"
    );
}
