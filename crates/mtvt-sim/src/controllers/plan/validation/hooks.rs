//! The hooks a plan's VMs reference: they must exist with an image (or AAP job), be `Ready`,
//! and run at `PreHook` or `PostHook`.

use serde_json::Value;

use super::super::super::Ctx;
use super::super::super::conditions::{CRITICAL, Cnd, Conditions, has_condition};
use super::super::super::gvr;
use super::super::super::json_edit::text;

pub(super) fn validate_hooks(ctx: &Ctx, plan: &Value, cnd: &mut Conditions) {
    let (mut not_valid, mut not_ready, mut step_bad) = (Vec::new(), Vec::new(), Vec::new());
    for vm in plan
        .pointer("/spec/vms")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for h in vm
            .get("hooks")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let ns = text(h, "/hook/namespace");
            let name = text(h, "/hook/name");
            let step = text(h, "/step");
            let item = format!("{ns}/{name}");
            if !matches!(step, "PreHook" | "PostHook") {
                step_bad.push(format!("{item} step:{step}"));
            }
            if ns.is_empty() || name.is_empty() {
                not_valid.push(item);
                continue;
            }
            match ctx.store.get(&gvr::hooks(), ns, name) {
                Err(_) => not_valid.push(item),
                Ok(hk) => {
                    if text(&hk, "/spec/image").is_empty() && hk.pointer("/spec/aap").is_none() {
                        not_valid.push(item);
                    } else if !has_condition(&hk, "Ready") {
                        not_ready.push(item);
                    }
                }
            }
        }
    }
    if !not_valid.is_empty() {
        cnd.set(
            Cnd::new("HookNotValid", CRITICAL, "NotFound", "Hook is not valid.").items(not_valid),
        );
    }
    if !not_ready.is_empty() {
        cnd.set(
            Cnd::new(
                "HookNotReady",
                CRITICAL,
                "",
                "Hook does not have `Ready` condition.",
            )
            .items(not_ready),
        );
    }
    if !step_bad.is_empty() {
        cnd.set(
            Cnd::new(
                "HookStepNotValid",
                CRITICAL,
                "NotValid",
                "Hook step is not valid.",
            )
            .items(step_bad),
        );
    }
}
