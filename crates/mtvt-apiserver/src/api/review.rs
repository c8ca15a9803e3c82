//! The `authorization.k8s.io/v1` reviews a client makes about itself:
//! `SelfSubjectAccessReview` ("may I do this?", what `kubectl auth can-i VERB RESOURCE` and
//! many clients ask before they act) and `SelfSubjectRulesReview` ("what may I do here?",
//! `kubectl auth can-i --list`). They are created, answered in the response and never stored,
//! as kube-apiserver does.
//!
//! The server has a single identity — whoever holds the bearer token of its kubeconfig — and
//! it may do everything, so every access review is allowed and the rules are `*`. This module
//! validates the request as kube does and answers; it must not pretend to evaluate RBAC
//! objects (there are none).

use serde_json::{Map, Value, json};

use crate::store::{ApiError, Cause, ResourceKind};

/// Why every review is allowed (the `status.reason` of an access review).
pub const REASON: &str =
    "the server has one identity (the bearer token of its kubeconfig), which may do everything";

/// The answer to a review `body` of `kind`: the request echoed with its `status` (422 for an
/// access review without exactly one of `resourceAttributes` and `nonResourceAttributes`).
pub fn answer(kind: &ResourceKind, body: &Value) -> Result<Value, ApiError> {
    let spec = body.get("spec").cloned().unwrap_or_else(|| json!({}));
    let status = match kind.kind.as_str() {
        "SelfSubjectAccessReview" => access(kind, &spec)?,
        "SelfSubjectRulesReview" => rules(),
        other => {
            return Err(ApiError::internal(format!(
                "{other} is marked as a review but has no answer"
            )));
        }
    };
    let mut meta = body
        .get("metadata")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    meta.retain(|k, _| {
        matches!(
            k.as_str(),
            "name" | "generateName" | "labels" | "annotations"
        )
    });
    let mut out = Map::new();
    out.insert("kind".into(), json!(kind.kind));
    out.insert("apiVersion".into(), json!(kind.api_version()));
    out.insert("metadata".into(), Value::Object(meta));
    out.insert("spec".into(), spec);
    out.insert("status".into(), status);
    Ok(Value::Object(out))
}

fn access(kind: &ResourceKind, spec: &Value) -> Result<Value, ApiError> {
    let has = |k: &str| spec.get(k).is_some_and(Value::is_object);
    if has("resourceAttributes") == has("nonResourceAttributes") {
        let field = if has("resourceAttributes") {
            "spec.nonResourceAttributes"
        } else {
            "spec.resourceAttributes"
        };
        let value = spec
            .get(field.trim_start_matches("spec."))
            .cloned()
            .unwrap_or(Value::Null);
        return Err(ApiError::invalid(
            kind,
            "",
            vec![Cause::invalid(
                field,
                &value,
                "exactly one of nonResourceAttributes or resourceAttributes must be specified",
            )],
        ));
    }
    Ok(json!({"allowed": true, "reason": REASON}))
}

fn rules() -> Value {
    json!({
        "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
        "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
        "incomplete": false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: &str, plural: &str) -> ResourceKind {
        ResourceKind::new("authorization.k8s.io", "v1", name, plural)
            .cluster()
            .review()
    }

    #[test]
    fn access_reviews_are_allowed_and_validated() {
        let k = kind("SelfSubjectAccessReview", "selfsubjectaccessreviews");
        let body = json!({"spec": {"resourceAttributes": {"verb": "list", "resource": "deployments", "group": "apps", "namespace": "demo"}}});
        let got = answer(&k, &body).unwrap();
        assert_eq!(got["status"]["allowed"], true);
        assert_eq!(got["spec"], body["spec"]);
        assert_eq!(got["apiVersion"], "authorization.k8s.io/v1");
        for bad in [
            json!({"spec": {}}),
            json!({"spec": {"resourceAttributes": {}, "nonResourceAttributes": {"path": "/", "verb": "get"}}}),
        ] {
            let e = answer(&k, &bad).unwrap_err();
            assert_eq!(e.code, 422);
            assert!(e.message.contains("exactly one of"), "{}", e.message);
        }
    }

    #[test]
    fn rules_reviews_list_everything() {
        let k = kind("SelfSubjectRulesReview", "selfsubjectrulesreviews");
        let got = answer(&k, &json!({"spec": {"namespace": "demo"}})).unwrap();
        assert_eq!(got["status"]["resourceRules"][0]["verbs"], json!(["*"]));
        assert_eq!(got["status"]["incomplete"], false);
    }
}
