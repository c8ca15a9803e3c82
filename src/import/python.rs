//! Reads the literals of a Python config file without executing it: tree-sitter's Python
//! grammar parses the file, and the module-level `NAME = LITERAL` assignments become
//! [`Py`] values (strings, numbers, booleans, `None`, lists, tuples, dicts) with their
//! line. Anything else (a call, a name, an f-string, `**splat`) is kept as
//! [`Py::Other`] with its source text, for the importer to report; it is never evaluated.

use tree_sitter::{Node, Parser};

/// A Python value as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Py {
    /// A string literal (escapes decoded, adjacent literals joined).
    Str(String),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// `True` / `False`.
    Bool(bool),
    /// `None`.
    None,
    /// A list or tuple.
    List(Vec<Value>),
    /// A dict, in source order.
    Dict(Vec<(Value, Value)>),
    /// An expression that is not a literal (its kind and text).
    Other(String),
}

/// A value and the line (1-based) it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// The value.
    pub py: Py,
    /// Its line.
    pub line: usize,
}

impl Value {
    /// The value as a string, when it is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.py {
            Py::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a dict.
    pub fn entries(&self) -> Option<&[(Value, Value)]> {
        match &self.py {
            Py::Dict(e) => Some(e),
            _ => None,
        }
    }
}

/// A module-level assignment `NAME = VALUE`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// The name assigned.
    pub name: String,
    /// The value.
    pub value: Value,
}

/// What the file holds at module level.
#[derive(Debug, Default)]
pub struct Module {
    /// `NAME = VALUE` statements, in order.
    pub assignments: Vec<Assignment>,
    /// Other statements (imports, functions, …): their first line and kind.
    pub other: Vec<(usize, String)>,
}

/// A syntax error: line, column (1-based) and what was found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{line}:{column}: Python syntax error near `{text}`")]
pub struct SyntaxError {
    /// Line.
    pub line: usize,
    /// Column.
    pub column: usize,
    /// The text of the erroneous node (at most 40 characters).
    pub text: String,
}

fn line(n: Node<'_>) -> usize {
    n.start_position().row + 1
}

fn text<'a>(n: Node<'_>, src: &'a str) -> &'a str {
    src.get(n.byte_range()).unwrap_or("")
}

fn first_error(n: Node<'_>) -> Option<Node<'_>> {
    if n.is_error() || n.is_missing() {
        return Some(n);
    }
    let mut cursor = n.walk();
    n.children(&mut cursor)
        .filter(|c| c.has_error())
        .find_map(first_error)
}

/// Parses `src`.
pub fn parse(src: &str) -> Result<Module, SyntaxError> {
    let mut parser = Parser::new();
    let lang: tree_sitter::Language = tree_sitter_python::LANGUAGE.into();
    let tree = parser
        .set_language(&lang)
        .ok()
        .and_then(|()| parser.parse(src, None));
    let Some(tree) = tree else {
        return Err(SyntaxError {
            line: 1,
            column: 1,
            text: "the Python grammar did not load".into(),
        });
    };
    let root = tree.root_node();
    if let Some(e) = first_error(root) {
        return Err(SyntaxError {
            line: line(e),
            column: e.start_position().column + 1,
            text: text(e, src).chars().take(40).collect(),
        });
    }
    let mut module = Module::default();
    let mut cursor = root.walk();
    for stmt in root.named_children(&mut cursor) {
        let assignment = (stmt.kind() == "expression_statement")
            .then(|| stmt.named_child(0))
            .flatten()
            .filter(|a| a.kind() == "assignment");
        let target = assignment.and_then(|a| Some((a.child_by_field_name("left")?, a)));
        match target {
            Some((left, a)) if left.kind() == "identifier" => {
                let value = match a.child_by_field_name("right") {
                    Some(r) => value(r, src),
                    None => Value {
                        py: Py::Other("annotation without a value".into()),
                        line: line(a),
                    },
                };
                module.assignments.push(Assignment {
                    name: text(left, src).to_string(),
                    value,
                });
            }
            _ if stmt.kind() == "comment" => {}
            _ => module.other.push((line(stmt), stmt.kind().to_string())),
        }
    }
    Ok(module)
}

fn value(n: Node<'_>, src: &str) -> Value {
    let py = match n.kind() {
        "string" => string(n, src),
        "concatenated_string" => {
            let mut out = String::new();
            let mut cursor = n.walk();
            for part in n.named_children(&mut cursor) {
                match string(part, src) {
                    Py::Str(s) => out.push_str(&s),
                    other => {
                        return Value {
                            py: other,
                            line: line(n),
                        };
                    }
                }
            }
            Py::Str(out)
        }
        "integer" => integer(text(n, src)),
        "float" => text(n, src)
            .replace('_', "")
            .parse()
            .map_or_else(|_| Py::Other(text(n, src).into()), Py::Float),
        "true" => Py::Bool(true),
        "false" => Py::Bool(false),
        "none" => Py::None,
        "unary_operator" => match (n.child(0).map(|o| text(o, src)), n.named_child(0)) {
            (Some("-"), Some(arg)) => match value(arg, src).py {
                Py::Int(i) => Py::Int(-i),
                Py::Float(f) => Py::Float(-f),
                _ => Py::Other(text(n, src).into()),
            },
            _ => Py::Other(text(n, src).into()),
        },
        "parenthesized_expression" => match n.named_child(0) {
            Some(inner) => return value(inner, src),
            None => Py::Other(text(n, src).into()),
        },
        "list" | "tuple" => {
            let mut cursor = n.walk();
            let items = n
                .named_children(&mut cursor)
                .filter(|c| c.kind() != "comment")
                .map(|c| value(c, src))
                .collect();
            Py::List(items)
        }
        "dictionary" => dict(n, src),
        _ => Py::Other(text(n, src).into()),
    };
    Value { py, line: line(n) }
}

fn dict(n: Node<'_>, src: &str) -> Py {
    let mut entries = Vec::new();
    let mut cursor = n.walk();
    for pair in n.named_children(&mut cursor) {
        match pair.kind() {
            "pair" => {
                if let (Some(k), Some(v)) = (
                    pair.child_by_field_name("key"),
                    pair.child_by_field_name("value"),
                ) {
                    entries.push((value(k, src), value(v, src)));
                }
            }
            "comment" => {}
            _ => entries.push((
                Value {
                    py: Py::Other(text(pair, src).into()),
                    line: line(pair),
                },
                Value {
                    py: Py::None,
                    line: line(pair),
                },
            )),
        }
    }
    Py::Dict(entries)
}

fn integer(t: &str) -> Py {
    let t = t.replace('_', "");
    let lower = t.to_ascii_lowercase();
    let parsed = if let Some(h) = lower.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(o) = lower.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()
    } else if let Some(b) = lower.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()
    } else {
        t.parse().ok()
    };
    parsed.map_or(Py::Other(t), Py::Int)
}

/// One string literal: its prefix decides raw/bytes/f-string; the text between the quotes
/// is decoded.
fn string(n: Node<'_>, src: &str) -> Py {
    let whole = text(n, src);
    let mut cursor = n.walk();
    let children: Vec<Node<'_>> = n.children(&mut cursor).collect();
    if children.iter().any(|c| c.kind() == "interpolation") {
        return Py::Other(whole.into());
    }
    let (Some(start), Some(end)) = (
        children.iter().find(|c| c.kind() == "string_start"),
        children.iter().rfind(|c| c.kind() == "string_end"),
    ) else {
        return Py::Other(whole.into());
    };
    let prefix = text(*start, src).to_ascii_lowercase();
    if prefix.contains('b') {
        return Py::Other(whole.into());
    }
    let body = src.get(start.end_byte()..end.start_byte()).unwrap_or("");
    if prefix.contains('r') {
        Py::Str(body.to_string())
    } else {
        Py::Str(unescape(body))
    }
}

/// Python's escapes: `\\ \' \" \n \t \r \0 \a \b \f \v \xHH \uXXXX \UXXXXXXXX` and a
/// backslash-newline continuation; an unknown escape stays as written (as in Python).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        let hex = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize| {
            let digits: String = (0..n).filter_map(|_| chars.next()).collect();
            u32::from_str_radix(&digits, 16)
                .ok()
                .and_then(char::from_u32)
        };
        match e {
            '\n' => {}
            '\\' | '\'' | '"' => out.push(e),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            'x' => out.extend(hex(&mut chars, 2)),
            'u' => out.extend(hex(&mut chars, 4)),
            'U' => out.extend(hex(&mut chars, 8)),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn literals_with_lines() {
        let m = parse(
            "import os\n# c\nx = {\n  \"a\": [1, -2, 3.5, True, None],\n  'b': r'\\d' \"\\x41\\n\",  # note\n  \"c\": os.getenv(\"X\"),\n}\ny: int = 0x10\n",
        )
        .unwrap();
        assert_eq!(m.other, vec![(1, "import_statement".to_string())]);
        let x = &m.assignments[0];
        assert_eq!((x.name.as_str(), x.value.line), ("x", 3));
        let e = x.value.entries().unwrap();
        assert_eq!(e[0].0.as_str(), Some("a"));
        assert_eq!(
            e[0].1.py,
            Py::List(vec![
                Value {
                    py: Py::Int(1),
                    line: 4
                },
                Value {
                    py: Py::Int(-2),
                    line: 4
                },
                Value {
                    py: Py::Float(3.5),
                    line: 4
                },
                Value {
                    py: Py::Bool(true),
                    line: 4
                },
                Value {
                    py: Py::None,
                    line: 4
                },
            ])
        );
        assert_eq!(e[1].1.py, Py::Str("\\dA\n".into()));
        assert_eq!(e[2].1.py, Py::Other("os.getenv(\"X\")".into()));
        assert_eq!(e[2].1.line, 6);
        assert_eq!(m.assignments[1].value.py, Py::Int(16));
    }

    #[test]
    fn f_strings_are_not_evaluated_and_errors_have_a_line() {
        let m = parse("x = f\"a{b}\"\n").unwrap();
        assert!(matches!(m.assignments[0].value.py, Py::Other(_)));
        let e = parse("x = {\n  \"a\": [1,\n}\n").unwrap_err();
        assert!(e.line >= 2, "{e}");
    }
}
