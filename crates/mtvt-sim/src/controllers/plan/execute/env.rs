//! What stepping a plan's VMs needs ([`Env`]): the plan, its resolved references, the source
//! view, the running Migration, the label identity, the ForkliftController's precopy interval
//! and PVC name template; and each VM's itinerary flags.

use std::sync::Arc;

use serde_json::Value;

use super::super::super::Ctx;
use super::super::super::catalog::{SourceView, SourceVm};
use super::super::super::json_edit::text;
use super::super::builder::Run;
use super::super::itinerary::Flags;
use super::super::status::VmStatus;
use super::super::validation::{Referenced, is_warm, kind_of};
use crate::lab::ProviderKind;
use crate::store::object;

/// Everything the per-VM stepping needs.
pub struct Env<'a> {
    /// Controller context.
    pub ctx: &'a Ctx,
    /// The plan.
    pub plan: &'a Value,
    /// Resolved references.
    pub refd: &'a Referenced,
    /// The source view.
    pub view: SourceView<'a>,
    /// The running Migration.
    pub migration: Arc<Value>,
    /// Label identity.
    pub run: Run,
    /// Precopy interval (virtual).
    pub precopy_interval: chrono::Duration,
    /// ForkliftController PVC name template for this source type.
    pub controller_pvc_template: Option<String>,
}

impl<'a> Env<'a> {
    /// The Env of a running `migration`, or `None` when the source cannot be viewed.
    pub(super) fn open(
        ctx: &'a Ctx,
        plan: &'a Value,
        refd: &'a Referenced,
        migration: Arc<Value>,
    ) -> Option<Env<'a>> {
        let view = SourceView::open(ctx, refd.source.as_ref()?)?;
        let run = Run {
            plan_name: object::name(plan).into(),
            plan_ns: object::namespace(plan).into(),
            plan_uid: object::uid(plan).into(),
            migration_uid: object::uid(&migration).into(),
        };
        let (interval_min, controller_pvc_template) = controller_settings(ctx, view.kind());
        Some(Env {
            ctx,
            plan,
            refd,
            view,
            migration,
            run,
            precopy_interval: chrono::Duration::minutes(interval_min),
            controller_pvc_template,
        })
    }

    /// Whether the running Migration asks to resume a failed conversion
    /// (`spec.resumeConversion`).
    pub fn resume_requested(&self) -> bool {
        resume_requested(&self.migration)
    }

    /// Whether the running Migration resumes a failed conversion: requested, and not
    /// ignored by the lab's `faults.resume_recopies` regression.
    pub fn resume(&self) -> bool {
        self.resume_requested() && !self.ctx.lab.lab().faults.resume_recopies
    }

    /// The `spec.vms[]` entry of a VM status.
    pub fn spec_vm(&self, vs: &VmStatus) -> Value {
        self.plan
            .pointer("/spec/vms")
            .and_then(Value::as_array)
            .and_then(|a| {
                a.iter().find(|v| {
                    text(v, "/id") == vs.id
                        || (text(v, "/id").is_empty() && text(v, "/name") == vs.name)
                })
            })
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// Whether a spec VM has a hook for `step`.
    pub fn has_hook(spec_vm: &Value, step: &str) -> bool {
        spec_vm
            .get("hooks")
            .and_then(Value::as_array)
            .is_some_and(|h| h.iter().any(|h| text(h, "/step") == step))
    }

    /// The itinerary flags of a VM.
    pub fn flags(&self, spec_vm: &Value, vm: Option<&SourceVm>) -> Flags {
        let source = kind_of(self.refd.source.as_deref().unwrap_or(&Value::Null));
        let warm = is_warm(self.plan);
        let skip = self
            .plan
            .pointer("/spec/skipGuestConversion")
            .and_then(Value::as_bool)
            == Some(true);
        // Hyper-V guests are converted by virt-v2v `-i disk` (adapter/hyperv/builder.go:428)
        let conversion = matches!(
            source,
            Some(ProviderKind::Vsphere | ProviderKind::Ova | ProviderKind::Hyperv)
        ) && !skip;
        let dest_host = self
            .refd
            .destination
            .as_ref()
            .is_some_and(|d| text(d, "/spec/url").is_empty());
        let offload = self
            .refd
            .storage_map
            .as_ref()
            .is_some_and(|m| super::super::validation::uses_offload(m));
        let shared = self
            .plan
            .pointer("/spec/migrateSharedDisks")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        // OVA and Hyper-V: virt-v2v always copies (pkg/apis/forklift/v1beta1/plan.go:502)
        let v2v_copy = matches!(source, Some(ProviderKind::Ova | ProviderKind::Hyperv))
            || (source == Some(ProviderKind::Vsphere)
                && !warm
                && dest_host
                && shared
                && !skip
                && !offload
                && text(self.plan, "/spec/type") != "conversion");
        let target = Some(text(spec_vm, "/targetPowerState"))
            .filter(|s| !s.is_empty())
            .unwrap_or(text(self.plan, "/spec/targetPowerState"));
        Flags {
            source,
            warm,
            pre_hook: Self::has_hook(spec_vm, "PreHook"),
            post_hook: Self::has_hook(spec_vm, "PostHook"),
            conversion,
            v2v_copy,
            inspection: warm
                && source == Some(ProviderKind::Vsphere)
                && conversion
                && self
                    .plan
                    .pointer("/spec/runPreflightInspection")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
            windows_reboot: conversion && target != "off" && vm.is_some_and(|v| v.windows),
            resume: self.resume(),
        }
    }
}

/// Whether Migration `m` asks to resume a failed conversion (`spec.resumeConversion`).
pub fn resume_requested(m: &Value) -> bool {
    m.pointer("/spec/resumeConversion").and_then(Value::as_bool) == Some(true)
}

/// The precopy interval (minutes) and PVC name template for a source of `kind`: the
/// environment of the running forklift-controller pod (`PRECOPY_INTERVAL`,
/// `PVC_NAME_TEMPLATE`, `OCP_PVC_NAME_TEMPLATE`), which upstream reads once at start
/// (pkg/settings/migration.go:219), not the live ForkliftController spec.
fn controller_settings(ctx: &Ctx, kind: ProviderKind) -> (i64, Option<String>) {
    let s = crate::controllers::forklift_operator::running_settings(ctx);
    let template = if kind == ProviderKind::Openshift {
        s.ocp_pvc_name_template
    } else {
        s.pvc_name_template
    };
    (s.precopy_interval_minutes, template)
}
