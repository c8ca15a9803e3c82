use std::path::{Path, PathBuf};

use serde_json::json;

use super::*;
use crate::store::crds::{crd_target, kind_from_crd, read_dir};
use crate::store::kinds::ColumnSource;
use crate::store::schema::Schema;
use crate::store::{Kinds, NameRule};

/// `$MTVT_SCHEMAS/<dir>` or `<repo>/../shared/schemas/<dir>`; absent is "not run" unless
/// `MTVT_REQUIRE_SCHEMAS=1` (CI), where it fails.
fn shared(dir: &str) -> Option<PathBuf> {
    let root = std::env::var_os("MTVT_SCHEMAS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/schemas"));
    let p = root.join(dir);
    assert!(
        p.is_dir() || std::env::var("MTVT_REQUIRE_SCHEMAS").as_deref() != Ok("1"),
        "MTVT_REQUIRE_SCHEMAS=1 but {} is missing",
        p.display()
    );
    p.is_dir().then_some(p)
}

#[test]
fn table_has_every_kind_the_issue_lists() {
    let kinds = Kinds::new(cluster_kinds());
    for (g, v, p) in [
        ("", "v1", "namespaces"),
        ("", "v1", "nodes"),
        ("", "v1", "secrets"),
        ("", "v1", "configmaps"),
        ("", "v1", "pods"),
        ("", "v1", "persistentvolumeclaims"),
        ("", "v1", "services"),
        ("", "v1", "events"),
        ("storage.k8s.io", "v1", "storageclasses"),
        ("batch", "v1", "jobs"),
        ("route.openshift.io", "v1", "routes"),
        ("config.openshift.io", "v1", "clusterversions"),
        ("forklift.konveyor.io", "v1beta1", "providers"),
        ("forklift.konveyor.io", "v1beta1", "plans"),
        ("forklift.konveyor.io", "v1beta1", "migrations"),
        ("forklift.konveyor.io", "v1beta1", "storagemaps"),
        ("forklift.konveyor.io", "v1beta1", "networkmaps"),
        ("forklift.konveyor.io", "v1beta1", "hooks"),
        ("forklift.konveyor.io", "v1beta1", "hosts"),
        ("forklift.konveyor.io", "v1beta1", "forkliftcontrollers"),
        ("kubevirt.io", "v1", "virtualmachines"),
        ("kubevirt.io", "v1", "virtualmachineinstances"),
        ("cdi.kubevirt.io", "v1beta1", "datavolumes"),
        ("k8s.cni.cncf.io", "v1", "network-attachment-definitions"),
        ("operators.coreos.com", "v1alpha1", "clusterserviceversions"),
    ] {
        assert!(kinds.get(g, v, p).is_some(), "{g}/{v}/{p} missing");
    }
    let ns = kinds.find("", "namespaces").unwrap();
    assert!(!ns.namespaced);
    assert_eq!(ns.name_rule, NameRule::Label);
    let plan = kinds.by_kind("forklift.konveyor.io", "Plan").unwrap();
    assert!(
        plan.custom && plan.generation && plan.status_subresource && !plan.unconditional_update
    );
    let cm = kinds.find("", "configmaps").unwrap();
    assert!(!cm.custom && !cm.generation && cm.unconditional_update);
    assert!(!kinds.find("batch", "jobs").unwrap().custom);
}

#[test]
fn groups_are_listed_in_the_emulator_order() {
    let groups: Vec<String> = Kinds::new(cluster_kinds())
        .groups()
        .into_iter()
        .map(|(g, _)| g)
        .collect();
    assert_eq!(
        groups,
        [
            "",
            "apps",
            "authorization.k8s.io",
            "storage.k8s.io",
            "batch",
            "rbac.authorization.k8s.io",
            "route.openshift.io",
            "config.openshift.io",
            "forklift.konveyor.io",
            "kubevirt.io",
            "cdi.kubevirt.io",
            "k8s.cni.cncf.io",
            "operators.coreos.com",
            "apiextensions.k8s.io",
        ]
    );
}

#[test]
fn routes_are_native_with_a_host_printer() {
    let kinds = Kinds::new(cluster_kinds());
    let route = kinds.find("route.openshift.io", "routes").unwrap();
    assert!(!route.custom && !route.generation && route.unconditional_update);
    assert!(route.status_subresource);
    let ColumnSource::Printer(host) = &route.columns[0].source else {
        panic!("Host/Port is printed by code: {:?}", route.columns[0]);
    };
    assert_eq!(route.columns[0].name, "Host/Port");
    assert_eq!((host.cell)(&json!({"spec": {"host": "a.b"}})), json!("a.b"));
    assert_eq!((host.cell)(&json!({"spec": {}})), json!(""));
}

#[test]
fn forklift_crds_refine_builtin_rows() {
    let Some(dir) = shared("forklift") else {
        eprintln!("not run: ../shared/schemas/forklift not found");
        return;
    };
    let crds = read_dir(&dir).unwrap();
    let kinds = Kinds::new(cluster_kinds());
    let mut refined = Vec::new();
    for crd in &crds {
        let (g, p) = crd_target(crd).unwrap();
        // CRDs of kinds without a row (populators, provider servers, ...) add one.
        let base = kinds.find(&g, &p);
        let k = kind_from_crd(crd, base.as_deref()).unwrap();
        assert!(k.schema.is_some() && k.namespaced, "{p}");
        if base.is_some() {
            assert!(k.status_subresource, "{p}");
            refined.push(p);
        }
    }
    refined.sort();
    let mut rows: Vec<String> = mtv_kinds()
        .into_iter()
        .filter(|k| k.group == "forklift.konveyor.io")
        .map(|k| k.plural)
        .collect();
    rows.sort();
    assert_eq!(refined, rows, "every Forklift row has its CRD");
}

#[test]
fn multus_crd_has_no_status_subresource() {
    let Some(dir) = shared("multus") else {
        eprintln!("not run: ../shared/schemas/multus not found");
        return;
    };
    let crds = read_dir(&dir).unwrap();
    let k = kind_from_crd(&crds[0], None).unwrap();
    assert_eq!(k.plural, "network-attachment-definitions");
    assert_eq!(k.short_names, vec!["net-attach-def"]);
    assert!(!k.status_subresource);
}

#[test]
fn real_forklift_plan_crd_parses() {
    let Some(dir) = shared("forklift") else {
        eprintln!("not run: ../shared/schemas/forklift not found");
        return;
    };
    let path = dir.join("forklift.konveyor.io_plans.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let crd: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let schema = Schema::parse(&crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]).unwrap();
    assert_eq!(schema.ignored_rules(), 0);
}
