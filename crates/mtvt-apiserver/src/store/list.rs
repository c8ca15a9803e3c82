//! Lists: one kind in one namespace or all, filtered by label and field selectors, paged
//! with `limit` and opaque `continue` tokens that pin the list's resourceVersion.

use std::sync::Arc;

use base64::Engine;
use serde_json::{Value, json};

use super::{ApiError, FieldSelector, LabelSelector, ResourceRef, Store, object};

/// Options of a list.
#[derive(Clone, Debug, Default)]
pub struct ListOptions {
    /// `labelSelector`
    pub labels: LabelSelector,
    /// `fieldSelector`
    pub fields: FieldSelector,
    /// `limit` (page size); `None` = everything.
    pub limit: Option<usize>,
    /// `continue` token from a previous page.
    pub continue_token: Option<String>,
}

/// A page of a list.
#[derive(Clone, Debug)]
pub struct ObjectList {
    /// The list's `metadata.resourceVersion`.
    pub resource_version: u64,
    /// The objects, ordered by namespace then name.
    pub items: Vec<Arc<Value>>,
    /// `metadata.continue` when more pages follow.
    pub continue_token: Option<String>,
    /// `metadata.remainingItemCount` when more pages follow.
    pub remaining: Option<usize>,
}

impl Store {
    /// Lists objects of a kind, in one namespace (`Some`) or all (`None`).
    pub fn list(
        &self,
        r: &impl ResourceRef,
        namespace: Option<&str>,
        opts: &ListOptions,
    ) -> Result<ObjectList, ApiError> {
        let kind = self.kind(r)?;
        for f in opts.fields.fields() {
            if kind.field_path(f).is_none() {
                return Err(ApiError::bad_request(format!(
                    "field label not supported: {f}"
                )));
            }
        }
        let ns = if kind.namespaced {
            namespace.filter(|n| !n.is_empty())
        } else {
            None
        };
        let (token_rv, after) = match &opts.continue_token {
            Some(t) if !t.is_empty() => {
                let (rv, key) = decode_continue(t)?;
                (Some(rv), Some(key))
            }
            _ => (None, None),
        };
        let state = self.lock();
        let list_rv = token_rv.unwrap_or(state.rv);
        let resolve = |f: &str| kind.field_path(f);
        let mut matching = state
            .scan(&kind, ns, after)
            .filter(|o| opts.labels.matches(o) && opts.fields.matches(o, resolve));
        let limit = opts.limit.filter(|l| *l > 0);
        let mut items = Vec::new();
        for o in matching.by_ref() {
            if limit.is_some_and(|l| items.len() >= l) {
                items.push(o.clone());
                break;
            }
            items.push(o.clone());
        }
        let (continue_token, remaining) = match limit {
            Some(l) if items.len() > l => {
                items.truncate(l);
                let rest = 1 + matching.count();
                let last = items.last().map(|o| {
                    (
                        object::namespace(o).to_string(),
                        object::name(o).to_string(),
                    )
                });
                (last.map(|k| encode_continue(list_rv, &k)), Some(rest))
            }
            _ => (None, None),
        };
        Ok(ObjectList {
            resource_version: list_rv,
            items,
            continue_token,
            remaining,
        })
    }
}

fn encode_continue(rv: u64, key: &(String, String)) -> String {
    let raw = json!({"rv": rv, "ns": key.0, "name": key.1}).to_string();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

fn decode_continue(token: &str) -> Result<(u64, (String, String)), ApiError> {
    let bad = || ApiError::bad_request(format!("continue key is not valid: {token}"));
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .map_err(|_| bad())?;
    let v: Value = serde_json::from_slice(&raw).map_err(|_| bad())?;
    let rv = v.get("rv").and_then(Value::as_u64).ok_or_else(bad)?;
    let ns = v.get("ns").and_then(Value::as_str).ok_or_else(bad)?;
    let name = v.get("name").and_then(Value::as_str).ok_or_else(bad)?;
    Ok((rv, (ns.to_string(), name.to_string())))
}
