//! Writing into JSON objects by path without indexing panics: [`put`] creates intermediate
//! objects as needed (replacing non-objects on the way), [`text`] reads a string.

use serde_json::{Map, Value};

/// Sets `obj` at `/a/b/c` to `value`, creating objects along the way.
pub fn put(obj: &mut Value, path: &str, value: Value) {
    let mut cur = obj;
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let Some((last, init)) = parts.split_last() else {
        *cur = value;
        return;
    };
    for p in init {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let Some(m) = cur.as_object_mut() else { return };
        cur = m
            .entry(p.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if !cur.is_object() {
        *cur = Value::Object(Map::new());
    }
    if let Some(m) = cur.as_object_mut() {
        m.insert(last.to_string(), value);
    }
}

/// The string at a JSON pointer (`""` when absent).
pub fn text<'a>(obj: &'a Value, pointer: &str) -> &'a str {
    obj.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn put_creates_paths() {
        let mut v = json!({"a": 1});
        put(&mut v, "/a/b", json!(2));
        put(&mut v, "/x/y/z", json!("s"));
        assert_eq!(v, json!({"a": {"b": 2}, "x": {"y": {"z": "s"}}}));
        assert_eq!(text(&v, "/x/y/z"), "s");
        assert_eq!(text(&v, "/nope"), "");
    }
}
