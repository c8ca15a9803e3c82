//! How Python literals are spelled in `.mtvt`: strings (escaped, never interpolated),
//! raw strings for Go templates, and JSON-shaped objects for Kubernetes fields.

use super::python::{Py, Value};

/// A `.mtvt` string literal holding `s` exactly (`$` escaped, so nothing is interpolated).
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A raw string `'…'`, when `s` has no quote and no line break.
pub fn raw(s: &str) -> Option<String> {
    (!s.contains(['\'', '\n', '\r'])).then(|| format!("'{s}'"))
}

/// A JSON-shaped object or value (`target_affinity`): dict keys quoted.
pub fn object(v: &Value) -> Result<String, &'static str> {
    Ok(match &v.py {
        Py::Str(s) => string(s),
        Py::Int(i) => i.to_string(),
        Py::Bool(b) => b.to_string(),
        Py::None => "none".into(),
        Py::Float(_) => return Err("holds a float (.mtvt numbers are integers)"),
        Py::Other(_) => return Err("holds an expression that is not a literal"),
        Py::List(items) => {
            let items: Result<Vec<String>, _> = items.iter().map(object).collect();
            format!("[{}]", items?.join(", "))
        }
        Py::Dict(entries) => {
            let mut parts = Vec::new();
            for (k, val) in entries {
                let k = k.as_str().ok_or("a key is not a string")?;
                parts.push(format!("{}: {}", string(k), object(val)?));
            }
            format!("{{ {} }}", parts.join(", "))
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn strings_are_never_interpolated() {
        assert_eq!(string("a\"b${c}\\\n"), r#""a\"b\${c}\\\n""#);
        assert_eq!(raw("{{.VmName}}"), Some("'{{.VmName}}'".into()));
        assert_eq!(raw("it's"), None);
    }
}
