//! OpenShift inventory payloads (`pkg/controller/provider/web/ocp`): Kubernetes objects read
//! live through the injected [`ClusterView`], wrapped as `{uid, version, namespace, name,
//! selfLink, id, object}`; VMs also carry their VMI as `instance` when one exists. Which
//! namespaces a collection lists follows upstream's restricted-host rules ([`listing`]).

use serde_json::{Value, json};

use super::content::Item;
use super::resolver::{ClusterView, ProviderRef};

const RESOURCE: &[&str] = &[
    "uid",
    "version",
    "namespace",
    "name",
    "selfLink",
    "path",
    "id",
];
const LEVELS: &[&[&str]] = &[RESOURCE];

/// `(group, version, plural, namespaced)` behind an inventory collection.
pub fn resource_of(coll: &str) -> Option<(&'static str, &'static str, &'static str, bool)> {
    Some(match coll {
        "vms" => ("kubevirt.io", "v1", "virtualmachines", true),
        "storageclasses" => ("storage.k8s.io", "v1", "storageclasses", false),
        "networkattachmentdefinitions" => (
            "k8s.cni.cncf.io",
            "v1",
            "network-attachment-definitions",
            true,
        ),
        "namespaces" => ("", "v1", "namespaces", false),
        "persistentvolumeclaims" => ("", "v1", "persistentvolumeclaims", true),
        "datavolumes" => ("cdi.kubevirt.io", "v1beta1", "datavolumes", true),
        _ => return None,
    })
}

/// The namespaces an OpenShift provider's collection lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Listing {
    /// Every namespace (or a cluster-scoped resource, unfiltered).
    All,
    /// Only these namespaces (none at all when empty); for `namespaces`, only these names.
    In(Vec<String>),
}

/// What collection `coll` of a provider lists for a request asking for namespace `asked`.
/// `restricted_to` is the namespace of a restricted host (`Provider.IsRestrictedHost`: type
/// `openshift`, empty URL, outside the MTV namespace; pkg/apis/forklift/v1beta1/provider.go
/// :189-198). Such a provider lists VMs (and their VMIs), PVCs and DataVolumes of its own
/// namespace whatever is asked, NADs of its namespace and `default` (an asked namespace
/// outside both answers nothing), and only its own namespace; storage classes are listed for
/// everybody (pkg/controller/provider/web/ocp/base.go:182-193, 235-262, 294-323, 411-455).
pub fn listing(coll: &str, restricted_to: Option<&str>, asked: Option<&str>) -> Listing {
    let asked = asked.filter(|n| !n.is_empty());
    let own = |ns: &str| Listing::In(vec![ns.to_string()]);
    match (coll, restricted_to) {
        ("storageclasses", _) => Listing::All,
        ("namespaces", Some(ns)) => own(ns),
        ("namespaces", None) => Listing::All,
        ("networkattachmentdefinitions", Some(ns)) => match asked {
            Some(a) if a == ns || a == "default" => own(a),
            Some(_) => Listing::In(Vec::new()),
            None => Listing::In(vec![ns.to_string(), "default".to_string()]),
        },
        (_, Some(ns)) => own(ns),
        (_, None) => asked.map_or(Listing::All, own),
    }
}

/// The objects of `group/version/plural` a listing covers.
async fn list_in(
    view: &dyn ClusterView,
    provider: &ProviderRef,
    (group, version, plural, namespaced): (&str, &str, &str, bool),
    listing: &Listing,
) -> Vec<Value> {
    match listing {
        Listing::All => view.list(provider, group, version, plural, None).await,
        Listing::In(namespaces) if namespaced => {
            let mut out = Vec::new();
            for ns in namespaces {
                out.extend(view.list(provider, group, version, plural, Some(ns)).await);
            }
            out
        }
        Listing::In(names) => view
            .list(provider, group, version, plural, None)
            .await
            .into_iter()
            .filter(|o| names.iter().any(|n| n == meta(o, "name")))
            .collect(),
    }
}

fn meta<'a>(o: &'a Value, key: &str) -> &'a str {
    o.get("metadata")
        .and_then(|m| m.get(key))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The objects of an OpenShift collection, or `None` if the collection does not exist.
pub async fn collection(
    view: &dyn ClusterView,
    provider: &ProviderRef,
    coll: &str,
    base: &str,
    namespace: Option<&str>,
) -> Option<Vec<Item>> {
    let resource = resource_of(coll)?;
    let restricted = provider.restricted.then_some(provider.namespace.as_str());
    let scope = listing(coll, restricted, namespace);
    let objects = list_in(view, provider, resource, &scope).await;
    let instances = if coll == "vms" {
        let vmis = ("kubevirt.io", "v1", "virtualmachineinstances", true);
        list_in(view, provider, vmis, &scope).await
    } else {
        Vec::new()
    };
    Some(
        objects
            .into_iter()
            .map(|o| {
                let uid = meta(&o, "uid").to_string();
                let name = meta(&o, "name").to_string();
                let namespace = meta(&o, "namespace").to_string();
                let mut full = json!({
                    "uid": uid, "version": meta(&o, "resourceVersion"), "namespace": namespace, "name": name,
                    "selfLink": format!("{base}/{coll}/{uid}"), "id": uid,
                });
                let instance = instances.iter().find(|i| meta(i, "name") == name && meta(i, "namespace") == namespace).cloned();
                if let Some(m) = full.as_object_mut() {
                    m.insert("object".into(), o);
                    if let Some(vmi) = instance {
                        m.insert("instance".into(), vmi);
                    }
                }
                Item { id: uid, name, path: String::new(), full, levels: LEVELS }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn within(ns: &[&str]) -> Listing {
        Listing::In(ns.iter().map(|n| n.to_string()).collect())
    }

    #[test]
    fn restricted_hosts_list_their_namespace_and_default_nads() {
        let r = Some("team");
        assert_eq!(listing("vms", r, None), within(&["team"]));
        assert_eq!(listing("vms", r, Some("other")), within(&["team"]));
        assert_eq!(
            listing("networkattachmentdefinitions", r, None),
            within(&["team", "default"])
        );
        assert_eq!(
            listing("networkattachmentdefinitions", r, Some("default")),
            within(&["default"])
        );
        assert_eq!(
            listing("networkattachmentdefinitions", r, Some("other")),
            within(&[])
        );
        assert_eq!(listing("namespaces", r, None), within(&["team"]));
        assert_eq!(listing("storageclasses", r, None), Listing::All);
    }

    #[test]
    fn unrestricted_hosts_list_what_is_asked() {
        assert_eq!(listing("vms", None, None), Listing::All);
        assert_eq!(listing("vms", None, Some("x")), within(&["x"]));
        assert_eq!(
            listing("networkattachmentdefinitions", None, Some("x")),
            within(&["x"])
        );
        assert_eq!(listing("namespaces", None, Some("x")), Listing::All);
    }
}
