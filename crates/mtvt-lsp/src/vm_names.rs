//! Source VM names already used by the workspace's scenarios (`vm "mtv-tests-rhel8"`),
//! offered when completing a `vm` entry next to the provider profile's names. Found in
//! the AST of every `.mtvt` file under the workspace folders (hidden folders, `target`
//! and `node_modules` skipped; at most [`MAX_FILES`] files; files with syntax errors
//! give what the parser could read). It reads files only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mtvt_lang::span::FileId;
use mtvt_lang::syntax::ast::{Arg, Block, EntryBody, Item, StrPart, ValueKind};
use mtvt_lang::syntax::parse_document;

/// Most files scanned per workspace.
pub const MAX_FILES: usize = 5_000;

/// `vm "NAME"` names in `src`, in order (interpolated names skipped).
pub fn vm_names_in(src: &str) -> Vec<String> {
    let ast = parse_document(FileId(0), src).file;
    let mut out = Vec::new();
    for item in &ast.items {
        let body = match item {
            Item::Scenario(d) | Item::Fragment(d) => &d.body,
            Item::Session(s) => &s.body,
            Item::Hook(h) => &h.body,
            Item::Use(_) | Item::Check(_) => continue,
        };
        in_block(body, &mut out);
    }
    out
}

fn in_block(block: &Block, out: &mut Vec<String>) {
    for e in &block.entries {
        if e.key.node == "vm"
            && let Some(Arg::Value(v)) = e.flat_args().next()
            && let ValueKind::Str(parts) = &v.kind
            && let [StrPart::Text(name)] = parts.as_slice()
        {
            out.push(name.to_string());
        }
        if let Some(EntryBody::Block(b)) = &e.body {
            in_block(b, out);
        }
    }
}

/// Every VM name used under `roots`, with the first file (relative to its root) using it.
pub fn scan(roots: &[PathBuf]) -> Vec<(String, String)> {
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    let mut budget = MAX_FILES;
    for root in roots {
        let mut files = Vec::new();
        collect(root, &mut files, &mut budget);
        files.sort();
        for f in files {
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            let shown = f.strip_prefix(root).unwrap_or(&f).display().to_string();
            for name in vm_names_in(&text) {
                found.entry(name).or_insert_with(|| shown.clone());
            }
        }
    }
    found.into_iter().collect()
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>, budget: &mut usize) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.filter_map(Result::ok) {
        if *budget == 0 {
            return;
        }
        let p = e.path();
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => collect(&p, out, budget),
            Ok(t) if t.is_file() && name.ends_with(".mtvt") => {
                out.push(p);
                *budget -= 1;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_the_catalog() {
        assert_eq!(
            vm_names_in(
                "scenario s {\n  vm \"a\"\n  vm \"${env.X}\" # vm \"c\"\n  plan { vm \"b\" { } }\n}\n"
            ),
            ["a", "b"]
        );
        let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
        let names = scan(&[repo]);
        let rhel = names.iter().find(|(n, _)| n == "mtv-tests-rhel8").unwrap();
        assert!(rhel.1.ends_with(".mtvt"), "{rhel:?}");
        assert!(names.iter().any(|(n, _)| n == "xcopy-template-test"));
    }
}
