//! OpenStack clones and snapshot images: `createImage` on the source server (waited until
//! the Glance image is `active`), then `POST /servers` booting from that image with the
//! source's flavor and networks (from `os-interface`); for a volume-backed server Nova
//! creates the clone's volumes from the image's volume snapshots. The image and those
//! volume snapshots are returned as [`SourceArtifact`]s for teardown.

use mtvt_vocab::PowerState;
use reqwest::Method;
use serde_json::{Value, json};

use super::{KIND, OpenstackClient, Service};
use crate::error::SourceError;
use crate::http;
use crate::model::{CloneRequest, ClonedVm, SnapshotFacts, SourceArtifact, VmRef};
use crate::poll::{Probe, wait_for};

/// `createImage` on `vm`, waited until the image is `active`; returns the image id.
pub(crate) async fn create_image(
    c: &OpenstackClient,
    vm: &VmRef,
    name: &str,
) -> Result<String, SourceError> {
    let rb = c
        .req(
            Service::Compute,
            Method::POST,
            &format!("servers/{}/action", vm.id),
        )?
        .json(&json!({"createImage": {"name": name, "metadata": {}}}));
    let reply = http::send(KIND, rb).await?;
    let body = reply.value()?;
    let id = body
        .get("image_id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| {
            reply
                .header("location")
                .and_then(|l| l.rsplit('/').next().map(str::to_string))
        })
        .filter(|s| !s.is_empty())
        .ok_or_else(|| reply.protocol_error("createImage returned no image id"))?;
    wait_for(
        KIND,
        &vm.name,
        &format!("image {id} active"),
        c.wait.op_timeout,
        c.wait.backoff,
        || async {
            let image = c.get(Service::Image, &format!("v2/images/{id}")).await?;
            match image.get("status").and_then(Value::as_str) {
                Some("active") => Ok(Probe::Ready(())),
                Some(s @ ("killed" | "deleted" | "deactivated")) => Err(SourceError::TaskFailed {
                    provider: KIND,
                    operation: "createImage",
                    vm: vm.name.clone(),
                    message: format!("image {id} is {s}"),
                }),
                other => Ok(Probe::Pending(format!(
                    "image status {}",
                    other.unwrap_or("unknown")
                ))),
            }
        },
    )
    .await?;
    Ok(id)
}

/// Volume snapshot ids named by an image's `block_device_mapping` property (a JSON list,
/// encoded as a string by Glance v2).
pub(crate) fn volume_snapshots_of(image: &Value) -> Vec<String> {
    let bdm = match image.get("block_device_mapping") {
        Some(Value::String(s)) => serde_json::from_str::<Value>(s).unwrap_or_default(),
        Some(v) => v.clone(),
        None => Value::Null,
    };
    bdm.as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m.get("snapshot_id").and_then(Value::as_str))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub(crate) async fn clone(
    c: &OpenstackClient,
    base: &VmRef,
    req: &CloneRequest,
) -> Result<ClonedVm, SourceError> {
    if req.target_datastore.is_some() {
        return Err(SourceError::unsupported(
            KIND,
            "clone_vm",
            "a target volume type for clones is not implemented (clones keep the source volumes' types)",
        ));
    }
    if req.disk_provisioning.is_some() {
        return Err(SourceError::unsupported(
            KIND,
            "clone_vm",
            "disk provisioning (thin/thick) is a vSphere concept; Cinder volume types decide it",
        ));
    }
    if req.enable_cbt {
        return Err(SourceError::unsupported(
            KIND,
            "clone_vm",
            "changed block tracking does not exist for OpenStack (Forklift has no warm migration from OpenStack)",
        ));
    }
    if !req.preserve_name_format && mtvt_vocab::names::dns1123_label(&req.new_name).is_err() {
        return Err(SourceError::InvalidRequest {
            provider: KIND,
            message: format!("clone name '{}' is not a DNS-1123 label", req.new_name),
        });
    }
    let server = c.server(&base.id).await?;
    let flavor = server
        .pointer("/flavor/id")
        .and_then(Value::as_str)
        .ok_or_else(|| SourceError::Protocol {
            provider: KIND,
            path: format!("/servers/{}", base.id),
            message: "the server body has no flavor id".into(),
        })?
        .to_string();
    let interfaces = c
        .get(
            Service::Compute,
            &format!("servers/{}/os-interface", base.id),
        )
        .await?;
    let networks: Vec<Value> = interfaces
        .get("interfaceAttachments")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|i| i.get("net_id").and_then(Value::as_str))
        .map(|n| json!({"uuid": n}))
        .collect();
    let image_name = format!("{}-clone-source", req.new_name);
    let image_id = create_image(c, base, &image_name).await?;
    let mut artifacts = vec![SourceArtifact::Image {
        id: image_id.clone(),
        name: image_name,
    }];
    let image = c
        .get(Service::Image, &format!("v2/images/{image_id}"))
        .await?;
    artifacts.extend(
        volume_snapshots_of(&image)
            .into_iter()
            .map(|id| SourceArtifact::VolumeSnapshot { id }),
    );
    let networks = if networks.is_empty() {
        json!("none")
    } else {
        Value::Array(networks)
    };
    let rb = c
        .req(Service::Compute, Method::POST, "servers")?
        .json(&json!({"server": {"name": req.new_name, "flavorRef": flavor, "imageRef": image_id, "networks": networks}}));
    let created = http::send(KIND, rb).await?.value()?;
    let id = created
        .pointer("/server/id")
        .and_then(Value::as_str)
        .ok_or_else(|| SourceError::Protocol {
            provider: KIND,
            path: "/servers".into(),
            message: "the boot answer has no server id".into(),
        })?;
    let vm = VmRef {
        id: id.to_string(),
        name: req.new_name.clone(),
        template: false,
    };
    c.wait_status(&vm, "ACTIVE").await?;
    if !req.power_on {
        c.set_power(&vm, PowerState::Off).await?;
    }
    Ok(ClonedVm { vm, artifacts })
}

/// Glance images whose `instance_uuid` is the server, oldest first.
pub(crate) async fn snapshot_images(
    c: &OpenstackClient,
    vm: &VmRef,
) -> Result<Vec<SnapshotFacts>, SourceError> {
    let rb = c
        .req(Service::Image, Method::GET, "v2/images")?
        .query(&[("instance_uuid", vm.id.as_str())]);
    let list = http::send(KIND, rb).await?.value()?;
    let mut images: Vec<&Value> = list
        .get("images")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|i| i.get("instance_uuid").and_then(Value::as_str) == Some(vm.id.as_str()))
        .collect();
    images.sort_by_key(|i| {
        i.get("created_at")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    });
    Ok(images
        .iter()
        .map(|i| {
            let s = |k: &str| {
                i.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            SnapshotFacts {
                name: s("name"),
                id: s("id"),
                description: s("description"),
                ..SnapshotFacts::default()
            }
        })
        .collect())
}

pub(crate) async fn delete_artifact(
    c: &OpenstackClient,
    artifact: &SourceArtifact,
) -> Result<(), SourceError> {
    let rb = match artifact {
        SourceArtifact::Image { id, .. } => {
            c.req(Service::Image, Method::DELETE, &format!("v2/images/{id}"))?
        }
        SourceArtifact::VolumeSnapshot { id } => {
            c.req(Service::Volume, Method::DELETE, &format!("snapshots/{id}"))?
        }
    };
    let reply = http::send_any(KIND, rb).await?;
    if reply.status.is_success() || reply.status.as_u16() == 404 {
        Ok(())
    } else {
        Err(reply.into_api_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bdm_snapshots() {
        let image = json!({"block_device_mapping": "[{\"snapshot_id\": \"s1\", \"boot_index\": 0}, {\"snapshot_id\": null}]"});
        assert_eq!(volume_snapshots_of(&image), vec!["s1".to_string()]);
        assert!(volume_snapshots_of(&json!({})).is_empty());
    }
}
