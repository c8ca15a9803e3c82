//! A vSphere provider's copy-offload profile: a known storage vendor and XCOPY-capable (or,
//! for the fallback, not capable) datastores.

use super::{XCOPY_VENDORS, issue};
use crate::lab::error::LabIssue;
use crate::lab::file::CopyOffloadFile;
use crate::lab::model::*;

/// root's password on the ESXi hosts when the lab file does not set `esxi_password`.
pub const DEFAULT_ESXI_PASSWORD: &str = "mtv-esxi-pw";

pub(super) fn resolve_copy_offload(
    c: CopyOffloadFile,
    p: &Provider,
    path: &str,
    issues: &mut Vec<LabIssue>,
) -> Option<CopyOffload> {
    let cpath = format!("{path}.copy_offload");
    if p.kind != ProviderKind::Vsphere {
        issue(
            issues,
            cpath,
            "copy_offload is only meaningful for vsphere providers".into(),
            "remove it from this provider",
        );
        return None;
    }
    if !XCOPY_VENDORS.contains(&c.vendor.as_str()) {
        issue(
            issues,
            format!("{cpath}.vendor"),
            format!("unknown storage vendor {:?}", c.vendor),
            &format!("use one of: {}", XCOPY_VENDORS.join(", ")),
        );
    }
    let mut lookup = |field: &str, name: &str, want_xcopy: bool| -> Option<String> {
        match p.datastore(name) {
            Some(d) if d.xcopy == want_xcopy => Some(d.id.clone()),
            Some(_) => {
                let what = if want_xcopy {
                    "is not XCOPY-capable"
                } else {
                    "is XCOPY-capable"
                };
                issue(
                    issues,
                    format!("{cpath}.{field}"),
                    format!("datastore {name:?} {what}"),
                    "set `xcopy` on the datastore accordingly or pick another datastore",
                );
                None
            }
            None => {
                issue(
                    issues,
                    format!("{cpath}.{field}"),
                    format!("datastore {name:?} is not defined"),
                    "use the name or id of a datastore listed under this provider",
                );
                None
            }
        }
    };
    let datastore_id = lookup("datastore", &c.datastore, true)?;
    let secondary = c
        .secondary_datastore
        .as_deref()
        .and_then(|d| lookup("secondary_datastore", d, true));
    let non_xcopy = c
        .non_xcopy_datastore
        .as_deref()
        .and_then(|d| lookup("non_xcopy_datastore", d, false));
    Some(CopyOffload {
        vendor: c.vendor,
        datastore_id,
        secondary_datastore_id: secondary,
        non_xcopy_datastore_id: non_xcopy,
        storage_hostname: c.storage_hostname,
        storage_username: c.storage_username,
        storage_password: c.storage_password,
        extra: c.extra,
        rdm_lun_uuid: c.rdm_lun_uuid,
        esxi_clone_method: c.esxi_clone_method,
        esxi_password: c
            .esxi_password
            .unwrap_or_else(|| mtvt_vocab::Secret::new(DEFAULT_ESXI_PASSWORD)),
    })
}
