//! oVirt snapshots and disk attachments: snapshot creation waited until `ok`, and image
//! disks on a storage domain (sparse/cow for thin, raw for thick) waited until the engine
//! reports the disk `ok` when it follows the disk. vSphere-only disk options are refused.

use mtvt_vocab::{DiskMode, Provisioning};
use reqwest::Method;
use serde_json::{Value, json};

use super::{KIND, OvirtClient, looks_like_uuid};
use crate::error::SourceError;
use crate::http;
use crate::model::{AddDisk, DiskFacts, SnapshotFacts, VmRef};
use crate::poll::{Probe, wait_for};

/// Creates a snapshot (its description is its name) and waits until it is `ok`.
pub(crate) async fn create_snapshot(
    c: &OvirtClient,
    vm: &VmRef,
    name: &str,
) -> Result<SnapshotFacts, SourceError> {
    let created = c
        .post(
            &format!("vms/{}/snapshots", vm.id),
            &json!({"description": name, "persist_memorystate": false}),
        )
        .await?;
    let id = created
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    wait_for(
        KIND,
        &vm.name,
        &format!("snapshot '{name}' status ok"),
        c.wait.op_timeout,
        c.wait.backoff,
        || async {
            let list = c.get(&format!("vms/{}/snapshots", vm.id)).await?;
            let status = list
                .get("snapshot")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|s| s.get("id").and_then(Value::as_str) == Some(&id))
                .and_then(|s| s.get("snapshot_status").and_then(Value::as_str))
                .unwrap_or("missing")
                .to_string();
            Ok(if status == "ok" {
                Probe::Ready(())
            } else {
                Probe::Pending(format!("snapshot status {status}"))
            })
        },
    )
    .await?;
    Ok(SnapshotFacts {
        name: name.to_string(),
        id,
        description: name.to_string(),
        ..SnapshotFacts::default()
    })
}

/// Adds an image disk on a storage domain (`POST /vms/{id}/diskattachments`).
pub(crate) async fn add_disk(
    c: &OvirtClient,
    vm: &VmRef,
    disk: &AddDisk,
) -> Result<DiskFacts, SourceError> {
    if disk.mode != DiskMode::Persistent {
        return Err(SourceError::unsupported(
            KIND,
            "add_disk",
            format!(
                "disk mode {} is a vSphere concept; oVirt disks are always persistent",
                disk.mode.as_str()
            ),
        ));
    }
    if disk.folder.is_some() {
        return Err(SourceError::unsupported(
            KIND,
            "add_disk",
            "oVirt storage domains have no user folders",
        ));
    }
    if disk.rdm_lun_uuid.is_some() {
        return Err(SourceError::unsupported(
            KIND,
            "add_disk",
            "raw device mapping is a vSphere concept (oVirt direct LUNs are not implemented)",
        ));
    }
    let Some(domain) = &disk.datastore else {
        return Err(SourceError::InvalidRequest {
            provider: KIND,
            message: "oVirt disks need a storage domain: set the disk's datastore to a storage domain name or id".into(),
        });
    };
    let domain_ref = if looks_like_uuid(domain) {
        json!({"id": domain})
    } else {
        json!({"name": domain})
    };
    let sparse = disk.provisioning.unwrap_or(Provisioning::Thin) == Provisioning::Thin;
    let body = json!({"bootable": false, "interface": "virtio_scsi", "active": true,
        "disk": {"format": if sparse { "cow" } else { "raw" }, "provisioned_size": disk.size_bytes,
                 "sparse": sparse, "storage_domains": {"storage_domain": [domain_ref]}}});
    let created = c
        .post(&format!("vms/{}/diskattachments", vm.id), &body)
        .await?;
    let disk_id = created
        .pointer("/disk/id")
        .or_else(|| created.get("id"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    // Real engines create the image asynchronously (status `locked`): wait for `ok`
    // when the followed disk carries a status.
    wait_for(
        KIND,
        &vm.name,
        &format!("disk {disk_id} status ok"),
        c.wait.op_timeout,
        c.wait.backoff,
        || async {
            let rb = c
                .req(Method::GET, &format!("vms/{}/diskattachments", vm.id))?
                .query(&[("follow", "disk")]);
            let list = http::send(KIND, rb).await?.value()?;
            let att = list
                .get("disk_attachment")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|a| a.pointer("/disk/id").and_then(Value::as_str) == Some(&disk_id));
            Ok(
                match att.and_then(|a| a.pointer("/disk/status").and_then(Value::as_str)) {
                    _ if att.is_none() => Probe::Pending("attachment not listed yet".into()),
                    None | Some("ok") => Probe::Ready(()),
                    Some(s) => Probe::Pending(format!("disk status {s}")),
                },
            )
        },
    )
    .await?;
    Ok(DiskFacts {
        key: disk_id,
        file: None,
        datastore_id: looks_like_uuid(domain).then(|| domain.clone()),
        datastore_name: (!looks_like_uuid(domain)).then(|| domain.clone()),
        capacity_bytes: Some(disk.size_bytes),
        provisioning: Some(if sparse {
            Provisioning::Thin
        } else {
            Provisioning::ThickLazy
        }),
        mode: None,
        shared: false,
        ..DiskFacts::default()
    })
}
