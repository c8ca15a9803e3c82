//! `mtvt job`: the manifests of an in-cluster, sharded run — a Namespace, a ServiceAccount
//! with a ClusterRole and its binding (`rbac`), the providers file as a Secret, a volume
//! claim for the results, and an Indexed Job whose pod `I` runs
//! `mtvt run --shard I/N` with the pod's ServiceAccount (in-cluster config) and writes its
//! reports to `/results/shard-I` (joined by `mtvt report merge`).
//!
//! Pure: it builds JSON values from its inputs; the CLI prints them as YAML. The providers
//! file's content goes into the Secret's `data` and nowhere else.

pub mod rbac;

use base64::Engine;
use serde_json::{Value, json};

/// Where the providers Secret is mounted in the pod.
pub const PROVIDERS_DIR: &str = "/etc/mtvt/providers";
/// The key (file name) of the providers file in the Secret.
pub const PROVIDERS_KEY: &str = "providers.json";
/// Where the results volume is mounted; shard `I` writes to `RESULTS_DIR/shard-I`.
pub const RESULTS_DIR: &str = "/results";
/// The env var Kubernetes sets to a pod's completion index.
pub const INDEX_ENV: &str = "JOB_COMPLETION_INDEX";
/// The annotation the Job controller puts the completion index in.
pub const INDEX_ANNOTATION: &str = "batch.kubernetes.io/job-completion-index";

/// What the Job is made of.
#[derive(Debug, Clone)]
pub struct JobSpec {
    /// Name of the Job (and prefix of the other objects).
    pub name: String,
    /// Namespace of the Job, its ServiceAccount, Secret and claim.
    pub namespace: String,
    /// The mtvt image.
    pub image: String,
    /// Shards (the Job's completions).
    pub shards: usize,
    /// Pods at a time.
    pub parallelism: usize,
    /// The providers file's content.
    pub providers: Vec<u8>,
    /// Size of the results claim (e.g. `1Gi`).
    pub results_size: String,
    /// Storage class of the results claim (default: the cluster's).
    pub results_storage_class: Option<String>,
    /// Arguments passed on to `mtvt run` (paths, `--provider`, selection...).
    pub run_args: Vec<String>,
}

impl JobSpec {
    fn service_account(&self) -> String {
        format!("{}-runner", self.name)
    }

    fn cluster_role(&self) -> String {
        format!("{}-{}-runner", self.namespace, self.name)
    }

    fn secret(&self) -> String {
        format!("{}-providers", self.name)
    }

    fn claim(&self) -> String {
        format!("{}-results", self.name)
    }

    fn labels(&self) -> Value {
        json!({"app.kubernetes.io/name": "mtvt", "app.kubernetes.io/instance": self.name})
    }
}

/// The arguments of the pod's `mtvt run`.
pub fn run_args(spec: &JobSpec) -> Vec<String> {
    let shard_dir = format!("{RESULTS_DIR}/shard-$({INDEX_ENV})");
    let mut args: Vec<String> = [
        "run",
        "--shard",
        &format!("$({INDEX_ENV})/{}", spec.shards),
        "--providers-file",
        &format!("{PROVIDERS_DIR}/{PROVIDERS_KEY}"),
        "--data-collector-path",
        &shard_dir,
        "--report-json",
        &format!("{shard_dir}/report.json"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(spec.run_args.iter().cloned());
    args
}

fn job(spec: &JobSpec) -> Value {
    json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": spec.name, "namespace": spec.namespace, "labels": spec.labels()},
        "spec": {
            "completionMode": "Indexed",
            "completions": spec.shards,
            "parallelism": spec.parallelism,
            "backoffLimit": 0,
            "template": {
                "metadata": {"labels": spec.labels()},
                "spec": {
                    "serviceAccountName": spec.service_account(),
                    "restartPolicy": "Never",
                    "containers": [{
                        "name": "mtvt",
                        "image": spec.image,
                        "command": ["mtvt"],
                        "args": run_args(spec),
                        "env": [{"name": INDEX_ENV, "valueFrom": {"fieldRef": {
                            "fieldPath": format!("metadata.annotations['{INDEX_ANNOTATION}']")}}}],
                        "volumeMounts": [
                            {"name": "providers", "mountPath": PROVIDERS_DIR, "readOnly": true},
                            {"name": "results", "mountPath": RESULTS_DIR},
                        ],
                    }],
                    "volumes": [
                        {"name": "providers", "secret": {"secretName": spec.secret()}},
                        {"name": "results", "persistentVolumeClaim": {"claimName": spec.claim()}},
                    ],
                },
            },
        },
    })
}

fn claim(spec: &JobSpec) -> Value {
    let mut c = json!({
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": spec.claim(), "namespace": spec.namespace, "labels": spec.labels()},
        "spec": {"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": spec.results_size}}},
    });
    if let (Some(sc), Some(s)) = (&spec.results_storage_class, c.get_mut("spec")) {
        s["storageClassName"] = json!(sc);
    }
    c
}

/// The manifests, in the order to apply them.
pub fn manifests(spec: &JobSpec) -> Vec<Value> {
    let (ns, sa) = (&spec.namespace, spec.service_account());
    let labels = spec.labels();
    let providers = base64::engine::general_purpose::STANDARD.encode(&spec.providers);
    vec![
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": labels}}),
        json!({"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": sa, "namespace": ns, "labels": labels}}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": spec.cluster_role(), "labels": labels}, "rules": rbac::rules()}),
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": {"name": spec.cluster_role(), "labels": labels},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": spec.cluster_role()},
            "subjects": [{"kind": "ServiceAccount", "name": sa, "namespace": ns}]}),
        json!({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": spec.secret(), "namespace": ns, "labels": labels},
            "data": {PROVIDERS_KEY: providers}}),
        claim(spec),
        job(spec),
    ]
}

/// The manifests as one multi-document YAML text (what `kubectl apply -f -` reads).
pub fn to_yaml(spec: &JobSpec) -> Result<String, String> {
    let mut out = String::new();
    for m in manifests(spec) {
        out.push_str("---\n");
        out.push_str(&serde_saphyr::to_string(&m).map_err(|e| e.to_string())?);
    }
    Ok(out)
}
