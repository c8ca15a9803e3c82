//! MTV as OLM installs it: the 14 Forklift CRDs exist from the start (listed by
//! `kubectl get crd`, annotated with OLM's installed-alongside annotation that kubectl-mtv
//! reads to find MTV's namespace and version) and every Forklift write is validated against
//! them, as a real API server does; `--crds` directories still replace them.

use serde_json::json;

use crate::harness::kubectl::{Kubectl, kubectl};
use crate::harness::*;
use mtvt_sim::emulator::EmulatorOptions;

const CRD: Kind = Kind {
    group: "apiextensions.k8s.io",
    version: "v1",
    kind: "CustomResourceDefinition",
    plural: "customresourcedefinitions",
};

/// kubectl-mtv `GetMTVOperatorInfo` (pkg/util/client/operator.go, vendored in
/// cmd/kubectl-mtv) reads `providers.forklift.konveyor.io`'s annotation
/// `operatorframework.io/installed-alongside-*` = `<namespace>/<csv>`; without the CRD it
/// reports MTV as not installed.
#[tokio::test]
async fn forklift_crds_are_installed_with_the_olm_annotation() {
    let Some(bin) = kubectl() else { return };
    let env = Env::start().await;
    let kc = Kubectl::new(bin, |path| env.emu.write_kubeconfig(path));
    let names = tokio::task::spawn_blocking(move || kc.ok(&["get", "crd", "-o", "name"], None))
        .await
        .unwrap();
    let forklift: Vec<&str> = names
        .lines()
        .filter(|l| l.ends_with(".forklift.konveyor.io"))
        .collect();
    assert_eq!(forklift.len(), 14, "{names}");
    for plural in ["providers", "plans", "forkliftcontrollers", "conversions"] {
        assert!(
            forklift.contains(
                &format!(
                    "customresourcedefinition.apiextensions.k8s.io/{plural}.forklift.konveyor.io"
                )
                .as_str()
            ),
            "{names}"
        );
    }
    let crd = env.get(CRD, "", "providers.forklift.konveyor.io").await;
    let annotations = crd["metadata"]["annotations"].as_object().unwrap();
    let (key, value) = annotations
        .iter()
        .find(|(k, _)| k.starts_with("operatorframework.io/installed-alongside-"))
        .unwrap_or_else(|| panic!("no OLM annotation: {annotations:?}"));
    assert_eq!(value, "openshift-mtv/mtv-operator.v2.10.0");
    assert_eq!(
        key.len(),
        "operatorframework.io/installed-alongside-".len() + 16
    );
    assert!(has(&crd, "Established"), "{crd}");
    env.emu.shutdown().await;
}

/// A real API server validates custom resources against the CRD schema: the
/// ForkliftController's `controller_precopy_interval` is `type: integer, minimum: 1`
/// (operator/config/crd/bases/forklift.konveyor.io_forkliftcontrollers.yaml:244-249) and a
/// Plan needs `spec.provider` and `spec.map` (forklift.konveyor.io_plans.yaml, `required`).
#[tokio::test]
async fn forklift_writes_are_validated_by_default() {
    let env = Env::start().await;
    let api = env.api(FORKLIFT_CONTROLLER, Some(MTV));
    let patch = |v| kube::api::Patch::Merge(json!({"spec": {"controller_precopy_interval": v}}));
    let e = api
        .patch(
            "forklift-controller",
            &Default::default(),
            &patch(json!("2")),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, kube::Error::Api(s) if s.code == 422 && s.message.contains("controller_precopy_interval")),
        "{e}"
    );
    let e = api
        .patch("forklift-controller", &Default::default(), &patch(json!(0)))
        .await
        .unwrap_err();
    assert!(matches!(&e, kube::Error::Api(s) if s.code == 422), "{e}");
    api.patch("forklift-controller", &Default::default(), &patch(json!(5)))
        .await
        .unwrap();
    env.create(NAMESPACE, "", json!({"metadata": {"name": "v"}}))
        .await;
    let e = env
        .try_create(
            PLAN,
            "v",
            json!({"metadata": {"name": "p"}, "spec": {"targetNamespace": "v", "vms": []}}),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, kube::Error::Api(s) if s.code == 422 && s.message.contains("spec.provider")),
        "{e}"
    );
    env.emu.shutdown().await;
}

/// `--crds DIR` replaces the built-in CRD of the same name (here the upstream YAML of the
/// shared schemas) and keeps OLM's annotation.
#[tokio::test]
async fn crds_dirs_replace_the_built_in_crds() {
    if !have_schemas(&["forklift"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(schemas("forklift").join("forklift.konveyor.io_hooks.yaml"))
        .unwrap();
    let mut crd: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    crd["spec"]["names"]["shortNames"] = json!(["hk"]);
    std::fs::write(dir.path().join("hooks.json"), crd.to_string()).unwrap();
    let env = Env::with(EmulatorOptions {
        crds_dirs: vec![dir.path().to_path_buf()],
        ..Default::default()
    })
    .await;
    let got = env.get(CRD, "", "hooks.forklift.konveyor.io").await;
    assert_eq!(got["spec"]["names"]["shortNames"], json!(["hk"]));
    assert!(
        got["metadata"]["annotations"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.starts_with("operatorframework.io/installed-alongside-")),
        "{got}"
    );
    let crds = env.list(CRD, "").await;
    assert_eq!(
        crds.iter()
            .filter(|c| c["spec"]["group"] == "forklift.konveyor.io")
            .count(),
        14
    );
    env.emu.shutdown().await;
}
