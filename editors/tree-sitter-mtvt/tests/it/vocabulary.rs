//! The words editors colour specially must be exactly the language's: schema keys, enum
//! values, builtins, model roots and the fixed words of special entries, taken from
//! crates/mtvt-lang's public schema tables, against both the tree-sitter highlight query
//! and the VS Code TextMate grammar. A key or value added to (or removed from) the schema
//! without updating editors/ fails here, in both directions.

use std::collections::BTreeSet;

use mtvt_lang::models::ROOTS;
use mtvt_lang::schema::builtins::{BUILTINS, COMPREHENSIONS};
use mtvt_lang::schema::enums::EnumId;
use mtvt_lang::schema::keys::{
    ARCHIVE_USAGE, BlockKind, DELETE_USAGE, MIGRATE_USAGE, MIGRATION_USAGE, PLAN_OUTCOME_USAGE,
    REQUIRES_USAGE, WAIT_USAGE,
};

use crate::support::read_repo_file;

type Words = BTreeSet<String>;

fn schema_keys() -> Words {
    BlockKind::ALL
        .iter()
        .flat_map(|b| b.keys())
        .map(|k| k.name.to_string())
        .collect()
}

fn enum_values() -> Words {
    EnumId::ALL
        .iter()
        .flat_map(|e| e.values())
        .map(|v| v.to_string())
        .collect()
}

fn builtins() -> Words {
    BUILTINS.iter().map(|b| b.name.to_string()).collect()
}

fn comprehensions() -> Words {
    COMPREHENSIONS.iter().map(|b| b.name.to_string()).collect()
}

fn roots() -> Words {
    ROOTS.iter().map(|(n, _, _)| n.to_string()).collect()
}

/// The fixed lower-case words of the `requires`, `migration`, `plan` (outcome) and `then` step usages
/// that are neither keys nor enum values (`provider`, `mtv`, `succeeds`, `fails`, `at`,
/// `ready` …). Upper-case words
/// are placeholders; `or` separates alternatives in the usage text.
fn construct_words() -> Words {
    let keys = schema_keys();
    let values = enum_values();
    [
        REQUIRES_USAGE,
        MIGRATION_USAGE,
        PLAN_OUTCOME_USAGE,
        ARCHIVE_USAGE,
        DELETE_USAGE,
        MIGRATE_USAGE,
        WAIT_USAGE,
    ]
    .iter()
    .flat_map(|u| u.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
    .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
    .filter(|w| *w != "or" && !keys.contains(*w) && !values.contains(*w))
    .map(str::to_string)
    .collect()
}

fn words(list: &[&str]) -> Words {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_schema_tables_are_not_empty() {
    // guards against a vacuous comparison if the tables moved
    assert!(schema_keys().len() > 40, "{:?}", schema_keys());
    assert!(enum_values().len() > 30, "{:?}", enum_values());
    assert!(builtins().contains("len") && comprehensions().contains("find"));
    assert_eq!(
        roots(),
        words(&[
            "cluster",
            "dest",
            "guest",
            "migration",
            "plan",
            "source",
            "vm"
        ])
    );
    assert_eq!(
        construct_words(),
        words(&[
            "at",
            "category",
            "copyoffload",
            "fails",
            "mtv",
            "not",
            "provider",
            "ready",
            "remote_cluster",
            "resume_conversion",
            "succeeds",
            "vms",
            "with"
        ])
    );
}

fn assert_same(what: &str, file: &str, have: &Words, want: &Words) {
    let missing: Vec<_> = want.difference(have).collect();
    let extra: Vec<_> = have.difference(want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{file}: {what} out of sync with crates/mtvt-lang\n  missing: {missing:?}\n  not in the schema: {extra:?}"
    );
}

// ---------------------------------------------------------------------------------------
// tree-sitter: queries/highlights.scm

/// The quoted words of every `(#any-of? @capture …)` predicate.
fn any_of(query: &str, capture: &str) -> Words {
    let head = format!("(#any-of? @{capture}");
    let mut out = Words::new();
    let mut found = false;
    for (at, _) in query.match_indices(&head) {
        let rest = &query[at + head.len()..];
        if !rest.starts_with(|c: char| c.is_whitespace()) {
            continue; // a longer capture name
        }
        found = true;
        let body = &rest[..rest.find(')').expect("predicate closes")];
        out.extend(body.split('"').skip(1).step_by(2).map(str::to_string));
    }
    assert!(found, "no ({head} …) in the highlight query");
    out
}

const HIGHLIGHTS: &str = "editors/tree-sitter-mtvt/queries/highlights.scm";

#[test]
fn highlight_query_words_match_the_schema() {
    let q = read_repo_file(HIGHLIGHTS);
    assert_same(
        "schema keys (@property)",
        HIGHLIGHTS,
        &any_of(&q, "property"),
        &schema_keys(),
    );
    assert_same(
        "enum values (@constant.builtin)",
        HIGHLIGHTS,
        &any_of(&q, "constant.builtin"),
        &enum_values(),
    );
    let all_builtins: Words = builtins().union(&comprehensions()).cloned().collect();
    assert_same(
        "builtins (@function.builtin)",
        HIGHLIGHTS,
        &any_of(&q, "function.builtin"),
        &all_builtins,
    );
    assert_same(
        "model roots (@variable.builtin)",
        HIGHLIGHTS,
        &any_of(&q, "variable.builtin"),
        &roots(),
    );
    assert_same(
        "special-entry words (@keyword)",
        HIGHLIGHTS,
        &any_of(&q, "keyword"),
        &construct_words(),
    );
}

// ---------------------------------------------------------------------------------------
// VS Code: editors/vscode/syntaxes/mtvt.tmLanguage.json

const TEXTMATE: &str = "editors/vscode/syntaxes/mtvt.tmLanguage.json";

/// The words of the alternation groups `(a|b|c)` of one repository rule's `match` regex.
fn alternation(grammar: &serde_json::Value, rule: &str) -> Words {
    let regex = grammar["repository"][rule]["match"]
        .as_str()
        .unwrap_or_else(|| panic!("{TEXTMATE}: repository.{rule}.match is missing"));
    let is_word = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let mut out = Words::new();
    for piece in regex.split('(').skip(1) {
        let Some(end) = piece.find(')') else { continue };
        let group = &piece[..end];
        if group.contains('|') && group.split('|').all(is_word) {
            out.extend(group.split('|').map(str::to_string));
        }
    }
    assert!(
        !out.is_empty(),
        "{TEXTMATE}: no word alternation in repository.{rule}.match"
    );
    out
}

#[test]
fn textmate_grammar_words_match_the_schema() {
    let grammar: serde_json::Value = serde_json::from_str(&read_repo_file(TEXTMATE)).unwrap();
    assert_same(
        "schema keys (entry-key)",
        TEXTMATE,
        &alternation(&grammar, "entry-key"),
        &schema_keys(),
    );
    assert_same(
        "enum values (enum-value)",
        TEXTMATE,
        &alternation(&grammar, "enum-value"),
        &enum_values(),
    );
    let all_builtins: Words = builtins().union(&comprehensions()).cloned().collect();
    assert_same(
        "builtins (builtin)",
        TEXTMATE,
        &alternation(&grammar, "builtin"),
        &all_builtins,
    );
    assert_same(
        "model roots (model-root)",
        TEXTMATE,
        &alternation(&grammar, "model-root"),
        &roots(),
    );
    assert_same(
        "special-entry words (construct-word)",
        TEXTMATE,
        &alternation(&grammar, "construct-word"),
        &construct_words(),
    );
}
