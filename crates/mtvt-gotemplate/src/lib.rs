//! The Go `text/template` subset Forklift accepts for `pvcNameTemplate`,
//! `volumeNameTemplate` and `networkNameTemplate`, and Forklift's naming rules.
//!
//! Why this crate exists: the checker must reject exactly the templates the
//! controller rejects (with exact spans), and the emulator and the runner must name
//! PVCs, volumes and networks exactly as MTV does. All three use this crate.
//!
//! Design decision — an evaluator, not a translation to minijinja. Both approaches
//! need the same hand-written parser (for spans and for "unknown function/field"
//! checks). Evaluating that tree directly keeps Go's semantics where a translation
//! drifts: Go checks argument types (`trunc (add 1 2) .X` fails because `add`
//! returns `int64`), `eq 1 "1"` is an error, `printf` follows `fmt` (`%03d`, `%v` of
//! `3.0` is `3`), `and`/`or` return their operands, Sprig's `substr` panics out of
//! range and `div` by zero fails, strings are bytes (`trunc` can cut a character),
//! and errors carry Go's texts. So this crate owns a small evaluator modelled on
//! Go's `exec.go`; minijinja is not used here.
//!
//! What it must not do: talk to a cluster, or accept anything the controller would
//! not. Constructs Forklift's data never needs (`range`, `with`, `define`,
//! `template`, `block`, complex numbers) are rejected with an explanation, and the
//! few `fmt` features mtvt cannot reproduce exactly (`%p`, `%x` and `#` on floats)
//! make rendering fail instead of guessing.
//!
//! ```
//! use mtvt_gotemplate::{parse, Data, Value};
//! let t = parse("{{ .FileName | trimSuffix \".vmdk\" | replace \"_\" \"-\" }}-{{.DiskIndex}}").unwrap();
//! let mut data = Data::new();
//! data.insert("FileName".into(), Value::Str("web_01_disk_1.vmdk".into()));
//! data.insert("DiskIndex".into(), Value::Int(1));
//! assert_eq!(t.render(&data).unwrap(), "web-01-disk-1-1");
//! ```

mod ast;
mod check;
mod error;
mod exec;
pub mod forklift;
mod funcs;
mod gofmt;
mod lexer;
mod literal;
mod parser;
mod value;

use std::collections::BTreeMap;
use std::ops::Range;
use std::rc::Rc;

pub use error::{TemplateError, TemplateErrorKind};
pub use funcs::{function_names, sprig_function_names};

use crate::value::{GoValue, Record};

/// A value of the template data: what a Go struct field of type `string`, `int` or
/// `bool` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A Go `string`.
    Str(String),
    /// A Go `int`.
    Int(i64),
    /// A Go `bool`.
    Bool(bool),
}

impl Value {
    pub(crate) fn to_go(&self) -> GoValue {
        match self {
            Value::Str(s) => GoValue::str(s),
            Value::Int(i) => GoValue::Int(*i),
            Value::Bool(b) => GoValue::Bool(*b),
        }
    }

    pub(crate) fn go_type(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::Int(_) => "int",
            Value::Bool(_) => "bool",
        }
    }
}

/// Template data: field name → value. Rendered like a Go struct with these fields
/// (in name order): a missing field is an error, as for Forklift's data structs.
pub type Data = BTreeMap<String, Value>;

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    src: String,
    tree: ast::Tree,
    functions: Vec<ast::Name>,
}

/// Parses a template, failing on the first error Go would report (a syntax error, or
/// a function that is neither a Go builtin nor whitelisted by Forklift).
///
/// ```
/// let err = mtvt_gotemplate::parse("{{ .VmName | nope }}").unwrap_err();
/// assert_eq!(err.go_message.as_deref(), Some("template: template:1: function \"nope\" not defined"));
/// ```
pub fn parse(src: &str) -> Result<Template, TemplateError> {
    parse_all(src).map_err(|mut errors| errors.swap_remove(0))
}

/// Like [`parse`] but reports every unknown function (and the syntax error, if any),
/// in source order. The list is never empty on `Err`.
pub fn parse_all(src: &str) -> Result<Template, Vec<TemplateError>> {
    let out = parser::parse_source(src);
    match out.tree {
        Some(tree) if out.errors.is_empty() => Ok(Template {
            src: src.to_string(),
            tree,
            functions: out.functions,
        }),
        _ => {
            let mut errors = out.errors;
            if errors.is_empty() {
                errors.push(TemplateError::new(
                    TemplateErrorKind::Syntax,
                    "template did not parse",
                    0..src.len(),
                    None,
                ));
            }
            Err(errors)
        }
    }
}

impl Template {
    /// The template source.
    pub fn source(&self) -> &str {
        &self.src
    }

    /// Every `.Field` of the data used (also `$.Field`), with the span of `.Field`,
    /// in source order.
    pub fn variables(&self) -> Vec<(String, Range<usize>)> {
        check::field_uses(&self.tree)
            .into_iter()
            .map(|u| (u.field.text, u.field.span))
            .collect()
    }

    /// Every function called, with the span of its name, in source order.
    pub fn functions(&self) -> Vec<(String, Range<usize>)> {
        self.functions
            .iter()
            .map(|n| (n.text.clone(), n.span.clone()))
            .collect()
    }

    /// Errors for every field reference `data` cannot satisfy, in all branches
    /// (Go reports only the first one it executes).
    pub fn check_fields(&self, data: &Data) -> Vec<TemplateError> {
        let fields: Vec<(&str, &str)> = data
            .iter()
            .map(|(k, v)| (k.as_str(), v.go_type()))
            .collect();
        check::unknown_fields("mtvt.Data", &fields, &check::field_uses(&self.tree))
    }

    /// Renders with `data` as Go would render a struct with these fields. Bytes that
    /// are not valid UTF-8 (a `trunc` inside a character) become U+FFFD.
    pub fn render(&self, data: &Data) -> Result<String, TemplateError> {
        let record = Record {
            type_name: "mtvt.Data".to_string(),
            pointer: false,
            fields: data.iter().map(|(k, v)| (k.clone(), v.to_go())).collect(),
        };
        let bytes = self.render_record(record)?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    pub(crate) fn render_record(&self, record: Record) -> Result<Vec<u8>, TemplateError> {
        exec::execute(&self.tree, &self.src, GoValue::Struct(Rc::new(record)))
    }

    pub(crate) fn field_uses(&self) -> Vec<check::FieldUse> {
        check::field_uses(&self.tree)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(pairs: &[(&str, Value)]) -> Data {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn render_basics() {
        let d = data(&[
            ("VmName", Value::Str("Web_01".into())),
            ("DiskIndex", Value::Int(2)),
            ("Shared", Value::Bool(false)),
        ]);
        let cases = [
            ("{{.VmName}}-disk-{{.DiskIndex}}", "Web_01-disk-2"),
            ("{{ .VmName | lower | replace \"_\" \"-\" }}", "web-01"),
            (
                "{{ printf \"%s-%03d\" (lower .VmName) .DiskIndex }}",
                "web_01-002",
            ),
            (
                "{{if .Shared}}s{{else if eq .DiskIndex 2}}two{{else}}x{{end}}",
                "two",
            ),
            ("{{ $n := len .VmName }}{{ $n }}{{ $n = 9 }}{{ $n }}", "69"),
            (
                "{{ and .Shared .VmName }}|{{ or .Shared .VmName }}",
                "false|Web_01",
            ),
            ("{{ .Shared }} {{ not .Shared }}", "false true"),
            ("{{- \" a \" -}} b", " a b"),
            ("{{ index .VmName 0 }}", "87"),
            ("{{ slice .VmName 1 3 }}", "eb"),
            (
                "{{ add .DiskIndex 1 }}{{ div 7 2 }}{{ round 3.75159 2 }}",
                "333.75",
            ),
            ("{{ . }}", "{2 false Web_01}"),
        ];
        for (src, want) in cases {
            let t = parse(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
            assert_eq!(t.render(&d).unwrap(), want, "{src}");
        }
    }

    #[test]
    fn render_errors_match_go() {
        let d = data(&[
            ("VmName", Value::Str("vm".into())),
            ("DiskIndex", Value::Int(0)),
        ]);
        let cases = [
            (
                "{{.VmNam}}",
                TemplateErrorKind::UnknownVariable,
                "template: template:1:2: executing \"template\" at <.VmNam>: can't evaluate field VmNam in type mtvt.Data",
                ".VmNam",
            ),
            (
                "{{ trunc (add 1 2) .VmName }}",
                TemplateErrorKind::Render,
                "template: template:1:10: executing \"template\" at <add 1 2>: wrong type for value; expected int; got int64",
                "(add 1 2)",
            ),
            (
                "{{ lower .DiskIndex }}",
                TemplateErrorKind::Render,
                "template: template:1:9: executing \"template\" at <.DiskIndex>: wrong type for value; expected string; got int",
                ".DiskIndex",
            ),
            (
                "{{ eq .DiskIndex \"0\" }}",
                TemplateErrorKind::Render,
                "template: template:1:3: executing \"template\" at <eq .DiskIndex \"0\">: error calling eq: incompatible types for comparison",
                "eq .DiskIndex \"0\"",
            ),
            (
                "{{ div 1 0 }}",
                TemplateErrorKind::Render,
                "template: template:1:3: executing \"template\" at <div 1 0>: error calling div: runtime error: integer divide by zero",
                "div 1 0",
            ),
            (
                "{{ trunc 3 }}",
                TemplateErrorKind::Render,
                "template: template:1:3: executing \"template\" at <trunc>: wrong number of args for trunc: want 2 got 1",
                "trunc",
            ),
            (
                "{{ lower 5 }}",
                TemplateErrorKind::Render,
                "template: template:1:9: executing \"template\" at <5>: expected string; found 5",
                "5",
            ),
            (
                "{{ .VmName 1 }}",
                TemplateErrorKind::Render,
                "template: template:1:3: executing \"template\" at <.VmName>: VmName has arguments but cannot be invoked as function",
                ".VmName",
            ),
            (
                "{{ nil }}",
                TemplateErrorKind::Render,
                "template: template:1:3: executing \"template\" at <nil>: nil is not a command",
                "nil",
            ),
            (
                "{{ \"a\" 1 }}",
                TemplateErrorKind::Render,
                "template: template:1:3: executing \"template\" at <\"a\">: can't give argument to non-function \"a\"",
                "\"a\"",
            ),
            (
                "{{ .VmName.Len }}",
                TemplateErrorKind::UnknownVariable,
                "template: template:1:3: executing \"template\" at <.VmName.Len>: can't evaluate field Len in type string",
                ".VmName.Len",
            ),
            (
                "{{ substr -1 9 .VmName }}",
                TemplateErrorKind::Render,
                "template: template:1:3: executing \"template\" at <substr -1 9 .VmName>: error calling substr: runtime error: slice bounds out of range [:9] with length 2",
                "substr -1 9 .VmName",
            ),
        ];
        for (src, kind, go, span_text) in cases {
            let t = parse(src).unwrap_or_else(|e| panic!("{src}: {e:?}"));
            let err = t.render(&d).expect_err(src);
            assert_eq!(err.kind, kind, "{src}");
            assert_eq!(err.go_message.as_deref(), Some(go), "{src}");
            assert_eq!(&src[err.span.clone()], span_text, "{src}");
        }
    }

    #[test]
    fn variables_and_functions_with_spans() {
        let src = "{{ .FileName | trimSuffix \".vmdk\" }}-{{ $.DiskIndex }}";
        let t = parse(src).unwrap();
        let vars = t.variables();
        assert_eq!(vars.len(), 2);
        assert_eq!(vars[0].0, "FileName");
        assert_eq!(&src[vars[0].1.clone()], ".FileName");
        assert_eq!(&src[vars[1].1.clone()], ".DiskIndex");
        let funcs = t.functions();
        assert_eq!(funcs.len(), 1);
        assert_eq!(&src[funcs[0].1.clone()], "trimSuffix");
        let errs = t.check_fields(&data(&[("FileName", Value::Str(String::new()))]));
        assert_eq!(errs.len(), 1);
        assert_eq!(&src[errs[0].span.clone()], ".DiskIndex");
    }

    #[test]
    fn parse_all_reports_every_unknown_function() {
        let errs = parse_all("{{ foo }}{{ bar }}").unwrap_err();
        assert_eq!(errs.len(), 2);
        assert!(
            errs.iter()
                .all(|e| e.kind == TemplateErrorKind::UnknownFunction)
        );
    }
}
