//! Validation of a value against a schema node: types (and int-or-string), `enum`, string
//! length, `pattern` and `format`, numeric bounds, item counts and list uniqueness (`set`,
//! `map` lists), `required` and property counts, `allOf`/`anyOf`/`oneOf`/`not` — with kube's
//! messages and field paths.

use base64::Engine;
use serde_json::{Map, Value};

use super::{Additional, Node, join, json_type, number_text, value_text};
use crate::store::error::Cause;

impl Node {
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

    pub(super) fn validate(&self, v: &Value, path: &str, root: bool, out: &mut Vec<Cause>) {
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
