//! Query parameters and bodies → store options: write options (`dryRun`,
//! `fieldValidation`), list options (selectors, `limit`, `continue`) and delete options
//! (propagation, `orphanDependents`, preconditions, dry run in the query or the body).

use serde_json::{Value, json};

use super::Params;
use crate::store::{
    ApiError, DeleteOptions, FieldSelector, FieldValidation, LabelSelector, ListOptions,
    Propagation, WriteOptions,
};

pub(super) fn write_options(p: &Params) -> Result<WriteOptions, ApiError> {
    let field_validation = match p.get("fieldValidation").map(String::as_str) {
        None | Some("") => FieldValidation::Warn,
        Some(v) => FieldValidation::parse(v).ok_or_else(|| {
            ApiError::bad_request(format!("fieldValidation: Unsupported value: {v:?}: supported values: \"Ignore\", \"Strict\", \"Warn\""))
        })?,
    };
    Ok(WriteOptions {
        dry_run: dry_run(p)?,
        field_validation,
    })
}

fn dry_run(p: &Params) -> Result<bool, ApiError> {
    match p.get("dryRun").map(String::as_str) {
        None | Some("") => Ok(false),
        Some("All") => Ok(true),
        Some(v) => Err(ApiError::bad_request(format!(
            "dryRun: Unsupported value: {v:?}: supported values: \"All\""
        ))),
    }
}

pub(super) fn list_options(p: &Params) -> Result<ListOptions, ApiError> {
    Ok(ListOptions {
        labels: LabelSelector::parse(p.get("labelSelector").map_or("", String::as_str))
            .map_err(ApiError::bad_request)?,
        fields: FieldSelector::parse(p.get("fieldSelector").map_or("", String::as_str))
            .map_err(ApiError::bad_request)?,
        limit: limit(p)?,
        continue_token: p.get("continue").cloned().filter(|c| !c.is_empty()),
    })
}

/// `limit`: an integer (kube: 400 otherwise); 0 or less means no limit.
fn limit(p: &Params) -> Result<Option<usize>, ApiError> {
    match p.get("limit").map(String::as_str) {
        None | Some("") => Ok(None),
        Some(l) => {
            let n: i64 = l
                .parse()
                .map_err(|e| ApiError::bad_request(format!("limit: Invalid value: {l:?}: {e}")))?;
            Ok(usize::try_from(n).ok().filter(|n| *n > 0))
        }
    }
}

pub(super) fn delete_options(p: &Params, body: &[u8]) -> Result<DeleteOptions, ApiError> {
    let doc: Value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request(format!("the DeleteOptions body is not valid JSON: {e}"))
        })?
    };
    let policy = p
        .get("propagationPolicy")
        .map(String::as_str)
        .or_else(|| doc.get("propagationPolicy").and_then(Value::as_str));
    let mut propagation = match policy {
        None | Some("") => None,
        Some(s) => Some(Propagation::parse(s).ok_or_else(|| {
            ApiError::bad_request(format!("propagationPolicy: Unsupported value: {s:?}: supported values: \"Background\", \"Foreground\", \"Orphan\""))
        })?),
    };
    let orphan = p
        .get("orphanDependents")
        .map(|s| s == "true")
        .or_else(|| doc.get("orphanDependents").and_then(Value::as_bool));
    if propagation.is_none() {
        propagation = orphan.map(|o| {
            if o {
                Propagation::Orphan
            } else {
                Propagation::Background
            }
        });
    }
    let body_dry = doc
        .get("dryRun")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|v| v == "All"));
    Ok(DeleteOptions {
        propagation,
        uid: doc
            .get("preconditions")
            .and_then(|c| c.get("uid"))
            .and_then(Value::as_str)
            .map(str::to_string),
        resource_version: doc
            .get("preconditions")
            .and_then(|c| c.get("resourceVersion"))
            .and_then(Value::as_str)
            .map(str::to_string),
        dry_run: dry_run(p)? || body_dry,
    })
}
