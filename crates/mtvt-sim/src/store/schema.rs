//! Structural OpenAPI v3 schemas of CRDs (`openAPIV3Schema`), applied the way
//! apiextensions-apiserver applies them to a custom resource on every write: prune unknown
//! fields, drop non-nullable nulls, apply `default`s, then validate types, `required`, `enum`,
//! formats, patterns, bounds and list uniqueness, reporting field paths.
//!
//! It knows nothing about metadata (names and labels are checked in `names`), and does not
//! evaluate CEL (`x-kubernetes-validations`): rules are ignored, which the module reports in
//! [`Schema::ignored_rules`].

use std::collections::BTreeMap;

use base64::Engine;
use regex::Regex;
use serde_json::{Map, Value};

use super::error::Cause;

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
enum Additional {
    #[default]
    Absent,
    Allowed(bool),
    Schema(Box<Node>),
}

#[derive(Clone, Debug, Default)]
struct Node {
    ty: Option<String>,
    format: Option<String>,
    enumeration: Option<Vec<Value>>,
    default: Option<Value>,
    nullable: bool,
    properties: BTreeMap<String, Node>,
    has_properties: bool,
    required: Vec<String>,
    additional: Additional,
    items: Option<Box<Node>>,
    pattern: Option<Regex>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    minimum: Option<f64>,
    maximum: Option<f64>,
    exclusive_minimum: bool,
    exclusive_maximum: bool,
    min_items: Option<u64>,
    max_items: Option<u64>,
    unique_items: bool,
    min_properties: Option<u64>,
    max_properties: Option<u64>,
    preserve_unknown: bool,
    int_or_string: bool,
    embedded: bool,
    list_type: Option<String>,
    list_map_keys: Vec<String>,
    all_of: Vec<Node>,
    any_of: Vec<Node>,
    one_of: Vec<Node>,
    not: Option<Box<Node>>,
    rules: usize,
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

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn json_type(v: &Value) -> &'static str {
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

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

fn value_text(v: &Value) -> String {
    super::error::go_value(v)
}

impl Node {
    fn parse(raw: &Value, path: &str) -> Result<Self, SchemaError> {
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

    /// Removes fields the schema does not know (recording their paths) and non-nullable nulls.
    /// As in kube: an object node keeps unknown keys only with
    /// `x-kubernetes-preserve-unknown-fields` or `additionalProperties: true`; an embedded
    /// resource (and the root) keeps `apiVersion`, `kind` and `metadata`.
    fn prune_object(
        &self,
        map: &mut Map<String, Value>,
        path: &str,
        root: bool,
        unknown: &mut Vec<String>,
    ) {
        let keep_meta = root || self.embedded;
        let keys: Vec<String> = map.keys().cloned().collect();
        for key in keys {
            if keep_meta && (key == "apiVersion" || key == "kind" || key == "metadata") {
                continue;
            }
            let child = match self.properties.get(&key) {
                Some(c) => Some(c),
                None => match &self.additional {
                    Additional::Schema(s) => Some(s.as_ref()),
                    _ => None,
                },
            };
            let child_path = join(path, &key);
            match child {
                Some(c) => {
                    if map.get(&key).is_some_and(Value::is_null) && !c.nullable {
                        map.remove(&key);
                    } else if let Some(v) = map.get_mut(&key) {
                        c.prune_value(v, &child_path, unknown);
                    }
                }
                None => {
                    if !self.preserve_unknown
                        && !matches!(self.additional, Additional::Allowed(true))
                    {
                        map.remove(&key);
                        unknown.push(child_path);
                    }
                }
            }
        }
    }

    fn prune_value(&self, v: &mut Value, path: &str, unknown: &mut Vec<String>) {
        match v {
            // int-or-string and untyped leaves never hold objects worth pruning.
            Value::Object(map)
                if self.ty.as_deref() == Some("object") || self.has_properties || self.embedded =>
            {
                self.prune_object(map, path, false, unknown);
            }
            Value::Array(items) => {
                if let Some(item_schema) = &self.items {
                    for (i, item) in items.iter_mut().enumerate() {
                        item_schema.prune_value(item, &format!("{path}[{i}]"), unknown);
                    }
                }
            }
            _ => {}
        }
    }

    fn default_object(&self, map: &mut Map<String, Value>) {
        for (key, child) in &self.properties {
            if !map.contains_key(key)
                && let Some(d) = &child.default
            {
                map.insert(key.clone(), d.clone());
            }
            if let Some(v) = map.get_mut(key) {
                child.default_value(v);
            }
        }
        if let Additional::Schema(s) = &self.additional {
            for (key, v) in map.iter_mut() {
                if !self.properties.contains_key(key) {
                    s.default_value(v);
                }
            }
        }
    }

    fn default_value(&self, v: &mut Value) {
        match v {
            Value::Object(map) => self.default_object(map),
            Value::Array(items) => {
                if let Some(s) = &self.items {
                    for item in items {
                        s.default_value(item);
                    }
                }
            }
            _ => {}
        }
    }

    fn type_error(&self, v: &Value, path: &str, expected: &str, out: &mut Vec<Cause>) {
        let actual = json_type(v);
        out.push(Cause::new(
            "FieldValueTypeInvalid",
            path,
            format!(
                "Invalid value: {actual:?}: {path} in body must be of type {expected}: {actual:?}"
            ),
        ));
    }

    fn validate(&self, v: &Value, path: &str, root: bool, out: &mut Vec<Cause>) {
        if v.is_null() {
            if !self.nullable && self.ty.is_some() {
                self.type_error(v, path, self.ty.as_deref().unwrap_or("object"), out);
            }
            return;
        }
        if !self.check_type(v, path, out) {
            return;
        }
        if let Some(allowed) = &self.enumeration
            && !allowed.contains(v)
        {
            let list: Vec<String> = allowed.iter().map(value_text).collect();
            out.push(Cause::new(
                "FieldValueNotSupported",
                path,
                format!(
                    "Unsupported value: {}: supported values: {}",
                    value_text(v),
                    list.join(", ")
                ),
            ));
        }
        match v {
            Value::String(s) => self.validate_string(v, s, path, out),
            Value::Number(n) => self.validate_number(v, n.as_f64().unwrap_or(0.0), path, out),
            Value::Array(items) => self.validate_array(v, items, path, out),
            Value::Object(map) => self.validate_object(v, map, path, root, out),
            _ => {}
        }
        for s in &self.all_of {
            s.validate(v, path, root, out);
        }
        if !self.any_of.is_empty() && !self.any_of.iter().any(|s| s.accepts(v, root)) {
            out.push(Cause::invalid(
                path,
                v,
                &format!("{path} in body must validate at least one schema (anyOf)"),
            ));
        }
        if !self.one_of.is_empty() && self.one_of.iter().filter(|s| s.accepts(v, root)).count() != 1
        {
            out.push(Cause::invalid(
                path,
                v,
                &format!("{path} in body must validate one and only one schema (oneOf)"),
            ));
        }
        if let Some(not) = &self.not
            && not.accepts(v, root)
        {
            out.push(Cause::invalid(
                path,
                v,
                &format!("{path} in body should not validate the schema"),
            ));
        }
    }

    fn accepts(&self, v: &Value, root: bool) -> bool {
        let mut scratch = Vec::new();
        self.validate(v, "", root, &mut scratch);
        scratch.is_empty()
    }

    fn check_type(&self, v: &Value, path: &str, out: &mut Vec<Cause>) -> bool {
        if self.int_or_string {
            if v.is_string() || v.as_i64().is_some() || v.as_u64().is_some() {
                return true;
            }
            self.type_error(v, path, "integer,string", out);
            return false;
        }
        let Some(ty) = self.ty.as_deref() else {
            return true;
        };
        let ok = match ty {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            _ => true,
        };
        if !ok {
            self.type_error(v, path, ty, out);
        }
        ok
    }

    fn validate_string(&self, v: &Value, s: &str, path: &str, out: &mut Vec<Cause>) {
        let len = s.chars().count() as u64;
        if let Some(max) = self.max_length
            && len > max
        {
            out.push(Cause::new(
                "FieldValueTooLong",
                path,
                format!("Too long: may not be more than {max} bytes"),
            ));
        }
        if let Some(min) = self.min_length
            && len < min
        {
            out.push(Cause::invalid(
                path,
                v,
                &format!("{path} in body should be at least {min} chars long"),
            ));
        }
        if let Some(re) = &self.pattern
            && !re.is_match(s)
        {
            out.push(Cause::invalid(
                path,
                v,
                &format!("{path} in body should match '{}'", re.as_str()),
            ));
        }
        if let Some(format) = self.format.as_deref()
            && !format_ok(format, s)
        {
            out.push(Cause::new(
                "FieldValueTypeInvalid",
                path,
                format!(
                    "Invalid value: {}: {path} in body must be of type {format}: {}",
                    value_text(v),
                    value_text(v)
                ),
            ));
        }
    }

    fn validate_number(&self, v: &Value, n: f64, path: &str, out: &mut Vec<Cause>) {
        if let Some(min) = self.minimum {
            let (bad, word) = if self.exclusive_minimum {
                (n <= min, "greater than")
            } else {
                (n < min, "greater than or equal to")
            };
            if bad {
                out.push(Cause::invalid(
                    path,
                    v,
                    &format!("{path} in body should be {word} {}", number_text(min)),
                ));
            }
        }
        if let Some(max) = self.maximum {
            let (bad, word) = if self.exclusive_maximum {
                (n >= max, "less than")
            } else {
                (n > max, "less than or equal to")
            };
            if bad {
                out.push(Cause::invalid(
                    path,
                    v,
                    &format!("{path} in body should be {word} {}", number_text(max)),
                ));
            }
        }
    }

    fn validate_array(&self, v: &Value, items: &[Value], path: &str, out: &mut Vec<Cause>) {
        let len = items.len() as u64;
        if let Some(max) = self.max_items
            && len > max
        {
            out.push(Cause::new(
                "FieldValueTooMany",
                path,
                format!("Too many: {len}: must have at most {max} items"),
            ));
        }
        if let Some(min) = self.min_items
            && len < min
        {
            out.push(Cause::invalid(
                path,
                v,
                &format!("{path} in body should have at least {min} items"),
            ));
        }
        let set_like = self.unique_items || self.list_type.as_deref() == Some("set");
        for (i, item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            if let Some(s) = &self.items {
                s.validate(item, &item_path, false, out);
            }
            let earlier = items.iter().take(i);
            if set_like && earlier.clone().any(|e| e == item) {
                out.push(Cause::new(
                    "FieldValueDuplicate",
                    item_path.clone(),
                    format!("Duplicate value: {}", value_text(item)),
                ));
            } else if self.list_type.as_deref() == Some("map") && !self.list_map_keys.is_empty() {
                let key_of = |x: &Value| -> Vec<Value> {
                    self.list_map_keys
                        .iter()
                        .map(|k| x.get(k).cloned().unwrap_or(Value::Null))
                        .collect()
                };
                let mine = key_of(item);
                if earlier.clone().any(|e| key_of(e) == mine) {
                    let shown: Map<String, Value> =
                        self.list_map_keys.iter().cloned().zip(mine).collect();
                    out.push(Cause::new(
                        "FieldValueDuplicate",
                        item_path,
                        format!("Duplicate value: {}", Value::Object(shown)),
                    ));
                }
            }
        }
    }

    fn validate_object(
        &self,
        v: &Value,
        map: &Map<String, Value>,
        path: &str,
        root: bool,
        out: &mut Vec<Cause>,
    ) {
        for req in &self.required {
            if !map.contains_key(req) {
                out.push(Cause::required(join(path, req), ""));
            }
        }
        let count = map.len() as u64;
        if let Some(max) = self.max_properties
            && count > max
        {
            out.push(Cause::new(
                "FieldValueTooMany",
                path,
                format!("Too many: {count}: must have at most {max} items"),
            ));
        }
        if let Some(min) = self.min_properties
            && count < min
        {
            out.push(Cause::invalid(
                path,
                v,
                &format!("{path} in body should have at least {min} properties"),
            ));
        }
        for (key, value) in map {
            if (root || self.embedded) && key == "metadata" {
                continue;
            }
            let child_path = join(path, key);
            if let Some(child) = self.properties.get(key) {
                child.validate(value, &child_path, false, out);
            } else if let Additional::Schema(s) = &self.additional {
                s.validate(value, &child_path, false, out);
            }
        }
    }
}

/// Whether `s` is a valid value of the OpenAPI `format` (unknown formats accept anything).
fn format_ok(format: &str, s: &str) -> bool {
    match format {
        "date-time" | "datetime" => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
        "date" => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
        "byte" => base64::engine::general_purpose::STANDARD.decode(s).is_ok(),
        "uuid" => {
            let hex = s.replace('-', "");
            s.len() == 36 && hex.len() == 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
        }
        "ipv4" => s.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => s.parse::<std::net::Ipv6Addr>().is_ok(),
        "cidr" => s.split_once('/').is_some_and(|(ip, bits)| {
            bits.parse::<u8>().is_ok() && ip.parse::<std::net::IpAddr>().is_ok()
        }),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        let mut obj = json!({"apiVersion": "x/v1", "kind": "Plan", "metadata": {"name": "p", "whatever": 1},
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

    #[test]
    fn real_forklift_plan_crd_parses() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/schemas/forklift/forklift.konveyor.io_plans.yaml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            eprintln!("not run: {} not found", path.display());
            return;
        };
        let crd: Value = serde_saphyr::from_str(&text).unwrap();
        let schema =
            Schema::parse(&crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]).unwrap();
        assert_eq!(schema.ignored_rules(), 0);
    }
}
