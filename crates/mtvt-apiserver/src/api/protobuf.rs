//! Reading the Kubernetes protobuf wire format for the few built-in kinds kubectl's typed
//! clients POST/PUT as protobuf (`kubectl create namespace|configmap|secret|serviceaccount`,
//! `kubectl auth can-i` and other clientsets' SelfSubjectAccessReviews/RulesReviews):
//! the `k8s\0` magic, the `runtime.Unknown` envelope, then the object message, decoded by a
//! small field table per message into the same JSON a client would have sent.
//!
//! Field numbers come from `k8s.io/api/core/v1/generated.proto`,
//! `k8s.io/api/authorization/v1/generated.proto` and
//! `k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto`. Unknown fields are skipped, as
//! protobuf readers do. Other kinds get 415, which names the kinds that are understood.

use base64::Engine;
use serde_json::{Map, Value, json};

use crate::store::ApiError;

#[derive(Clone, Copy)]
enum Ty {
    Str,
    Int,
    Bool,
    Time,
    Msg(&'static [Field]),
    MapStr,
    MapBytes,
}

#[derive(Clone, Copy)]
struct Field {
    num: u64,
    name: &'static str,
    ty: Ty,
    repeated: bool,
}

const fn f(num: u64, name: &'static str, ty: Ty) -> Field {
    Field {
        num,
        name,
        ty,
        repeated: false,
    }
}

const fn r(num: u64, name: &'static str, ty: Ty) -> Field {
    Field {
        num,
        name,
        ty,
        repeated: true,
    }
}

const OWNER_REFERENCE: &[Field] = &[
    f(5, "apiVersion", Ty::Str),
    f(1, "kind", Ty::Str),
    f(3, "name", Ty::Str),
    f(4, "uid", Ty::Str),
    f(6, "controller", Ty::Bool),
    f(7, "blockOwnerDeletion", Ty::Bool),
];

const OBJECT_META: &[Field] = &[
    f(1, "name", Ty::Str),
    f(2, "generateName", Ty::Str),
    f(3, "namespace", Ty::Str),
    f(5, "uid", Ty::Str),
    f(6, "resourceVersion", Ty::Str),
    f(7, "generation", Ty::Int),
    f(8, "creationTimestamp", Ty::Time),
    f(9, "deletionTimestamp", Ty::Time),
    f(10, "deletionGracePeriodSeconds", Ty::Int),
    f(11, "labels", Ty::MapStr),
    f(12, "annotations", Ty::MapStr),
    r(13, "ownerReferences", Ty::Msg(OWNER_REFERENCE)),
    r(14, "finalizers", Ty::Str),
];

const NAMESPACE: &[Field] = &[
    f(1, "metadata", Ty::Msg(OBJECT_META)),
    f(2, "spec", Ty::Msg(&[r(1, "finalizers", Ty::Str)])),
    f(3, "status", Ty::Msg(&[f(1, "phase", Ty::Str)])),
];

const CONFIG_MAP: &[Field] = &[
    f(1, "metadata", Ty::Msg(OBJECT_META)),
    f(2, "data", Ty::MapStr),
    f(3, "binaryData", Ty::MapBytes),
    f(4, "immutable", Ty::Bool),
];

const SECRET: &[Field] = &[
    f(1, "metadata", Ty::Msg(OBJECT_META)),
    f(2, "data", Ty::MapBytes),
    f(3, "type", Ty::Str),
    f(4, "stringData", Ty::MapStr),
    f(5, "immutable", Ty::Bool),
];

const OBJECT_REFERENCE: &[Field] = &[
    f(1, "kind", Ty::Str),
    f(2, "namespace", Ty::Str),
    f(3, "name", Ty::Str),
    f(4, "uid", Ty::Str),
    f(5, "apiVersion", Ty::Str),
    f(6, "resourceVersion", Ty::Str),
    f(7, "fieldPath", Ty::Str),
];

const SERVICE_ACCOUNT: &[Field] = &[
    f(1, "metadata", Ty::Msg(OBJECT_META)),
    r(2, "secrets", Ty::Msg(OBJECT_REFERENCE)),
    r(3, "imagePullSecrets", Ty::Msg(&[f(1, "name", Ty::Str)])),
    f(4, "automountServiceAccountToken", Ty::Bool),
];

const SELECTOR_ATTRIBUTES: &[Field] = &[f(1, "rawSelector", Ty::Str)];

const RESOURCE_ATTRIBUTES: &[Field] = &[
    f(1, "namespace", Ty::Str),
    f(2, "verb", Ty::Str),
    f(3, "group", Ty::Str),
    f(4, "version", Ty::Str),
    f(5, "resource", Ty::Str),
    f(6, "subresource", Ty::Str),
    f(7, "name", Ty::Str),
    f(8, "fieldSelector", Ty::Msg(SELECTOR_ATTRIBUTES)),
    f(9, "labelSelector", Ty::Msg(SELECTOR_ATTRIBUTES)),
];

const SELF_SUBJECT_ACCESS_REVIEW: &[Field] = &[
    f(1, "metadata", Ty::Msg(OBJECT_META)),
    f(
        2,
        "spec",
        Ty::Msg(&[
            f(1, "resourceAttributes", Ty::Msg(RESOURCE_ATTRIBUTES)),
            f(
                2,
                "nonResourceAttributes",
                Ty::Msg(&[f(1, "path", Ty::Str), f(2, "verb", Ty::Str)]),
            ),
        ]),
    ),
];

const SELF_SUBJECT_RULES_REVIEW: &[Field] = &[
    f(1, "metadata", Ty::Msg(OBJECT_META)),
    f(2, "spec", Ty::Msg(&[f(1, "namespace", Ty::Str)])),
];

/// `(apiVersion, kind, message)` of every kind read from protobuf.
const KINDS: &[(&str, &str, &[Field])] = &[
    ("v1", "Namespace", NAMESPACE),
    ("v1", "ConfigMap", CONFIG_MAP),
    ("v1", "Secret", SECRET),
    ("v1", "ServiceAccount", SERVICE_ACCOUNT),
    (
        "authorization.k8s.io/v1",
        "SelfSubjectAccessReview",
        SELF_SUBJECT_ACCESS_REVIEW,
    ),
    (
        "authorization.k8s.io/v1",
        "SelfSubjectRulesReview",
        SELF_SUBJECT_RULES_REVIEW,
    ),
];

const MAGIC: &[u8] = b"k8s\0";

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, String> {
        let mut out = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.buf.get(self.pos).ok_or("truncated varint")?;
            self.pos += 1;
            out |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(out);
            }
        }
        Err("varint too long".to_string())
    }

    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let len = usize::try_from(self.varint()?).map_err(|_| "length too large")?;
        let end = self.pos.checked_add(len).ok_or("length overflow")?;
        let out = self.buf.get(self.pos..end).ok_or("truncated field")?;
        self.pos = end;
        Ok(out)
    }

    fn skip(&mut self, wire: u64) -> Result<(), String> {
        match wire {
            0 => self.varint().map(|_| ()),
            1 => self.advance(8),
            2 => self.bytes().map(|_| ()),
            5 => self.advance(4),
            w => Err(format!("unsupported wire type {w}")),
        }
    }

    fn advance(&mut self, n: usize) -> Result<(), String> {
        self.pos = self
            .pos
            .checked_add(n)
            .filter(|p| *p <= self.buf.len())
            .ok_or("truncated field")?;
        Ok(())
    }

    fn done(&self) -> bool {
        self.pos >= self.buf.len()
    }
}

fn text(b: &[u8]) -> Result<String, String> {
    String::from_utf8(b.to_vec()).map_err(|_| "string field is not UTF-8".to_string())
}

fn map_entry(b: &[u8], bytes_value: bool) -> Result<(String, Value), String> {
    let mut rd = Reader { buf: b, pos: 0 };
    let (mut k, mut v) = (String::new(), Value::String(String::new()));
    while !rd.done() {
        let key = rd.varint()?;
        match (key >> 3, key & 7) {
            (1, 2) => k = text(rd.bytes()?)?,
            (2, 2) => {
                let raw = rd.bytes()?;
                v = if bytes_value {
                    json!(base64::engine::general_purpose::STANDARD.encode(raw))
                } else {
                    json!(text(raw)?)
                };
            }
            (_, w) => rd.skip(w)?,
        }
    }
    Ok((k, v))
}

fn time(b: &[u8]) -> Result<Value, String> {
    let mut rd = Reader { buf: b, pos: 0 };
    let mut secs = 0i64;
    while !rd.done() {
        let key = rd.varint()?;
        match (key >> 3, key & 7) {
            (1, 0) => secs = rd.varint()? as i64,
            (_, w) => rd.skip(w)?,
        }
    }
    let t = chrono::DateTime::from_timestamp(secs, 0).ok_or("time out of range")?;
    Ok(json!(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)))
}

fn message(b: &[u8], schema: &[Field]) -> Result<Map<String, Value>, String> {
    let mut rd = Reader { buf: b, pos: 0 };
    let mut out = Map::new();
    while !rd.done() {
        let key = rd.varint()?;
        let (num, wire) = (key >> 3, key & 7);
        let Some(field) = schema.iter().find(|fl| fl.num == num) else {
            rd.skip(wire)?;
            continue;
        };
        let value = match (field.ty, wire) {
            (Ty::Str, 2) => json!(text(rd.bytes()?)?),
            (Ty::Int, 0) => json!(rd.varint()? as i64),
            (Ty::Bool, 0) => json!(rd.varint()? != 0),
            (Ty::Time, 2) => time(rd.bytes()?)?,
            (Ty::Msg(sub), 2) => Value::Object(message(rd.bytes()?, sub)?),
            (Ty::MapStr | Ty::MapBytes, 2) => {
                let (k, v) = map_entry(rd.bytes()?, matches!(field.ty, Ty::MapBytes))?;
                let entry = out
                    .entry(field.name)
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Some(m) = entry.as_object_mut() {
                    m.insert(k, v);
                }
                continue;
            }
            (_, w) => {
                rd.skip(w)?;
                continue;
            }
        };
        // proto2 carries Go zero values, which JSON omits (`omitempty`): drop them.
        let zero = matches!(&value, Value::String(x) if x.is_empty())
            || value == json!(0)
            || value == json!(false);
        if zero && !field.repeated {
            continue;
        }
        if field.repeated {
            let entry = out
                .entry(field.name)
                .or_insert_with(|| Value::Array(vec![]));
            if let Some(a) = entry.as_array_mut() {
                a.push(value);
            }
        } else {
            out.insert(field.name.to_string(), value);
        }
    }
    Ok(out)
}

/// Decodes a `application/vnd.kubernetes.protobuf` body into JSON.
pub fn decode(body: &[u8]) -> Result<Value, ApiError> {
    let bad =
        |m: String| ApiError::bad_request(format!("the protobuf body could not be decoded: {m}"));
    let inner = body
        .strip_prefix(MAGIC)
        .ok_or_else(|| bad("missing the k8s\\0 prefix".to_string()))?;
    let mut rd = Reader { buf: inner, pos: 0 };
    let (mut api_version, mut kind, mut raw) = (String::new(), String::new(), &[][..]);
    while !rd.done() {
        let key = rd.varint().map_err(bad)?;
        match (key >> 3, key & 7) {
            (1, 2) => {
                let tm = message(
                    rd.bytes().map_err(bad)?,
                    &[f(1, "apiVersion", Ty::Str), f(2, "kind", Ty::Str)],
                )
                .map_err(bad)?;
                api_version = tm
                    .get("apiVersion")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                kind = tm
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
            }
            (2, 2) => raw = rd.bytes().map_err(bad)?,
            (_, w) => rd.skip(w).map_err(bad)?,
        }
    }
    let schema = KINDS
        .iter()
        .find(|(v, k, _)| *v == api_version && *k == kind)
        .map(|(_, _, s)| *s)
        .ok_or_else(|| {
            let known: Vec<String> = KINDS.iter().map(|(v, k, _)| format!("{v} {k}")).collect();
            ApiError::unsupported_media_type(&format!(
                "the mtvt emulator reads protobuf bodies only for {}; send {api_version} {kind} as application/json",
                known.join(", ")
            ))
        })?;
    let mut obj = message(raw, schema).map_err(bad)?;
    obj.insert("apiVersion".into(), json!(api_version));
    obj.insert("kind".into(), json!(kind));
    Ok(Value::Object(obj))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }

    fn ld(num: u64, payload: &[u8], out: &mut Vec<u8>) {
        varint(num << 3 | 2, out);
        varint(payload.len() as u64, out);
        out.extend_from_slice(payload);
    }

    fn envelope(kind: &str, raw: &[u8]) -> Vec<u8> {
        envelope_of("v1", kind, raw)
    }

    fn envelope_of(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
        let mut tm = Vec::new();
        ld(1, api_version.as_bytes(), &mut tm);
        ld(2, kind.as_bytes(), &mut tm);
        let mut unk = Vec::new();
        ld(1, &tm, &mut unk);
        ld(2, raw, &mut unk);
        ld(4, b"application/vnd.kubernetes.protobuf", &mut unk);
        [MAGIC, &unk].concat()
    }

    #[test]
    fn decodes_a_namespace() {
        let mut entry = Vec::new();
        ld(1, b"team", &mut entry);
        ld(2, b"qe", &mut entry);
        let mut meta = Vec::new();
        ld(1, b"team-a", &mut meta);
        ld(2, b"", &mut meta); // generateName "" is omitted, as in JSON
        ld(11, &entry, &mut meta);
        ld(14, b"a/b", &mut meta);
        ld(17, b"\x0a\x01x", &mut meta); // managedFields: skipped
        let mut ns = Vec::new();
        ld(1, &meta, &mut ns);
        let v = decode(&envelope("Namespace", &ns)).unwrap();
        assert_eq!(
            v,
            json!({"metadata": {"name": "team-a", "labels": {"team": "qe"}, "finalizers": ["a/b"]}, "apiVersion": "v1", "kind": "Namespace"})
        );
    }

    #[test]
    fn decodes_secret_bytes_as_base64() {
        let mut entry = Vec::new();
        ld(1, b"password", &mut entry);
        ld(2, b"s3cret", &mut entry);
        let mut meta = Vec::new();
        ld(1, b"creds", &mut meta);
        let mut s = Vec::new();
        ld(1, &meta, &mut s);
        ld(2, &entry, &mut s);
        ld(3, b"Opaque", &mut s);
        let v = decode(&envelope("Secret", &s)).unwrap();
        assert_eq!(v["data"]["password"], "czNjcmV0");
        assert_eq!(v["type"], "Opaque");
    }

    #[test]
    fn decodes_a_self_subject_access_review() {
        let mut attrs = Vec::new();
        ld(1, b"demo", &mut attrs);
        ld(2, b"list", &mut attrs);
        ld(3, b"apps", &mut attrs);
        ld(5, b"deployments", &mut attrs);
        let mut spec = Vec::new();
        ld(1, &attrs, &mut spec);
        let mut review = Vec::new();
        ld(1, b"", &mut review);
        ld(2, &spec, &mut review);
        let v = decode(&envelope_of(
            "authorization.k8s.io/v1",
            "SelfSubjectAccessReview",
            &review,
        ))
        .unwrap();
        assert_eq!(
            v["spec"]["resourceAttributes"],
            json!({"namespace": "demo", "verb": "list", "group": "apps", "resource": "deployments"})
        );
        assert_eq!(v["kind"], "SelfSubjectAccessReview");
    }

    #[test]
    fn refuses_unknown_kinds_and_garbage() {
        assert_eq!(decode(&envelope("Pod", b"")).unwrap_err().code, 415);
        assert_eq!(decode(b"nope").unwrap_err().code, 400);
        assert_eq!(
            decode(&[MAGIC, &[0x0a, 0x05, 0x01]].concat())
                .unwrap_err()
                .code,
            400
        );
    }
}
