//! Hook manifests: image, base64 playbook, service account, deadline, and the hook's
//! `forklift { … }` fields.

use base64::Engine;
use mtvt_lang::ir::HookIr;
use serde_json::json;

use super::{Manifest, Owner, merge_passthrough, object, set};
use crate::cluster::kinds;

/// A Hook CR for `hook`.
pub fn hook(name: &str, namespace: &str, owner: &Owner, hook: &HookIr) -> Manifest {
    let mut o = object(kinds::HOOK, name, Some(namespace), owner);
    let playbook = base64::engine::general_purpose::STANDARD.encode(hook.playbook_text.as_bytes());
    let mut spec = json!({"image": hook.image, "playbook": playbook});
    if let Some(sa) = &hook.service_account {
        set(&mut spec, "serviceAccount", json!(sa));
    }
    if let Some(d) = hook.deadline {
        set(&mut spec, "deadline", json!(d.0.div_ceil(1000)));
    }
    if let Some(extra) = &hook.forklift {
        merge_passthrough(&mut spec, extra);
    }
    set(&mut o.body, "spec", spec);
    o
}
