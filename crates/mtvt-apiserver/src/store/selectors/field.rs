//! Field selectors: `field=value`, `field==value` and `field!=value` terms (with kube's
//! backslash escapes), matched against the dotted paths the kind maps each field label to.

use serde_json::Value;

/// A parsed field selector: `field=value` / `field==value` / `field!=value` terms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector {
    terms: Vec<(String, bool, String)>,
}

fn unescape_split(s: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            cur.push(c);
            if let Some(n) = chars.next() {
                cur.push(n);
            }
        } else if c == sep {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl FieldSelector {
    /// Parses the query-string form. An empty string selects everything.
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut terms = Vec::new();
        if s.trim().is_empty() {
            return Ok(Self { terms });
        }
        for raw in unescape_split(s, ',') {
            let raw = raw.trim();
            let (field, negate, value) = if let Some((f, v)) = raw.split_once("!=") {
                (f, true, v)
            } else if let Some((f, v)) = raw.split_once("==") {
                (f, false, v)
            } else if let Some((f, v)) = raw.split_once('=') {
                (f, false, v)
            } else {
                return Err(format!("invalid selector: '{s}'; can't understand '{raw}'"));
            };
            terms.push((field.trim().to_string(), negate, unescape(value.trim())));
        }
        Ok(Self { terms })
    }

    /// A selector matching one object name (what `kube::runtime` sends).
    pub fn name(name: &str) -> Self {
        Self {
            terms: vec![("metadata.name".to_string(), false, name.to_string())],
        }
    }

    /// Whether the selector is empty.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The field labels the selector uses.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().map(|(f, _, _)| f.as_str())
    }

    /// `Some(name)` when the selector pins `metadata.name` to one value.
    pub fn pinned_name(&self) -> Option<&str> {
        self.terms
            .iter()
            .find(|(f, neg, _)| f == "metadata.name" && !neg)
            .map(|(_, _, v)| v.as_str())
    }

    /// Whether `obj` is selected; `resolve` maps a field label to a dotted path in the object.
    pub fn matches(&self, obj: &Value, resolve: impl Fn(&str) -> Option<String>) -> bool {
        self.terms.iter().all(|(field, negate, want)| {
            let have = resolve(field)
                .map(|p| field_value(obj, &p))
                .unwrap_or_default();
            (have == *want) != *negate
        })
    }
}

/// The string value of a dotted path (`involvedObject.name`), `""` when absent.
pub fn field_value(obj: &Value, path: &str) -> String {
    let mut cur = obj;
    for part in path.split('.') {
        match cur.get(part) {
            Some(v) => cur = v,
            None => return String::new(),
        }
    }
    match cur {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}
