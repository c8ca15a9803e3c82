//! Loading and resolution: finds the `.mtvt` files to check, parses them, follows `use`
//! (stdlib modules and relative files), reports unresolved imports and import cycles, and
//! resolves references to checks, hooks and fragments across modules. It does not check
//! what the definitions contain (that is `check`).

mod cycles;
mod files;
mod imports;
mod names;
mod parallel;
pub mod stdlib;
mod unknown;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::diag::{DiagnosticKind, Sink};
use crate::source::{Origin, SourceFile, SourceMap};
use crate::span::{FileId, Span};
use crate::syntax::{self, ast};
use cycles::report_cycles;
use files::{collect_dir, disk_file, read_source};

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
    /// A folder given on the command line holds no `.mtvt` file.
    #[error("{path}: no .mtvt files in this folder (or its subfolders)")]
    NoFiles {
        /// The path as given.
        path: String,
    },
    /// A path given on the command line does not exist.
    #[error("{path}: no such file or directory")]
    NotFound {
        /// The path as given.
        path: String,
    },
}

/// Where a file's text stops being UTF-8: byte offset and value.
type InvalidAt = Option<(usize, u8)>;

/// How a module entered the check run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModuleKind {
    /// Named on the command line (directly or inside a directory).
    Root,
    /// Reached only through `use "…"`.
    Imported,
    /// A stdlib module.
    Stdlib,
    /// The `--set` overrides of session keys (one synthetic `session` block).
    Overrides,
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
                let before = files.len();
                collect_dir(p, &mut files)?;
                if files.len() == before {
                    return Err(LoadError::NoFiles {
                        path: p.display().to_string(),
                    });
                }
            } else {
                files.push(p.clone());
            }
        }
        // Read and deduplicate in order (file ids follow it), then parse all at once.
        let mut pending: Vec<(String, SourceFile, InvalidAt)> = Vec::new();
        let mut keys: HashSet<String> = HashSet::new();
        for f in files {
            let read = read_source(&f).map_err(|error| LoadError::Io {
                path: f.display().to_string(),
                error,
            })?;
            let (key, file) = disk_file(&f, read.text);
            if !self.by_key.contains_key(&key) && keys.insert(key.clone()) {
                pending.push((key, file, read.invalid_at));
            }
        }
        let texts: Vec<&str> = pending.iter().map(|(_, f, _)| &*f.text).collect();
        let parsed = parallel::parse_all(self.sources.len(), &texts, threads);
        for ((key, file, invalid), (ast, diags)) in pending.into_iter().zip(parsed) {
            let idx = self.push_module(key, file, ast, diags, ModuleKind::Root);
            self.report_invalid_utf8(idx, invalid);
        }
        Ok(())
    }

    /// The diagnostic for a file whose text is not UTF-8 from byte `at` on.
    fn report_invalid_utf8(&mut self, module: usize, invalid: InvalidAt) {
        let (Some((at, byte)), Some(m)) = (invalid, self.modules.get(module)) else {
            return;
        };
        let file = m.file;
        self.sink.push(DiagnosticKind::SyntaxError {
            span: Span::new(file, at, at + '\u{FFFD}'.len_utf8()),
            expected: format!("the file is not UTF-8 here (byte 0x{byte:02X})"),
            help: Some(String::from(
                "save the file as UTF-8; the rest of it was checked with this byte replaced",
            )),
        });
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

    /// Adds the `--set` overrides as a synthetic file (see `check::overrides`).
    pub fn add_overrides(&mut self, text: &str) -> usize {
        let name = crate::check::overrides::OVERRIDES_FILE;
        self.add_module(
            format!("mem:{name}"),
            SourceFile::new(name, text, Origin::Memory),
            ModuleKind::Overrides,
        )
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
}
