//! Loading and resolution: finds the `.mtvt` files to check, parses them, follows `use`
//! (stdlib modules and relative files), reports unresolved imports and import cycles, and
//! resolves references to checks, hooks and fragments across modules. It does not check
//! what the definitions contain (that is `check`).

mod names;
mod parallel;
pub mod stdlib;

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use crate::diag::{DiagnosticKind, Sink, suggest};
use crate::source::{Origin, SourceFile, SourceMap};
use crate::span::{FileId, Span};
use crate::syntax::{self, ast};

pub use names::{DefKind, DefRef, Names, item_name};
pub use stdlib::Stdlib;

/// Errors reading the files the user asked for (exit code 2, not diagnostics).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A path given on the command line cannot be read.
    #[error("cannot read {path}: {error}")]
    Io {
        /// The path as given.
        path: String,
        /// The OS error.
        error: String,
    },
    /// A path given on the command line does not exist.
    #[error("{path}: no such file or directory")]
    NotFound {
        /// The path as given.
        path: String,
    },
}

/// How a module entered the check run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleKind {
    /// Named on the command line (directly or inside a directory).
    Root,
    /// Reached only through `use "…"`.
    Imported,
    /// A stdlib module.
    Stdlib,
}

/// An import edge.
#[derive(Debug, Clone)]
pub struct Import {
    /// The imported module.
    pub target: usize,
    /// The name used to qualify references (`checks`, `hooks`, or `as NAME`).
    pub alias: String,
    /// The `use` declaration.
    pub span: Span,
    /// The target as written (`std/checks`, `"./shared.mtvt"`).
    pub written: String,
}

/// One loaded file.
#[derive(Debug, Clone)]
pub struct Module {
    /// Its file.
    pub file: FileId,
    /// Its AST; `None` after a syntax error.
    pub ast: Option<ast::File>,
    /// Root, imported or stdlib.
    pub kind: ModuleKind,
    /// Resolved imports.
    pub imports: Vec<Import>,
    /// A stdlib module (embedded, or a file of the stdlib directory even when it was
    /// also named as a root): exempt from unused-definition warnings.
    pub is_stdlib: bool,
}

/// All modules of a check run.
#[derive(Debug, Clone)]
pub struct Program {
    /// Source texts.
    pub sources: SourceMap,
    /// Modules in load order (roots first, in path order).
    pub modules: Vec<Module>,
    /// Number of root files.
    pub root_files: usize,
}

/// Loads files and follows imports.
pub struct Loader<'s> {
    stdlib: Stdlib,
    sources: SourceMap,
    modules: Vec<Module>,
    by_key: HashMap<String, usize>,
    sink: &'s mut Sink,
    overlay: Overlay,
}

/// Texts that take precedence over files on disk for relative `use` imports (an editor's
/// unsaved documents), keyed by absolute path.
pub type Overlay = HashMap<PathBuf, std::sync::Arc<str>>;

impl<'s> Loader<'s> {
    /// A loader using `stdlib`.
    pub fn new(stdlib: Stdlib, sink: &'s mut Sink) -> Self {
        Loader {
            stdlib,
            sources: SourceMap::new(),
            modules: Vec::new(),
            by_key: HashMap::new(),
            sink,
            overlay: Overlay::new(),
        }
    }

    /// Reads imported files from `overlay` when it holds their path.
    pub fn with_overlay(mut self, overlay: Overlay) -> Self {
        self.overlay = overlay;
        self
    }

    /// Adds every `.mtvt` file under `paths` (files or directories, recursively, sorted),
    /// parsing them on every core (see [`parallel`]).
    pub fn add_paths(&mut self, paths: &[PathBuf]) -> Result<(), LoadError> {
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        self.add_paths_on(paths, threads)
    }

    /// [`Loader::add_paths`] on at most `threads` parsing threads.
    pub fn add_paths_on(&mut self, paths: &[PathBuf], threads: usize) -> Result<(), LoadError> {
        let mut files = Vec::new();
        for p in paths {
            if !p.exists() {
                return Err(LoadError::NotFound {
                    path: p.display().to_string(),
                });
            }
            if p.is_dir() {
                collect_dir(p, &mut files)?;
            } else {
                files.push(p.clone());
            }
        }
        // Read and deduplicate in order (file ids follow it), then parse all at once.
        let mut pending: Vec<(String, SourceFile)> = Vec::new();
        let mut keys: HashSet<String> = HashSet::new();
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(|e| LoadError::Io {
                path: f.display().to_string(),
                error: e.to_string(),
            })?;
            let (key, file) = disk_file(&f, text);
            if !self.by_key.contains_key(&key) && keys.insert(key.clone()) {
                pending.push((key, file));
            }
        }
        let texts: Vec<&str> = pending.iter().map(|(_, f)| &*f.text).collect();
        let parsed = parallel::parse_all(self.sources.len(), &texts, threads);
        for ((key, file), (ast, diags)) in pending.into_iter().zip(parsed) {
            self.push_module(key, file, ast, diags, ModuleKind::Root);
        }
        Ok(())
    }

    /// Adds an in-memory root file.
    pub fn add_text(&mut self, name: &str, text: &str, dir: Option<&Path>) -> usize {
        let origin = match dir {
            Some(d) => Origin::Disk(d.join(name)),
            None => Origin::Memory,
        };
        let key = format!("mem:{name}");
        self.add_module(key, SourceFile::new(name, text, origin), ModuleKind::Root)
    }

    /// Adds an in-memory root file already parsed (by a tool, as file id 0 when it is the
    /// first file added): `ast` may be the partial AST of a text with syntax errors, whose
    /// `use` lines and definitions are then resolved like any others.
    pub fn add_parsed(
        &mut self,
        name: &str,
        text: &str,
        dir: Option<&Path>,
        ast: ast::File,
    ) -> usize {
        let origin = match dir {
            Some(d) => Origin::Disk(d.join(name)),
            None => Origin::Memory,
        };
        let file = SourceFile::new(name, text, origin);
        self.push_module(
            format!("mem:{name}"),
            file,
            Some(ast),
            Vec::new(),
            ModuleKind::Root,
        )
    }

    fn add_disk(&mut self, path: &Path, text: String, kind: ModuleKind) -> usize {
        let (key, file) = disk_file(path, text);
        if let Some(i) = self.by_key.get(&key) {
            return *i;
        }
        self.add_module(key, file, kind)
    }

    fn add_module(&mut self, key: String, file: SourceFile, kind: ModuleKind) -> usize {
        let (ast, diags) = syntax::parse(
            FileId(u32::try_from(self.sources.len()).unwrap_or(u32::MAX)),
            &file.text,
        );
        self.push_module(key, file, ast, diags, kind)
    }

    /// Adds a parsed file as the next module (its file id is the next one).
    fn push_module(
        &mut self,
        key: String,
        file: SourceFile,
        ast: Option<ast::File>,
        diags: Vec<DiagnosticKind>,
        kind: ModuleKind,
    ) -> usize {
        let id = self.sources.add(file);
        for d in diags {
            self.sink.push(d);
        }
        let idx = self.modules.len();
        self.modules.push(Module {
            file: id,
            ast,
            kind,
            imports: Vec::new(),
            is_stdlib: kind == ModuleKind::Stdlib,
        });
        self.by_key.insert(key, idx);
        idx
    }

    /// Loads a stdlib module even if nothing imports it (the predefined hook playbooks
    /// behind `result succeed|fail` live in `std/hooks`). Errors are ignored here; they
    /// surface when the module is actually imported.
    pub fn preload_std(&mut self, module: &str) {
        let key = format!("std:{module}");
        if self.by_key.contains_key(&key) {
            return;
        }
        if self.stdlib.load(module).is_ok() {
            let _ = self.load_std(module, Span::new(FileId(0), 0, 0));
        }
    }

    /// Follows every `use` transitively, then reports import cycles.
    pub fn finish(mut self) -> Program {
        let root_files = self
            .modules
            .iter()
            .filter(|m| m.kind == ModuleKind::Root)
            .count();
        let mut i = 0;
        while i < self.modules.len() {
            self.resolve_imports(i);
            i += 1;
        }
        let program = Program {
            sources: self.sources,
            modules: self.modules,
            root_files,
        };
        report_cycles(&program, self.sink);
        program
    }

    fn resolve_imports(&mut self, idx: usize) {
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
                Some(a) => a.node.clone(),
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

    fn load_std(&mut self, module: &str, span: Span) -> Option<usize> {
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
            Some(text) => Ok(text.to_string()),
            None => std::fs::read_to_string(&path),
        };
        match read {
            Ok(text) => Some(self.add_disk(&path, text, ModuleKind::Imported)),
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
                    reason: if e.kind() == std::io::ErrorKind::NotFound {
                        String::from("no such file")
                    } else {
                        e.to_string()
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

/// The loader key and source file of a file on disk.
fn disk_file(path: &Path, text: String) -> (String, SourceFile) {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let key = format!("disk:{}", canonical.display());
    let file = SourceFile::new(display_name(path), text, Origin::Disk(canonical));
    (key, file)
}

fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let rd = std::fs::read_dir(dir).map_err(|e| LoadError::Io {
        path: dir.display().to_string(),
        error: e.to_string(),
    })?;
    let mut entries: Vec<PathBuf> = rd.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            collect_dir(&p, out)?;
        } else if p.extension().is_some_and(|e| e == "mtvt") {
            out.push(p);
        }
    }
    Ok(())
}

/// Lexically removes `.` and `a/..` components.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            c => out.push(c.as_os_str()),
        }
    }
    out
}

/// A path as shown to people: relative to the working directory when possible.
fn display_name(p: &Path) -> String {
    let p = normalize(p);
    if let Ok(cwd) = std::env::current_dir()
        && let Ok(rel) = p.strip_prefix(&cwd)
    {
        return rel.display().to_string();
    }
    p.display().to_string()
}

fn report_cycles(program: &Program, sink: &mut Sink) {
    // 0 = unvisited, 1 = on stack, 2 = done.
    let mut state = vec![0u8; program.modules.len()];
    let mut stack: Vec<usize> = Vec::new();
    for start in 0..program.modules.len() {
        visit(program, start, &mut state, &mut stack, sink);
    }
}

fn visit(program: &Program, m: usize, state: &mut [u8], stack: &mut Vec<usize>, sink: &mut Sink) {
    if state.get(m).copied() != Some(0) {
        return;
    }
    if let Some(s) = state.get_mut(m) {
        *s = 1;
    }
    stack.push(m);
    if let Some(module) = program.modules.get(m) {
        for imp in &module.imports {
            match state.get(imp.target).copied() {
                Some(1) => {
                    let pos = stack.iter().position(|x| *x == imp.target).unwrap_or(0);
                    let mut names: Vec<String> = stack
                        .get(pos..)
                        .unwrap_or(&[])
                        .iter()
                        .map(|i| module_name(program, *i))
                        .collect();
                    names.push(module_name(program, imp.target));
                    sink.push(DiagnosticKind::ImportCycle {
                        span: imp.span,
                        cycle: names.join(" → "),
                    });
                }
                Some(0) => visit(program, imp.target, state, stack, sink),
                _ => {}
            }
        }
    }
    stack.pop();
    if let Some(s) = state.get_mut(m) {
        *s = 2;
    }
}

fn module_name(program: &Program, m: usize) -> String {
    program
        .modules
        .get(m)
        .and_then(|md| program.sources.get(md.file))
        .map(|f| f.name.clone())
        .unwrap_or_default()
}
