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

/// YAML of one manifest body (redacted), without the leading `---`.
pub fn yaml(manifest: &Value) -> String {
    serde_saphyr::to_string(&redact(manifest)).unwrap_or_else(|e| format!("# cannot render: {e}\n"))
}

/// The steps as a multi-document YAML script.
pub fn render_steps(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Create(c) => {
                out.push_str("---\n");
                out.push_str(&yaml(&c.manifest.body));
            }
            Step::EnsureNamespace(manifest) => {
                out.push_str(
                    "---\n# created unless it already exists; kept until the end of the session\n",
                );
                out.push_str(&yaml(&manifest.body));
            }
            Step::StartMigration { manifest, .. } => {
                if let Some(line) = step.comment() {
                    out.push_str(&format!("# {line}\n"));
                }
                out.push_str("---\n");
                out.push_str(&yaml(&manifest.body));
            }
            other => {
                if let Some(line) = other.comment() {
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
        let manifest = super::super::manifests::Manifest {
            object: crate::cluster::ObjectRef::namespaced(crate::cluster::kinds::SECRET, "ns", "x"),
            body: s,
        };
        let text = render_steps(&[Step::create(
            super::super::journal::Scope::Session,
            manifest,
        )]);
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
