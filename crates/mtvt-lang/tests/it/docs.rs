//! docs/language.md's generated sections (keys, enums, models, builtins, stdlib) must match
//! the Rust schema; `MTVT_BLESS=1` rewrites them.

use std::path::PathBuf;

#[test]
fn language_doc_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/language.md");
    let current = std::fs::read_to_string(&path).unwrap();
    for name in mtvt_lang::docs::LANGUAGE_SECTIONS {
        assert!(
            current.contains(&format!("<!-- generated:{name} -->")),
            "section {name} missing"
        );
    }
    let expected = mtvt_lang::docs::refresh_language_doc(&current);
    if current == expected {
        return;
    }
    if std::env::var_os("MTVT_BLESS").is_some() {
        std::fs::write(&path, expected).unwrap();
        return;
    }
    let line = current
        .lines()
        .zip(expected.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(0)
        + 1;
    panic!(
        "docs/language.md is out of date (first difference at line {line}); regenerate with MTVT_BLESS=1 cargo test -p mtvt-lang"
    );
}

#[test]
fn every_key_model_field_and_builtin_is_documented() {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/language.md"),
    )
    .unwrap();
    for kind in mtvt_lang::schema::keys::BlockKind::ALL {
        for k in kind.keys() {
            assert!(
                text.contains(&format!("| `{}` |", k.name)),
                "key {} undocumented",
                k.name
            );
        }
    }
    for id in mtvt_lang::models::ModelId::ALL {
        for f in mtvt_lang::models::fields(*id) {
            assert!(
                text.contains(&format!("| `{}` | `{}` |", f.name, f.ty)),
                "{}.{}",
                id.type_name(),
                f.name
            );
        }
    }
    for b in mtvt_lang::schema::builtins::BUILTINS {
        assert!(
            text.contains(&b.signature.replace('|', "\\|")),
            "builtin {}",
            b.name
        );
    }
}
