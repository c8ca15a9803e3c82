//! The boundary Cargo cannot see: this crate must stay a generic Kubernetes API server. Its
//! manifest names no other mtvt crate, and its sources (src, tests, benches, fixtures) never
//! mention the MTV world built on top of it — migration toolkit, virtualization, storage
//! import, network attachment, operator lifecycle, platform routes, inventory. A kind of that
//! world belongs in mtvt-sim, registered through the server's extension points.

use std::path::{Path, PathBuf};

/// Words that betray MTV knowledge (matched case-insensitively, anywhere in a line).
const FORBIDDEN: &[&str] = &[
    "forklift",
    "kubevirt",
    "cdi",
    "multus",
    "konveyor",
    "openshift",
    "operators.coreos.com",
    "inventory",
];

/// Lines allowed to contain a forbidden word, as `(file suffix, word)`. Keep it empty unless
/// the mention is truly generic, and say why next to the entry.
const EXCEPTIONS: &[(&str, &str)] = &[];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn sources_never_mention_the_mtv_world() {
    let mut all = vec![root().join("Cargo.toml")];
    for dir in ["src", "tests", "benches"] {
        files(&root().join(dir), &mut all);
    }
    assert!(all.len() > 50, "the walk found the sources: {}", all.len());
    let mut found = Vec::new();
    for path in all.iter().filter(|p| !p.ends_with("tests/it/boundary.rs")) {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            let lower = line.to_lowercase();
            for word in FORBIDDEN.iter().filter(|w| lower.contains(**w)) {
                let excepted = EXCEPTIONS
                    .iter()
                    .any(|(file, w)| w == word && path.ends_with(file));
                if !excepted {
                    found.push(format!("{}:{}: {word}: {line}", path.display(), n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "mtvt-apiserver must not know the MTV world (move this to mtvt-sim):\n{}",
        found.join("\n")
    );
}

#[test]
fn manifest_depends_on_no_mtvt_crate() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let deps: Vec<&str> = manifest
        .lines()
        .filter(|l| l.trim_start().starts_with("mtvt-") || l.contains("path ="))
        .collect();
    assert!(
        deps.is_empty(),
        "mtvt-apiserver must depend on no mtvt crate: {deps:?}"
    );
}
