//! Forklift's use of name templates: the data each template kind receives, which
//! fields each source provider fills, the controller's validation (render, trim,
//! DNS-1123 label), the default PVC templates and the `generateName` rules.
//!
//! Sources: `kubev2v/forklift` `pkg/apis/forklift/v1beta1/plan.go`
//! (`PVCNameTemplateData`, `VolumeNameTemplateData`, `NetworkNameTemplateData`),
//! `pkg/controller/plan/adapter/base/template.go`, the adapters' `validator.go` and
//! `builder.go`, and `pkg/controller/plan/validation.go`.
//!
//! Must not decide which template applies to a VM (VM → plan → controller setting →
//! default); callers pass the template they resolved, or `None` for the default.

mod data;
mod naming;

pub use data::{NetworkNameData, PvcNameData, VolumeNameData};
pub use naming::{
    PvcName, pvc_name_matches, render_network_name, render_pvc_name, render_volume_name,
};

use mtvt_k8s_names::dns1123_label;

use crate::check;
use crate::error::{TemplateError, TemplateErrorKind};
use crate::value::Record;
use crate::{Template, parse_all};

/// Which Plan field a template comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TemplateKind {
    /// `pvcNameTemplate` (plan or VM).
    PvcName,
    /// `volumeNameTemplate` (vSphere only).
    VolumeName,
    /// `networkNameTemplate` (vSphere only).
    NetworkName,
}

/// Forklift's default PVC name template for every source except OpenShift.
pub const DEFAULT_PVC_NAME_TEMPLATE: &str =
    "{{trunc 15 .PlanName}}-{{trunc 15 .TargetVmName}}-disk-{{.DiskIndex}}";
/// Forklift's default PVC name template for OpenShift sources.
pub const DEFAULT_OCP_PVC_NAME_TEMPLATE: &str = "{{.SourcePVCName}}";

/// The source provider types whose field sets are known.
pub const PROVIDERS: &[&str] = &[
    "vsphere",
    "ovirt",
    "openstack",
    "openshift",
    "ova",
    "hyperv",
    "ec2",
];

const PVC_FIELDS: &[(&str, &str)] = &[
    ("VmName", "string"),
    ("TargetVmName", "string"),
    ("PlanName", "string"),
    ("DiskIndex", "int"),
    ("VmId", "string"),
    ("WinDriveLetter", "string"),
    ("RootDiskIndex", "int"),
    ("Shared", "bool"),
    ("FileName", "string"),
    ("SourcePVCName", "string"),
    ("SourcePVCNamespace", "string"),
    ("VolumeID", "string"),
    ("SnapshotID", "string"),
    ("DiskId", "string"),
];
const VOLUME_FIELDS: &[(&str, &str)] = &[("PVCName", "string"), ("VolumeIndex", "int")];
const NETWORK_FIELDS: &[(&str, &str)] = &[
    ("NetworkName", "string"),
    ("NetworkNamespace", "string"),
    ("NetworkType", "string"),
    ("NetworkIndex", "int"),
];

const COMMON: &[&str] = &["VmName", "TargetVmName", "PlanName", "DiskIndex", "VmId"];
const VSPHERE: &[&str] = &[
    "VmName",
    "TargetVmName",
    "PlanName",
    "DiskIndex",
    "VmId",
    "WinDriveLetter",
    "RootDiskIndex",
    "Shared",
    "FileName",
];
const WITH_DISK_ID: &[&str] = &[
    "VmName",
    "TargetVmName",
    "PlanName",
    "DiskIndex",
    "VmId",
    "DiskId",
];
const OPENSHIFT: &[&str] = &[
    "VmName",
    "TargetVmName",
    "PlanName",
    "DiskIndex",
    "VmId",
    "SourcePVCName",
    "SourcePVCNamespace",
];
const EC2: &[&str] = &[
    "VmName",
    "TargetVmName",
    "PlanName",
    "DiskIndex",
    "VmId",
    "VolumeID",
    "SnapshotID",
];
const ALL_PVC: &[&str] = &[
    "VmName",
    "TargetVmName",
    "PlanName",
    "DiskIndex",
    "VmId",
    "WinDriveLetter",
    "RootDiskIndex",
    "Shared",
    "FileName",
    "SourcePVCName",
    "SourcePVCNamespace",
    "VolumeID",
    "SnapshotID",
    "DiskId",
];
const VOLUME: &[&str] = &["PVCName", "VolumeIndex"];
const NETWORK: &[&str] = &[
    "NetworkName",
    "NetworkNamespace",
    "NetworkType",
    "NetworkIndex",
];

impl TemplateKind {
    /// The Go type of the data (`v1beta1.PVCNameTemplateData`, ...).
    pub fn data_type(self) -> &'static str {
        match self {
            TemplateKind::PvcName => "v1beta1.PVCNameTemplateData",
            TemplateKind::VolumeName => "v1beta1.VolumeNameTemplateData",
            TemplateKind::NetworkName => "v1beta1.NetworkNameTemplateData",
        }
    }

    fn fields(self) -> &'static [(&'static str, &'static str)] {
        match self {
            TemplateKind::PvcName => PVC_FIELDS,
            TemplateKind::VolumeName => VOLUME_FIELDS,
            TemplateKind::NetworkName => NETWORK_FIELDS,
        }
    }
}

/// Every field of the template data (the Go struct), whatever the provider.
pub fn known_variables(kind: TemplateKind) -> &'static [&'static str] {
    match kind {
        TemplateKind::PvcName => ALL_PVC,
        TemplateKind::VolumeName => VOLUME,
        TemplateKind::NetworkName => NETWORK,
    }
}

/// The fields Forklift fills for a source provider type (`vsphere`, `ovirt`,
/// `openstack`, `openshift`, `ova`, `hyperv`, `ec2`). Other fields of the struct
/// exist but are always empty. An unknown provider gets the fields common to all.
///
/// ```
/// use mtvt_gotemplate::forklift::{allowed_variables, TemplateKind};
/// assert!(allowed_variables(TemplateKind::PvcName, "vsphere").contains(&"FileName"));
/// assert!(!allowed_variables(TemplateKind::PvcName, "ovirt").contains(&"FileName"));
/// ```
pub fn allowed_variables(kind: TemplateKind, provider: &str) -> &'static [&'static str] {
    match kind {
        TemplateKind::VolumeName => VOLUME,
        TemplateKind::NetworkName => NETWORK,
        TemplateKind::PvcName => match provider {
            "vsphere" => VSPHERE,
            "ovirt" | "hyperv" => WITH_DISK_ID,
            "openshift" => OPENSHIFT,
            "ec2" => EC2,
            _ => COMMON,
        },
    }
}

/// The PVC template Forklift uses when neither the VM, the plan nor the
/// ForkliftController sets one.
pub fn default_pvc_template(provider: &str) -> &'static str {
    if provider == "openshift" {
        DEFAULT_OCP_PVC_NAME_TEMPLATE
    } else {
        DEFAULT_PVC_NAME_TEMPLATE
    }
}

fn whole(src: &str) -> std::ops::Range<usize> {
    0..src.len()
}

fn parse_checked(src: &str) -> Result<Template, Vec<TemplateError>> {
    parse_all(src)
}

/// Forklift's output checks (`ValidateAndExecuteTemplate` + `IsDNS1123Label` for PVCs,
/// `IsValidTemplate` + `IsDNS1123Label` for volumes and networks).
fn check_output(kind: TemplateKind, src: &str, bytes: &[u8]) -> Result<String, TemplateError> {
    let raw = String::from_utf8_lossy(bytes).into_owned();
    let out = if kind == TemplateKind::PvcName {
        raw.trim().to_string()
    } else {
        raw
    };
    if out.is_empty() {
        let msg = "Template output is empty".to_string();
        return Err(TemplateError::new(
            TemplateErrorKind::Render,
            msg.clone(),
            whole(src),
            Some(msg),
        ));
    }
    if let Err(errs) = dns1123_label(&out) {
        let head = if kind == TemplateKind::PvcName {
            format!("Template output is invalid k8s label [{out}]")
        } else {
            format!("Template output is not a valid k8s label [{out}]")
        };
        return Err(TemplateError::new(
            TemplateErrorKind::Render,
            format!("{head}: {}", errs.join("; ")),
            whole(src),
            Some(head),
        ));
    }
    Ok(out)
}

/// Checks a template as the controller does at plan validation, plus the static
/// checks mtvt adds: syntax and unknown functions (all of them), fields the data
/// type does not have (in every branch, not only the executed one), fields the
/// `provider` never fills (Forklift would render them as empty strings), then the
/// rendered output for representative data ([`PvcNameData::sample`] for disks 0-2;
/// Forklift's own test data for volume and network templates) must be a DNS-1123
/// label. Errors are sorted by position; an empty list means valid.
///
/// ```
/// use mtvt_gotemplate::forklift::{validate, TemplateKind};
/// assert!(validate(TemplateKind::PvcName, Some("vsphere"), "{{.VmName}}-disk-{{.DiskIndex}}").is_empty());
/// let errs = validate(TemplateKind::PvcName, Some("vsphere"), "{{.VmNam}}");
/// assert_eq!(errs[0].span, 2..8);
/// ```
pub fn validate(kind: TemplateKind, provider: Option<&str>, src: &str) -> Vec<TemplateError> {
    match kind {
        TemplateKind::PvcName => {
            let samples: Vec<PvcNameData> =
                (0..3).map(|i| PvcNameData::sample(provider, i)).collect();
            validate_pvc_name_template(provider, src, &samples)
        }
        TemplateKind::VolumeName => {
            let data = VolumeNameData {
                pvc_name: "test-pvc".into(),
                volume_index: 0,
            };
            validate_with(kind, provider, src, &[data.record(false)])
        }
        TemplateKind::NetworkName => {
            let data = NetworkNameData {
                network_name: "test-network".into(),
                network_namespace: "test-namespace".into(),
                network_type: "Multus".into(),
                network_index: 0,
            };
            validate_with(kind, provider, src, &[data.record(false)])
        }
    }
}

/// [`validate`] for a PVC template with the caller's disks (e.g. the real VMs of a
/// scenario); the controller validates every disk of every VM this way.
pub fn validate_pvc_name_template(
    provider: Option<&str>,
    src: &str,
    disks: &[PvcNameData],
) -> Vec<TemplateError> {
    let records: Vec<Record> = disks.iter().map(|d| d.record(false)).collect();
    validate_with(TemplateKind::PvcName, provider, src, &records)
}

fn validate_with(
    kind: TemplateKind,
    provider: Option<&str>,
    src: &str,
    samples: &[Record],
) -> Vec<TemplateError> {
    let template = match parse_checked(src) {
        Ok(t) => t,
        Err(errors) => return errors,
    };
    let uses = template.field_uses();
    let mut errors = check::unknown_fields(kind.data_type(), kind.fields(), &uses);
    if let Some(p) = provider {
        let filled = allowed_variables(kind, p);
        for u in &uses {
            let name = u.field.text.as_str();
            if known_variables(kind).contains(&name) && !filled.contains(&name) {
                errors.push(TemplateError::new(
                    TemplateErrorKind::UnknownVariable,
                    format!(
                        ".{name} is never set for {p} sources: Forklift renders it as an empty string (fields set for {p}: {})",
                        filled.iter().map(|f| format!(".{f}")).collect::<Vec<_>>().join(", ")
                    ),
                    u.field.span.clone(),
                    None,
                ));
            }
        }
    }
    if errors.is_empty() {
        for record in samples {
            let result = template
                .render_record(record.clone())
                .and_then(|bytes| check_output(kind, src, &bytes));
            if let Err(e) = result {
                if !errors
                    .iter()
                    .any(|x: &TemplateError| x.message == e.message)
                {
                    errors.push(e);
                }
                break;
            }
        }
    }
    errors.sort_by_key(|e| (e.span.start, e.span.end));
    errors
}
