//! The source Provider's TLS setting as the cluster holds it: the Plan's source Provider,
//! its `spec.secret`, and that Secret's `insecureSkipVerify` (the pytest suite's
//! `check_ssl_configuration` reads the same chain). It reads; it must not judge — the
//! `ssl_configuration` check compares the value with the session's configuration.

use base64::Engine as _;
use serde_json::Value;

use crate::cluster::ObjectRef;
use crate::cluster::kinds::{self, Kind};
use crate::engine::watches::Watches;

/// What the Secret says: the decoded `insecureSkipVerify`, `Ok(None)` when the key is
/// missing, or why the chain could not be read. The Provider and its Secret are the run's
/// own (never changed after creation): they are read from the session's watches when
/// those hold them, else from the API server.
pub async fn source_secret_insecure(
    client: &kube::Client,
    watches: &Watches,
    plan: &Value,
) -> Result<Option<String>, String> {
    let (ns, name) = reference(plan, "/spec/provider/source")
        .ok_or("the Plan names no source Provider (spec.provider.source)")?;
    let provider = read(client, watches, kinds::PROVIDER, &ns, &name).await?;
    let (sns, sname) = reference(&provider, "/spec/secret")
        .ok_or_else(|| format!("Provider {ns}/{name} references no Secret"))?;
    let secret = read(client, watches, kinds::SECRET, &sns, &sname).await?;
    Ok(insecure_of(&secret))
}

/// `kind` `ns/name` from the session's watches, else from the API server.
async fn read(
    client: &kube::Client,
    watches: &Watches,
    kind: Kind,
    ns: &str,
    name: &str,
) -> Result<Value, String> {
    if let Some(o) = watches.session_cached(&ObjectRef::new(kind, Some(ns), name)) {
        return Ok(serde_json::to_value(&*o).unwrap_or(Value::Null));
    }
    let o = kind
        .api(client, Some(ns))
        .get(name)
        .await
        .map_err(|e| format!("cannot read {} {ns}/{name}: {e}", kind.kind))?;
    Ok(serde_json::to_value(&o).unwrap_or(Value::Null))
}

/// `namespace`/`name` of an object reference at `pointer`.
fn reference(obj: &Value, pointer: &str) -> Option<(String, String)> {
    let r = obj.pointer(pointer)?;
    let name = r
        .get("name")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())?;
    let ns = r
        .get("namespace")
        .and_then(Value::as_str)
        .or_else(|| obj.pointer("/metadata/namespace").and_then(Value::as_str))
        .unwrap_or_default();
    Some((ns.to_string(), name.to_string()))
}

/// The decoded `insecureSkipVerify` of a Secret (`data`, base64), else `stringData`.
pub fn insecure_of(secret: &Value) -> Option<String> {
    if let Some(b64) = secret
        .pointer("/data/insecureSkipVerify")
        .and_then(Value::as_str)
    {
        return base64::engine::general_purpose::STANDARD
            .decode(b64)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned());
    }
    secret
        .pointer("/stringData/insecureSkipVerify")
        .and_then(Value::as_str)
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_secret_value_is_decoded_and_a_missing_key_is_none() {
        let s = json!({"data": {"insecureSkipVerify": "ZmFsc2U=", "user": "dQ=="}});
        assert_eq!(insecure_of(&s).as_deref(), Some("false"));
        assert_eq!(insecure_of(&json!({"data": {"user": "dQ=="}})), None);
        let plan = json!({"metadata": {"namespace": "ns1"},
                          "spec": {"provider": {"source": {"name": "vc"}}}});
        assert_eq!(
            reference(&plan, "/spec/provider/source"),
            Some(("ns1".to_string(), "vc".to_string()))
        );
    }
}
