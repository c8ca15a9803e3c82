//! Name tables: which checks, hooks, fragments and scenarios each module defines, and
//! resolution of (possibly qualified) references against a module and its imports, with
//! "did you mean" / "add `use std/…`" help. Tracks what was used for unused warnings
//! (one flag per item and per `use`, set from any thread: the scenario pass runs on
//! several).

use std::sync::atomic::{AtomicBool, Ordering};

use super::{Program, Stdlib};
use crate::diag::{DiagnosticKind, Sink};
use crate::span::FileId;
use crate::syntax::{self, ast};

/// Kinds of named definitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DefKind {
    /// `check NAME …`
    Check,
    /// `hook NAME { … }`
    Hook,
    /// `fragment NAME { … }`
    Fragment,
    /// `scenario NAME { … }`
    Scenario,
}

impl DefKind {
    /// The word used in messages.
    pub fn word(self) -> &'static str {
        match self {
            DefKind::Check => "check",
            DefKind::Hook => "hook",
            DefKind::Fragment => "fragment",
            DefKind::Scenario => "scenario",
        }
    }
}

/// A resolved definition: module index and item index in that module's AST.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DefRef {
    /// Module index.
    pub module: usize,
    /// Item index in the module's `items`.
    pub item: usize,
    /// What it is.
    pub kind: DefKind,
}

/// Definition tables of all modules.
pub struct Names {
    /// Per module: its definitions.
    defs: Vec<ModuleDefs>,
    pub(super) stdlib_index: Vec<(String, DefKind, String)>,
    /// Per module, per item: the item was referenced.
    used_items: Vec<Vec<AtomicBool>>,
    /// Per module, per import: the `use` was needed.
    pub(super) used_imports: Vec<Vec<AtomicBool>>,
}

/// One module's definitions: per kind, name → item index (looked up by `&str` without
/// allocating; hashed with foldhash: every check, hook and fragment reference of every
/// scenario is a lookup, and SipHash made a lookup cost ~1,000 instructions).
#[derive(Default)]
struct ModuleDefs {
    checks: foldhash::HashMap<ast::Name, usize>,
    hooks: foldhash::HashMap<ast::Name, usize>,
    fragments: foldhash::HashMap<ast::Name, usize>,
    scenarios: foldhash::HashMap<ast::Name, usize>,
}

impl ModuleDefs {
    fn of(&self, kind: DefKind) -> &foldhash::HashMap<ast::Name, usize> {
        match kind {
            DefKind::Check => &self.checks,
            DefKind::Hook => &self.hooks,
            DefKind::Fragment => &self.fragments,
            DefKind::Scenario => &self.scenarios,
        }
    }

    fn of_mut(&mut self, kind: DefKind) -> &mut foldhash::HashMap<ast::Name, usize> {
        match kind {
            DefKind::Check => &mut self.checks,
            DefKind::Hook => &mut self.hooks,
            DefKind::Fragment => &mut self.fragments,
            DefKind::Scenario => &mut self.scenarios,
        }
    }
}

/// `n` flags, all unset.
fn flags(n: usize) -> Vec<AtomicBool> {
    (0..n).map(|_| AtomicBool::new(false)).collect()
}

/// Sets a flag (plain loads and stores: flags only go from unset to set, and they are
/// read after the threads that set them were joined). A set flag is only read, so the
/// threads of the scenario pass keep sharing its cache line instead of taking it from
/// each other on every lookup.
pub(super) fn set(flags: &[Vec<AtomicBool>], outer: usize, inner: usize) {
    if let Some(f) = flags.get(outer).and_then(|v| v.get(inner))
        && !f.load(Ordering::Relaxed)
    {
        f.store(true, Ordering::Relaxed);
    }
}

fn is_set(flags: &[Vec<AtomicBool>], outer: usize, inner: usize) -> bool {
    flags
        .get(outer)
        .and_then(|v| v.get(inner))
        .is_some_and(|f| f.load(Ordering::Relaxed))
}

/// The name and span of a definition item.
pub fn item_name(item: &ast::Item) -> Option<(DefKind, &ast::Ident)> {
    match item {
        ast::Item::Check(c) => Some((DefKind::Check, &c.name)),
        ast::Item::Hook(h) => Some((DefKind::Hook, &h.name)),
        ast::Item::Fragment(f) => Some((DefKind::Fragment, &f.name)),
        ast::Item::Scenario(s) => Some((DefKind::Scenario, &s.name)),
        _ => None,
    }
}

impl Names {
    /// Builds the tables, reporting duplicate definitions inside a module.
    pub fn build(program: &Program, stdlib: &Stdlib, sink: &mut Sink) -> Names {
        let mut defs = Vec::with_capacity(program.modules.len());
        for m in &program.modules {
            let mut table = ModuleDefs::default();
            if let Some(ast) = &m.ast {
                for (i, item) in ast.items.iter().enumerate() {
                    let Some((kind, name)) = item_name(item) else {
                        continue;
                    };
                    // Scenario names are unique across files; checked by the scenario pass.
                    if kind == DefKind::Scenario {
                        table.of_mut(kind).entry(name.node.clone()).or_insert(i);
                        continue;
                    }
                    let first = table
                        .of(kind)
                        .get(name.node.as_str())
                        .and_then(|j| ast.items.get(*j))
                        .and_then(item_name);
                    if let Some((_, first)) = first {
                        let (file, line, col) = program.sources.locate(first.span);
                        sink.push(DiagnosticKind::DuplicateDefinition {
                            span: name.span,
                            what: kind.word(),
                            name: name.node.as_str().to_owned(),
                            help: Some(format!(
                                "first defined at {file}:{line}:{col}; rename one of them"
                            )),
                        });
                        continue;
                    }
                    table.of_mut(kind).insert(name.node.clone(), i);
                }
            }
            defs.push(table);
        }
        Names {
            defs,
            stdlib_index: stdlib_index(stdlib),
            used_items: program
                .modules
                .iter()
                .map(|m| flags(m.ast.as_ref().map_or(0, |a| a.items.len())))
                .collect(),
            used_imports: program
                .modules
                .iter()
                .map(|m| flags(m.imports.len()))
                .collect(),
        }
    }

    /// Looks a definition up in one module only.
    pub fn local(&self, module: usize, kind: DefKind, name: &str) -> Option<DefRef> {
        let item = *self.defs.get(module)?.of(kind).get(name)?;
        Some(DefRef { module, item, kind })
    }

    /// Resolves `name` or `alias.name` from `from`. Marks what it used.
    pub fn lookup(
        &self,
        program: &Program,
        from: usize,
        path: &ast::Path,
        kind: DefKind,
    ) -> Result<DefRef, DiagnosticKind> {
        let imports = program
            .modules
            .get(from)
            .map(|m| m.imports.as_slice())
            .unwrap_or(&[]);
        let found = match path.segments.as_slice() {
            [name] => {
                let name = name.node.as_str();
                let hit = |(i, imp): (usize, &super::Import)| {
                    self.local(imp.target, kind, name).map(|d| (i, d))
                };
                if let Some(d) = self.local(from, kind, name) {
                    Some(d)
                } else {
                    // Look at two hits at most before building a list (one is the rule).
                    let mut hits = imports.iter().enumerate().filter_map(hit);
                    match (hits.next(), hits.next()) {
                        (None, _) => None,
                        (Some((i, d)), None) => {
                            set(&self.used_imports, from, i);
                            Some(d)
                        }
                        (Some(first), Some(second)) => {
                            let many: Vec<(usize, DefRef)> =
                                [first, second].into_iter().chain(hits).collect();
                            let quals: Vec<String> = many
                                .iter()
                                .filter_map(|(i, _)| {
                                    imports.get(*i).map(|imp| format!("`{}.{name}`", imp.alias))
                                })
                                .collect();
                            // Every candidate counts as used: the ambiguity is the error.
                            for (i, d) in many {
                                set(&self.used_imports, from, i);
                                self.mark_used(d);
                            }
                            return Err(DiagnosticKind::AmbiguousName {
                                span: path.span,
                                name: name.to_string(),
                                help: Some(format!("qualify it: {}", quals.join(" or "))),
                            });
                        }
                    }
                }
            }
            [alias, name] => imports
                .iter()
                .enumerate()
                .find(|(_, imp)| imp.alias == alias.node)
                .and_then(|(i, imp)| {
                    let d = self.local(imp.target, kind, &name.node)?;
                    set(&self.used_imports, from, i);
                    Some(d)
                }),
            _ => None,
        };
        match found {
            Some(d) => {
                self.mark_used(d);
                Ok(d)
            }
            None => Err(self.unknown(program, from, path, kind)),
        }
    }

    /// Every name of `kind` a reference in module `from` may use, with what it resolves
    /// to: the module's own names, then each import's, unqualified and qualified with the
    /// import's alias (an ambiguous unqualified name appears once per import).
    pub fn visible(&self, program: &Program, from: usize, kind: DefKind) -> Vec<(String, DefRef)> {
        let mut out: Vec<(String, DefRef)> = self
            .names_in(from, kind)
            .into_iter()
            .filter_map(|n| Some((n.clone(), self.local(from, kind, &n)?)))
            .collect();
        for imp in program.modules.get(from).map_or(&[][..], |m| &m.imports) {
            for n in self.names_in(imp.target, kind) {
                if let Some(d) = self.local(imp.target, kind, &n) {
                    out.push((format!("{}.{n}", imp.alias), d));
                    out.push((n, d));
                }
            }
        }
        out
    }

    pub(super) fn names_in(&self, module: usize, kind: DefKind) -> Vec<String> {
        let mut v: Vec<String> = self
            .defs
            .get(module)
            .map(|t| t.of(kind).keys().map(ToString::to_string).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Marks a definition as used (e.g. a hook resolved through `result fail`).
    pub fn mark_used(&self, d: DefRef) {
        set(&self.used_items, d.module, d.item);
    }

    /// Reports unused `use` lines and unused definitions of non-stdlib modules.
    pub fn report_unused(&self, program: &Program, sink: &mut Sink) {
        for (mi, m) in program.modules.iter().enumerate() {
            if m.is_stdlib {
                continue;
            }
            for (ii, imp) in m.imports.iter().enumerate() {
                if !is_set(&self.used_imports, mi, ii) {
                    let target = imp.written.clone();
                    sink.push(DiagnosticKind::UnusedUse {
                        span: imp.span,
                        target,
                    });
                }
            }
            let Some(ast) = &m.ast else { continue };
            for (i, item) in ast.items.iter().enumerate() {
                let Some((kind, name)) = item_name(item) else {
                    continue;
                };
                if kind == DefKind::Scenario {
                    continue;
                }
                let this = DefRef {
                    module: mi,
                    item: i,
                    kind,
                };
                // Duplicates (reported as E0306) are not in the table: skip them.
                if self.local(mi, kind, &name.node) == Some(this)
                    && !is_set(&self.used_items, mi, i)
                {
                    sink.push(DiagnosticKind::UnusedDefinition {
                        span: name.span,
                        what: kind.word(),
                        name: name.node.as_str().to_owned(),
                    });
                }
            }
        }
    }
}

/// (module path, kind, name) of every stdlib definition, for "add `use std/…`" hints.
/// The embedded stdlib's index is computed once per process.
fn stdlib_index(stdlib: &Stdlib) -> Vec<(String, DefKind, String)> {
    static EMBEDDED: std::sync::OnceLock<Vec<(String, DefKind, String)>> =
        std::sync::OnceLock::new();
    if stdlib.dir().is_none() {
        return EMBEDDED.get_or_init(|| build_index(stdlib)).clone();
    }
    build_index(stdlib)
}

fn build_index(stdlib: &Stdlib) -> Vec<(String, DefKind, String)> {
    let mut out = Vec::new();
    for module in stdlib.available() {
        let Ok((_, text)) = stdlib.load(&module) else {
            continue;
        };
        let (Some(ast), _) = syntax::parse(FileId(u32::MAX), &text) else {
            continue;
        };
        for item in &ast.items {
            if let Some((kind, name)) = item_name(item) {
                out.push((module.clone(), kind, name.node.as_str().to_owned()));
            }
        }
    }
    out
}
