//! Plan validation (`pkg/controller/plan/validation.go` and the adapters' validators): the
//! provider pair, target namespace, maps, warm and migration-type support, hooks, name
//! templates and the per-VM checks, each as a staged condition with Forklift's type,
//! category, reason, message and `items`. `Ready` is decided by the caller.

mod destination;
mod hooks;
mod maps;
mod support;
mod vddk;
mod vm_concerns;
mod vms;

pub use maps::{network_entry, storage_entry, uses_offload};
pub use vms::{pvc_data, target_name, validate_vms};

use std::sync::Arc;

use mtvt_k8s_names::is_dns1123_subdomain;
use serde_json::Value;

use super::super::Ctx;
use super::super::conditions::{CRITICAL, Cnd, Conditions};
use super::super::json_edit::text;
use super::super::maps::validate_provider_pair;
use crate::lab::ProviderKind;
use crate::store::object;

/// What validation resolved, for execution.
#[derive(Default)]
pub struct Referenced {
    /// Source Provider CR.
    pub source: Option<Arc<Value>>,
    /// Destination Provider CR.
    pub destination: Option<Arc<Value>>,
    /// NetworkMap.
    pub network_map: Option<Arc<Value>>,
    /// StorageMap.
    pub storage_map: Option<Arc<Value>>,
}

/// Whether the plan is warm (`warm: true` wins over `type`).
pub fn is_warm(plan: &Value) -> bool {
    plan.pointer("/spec/warm").and_then(Value::as_bool) == Some(true)
        || text(plan, "/spec/type") == "warm"
}

/// The provider kind of a Provider CR.
pub fn kind_of(provider: &Value) -> Option<ProviderKind> {
    text(provider, "/spec/type").parse().ok()
}

/// Validates the plan-level fields; returns what it resolved.
pub fn validate_plan(ctx: &Ctx, plan: &Value, cnd: &mut Conditions) -> Referenced {
    let mut r = Referenced::default();
    let (source, destination) = validate_provider_pair(ctx, plan.pointer("/spec/provider"), cnd);
    r.source = source;
    r.destination = destination;
    if cnd.has("SourceProviderNotReady") || r.source.is_none() {
        return r;
    }
    let tns = text(plan, "/spec/targetNamespace");
    validate_target_namespace(tns, cnd);
    let src_type = r
        .source
        .as_ref()
        .map(|s| text(s, "/spec/type").to_string())
        .unwrap_or_default();
    r.network_map = maps::map_ref(ctx, plan, "network", cnd);
    if let Some(nm) = &r.network_map {
        maps::check_network_map(plan, &src_type, nm, tns, cnd);
    }
    if text(plan, "/spec/type") != "conversion" {
        r.storage_map = maps::map_ref(ctx, plan, "storage", cnd);
    }
    if cnd.has_blocker() {
        return r;
    }
    support::check_support(ctx, plan, &src_type, cnd);
    hooks::validate_hooks(ctx, plan, cnd);
    if let Some(source) = &r.source
        && let Err(e) = vddk::validate(ctx, plan, source, r.storage_map.as_ref(), cnd)
    {
        tracing::warn!(plan = %object::name(plan), "VDDK validation: {e}");
    }
    support::check_templates(plan, &src_type, cnd);
    r
}

fn validate_target_namespace(tns: &str, cnd: &mut Conditions) {
    if tns.is_empty() {
        cnd.set(Cnd::new(
            "NamespaceNotValid",
            CRITICAL,
            "NotSet",
            "Target namespace is not valid.",
        ));
    } else if !is_dns1123_subdomain(tns) {
        cnd.set(Cnd::new(
            "NamespaceNotValid",
            CRITICAL,
            "NotValid",
            "Target namespace is not valid.",
        ));
    }
}
