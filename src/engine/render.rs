//! Text form of planned steps for `mtvt render`: each object as a YAML document (`---`),
//! every other step (waits, source preparation, labels, patches) as a `#` comment line in
//! its place, so the output reads as the run's script and `kubectl apply -f` accepts it.
//!
//! Secret values never leave this module: `data` and `stringData` print as `<redacted>`.

use serde_json::Value;

use super::plan::Step;

/// The placeholder for every secret value.
pub const REDACTED: &str = "<redacted>";

/// A copy of `manifest` with Secret `data` / `stringData` values replaced by
/// [`REDACTED`] (other kinds are returned unchanged).
pub fn redact(manifest: &Value) -> Value {
    let mut m = manifest.clone();
    if m.get("kind").and_then(Value::as_str) == Some("Secret") {
        for key in ["data", "stringData"] {
            if let Some(obj) = m.get_mut(key).and_then(Value::as_object_mut) {
                for (_, v) in obj.iter_mut() {
                    *v = Value::String(REDACTED.to_string());
                }
            }
        }
    }
    m
}

/// One line describing a non-object step.
pub fn describe(step: &Step) -> Option<String> {
    Some(match step {
        Step::Create { .. } | Step::EnsureNamespace { .. } => return None,
        Step::Note(text) => format!("----- {text}"),
        Step::WaitCondition {
            kind,
            namespace,
            name,
            condition,
            timeout,
        } => format!(
            "wait until {} {namespace}/{name} has condition {condition}=True (at most {}s)",
            kind.kind,
            timeout.as_secs()
        ),
        Step::PrepareVm { plan, vm, summary } => {
            format!("source VM {} of plan {}: {summary}", vm + 1, plan + 1)
        }
        Step::WaitInventory { plan, vm } => format!(
            "wait until the Forklift inventory lists source VM {} of plan {}",
            vm + 1,
            plan + 1
        ),
        Step::LabelNode { key, value } => {
            format!("label a worker node {key}={value} (removed at the end of the session)")
        }
        Step::SetPrecopyInterval { minutes } => format!(
            "set ForkliftController spec.controller_precopy_interval to {minutes} (restored at the end of the session)"
        ),
        Step::StartMigration { cutover_after, .. } => match cutover_after {
            Some(d) => format!(
                "create the Migration below with spec.cutover = server time + {}s",
                d.as_secs()
            ),
            None => "create the Migration below".to_string(),
        },
        Step::WaitMigration {
            plan,
            namespace,
            timeout,
        } => format!(
            "wait until Plan {namespace}/{plan} has Succeeded, Failed or Canceled (at most {}s)",
            timeout.as_secs()
        ),
    })
}

/// YAML of one manifest (redacted), without the leading `---`.
pub fn yaml(manifest: &Value) -> String {
    serde_saphyr::to_string(&redact(manifest)).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
}

/// The steps as a multi-document YAML script.
pub fn render_steps(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Create { manifest, .. } => {
                out.push_str("---\n");
                out.push_str(&yaml(manifest));
            }
            Step::EnsureNamespace { manifest } => {
                out.push_str(
                    "---\n# created unless it already exists; kept until the end of the session\n",
                );
                out.push_str(&yaml(manifest));
            }
            Step::StartMigration { manifest, .. } => {
                if let Some(line) = describe(step) {
                    out.push_str(&format!("# {line}\n"));
                }
                out.push_str("---\n");
                out.push_str(&yaml(manifest));
            }
            other => {
                if let Some(line) = describe(other) {
                    out.push_str(&format!("# {line}\n"));
                }
            }
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_redacted() {
        let s = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"},
            "stringData": {"password": "hunter2"}, "data": {"token": "c2VjcmV0"}});
        let text = render_steps(&[Step::Create {
            scope: super::super::journal::Scope::Session,
            manifest: s,
        }]);
        assert!(
            !text.contains("hunter2") && !text.contains("c2VjcmV0"),
            "{text}"
        );
        assert!(text.contains(REDACTED));
        assert!(text.starts_with("---\n"));
        let plain = json!({"kind": "Plan", "spec": {"password": "not-a-secret-kind"}});
        assert_eq!(redact(&plain), plain);
    }
}
