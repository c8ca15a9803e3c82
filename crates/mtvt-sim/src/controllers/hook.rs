//! Hook controller (`pkg/controller/hook`): a local hook needs an `image` and, when set, a
//! base64 `playbook`; an AAP hook needs `jobTemplateId > 0` and no image/playbook. Problems are
//! Critical conditions (`InvalidHookExecute`, `InvalidImage`, `InvalidPlaybook`/`DataError`);
//! otherwise `Ready`.

use base64::Engine;
use serde_json::json;

use super::conditions::{CRITICAL, Cnd, Conditions, REQUIRED};
use super::json_edit::text;
use super::runtime::{self, Key, Queue, Watch};
use super::{Ctx, Started, gvr};
use crate::store::object;

pub(super) fn spawn(ctx: &Ctx) -> Started {
    let c = ctx.clone();
    let queue = runtime::spawn(
        "hook",
        &ctx.store,
        &ctx.shutdown,
        vec![Watch::own(gvr::hooks())],
        move |q, key| reconcile(&c, q, key),
    );
    Started {
        queue,
        gvr: gvr::hooks(),
    }
}

fn reconcile(ctx: &Ctx, _q: &Queue, key: &Key) -> runtime::Outcome {
    let hook = ctx.store.get(&gvr::hooks(), &key.0, &key.1)?;
    let mut cnd = Conditions::stage(hook.pointer("/status/conditions"), &ctx.now());
    let image = text(&hook, "/spec/image");
    let playbook = text(&hook, "/spec/playbook");
    let aap = hook.pointer("/spec/aap").filter(|a| !a.is_null());
    match aap {
        Some(a) => {
            if a.get("jobTemplateId")
                .and_then(serde_json::Value::as_i64)
                .unwrap_or(0)
                <= 0
            {
                cnd.set(Cnd::new(
                    "InvalidHookExecute",
                    CRITICAL,
                    "NotValid",
                    "AAP hook requires a jobTemplateId greater than 0.",
                ));
            }
            if !image.is_empty() || !playbook.is_empty() {
                cnd.set(Cnd::new(
                    "InvalidHookExecute",
                    CRITICAL,
                    "NotValid",
                    "AAP hook must not set image or playbook.",
                ));
            }
        }
        None => {
            if image.is_empty() {
                cnd.set(Cnd::new(
                    "InvalidImage",
                    CRITICAL,
                    "NotSet",
                    "Hook image is required for a local hook.",
                ));
            }
            if !playbook.is_empty()
                && base64::engine::general_purpose::STANDARD
                    .decode(playbook.trim())
                    .is_err()
            {
                cnd.set(Cnd::new(
                    "InvalidPlaybook",
                    CRITICAL,
                    "DataError",
                    "Hook playbook is not valid base64.",
                ));
            }
        }
    }
    if !cnd.has_blocker() {
        cnd.set(Cnd::new("Ready", REQUIRED, "", "The hook is ready."));
    }
    ctx.store.merge_patch_status(&gvr::hooks(), &key.0, &key.1, &json!({"status": {"conditions": cnd.finish(), "observedGeneration": object::generation(&hook)}}))?;
    Ok(())
}
