//! Label selectors: `app=web,tier!=db,env in (a,b),!legacy` and the `metav1.LabelSelector`
//! object form (`matchLabels`, `matchExpressions`), with keys and values checked as
//! kube-apiserver checks them.

use serde_json::{Map, Value};

use crate::store::names::{label_value_problems, qualified_name_problems};

#[derive(Clone, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    NotEq,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Requirement {
    key: String,
    op: Op,
    values: Vec<String>,
}

/// A parsed label selector. The empty selector matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelSelector {
    reqs: Vec<Requirement>,
}

/// Splits on commas that are not inside parentheses.
fn split_top_level(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c);
            }
            ')' => {
                depth -= 1;
                cur.push(c);
            }
            ',' if depth == 0 => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    parts
}

fn check_key(key: &str) -> Result<(), String> {
    match qualified_name_problems(key).first() {
        Some(p) => Err(format!(
            "unable to parse requirement: key: Invalid value: {key:?}: {p}"
        )),
        None => Ok(()),
    }
}

fn check_value(value: &str) -> Result<(), String> {
    match label_value_problems(value).first() {
        Some(p) => Err(format!(
            "unable to parse requirement: values[0]: Invalid value: {value:?}: {p}"
        )),
        None => Ok(()),
    }
}

fn parse_requirement(raw: &str) -> Result<Requirement, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("found '', expected: identifier".to_string());
    }
    if let Some(key) = s.strip_prefix('!') {
        let key = key.trim();
        check_key(key)?;
        return Ok(Requirement {
            key: key.to_string(),
            op: Op::DoesNotExist,
            values: vec![],
        });
    }
    for (token, op) in [
        ("!=", Op::NotEq),
        ("==", Op::Eq),
        ("=", Op::Eq),
        (">", Op::Gt),
        ("<", Op::Lt),
    ] {
        if let Some((k, v)) = s.split_once(token) {
            let (key, value) = (k.trim(), v.trim());
            check_key(key)?;
            if matches!(op, Op::Gt | Op::Lt) {
                value
                    .parse::<i64>()
                    .map_err(|_| format!("unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer: {value:?}"))?;
            } else {
                check_value(value)?;
            }
            return Ok(Requirement {
                key: key.to_string(),
                op,
                values: vec![value.to_string()],
            });
        }
    }
    let words: Vec<&str> = s.splitn(2, char::is_whitespace).collect();
    if let [key, rest] = words.as_slice() {
        let rest = rest.trim();
        let (op, list) = if let Some(l) = rest.strip_prefix("notin") {
            (Op::NotIn, l)
        } else if let Some(l) = rest.strip_prefix("in") {
            (Op::In, l)
        } else {
            return Err(format!(
                "found '{rest}', expected: in, notin, =, ==, !=, gt, lt"
            ));
        };
        let list = list.trim();
        let inner = list
            .strip_prefix('(')
            .and_then(|l| l.strip_suffix(')'))
            .ok_or_else(|| format!("found '{list}', expected: '('"))?;
        check_key(key)?;
        let values: Vec<String> = inner.split(',').map(|v| v.trim().to_string()).collect();
        for v in &values {
            check_value(v)?;
        }
        return Ok(Requirement {
            key: key.to_string(),
            op,
            values,
        });
    }
    check_key(s)?;
    Ok(Requirement {
        key: s.to_string(),
        op: Op::Exists,
        values: vec![],
    })
}

impl LabelSelector {
    /// Parses the query-string form. An empty string selects everything.
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.trim().is_empty() {
            return Ok(Self::default());
        }
        let reqs = split_top_level(s)
            .iter()
            .map(|r| parse_requirement(r))
            .collect::<Result<_, _>>()?;
        Ok(Self { reqs })
    }

    /// Builds a selector from a `metav1.LabelSelector` object (`matchLabels`,
    /// `matchExpressions`), as a Service, Job or controller spec carries it.
    pub fn from_object(sel: &Value) -> Result<Self, String> {
        let mut reqs = Vec::new();
        if let Some(m) = sel.get("matchLabels").and_then(Value::as_object) {
            for (k, v) in m {
                let v = v
                    .as_str()
                    .ok_or_else(|| format!("matchLabels.{k} must be a string"))?;
                reqs.push(Requirement {
                    key: k.clone(),
                    op: Op::Eq,
                    values: vec![v.to_string()],
                });
            }
        }
        if let Some(list) = sel.get("matchExpressions").and_then(Value::as_array) {
            for e in list {
                let key = e
                    .get("key")
                    .and_then(Value::as_str)
                    .ok_or("matchExpressions[].key is required")?;
                let values: Vec<String> = e
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                let op = match e.get("operator").and_then(Value::as_str) {
                    Some("In") => Op::In,
                    Some("NotIn") => Op::NotIn,
                    Some("Exists") => Op::Exists,
                    Some("DoesNotExist") => Op::DoesNotExist,
                    other => {
                        return Err(format!("{other:?} is not a valid label selector operator"));
                    }
                };
                reqs.push(Requirement {
                    key: key.to_string(),
                    op,
                    values,
                });
            }
        }
        Ok(Self { reqs })
    }

    /// Whether the selector is empty (matches everything).
    pub fn is_empty(&self) -> bool {
        self.reqs.is_empty()
    }

    /// Whether an object with these labels is selected.
    pub fn matches_labels(&self, labels: Option<&Map<String, Value>>) -> bool {
        self.reqs.iter().all(|r| {
            let val = labels.and_then(|l| l.get(&r.key)).and_then(Value::as_str);
            let first = r.values.first().map(String::as_str);
            match r.op {
                Op::Eq => val.is_some() && val == first,
                Op::NotEq => val != first,
                Op::In => val.is_some_and(|v| r.values.iter().any(|x| x == v)),
                Op::NotIn => !val.is_some_and(|v| r.values.iter().any(|x| x == v)),
                Op::Exists => val.is_some(),
                Op::DoesNotExist => val.is_none(),
                Op::Gt | Op::Lt => {
                    let (Some(v), Some(bound)) = (
                        val.and_then(|v| v.parse::<i64>().ok()),
                        first.and_then(|b| b.parse::<i64>().ok()),
                    ) else {
                        return false;
                    };
                    if r.op == Op::Gt { v > bound } else { v < bound }
                }
            }
        })
    }

    /// Whether `obj` (a full object) is selected.
    pub fn matches(&self, obj: &Value) -> bool {
        self.is_empty()
            || self.matches_labels(
                obj.get("metadata")
                    .and_then(|m| m.get("labels"))
                    .and_then(Value::as_object),
            )
    }
}
