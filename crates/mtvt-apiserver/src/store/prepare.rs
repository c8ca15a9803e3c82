//! What every write does before it commits, in kube-apiserver's order: check `apiVersion` and
//! `kind` of the body, reset system fields, validate names and the CRD schema (pruning and
//! defaulting), and after the commit register kinds from stored CRDs.
//!
//! Validation and admission run outside the store lock; the commit paths (`create`,
//! `update`, `delete`) re-check what they must under it.

use rand::Rng;
use serde_json::{Value, json};

use super::error::{ApiError, Cause};
use super::kinds::ResourceKind;
use super::names;
use super::options::FieldValidation;
use super::{Store, crds, object};

/// A proposed new object and the resourceVersion the caller required, if any.
pub(crate) struct Proposal {
    pub obj: Value,
    pub precondition: Option<String>,
}

pub(crate) const SYSTEM_FIELDS: &[&str] = &[
    "uid",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
    "selfLink",
    "managedFields",
];

/// A random RFC 4122 version-4 UUID.
pub fn new_uid() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub(crate) fn random_suffix() -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut rng = rand::rng();
    (0..5)
        .map(|_| {
            ALPHABET
                .get(rng.random_range(0..ALPHABET.len()))
                .copied()
                .unwrap_or(b'x') as char
        })
        .collect()
}

fn snippet(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 200 {
        format!("{}...", s.chars().take(200).collect::<String>())
    } else {
        s
    }
}

/// Checks (and for built-in kinds fills) `apiVersion` and `kind` of a request body.
pub(crate) fn check_types(kind: &ResourceKind, obj: &mut Value) -> Result<(), ApiError> {
    let shown = snippet(obj);
    let Some(map) = obj.as_object_mut() else {
        return Err(ApiError::bad_request(format!(
            "the body of the request must be a JSON object, got '{shown}'"
        )));
    };
    let av = map
        .get("apiVersion")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let k = map
        .get("kind")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    match (av, k) {
        (None, None) if !kind.custom => {
            map.insert("apiVersion".into(), json!(kind.api_version()));
            map.insert("kind".into(), json!(kind.kind));
            Ok(())
        }
        (_, None) => Err(ApiError::bad_request(format!(
            "Object 'Kind' is missing in '{shown}'"
        ))),
        (None, _) => Err(ApiError::bad_request(format!(
            "Object 'apiVersion' is missing in '{shown}'"
        ))),
        (Some(av), Some(k)) => {
            if av != kind.api_version() {
                Err(ApiError::bad_request(format!(
                    "the API version in the data ({av}) does not match the expected API version ({})",
                    kind.api_version()
                )))
            } else if k != kind.kind {
                Err(ApiError::bad_request(format!(
                    "the kind in the data ({k}) does not match the expected kind ({}) of {}",
                    kind.kind,
                    kind.group_resource()
                )))
            } else {
                Ok(())
            }
        }
    }
}

impl Store {
    /// Defaults, validates names and the CRD schema; returns warnings.
    pub(crate) fn validate(
        &self,
        kind: &ResourceKind,
        obj: &mut Value,
        fv: FieldValidation,
    ) -> Result<Vec<String>, ApiError> {
        let name = object::name(obj).to_string();
        let empty = serde_json::Map::new();
        let mut causes =
            names::metadata_causes(kind.name_rule, object::meta(obj).unwrap_or(&empty), &name);
        let mut warnings = Vec::new();
        if let Some(schema) = &kind.schema {
            let outcome = schema.apply(obj);
            if !outcome.unknown_fields.is_empty() {
                let listed: Vec<String> = outcome
                    .unknown_fields
                    .iter()
                    .map(|f| format!("unknown field {f:?}"))
                    .collect();
                match fv {
                    FieldValidation::Strict => {
                        return Err(ApiError::bad_request(format!(
                            "{k} in version {v:?} cannot be handled as a {k}: strict decoding error: {}",
                            listed.join(", "),
                            k = kind.kind,
                            v = kind.version,
                        )));
                    }
                    FieldValidation::Warn => warnings.extend(listed),
                    FieldValidation::Ignore => {}
                }
            }
            causes.extend(outcome.causes);
        }
        if crds::is_crd_kind(kind)
            && let Err(e) = crds::kind_from_crd(obj, None)
        {
            causes.push(Cause::invalid("spec", &Value::Null, &e.to_string()));
        }
        if causes.is_empty() {
            Ok(warnings)
        } else {
            Err(ApiError::invalid(kind, &name, causes))
        }
    }

    pub(crate) fn after_commit(&self, kind: &ResourceKind, stored: &Value) {
        if crds::is_crd_kind(kind) {
            let existing = crds::crd_target(stored).and_then(|(g, p)| self.kinds().find(&g, &p));
            match crds::kind_from_crd(stored, existing.as_deref()) {
                Ok(k) => {
                    self.register_kind(k);
                }
                Err(e) => {
                    tracing::warn!(crd = object::name(stored), error = %e, "stored CRD does not describe a kind")
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uids_are_v4() {
        let u = new_uid();
        assert_eq!(u.len(), 36);
        assert_eq!(u.chars().nth(14), Some('4'));
        assert_ne!(u, new_uid());
    }

    #[test]
    fn suffix_alphabet() {
        let s = random_suffix();
        assert_eq!(s.len(), 5);
        assert!(s.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
    }
}
