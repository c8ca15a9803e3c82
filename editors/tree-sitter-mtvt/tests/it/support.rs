//! Shared test plumbing: paths, parsing, the catalog file list, error reporting, query runs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Parser, Query, QueryCursor, Tree};

/// The crate directory (editors/tree-sitter-mtvt).
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    let dir = crate_dir();
    dir.ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .expect("the crate is at editors/tree-sitter-mtvt")
}

/// Reads a file of the repository, relative to its root.
pub fn read_repo_file(rel: &str) -> String {
    let path = repo_root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Parses `.mtvt` text with the generated parser.
pub fn parse(text: &str) -> Tree {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_mtvt::LANGUAGE.into())
        .expect("the generated parser's ABI is supported by the tree-sitter crate");
    parser.parse(text, None).expect("parsing is not cancelled")
}

/// Every `.mtvt` file under scenarios/ and stdlib/, sorted.
pub fn catalog_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let entries =
            std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "mtvt") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&repo_root().join("scenarios"), &mut out);
    walk(&repo_root().join("stdlib"), &mut out);
    out.sort();
    out
}

/// Describes every ERROR and MISSING node of a tree (`line:col: ERROR "text"`), or nothing.
pub fn syntax_errors(tree: &Tree, text: &str) -> Vec<String> {
    fn visit(node: Node<'_>, text: &str, out: &mut Vec<String>) {
        if node.is_error() || node.is_missing() {
            let p = node.start_position();
            let snippet: String = text
                .get(node.byte_range())
                .unwrap_or("")
                .chars()
                .take(60)
                .collect();
            let what = if node.is_missing() {
                format!("MISSING {}", node.kind())
            } else {
                "ERROR".to_string()
            };
            out.push(format!(
                "{}:{}: {what} {snippet:?}",
                p.row + 1,
                p.column + 1
            ));
        }
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            visit(child, text, out);
        }
    }
    let mut out = Vec::new();
    visit(tree.root_node(), text, &mut out);
    out
}

/// Compiles a query against the mtvt language.
pub fn query(source: &str) -> Query {
    Query::new(&tree_sitter_mtvt::LANGUAGE.into(), source)
        .unwrap_or_else(|e| panic!("query does not compile: {e}"))
}

/// One capture: the captured text, its byte range and the capture name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    pub text: String,
    pub range: (usize, usize),
    pub name: String,
}

/// Every capture of `query` on `text` (predicates such as `#any-of?` applied).
pub fn run_query(query: &Query, text: &str) -> Vec<Capture> {
    let tree = parse(text);
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(query, tree.root_node(), text.as_bytes());
    let mut out = Vec::new();
    while let Some(m) = matches.next() {
        for c in m.captures() {
            out.push(Capture {
                text: text[c.node.byte_range()].to_string(),
                range: (c.node.start_byte(), c.node.end_byte()),
                name: query.capture_names()[c.index as usize].to_string(),
            });
        }
    }
    out
}

/// Capture names per node (byte range), for overlap checks.
pub fn names_by_node(captures: &[Capture]) -> BTreeMap<(usize, usize), Vec<(String, String)>> {
    let mut by: BTreeMap<(usize, usize), Vec<(String, String)>> = BTreeMap::new();
    for c in captures {
        let names = by.entry(c.range).or_default();
        if !names.iter().any(|(n, _)| *n == c.name) {
            names.push((c.name.clone(), c.text.clone()));
        }
    }
    by
}
