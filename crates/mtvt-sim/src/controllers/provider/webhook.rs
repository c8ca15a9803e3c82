//! Forklift's Provider admission webhooks for vSphere's `sdkEndpoint`: the mutator sets
//! `vcenter` when a vSphere Provider has none
//! (pkg/forklift-api/webhooks/mutating-webhook/mutators/provider-mutator.go:67-80), the
//! admitter rejects values other than `vcenter` and `esxi`
//! (validating-webhook/admitters/provider-admitter.go:18-24). Status writes are never
//! checked. Nothing else of the Provider webhooks is modelled.

use serde_json::{Value, json};

use crate::store::{AdmissionRequest, ApiError, Reason};

fn is_vsphere(p: &Value) -> bool {
    p.pointer("/spec/type").and_then(Value::as_str) == Some("vsphere")
}

/// Sets `spec.settings.sdkEndpoint: vcenter` on a vSphere Provider that has none.
pub fn mutate(req: &AdmissionRequest<'_>, p: &mut Value) -> Result<(), ApiError> {
    if req.subresource.is_some() || !is_vsphere(p) {
        return Ok(());
    }
    if let Some(spec) = p.get_mut("spec").and_then(Value::as_object_mut) {
        let settings = spec.entry("settings").or_insert_with(|| json!({}));
        if let Some(s) = settings.as_object_mut() {
            s.entry("sdkEndpoint").or_insert_with(|| json!("vcenter"));
        }
    }
    Ok(())
}

/// Rejects a vSphere `sdkEndpoint` other than `vcenter` or `esxi`.
pub fn validate(req: &AdmissionRequest<'_>, p: &Value) -> Result<(), ApiError> {
    if req.subresource.is_some() || !is_vsphere(p) {
        return Ok(());
    }
    match p
        .pointer("/spec/settings/sdkEndpoint")
        .and_then(Value::as_str)
    {
        None | Some("vcenter" | "esxi") => Ok(()),
        Some(other) => Err(ApiError::denied_by_webhook(
            "validate-provider.forklift.konveyor.io",
            Reason::BadRequest,
            &format!("vSphere provider is set with an invalid SDK endpoint type endpoint {other}"),
        )),
    }
}
