//! The Forklift CustomResourceDefinitions as OLM leaves them on a cluster where the MTV
//! operator is installed: the 14 structural schemas of `mtvt-crds`, each annotated
//! `operatorframework.io/installed-alongside-<hash>: <namespace>/<csv>` for the operator's
//! ClusterServiceVersion. kubectl-mtv reads that annotation on
//! `providers.forklift.konveyor.io` to find MTV's namespace and version
//! (`pkg/util/client/operator.go` of kubectl-mtv); OLM writes it with its `alongside`
//! annotator, whose key suffix is the FNV-1a 64-bit hash of `<namespace>/<name>` in hex
//! (operator-lifecycle-manager `pkg/controller/operators/olm/.../alongside`).
//!
//! Data only: the emulator hands these to the API server at start; nothing here stores
//! objects.

use std::sync::OnceLock;

use serde_json::{Value, json};

/// The MTV version the emulated operator reports (its CSV is `mtv-operator.v<version>`).
pub const MTV_VERSION: &str = "2.10.0";

/// Key prefix of OLM's installed-alongside annotation.
pub const INSTALLED_ALONGSIDE_PREFIX: &str = "operatorframework.io/installed-alongside-";

/// The operator's ClusterServiceVersion name.
pub fn csv_name() -> String {
    format!("mtv-operator.v{MTV_VERSION}")
}

/// OLM's annotation key for the CSV `namespace/name`: the prefix and the FNV-1a 64-bit hash
/// of `namespace/name` in lower-case hex.
pub fn installed_alongside_key(namespace: &str, name: &str) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = namespace
        .bytes()
        .chain(std::iter::once(b'/'))
        .chain(name.bytes())
        .fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    format!("{INSTALLED_ALONGSIDE_PREFIX}{hash:x}")
}

/// The 14 Forklift CRDs, parsed once per process.
fn parsed() -> &'static [Value] {
    static CRDS: OnceLock<Vec<Value>> = OnceLock::new();
    CRDS.get_or_init(|| match mtvt_crds::forklift() {
        Ok(crds) => crds,
        Err(e) => {
            // Compiled-in data checked by mtvt-crds' tests: a defect, reported, not a panic.
            tracing::error!("the built-in Forklift CRDs do not parse: {e}");
            Vec::new()
        }
    })
}

/// The Forklift CRDs as installed by OLM for the operator in `mtv_namespace`.
pub fn forklift_crds(mtv_namespace: &str) -> Vec<Value> {
    let csv = csv_name();
    let key = installed_alongside_key(mtv_namespace, &csv);
    let value = json!(format!("{mtv_namespace}/{csv}"));
    parsed()
        .iter()
        .map(|crd| {
            let mut crd = crd.clone();
            if let Some(meta) = crd.get_mut("metadata").and_then(Value::as_object_mut) {
                let annotations = meta.entry("annotations").or_insert_with(|| json!({}));
                if let Some(a) = annotations.as_object_mut() {
                    a.insert(key.clone(), value.clone());
                }
            }
            crd
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_key_like_olm() {
        // Hashes computed independently (FNV-1a 64 of "openshift-mtv/mtv-operator.v2.10.0"
        // and of "namespace-0/name-0", the names of OLM's annotator test).
        assert_eq!(
            installed_alongside_key("openshift-mtv", "mtv-operator.v2.10.0"),
            "operatorframework.io/installed-alongside-5dd8c928849abfbb"
        );
        assert_eq!(
            installed_alongside_key("namespace-0", "name-0"),
            "operatorframework.io/installed-alongside-69efe9f983f66e80"
        );
    }

    #[test]
    fn every_crd_carries_the_annotation() {
        let crds = forklift_crds("openshift-mtv");
        assert_eq!(crds.len(), 14);
        let key = installed_alongside_key("openshift-mtv", &csv_name());
        for crd in &crds {
            assert_eq!(
                crd["metadata"]["annotations"][&key], "openshift-mtv/mtv-operator.v2.10.0",
                "{}",
                crd["metadata"]["name"]
            );
        }
        assert!(
            crds.iter()
                .any(|c| c["metadata"]["name"] == "providers.forklift.konveyor.io")
        );
    }
}
