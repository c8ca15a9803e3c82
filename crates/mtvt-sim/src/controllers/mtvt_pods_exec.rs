//! The process side of [`super::mtvt_pods`]: the pod's files (volumes, ServiceAccount), its
//! environment and command line, and the task that waits for the process and ends the pod.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;

use base64::Engine;
use serde_json::Value;

use super::json_edit::text;
use super::mtvt_pods::{Mounts, MtvtKubelet, claim_dir, expand, finish, pod_dir, rewrite};
use super::{Ctx, gvr};
use crate::store::object;

/// What to run.
pub(super) struct Prepared {
    program: std::path::PathBuf,
    args: Vec<String>,
    env: BTreeMap<String, String>,
    workdir: std::path::PathBuf,
}

fn io(what: &Path) -> impl Fn(std::io::Error) -> String + '_ {
    move |e| format!("{}: {e}", what.display())
}

/// Writes the files of a Secret's or ConfigMap's data into `dir`.
fn write_data(dir: &Path, data: Option<&Value>, base64: bool) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    for (key, v) in data.and_then(Value::as_object).into_iter().flatten() {
        let raw = v.as_str().unwrap_or_default();
        let bytes = if base64 {
            base64::engine::general_purpose::STANDARD
                .decode(raw)
                .map_err(|e| format!("key {key}: {e}"))?
        } else {
            raw.as_bytes().to_vec()
        };
        let path = dir.join(key);
        std::fs::write(&path, bytes).map_err(io(&path))?;
    }
    Ok(())
}

/// The pod's volumes as local directories, by volume name.
fn volumes(
    ctx: &Ctx,
    k: &MtvtKubelet,
    pod: &Value,
) -> Result<BTreeMap<String, std::path::PathBuf>, String> {
    let ns = object::namespace(pod);
    let root = pod_dir(k, pod).join("volumes");
    let mut out = BTreeMap::new();
    for v in pod
        .pointer("/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = text(v, "/name").to_string();
        let local = root.join(&name);
        if let Some(secret) = v.get("secret") {
            let s = ctx
                .store
                .get(&gvr::secrets(), ns, text(secret, "/secretName"))
                .map_err(|e| format!("volume {name}: {e}"))?;
            write_data(&local, s.get("data"), true)?;
        } else if let Some(cm) = v.get("configMap") {
            let c = ctx
                .store
                .get(&gvr::config_maps(), ns, text(cm, "/name"))
                .map_err(|e| format!("volume {name}: {e}"))?;
            write_data(&local, c.get("data"), false)?;
        } else if let Some(claim) = v.get("persistentVolumeClaim") {
            let dir = claim_dir(&k.dir, ns, text(claim, "/claimName"));
            std::fs::create_dir_all(&dir).map_err(io(&dir))?;
            out.insert(name, dir);
            continue;
        } else {
            std::fs::create_dir_all(&local).map_err(io(&local))?;
        }
        out.insert(name, local);
    }
    Ok(out)
}

/// A `fieldRef` of the pod: name, namespace, uid, an annotation or a label.
fn field(pod: &Value, path: &str) -> Option<String> {
    let keyed = |prefix: &str, map: &str| {
        path.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix("']"))
            .and_then(|key| pod.pointer(map).and_then(|m| m.get(key)))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    match path {
        "metadata.name" => Some(object::name(pod).to_string()),
        "metadata.namespace" => Some(object::namespace(pod).to_string()),
        "metadata.uid" => Some(object::uid(pod).to_string()),
        _ => keyed("metadata.annotations['", "/metadata/annotations")
            .or_else(|| keyed("metadata.labels['", "/metadata/labels")),
    }
}

/// The container's env, in order, each value expanded against the ones before it.
fn container_env(ctx: &Ctx, pod: &Value, c: &Value) -> Result<BTreeMap<String, String>, String> {
    let mut env = BTreeMap::new();
    for e in c.get("env").and_then(Value::as_array).into_iter().flatten() {
        let name = text(e, "/name").to_string();
        let value = if let Some(v) = e.get("value").and_then(Value::as_str) {
            expand(v, &env)
        } else if let Some(path) = e
            .pointer("/valueFrom/fieldRef/fieldPath")
            .and_then(Value::as_str)
        {
            field(pod, path).ok_or_else(|| format!("env {name}: no field {path}"))?
        } else if let Some(r) = e.pointer("/valueFrom/secretKeyRef") {
            let s = ctx
                .store
                .get(&gvr::secrets(), object::namespace(pod), text(r, "/name"))
                .map_err(|e| format!("env {name}: {e}"))?;
            let raw = s
                .pointer("/data")
                .and_then(|d| d.get(text(r, "/key")))
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    format!(
                        "env {name}: no key {} in secret {}",
                        text(r, "/key"),
                        text(r, "/name")
                    )
                })?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(raw)
                .map_err(|e| format!("env {name}: {e}"))?;
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            return Err(format!(
                "env {name}: only value, fieldRef and secretKeyRef are supported"
            ));
        };
        env.insert(name, value);
    }
    Ok(env)
}

/// Writes the ServiceAccount files of a pod (token, ca.crt, namespace); their directory.
fn service_account(ctx: &Ctx, k: &MtvtKubelet, pod: &Value) -> Result<std::path::PathBuf, String> {
    let sa = pod_dir(k, pod).join("serviceaccount");
    std::fs::create_dir_all(&sa).map_err(io(&sa))?;
    for (file, content) in [
        ("token", ctx.settings.token.as_str()),
        ("ca.crt", ctx.settings.ca_pem.as_str()),
        ("namespace", object::namespace(pod)),
    ] {
        let p = sa.join(file);
        std::fs::write(&p, content).map_err(io(&p))?;
    }
    Ok(sa)
}

/// Writes the pod's files and works out its process.
pub(super) fn prepare(ctx: &Ctx, k: &MtvtKubelet, pod: &Value) -> Result<Prepared, String> {
    let c = pod
        .pointer("/spec/containers/0")
        .cloned()
        .unwrap_or(Value::Null);
    let strings = |key: &str| -> Vec<String> {
        c.get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    };
    let (command, args) = (strings("command"), strings("args"));
    let program_ok = command
        .first()
        .is_none_or(|p| Path::new(p).file_name().is_some_and(|f| f == "mtvt"));
    if !program_ok || command.len() > 1 {
        return Err(format!(
            "the emulator runs only `mtvt` in mtvt pods, not {command:?}"
        ));
    }
    let vols = volumes(ctx, k, pod)?;
    let mut mounts: Mounts = (c
        .get("volumeMounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten())
    .filter_map(|m| {
        vols.get(text(m, "/name"))
            .map(|d| (text(m, "/mountPath").to_string(), d.clone()))
    })
    .collect();
    mounts.sort_by_key(|(m, _)| std::cmp::Reverse(m.len()));
    let sa = service_account(ctx, k, pod)?;
    let mut env = container_env(ctx, pod, &c)?;
    let args: Vec<String> = args
        .iter()
        .map(|a| rewrite(&expand(a, &env), &mounts))
        .collect();
    for v in env.values_mut() {
        *v = rewrite(v, &mounts);
    }
    let (host, port) = ctx
        .settings
        .api_host
        .rsplit_once(':')
        .unwrap_or(("127.0.0.1", "443"));
    for (key, value) in [
        ("KUBERNETES_SERVICE_HOST", host.to_string()),
        ("KUBERNETES_SERVICE_PORT", port.to_string()),
        ("MTVT_SERVICEACCOUNT_DIR", sa.display().to_string()),
        ("HOME", pod_dir(k, pod).display().to_string()),
    ] {
        env.insert(key.into(), value);
    }
    if let Some(path) = std::env::var_os("PATH") {
        env.entry("PATH".into())
            .or_insert_with(|| path.to_string_lossy().into_owned());
    }
    Ok(Prepared {
        program: k.binary.clone(),
        args,
        env,
        workdir: k.workdir.clone(),
    })
}

/// Runs the process; its output becomes the pod log, its exit the pod's end.
pub(super) fn spawn(ctx: Ctx, pod: Value, p: Prepared) {
    tokio::spawn(async move {
        let child = tokio::process::Command::new(&p.program)
            .args(&p.args)
            .env_clear()
            .envs(&p.env)
            .current_dir(&p.workdir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn();
        let (code, log) = match child {
            Err(e) => (
                1,
                format!("mtvt kubelet: cannot start {}: {e}\n", p.program.display()),
            ),
            Ok(child) => tokio::select! {
                out = child.wait_with_output() => match out {
                    Ok(o) => (o.status.code().unwrap_or(137), format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))),
                    Err(e) => (1, format!("mtvt kubelet: {e}\n")),
                },
                _ = ctx.shutdown.cancelled() => return,
            },
        };
        if let Err(e) = finish(&ctx, &pod, code, &log) {
            tracing::warn!("mtvt kubelet: cannot end pod {}: {e}", object::name(&pod));
        }
    });
}
