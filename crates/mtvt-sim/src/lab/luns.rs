//! SAN LUNs of a vSphere lab provider and the raw device mappings (RDM) that use them:
//! resolving the lab file's `luns` and a disk's `rdm_lun`, and the LUN identities vSphere
//! reports (`naa.…` canonical name, `ScsiLun.uuid`).
//!
//! Pure: the checks report [`LabIssue`]s; nothing here changes a provider.

use super::error::LabIssue;
use super::file::{LunFile, RdmModeFile};
use super::model::{Datastore, Lun, Provider, ProviderKind, Rdm};

const GIB: u64 = 1 << 30;

/// The `ScsiLun.uuid` vSphere derives for a LUN: a fixed header, the NAA identifier and
/// the product id in hex (here the product of a NetApp-style array, `LUN C-`).
pub fn lun_uuid(canonical_name: &str) -> String {
    let naa = canonical_name.trim_start_matches("naa.");
    let product: String = b"LUN C-".iter().map(|b| format!("{b:02x}")).collect();
    format!("0200000000{naa}{product}")
}

/// Whether `s` is a NAA canonical name (`naa.` + 16 or 32 hex digits).
pub fn valid_naa(s: &str) -> bool {
    s.strip_prefix("naa.").is_some_and(|h| {
        (h.len() == 16 || h.len() == 32) && h.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn issue(issues: &mut Vec<LabIssue>, path: String, message: String, help: &str) {
    issues.push(LabIssue {
        path,
        message,
        help: help.to_string(),
    });
}

/// Resolves a provider's `luns` against its datastores.
pub(crate) fn resolve_luns(
    files: Vec<LunFile>,
    kind: ProviderKind,
    datastores: &[Datastore],
    path: &str,
    issues: &mut Vec<LabIssue>,
) -> Vec<Lun> {
    if !files.is_empty() && kind != ProviderKind::Vsphere {
        issue(
            issues,
            format!("{path}.luns"),
            "raw device mapping LUNs are a vSphere concept".into(),
            "remove `luns` from this provider",
        );
        return Vec::new();
    }
    let mut out: Vec<Lun> = Vec::new();
    for (i, l) in files.into_iter().enumerate() {
        let lpath = format!("{path}.luns[{i}]");
        if !valid_naa(&l.naa) {
            issue(
                issues,
                format!("{lpath}.naa"),
                format!("{:?} is not a NAA identifier", l.naa),
                "write it as `naa.` followed by 32 hex digits (what ESXi lists under /vmfs/devices/disks)",
            );
        }
        if out.iter().any(|o| o.canonical_name == l.naa) {
            issue(
                issues,
                format!("{lpath}.naa"),
                format!("LUN {} is defined twice", l.naa),
                "remove the duplicate",
            );
        }
        if l.capacity_gb == 0 {
            issue(
                issues,
                format!("{lpath}.capacity_gb"),
                "LUN capacity must be at least 1 GiB".into(),
                "set `capacity_gb` to a positive number",
            );
        }
        let ds = match &l.datastore {
            Some(d) => datastores.iter().find(|x| x.id == *d || x.name == *d),
            None => datastores.iter().find(|x| x.xcopy).or(datastores.first()),
        };
        let Some(ds) = ds else {
            issue(
                issues,
                format!("{lpath}.datastore"),
                match &l.datastore {
                    Some(d) => format!("datastore {d:?} is not defined"),
                    None => "the provider has no datastore for the LUN's array".into(),
                },
                "name a datastore on the same storage array as the LUN",
            );
            continue;
        };
        out.push(Lun {
            uuid: lun_uuid(&l.naa),
            capacity: l.capacity_gb * GIB,
            datastore: ds.id.clone(),
            canonical_name: l.naa,
        });
    }
    out
}

/// Checks that `copy_offload.rdm_lun_uuid` names a LUN of the provider.
pub(crate) fn check_profile_lun(
    lun: Option<&str>,
    luns: &[Lun],
    path: &str,
    issues: &mut Vec<LabIssue>,
) {
    if let Some(l) = lun
        && !luns.iter().any(|x| x.canonical_name == l)
    {
        issue(
            issues,
            format!("{path}.copy_offload.rdm_lun_uuid"),
            format!("LUN {l} is not defined"),
            "add it under the provider's `luns` (naa, capacity_gb, datastore)",
        );
    }
}

/// Resolves a lab disk's `rdm_lun` (and mode): the LUN must exist and the mapping file
/// needs a VMFS datastore. Returns the mapping and the disk capacity (the LUN's).
pub(crate) fn resolve_rdm(
    lun: &str,
    mode: RdmModeFile,
    mapping_datastore: Option<&Datastore>,
    p: &Provider,
    path: &str,
    issues: &mut Vec<LabIssue>,
) -> Option<(Rdm, u64)> {
    let Some(found) = p.lun(lun) else {
        issue(
            issues,
            format!("{path}.rdm_lun"),
            format!("LUN {lun} is not defined in provider {:?}", p.name),
            "add it under the provider's `luns`",
        );
        return None;
    };
    if let Some(ds) = mapping_datastore
        && ds.kind != "VMFS"
    {
        issue(
            issues,
            format!("{path}.datastore"),
            format!(
                "an RDM mapping file needs a VMFS datastore; {:?} is {}",
                ds.name, ds.kind
            ),
            "put the disk on a VMFS datastore",
        );
    }
    Some((
        Rdm {
            lun: found.canonical_name.clone(),
            physical: mode == RdmModeFile::Physical,
        },
        found.capacity,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ds(id: &str, kind: &str, xcopy: bool) -> Datastore {
        Datastore {
            id: id.into(),
            name: format!("{id}-name"),
            kind: kind.into(),
            capacity: 0,
            free: 0,
            xcopy,
            vendor: None,
            folders: Vec::new(),
        }
    }

    #[test]
    fn naa_names_and_uuids() {
        assert!(valid_naa("naa.600a098038314f6c6f3f4d2d4a594b31"));
        assert!(!valid_naa("naa.xyz"));
        assert!(!valid_naa("600a098038314f6c6f3f4d2d4a594b31"));
        let u = lun_uuid("naa.600a098038314f6c6f3f4d2d4a594b31");
        assert!(u.starts_with("0200000000600a0980"), "{u}");
        assert!(u.ends_with("4c554e20432d"), "{u}");
    }

    #[test]
    fn luns_resolve_to_their_array_and_report_every_problem() {
        let stores = vec![ds("ds-nfs", "NFS", false), ds("ds-x", "VMFS", true)];
        let mut issues = Vec::new();
        let luns = resolve_luns(
            vec![
                LunFile {
                    naa: "naa.600a098038314f6c6f3f4d2d4a594b31".into(),
                    capacity_gb: 20,
                    datastore: None,
                },
                LunFile {
                    naa: "bad".into(),
                    capacity_gb: 0,
                    datastore: Some("missing".into()),
                },
            ],
            ProviderKind::Vsphere,
            &stores,
            "providers[0]",
            &mut issues,
        );
        assert_eq!(luns.len(), 1);
        assert_eq!(luns[0].datastore, "ds-x", "defaults to the XCOPY array");
        assert_eq!(luns[0].capacity, 20 << 30);
        let paths: Vec<&str> = issues.iter().map(|i| i.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "providers[0].luns[1].naa",
                "providers[0].luns[1].capacity_gb",
                "providers[0].luns[1].datastore"
            ]
        );
        let mut issues = Vec::new();
        check_profile_lun(Some("naa.0000"), &luns, "providers[0]", &mut issues);
        assert_eq!(issues[0].path, "providers[0].copy_offload.rdm_lun_uuid");
        let mut issues = Vec::new();
        resolve_luns(
            vec![LunFile {
                naa: "naa.600a098038314f6c6f3f4d2d4a594b31".into(),
                capacity_gb: 1,
                datastore: None,
            }],
            ProviderKind::Ovirt,
            &stores,
            "p",
            &mut issues,
        );
        assert_eq!(issues[0].path, "p.luns");
    }
}
