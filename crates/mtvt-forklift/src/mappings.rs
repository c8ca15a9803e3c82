//! StorageMap and NetworkMap sources derived from inventory, per provider type, exactly as
//! the pytest suite derives them (`libs/forklift_inventory.py`), deduplicated in first-seen
//! order (VMs in the given order, disks/NICs in inventory order):
//!
//! | type | storage source | network source |
//! | --- | --- | --- |
//! | vsphere | `disks[].datastore.id` → datastore `{"name"}` | `networks[].id` → network `{"name"}` |
//! | ovirt | `diskAttachments[].id` → `disks/<id>.storageDomain` → storage domain `{"name"}` | `nics[].profile` → `nicprofiles/<id>.network` → network `{"name": path}` |
//! | openstack | `attachedVolumes[].ID` → `volumes/<id>.volumeType` → `{"name"}` | `addresses` keys → network `{"id", "name"}` |
//! | ova | storages whose name contains the VM name → `{"id"}` | `networks[].ID` → network `{"name"}` |
//! | openshift | template volumes' DataVolume/PVC → PVC `storageClassName` → `{"name"}` | `multus.networkName` → `{"name"}`, pod → `{"type": "pod"}` |
//!
//! The map-entry builders at the end are pure: first network → pod, the others → Multus
//! NADs `<base>-1`, `<base>-2`, … in the Multus namespace.

use serde_json::{Value, json};

use mtvt_vocab::ProviderKind;

use crate::client::{ProviderInventory, text};
use crate::error::InventoryError;

fn push_unique(out: &mut Vec<Value>, v: Value) {
    if !out.contains(&v) {
        out.push(v);
    }
}

fn items<'a>(v: &'a Value, ptr: &str) -> impl Iterator<Item = &'a Value> {
    v.pointer(ptr)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn name_of(list: &[Value], id: &str, key: &str) -> Option<String> {
    list.iter()
        .find(|x| text(x, "id").as_deref() == Some(id))
        .and_then(|x| text(x, key))
}

fn missing(p: &ProviderInventory, what: String) -> InventoryError {
    InventoryError::Protocol {
        path: format!("providers/{}/{}", p.kind, p.uid),
        message: what,
    }
}

pub(crate) async fn storage_sources(
    p: &ProviderInventory,
    vms: &[Value],
) -> Result<Vec<Value>, InventoryError> {
    let mut out = Vec::new();
    match p.kind {
        ProviderKind::Vsphere => {
            let datastores = p.list("datastores", 0).await?;
            for vm in vms {
                for d in items(vm, "/disks") {
                    let id = d
                        .pointer("/datastore/id")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let name = name_of(&datastores, id, "name").ok_or_else(|| {
                        missing(p, format!("datastore {id} is not in the inventory"))
                    })?;
                    push_unique(&mut out, json!({ "name": name }));
                }
            }
        }
        ProviderKind::Ovirt => {
            let domains = p.list("storagedomains", 0).await?;
            for vm in vms {
                for a in items(vm, "/diskAttachments") {
                    let id = text(a, "id").unwrap_or_default();
                    let disk = p.get(&format!("disks/{id}"), &[]).await?;
                    let sd = text(&disk, "storageDomain").unwrap_or_default();
                    let name = name_of(&domains, &sd, "name").ok_or_else(|| {
                        missing(
                            p,
                            format!("storage domain {sd} of disk {id} is not in the inventory"),
                        )
                    })?;
                    push_unique(&mut out, json!({ "name": name }));
                }
            }
        }
        ProviderKind::Openstack => {
            for vm in vms {
                for v in items(vm, "/attachedVolumes") {
                    let id = text(v, "ID").unwrap_or_default();
                    let volume = p.get(&format!("volumes/{id}"), &[]).await?;
                    let ty = text(&volume, "volumeType")
                        .ok_or_else(|| missing(p, format!("volume {id} has no volumeType")))?;
                    push_unique(&mut out, json!({ "name": ty }));
                }
            }
        }
        // one storage, `storage-0` (the SMB share), named by each disk's datastore ref
        ProviderKind::Hyperv => {
            for vm in vms {
                for d in items(vm, "/disks") {
                    let id = d
                        .pointer("/datastore/id")
                        .and_then(Value::as_str)
                        .ok_or_else(|| missing(p, "a Hyper-V disk has no datastore".into()))?;
                    push_unique(&mut out, json!({ "id": id }));
                }
            }
        }
        ProviderKind::Ova => {
            let storages = p.list("storages", 0).await?;
            for vm in vms {
                let vm_name = text(vm, "name").unwrap_or_default();
                for s in &storages {
                    if text(s, "name").is_some_and(|n| n.contains(&vm_name))
                        && let Some(id) = text(s, "id")
                    {
                        push_unique(&mut out, json!({ "id": id }));
                    }
                }
            }
        }
        ProviderKind::Openshift => {
            for vm in vms {
                let ns = vm
                    .pointer("/object/metadata/namespace")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let pvcs = crate::client::as_list(
                    p.get(
                        "persistentvolumeclaims",
                        &[("namespace", ns), ("detail", "1")],
                    )
                    .await?,
                    "persistentvolumeclaims",
                )?;
                for v in items(vm, "/object/spec/template/spec/volumes") {
                    let Some(claim) = v
                        .pointer("/dataVolume/name")
                        .or_else(|| v.pointer("/persistentVolumeClaim/claimName"))
                        .and_then(Value::as_str)
                    else {
                        continue;
                    };
                    let class = pvcs
                        .iter()
                        .find(|c| text(c, "name").as_deref() == Some(claim) && text(c, "namespace").as_deref() == Some(ns))
                        .and_then(|c| c.pointer("/object/spec/storageClassName"))
                        .and_then(Value::as_str)
                        .ok_or_else(|| missing(p, format!("PVC {ns}/{claim} (or its storageClassName) is not in the inventory")))?;
                    push_unique(&mut out, json!({ "name": class }));
                }
            }
        }
    }
    Ok(out)
}

pub(crate) async fn network_sources(
    p: &ProviderInventory,
    vms: &[Value],
) -> Result<Vec<Value>, InventoryError> {
    let mut out = Vec::new();
    match p.kind {
        ProviderKind::Vsphere => {
            let networks = p.list("networks", 0).await?;
            for vm in vms {
                for n in items(vm, "/networks") {
                    let id = text(n, "id").unwrap_or_default();
                    let name = name_of(&networks, &id, "name").ok_or_else(|| {
                        missing(p, format!("network {id} is not in the inventory"))
                    })?;
                    push_unique(&mut out, json!({ "name": name }));
                }
            }
        }
        ProviderKind::Ovirt => {
            let profiles = p.list("nicprofiles", 0).await?;
            let networks = p.list("networks", 0).await?;
            for vm in vms {
                for nic in items(vm, "/nics") {
                    let profile = text(nic, "profile").unwrap_or_default();
                    if !profiles
                        .iter()
                        .any(|x| text(x, "id").as_deref() == Some(profile.as_str()))
                    {
                        return Err(missing(
                            p,
                            format!("NIC profile {profile} is not in the inventory"),
                        ));
                    }
                    let detail = p.get(&format!("nicprofiles/{profile}"), &[]).await?;
                    let net = text(&detail, "network").unwrap_or_default();
                    let path = name_of(&networks, &net, "path").ok_or_else(|| {
                        missing(
                            p,
                            format!(
                                "network {net} of NIC profile {profile} is not in the inventory"
                            ),
                        )
                    })?;
                    push_unique(&mut out, json!({ "name": path }));
                }
            }
        }
        ProviderKind::Openstack => {
            let networks = p.list("networks", 0).await?;
            for vm in vms {
                for (name, _) in vm
                    .get("addresses")
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                {
                    let id = networks
                        .iter()
                        .find(|n| text(n, "name").as_deref() == Some(name.as_str()))
                        .and_then(|n| text(n, "id"))
                        .ok_or_else(|| {
                            missing(p, format!("network '{name}' is not in the inventory"))
                        })?;
                    push_unique(&mut out, json!({ "id": id, "name": name }));
                }
            }
        }
        // virtual switches, by the NICs' network refs
        ProviderKind::Hyperv => {
            let networks = p.list("networks", 0).await?;
            for vm in vms {
                for n in items(vm, "/nics") {
                    let id = n
                        .pointer("/network/id")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let name = name_of(&networks, id, "name").ok_or_else(|| {
                        missing(p, format!("network {id} is not in the inventory"))
                    })?;
                    push_unique(&mut out, json!({ "id": id, "name": name }));
                }
            }
        }
        ProviderKind::Ova => {
            let networks = p.list("networks", 0).await?;
            for vm in vms {
                for n in items(vm, "/networks") {
                    let id = text(n, "ID").unwrap_or_default();
                    let name = name_of(&networks, &id, "name").ok_or_else(|| {
                        missing(p, format!("network {id} is not in the inventory"))
                    })?;
                    push_unique(&mut out, json!({ "name": name }));
                }
            }
        }
        ProviderKind::Openshift => {
            for vm in vms {
                for n in items(vm, "/object/spec/template/spec/networks") {
                    if n.get("pod").is_some() {
                        push_unique(&mut out, json!({ "type": "pod" }));
                    } else if let Some(name) =
                        n.pointer("/multus/networkName").and_then(Value::as_str)
                    {
                        push_unique(&mut out, json!({ "name": name }));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// OpenStack VMs are usable for maps only once their attached volumes and networks resolve:
/// `Some(state)` while they do not.
pub(crate) async fn openstack_sync_gap(
    p: &ProviderInventory,
    vm: &Value,
) -> Result<Option<String>, InventoryError> {
    let volumes: Vec<String> = items(vm, "/attachedVolumes")
        .filter_map(|v| text(v, "ID"))
        .collect();
    if volumes.is_empty() {
        return Ok(Some("VM listed, no attachedVolumes yet".into()));
    }
    for id in &volumes {
        match p.get(&format!("volumes/{id}"), &[]).await {
            Ok(_) => {}
            Err(e) if e.is_not_found() => {
                return Ok(Some(format!("volume {id} not in the inventory yet")));
            }
            Err(e) => return Err(e),
        }
    }
    let networks = p.list("networks", 0).await?;
    for (name, _) in vm
        .get("addresses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if !networks
            .iter()
            .any(|n| text(n, "name").as_deref() == Some(name.as_str()))
        {
            return Ok(Some(format!("network '{name}' not in the inventory yet")));
        }
    }
    Ok(None)
}

/// StorageMap `spec.map` entries: every source to `storage_class`.
pub fn storage_map_entries(sources: &[Value], storage_class: &str) -> Vec<Value> {
    sources
        .iter()
        .map(|s| json!({"source": s, "destination": {"storageClass": storage_class}}))
        .collect()
}

/// NetworkMap `spec.map` entries as the pytest suite builds them: the first source (or all
/// with `pod_only`) → `{type: pod}`, each further one → `{type: multus, name: <nad_base>-N,
/// namespace: multus_namespace}` with N = 1, 2, ….
pub fn network_map_entries(
    sources: &[Value],
    nad_base: &str,
    multus_namespace: &str,
    pod_only: bool,
) -> Vec<Value> {
    let mut counter = 0;
    sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let destination = if pod_only || i == 0 {
                json!({"type": "pod"})
            } else {
                counter += 1;
                json!({"type": "multus", "name": format!("{nad_base}-{counter}"), "namespace": multus_namespace})
            };
            json!({"source": s, "destination": destination})
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_entries_first_pod_then_nads() {
        let sources = vec![
            json!({"name": "VM Network"}),
            json!({"name": "Mgmt"}),
            json!({"name": "Backup"}),
        ];
        let e = network_map_entries(&sources, "cnv-bridge", "default", false);
        assert_eq!(e[0]["destination"], json!({"type": "pod"}));
        assert_eq!(
            e[1]["destination"],
            json!({"type": "multus", "name": "cnv-bridge-1", "namespace": "default"})
        );
        assert_eq!(e[2]["destination"]["name"], "cnv-bridge-2");
        assert_eq!(e[2]["source"], json!({"name": "Backup"}));
        let pod = network_map_entries(&sources, "x", "y", true);
        assert!(
            pod.iter()
                .all(|m| m["destination"] == json!({"type": "pod"}))
        );
        let s = storage_map_entries(&[json!({"name": "ds1"})], "ceph-rbd");
        assert_eq!(
            s,
            vec![json!({"source": {"name": "ds1"}, "destination": {"storageClass": "ceph-rbd"}})]
        );
    }

    #[test]
    fn dedup_keeps_first_seen_order() {
        let mut out = Vec::new();
        for v in [
            json!({"name": "b"}),
            json!({"name": "a"}),
            json!({"name": "b"}),
        ] {
            push_unique(&mut out, v);
        }
        assert_eq!(out, vec![json!({"name": "b"}), json!({"name": "a"})]);
    }
}
