//! OpenShift inventory payloads (`pkg/controller/provider/web/ocp`): Kubernetes objects read
//! live through the injected [`ClusterView`], wrapped as `{uid, version, namespace, name,
//! selfLink, id, object}`; VMs also carry their VMI as `instance` when one exists.

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
    let (group, version, plural, namespaced) = resource_of(coll)?;
    let ns = if namespaced {
        namespace.filter(|n| !n.is_empty())
    } else {
        None
    };
    let objects = view.list(provider, group, version, plural, ns).await;
    let instances = if coll == "vms" {
        view.list(provider, "kubevirt.io", "v1", "virtualmachineinstances", ns)
            .await
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
