//! The xcopy volume populator's ssh clone method (`esxiCloneMethod: ssh` on the source
//! Provider). Before cloning a disk the populator logs in to the ESXi host that runs the VM
//! with the provider's key (cmd/vsphere-copy-offload-populator/internal/populator/
//! remote_esxcli.go:298-333): no key material fails at once (`NewWithRemoteEsxcliSSH`,
//! remote_esxcli.go:100-103); a host without the restricted key line fails with
//! "manual SSH key configuration required" (internal/vmware/ssh_client.go:160-199); a line
//! whose forced command runs the other version's wrapper (Python before 2.11, shell since)
//! passes the connectivity test but not the clone (remote_esxcli.go:485-489 since 2.11).
//!
//! [`annotate`] records on the populator PVC what the populator reads (method, host,
//! provider); [`clone_error`] is the populator's verdict. Neither writes anything else.

use serde_json::{Value, json};

use super::Ctx;
use super::catalog::SourceVm;
use super::gvr;
use super::json_edit::text;
use super::provider::ssh::{public_key, uses_ssh};
use crate::esxi::KeyAccess;

const METHOD: &str = "forklift.konveyor.io/xcopy-esxi-clone-method";
const HOST: &str = "forklift.konveyor.io/xcopy-esxi-host";
const PROVIDER: &str = "forklift.konveyor.io/xcopy-provider";

/// Adds the ssh clone method's inputs to populator PVC `pvc` of `vm` (source `provider`).
pub(super) fn annotate(ctx: &Ctx, provider: &Value, vm: &SourceVm, pvc: &mut Value) {
    if !uses_ssh(provider) {
        return;
    }
    let host = vm
        .lab_provider
        .as_deref()
        .and_then(|p| {
            let world = ctx.lab.world();
            world
                .provider(p)
                .and_then(|p| p.vm(&vm.id))
                .map(|v| v.host.clone())
        })
        .unwrap_or_default();
    let provider_ref = format!(
        "{}/{}",
        text(provider, "/metadata/namespace"),
        text(provider, "/metadata/name")
    );
    if let Some(a) = pvc
        .pointer_mut("/metadata/annotations")
        .and_then(Value::as_object_mut)
    {
        a.insert(METHOD.into(), json!("ssh"));
        a.insert(HOST.into(), json!(host));
        a.insert(PROVIDER.into(), json!(provider_ref));
    }
}

/// Why the populator of `pvc` cannot clone through SSH; `None` when it can (or the PVC
/// does not use the ssh method).
pub(super) fn clone_error(ctx: &Ctx, pvc: &Value) -> Option<String> {
    let ann = |k: &str| {
        pvc.pointer("/metadata/annotations")
            .and_then(|a| a.get(k))
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    if ann(METHOD) != "ssh" {
        return None;
    }
    let (ns, name) = ann(PROVIDER).split_once('/').unwrap_or_default();
    let key = ctx
        .store
        .get(&gvr::providers(), ns, name)
        .ok()
        .and_then(|p| public_key(ctx, &p));
    let Some(key) = key else {
        return Some("failed to create populator: ssh key material must be non-empty".into());
    };
    let host = ann(HOST);
    let (access, version) = ctx
        .esxi
        .with(host, |h| (h.key_access(&key), h.version.clone()))
        .unwrap_or((KeyAccess::Denied, String::new()));
    match access {
        KeyAccess::Ready => None,
        KeyAccess::Denied => Some(format!(
            "failed to enable SSH access: manual SSH key configuration required for ESXi {version} - see logs for instructions"
        )),
        KeyAccess::OtherWrapper => Some(format!(
            "failed to clone: the SSH key's forced command on ESXi {version} runs a vmkfstools wrapper this populator does not upload (install the restricted line Forklift prints in the provider's SSHNotReady suggestion)"
        )),
    }
}
