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

use mtvt_k8s_names::{dns1123_label, generate_name_prefix, matches_generate_name};

use crate::check;
use crate::error::{TemplateError, TemplateErrorKind};
use crate::value::{GoValue, Record};
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

/// The data of one disk for a PVC name template (`PVCNameTemplateData`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PvcNameData {
    /// `.VmName`: the source VM name.
    pub vm_name: String,
    /// `.TargetVmName`: the DNS-safe target name
    /// (see `mtvt_k8s_names::resolve_target_vm_name`).
    pub target_vm_name: String,
    /// `.PlanName`
    pub plan_name: String,
    /// `.DiskIndex`: index of the disk among the migrated disks.
    pub disk_index: i64,
    /// `.RootDiskIndex` (vSphere).
    pub root_disk_index: i64,
    /// `.Shared` (vSphere).
    pub shared: bool,
    /// `.FileName`: the disk file name, e.g. `rhel9-vm_1.vmdk` (vSphere).
    pub file_name: String,
    /// `.VmId`: the source VM id.
    pub vm_id: String,
    /// `.WinDriveLetter` (vSphere, lower case; empty without guest tools).
    pub win_drive_letter: String,
    /// `.SourcePVCName` (OpenShift).
    pub source_pvc_name: String,
    /// `.SourcePVCNamespace` (OpenShift).
    pub source_pvc_namespace: String,
    /// `.VolumeID` (EC2).
    pub volume_id: String,
    /// `.SnapshotID` (EC2).
    pub snapshot_id: String,
    /// `.DiskId` (oVirt disk attachment id, Hyper-V VHDX GUID).
    pub disk_id: String,
}

impl PvcNameData {
    fn record(&self, pointer: bool) -> Record {
        let s = |v: &String| GoValue::str(v);
        Record {
            type_name: TemplateKind::PvcName.data_type().to_string(),
            pointer,
            fields: vec![
                ("VmName".into(), s(&self.vm_name)),
                ("TargetVmName".into(), s(&self.target_vm_name)),
                ("PlanName".into(), s(&self.plan_name)),
                ("DiskIndex".into(), GoValue::Int(self.disk_index)),
                ("VmId".into(), s(&self.vm_id)),
                ("WinDriveLetter".into(), s(&self.win_drive_letter)),
                ("RootDiskIndex".into(), GoValue::Int(self.root_disk_index)),
                ("Shared".into(), GoValue::Bool(self.shared)),
                ("FileName".into(), s(&self.file_name)),
                ("SourcePVCName".into(), s(&self.source_pvc_name)),
                ("SourcePVCNamespace".into(), s(&self.source_pvc_namespace)),
                ("VolumeID".into(), s(&self.volume_id)),
                ("SnapshotID".into(), s(&self.snapshot_id)),
                ("DiskId".into(), s(&self.disk_id)),
            ],
        }
    }

    /// Representative data for validating a template without a real VM: disk
    /// `disk_index` of a VM `rhel9-vm` in plan `plan-1`, with the provider's fields set
    /// the way its validator sets them (vSphere: `RootDiskIndex` 1, `Shared` false;
    /// EC2: no snapshot yet).
    pub fn sample(provider: Option<&str>, disk_index: i64) -> Self {
        let mut d = PvcNameData {
            vm_name: "rhel9-vm".into(),
            target_vm_name: "rhel9-vm".into(),
            plan_name: "plan-1".into(),
            disk_index,
            ..Default::default()
        };
        let file = if disk_index == 0 {
            "rhel9-vm.vmdk".to_string()
        } else {
            format!("rhel9-vm_{disk_index}.vmdk")
        };
        let letter =
            char::from(b'c' + u8::try_from(disk_index.clamp(0, 23)).unwrap_or(0)).to_string();
        let uuid = format!("5f0c1b9e-7a34-4d1c-9e2b-{:012}", disk_index);
        match provider {
            Some("vsphere") => {
                d.vm_id = "vm-42".into();
                d.root_disk_index = 1;
                d.file_name = file;
                d.win_drive_letter = letter;
            }
            Some("ovirt" | "hyperv") => {
                d.vm_id = "0f6a7c2e-3b1d-4f5a-8c9e-1a2b3c4d5e6f".into();
                d.disk_id = uuid;
            }
            Some("openshift") => {
                d.vm_id = "8d2c9b7a-6e5f-4a3b-9c1d-0e2f4a6b8c0d".into();
                d.source_pvc_name = format!("rhel9-vm-disk-{disk_index}");
                d.source_pvc_namespace = "vms".into();
            }
            Some("ec2") => {
                d.vm_id = "i-0123456789abcdef0".into();
                d.volume_id = format!("vol-0123456789abcdef{disk_index}");
            }
            Some(_) => {
                d.vm_id = "0f6a7c2e-3b1d-4f5a-8c9e-1a2b3c4d5e6f".into();
            }
            None => {
                d.vm_id = "vm-42".into();
                d.root_disk_index = 1;
                d.file_name = file;
                d.win_drive_letter = letter;
                d.source_pvc_name = format!("rhel9-vm-disk-{disk_index}");
                d.source_pvc_namespace = "vms".into();
                d.volume_id = format!("vol-0123456789abcdef{disk_index}");
                d.snapshot_id = format!("snap-0123456789abcdef{disk_index}");
                d.disk_id = uuid;
            }
        }
        d
    }
}

/// The data of one volume for a `volumeNameTemplate`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VolumeNameData {
    /// `.PVCName`
    pub pvc_name: String,
    /// `.VolumeIndex`
    pub volume_index: i64,
}

/// The data of one NIC for a `networkNameTemplate`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NetworkNameData {
    /// `.NetworkName`: the NAD name for multus, empty otherwise.
    pub network_name: String,
    /// `.NetworkNamespace`: the NAD namespace for multus.
    pub network_namespace: String,
    /// `.NetworkType`: at run time the map's destination type (`pod`, `multus`).
    pub network_type: String,
    /// `.NetworkIndex`
    pub network_index: i64,
}

impl VolumeNameData {
    fn record(&self, pointer: bool) -> Record {
        Record {
            type_name: TemplateKind::VolumeName.data_type().to_string(),
            pointer,
            fields: vec![
                ("PVCName".into(), GoValue::str(&self.pvc_name)),
                ("VolumeIndex".into(), GoValue::Int(self.volume_index)),
            ],
        }
    }
}

impl NetworkNameData {
    fn record(&self, pointer: bool) -> Record {
        Record {
            type_name: TemplateKind::NetworkName.data_type().to_string(),
            pointer,
            fields: vec![
                ("NetworkName".into(), GoValue::str(&self.network_name)),
                (
                    "NetworkNamespace".into(),
                    GoValue::str(&self.network_namespace),
                ),
                ("NetworkType".into(), GoValue::str(&self.network_type)),
                ("NetworkIndex".into(), GoValue::Int(self.network_index)),
            ],
        }
    }
}

/// A PVC name as Forklift sets it: an exact name, or a `generateName` prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PvcName {
    /// `metadata.name`.
    Name(String),
    /// `metadata.generateName`, including the trailing `-`, as the API server keeps
    /// it (truncated to 58 bytes); the server appends 5 random characters.
    GenerateName(String),
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

/// Renders the PVC name Forklift sets for one disk (`SetPVCNameOnObject`).
///
/// `template`: the template in effect (`None` = Forklift's default for the
/// provider). `use_generate_name`: the plan's `pvcNameTemplateUseGenerateName`
/// (`None` = true except for OpenShift sources). The output is trimmed and must be
/// a DNS-1123 label; with generateName a `-` is appended unless present and the
/// prefix is kept to 58 bytes, otherwise a trailing `-` is removed.
///
/// ```
/// use mtvt_gotemplate::forklift::{render_pvc_name, PvcName, PvcNameData};
/// let data = PvcNameData { plan_name: "plan-1".into(), target_vm_name: "rhel9-vm".into(), ..Default::default() };
/// assert_eq!(
///     render_pvc_name(None, "vsphere", &data, None).unwrap(),
///     PvcName::GenerateName("plan-1-rhel9-vm-disk-0-".into())
/// );
/// ```
pub fn render_pvc_name(
    template: Option<&str>,
    provider: &str,
    data: &PvcNameData,
    use_generate_name: Option<bool>,
) -> Result<PvcName, TemplateError> {
    let src = template.unwrap_or_else(|| default_pvc_template(provider));
    let parsed = crate::parse(src)?;
    let bytes = parsed.render_record(data.record(true))?;
    let out = check_output(TemplateKind::PvcName, src, &bytes)?;
    if use_generate_name.unwrap_or(provider != "openshift") {
        let prefix = if out.ends_with('-') {
            out
        } else {
            format!("{out}-")
        };
        Ok(PvcName::GenerateName(generate_name_prefix(&prefix)))
    } else {
        Ok(PvcName::Name(
            out.strip_suffix('-').unwrap_or(&out).to_string(),
        ))
    }
}

/// Renders a `volumeNameTemplate` as the vSphere builder does (no trimming, no
/// validation at build time: the plan was validated before).
pub fn render_volume_name(template: &str, data: &VolumeNameData) -> Result<String, TemplateError> {
    let bytes = crate::parse(template)?.render_record(data.record(true))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Renders a `networkNameTemplate` as the vSphere builder does.
pub fn render_network_name(
    template: &str,
    data: &NetworkNameData,
) -> Result<String, TemplateError> {
    let bytes = crate::parse(template)?.render_record(data.record(true))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Whether an actual PVC name is what Forklift produced: equal to the expected name,
/// or the generateName prefix followed by the API server's 5 random characters.
pub fn pvc_name_matches(expected: &PvcName, actual: &str) -> bool {
    match expected {
        PvcName::Name(name) => name == actual,
        PvcName::GenerateName(prefix) => matches_generate_name(prefix, actual),
    }
}
