//! StorageMap, NetworkMap and NetworkAttachmentDefinition manifests. Map entries come in
//! already built (from inventory answers or copy-offload datastores, see
//! `mtvt_forklift::mappings` and `mtvt_forklift::copy_offload`).

use serde_json::{Value, json};

use super::super::names::bridge_name;
use super::{Manifest, Owner, object, reference, set};
use crate::cluster::kinds;

/// The provider pair of a map or a plan. The two may live in different namespaces: the
/// local destination sits next to the plans (see `plan::scenario`), the source providers
/// are shared by the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderPair<'a> {
    /// Source Provider name.
    pub source: &'a str,
    /// Its namespace.
    pub source_namespace: &'a str,
    /// Destination Provider name.
    pub destination: &'a str,
    /// Its namespace.
    pub destination_namespace: &'a str,
}

impl ProviderPair<'_> {
    /// `spec.provider` of a map or a plan.
    pub fn spec(&self) -> Value {
        json!({
            "source": reference(self.source, self.source_namespace),
            "destination": reference(self.destination, self.destination_namespace),
        })
    }
}

fn map(
    kind: kinds::Kind,
    name: &str,
    namespace: &str,
    owner: &Owner,
    pair: ProviderPair<'_>,
    entries: Vec<Value>,
) -> Manifest {
    let mut o = object(kind, name, Some(namespace), owner);
    set(
        &mut o.body,
        "spec",
        json!({
            "provider": pair.spec(),
            "map": entries,
        }),
    );
    o
}

/// A StorageMap.
pub fn storage_map(
    name: &str,
    namespace: &str,
    owner: &Owner,
    pair: ProviderPair<'_>,
    entries: Vec<Value>,
) -> Manifest {
    map(kinds::STORAGE_MAP, name, namespace, owner, pair, entries)
}

/// A NetworkMap.
pub fn network_map(
    name: &str,
    namespace: &str,
    owner: &Owner,
    pair: ProviderPair<'_>,
    entries: Vec<Value>,
) -> Manifest {
    map(kinds::NETWORK_MAP, name, namespace, owner, pair, entries)
}

/// A bridge NetworkAttachmentDefinition for extra NIC number `index` (1-based), as the
/// pytest suite creates them (M `conftest.py:506-579, 851-853`): the first on the node's
/// `cnv-bridge` bridge, each further one a plain `bridge` on its own Linux bridge, so the
/// extra NICs are not all on one L2 segment. Bridge names are at most 15 characters (the
/// kernel's interface-name limit), hence a short hash of the NAD's name.
pub fn nad(name: &str, namespace: &str, owner: &Owner, index: usize) -> Manifest {
    let mut o = object(kinds::NAD, name, Some(namespace), owner);
    let config = if index <= 1 {
        json!({"cniVersion": "0.3.1", "name": name, "type": "cnv-bridge", "bridge": "cnv-bridge"})
    } else {
        json!({"cniVersion": "0.3.1", "name": name, "type": "bridge", "bridge": bridge_name(name)})
    };
    set(&mut o.body, "spec", json!({"config": config.to_string()}));
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let owner = Owner {
            session: "s".into(),
            scenario: Some("x".into()),
        };
        let pair = ProviderPair {
            source: "src",
            source_namespace: "sess",
            destination: "dst",
            destination_namespace: "ns",
        };
        let s = storage_map(
            "m",
            "ns",
            &owner,
            pair,
            vec![json!({"source": {"name": "ds"}})],
        );
        assert_eq!(
            s.body["spec"]["provider"]["destination"],
            json!({"name": "dst", "namespace": "ns"})
        );
        assert_eq!(s.body["spec"]["provider"]["source"]["namespace"], "sess");
        assert_eq!(s.body["spec"]["map"][0]["source"]["name"], "ds");
        let config = |n: &Manifest| -> Value {
            serde_json::from_str(n.body["spec"]["config"].as_str().unwrap()).unwrap()
        };
        let first = config(&nad("n-1", "default", &owner, 1));
        assert_eq!(first["name"], "n-1");
        assert_eq!(
            (&first["type"], &first["bridge"]),
            (&json!("cnv-bridge"), &json!("cnv-bridge"))
        );
        let long = "auto-ab12-copyoffload-independent-nonpersistent-disk-migration";
        let (second, third) = (
            config(&nad(&format!("{long}-2"), "ns", &owner, 2)),
            config(&nad(&format!("{long}-3"), "ns", &owner, 3)),
        );
        assert_eq!(second["type"], "bridge");
        let b2 = second["bridge"].as_str().unwrap();
        assert!(b2.len() <= 15, "{b2}");
        assert_ne!(second["bridge"], third["bridge"]);
    }
}
