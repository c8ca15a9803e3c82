//! Structural OpenAPI v3 schemas of CRDs (`openAPIV3Schema`), applied the way
//! apiextensions-apiserver applies them to a custom resource on every write: prune unknown
//! fields, drop non-nullable nulls, apply `default`s, then validate types, `required`, `enum`,
//! formats, patterns, bounds and list uniqueness, reporting field paths.
//!
//! It knows nothing about metadata (names and labels are checked in `names`), and does not
//! evaluate CEL (`x-kubernetes-validations`): rules are ignored, which the module reports in
//! [`Schema::ignored_rules`].

use std::collections::BTreeMap;

use regex::Regex;
use serde_json::Value;

use super::error::Cause;

mod prune;
mod validate;

/// A parse failure of a schema (e.g. a `pattern` that is not a valid regex).
#[derive(Debug, thiserror::Error)]
#[error("schema at {path}: {message}")]
pub struct SchemaError {
    /// Where in the schema.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

#[derive(Clone, Debug, Default)]
pub(super) enum Additional {
    #[default]
    Absent,
    Allowed(bool),
    Schema(Box<Node>),
}

#[derive(Clone, Debug, Default)]
pub(super) struct Node {
    pub(super) ty: Option<String>,
    pub(super) format: Option<String>,
    pub(super) enumeration: Option<Vec<Value>>,
    pub(super) default: Option<Value>,
    pub(super) nullable: bool,
    pub(super) properties: BTreeMap<String, Node>,
    pub(super) has_properties: bool,
    pub(super) required: Vec<String>,
    pub(super) additional: Additional,
    pub(super) items: Option<Box<Node>>,
    pub(super) pattern: Option<Regex>,
    pub(super) min_length: Option<u64>,
    pub(super) max_length: Option<u64>,
    pub(super) minimum: Option<f64>,
    pub(super) maximum: Option<f64>,
    pub(super) exclusive_minimum: bool,
    pub(super) exclusive_maximum: bool,
    pub(super) min_items: Option<u64>,
    pub(super) max_items: Option<u64>,
    pub(super) unique_items: bool,
    pub(super) min_properties: Option<u64>,
    pub(super) max_properties: Option<u64>,
    pub(super) preserve_unknown: bool,
    pub(super) int_or_string: bool,
    pub(super) embedded: bool,
    pub(super) list_type: Option<String>,
    pub(super) list_map_keys: Vec<String>,
    pub(super) all_of: Vec<Node>,
    pub(super) any_of: Vec<Node>,
    pub(super) one_of: Vec<Node>,
    pub(super) not: Option<Box<Node>>,
    pub(super) rules: usize,
}

/// A CRD's `openAPIV3Schema`, compiled.
#[derive(Clone, Debug)]
pub struct Schema {
    raw: Value,
    root: Node,
}

/// What applying a schema to an object found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Paths of fields the schema does not declare (they were pruned), e.g. `spec.foo`.
    pub unknown_fields: Vec<String>,
    /// Validation failures.
    pub causes: Vec<Cause>,
}

impl Schema {
    /// Compiles `raw` (the value of `openAPIV3Schema`).
    pub fn parse(raw: &Value) -> Result<Self, SchemaError> {
        Ok(Self {
            raw: raw.clone(),
            root: Node::parse(raw, "openAPIV3Schema")?,
        })
    }

    /// The schema as written in the CRD (served by `/openapi/v3`).
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// Number of CEL rules (`x-kubernetes-validations`) this emulator does not evaluate.
    pub fn ignored_rules(&self) -> usize {
        self.root.count_rules()
    }

    /// Prunes, defaults and validates `obj` in place (metadata is left alone).
    pub fn apply(&self, obj: &mut Value) -> Outcome {
        let mut out = Outcome::default();
        if let Value::Object(map) = obj {
            self.root
                .prune_object(map, "", true, &mut out.unknown_fields);
            self.root.default_object(map);
        }
        self.root.validate(obj, "", true, &mut out.causes);
        out.unknown_fields.sort();
        out
    }
}

fn str_field<'a>(raw: &'a Value, key: &str) -> Option<&'a str> {
    raw.get(key).and_then(Value::as_str)
}

fn u64_field(raw: &Value, key: &str) -> Option<u64> {
    raw.get(key).and_then(Value::as_u64)
}

fn bool_field(raw: &Value, key: &str) -> bool {
    raw.get(key).and_then(Value::as_bool).unwrap_or(false)
}

pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

pub(super) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

pub(super) fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

pub(super) fn value_text(v: &Value) -> String {
    super::error::go_value(v)
}

impl Node {
    pub(super) fn parse(raw: &Value, path: &str) -> Result<Self, SchemaError> {
        let err = |message: String| SchemaError {
            path: path.to_string(),
            message,
        };
        let mut n = Node {
            ty: str_field(raw, "type").map(str::to_string),
            format: str_field(raw, "format").map(str::to_string),
            enumeration: raw.get("enum").and_then(Value::as_array).cloned(),
            default: raw.get("default").cloned(),
            nullable: bool_field(raw, "nullable"),
            required: raw
                .get("required")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            min_length: u64_field(raw, "minLength"),
            max_length: u64_field(raw, "maxLength"),
            minimum: raw.get("minimum").and_then(Value::as_f64),
            maximum: raw.get("maximum").and_then(Value::as_f64),
            exclusive_minimum: bool_field(raw, "exclusiveMinimum"),
            exclusive_maximum: bool_field(raw, "exclusiveMaximum"),
            min_items: u64_field(raw, "minItems"),
            max_items: u64_field(raw, "maxItems"),
            unique_items: bool_field(raw, "uniqueItems"),
            min_properties: u64_field(raw, "minProperties"),
            max_properties: u64_field(raw, "maxProperties"),
            preserve_unknown: bool_field(raw, "x-kubernetes-preserve-unknown-fields"),
            int_or_string: bool_field(raw, "x-kubernetes-int-or-string"),
            embedded: bool_field(raw, "x-kubernetes-embedded-resource"),
            list_type: str_field(raw, "x-kubernetes-list-type").map(str::to_string),
            list_map_keys: raw
                .get("x-kubernetes-list-map-keys")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            rules: raw
                .get("x-kubernetes-validations")
                .and_then(Value::as_array)
                .map_or(0, Vec::len),
            ..Node::default()
        };
        if let Some(p) = str_field(raw, "pattern") {
            n.pattern =
                Some(Regex::new(p).map_err(|e| err(format!("invalid pattern {p:?}: {e}")))?);
        }
        if let Some(props) = raw.get("properties").and_then(Value::as_object) {
            n.has_properties = true;
            for (k, v) in props {
                n.properties.insert(
                    k.clone(),
                    Node::parse(v, &format!("{path}.properties.{k}"))?,
                );
            }
        }
        n.additional = match raw.get("additionalProperties") {
            Some(Value::Bool(b)) => Additional::Allowed(*b),
            Some(v @ Value::Object(_)) => Additional::Schema(Box::new(Node::parse(
                v,
                &format!("{path}.additionalProperties"),
            )?)),
            _ => Additional::Absent,
        };
        if let Some(items) = raw.get("items") {
            n.items = Some(Box::new(Node::parse(items, &format!("{path}.items"))?));
        }
        for (key, slot) in [
            ("allOf", &mut n.all_of),
            ("anyOf", &mut n.any_of),
            ("oneOf", &mut n.one_of),
        ] {
            if let Some(list) = raw.get(key).and_then(Value::as_array) {
                for (i, s) in list.iter().enumerate() {
                    slot.push(Node::parse(s, &format!("{path}.{key}[{i}]"))?);
                }
            }
        }
        if let Some(not) = raw.get("not") {
            n.not = Some(Box::new(Node::parse(not, &format!("{path}.not"))?));
        }
        Ok(n)
    }

    fn count_rules(&self) -> usize {
        self.rules
            + self
                .properties
                .values()
                .map(Node::count_rules)
                .sum::<usize>()
            + self.items.as_ref().map_or(0, |i| i.count_rules())
            + match &self.additional {
                Additional::Schema(s) => s.count_rules(),
                _ => 0,
            }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::error::Cause;
    use serde_json::json;

    fn plan_like() -> Schema {
        Schema::parse(&json!({
            "type": "object",
            "required": ["spec"],
            "properties": {
                "apiVersion": {"type": "string"},
                "kind": {"type": "string"},
                "metadata": {"type": "object"},
                "spec": {
                    "type": "object",
                    "required": ["targetNamespace", "vms"],
                    "properties": {
                        "warm": {"type": "boolean"},
                        "type": {"type": "string", "enum": ["cold", "warm", "live", "conversion"]},
                        "targetNamespace": {"type": "string"},
                        "preserveStaticIPs": {"type": "boolean", "default": true},
                        "serviceAccount": {"type": "string", "maxLength": 253, "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"},
                        "cutover": {"type": "string", "format": "date-time"},
                        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                        "open": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                        "vms": {"type": "array", "items": {
                            "type": "object",
                            "properties": {"id": {"type": "string"}, "name": {"type": "string"}}
                        }},
                        "count": {"type": "integer", "minimum": 1}
                    }
                },
                "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
            }
        }))
        .unwrap()
    }

    #[test]
    fn type_error_names_the_field() {
        let mut obj = json!({"metadata": {"name": "p"}, "spec": {"warm": "yes", "targetNamespace": "t", "vms": []}});
        let out = plan_like().apply(&mut obj);
        assert_eq!(out.causes.len(), 1, "{:?}", out.causes);
        let c = &out.causes[0];
        assert_eq!(c.field, "spec.warm");
        assert_eq!(c.reason, "FieldValueTypeInvalid");
        assert_eq!(
            c.message,
            "Invalid value: \"string\": spec.warm in body must be of type boolean: \"string\""
        );
    }

    #[test]
    fn required_enum_pattern_format_bounds() {
        let mut obj = json!({"spec": {"type": "hot", "serviceAccount": "Bad_SA", "cutover": "tomorrow", "count": 0}});
        let out = plan_like().apply(&mut obj);
        let rendered: Vec<String> = out.causes.iter().map(Cause::render).collect();
        assert!(
            rendered.contains(&"spec.targetNamespace: Required value".to_string()),
            "{rendered:?}"
        );
        assert!(rendered.contains(&"spec.vms: Required value".to_string()));
        assert!(rendered.contains(&"spec.type: Unsupported value: \"hot\": supported values: \"cold\", \"warm\", \"live\", \"conversion\"".to_string()));
        assert!(rendered.iter().any(|r| r.starts_with("spec.serviceAccount: Invalid value: \"Bad_SA\": spec.serviceAccount in body should match")));
        assert!(rendered.contains(&"spec.cutover: Invalid value: \"tomorrow\": spec.cutover in body must be of type date-time: \"tomorrow\"".to_string()));
        assert!(rendered.contains(&"spec.count: Invalid value: 0: spec.count in body should be greater than or equal to 1".to_string()));
    }

    #[test]
    fn prunes_unknown_fields_and_defaults() {
        let mut obj = json!({"apiVersion": "x/v1", "kind": "Widget", "metadata": {"name": "p", "whatever": 1},
            "spec": {"targetNamespace": "t", "vms": [{"id": "vm-1", "extra": true}], "bogus": 1,
                     "labels": {"a": "b"}, "open": {"any": {"thing": 1}}},
            "status": {"free": "form"}, "top": 1});
        let out = plan_like().apply(&mut obj);
        assert!(out.causes.is_empty(), "{:?}", out.causes);
        assert_eq!(
            out.unknown_fields,
            vec!["spec.bogus", "spec.vms[0].extra", "top"]
        );
        assert_eq!(obj["spec"]["preserveStaticIPs"], true);
        assert!(obj["spec"].get("bogus").is_none());
        assert_eq!(obj["spec"]["open"]["any"]["thing"], 1);
        assert_eq!(obj["status"]["free"], "form");
        assert_eq!(obj["metadata"]["whatever"], 1);
    }

    #[test]
    fn nulls_are_dropped_then_defaulted() {
        let mut obj = json!({"spec": {"targetNamespace": "t", "vms": [], "preserveStaticIPs": null, "warm": null}});
        let out = plan_like().apply(&mut obj);
        assert!(out.causes.is_empty(), "{:?}", out.causes);
        assert_eq!(obj["spec"]["preserveStaticIPs"], true);
        assert!(obj["spec"].get("warm").is_none());
    }

    #[test]
    fn list_map_duplicates_are_reported() {
        let s = Schema::parse(&json!({"type": "object", "properties": {"l": {
            "type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
            "items": {"type": "object", "properties": {"name": {"type": "string"}}}}}})).unwrap();
        let mut obj = json!({"l": [{"name": "a"}, {"name": "a"}]});
        let out = s.apply(&mut obj);
        assert_eq!(out.causes[0].field, "l[1]");
        assert_eq!(out.causes[0].reason, "FieldValueDuplicate");
    }

    #[test]
    fn bad_pattern_is_a_schema_error() {
        let e = Schema::parse(&json!({"type": "string", "pattern": "("})).unwrap_err();
        assert!(e.to_string().contains("invalid pattern"));
    }
}
