//! CustomResourceDefinitions: reading CRD manifests (`--crds DIR`) and turning a CRD object
//! into a served [`ResourceKind`] with its `openAPIV3Schema`, status subresource, names and
//! printer columns.
//!
//! A CRD for a kind already in the built-in table refines that row (schema, columns); a CRD for
//! an unknown kind adds one. CRDs created through the API are registered the same way. This
//! module parses; it does not store objects.
//!
//! Compiled schemas are shared: a process that starts many servers with the same CRDs (the
//! emulator installs the same ones in every server) compiles each schema once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Value, json};

use super::kinds::{Column, ColumnSource, NameRule, ResourceKind};
use super::schema::{Schema, SchemaError};

/// Compiled schemas kept for reuse; past this many distinct ones the cache starts over.
const SCHEMA_CACHE_SIZE: usize = 128;

/// The compiled form of `raw`, from the process-wide cache when the same schema text was
/// compiled before.
fn compiled(raw: &Value) -> Result<Arc<Schema>, SchemaError> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Schema>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Mutex::default);
    let key = raw.to_string();
    let lock = || {
        cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    };
    if let Some(hit) = lock().get(&key) {
        return Ok(hit.clone());
    }
    let schema = Arc::new(Schema::parse(raw)?);
    let mut map = lock();
    if map.len() >= SCHEMA_CACHE_SIZE {
        map.clear();
    }
    map.insert(key, schema.clone());
    Ok(schema)
}

/// A CRD that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CrdError {
    /// The directory or a file in it could not be read.
    #[error("cannot read CRDs from {path}: {source}")]
    Io {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not YAML/JSON.
    #[error("{path} is not valid YAML: {message}")]
    Parse {
        /// Where.
        path: PathBuf,
        /// What the parser said.
        message: String,
    },
    /// The server refused to store a CRD.
    #[error("CustomResourceDefinition {name:?} was rejected: {error}")]
    Rejected {
        /// `metadata.name` of the CRD.
        name: String,
        /// The API error.
        error: super::error::ApiError,
    },
    /// A CRD lacks something the server needs.
    #[error("CustomResourceDefinition {name:?}: {message}")]
    Invalid {
        /// `metadata.name` of the CRD.
        name: String,
        /// What is wrong.
        message: String,
    },
}

/// Whether `kind` is the CRD kind itself.
pub fn is_crd_kind(kind: &ResourceKind) -> bool {
    kind.group == "apiextensions.k8s.io" && kind.plural == "customresourcedefinitions"
}

/// `(group, plural)` a CRD object defines.
pub fn crd_target(crd: &Value) -> Option<(String, String)> {
    let spec = crd.get("spec")?;
    Some((
        spec.get("group")?.as_str()?.to_string(),
        spec.get("names")?.get("plural")?.as_str()?.to_string(),
    ))
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Builds the served kind a CRD describes, refining `base` (the built-in row) when given.
pub fn kind_from_crd(crd: &Value, base: Option<&ResourceKind>) -> Result<ResourceKind, CrdError> {
    let crd_name = crd
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let invalid = |message: &str| CrdError::Invalid {
        name: crd_name.clone(),
        message: message.to_string(),
    };
    let spec = crd.get("spec").ok_or_else(|| invalid("spec is required"))?;
    let group = spec
        .get("group")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("spec.group is required"))?;
    let names = spec
        .get("names")
        .ok_or_else(|| invalid("spec.names is required"))?;
    let kind_name = names
        .get("kind")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("spec.names.kind is required"))?;
    let plural = names
        .get("plural")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("spec.names.plural is required"))?;
    let version = served_version(spec).ok_or_else(|| match spec.get("versions") {
        Some(Value::Array(_)) => invalid("no served version"),
        _ => invalid("spec.versions is required"),
    })?;
    let version_name = version
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid("spec.versions[].name is required"))?;
    let mut kind = match base {
        Some(b) => ResourceKind {
            schema: None,
            ..b.clone()
        },
        None => ResourceKind::new(group, version_name, kind_name, plural),
    };
    kind.version = version_name.to_string();
    kind.kind = kind_name.to_string();
    kind.custom = true;
    kind.generation = true;
    kind.unconditional_update = false;
    kind.name_rule = NameRule::Subdomain;
    kind.namespaced = spec.get("scope").and_then(Value::as_str) != Some("Cluster");
    if let Some(s) = names.get("singular").and_then(Value::as_str) {
        kind.singular = s.to_string();
    }
    kind.list_kind = names
        .get("listKind")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or(format!("{kind_name}List"));
    let short = strings(names.get("shortNames"));
    if !short.is_empty() || base.is_none() {
        kind.short_names = short;
    }
    let categories = strings(names.get("categories"));
    if !categories.is_empty() || base.is_none() {
        kind.categories = categories;
    }
    kind.status_subresource = version
        .get("subresources")
        .and_then(|s| s.get("status"))
        .is_some();
    if let Some(cols) = printer_columns(version) {
        kind.columns = cols;
    } else if base.is_none() {
        kind = kind.age();
    }
    if let Some(raw) = version.get("schema").and_then(|s| s.get("openAPIV3Schema")) {
        let schema = compiled(raw).map_err(|e| invalid(&e.to_string()))?;
        if schema.ignored_rules() > 0 {
            tracing::debug!(crd = %crd_name, rules = schema.ignored_rules(), "x-kubernetes-validations (CEL) rules are not evaluated by the emulator");
        }
        kind.schema = Some(schema);
    }
    Ok(kind)
}

/// The version a CRD serves: its storage version among the served ones, else the first served.
fn served_version(spec: &Value) -> Option<&Value> {
    let served: Vec<&Value> = spec
        .get("versions")
        .and_then(Value::as_array)?
        .iter()
        .filter(|v| v.get("served").and_then(Value::as_bool).unwrap_or(true))
        .collect();
    served
        .iter()
        .find(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
        .or_else(|| served.first())
        .copied()
}

/// The `additionalPrinterColumns` of a CRD version, if it has them.
fn printer_columns(version: &Value) -> Option<Vec<Column>> {
    let cols = version
        .get("additionalPrinterColumns")
        .and_then(Value::as_array)?;
    Some(
        cols.iter()
            .filter_map(|c| {
                Some(Column {
                    name: c.get("name")?.as_str()?.to_string(),
                    ty: c
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or("string")
                        .to_string(),
                    priority: c.get("priority").and_then(Value::as_i64).unwrap_or(0) as i32,
                    source: ColumnSource::Path(c.get("jsonPath")?.as_str()?.to_string()),
                })
            })
            .collect(),
    )
}

/// The CRD object as the server stores it: with `Established` and `NamesAccepted` conditions.
pub fn established(mut crd: Value, now: &str) -> Value {
    let names = crd
        .get("spec")
        .and_then(|s| s.get("names"))
        .cloned()
        .unwrap_or(json!({}));
    let stored = crd
        .get("spec")
        .and_then(|s| s.get("versions"))
        .and_then(Value::as_array)
        .and_then(|v| {
            v.iter()
                .find(|x| x.get("storage").and_then(Value::as_bool) == Some(true))
                .or_else(|| v.first())
        })
        .and_then(|v| v.get("name"))
        .cloned()
        .unwrap_or(Value::Null);
    if let Some(m) = crd.as_object_mut() {
        m.insert(
            "status".into(),
            json!({
                "acceptedNames": names,
                "conditions": [
                    {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found", "lastTransitionTime": now},
                    {"type": "Established", "status": "True", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted", "lastTransitionTime": now},
                ],
                "storedVersions": [stored],
            }),
        );
    }
    crd
}

/// Reads every CRD document from the `*.yaml`, `*.yml` and `*.json` files of `dir`, in file
/// name order. Documents of other kinds are skipped.
pub fn read_dir(dir: &Path) -> Result<Vec<Value>, CrdError> {
    let io = |path: &Path, source| CrdError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| io(dir, e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    files.sort();
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|e| io(&path, e))?;
        let docs: Vec<Value> = serde_saphyr::from_multiple(&text).map_err(|e| CrdError::Parse {
            path: path.clone(),
            message: e.to_string(),
        })?;
        out.extend(
            docs.into_iter().filter(|d| {
                d.get("kind").and_then(Value::as_str) == Some("CustomResourceDefinition")
            }),
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::kinds::Kinds;

    fn widget_crd(subresources: Value) -> Value {
        json!({
            "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                     "names": {"kind": "Widget", "plural": "widgets", "listKind": "WidgetList"},
                     "versions": [{"name": "v1", "served": true, "storage": true,
                                   "subresources": subresources,
                                   "schema": {"openAPIV3Schema": {"type": "object"}}}]}
        })
    }

    #[test]
    fn crds_refine_registered_rows() {
        let kinds = Kinds::builtin();
        kinds.register(
            ResourceKind::new("example.com", "v1", "Widget", "widgets")
                .short(&["wd"])
                .col("Mode", "string", ".spec.mode"),
        );
        let crd = widget_crd(json!({"status": {}}));
        let (g, p) = crd_target(&crd).unwrap();
        let base = kinds.find(&g, &p).unwrap();
        let k = kind_from_crd(&crd, Some(&base)).unwrap();
        assert!(
            k.schema.is_some() && k.status_subresource && k.namespaced,
            "{p}"
        );
        assert_eq!(k.short_names, vec!["wd"], "the row's short names stay");
        assert_eq!(
            k.columns, base.columns,
            "no printer columns: the row's stay"
        );
    }

    #[test]
    fn crd_without_status_subresource_has_none() {
        let mut crd = widget_crd(json!({}));
        crd["spec"]["names"]["shortNames"] = json!(["wd"]);
        let k = kind_from_crd(&crd, None).unwrap();
        assert_eq!(k.plural, "widgets");
        assert_eq!(k.short_names, vec!["wd"]);
        assert!(!k.status_subresource);
    }

    #[test]
    fn invalid_crd_is_reported() {
        let e = kind_from_crd(
            &json!({"metadata": {"name": "x"}, "spec": {"group": "g"}}),
            None,
        )
        .unwrap_err();
        assert!(e.to_string().contains("spec.names is required"));
    }
}
