//! The committed parser (src/parser.c and friends) must be generated from the committed
//! grammar.js: regenerate.sh records grammar.js's SHA-256 in src/grammar.js.sha256, and
//! this test recomputes it. Editing grammar.js without running regenerate.sh fails here,
//! so CI never needs the tree-sitter CLI.

use sha2::{Digest, Sha256};

use crate::support::crate_dir;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn parser_is_generated_from_grammar_js() {
    let grammar = std::fs::read(crate_dir().join("grammar.js")).unwrap();
    let actual = hex(&Sha256::digest(&grammar));
    let recorded = std::fs::read_to_string(crate_dir().join("src/grammar.js.sha256")).unwrap();
    // `sha256sum` format, so `sha256sum -c src/grammar.js.sha256` works too
    let (hash, file) = recorded
        .trim()
        .split_once("  ")
        .expect("format: HASH  grammar.js");
    assert_eq!(file, "grammar.js");
    assert_eq!(
        hash, actual,
        "grammar.js changed since src/parser.c was generated: run editors/tree-sitter-mtvt/regenerate.sh \
         (needs `cargo install --locked tree-sitter-cli`) and commit src/"
    );
}

/// Editors built on tree-sitter < 0.25 (Neovim 0.10, Helix 25.01) only load ABI ≤ 14.
#[test]
fn parser_abi_is_14() {
    let parser_c = std::fs::read_to_string(crate_dir().join("src/parser.c")).unwrap();
    assert!(
        parser_c.contains("#define LANGUAGE_VERSION 14\n"),
        "src/parser.c is not ABI 14: regenerate with ./regenerate.sh (tree-sitter generate --abi 14)"
    );
    assert_eq!(
        tree_sitter::Language::from(tree_sitter_mtvt::LANGUAGE).abi_version(),
        14
    );
}

#[test]
fn generated_files_belong_to_this_grammar() {
    let grammar_json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(crate_dir().join("src/grammar.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(grammar_json["name"], "mtvt");
    let parser_c = std::fs::read_to_string(crate_dir().join("src/parser.c")).unwrap();
    assert!(
        parser_c.contains("tree_sitter_mtvt(void)"),
        "src/parser.c does not define tree_sitter_mtvt"
    );
    // every named node type of node-types.json is a rule of grammar.json (same generation)
    let node_types: serde_json::Value = serde_json::from_str(tree_sitter_mtvt::NODE_TYPES).unwrap();
    let rules = grammar_json["rules"].as_object().unwrap();
    for t in node_types.as_array().unwrap() {
        if t["named"] == true {
            let name = t["type"].as_str().unwrap();
            assert!(
                rules.contains_key(name),
                "node type {name} is not a rule of src/grammar.json"
            );
        }
    }
}
