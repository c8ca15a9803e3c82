//! The Zed extension (editors/zed): its highlight and injection queries are copies of
//! queries/ (Zed reads them from the extension's languages/mtvt/), its own queries
//! (brackets, outline, indents) compile and find what they should, and its manifest points
//! at this grammar.

use crate::support::{catalog_files, crate_dir, query, read_repo_file, repo_root, run_query};

const COPIES: &[(&str, &str)] = &[
    (
        "queries/highlights.scm",
        "editors/zed/languages/mtvt/highlights.scm",
    ),
    (
        "queries/injections.scm",
        "editors/zed/languages/mtvt/injections.scm",
    ),
];

#[test]
fn zed_queries_are_copies_of_the_canonical_queries() {
    for (canonical, copy) in COPIES {
        let want = std::fs::read_to_string(crate_dir().join(canonical)).unwrap();
        let path = repo_root().join(copy);
        if std::env::var_os("MTVT_UPDATE_QUERIES").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap();
        assert!(
            have == want,
            "{copy} differs from editors/tree-sitter-mtvt/{canonical}: run editors/tree-sitter-mtvt/regenerate.sh"
        );
    }
}

fn zed_query(name: &str) -> tree_sitter::Query {
    query(&read_repo_file(&format!(
        "editors/zed/languages/mtvt/{name}.scm"
    )))
}

#[test]
fn outline_lists_every_declaration() {
    let q = zed_query("outline");
    for file in catalog_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let tree = crate::support::parse(&text);
        let declared = tree
            .root_node()
            .named_children(&mut tree.walk())
            .filter(|n| n.kind().ends_with("_declaration") && n.kind() != "use_declaration")
            .count();
        let names = run_query(&q, &text)
            .into_iter()
            .filter(|c| c.name == "name")
            .count();
        assert_eq!(
            names,
            declared,
            "{}: outline names vs declarations",
            file.display()
        );
    }
}

#[test]
fn brackets_pair_braces_and_quotes() {
    let q = zed_query("brackets");
    let text = "scenario s {\n  vm \"a\" { x 'b' }\n}\ncheck c {\n  assert f([1]) == (2)\n}\n";
    let caps = run_query(&q, text);
    let opens: Vec<_> = caps
        .iter()
        .filter(|c| c.name == "open")
        .map(|c| c.text.as_str())
        .collect();
    let closes: Vec<_> = caps
        .iter()
        .filter(|c| c.name == "close")
        .map(|c| c.text.as_str())
        .collect();
    for b in ["{", "\"", "'", "(", "["] {
        assert!(opens.contains(&b), "no opening {b} in {opens:?}");
    }
    assert_eq!(opens.len(), closes.len());
}

#[test]
fn indents_compile_and_cover_blocks() {
    let q = zed_query("indents");
    let caps = run_query(&q, "session {\n  a 1\n}\n");
    assert!(
        caps.iter()
            .any(|c| c.name == "indent" && c.text.starts_with('{'))
    );
}

#[test]
fn manifest_points_at_this_grammar() {
    let manifest = read_repo_file("editors/zed/extension.toml");
    assert!(manifest.contains("[grammars.mtvt]"));
    assert!(manifest.contains("path = \"editors/tree-sitter-mtvt\""));
    assert!(manifest.contains("languages = [\"mtvt\"]"));
    let config = read_repo_file("editors/zed/languages/mtvt/config.toml");
    assert!(config.contains("grammar = \"mtvt\""));
    assert!(config.contains("path_suffixes = [\"mtvt\"]"));
}

/// Zed builds the grammar from the commit named by `rev` in extension.toml, while the
/// queries come from the working tree: their node types must agree. Needs git and the
/// repository history; without them the check reports itself as not run.
#[test]
fn manifest_rev_has_the_current_node_types() {
    let manifest = read_repo_file("editors/zed/extension.toml");
    let rev = manifest
        .lines()
        .find_map(|l| l.strip_prefix("rev = \""))
        .and_then(|r| r.strip_suffix('"'))
        .expect("extension.toml has rev = \"…\"");
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(repo_root())
            .args(args)
            .output()
    };
    let shallow = match git(&["rev-parse", "--is-shallow-repository"]) {
        Err(e) => {
            eprintln!("not run: git is not available ({e})");
            return;
        }
        Ok(out) if !out.status.success() => {
            eprintln!("not run: {} is not a git checkout", repo_root().display());
            return;
        }
        Ok(out) => String::from_utf8_lossy(&out.stdout).trim() == "true",
    };
    let known = git(&["cat-file", "-e", &format!("{rev}^{{commit}}")]).unwrap();
    if !known.status.success() {
        if shallow {
            eprintln!("not run: this shallow clone does not have commit {rev}");
            return;
        }
        panic!("editors/zed/extension.toml: rev {rev} is not a commit of this repository");
    }
    let shown = git(&[
        "show",
        &format!("{rev}:editors/tree-sitter-mtvt/src/node-types.json"),
    ])
    .unwrap();
    assert!(
        shown.status.success(),
        "editors/zed/extension.toml: commit {rev} has no editors/tree-sitter-mtvt/src/node-types.json"
    );
    let at_rev = String::from_utf8(shown.stdout).unwrap();
    assert!(
        at_rev == tree_sitter_mtvt::NODE_TYPES,
        "editors/zed/extension.toml: the grammar at rev {rev} has other node types than the working tree; \
         set rev to a commit that contains the current editors/tree-sitter-mtvt/src/"
    );
}
