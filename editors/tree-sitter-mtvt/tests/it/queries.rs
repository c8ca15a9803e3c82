//! The queries: they compile, capture what an editor must colour, never give one node two
//! different captures (so the first-wins / last-wins difference between editors does not
//! matter), use only standard capture names, inject Go templates and YAML, and the Helix
//! copy is the canonical query with Helix's capture names.

use std::collections::BTreeSet;

use crate::support::{Capture, catalog_files, crate_dir, names_by_node, query, run_query};

/// The capture names of queries/highlights.scm: Neovim's standard names (Zed falls back
/// along the dots). Each maps to Helix's name for queries/helix/highlights.scm.
const CAPTURES: &[(&str, &str)] = &[
    ("boolean", "constant.builtin.boolean"),
    ("comment", "comment"),
    ("constant.builtin", "constant.builtin"),
    ("function", "function"),
    ("function.builtin", "function.builtin"),
    ("function.call", "function"),
    ("keyword", "keyword"),
    ("keyword.conditional", "keyword.control.conditional"),
    ("keyword.import", "keyword.control.import"),
    ("keyword.operator", "keyword.operator"),
    ("keyword.repeat", "keyword.control.repeat"),
    ("module", "namespace"),
    ("number", "constant.numeric"),
    ("operator", "operator"),
    ("property", "variable.other.member"),
    ("punctuation.bracket", "punctuation.bracket"),
    ("punctuation.delimiter", "punctuation.delimiter"),
    ("punctuation.special", "punctuation.special"),
    ("string", "string"),
    ("string.escape", "constant.character.escape"),
    ("type", "type"),
    ("variable", "variable"),
    ("variable.builtin", "variable.builtin"),
    ("variable.member", "variable.other.member"),
    ("variable.parameter", "variable.parameter"),
];

fn highlights() -> tree_sitter::Query {
    query(tree_sitter_mtvt::HIGHLIGHTS_QUERY)
}

/// Captures of `needle` (exact text) in `text`, in source order.
fn captures_of(text: &str, needle: &str) -> Vec<String> {
    let mut caps: Vec<Capture> = run_query(&highlights(), text)
        .into_iter()
        .filter(|c| c.text.trim() == needle)
        .collect();
    caps.sort_by_key(|c| c.range);
    caps.into_iter().map(|c| c.name).collect()
}

fn assert_capture(text: &str, needle: &str, nth: usize, want: &str) {
    let caps = captures_of(text, needle);
    assert_eq!(
        caps.get(nth).map(String::as_str),
        Some(want),
        "captures of {needle:?} (#{nth}) were {caps:?}"
    );
}

#[test]
fn all_queries_compile() {
    for (name, source) in [
        ("highlights", tree_sitter_mtvt::HIGHLIGHTS_QUERY),
        ("helix/highlights", tree_sitter_mtvt::HELIX_HIGHLIGHTS_QUERY),
        ("injections", tree_sitter_mtvt::INJECTIONS_QUERY),
        ("folds", tree_sitter_mtvt::FOLDS_QUERY),
    ] {
        let q = query(source);
        assert!(q.pattern_count() > 0, "{name} has no patterns");
    }
}

#[test]
fn only_standard_capture_names() {
    let allowed: BTreeSet<&str> = CAPTURES.iter().map(|(n, _)| *n).collect();
    for name in highlights().capture_names() {
        assert!(
            allowed.contains(name),
            "@{name} is not one of the standard captures listed in tests/it/queries.rs"
        );
    }
}

#[test]
fn declarations_blocks_and_values() {
    let text = "use std/checks as c\nscenario s extends base {\n  tags tier0\n  requires provider vsphere\n  \
                requires mtv >= 2.8\n  sorce_power off\n  vm \"rhel-${session}\\n\" { disk_type thick-lazy; count 2 }\n  \
                plan { timeout 1h; target_labels { \"a\": session }; target_affinity { podAffinity: {} } }\n  \
                add_disk { size 30Gi }\n  hook pre = hooks.succeed  # pre hook\n  \
                expect { migration fails at PostHook; check standard, disk_count }\n}\nhook h {\n  expect fail\n}\n";
    assert_capture(text, "use", 0, "keyword.import");
    assert_capture(text, "std/checks", 0, "module");
    assert_capture(text, "as", 0, "keyword.import");
    assert_capture(text, "scenario", 0, "keyword");
    assert_capture(text, "s", 0, "type");
    assert_capture(text, "extends", 0, "keyword");
    assert_capture(text, "base", 0, "type");
    assert_capture(text, "tags", 0, "property");
    assert_capture(text, "provider", 0, "keyword");
    assert_capture(text, "vsphere", 0, "constant.builtin");
    assert_capture(text, "mtv", 0, "keyword");
    assert_capture(text, ">=", 0, "operator");
    assert_capture(text, "2.8", 0, "number");
    // an unknown key is not coloured as a key; its enum value still is
    assert_eq!(captures_of(text, "sorce_power"), Vec::<String>::new());
    assert_capture(text, "off", 0, "constant.builtin");
    assert_capture(text, "\"rhel-${session}\\n\"", 0, "string");
    assert_capture(text, "${", 0, "punctuation.special");
    assert_capture(text, "session", 0, "variable");
    assert_capture(text, "\\n", 0, "string.escape");
    assert_capture(text, "thick-lazy", 0, "constant.builtin");
    assert_capture(text, "2", 0, "number");
    assert_capture(text, "1h", 0, "number");
    assert_capture(text, "session", 1, "variable.builtin");
    assert_capture(text, "podAffinity", 0, "property");
    assert_capture(text, "30Gi", 0, "number");
    assert_capture(text, "pre", 0, "constant.builtin");
    assert_capture(text, "=", 0, "operator");
    assert_capture(text, "# pre hook", 0, "comment");
    assert_capture(text, "fails", 0, "keyword");
    assert_capture(text, "at", 0, "keyword");
    assert_capture(text, "PostHook", 0, "constant.builtin");
    assert_capture(text, "check", 0, "property");
    assert_capture(text, "standard", 0, "function.call");
    assert_capture(text, "disk_count", 0, "function.call");
    assert_capture(text, "hook", 1, "keyword");
    assert_capture(text, "h", 0, "function");
    assert_capture(text, "fail", 0, "constant.builtin");
    let matrix = "scenario m {\n  matrix { disk_type [thin] }\n  vm \"x\" { disk_type param.disk_type }\n}\n";
    assert_capture(matrix, "param", 0, "variable.builtin");
    assert_capture(matrix, "thin", 0, "constant.builtin");
}

#[test]
fn check_bodies() {
    let text = "check net \"d\" {\n  let n = len(source.nics)\n  for nic in source.nics {\n    \
                assert find(x in dest.nics: x.mac == nic.mac) != none, \"m\"\n  }\n  \
                when not vm.guest_agent and nic.network in keys(plan.network_map) { skip \"s\" }\n  \
                else { assert dest.power == on or my_fn(dest) contains \"x\" }\n}\n\
                check std = net, other\n";
    assert_capture(text, "check", 0, "keyword");
    assert_capture(text, "net", 0, "function");
    assert_capture(text, "let", 0, "keyword");
    assert_capture(text, "n", 0, "variable");
    assert_capture(text, "len", 0, "function.builtin");
    assert_capture(text, "source", 0, "variable.builtin");
    assert_capture(text, "nics", 0, "variable.member");
    assert_capture(text, "for", 0, "keyword.repeat");
    assert_capture(text, "nic", 0, "variable");
    assert_capture(text, "in", 0, "keyword.repeat");
    assert_capture(text, "assert", 0, "keyword");
    assert_capture(text, "find", 0, "function.builtin");
    assert_capture(text, "x", 0, "variable.parameter");
    assert_capture(text, "in", 1, "keyword.repeat");
    assert_capture(text, "==", 0, "operator");
    assert_capture(text, "!=", 0, "operator");
    assert_capture(text, "none", 0, "constant.builtin");
    assert_capture(text, "when", 0, "keyword.conditional");
    assert_capture(text, "not", 0, "keyword.operator");
    assert_capture(text, "vm", 0, "variable.builtin");
    assert_capture(text, "and", 0, "keyword.operator");
    assert_capture(text, "in", 2, "keyword.operator");
    assert_capture(text, "keys", 0, "function.builtin");
    assert_capture(text, "skip", 0, "keyword");
    assert_capture(text, "else", 0, "keyword.conditional");
    assert_capture(text, "on", 0, "constant.builtin");
    assert_capture(text, "or", 0, "keyword.operator");
    // the language has no functions besides the builtins: an unknown call stays plain
    assert_eq!(captures_of(text, "my_fn"), Vec::<String>::new());
    assert_capture(text, "dest", 2, "variable.builtin");
    assert_capture(text, "contains", 0, "keyword.operator");
    assert_capture(text, "std", 0, "function");
    assert_capture(text, "other", 0, "function.call");
}

#[test]
fn no_node_gets_two_different_captures() {
    let q = highlights();
    let mut texts: Vec<(String, String)> = catalog_files()
        .into_iter()
        .map(|f| {
            (
                f.display().to_string(),
                std::fs::read_to_string(&f).unwrap(),
            )
        })
        .collect();
    let fixture = crate_dir().join("tests/fixtures/syntax.mtvt");
    texts.push((
        fixture.display().to_string(),
        std::fs::read_to_string(&fixture).unwrap(),
    ));
    let mut clashes = Vec::new();
    let mut total = 0;
    for (name, text) in &texts {
        let caps = run_query(&q, text);
        total += caps.len();
        for ((start, _), names) in names_by_node(&caps) {
            if names.len() > 1 {
                let line = text[..start].lines().count().max(1);
                clashes.push(format!("{name}:{line}: {names:?}"));
            }
        }
    }
    assert!(
        total > 1000,
        "only {total} captures over the catalog: the query matches too little"
    );
    assert!(
        clashes.is_empty(),
        "nodes with several captures:\n{}",
        clashes.join("\n")
    );
}

/// queries/helix/highlights.scm as it must be: the canonical query, capture names mapped.
fn helix_query() -> String {
    let canonical = tree_sitter_mtvt::HIGHLIGHTS_QUERY;
    let mut out = String::from(
        "; GENERATED from ../highlights.scm with Helix's capture names (tests/it/queries.rs,\n\
         ; CAPTURES). Do not edit: edit ../highlights.scm and run ../../regenerate.sh.\n\n",
    );
    let mut rest = canonical;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
            .unwrap_or(after.len());
        let name = &after[..end];
        let mapped = if name.starts_with('_') {
            name
        } else {
            CAPTURES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, h)| *h)
                .unwrap_or_else(|| panic!("@{name} has no Helix name in CAPTURES"))
        };
        out.push('@');
        out.push_str(mapped);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn helix_query_is_the_canonical_query_with_helix_names() {
    let path = crate_dir().join("queries/helix/highlights.scm");
    let want = helix_query();
    if std::env::var_os("MTVT_UPDATE_QUERIES").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap();
    assert!(
        have == want,
        "{} is stale: run editors/tree-sitter-mtvt/regenerate.sh (or MTVT_UPDATE_QUERIES=1 cargo test -p tree-sitter-mtvt helix)",
        path.display()
    );
    // same patterns, so the same nodes are highlighted
    assert_eq!(query(&have).pattern_count(), highlights().pattern_count());
}

#[test]
fn injections_go_templates_and_playbooks() {
    let q = query(tree_sitter_mtvt::INJECTIONS_QUERY);
    let text = "scenario s {\n  plan { pvc_name_template '{{.VmName}}-{{ .DiskIndex }}'; storage_class 'plain' }\n  \
                hook post {\n    playbook \"\"\"\n      - hosts: localhost\n    \"\"\"\n    image \"\"\"not yaml\"\"\"\n  }\n}\n";
    let tree = crate::support::parse(text);
    let mut cursor = tree_sitter::QueryCursor::new();
    let mut matches = cursor.matches(&q, tree.root_node(), text.as_bytes());
    let mut injected = Vec::new();
    use streaming_iterator::StreamingIterator;
    while let Some(m) = matches.next() {
        let language = q
            .property_settings(m.pattern_index)
            .iter()
            .find(|p| &*p.key == "injection.language")
            .and_then(|p| p.value.as_deref())
            .unwrap()
            .to_string();
        for c in m.captures() {
            if q.capture_names()[c.index as usize] == "injection.content" {
                injected.push((
                    language.clone(),
                    text[c.node.byte_range()].trim().to_string(),
                ));
            }
        }
    }
    assert_eq!(
        injected,
        vec![
            (
                "gotmpl".to_string(),
                "{{.VmName}}-{{ .DiskIndex }}".to_string()
            ),
            ("yaml".to_string(), "- hosts: localhost".to_string()),
        ]
    );
}

#[test]
fn folds_cover_blocks_and_check_bodies() {
    let text = std::fs::read_to_string(crate_dir().join("tests/fixtures/syntax.mtvt")).unwrap();
    let folds = run_query(&query(tree_sitter_mtvt::FOLDS_QUERY), &text);
    assert!(
        folds
            .iter()
            .any(|c| c.text.starts_with("{\n  mtv_namespace")),
        "session block not foldable"
    );
    assert!(
        folds.iter().any(|c| c.text.starts_with("{\n  let n")),
        "check body not foldable"
    );
    assert!(folds.iter().all(|c| c.name == "fold"));
}
