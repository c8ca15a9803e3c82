//! The kubelet of mtvt's own pods (`mtvt job`): a Job pod whose image is the mtvt image
//! (same repository, any tag) runs as a local process of the mtvt binary, so a sharded
//! in-cluster run works end to end on the emulator. Every other pod keeps its emulated
//! kubelet ([`super::jobs`], [`super::kubelet`]).
//!
//! The process gets the container's `args` (`command` must be `mtvt`), its `env` (values,
//! `fieldRef`s — the completion index annotation among them — and `secretKeyRef`s) with
//! `$(VAR)` expanded as the kubelet does, and the pod's volumes as local directories under
//! the kubelet's directory: Secrets and ConfigMaps as files, emptyDirs, and claims shared
//! by every pod of the namespace (`<dir>/<namespace>/claims/<claim>`, where the results of
//! a run can be collected). A pod cannot mount at an absolute path here, so every
//! argument and env value that starts with a mount path is rewritten to the local
//! directory. In-cluster config: `KUBERNETES_SERVICE_HOST`/`PORT` point at this API server,
//! `MTVT_SERVICEACCOUNT_DIR` at the ServiceAccount files (token, ca.crt, namespace). The
//! pod is Running while the process runs, then Succeeded or Failed with its exit code; its
//! output is the pod log.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::json_edit::text;
use super::{Ctx, gvr};
use crate::store::object;

/// The image `mtvt job` renders by default (what `podman build -t mtvt .` names the image
/// of the repository's Dockerfile).
pub const MTVT_IMAGE: &str = "localhost/mtvt:latest";

/// How the emulator runs mtvt pods.
#[derive(Clone, Debug)]
pub struct MtvtKubelet {
    /// Pods of an image of this repository (any tag or digest) run as processes.
    pub image: String,
    /// The mtvt binary to run.
    pub binary: PathBuf,
    /// Working directory of the processes (where the pods' relative scenario paths resolve,
    /// as `/opt/mtvt` in the image).
    pub workdir: PathBuf,
    /// Where pod files and claims live.
    pub dir: PathBuf,
    started: Arc<Mutex<HashSet<String>>>,
}

/// `quay.io/x/mtvt:1.0` → `quay.io/x/mtvt` (no tag, no digest).
fn repository(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    match no_digest.rsplit_once(':') {
        Some((repo, tag)) if !tag.contains('/') => repo,
        _ => no_digest,
    }
}

impl MtvtKubelet {
    /// Runs pods of `image` with `binary` in `workdir`, their files under `dir`.
    pub fn new(image: &str, binary: PathBuf, workdir: PathBuf, dir: PathBuf) -> Self {
        MtvtKubelet {
            image: image.to_string(),
            binary,
            workdir,
            dir,
            started: Arc::default(),
        }
    }

    /// Whether `pod` is an mtvt pod.
    pub fn runs(&self, pod: &Value) -> bool {
        repository(text(pod, "/spec/containers/0/image")) == repository(&self.image)
    }
}

/// Starts the process of a scheduled mtvt pod (once); its end is reported by the task
/// waiting on it.
pub(super) fn reconcile(ctx: &Ctx, k: &MtvtKubelet, pod: &Value) -> super::runtime::Outcome {
    if text(pod, "/status/phase") != "Pending" {
        return Ok(());
    }
    let id = object::uid(pod).to_string();
    let first = k
        .started
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(id);
    if !first {
        return Ok(());
    }
    let (ns, name) = (object::namespace(pod), object::name(pod));
    match super::mtvt_pods_exec::prepare(ctx, k, pod) {
        Ok(cmd) => {
            let status = super::kubelet::running_status(pod, &ctx.now());
            ctx.store
                .merge_patch_status(&gvr::pods(), ns, name, &json!({ "status": status }))?;
            super::mtvt_pods_exec::spawn(ctx.clone(), pod.clone(), cmd);
        }
        Err(why) => finish(ctx, pod, 1, &format!("mtvt kubelet: {why}\n"))?,
    }
    Ok(())
}

/// Ends a pod with the exit code of its process and its output as the log.
pub(super) fn finish(
    ctx: &Ctx,
    pod: &Value,
    code: i32,
    log: &str,
) -> Result<(), crate::store::ApiError> {
    let (ns, name) = (object::namespace(pod), object::name(pod));
    let now = ctx.now();
    if !log.is_empty() {
        ctx.store.append_pod_log(ns, name, log);
    }
    let (phase, reason) = if code == 0 {
        ("Succeeded", "Completed")
    } else {
        ("Failed", "Error")
    };
    let current = ctx.store.get(&gvr::pods(), ns, name)?;
    let started = Some(text(&current, "/status/startTime").to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or(now.clone());
    ctx.store.merge_patch_status(&gvr::pods(), ns, name, &json!({"status": {
        "phase": phase, "startTime": started,
        "conditions": [{"type": "PodScheduled", "status": "True", "lastTransitionTime": started},
                       {"type": "Ready", "status": "False", "reason": "PodCompleted", "lastTransitionTime": now}],
        "containerStatuses": [{"name": text(pod, "/spec/containers/0/name"), "image": text(pod, "/spec/containers/0/image"),
            "imageID": "", "ready": false, "restartCount": 0, "started": false,
            "state": {"terminated": {"exitCode": code, "reason": reason, "startedAt": started, "finishedAt": now}}}],
    }}))?;
    Ok(())
}

/// The local directory of a pod's files.
pub(super) fn pod_dir(k: &MtvtKubelet, pod: &Value) -> PathBuf {
    k.dir
        .join(object::namespace(pod))
        .join("pods")
        .join(object::name(pod))
}

/// The local directory of a claim.
pub fn claim_dir(dir: &Path, namespace: &str, claim: &str) -> PathBuf {
    dir.join(namespace).join("claims").join(claim)
}

/// Mount path → local directory, longest mount path first.
pub(super) type Mounts = Vec<(String, PathBuf)>;

/// Rewrites a value that starts with a mount path to the local directory.
pub(super) fn rewrite(value: &str, mounts: &Mounts) -> String {
    for (mount, local) in mounts {
        if let Some(rest) = value.strip_prefix(mount.as_str())
            && (rest.is_empty() || rest.starts_with('/'))
        {
            return format!("{}{rest}", local.display());
        }
    }
    value.to_string()
}

/// `$(VAR)` expanded from `env` (unknown references stay, `$$(` is a literal `$(`).
pub(super) fn expand(value: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find("$(") {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        if before.ends_with('$') {
            out.pop();
            out.push_str("$(");
            rest = after.get(2..).unwrap_or_default();
            continue;
        }
        match after.find(')') {
            Some(j) => {
                let name = after.get(2..j).unwrap_or_default();
                match env.get(name) {
                    Some(v) => out.push_str(v),
                    None => out.push_str(after.get(..=j).unwrap_or_default()),
                }
                rest = after.get(j + 1..).unwrap_or_default();
            }
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_match_by_repository() {
        let k = MtvtKubelet::new(MTVT_IMAGE, "m".into(), ".".into(), ".".into());
        for (image, runs) in [
            ("localhost/mtvt:latest", true),
            ("localhost/mtvt:v2", true),
            ("localhost/mtvt@sha256:00", true),
            ("localhost/mtvt", true),
            ("quay.io/konveyor/hook-runner", false),
            ("localhost:5000/mtvt:1", false),
        ] {
            let pod = json!({"spec": {"containers": [{"image": image}]}});
            assert_eq!(k.runs(&pod), runs, "{image}");
        }
    }

    #[test]
    fn env_references_and_mounts() {
        let env: BTreeMap<String, String> = [("I".to_string(), "2".to_string())].into();
        assert_eq!(expand("$(I)/3", &env), "2/3");
        assert_eq!(expand("$(NO)-$$(I)", &env), "$(NO)-$(I)");
        let mounts: Mounts = vec![("/results".into(), PathBuf::from("/tmp/c"))];
        assert_eq!(rewrite("/results/shard-2", &mounts), "/tmp/c/shard-2");
        assert_eq!(rewrite("/results2", &mounts), "/results2");
    }
}
