//! What the source provider supports: warm migration (vSphere, and oVirt behind the
//! ForkliftController's feature gate), the migration type, and the volume and network name
//! templates.

use mtvt_gotemplate::forklift::{TemplateKind, validate};
use serde_json::Value;

use super::super::super::Ctx;
use super::super::super::conditions::{CRITICAL, Cnd, Conditions};
use super::super::super::gvr;
use super::super::super::json_edit::text;
use super::is_warm;

/// Warm migration and the migration type against the source provider type `stype`.
pub(super) fn check_support(ctx: &Ctx, plan: &Value, stype: &str, cnd: &mut Conditions) {
    // oVirt warm migration is behind the controller's feature gate (on unless the
    // ForkliftController sets `controller_ovirt_warm_migration: "false"`).
    let ovirt_warm = ovirt_warm_enabled(ctx);
    if is_warm(plan) && !(stype == "vsphere" || (stype == "ovirt" && ovirt_warm)) {
        cnd.set(Cnd::new(
            "WarmMigrationNotReady",
            CRITICAL,
            "NotSupported",
            "Warm migration from the source provider is not supported.",
        ));
    }
    let mtype = text(plan, "/spec/type");
    let type_ok = match stype {
        "vsphere" => matches!(mtype, "" | "cold" | "warm" | "conversion"),
        "openshift" => matches!(mtype, "" | "cold"),
        "ovirt" => matches!(mtype, "" | "cold") || (mtype == "warm" && ovirt_warm),
        _ => matches!(mtype, "" | "cold"),
    };
    if !type_ok {
        cnd.set(Cnd::new(
            "MigrationTypeNotValid",
            CRITICAL,
            "NotSupported",
            &format!("`{mtype}` migration from the source provider is not supported."),
        ));
    }
}

/// The plan's volume and network name templates.
pub(super) fn check_templates(plan: &Value, stype: &str, cnd: &mut Conditions) {
    for (field, kind, label) in [
        ("volumeNameTemplate", TemplateKind::VolumeName, "Volume"),
        ("networkNameTemplate", TemplateKind::NetworkName, "Network"),
    ] {
        let t = text(plan, &format!("/spec/{field}"));
        if !t.is_empty() && !validate(kind, Some(stype), t).is_empty() {
            cnd.set(Cnd::new(
                "NotValid",
                CRITICAL,
                "",
                &format!("{label} name template is invalid."),
            ));
        }
    }
}

/// The ForkliftController's `controller_ovirt_warm_migration` gate (CRD default `"true"`).
fn ovirt_warm_enabled(ctx: &Ctx) -> bool {
    ctx.store
        .get(
            &gvr::forklift_controllers(),
            &ctx.settings.mtv_namespace,
            "forklift-controller",
        )
        .ok()
        .and_then(|f| {
            f.pointer("/spec/controller_ovirt_warm_migration").map(|v| {
                v.as_str()
                    .map_or(v.as_bool() != Some(false), |s| s != "false")
            })
        })
        .unwrap_or(true)
}
