//! Content negotiation: which representation a client asked for in `Accept` (plain JSON, a
//! `meta.k8s.io/v1` Table as `kubectl get` asks, or `PartialObjectMetadata`), and decoding
//! request bodies (JSON or YAML; protobuf and CBOR are refused with 415).
//!
//! It must not know about resources; it only reads headers and bytes.

use axum::http::{HeaderMap, header};
use serde_json::Value;

use crate::store::ApiError;

/// What `includeObject` asks a Table row to carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IncludeObject {
    /// No object.
    None,
    /// `PartialObjectMetadata` (the default).
    Metadata,
    /// The full object.
    Object,
}

impl IncludeObject {
    /// Parses the `includeObject` query parameter (default `Metadata`).
    pub fn parse(s: Option<&str>) -> Result<Self, ApiError> {
        match s {
            None | Some("") | Some("Metadata") => Ok(Self::Metadata),
            Some("None") => Ok(Self::None),
            Some("Object") => Ok(Self::Object),
            Some(other) => Err(ApiError::bad_request(format!(
                "includeObject: Unsupported value: {other:?}: supported values: \"Metadata\", \"None\", \"Object\""
            ))),
        }
    }
}

/// The representation of a response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// The objects as stored.
    Json,
    /// A `meta.k8s.io/v1` Table.
    Table,
    /// `PartialObjectMetadata` / `PartialObjectMetadataList`.
    Metadata,
}

/// Picks the first acceptable media type of `Accept`; 406 when none is.
pub fn output(headers: &HeaderMap) -> Result<Output, ApiError> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Ok(Output::Json);
    };
    if accept.trim().is_empty() {
        return Ok(Output::Json);
    }
    for media in accept.split(',') {
        let mut parts = media.split(';').map(str::trim);
        let base = parts.next().unwrap_or("");
        let params: Vec<(&str, &str)> = parts
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.trim(), v.trim()))
            .collect();
        let param = |k: &str| params.iter().find(|(pk, _)| *pk == k).map(|(_, v)| *v);
        match base {
            "application/json" | "*/*" | "application/*" => match param("as") {
                None => return Ok(Output::Json),
                Some("Table")
                    if param("g") == Some("meta.k8s.io")
                        && matches!(param("v"), Some("v1" | "v1beta1")) =>
                {
                    return Ok(Output::Table);
                }
                Some("PartialObjectMetadata" | "PartialObjectMetadataList")
                    if param("g") == Some("meta.k8s.io") =>
                {
                    return Ok(Output::Metadata);
                }
                Some(_) => continue,
            },
            _ => continue,
        }
    }
    Err(ApiError::new(
        crate::store::Reason::NotAcceptable,
        format!(
            "only the following media types are accepted: application/json (asked for {accept})"
        ),
    ))
}

/// Decodes a request body by its `Content-Type` (JSON when absent).
pub fn decode_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    let base = ct.split(';').next().unwrap_or("").trim();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "the body of the request is empty: an object was expected",
        ));
    }
    match base {
        "application/json" | "" | "*/*" => serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request(format!("the body of the request is not valid JSON: {e}"))
        }),
        "application/yaml" | "application/x-yaml" | "text/yaml" => {
            let text = std::str::from_utf8(body)
                .map_err(|e| ApiError::bad_request(format!("the YAML body is not UTF-8: {e}")))?;
            serde_saphyr::from_str(text).map_err(|e| {
                ApiError::bad_request(format!("the body of the request is not valid YAML: {e}"))
            })
        }
        "application/vnd.kubernetes.protobuf" => super::protobuf::decode(body),
        other => Err(ApiError::unsupported_media_type(&format!(
            "the body of the request was in an unknown format ({other}) - accepted media types include: application/json, application/yaml"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn kubectl_get_asks_for_tables() {
        let h = accept(
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
        );
        assert_eq!(output(&h).unwrap(), Output::Table);
        assert_eq!(
            output(&accept("application/json, */*")).unwrap(),
            Output::Json
        );
        assert_eq!(output(&HeaderMap::new()).unwrap(), Output::Json);
        assert_eq!(
            output(&accept(
                "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json"
            ))
            .unwrap(),
            Output::Metadata
        );
        assert_eq!(output(&accept("application/json;as=APIGroupDiscoveryList;v=v2;g=apidiscovery.k8s.io,application/json")).unwrap(), Output::Json);
        assert_eq!(
            output(&accept("application/vnd.kubernetes.protobuf"))
                .unwrap_err()
                .code,
            406
        );
    }

    #[test]
    fn bodies() {
        let mut h = HeaderMap::new();
        assert_eq!(decode_body(&h, br#"{"a":1}"#).unwrap()["a"], 1);
        assert_eq!(decode_body(&h, b"{oops").unwrap_err().code, 400);
        assert_eq!(decode_body(&h, b"  ").unwrap_err().code, 400);
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/yaml"),
        );
        assert_eq!(decode_body(&h, b"a: 1\n").unwrap()["a"], 1);
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/cbor"),
        );
        assert_eq!(decode_body(&h, b"x").unwrap_err().code, 415);
    }
}
