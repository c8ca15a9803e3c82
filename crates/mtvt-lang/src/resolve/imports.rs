//! Following `use`: stdlib modules (embedded, or the `MTVT_STDLIB` folder's files) and
//! relative files (from the overlay of open editors first, then the disk), each loaded
//! once, unresolved ones reported with a "did you mean" among the folder's files.

use std::path::Path;

use super::files::normalize;
use super::{Import, Loader, ModuleKind};
use crate::diag::{DiagnosticKind, suggest};
use crate::source::{Origin, SourceFile};
use crate::span::Span;
use crate::syntax::ast;

impl Loader<'_> {
    pub(super) fn resolve_imports(&mut self, idx: usize) {
        let Some(module) = self.modules.get(idx) else {
            return;
        };
        let Some(ast) = &module.ast else { return };
        let uses: Vec<ast::UseDecl> = ast
            .items
            .iter()
            .filter_map(|it| {
                if let ast::Item::Use(u) = it {
                    Some(u.clone())
                } else {
                    None
                }
            })
            .collect();
        let dir = self
            .sources
            .get(module.file)
            .and_then(|f| f.dir().map(Path::to_path_buf));
        let mut imports = Vec::new();
        for u in uses {
            let target = match &u.target.node {
                ast::UseTarget::Module(m) => self.load_std(m, u.target.span),
                ast::UseTarget::File(rel) => self.load_relative(dir.as_deref(), rel, u.target.span),
            };
            let Some(target) = target else { continue };
            let alias = match &u.alias {
                Some(a) => a.node.as_str().to_owned(),
                None => default_alias(&u.target.node),
            };
            let written = match &u.target.node {
                ast::UseTarget::Module(m) => m.clone(),
                ast::UseTarget::File(f) => format!("\"{f}\""),
            };
            imports.push(Import {
                target,
                alias,
                span: u.span,
                written,
            });
        }
        if let Some(m) = self.modules.get_mut(idx) {
            m.imports = imports;
        }
    }

    pub(super) fn load_std(&mut self, module: &str, span: Span) -> Option<usize> {
        let key = format!("std:{module}");
        if let Some(i) = self.by_key.get(&key) {
            return Some(*i);
        }
        match self.stdlib.load(module) {
            Ok((name, text)) => {
                let idx = match self.stdlib.dir() {
                    // A stdlib directory: share the module with the same file named as a root.
                    Some(_) => self.add_disk(Path::new(&name), text, ModuleKind::Stdlib),
                    None => {
                        let origin = Origin::Stdlib(module.to_string());
                        self.add_module(
                            key.clone(),
                            SourceFile::new(name, text, origin),
                            ModuleKind::Stdlib,
                        )
                    }
                };
                if let Some(m) = self.modules.get_mut(idx) {
                    m.is_stdlib = true;
                }
                self.by_key.insert(key, idx);
                Some(idx)
            }
            Err(reason) => {
                let help = suggest::help(module, self.stdlib.available());
                self.sink.push(DiagnosticKind::UnresolvedUse {
                    span,
                    target: module.to_string(),
                    reason,
                    help,
                });
                None
            }
        }
    }

    fn load_relative(&mut self, dir: Option<&Path>, rel: &str, span: Span) -> Option<usize> {
        let Some(dir) = dir else {
            self.sink.push(DiagnosticKind::UnresolvedUse {
                span,
                target: format!("\"{rel}\""),
                reason: String::from("relative imports need the importing file to be on disk"),
                help: None,
            });
            return None;
        };
        let path = normalize(&dir.join(rel));
        let overlaid = self.overlay.get(&path).or_else(|| {
            let canonical = std::fs::canonicalize(&path).ok()?;
            self.overlay.get(&canonical)
        });
        let read = match overlaid {
            Some(text) => Ok(super::files::ReadText {
                text: text.to_string(),
                invalid_at: None,
            }),
            None => super::files::read_source(&path),
        };
        match read {
            Ok(read) => {
                let idx = self.add_disk(&path, read.text, ModuleKind::Imported);
                self.report_invalid_utf8(idx, read.invalid_at);
                Some(idx)
            }
            Err(e) => {
                let siblings: Vec<String> = path
                    .parent()
                    .and_then(|p| std::fs::read_dir(p).ok())
                    .map(|rd| {
                        rd.filter_map(Result::ok)
                            .filter_map(|e| e.file_name().to_str().map(str::to_string))
                            .filter(|n| n.ends_with(".mtvt"))
                            .collect()
                    })
                    .unwrap_or_default();
                let file = path
                    .file_name()
                    .map(|f| f.to_string_lossy().to_string())
                    .unwrap_or_default();
                let help =
                    suggest::suggest(&file, &siblings).map(|s| format!("did you mean `{s}`?"));
                self.sink.push(DiagnosticKind::UnresolvedUse {
                    span,
                    target: format!("\"{rel}\""),
                    reason: if path.exists() {
                        e
                    } else {
                        String::from("no such file")
                    },
                    help,
                });
                None
            }
        }
    }
}

fn default_alias(t: &ast::UseTarget) -> String {
    let s = match t {
        ast::UseTarget::Module(m) => m.as_str(),
        ast::UseTarget::File(f) => f.as_str(),
    };
    let last = s.rsplit('/').next().unwrap_or(s);
    last.strip_suffix(".mtvt").unwrap_or(last).to_string()
}
