//! One document as a tool sees it: parsed (with recovery), its `use` lines followed by the
//! loader that `mtvt check` uses (stdlib modules, relative files from open documents then
//! the disk), and its references resolved by the checker's name tables.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::cursor::{Cursor, cursor};
use crate::diag::Sink;
use crate::resolve::{DefKind, DefRef, Loader, Names, Overlay, Program, Stdlib};
use crate::source::Origin;
use crate::span::{FileId, Span, Spanned};
use crate::syntax::ast::{self, CheckDef, Item};
use crate::syntax::{Parsed, parse_document};

/// A parsed document with its imports and name tables.
pub struct Analysis {
    /// The text.
    pub text: Arc<str>,
    /// The document's parse (file id 0), without its AST (see [`Analysis::file`]).
    pub parsed: Parsed,
    program: Program,
    names: Names,
}

/// Where a name is defined.
#[derive(Debug, Clone)]
pub struct Definition {
    /// What it is.
    pub kind: DefKind,
    /// Its name.
    pub name: String,
    /// A check's description, or the members of a composite check (`all of a, b`).
    pub summary: Option<String>,
    /// The name in its file.
    pub span: Span,
    /// The file: the document itself (`None`) or an imported module.
    pub module: Option<Module>,
}

/// An imported module.
#[derive(Debug, Clone)]
pub struct Module {
    /// The `use` target as written (`std/checks`, `"./common.mtvt"`).
    pub written: String,
    /// The name references are qualified with.
    pub alias: String,
    /// Where the file is: a path on disk, or the stdlib module.
    pub origin: Origin,
    /// Its text.
    pub text: Arc<str>,
    /// The `use` target's span in the document.
    pub target: Span,
    /// Its definitions, in order.
    pub defs: Vec<(DefKind, String)>,
}

impl Analysis {
    /// Parses `text` (named `name`, in folder `dir` for relative imports) and follows its
    /// imports.
    pub fn new(
        name: &str,
        text: &str,
        dir: Option<&Path>,
        stdlib: &Stdlib,
        overlay: Overlay,
    ) -> Analysis {
        let mut parsed = parse_document(FileId(0), text);
        let file = std::mem::take(&mut parsed.file);
        let mut sink = Sink::new();
        let mut loader = Loader::new(stdlib.clone(), &mut sink).with_overlay(overlay);
        loader.add_parsed(name, text, dir, file);
        let program = loader.finish();
        let names = Names::build(&program, stdlib, &mut sink);
        Analysis {
            text: Arc::from(text),
            parsed,
            program,
            names,
        }
    }

    /// The document's AST (partial after syntax errors).
    pub fn file(&self) -> &ast::File {
        static EMPTY: ast::File = ast::File { items: Vec::new() };
        self.program
            .modules
            .first()
            .and_then(|m| m.ast.as_ref())
            .unwrap_or(&EMPTY)
    }

    /// What is at `offset`.
    pub fn cursor(&self, offset: usize) -> Cursor<'_> {
        cursor(&self.text, self.file(), &self.parsed, offset)
    }

    /// The definition a reference (`name` or `alias.name`) of `kind` resolves to, as
    /// `mtvt check` resolves it.
    pub fn resolve(&self, reference: &str, kind: DefKind) -> Option<Definition> {
        let span = Span::new(FileId(0), 0, 0);
        let segments: Vec<ast::Ident> = reference
            .split('.')
            .map(|s| Spanned::new(ast::Name::new(s), span))
            .collect();
        let path = ast::Path { segments, span };
        let d = self.names.lookup(&self.program, 0, &path, kind).ok()?;
        self.definition(d)
    }

    /// Every name of `kind` a reference in the document may use (own names, imported
    /// ones unqualified and qualified), with its definition.
    pub fn visible(&self, kind: DefKind) -> Vec<(String, Definition)> {
        self.names
            .visible(&self.program, 0, kind)
            .into_iter()
            .filter_map(|(n, d)| Some((n, self.definition(d)?)))
            .collect()
    }

    /// The document's imports, in order.
    pub fn imports(&self) -> Vec<Module> {
        let Some(m) = self.program.modules.first() else {
            return Vec::new();
        };
        m.imports
            .iter()
            .filter_map(|imp| self.module(imp.target, imp))
            .collect()
    }

    fn items(&self, module: usize) -> &[Item] {
        self.program
            .modules
            .get(module)
            .and_then(|m| m.ast.as_ref())
            .map_or(&[], |a| a.items.as_slice())
    }

    fn module(&self, index: usize, imp: &crate::resolve::Import) -> Option<Module> {
        let m = self.program.modules.get(index)?;
        let file = self.program.sources.get(m.file)?;
        let use_decl = self.items(0).iter().find_map(|i| match i {
            Item::Use(u) if u.span == imp.span => Some(u),
            _ => None,
        })?;
        let defs = self
            .items(index)
            .iter()
            .filter_map(crate::resolve::item_name)
            .map(|(k, n)| (k, n.node.to_string()))
            .collect();
        Some(Module {
            written: imp.written.clone(),
            alias: imp.alias.clone(),
            origin: file.origin.clone(),
            text: file.text.clone(),
            target: use_decl.target.span,
            defs,
        })
    }

    fn definition(&self, d: DefRef) -> Option<Definition> {
        let item = self.items(d.module).get(d.item)?;
        let (kind, name) = crate::resolve::item_name(item)?;
        let module = match d.module {
            0 => None,
            i => {
                let imp = self
                    .program
                    .modules
                    .first()?
                    .imports
                    .iter()
                    .find(|imp| imp.target == i)?;
                Some(self.module(i, imp)?)
            }
        };
        Some(Definition {
            kind,
            name: name.node.to_string(),
            summary: summary(item),
            span: name.span,
            module,
        })
    }
}

/// A check's description, or `all of `a`, `b`` for a composite check.
fn summary(item: &Item) -> Option<String> {
    let Item::Check(c) = item else { return None };
    match &c.body {
        CheckDef::Body(_) => c.description.as_ref().map(|d| d.node.clone()),
        CheckDef::Composite(parts) => {
            let names: Vec<String> = parts.iter().map(|p| format!("`{}`", p.dotted())).collect();
            (!names.is_empty()).then(|| format!("all of {}", names.join(", ")))
        }
    }
}

impl Module {
    /// The module's file on disk, when it is one.
    pub fn path(&self) -> Option<PathBuf> {
        match &self.origin {
            Origin::Disk(p) => Some(p.clone()),
            _ => None,
        }
    }

    /// The stdlib module path (`std/checks`), when it is one.
    pub fn stdlib(&self) -> Option<&str> {
        match &self.origin {
            Origin::Stdlib(m) => Some(m),
            _ => None,
        }
    }
}
