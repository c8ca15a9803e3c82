//! What the Forklift operator's Ansible role renders from a ForkliftController spec
//! (kubev2v/forklift `operator/roles/forkliftcontroller/templates/`): the Deployments of
//! forklift-controller (containers `main` and `inventory`), forklift-api and, by feature
//! flag, forklift-validation, forklift-ui-plugin, forklift-volume-populator-controller,
//! forklift-cli-download and forklift-mcp-server, plus the controller's ConfigMap; and the
//! operator's own Deployment, which OLM creates from the CSV
//! (`operator/config/manager/manager.yaml`). Names, labels and container names are
//! upstream's; images are upstream's public ones unless the spec's `*_image_fqin` says
//! otherwise.
//!
//! Only the environment a client or the emulated controller reads is rendered: settings
//! that are numbers (`controller_precopy_interval`, ...) become env vars only when they are
//! numbers, as the templates' `is number` tests do
//! (`templates/controller/deployment-controller.yml.j2:79-82`,
//! `configmap-controller.yml.j2:13-15`).

use serde_json::{Map, Value, json};

/// The app label of every Forklift workload (`app_name`, roles/forkliftcontroller/defaults).
pub const APP: &str = "forklift";

/// The default virt-v2v image of the forklift-controller (`VIRT_V2V_IMAGE`).
pub const VIRT_V2V_IMAGE: &str = "quay.io/kubev2v/forklift-virt-v2v:latest";

/// The default XFS-compatible virt-v2v image (`VIRT_V2V_IMAGE_XFS`), built on RHEL 9.
pub const VIRT_V2V_IMAGE_XFS: &str = "quay.io/kubev2v/forklift-virt-v2v-rhel9:latest";

/// Numeric spec fields and the env var each becomes on the controller's `main` container.
const NUMERIC_ENV: [(&str, &str); 4] = [
    ("controller_log_level", "LOG_LEVEL"),
    ("controller_precopy_interval", "PRECOPY_INTERVAL"),
    (
        "controller_blocker_grace_period_minutes",
        "BLOCKER_GRACE_PERIOD_MINUTES",
    ),
    ("controller_max_vm_inflight", "MAX_VM_INFLIGHT"),
];

/// Ansible's `|bool` of a spec value (`"true"`, `"yes"`, `"on"`, `"1"`, `true`), or
/// `default` when the field is absent.
pub fn flag(spec: &Value, field: &str, default: bool) -> bool {
    match spec.get(field) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "yes" | "on" | "1" | "y"
        ),
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => default,
    }
}

fn text<'a>(spec: &'a Value, field: &str) -> Option<&'a str> {
    spec.get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn image(spec: &Value, fqin_field: &str, default: &str) -> String {
    text(spec, fqin_field).unwrap_or(default).to_string()
}

fn env(name: &str, value: impl Into<Value>) -> Value {
    json!({"name": name, "value": value.into()})
}

fn pod_namespace() -> Value {
    json!({"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}})
}

/// A Deployment of one service: metadata labels, selector, template labels and containers.
fn deployment(
    ns: &str,
    name: &str,
    meta_labels: Value,
    selector: Value,
    template_labels: Value,
    containers: Vec<Value>,
) -> Value {
    let mut d = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": selector},
            "template": {"metadata": {"labels": template_labels}, "spec": {
                "serviceAccountName": name, "containers": containers,
            }},
        },
    });
    if !meta_labels.is_null()
        && let Some(m) = d.pointer_mut("/metadata").and_then(Value::as_object_mut)
    {
        m.insert("labels".into(), meta_labels);
    }
    d
}

/// A deployment labelled `app: forklift, service: <name>` everywhere (api, validation, UI
/// plugin, CLI download, MCP server).
fn service(ns: &str, name: &str, container: Value) -> Value {
    let labels = json!({"app": APP, "service": name});
    deployment(
        ns,
        name,
        labels.clone(),
        labels.clone(),
        labels,
        vec![container],
    )
}

fn container(name: &str, image: String, env: Vec<Value>) -> Value {
    json!({"name": name, "image": image, "imagePullPolicy": "Always", "env": env,
           "resources": {"requests": {"cpu": "100m", "memory": "150Mi"}}})
}

/// The `main` container's environment.
fn main_env(spec: &Value, ns: &str) -> Vec<Value> {
    let mut out = vec![
        pod_namespace(),
        env("ROLE", "main"),
        env(
            "API_HOST",
            format!("forklift-inventory.{ns}.svc.cluster.local"),
        ),
        env("KUBEVIRT_CLIENT_GO_SCHEME_REGISTRATION_VERSION", "v1"),
        env(
            "VIRT_V2V_IMAGE",
            image(spec, "virt_v2v_image_fqin", VIRT_V2V_IMAGE),
        ),
        // deployment-controller.yml.j2:51-52: the RHEL 9 virt-v2v (manager.yaml:59-60),
        // which still reads XFS v4, for plans with `xfsCompatibility`.
        env(
            "VIRT_V2V_IMAGE_XFS",
            image(spec, "virt_v2v_image_xfs_fqin", VIRT_V2V_IMAGE_XFS),
        ),
        env("API_PORT", "8443"),
        env("METRICS_PORT", "8081"),
        env("OPENSHIFT", "true"),
    ];
    for (field, var) in NUMERIC_ENV {
        if let Some(n) = spec.get(field).filter(|v| v.is_number()) {
            out.push(env(var, n.to_string()));
        }
    }
    if let Some(v) = text(spec, "vddk_image") {
        out.push(env("VDDK_IMAGE", v));
    }
    if let Some(v) = text(spec, "controller_pvc_name_template") {
        out.push(env("PVC_NAME_TEMPLATE", v));
    }
    if let Some(v) = text(spec, "controller_ocp_pvc_name_template") {
        out.push(env("OCP_PVC_NAME_TEMPLATE", v));
    }
    if flag(spec, "feature_copy_offload", true) {
        out.push(env("FEATURE_COPY_OFFLOAD", "true"));
    }
    if flag(spec, "controller_ovirt_warm_migration", true) {
        out.push(env("FEATURE_OVIRT_WARM_MIGRATION", "true"));
    }
    out
}

/// forklift-controller: the controller (`main`) and the inventory in one pod.
fn controller(spec: &Value, ns: &str) -> Value {
    let img = image(
        spec,
        "controller_image_fqin",
        "quay.io/kubev2v/forklift-controller:latest",
    );
    let labels = json!({"app": APP, "control-plane": "controller-manager", "controller-tools.k8s.io": "1.0"});
    let mut template_labels = labels.clone();
    if let Some(m) = template_labels.as_object_mut() {
        m.insert("prometheus.forklift.konveyor.io".into(), json!("true"));
    }
    let mut main = container("main", img.clone(), main_env(spec, ns));
    if let Some(m) = main.as_object_mut() {
        m.insert(
            "command".into(),
            json!(["/usr/local/bin/forklift-controller"]),
        );
        m.insert(
            "envFrom".into(),
            json!([{"configMapRef": {"name": "forklift-controller-config"}}]),
        );
    }
    let inventory_env = vec![
        pod_namespace(),
        env("ROLE", "inventory"),
        env("KUBEVIRT_CLIENT_GO_SCHEME_REGISTRATION_VERSION", "v1"),
        env(
            "AUTH_REQUIRED",
            if flag(spec, "feature_auth_required", true) {
                "true"
            } else {
                "false"
            },
        ),
        env("API_PORT", "8443"),
        env(
            "API_TLS_CERTIFICATE",
            "/var/run/secrets/forklift-inventory-serving-cert/tls.crt",
        ),
        env(
            "API_TLS_KEY",
            "/var/run/secrets/forklift-inventory-serving-cert/tls.key",
        ),
        env("OPENSHIFT", "true"),
    ];
    let mut inventory = container("inventory", img, inventory_env);
    if let Some(m) = inventory.as_object_mut() {
        m.insert(
            "command".into(),
            json!(["/usr/local/bin/forklift-controller"]),
        );
        m.insert(
            "ports".into(),
            json!([{"name": "api-https", "containerPort": 8443, "protocol": "TCP"}]),
        );
    }
    deployment(
        ns,
        "forklift-controller",
        labels.clone(),
        labels,
        template_labels,
        vec![main, inventory],
    )
}

/// The controller's ConfigMap (`forklift-controller-config`, read with `envFrom`).
pub fn controller_config(spec: &Value, ns: &str) -> Value {
    let mut data = Map::new();
    data.insert("WORKING_DIR".into(), json!("/var/cache/inventory"));
    if let Some(n) = spec
        .get("controller_precopy_interval")
        .filter(|v| v.is_number())
    {
        data.insert("PRECOPY_INTERVAL".into(), json!(n.to_string()));
    }
    if let Some(n) = spec
        .get("controller_max_vm_inflight")
        .filter(|v| v.is_number())
    {
        data.insert("MAX_VM_INFLIGHT".into(), json!(n.to_string()));
    }
    if let Some(v) = text(spec, "vddk_image") {
        data.insert("VDDK_IMAGE".into(), json!(v));
    }
    json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "forklift-controller-config", "namespace": ns, "labels": {
            "app": APP, "service": "forklift-controller", "control-plane": "controller-manager",
            "controller-tools.k8s.io": "1.0"}},
        "data": data,
    })
}

/// Every Deployment the operator keeps for `spec`, and the names of the optional ones it
/// removes (feature off).
pub fn deployments(spec: &Value, ns: &str) -> (Vec<Value>, Vec<&'static str>) {
    let mut keep = vec![
        controller(spec, ns),
        service(
            ns,
            "forklift-api",
            container(
                "forklift-api",
                image(
                    spec,
                    "api_image_fqin",
                    "quay.io/kubev2v/forklift-api:latest",
                ),
                vec![pod_namespace(), env("API_PORT", "8443")],
            ),
        ),
    ];
    let mut drop = Vec::new();
    let optional: [(&str, bool, &'static str, Value); 5] = [
        (
            "feature_validation",
            true,
            "forklift-validation",
            container(
                "forklift-validation",
                image(
                    spec,
                    "validation_image_fqin",
                    "quay.io/kubev2v/forklift-validation:latest",
                ),
                vec![env("TLS_ENABLED", "true")],
            ),
        ),
        (
            "feature_ui_plugin",
            true,
            "forklift-ui-plugin",
            container(
                "forklift-ui-plugin",
                image(
                    spec,
                    "ui_plugin_image_fqin",
                    "quay.io/kubev2v/forklift-console-plugin:latest",
                ),
                Vec::new(),
            ),
        ),
        (
            "feature_volume_populator",
            true,
            "forklift-volume-populator-controller",
            container(
                "forklift-populator-controller",
                image(
                    spec,
                    "populator_controller_image_fqin",
                    "quay.io/kubev2v/populator-controller:latest",
                ),
                vec![pod_namespace()],
            ),
        ),
        (
            "feature_cli_download",
            true,
            "forklift-cli-download",
            container(
                "forklift-cli-download",
                image(
                    spec,
                    "cli_download_image_fqin",
                    "quay.io/kubev2v/forklift-cli-download:latest",
                ),
                Vec::new(),
            ),
        ),
        (
            "feature_mcp_server",
            false,
            "forklift-mcp-server",
            container(
                "forklift-mcp-server",
                image(
                    spec,
                    "mcp_server_image_fqin",
                    "quay.io/kubev2v/forklift-mcp-server:latest",
                ),
                Vec::new(),
            ),
        ),
    ];
    for (field, default, name, c) in optional {
        if !flag(spec, field, default) {
            drop.push(name);
        } else if name == "forklift-volume-populator-controller" {
            // The populator controller's Deployment has no labels of its own and selects
            // `app: forklift` only (templates/populator/deployment-populator-controller.yml.j2).
            let app = json!({"app": APP});
            keep.push(deployment(ns, name, Value::Null, app.clone(), app, vec![c]));
        } else {
            keep.push(service(ns, name, c));
        }
    }
    (keep, drop)
}

/// The operator's own Deployment, as OLM creates it from the CSV.
pub fn operator(ns: &str) -> Value {
    let mut c = container(
        "forklift-operator",
        "quay.io/kubev2v/forklift-operator:latest".into(),
        vec![
            json!({"name": "WATCH_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.annotations['olm.targetNamespaces']"}}}),
            env("ANSIBLE_GATHERING", "explicit"),
        ],
    );
    if let Some(m) = c.as_object_mut() {
        m.insert(
            "args".into(),
            json!([
                "--health-probe-bind-address=:6789",
                "--metrics-bind-address=127.0.0.1:8080",
                "--leader-elect",
                "--leader-election-id=forklift-operator"
            ]),
        );
    }
    let selector = json!({"app": APP, "name": "controller-manager"});
    deployment(
        ns,
        "forklift-operator",
        json!({"control-plane": "controller-manager"}),
        selector.clone(),
        selector,
        vec![c],
    )
}

#[cfg(test)]
mod tests;
