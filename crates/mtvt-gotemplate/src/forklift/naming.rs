//! The names Forklift sets from templates: PVC `name`/`generateName`
//! (`SetPVCNameOnObject`), volume and network names, and recognising a generated
//! PVC name.
//!
//! Exists so the emulator creates and the runner expects exactly these names.

use mtvt_k8s_names::{generate_name_prefix, matches_generate_name};

use super::data::{NetworkNameData, PvcNameData, VolumeNameData};
use super::{TemplateKind, check_output, default_pvc_template};
use crate::error::TemplateError;

/// A PVC name as Forklift sets it: an exact name, or a `generateName` prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PvcName {
    /// `metadata.name`.
    Name(String),
    /// `metadata.generateName`, including the trailing `-`, as the API server keeps
    /// it (truncated to 58 bytes); the server appends 5 random characters.
    GenerateName(String),
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
