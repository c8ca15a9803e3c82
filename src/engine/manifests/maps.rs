//! StorageMap, NetworkMap and NetworkAttachmentDefinition manifests. Map entries come in
//! already built (from inventory answers or copy-offload datastores, see
//! `mtvt_forklift::mappings` and `mtvt_forklift::copy_offload`).

use serde_json::{Value, json};

use super::{Manifest, Owner, object, reference, set};
use crate::cluster::kinds;

/// The provider pair of a map.
#[derive(Debug, Clone, Copy)]
pub struct ProviderPair<'a> {
    /// Source Provider name.
    pub source: &'a str,
    /// Destination Provider name.
    pub destination: &'a str,
    /// Their namespace.
    pub namespace: &'a str,
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
            "provider": {
                "source": reference(pair.source, pair.namespace),
                "destination": reference(pair.destination, pair.namespace),
            },
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

/// A bridge NetworkAttachmentDefinition for an extra NIC (as the pytest suite creates them).
pub fn nad(name: &str, namespace: &str, owner: &Owner) -> Manifest {
    let mut o = object(kinds::NAD, name, Some(namespace), owner);
    let config = json!({
        "cniVersion": "0.3.1",
        "name": name,
        "type": "cnv-bridge",
        "bridge": "br1",
        "macspoofchk": true,
    });
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
            destination: "dst",
            namespace: "sess",
        };
        let s = storage_map(
            "m",
            "ns",
            &owner,
            pair,
            vec![json!({"source": {"name": "ds"}})],
        );
        assert_eq!(s.body["spec"]["provider"]["destination"]["name"], "dst");
        assert_eq!(s.body["spec"]["map"][0]["source"]["name"], "ds");
        let n = nad("n-1", "default", &owner);
        let cfg: Value = serde_json::from_str(n.body["spec"]["config"].as_str().unwrap()).unwrap();
        assert_eq!(cfg["name"], "n-1");
    }
}
