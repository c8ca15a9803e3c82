//! The Markdown shown by hover and in completion details, written from the language's
//! own tables (key docs, enumerations, model fields, builtins) and from definitions
//! (check descriptions). The same text as docs/language.md, never a second copy.

use mtvt_lang::models::{FieldDef, ModelId, ROOTS};
use mtvt_lang::schema::builtins::BuiltinDef;
use mtvt_lang::schema::enums::EnumId;
use mtvt_lang::schema::keys::{BlockKind, KeyDef, Shape};

use mtvt_lang::query::Definition;
use mtvt_lang::resolve::DefKind;

/// The type column of a key, as plain text.
pub fn key_type(k: &KeyDef) -> String {
    match k.shape {
        Shape::Value(v) => v.describe().replace("\\|", "|"),
        Shape::Block(b) => format!("block: {}", b.syntax()),
        Shape::Special(usage) => usage.to_string(),
    }
}

/// A key of a block.
pub fn key(block: BlockKind, k: &KeyDef) -> String {
    let mut out = format!(
        "**`{}`** in {}\n\n`{}`",
        k.name,
        block.context(),
        key_type(k)
    );
    if k.default != "—" {
        out.push_str(&format!(" · default: {}", k.default));
    }
    out.push_str("\n\n");
    out.push_str(k.doc);
    if k.required {
        out.push_str(" **Required.**");
    }
    if k.repeat {
        out.push_str(" *Repeatable.*");
    }
    out
}

/// A value of an enumeration.
pub fn enum_value(e: EnumId, value: &str) -> String {
    let values: Vec<String> = e.values().iter().map(|v| format!("`{v}`")).collect();
    format!(
        "**`{value}`**: a value of `{}`\n\nvalues: {}",
        e.name(),
        values.join(" · ")
    )
}

/// The enumerations a value belongs to.
pub fn enums_of(value: &str) -> Vec<EnumId> {
    EnumId::ALL
        .iter()
        .copied()
        .filter(|e| e.contains(value))
        .collect()
}

/// A model field (`path` is what was written before it, e.g. `dest.cpu`).
pub fn field(owner: ModelId, f: &FieldDef) -> String {
    format!(
        "**`{}.{}`**: `{}`\n\n{}",
        owner.type_name(),
        f.name,
        f.ty,
        f.doc
    )
}

/// A method of a model record (`guest.run`).
pub fn method(m: &mtvt_lang::schema::methods::MethodDef) -> String {
    format!("```\n{}\n```\n\n{}", m.signature, m.doc)
}

/// A model root (`dest`, `source` …).
pub fn root(name: &str) -> Option<String> {
    let (n, id, doc) = ROOTS.iter().find(|(n, _, _)| *n == name)?;
    Some(format!("**`{n}`**: `{}`\n\n{doc}", id.type_name()))
}

/// A builtin function or comprehension.
pub fn builtin(b: &BuiltinDef) -> String {
    format!("```\n{}\n```\n\n{}", b.signature, b.doc)
}

/// A definition a reference resolves to.
pub fn definition(d: &Definition) -> String {
    let from = d.module.as_ref().map_or_else(
        || String::from("this file"),
        |m| format!("`use {}`", m.written),
    );
    let mut out = format!("**{} `{}`** (from {from})", d.kind.word(), d.name);
    if let Some(s) = &d.summary {
        out.push_str("\n\n");
        out.push_str(s);
    } else if d.kind == DefKind::Hook
        && d.module
            .as_ref()
            .is_some_and(|m| m.written.starts_with("std/"))
    {
        out.push_str(&format!("\n\npredefined playbook designed to {}", d.name));
    }
    out
}

/// Keywords of statements and items.
pub fn keyword(word: &str) -> Option<&'static str> {
    Some(match word {
        "assert" => {
            "`assert EXPR [, \"message\"]`: one outcome — pass, fail (with expected and actual) or not run."
        }
        "when" => "`when EXPR { … } else when EXPR { … } else { … }`: conditional statements.",
        "for" => "`for x in LIST { … }`: runs the body for each element.",
        "let" => "`let x = EXPR`: a binding visible to the following statements.",
        "skip" => "`skip \"reason\"`: the rest of the check does not apply (reported as skipped).",
        "use" => {
            "`use std/checks` · `use \"./shared.mtvt\" [as name]`: imports a stdlib module or a file."
        }
        "scenario" => "`scenario NAME [extends F, …] { … }`: a runnable scenario.",
        "fragment" => "`fragment NAME [extends F, …] { … }`: a reusable, partial scenario body.",
        "check" => {
            "`check NAME [\"description\"] { … }` · `check NAME = a, b`: a check run on every migrated VM."
        }
        "hook" => "`hook NAME { … }`: a reusable hook definition.",
        "session" => "`session { … }`: suite-wide settings (at most one among all checked files).",
        "extends" => "merges the named fragments (in order) before this body.",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_from_the_tables() {
        let warm = BlockKind::Plan.key("warm").unwrap();
        let text = key(BlockKind::Plan, warm);
        assert!(
            text.contains("`bool`") && text.contains("default: false"),
            "{text}"
        );
        assert!(text.contains(warm.doc));
        let e = enums_of("thin");
        assert_eq!(e, [EnumId::Provisioning]);
        assert!(enum_value(e[0], "thin").contains("`thick-lazy`"));
        assert!(root("dest").unwrap().contains("DestVm"));
        assert!(root("nope").is_none());
        assert!(keyword("assert").is_some() && keyword("nope").is_none());
    }
}
