//! The three patch formats kube-apiserver accepts: JSON merge patch (RFC 7386), JSON patch
//! (RFC 6902, via the `json-patch` crate) and strategic merge patch (what `kubectl apply`,
//! `kubectl patch` and `kubectl edit` send for built-in kinds).
//!
//! Strategic merge needs each list's merge key; real servers read it from Go struct tags.
//! Here a small table maps field names to merge keys (`containers` by `name`, `conditions` by
//! `type`, `ownerReferences` by `uid`, ...); lists not in the table are replaced, as for fields
//! without a patch strategy. Server-side apply is refused with 415.

use serde_json::{Map, Value};

use super::error::ApiError;

/// A patch format, from the request's `Content-Type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    /// `application/merge-patch+json`
    Merge,
    /// `application/json-patch+json`
    Json,
    /// `application/strategic-merge-patch+json`
    Strategic,
    /// `application/apply-patch+yaml` (server-side apply; not supported)
    Apply,
}

impl PatchType {
    /// The patch type of a content type, if it is one.
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        let base = content_type.split(';').next().unwrap_or("").trim();
        match base {
            "application/merge-patch+json" => Some(Self::Merge),
            "application/json-patch+json" => Some(Self::Json),
            "application/strategic-merge-patch+json" => Some(Self::Strategic),
            "application/apply-patch+yaml" | "application/apply-patch+cbor" => Some(Self::Apply),
            _ => None,
        }
    }
}

/// The 415 a real server sends for a content type that is no patch format.
pub fn unknown_patch_type() -> ApiError {
    ApiError::unsupported_media_type(
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml",
    )
}

/// Applies `patch` (raw body) of type `ty` to `current`, returning the patched object.
/// `custom` kinds refuse strategic merge (415), as CRDs do on a real cluster.
pub fn apply_patch(
    current: &Value,
    ty: PatchType,
    body: &[u8],
    custom: bool,
) -> Result<Value, ApiError> {
    match ty {
        PatchType::Apply => Err(ApiError::unsupported_media_type(
            "server-side apply (application/apply-patch+yaml) is not supported by the mtvt emulator - use client-side apply (kubectl apply without --server-side), a merge patch or a JSON patch",
        )),
        PatchType::Merge => {
            let patch: Value = serde_json::from_slice(body)
                .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
            let mut out = current.clone();
            json_patch::merge(&mut out, &patch);
            Ok(out)
        }
        PatchType::Json => {
            let patch: json_patch::Patch = serde_json::from_slice(body)
                .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
            let mut out = current.clone();
            json_patch::patch(&mut out, &patch)
                .map_err(|e| ApiError::new(super::error::Reason::Invalid, e.to_string()))?;
            Ok(out)
        }
        PatchType::Strategic => {
            if custom {
                return Err(unknown_patch_type());
            }
            let patch: Value = serde_json::from_slice(body)
                .map_err(|e| ApiError::bad_request(format!("error decoding patch: {e}")))?;
            if !patch.is_object() {
                return Err(ApiError::bad_request(
                    "strategic merge patch must be a JSON object",
                ));
            }
            let mut out = current.clone();
            strategic_merge(&mut out, &patch);
            Ok(out)
        }
    }
}

/// How a list field merges under strategic merge patch.
enum ListStrategy {
    Replace,
    Primitive,
    Key(&'static str),
}

fn list_strategy(field: &str, sample: &[Value]) -> ListStrategy {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "env"
        | "imagePullSecrets"
        | "resourceClaims"
        | "schedulingGates" => ListStrategy::Key("name"),
        "volumeMounts" => ListStrategy::Key("mountPath"),
        "volumeDevices" => ListStrategy::Key("devicePath"),
        "hostAliases" => ListStrategy::Key("ip"),
        "conditions" => ListStrategy::Key("type"),
        "ownerReferences" => ListStrategy::Key("uid"),
        "topologySpreadConstraints" => ListStrategy::Key("topologyKey"),
        "readinessGates" => ListStrategy::Key("conditionType"),
        "finalizers" => ListStrategy::Primitive,
        "ports" => {
            if sample.iter().any(|p| p.get("containerPort").is_some()) {
                ListStrategy::Key("containerPort")
            } else {
                ListStrategy::Key("port")
            }
        }
        _ => ListStrategy::Replace,
    }
}

/// Removes `$patch`/`$retainKeys`/... directives from a value inserted as-is.
fn clean(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), clean(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(
            a.iter()
                .filter(|e| e.get("$patch").is_none())
                .map(clean)
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Applies a strategic merge patch object to `orig` in place.
pub fn strategic_merge(orig: &mut Value, patch: &Value) {
    let Some(pm) = patch.as_object() else {
        *orig = patch.clone();
        return;
    };
    match pm.get("$patch").and_then(Value::as_str) {
        Some("replace") => {
            *orig = clean(patch);
            return;
        }
        Some("delete") => {
            *orig = Value::Object(Map::new());
            return;
        }
        _ => {}
    }
    if !orig.is_object() {
        *orig = Value::Object(Map::new());
    }
    let Some(om) = orig.as_object_mut() else {
        return;
    };
    let mut orders: Vec<(String, Vec<Value>)> = Vec::new();
    for (k, v) in pm {
        if let Some(field) = k.strip_prefix("$setElementOrder/") {
            orders.push((field.to_string(), v.as_array().cloned().unwrap_or_default()));
        } else if let Some(field) = k.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(list)), Some(remove)) = (om.get_mut(field), v.as_array()) {
                list.retain(|e| !remove.contains(e));
            }
        } else if k.starts_with('$') {
            continue;
        } else if v.is_null() || v.get("$patch").and_then(Value::as_str) == Some("delete") {
            om.remove(k);
        } else {
            match (om.get_mut(k), v) {
                (Some(o @ Value::Object(_)), Value::Object(_)) => strategic_merge(o, v),
                (Some(Value::Array(o)), Value::Array(p)) => merge_list(o, p, k),
                _ => {
                    om.insert(k.clone(), clean(v));
                }
            }
        }
    }
    for (field, order) in orders {
        if let Some(Value::Array(list)) = om.get_mut(&field) {
            reorder(list, &order, &field);
        }
    }
    if let Some(retain) = pm.get("$retainKeys").and_then(Value::as_array) {
        om.retain(|k, _| retain.iter().any(|r| r.as_str() == Some(k)));
    }
}

fn merge_list(orig: &mut Vec<Value>, patch: &[Value], field: &str) {
    if patch
        .iter()
        .any(|e| e.get("$patch").and_then(Value::as_str) == Some("replace"))
    {
        *orig = patch
            .iter()
            .filter(|e| e.get("$patch").is_none())
            .map(clean)
            .collect();
        return;
    }
    let sample: Vec<Value> = orig.iter().chain(patch.iter()).cloned().collect();
    match list_strategy(field, &sample) {
        ListStrategy::Replace => *orig = patch.iter().map(clean).collect(),
        ListStrategy::Primitive => {
            for p in patch {
                if !orig.contains(p) {
                    orig.push(p.clone());
                }
            }
        }
        ListStrategy::Key(key) => {
            for p in patch {
                let id = p.get(key);
                if p.get("$patch").and_then(Value::as_str) == Some("delete") {
                    orig.retain(|o| o.get(key) != id);
                    continue;
                }
                match orig.iter_mut().find(|o| id.is_some() && o.get(key) == id) {
                    Some(o) => strategic_merge(o, p),
                    None => orig.push(clean(p)),
                }
            }
        }
    }
}

fn reorder(list: &mut [Value], order: &[Value], field: &str) {
    let key = match list_strategy(field, list) {
        ListStrategy::Key(k) => Some(k),
        _ => None,
    };
    let ident = |v: &Value| -> Value {
        match key {
            Some(k) => v.get(k).cloned().unwrap_or(Value::Null),
            None => v.clone(),
        }
    };
    let rank = |v: &Value| -> usize {
        let id = ident(v);
        order
            .iter()
            .position(|o| ident(o) == id || *o == id)
            .unwrap_or(usize::MAX)
    };
    list.sort_by_key(rank);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_removes_nulls() {
        let cur = json!({"metadata": {"labels": {"a": "1", "b": "2"}}, "spec": {"x": 1}});
        let out = apply_patch(
            &cur,
            PatchType::Merge,
            br#"{"metadata":{"labels":{"a":null,"c":"3"}}}"#,
            true,
        )
        .unwrap();
        assert_eq!(out["metadata"]["labels"], json!({"b": "2", "c": "3"}));
    }

    #[test]
    fn json_patch_ops_and_failures() {
        let cur = json!({"spec": {"list": [1, 2]}});
        let out = apply_patch(&cur, PatchType::Json, br#"[{"op":"add","path":"/spec/list/-","value":3},{"op":"replace","path":"/spec/x","value":1}]"#, true);
        assert!(out.is_err(), "replace of a missing path must fail");
        let out = apply_patch(
            &cur,
            PatchType::Json,
            br#"[{"op":"add","path":"/spec/list/-","value":3}]"#,
            true,
        )
        .unwrap();
        assert_eq!(out["spec"]["list"], json!([1, 2, 3]));
        let e = apply_patch(
            &cur,
            PatchType::Json,
            br#"[{"op":"test","path":"/spec/list/0","value":9}]"#,
            true,
        )
        .unwrap_err();
        assert_eq!(e.code, 422);
        let e = apply_patch(&cur, PatchType::Json, b"{not json", true).unwrap_err();
        assert_eq!(e.code, 400);
    }

    #[test]
    fn strategic_merges_lists_by_key() {
        let cur = json!({"spec": {"containers": [{"name": "a", "image": "x:1", "env": [{"name": "E", "value": "1"}]}, {"name": "b", "image": "y"}],
                                  "tolerations": [{"key": "k"}]},
                         "metadata": {"finalizers": ["f1"]}});
        let patch = br#"{"spec":{"containers":[{"name":"a","image":"x:2","env":[{"name":"F","value":"2"}]},{"name":"b","$patch":"delete"},{"name":"c","image":"z"}],
                          "tolerations":[{"key":"t"}]},
                         "metadata":{"finalizers":["f2"]}}"#;
        let out = apply_patch(&cur, PatchType::Strategic, patch, false).unwrap();
        let names: Vec<&str> = out["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["a", "c"]);
        assert_eq!(out["spec"]["containers"][0]["image"], "x:2");
        assert_eq!(
            out["spec"]["containers"][0]["env"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(out["spec"]["tolerations"], json!([{"key": "t"}]));
        assert_eq!(out["metadata"]["finalizers"], json!(["f1", "f2"]));
    }

    #[test]
    fn strategic_directives() {
        let cur = json!({"data": {"a": "1", "b": "2"}, "metadata": {"finalizers": ["f1", "f2"]}, "spec": {"ports": [{"port": 80}, {"port": 443}]}});
        let patch = br#"{"data":{"$patch":"replace","c":"3"},"$deleteFromPrimitiveList/finalizers":["f1"],
                         "spec":{"$setElementOrder/ports":[{"port":443},{"port":80}],"ports":[{"port":80,"name":"http"}]}}"#;
        let mut out = cur.clone();
        strategic_merge(&mut out, &serde_json::from_slice(patch).unwrap());
        assert_eq!(out["data"], json!({"c": "3"}));
        assert_eq!(
            out["spec"]["ports"],
            json!([{"port": 443}, {"port": 80, "name": "http"}])
        );
        let mut meta = json!({"finalizers": ["f1", "f2"]});
        strategic_merge(
            &mut meta,
            &json!({"$deleteFromPrimitiveList/finalizers": ["f1"]}),
        );
        assert_eq!(meta["finalizers"], json!(["f2"]));
    }

    #[test]
    fn strategic_refused_for_custom_resources_and_apply_refused() {
        let e = apply_patch(&json!({}), PatchType::Strategic, b"{}", true).unwrap_err();
        assert_eq!(e.code, 415);
        let e = apply_patch(&json!({}), PatchType::Apply, b"{}", false).unwrap_err();
        assert_eq!(e.code, 415);
        assert!(e.message.contains("server-side apply"));
        assert_eq!(
            PatchType::from_content_type("application/merge-patch+json; charset=utf-8"),
            Some(PatchType::Merge)
        );
        assert_eq!(PatchType::from_content_type("application/json"), None);
    }
}
