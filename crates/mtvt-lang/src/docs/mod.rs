//! Reference text generated from the Rust schema: the key tables of every block, the
//! enumerations, the model fields, the builtins and the stdlib checks (for
//! docs/language.md), and the per-code sections of docs/diagnostics.md. Tests regenerate
//! both files and fail when they are out of date (`MTVT_BLESS=1` rewrites them).
//! This module formats text only.

use std::fmt::Write as _;

use crate::diag::codes::CodeDoc;
use crate::diag::{ALL_CODES, Severity};
use crate::models::{self, ModelId, ROOTS};
use crate::schema::builtins::{BUILTINS, COMPREHENSIONS};
use crate::schema::enums::EnumId;
use crate::schema::keys::{BlockKind, Shape};
use crate::syntax::ast::{CheckDef, Item};

/// Names of the generated sections of docs/language.md, in order.
pub const LANGUAGE_SECTIONS: &[&str] = &["keys", "enums", "models", "builtins", "stdlib"];

/// The text of one generated section of docs/language.md.
pub fn language_section(name: &str) -> Option<String> {
    Some(match name {
        "keys" => keys_section(),
        "enums" => enums_section(),
        "models" => models_section(),
        "builtins" => builtins_section(),
        "stdlib" => stdlib_section(),
        _ => return None,
    })
}

fn esc(s: &str) -> String {
    s.replace('|', "\\|")
}

fn keys_section() -> String {
    let mut out = String::new();
    for kind in BlockKind::ALL {
        let _ = writeln!(out, "#### `{}`\n", kind.syntax());
        let _ = writeln!(out, "| key | type | default | meaning |");
        let _ = writeln!(out, "| --- | --- | --- | --- |");
        for k in kind.keys() {
            let ty = match k.shape {
                Shape::Value(v) => v.describe(),
                Shape::Block(b) => format!("block: `{}`", b.syntax()),
                Shape::Special(usage) => format!("`{}`", esc(usage)),
            };
            let mut doc = esc(k.doc);
            if k.required {
                doc.push_str(" **Required.**");
            }
            if k.repeat {
                doc.push_str(" *Repeatable.*");
            }
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                k.name,
                ty,
                esc(k.default),
                doc
            );
        }
        out.push('\n');
    }
    out
}

fn enums_section() -> String {
    let mut out = String::from("| enumeration | values |\n| --- | --- |\n");
    for e in EnumId::ALL {
        let values: Vec<String> = e.values().iter().map(|v| format!("`{v}`")).collect();
        let _ = writeln!(out, "| `{}` | {} |", e.name(), values.join(", "));
    }
    out
}

fn models_section() -> String {
    let mut out = String::from("| root | type | meaning |\n| --- | --- | --- |\n");
    for (root, id, doc) in ROOTS {
        let _ = writeln!(out, "| `{root}` | `{}` | {doc} |", id.type_name());
    }
    out.push('\n');
    for id in ModelId::ALL {
        let _ = writeln!(out, "#### `{}`\n", id.type_name());
        let _ = writeln!(out, "| field | type | meaning |");
        let _ = writeln!(out, "| --- | --- | --- |");
        for f in models::fields(*id) {
            let _ = writeln!(out, "| `{}` | `{}` | {} |", f.name, f.ty, esc(&f.doc));
        }
        out.push('\n');
        let methods: Vec<_> = crate::schema::methods::methods_of(*id).collect();
        if !methods.is_empty() {
            let _ = writeln!(out, "| method | meaning |\n| --- | --- |");
            for m in methods {
                let _ = writeln!(out, "| `{}` | {} |", esc(m.signature), esc(m.doc));
            }
            out.push('\n');
        }
    }
    out
}

fn builtins_section() -> String {
    let mut out = String::from("| function | meaning |\n| --- | --- |\n");
    for b in BUILTINS.iter().chain(COMPREHENSIONS) {
        let _ = writeln!(out, "| `{}` | {} |", esc(b.signature), esc(b.doc));
    }
    out
}

fn stdlib_section() -> String {
    let mut out = String::new();
    for (module, text) in crate::resolve::stdlib::EMBEDDED {
        let (Some(ast), _) = crate::syntax::parse(crate::span::FileId(0), text) else {
            continue;
        };
        let _ = writeln!(out, "#### `use {module}`\n");
        let _ = writeln!(out, "| name | what it checks |\n| --- | --- |");
        for item in &ast.items {
            match item {
                Item::Check(c) => {
                    let what = match (&c.body, &c.description) {
                        (CheckDef::Composite(parts), _) => {
                            let names: Vec<String> =
                                parts.iter().map(|p| format!("`{}`", p.dotted())).collect();
                            format!("all of {}", names.join(", "))
                        }
                        (_, Some(d)) => esc(&d.node),
                        (_, None) => String::new(),
                    };
                    let _ = writeln!(out, "| check `{}` | {what} |", c.name.node);
                }
                Item::Hook(h) => {
                    let _ = writeln!(
                        out,
                        "| hook `{}` | predefined playbook designed to {} |",
                        h.name.node, h.name.node
                    );
                }
                _ => {}
            }
        }
        out.push('\n');
    }
    out
}

/// Replaces the generated sections of a language.md text; returns the new text.
pub fn refresh_language_doc(doc: &str) -> String {
    let mut out = doc.to_string();
    for name in LANGUAGE_SECTIONS {
        let begin = format!("<!-- generated:{name} -->");
        let end = format!("<!-- /generated:{name} -->");
        let (Some(b), Some(e)) = (out.find(&begin), out.find(&end)) else {
            continue;
        };
        if e < b {
            continue;
        }
        let body = language_section(name).unwrap_or_default();
        out = format!(
            "{}{begin}\n{body}{}",
            out.get(..b).unwrap_or(""),
            out.get(e..).unwrap_or("")
        );
    }
    out
}

/// One code's example for docs/diagnostics.md.
#[derive(Debug, Clone)]
pub struct CodeExample<'a> {
    /// The code's long form.
    pub doc: &'a CodeDoc,
    /// The fixture input (without its header comment).
    pub input: String,
    /// The rendered diagnostic.
    pub rendered: String,
}

/// The whole docs/diagnostics.md.
pub fn diagnostics_doc(examples: &[CodeExample<'_>]) -> String {
    let mut out = String::from(
        "# `mtvt check` diagnostics\n\n\
         <!-- Generated by `cargo test -p mtvt-lang --test fixtures` from crates/mtvt-lang/src/diag/codes.rs\n     \
         and the fixtures in crates/mtvt-lang/tests/fixtures; regenerate with MTVT_BLESS=1. -->\n\n\
         Every diagnostic has a stable code: `mtvt::E…` errors make `mtvt check` exit with 1,\n\
         `mtvt::W…` warnings only with `--deny-warnings`. `mtvt explain CODE` prints the same\n\
         explanation in a terminal. Each example below is a real input and the exact report\n\
         `mtvt check` prints for it.\n\n| code | severity | title |\n| --- | --- | --- |\n",
    );
    for (code, sev, _) in ALL_CODES {
        let title = crate::diag::codes::lookup(code).map_or("", |d| d.title);
        let s = if *sev == Severity::Error {
            "error"
        } else {
            "warning"
        };
        let anchor = code.trim_start_matches("mtvt::").to_lowercase();
        let _ = writeln!(out, "| [`{code}`](#{anchor}) | {s} | {title} |");
    }
    out.push('\n');
    for ex in examples {
        let code = ex.doc.code.trim_start_matches("mtvt::");
        let _ = writeln!(
            out,
            "## {code}\n\n**{}** — `{}`\n",
            ex.doc.title, ex.doc.code
        );
        let _ = writeln!(out, "{}\n", ex.doc.explanation);
        let _ = writeln!(out, "Example:\n\n```mtvt\n{}\n```\n", ex.input.trim_end());
        let _ = writeln!(out, "```text\n{}\n```\n", ex.rendered.trim_end());
        let _ = writeln!(out, "Fix: {}\n", ex.doc.fix);
    }
    out
}
