//! Every object the controllers create validates against the shared schemas: the Forklift
//! CRDs are loaded into the API server (so every status write the controllers make is
//! validated by the server, and a wrong type fails the write) and the stored objects are
//! then checked strictly (unknown fields are errors); KubeVirt VirtualMachines, VMIs and
//! DataVolume specs against the KubeVirt OpenAPI document. Not run when
//! `<repo>/../shared/schemas` is absent (unless `MTVT_REQUIRE_SCHEMAS=1`).

use base64::Engine;
use futures::StreamExt;
use serde_json::{Value, json};

use crate::harness::*;
use mtvt_sim::emulator::EmulatorOptions;

/// Adds `additionalProperties: false` to every object schema that lists its properties and
/// does not preserve unknown fields, so a misspelled key fails validation.
fn strict(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let closed = m.contains_key("properties")
                && !m.contains_key("additionalProperties")
                && m.get("x-kubernetes-preserve-unknown-fields") != Some(&Value::Bool(true));
            if closed {
                m.insert("additionalProperties".into(), Value::Bool(false));
            }
            for (_, x) in m.iter_mut() {
                strict(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strict),
        _ => {}
    }
}

fn crd_validator(file: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(schemas("forklift").join(file)).unwrap();
    let crd: Value = serde_saphyr::from_str(&text).unwrap();
    let mut schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"].clone();
    strict(&mut schema);
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .unwrap()
}

fn kubevirt_validator(def: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(schemas("kubevirt").join("swagger.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let mut defs = doc["definitions"].clone();
    strict(&mut defs);
    let schema = json!({"$ref": format!("#/definitions/{def}"), "definitions": defs});
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&schema)
        .unwrap()
}

fn check(v: &jsonschema::Validator, what: &str, obj: &Value) {
    let errs: Vec<String> = v
        .iter_errors(obj)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errs.is_empty(),
        "{what} does not validate:\n{}\n{}",
        errs.join("\n"),
        serde_json::to_string_pretty(obj).unwrap()
    );
}

fn clean(mut o: Value) -> Value {
    // Fields the API server adds that the schemas do not describe.
    if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
    }
    o
}

#[tokio::test]
async fn created_objects_validate_against_the_shared_schemas() {
    if !have_schemas(&["forklift", "kubevirt", "multus"]) {
        return;
    }
    let env = Env::with(EmulatorOptions {
        crds_dirs: vec![schemas("forklift"), schemas("multus")],
        ..Default::default()
    })
    .await;
    let s = standard_plan(
        &env,
        "sch",
        "vsphere",
        &["mtv-rhel8-warm-2disks2nics"],
        json!({"targetPowerState": "on", "targetLabels": {"team": "qe"}}),
    )
    .await;
    let ok = base64::engine::general_purpose::STANDARD
        .encode("- hosts: localhost\n  tasks:\n  - debug: {msg: ok}\n");
    env.create(HOOK, &s.ns, json!({"metadata": {"name": "post"}, "spec": {"image": "quay.io/konveyor/hook-runner", "playbook": ok}})).await;
    ready(&env, HOOK, &s.ns, "post").await;
    env.patch(PLAN, &s.ns, &s.plan, json!({"spec": {"vms": [{"id": s.vm_ids[0], "hooks": [{"hook": {"name": "post", "namespace": "sch"}, "step": "PostHook"}]}]}})).await;
    ready(&env, PLAN, &s.ns, &s.plan).await;
    // Capture the DataVolumes while they exist (they are deleted after CreateVM).
    let dvs = {
        let api = env.api(DV, Some(&s.ns));
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut w = kube::runtime::watcher(api, Default::default()).boxed();
            while let Some(Ok(ev)) = w.next().await {
                if let kube::runtime::watcher::Event::Apply(o)
                | kube::runtime::watcher::Event::InitApply(o) = ev
                {
                    seen.push(serde_json::to_value(o).unwrap());
                    if seen.len() >= 2 {
                        return seen;
                    }
                }
            }
            seen
        })
    };
    migrate(&env, &s, "m", json!({})).await;
    let plan = finished(&env, &s, 30).await;
    assert!(
        has(&plan, "Succeeded"),
        "{}",
        serde_json::to_string_pretty(&plan["status"]).unwrap()
    );
    let plan_v = crd_validator("forklift.konveyor.io_plans.yaml");
    check(&plan_v, "Plan", &clean(plan.clone()));
    // The check is strict: a misspelled status key fails it.
    let mut bad = clean(plan.clone());
    bad["status"]["migration"]["vms"][0]["pipeline"][0]["progres"] = json!({});
    assert!(!plan_v.is_valid(&bad));
    check(
        &crd_validator("forklift.konveyor.io_migrations.yaml"),
        "Migration",
        &clean(env.get(MIGRATION, &s.ns, "m").await),
    );
    check(
        &crd_validator("forklift.konveyor.io_providers.yaml"),
        "Provider",
        &clean(env.get(PROVIDER, &s.ns, "src").await),
    );
    check(
        &crd_validator("forklift.konveyor.io_providers.yaml"),
        "Provider host",
        &clean(env.get(PROVIDER, MTV, "host").await),
    );
    check(
        &crd_validator("forklift.konveyor.io_networkmaps.yaml"),
        "NetworkMap",
        &clean(env.get(NETMAP, &s.ns, "net").await),
    );
    check(
        &crd_validator("forklift.konveyor.io_storagemaps.yaml"),
        "StorageMap",
        &clean(env.get(STORAGEMAP, &s.ns, "st").await),
    );
    check(
        &crd_validator("forklift.konveyor.io_hooks.yaml"),
        "Hook",
        &clean(env.get(HOOK, &s.ns, "post").await),
    );
    let vm = env
        .wait(VM, &s.ns, "mtv-rhel8-warm-2disks2nics", 10, |v| {
            v["status"]["printableStatus"] == "Running"
        })
        .await;
    check(
        &kubevirt_validator("v1.VirtualMachine"),
        "VirtualMachine",
        &clean(vm.clone()),
    );
    assert_eq!(
        vm["spec"]["template"]["spec"]["networks"][1]["multus"]["networkName"],
        "sch/nad-1"
    );
    assert_eq!(vm["spec"]["template"]["metadata"]["labels"]["team"], "qe");
    let vmi = env
        .wait(VMI, &s.ns, "mtv-rhel8-warm-2disks2nics", 10, |v| {
            has(v, "AgentConnected")
        })
        .await;
    check(
        &kubevirt_validator("v1.VirtualMachineInstance"),
        "VirtualMachineInstance",
        &clean(vmi),
    );
    let dvs = tokio::time::timeout(std::time::Duration::from_secs(5), dvs)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(dvs.len(), 2, "two disks, two DataVolumes");
    for dv in &dvs {
        check(
            &kubevirt_validator("v1beta1.DataVolumeSpec"),
            "DataVolume spec",
            &dv["spec"],
        );
        // `{{trunc 15 .TargetVmName}}` keeps the trailing dash of "mtv-rhel8-warm-".
        assert!(
            dv["metadata"]["name"]
                .as_str()
                .unwrap()
                .starts_with("plan-1-mtv-rhel8-warm--disk-"),
            "{}",
            dv["metadata"]["name"]
        );
        assert_eq!(dv["metadata"]["labels"]["vmID"], s.vm_ids[0].as_str());
    }
    env.emu.shutdown().await;
}
