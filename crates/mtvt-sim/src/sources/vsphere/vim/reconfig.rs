//! `ReconfigVM_Task`: CBT on/off and added disks (flat VMDKs with a chosen datastore, folder,
//! provisioning and mode, or raw device mappings of a LUN).

use serde_json::Value;

use super::super::VsphereApi;
use crate::lab::{AddDiskSpec, DiskMode, LabOpError, Provisioning, RdmSpec, Vm};

/// `thinProvisioned` / `eagerlyScrub` → provisioning.
pub(super) fn provisioning_of(backing: &Value) -> Option<Provisioning> {
    let thin = backing.get("thinProvisioned").and_then(Value::as_bool);
    let eager = backing.get("eagerlyScrub").and_then(Value::as_bool);
    match (thin, eager) {
        (Some(true), _) => Some(Provisioning::Thin),
        (Some(false), Some(true)) | (None, Some(true)) => Some(Provisioning::ThickEager),
        (Some(false), _) => Some(Provisioning::ThickLazy),
        (None, _) => None,
    }
}

/// `[ds] folder/name.vmdk` → (datastore name, folder, base name).
pub(super) fn parse_file_name(s: &str) -> (Option<String>, Option<String>, Option<String>) {
    let Some(rest) = s.strip_prefix('[') else {
        return (None, None, None);
    };
    let Some((ds, path)) = rest.split_once(']') else {
        return (None, None, None);
    };
    let path = path.trim().trim_end_matches('/');
    let (folder, file) = match path.rsplit_once('/') {
        Some((f, n)) if n.ends_with(".vmdk") => (
            Some(f.to_string()),
            n.strip_suffix(".vmdk").map(str::to_string),
        ),
        Some(_) | None if path.ends_with(".vmdk") => {
            (None, path.strip_suffix(".vmdk").map(str::to_string))
        }
        _ => ((!path.is_empty()).then(|| path.to_string()), None),
    };
    (Some(ds.to_string()), folder, file)
}

pub(super) fn reconfig(api: &VsphereApi, vm: &Vm, body: &Value) -> Result<Value, LabOpError> {
    let spec = body.get("spec").cloned().unwrap_or_default();
    if let Some(cbt) = spec.get("changeTrackingEnabled").and_then(Value::as_bool) {
        api.lab.set_cbt(&api.provider, &vm.id, cbt)?;
    }
    for change in spec
        .get("deviceChange")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let device = change.get("device").cloned().unwrap_or_default();
        if change.get("operation").and_then(Value::as_str) != Some("add")
            || device.get("_typeName").and_then(Value::as_str) != Some("VirtualDisk")
        {
            return Err(LabOpError::InvalidArgument {
                message: "only deviceChange operation 'add' of a VirtualDisk is served".into(),
            });
        }
        let backing = device.get("backing").cloned().unwrap_or_default();
        let capacity = device
            .get("capacityInBytes")
            .and_then(Value::as_u64)
            .or_else(|| {
                device
                    .get("capacityInKB")
                    .and_then(Value::as_u64)
                    .map(|k| k * 1024)
            })
            .unwrap_or(0);
        let (ds_name, folder, file_name) = parse_file_name(
            backing
                .get("fileName")
                .and_then(Value::as_str)
                .unwrap_or_default(),
        );
        let datastore = backing
            .get("datastore")
            .and_then(|d| d.get("value"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or(ds_name);
        let mode = match backing.get("diskMode").and_then(Value::as_str) {
            Some("independent_persistent") => DiskMode::IndependentPersistent,
            Some("independent_nonpersistent") => DiskMode::IndependentNonpersistent,
            _ => DiskMode::Persistent,
        };
        let rdm = rdm_of(&backing)?;
        api.lab.add_disk(
            &api.provider,
            &vm.id,
            AddDiskSpec {
                capacity,
                datastore,
                folder,
                provisioning: provisioning_of(&backing).unwrap_or(Provisioning::ThickLazy),
                mode,
                bus: None,
                name: None,
                file_name,
                rdm,
            },
        )?;
    }
    Ok(Value::Null)
}

/// The LUN of a `VirtualDiskRawDiskMappingVer1BackingInfo` (by `lunUuid`, else
/// `deviceName`); `None` for other backings. The capacity of such a disk is the LUN's.
pub(super) fn rdm_of(backing: &Value) -> Result<Option<RdmSpec>, LabOpError> {
    if backing.get("_typeName").and_then(Value::as_str)
        != Some("VirtualDiskRawDiskMappingVer1BackingInfo")
    {
        return Ok(None);
    }
    let lun = ["lunUuid", "deviceName"]
        .iter()
        .filter_map(|k| backing.get(*k).and_then(Value::as_str))
        .find(|v| !v.is_empty())
        .ok_or_else(|| LabOpError::InvalidArgument {
            message: "a raw disk mapping needs backing.lunUuid or backing.deviceName".into(),
        })?;
    let physical = match backing.get("compatibilityMode").and_then(Value::as_str) {
        Some("physicalMode") => true,
        Some("virtualMode") => false,
        other => {
            return Err(LabOpError::InvalidArgument {
                message: format!(
                    "backing.compatibilityMode must be physicalMode or virtualMode, not {other:?}"
                ),
            });
        }
    };
    Ok(Some(RdmSpec {
        lun: lun.to_string(),
        physical,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Provisioning;
    use serde_json::json;

    #[test]
    fn file_names() {
        assert_eq!(
            parse_file_name("[ds1] shared_disks/"),
            (Some("ds1".into()), Some("shared_disks".into()), None)
        );
        assert_eq!(
            parse_file_name("[ds1] a/b.vmdk"),
            (Some("ds1".into()), Some("a".into()), Some("b".into()))
        );
        assert_eq!(parse_file_name("[ds1]"), (Some("ds1".into()), None, None));
        assert_eq!(parse_file_name("nope"), (None, None, None));
        assert_eq!(
            provisioning_of(&json!({"thinProvisioned": false, "eagerlyScrub": true})),
            Some(Provisioning::ThickEager)
        );
        assert_eq!(
            provisioning_of(&json!({"thinProvisioned": false})),
            Some(Provisioning::ThickLazy)
        );
    }
}
