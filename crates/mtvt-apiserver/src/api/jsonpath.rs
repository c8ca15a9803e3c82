//! The subset of Kubernetes JSONPath that printer columns use:
//! `.status.phase`, `.spec.ports[0].port`, `.items[*].name`, `['key.with.dots']` and filters
//! like `.status.conditions[?(@.type=='Ready')].status` (`==` / `!=` against a string, number
//! or boolean). A path that does not resolve yields no values; it never errors at runtime.

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Key(String),
    Index(i64),
    Wildcard,
    Filter {
        path: Vec<String>,
        negate: bool,
        literal: Value,
    },
}

/// A compiled path.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonPath {
    steps: Vec<Step>,
}

fn parse_literal(s: &str) -> Value {
    let s = s.trim();
    if let Some(inner) = s.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) {
        return Value::String(inner.to_string());
    }
    if let Some(inner) = s.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        return Value::String(inner.to_string());
    }
    serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.to_string()))
}

impl JsonPath {
    /// Compiles `expr` (with or without surrounding `{}`); `Err` names what is wrong.
    pub fn parse(expr: &str) -> Result<Self, String> {
        let mut s = expr.trim();
        if let Some(inner) = s.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
            s = inner.trim();
        }
        let s = s.strip_prefix('$').unwrap_or(s);
        let chars: Vec<char> = s.chars().collect();
        let mut steps = Vec::new();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            match c {
                '.' => {
                    i += 1;
                    let start = i;
                    while chars.get(i).is_some_and(|c| *c != '.' && *c != '[') {
                        i += 1;
                    }
                    let key: String = chars
                        .get(start..i)
                        .map(|c| c.iter().collect())
                        .unwrap_or_default();
                    if key == "*" {
                        steps.push(Step::Wildcard);
                    } else if !key.is_empty() {
                        steps.push(Step::Key(key));
                    }
                }
                '[' => {
                    let mut depth = 0;
                    let start = i + 1;
                    while let Some(&c) = chars.get(i) {
                        if c == '[' {
                            depth += 1;
                        } else if c == ']' {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        i += 1;
                    }
                    if chars.get(i) != Some(&']') {
                        return Err(format!("unclosed '[' in {expr:?}"));
                    }
                    let inner: String = chars
                        .get(start..i)
                        .map(|c| c.iter().collect())
                        .unwrap_or_default();
                    i += 1;
                    steps.push(Self::bracket(inner.trim(), expr)?);
                }
                _ => return Err(format!("unexpected {c:?} in {expr:?}")),
            }
        }
        Ok(Self { steps })
    }

    fn bracket(inner: &str, expr: &str) -> Result<Step, String> {
        if inner == "*" {
            return Ok(Step::Wildcard);
        }
        if let Some(f) = inner.strip_prefix("?(").and_then(|x| x.strip_suffix(')')) {
            let (lhs, negate, rhs) = if let Some((l, r)) = f.split_once("!=") {
                (l, true, r)
            } else if let Some((l, r)) = f.split_once("==") {
                (l, false, r)
            } else {
                return Err(format!("unsupported filter {f:?} in {expr:?}"));
            };
            let path = lhs
                .trim()
                .strip_prefix('@')
                .ok_or_else(|| format!("filter must start with @ in {expr:?}"))?;
            let path = path
                .split('.')
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect();
            return Ok(Step::Filter {
                path,
                negate,
                literal: parse_literal(rhs),
            });
        }
        if let Ok(n) = inner.parse::<i64>() {
            return Ok(Step::Index(n));
        }
        match parse_literal(inner) {
            Value::String(k) => Ok(Step::Key(k)),
            _ => Err(format!("unsupported subscript {inner:?} in {expr:?}")),
        }
    }

    /// Every value the path selects in `root`.
    pub fn eval<'a>(&self, root: &'a Value) -> Vec<&'a Value> {
        let mut cur = vec![root];
        for step in &self.steps {
            let mut next = Vec::new();
            for v in cur {
                match step {
                    Step::Key(k) => next.extend(v.get(k.as_str())),
                    Step::Index(n) => {
                        if let Some(a) = v.as_array() {
                            let idx = if *n < 0 { a.len() as i64 + n } else { *n };
                            next.extend(usize::try_from(idx).ok().and_then(|i| a.get(i)));
                        }
                    }
                    Step::Wildcard => match v {
                        Value::Array(a) => next.extend(a.iter()),
                        Value::Object(m) => next.extend(m.values()),
                        _ => {}
                    },
                    Step::Filter {
                        path,
                        negate,
                        literal,
                    } => {
                        if let Some(a) = v.as_array() {
                            for item in a {
                                let got = path.iter().try_fold(item, |acc, k| acc.get(k.as_str()));
                                if (got == Some(literal)) != *negate {
                                    next.push(item);
                                }
                            }
                        }
                    }
                }
            }
            cur = next;
        }
        cur
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn printer_column_paths() {
        let o = json!({"status": {"phase": "Ready", "conditions": [
            {"type": "Ready", "status": "True"}, {"type": "Executing", "status": "False"}]},
            "spec": {"ports": [{"port": 80}, {"port": 443}]}, "metadata": {"labels": {"a.b/c": "x"}}});
        let one = |p: &str| {
            JsonPath::parse(p)
                .unwrap()
                .eval(&o)
                .into_iter()
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(one(".status.phase"), vec![json!("Ready")]);
        assert_eq!(
            one(".status.conditions[?(@.type=='Ready')].status"),
            vec![json!("True")]
        );
        assert_eq!(
            one(".status.conditions[?(@.type!='Ready')].type"),
            vec![json!("Executing")]
        );
        assert_eq!(one("{.spec.ports[*].port}"), vec![json!(80), json!(443)]);
        assert_eq!(one(".spec.ports[-1].port"), vec![json!(443)]);
        assert_eq!(one(".metadata.labels['a.b/c']"), vec![json!("x")]);
        assert!(one(".status.missing").is_empty());
        assert!(JsonPath::parse(".a[?(@.x)]").is_err());
        assert!(JsonPath::parse(".a[").is_err());
    }
}
