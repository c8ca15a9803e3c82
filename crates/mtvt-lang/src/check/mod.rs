//! The checker: runs every rule of `mtvt check` over loaded modules and produces the
//! checked IR plus every diagnostic, sorted. One concern per file: `blocks`/`values`/
//! `maps` (keys and value types), `session`, `layer`/`vm`/`requires`/`expect`/`merge`
//! (scenario bodies, fragments, defaults), `scenarios` (extends chains, matrix variants),
//! `exprs`/`type_rules` (check bodies), `hooks`, and the whole-scenario rules behind
//! `semantic`: `outcomes`, `providers`, `k8s_names`, `templates`, `affinity`; `parallel`
//! runs the per-scenario step on every core and `memo` holds what its threads share. This
//! module only orchestrates; it never returns early.

mod affinity;
mod affinity_rules;
mod blocks;
mod certain_skip;
mod expect;
pub(crate) mod exprs;
mod forklift;
mod hooks;
mod k8s_names;
mod keyed;
mod layer;
mod maps;
mod memo;
mod merge;
mod outcomes;
pub mod overrides;
mod providers;
mod requires;
mod scenarios;
mod semantic;
mod session;
pub(crate) mod spans;
mod symbols;
mod templates;
mod then;
mod thread_env;
mod type_rules;
mod values;
mod vm;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diag::{Diagnostic, DiagnosticKind, Severity, Sink};
use crate::ir::{CheckIr, ProgramIr, SessionIr};
use crate::resolve::{DefKind, DefRef, LoadError, Loader, Names, Program, Stdlib};
use crate::schema::enums::HookResult;
use crate::source::{Origin, SourceMap};
use crate::syntax::ast::{CheckDef, Item};
use memo::SharedSet;

pub use crate::facts::{CopyOffloadFacts, ProviderFacts};
pub use hooks::{DEFAULT_HOOK_IMAGE, PlaybookProblem, playbook_problem};
use spans::Spans;
use values::ValueCtx;

/// Deepest chain of `extends` or nested composite checks (keeps recursion bounded).
pub(super) const MAX_CHAIN: usize = 64;

/// Options of a check run.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The selected provider profiles (`--provider`, in preference order): each scenario
    /// is checked against the first one its `requires` accept (see `facts::choose`).
    pub profiles: Vec<ProviderFacts>,
    /// Accept warm migration from oVirt (Forklift feature gate).
    pub allow_ovirt_warm: bool,
    /// Where stdlib modules come from.
    pub stdlib: Stdlib,
}

/// Everything a check run produced.
#[derive(Debug)]
pub struct CheckResult {
    /// The checked program (scenarios with errors are left out).
    pub program: ProgramIr,
    /// Every diagnostic, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The source texts (for rendering diagnostics).
    pub sources: SourceMap,
    /// Number of files named by the user (directly or via directories).
    pub root_files: usize,
    /// Number of scenario variants checked (including those with errors).
    pub scenarios_checked: usize,
}

impl CheckResult {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity() == Severity::Warning)
            .count()
    }
}

/// Checks every `.mtvt` file under `paths` (files or directories). The files are parsed,
/// and their scenarios checked, on every core.
pub fn check_paths(paths: &[PathBuf], opts: &CheckOptions) -> Result<CheckResult, LoadError> {
    check_paths_on(paths, opts, all_cores())
}

/// [`check_paths`] parsing files and checking scenarios on at most `threads` threads
/// (`1`: everything on the calling thread). The result does not depend on `threads`.
pub fn check_paths_on(
    paths: &[PathBuf],
    opts: &CheckOptions,
    threads: usize,
) -> Result<CheckResult, LoadError> {
    let mut sink = Sink::new();
    let mut loader = Loader::new(opts.stdlib.clone(), &mut sink);
    loader.add_paths_on(paths, threads)?;
    loader.preload_std("std/hooks");
    let program = loader.finish();
    Ok(check_program(program, sink, opts, threads))
}

/// [`check_paths`] with per-run overrides of `session` keys (`--set KEY=VALUE`), checked
/// and merged over the files' `session` block (see [`overrides`]).
pub fn check_paths_with_overrides(
    paths: &[PathBuf],
    opts: &CheckOptions,
    session_overrides: &[overrides::SessionOverride],
) -> Result<CheckResult, LoadError> {
    let mut sink = Sink::new();
    let mut loader = Loader::new(opts.stdlib.clone(), &mut sink);
    loader.add_paths_on(paths, all_cores())?;
    if !session_overrides.is_empty() {
        loader.add_overrides(&overrides::overrides_text(session_overrides));
    }
    loader.preload_std("std/hooks");
    let program = loader.finish();
    Ok(check_program(program, sink, opts, all_cores()))
}

/// Checks one in-memory file. `dir` resolves relative `use` and `playbook_file` paths.
pub fn check_text(
    name: &str,
    text: &str,
    dir: Option<&std::path::Path>,
    opts: &CheckOptions,
) -> CheckResult {
    let mut sink = Sink::new();
    let mut loader = Loader::new(opts.stdlib.clone(), &mut sink);
    loader.add_text(name, text, dir);
    loader.preload_std("std/hooks");
    let program = loader.finish();
    check_program(program, sink, opts, all_cores())
}

/// [`check_text`] for an editor: relative imports are read from `overlay` (open
/// documents, by absolute path) before the disk.
pub fn check_text_with_overlay(
    name: &str,
    text: &str,
    dir: Option<&std::path::Path>,
    opts: &CheckOptions,
    overlay: crate::resolve::Overlay,
) -> CheckResult {
    let mut sink = Sink::new();
    let mut loader = Loader::new(opts.stdlib.clone(), &mut sink).with_overlay(overlay);
    loader.add_text(name, text, dir);
    loader.preload_std("std/hooks");
    let program = loader.finish();
    check_program(program, sink, opts, all_cores())
}

/// Shared, read-only state of the scenario pass.
pub struct Env<'a> {
    pub(crate) program: &'a Program,
    pub(crate) names: &'a Names,
    pub(crate) spans: Spans<'a>,
    /// Hook definitions (looked up per `hook … = NAME`; foldhash: see `resolve::names`).
    pub(crate) hook_defs: foldhash::HashMap<DefRef, Option<hooks::HookDef>>,
    pub(crate) predefined: HashMap<HookResult, Arc<str>>,
    /// Each check definition's leaf checks (looked up per requested check).
    pub(crate) checks: foldhash::HashMap<DefRef, Vec<Arc<CheckIr>>>,
    pub(crate) session: SessionIr,
    pub(crate) opts: &'a CheckOptions,
    /// PVC name templates already validated clean, per provider type.
    pub(crate) valid_templates: SharedSet<(String, Option<crate::schema::enums::ProviderKind>)>,
    /// Affinities (as JSON text) already validated clean.
    pub(crate) valid_affinities: SharedSet<String>,
    /// Declarations whose `extends` did not fully resolve (their merge is incomplete).
    pub(crate) broken_chains: SharedSet<(usize, String)>,
    /// Cycles already reported (what cycles, and its sorted (module, name) members), so
    /// each is reported once.
    pub(crate) cycles: SharedSet<(DefKind, Vec<(usize, String)>)>,
}

impl Env<'_> {
    /// True the first time a cycle of `kind` through these (module, name) members is seen
    /// (from any member: the same cycle found from another start is not reported again).
    fn first_report_of_cycle(&self, kind: DefKind, mut members: Vec<(usize, String)>) -> bool {
        members.sort();
        members.dedup();
        self.cycles.insert((kind, members))
    }
}

impl Env<'_> {
    /// Directory of a module's file (for relative paths).
    pub(crate) fn module_dir(&self, module: usize) -> Option<PathBuf> {
        let m = self.program.modules.get(module)?;
        self.program
            .sources
            .get(m.file)?
            .dir()
            .map(std::path::Path::to_path_buf)
    }

    fn module_alias(&self, module: usize) -> String {
        let Some(m) = self.program.modules.get(module) else {
            return String::new();
        };
        let Some(f) = self.program.sources.get(m.file) else {
            return String::new();
        };
        match &f.origin {
            Origin::Stdlib(p) => p.rsplit('/').next().unwrap_or(p).to_string(),
            _ => {
                let base = f.name.rsplit('/').next().unwrap_or(&f.name);
                base.strip_suffix(".mtvt").unwrap_or(base).to_string()
            }
        }
    }
}

pub(super) fn items(program: &Program, module: usize) -> &[Item] {
    program
        .modules
        .get(module)
        .and_then(|m| m.ast.as_ref())
        .map_or(&[], |a| a.items.as_slice())
}

/// The number of threads [`check_paths`] and [`check_text`] use: one per core.
fn all_cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// Runs every rule over a loaded program: the phase of `mtvt check` after parsing and
/// import resolution (`sink` holds what loading reported). Scenarios are checked on up to
/// `threads` threads (`1`: on the calling thread); the result does not depend on
/// `threads`.
///
/// ```
/// use mtvt_lang::check::check_program;
/// use mtvt_lang::diag::Sink;
/// use mtvt_lang::resolve::Loader;
/// use mtvt_lang::{CheckOptions, Stdlib};
///
/// let opts = CheckOptions { stdlib: Stdlib::new(None), ..CheckOptions::default() };
/// let mut sink = Sink::new();
/// let mut loader = Loader::new(opts.stdlib.clone(), &mut sink);
/// loader.add_text("a.mtvt", "use std/checks\nscenario a {\n  vm \"x\" {}\n  expect { migration succeeds; check standard }\n}\n", None);
/// loader.preload_std("std/hooks");
/// let program = loader.finish();
/// let result = check_program(program, sink, &opts, 2);
/// assert_eq!(result.program.scenarios.len(), 1, "{:?}", result.diagnostics);
/// ```
pub fn check_program(
    program: Program,
    mut sink: Sink,
    opts: &CheckOptions,
    threads: usize,
) -> CheckResult {
    let names = Names::build(&program, &opts.stdlib, &mut sink);
    let env = build_env(&program, &names, opts, &mut sink);
    scenarios::check_fragments(&env, &mut sink);
    let (scenarios, checked) = scenarios::check_scenarios(&env, &mut sink, threads);
    names.report_unused(&program, &mut sink);
    let session = env.session.clone();
    drop(env);
    drop(names);
    let Program {
        sources,
        modules,
        root_files,
    } = program;
    let items: Vec<Item> = modules
        .into_iter()
        .filter_map(|m| m.ast)
        .flat_map(|a| a.items)
        .collect();
    crate::threads::drop_spread(items, threads);
    CheckResult {
        program: ProgramIr { session, scenarios },
        diagnostics: sink.into_sorted(),
        sources,
        root_files,
        scenarios_checked: checked,
    }
}

/// The environment of the scenario pass: session settings, hook and check definitions.
fn build_env<'a>(
    program: &'a Program,
    names: &'a Names,
    opts: &'a CheckOptions,
    sink: &mut Sink,
) -> Env<'a> {
    let spans = Spans::new(&program.sources);
    let session = session::check_session(program, &spans, sink);
    let mut env = Env {
        program,
        names,
        spans,
        hook_defs: foldhash::HashMap::default(),
        predefined: HashMap::new(),
        checks: foldhash::HashMap::default(),
        session,
        opts,
        cycles: Default::default(),
        valid_templates: Default::default(),
        valid_affinities: Default::default(),
        broken_chains: Default::default(),
    };
    check_hook_defs(&mut env, sink);
    check_check_defs(&mut env, sink);
    env
}

/// Module indices with stdlib modules first (their hooks back `result succeed|fail`).
fn stdlib_first(program: &Program) -> Vec<usize> {
    let mut order: Vec<usize> = (0..program.modules.len()).collect();
    order.sort_by_key(|i| program.modules.get(*i).is_none_or(|m| !m.is_stdlib));
    order
}

fn check_hook_defs(env: &mut Env<'_>, sink: &mut Sink) {
    for mi in stdlib_first(env.program) {
        let dir = env.module_dir(mi);
        let is_std_hooks = env
            .program
            .modules
            .get(mi)
            .and_then(|m| env.program.sources.get(m.file))
            .is_some_and(|f| {
                f.origin == Origin::Stdlib(String::from("std/hooks")) || is_std_hooks_file(env, mi)
            });
        for (ii, item) in items(env.program, mi).iter().enumerate() {
            let Item::Hook(h) = item else { continue };
            let mut ctx = ValueCtx { sink };
            let def = hooks::check_hook_block(
                &h.body,
                h.name.span,
                &env.predefined,
                dir.as_deref(),
                &mut ctx,
            );
            if is_std_hooks && let (Some(d), Some(r)) = (&def, HookResult::parse(&h.name.node)) {
                env.predefined.insert(r, Arc::clone(&d.playbook_text));
            }
            env.hook_defs.insert(
                DefRef {
                    module: mi,
                    item: ii,
                    kind: DefKind::Hook,
                },
                def,
            );
        }
    }
}

/// Whether module `mi` is the stdlib directory's hooks.mtvt (with `MTVT_STDLIB`).
fn is_std_hooks_file(env: &Env<'_>, mi: usize) -> bool {
    let Some(m) = env.program.modules.get(mi) else {
        return false;
    };
    m.is_stdlib
        && env
            .program
            .sources
            .get(m.file)
            .is_some_and(|f| f.name.ends_with("hooks.mtvt"))
}

fn check_check_defs(env: &mut Env<'_>, sink: &mut Sink) {
    let mut bodies: HashMap<DefRef, Arc<CheckIr>> = HashMap::new();
    for mi in 0..env.program.modules.len() {
        let alias = env.module_alias(mi);
        for (ii, item) in items(env.program, mi).iter().enumerate() {
            let Item::Check(c) = item else { continue };
            if let CheckDef::Body(stmts) = &c.body {
                let mut checker = exprs::ExprChecker::new(sink, &env.spans);
                let body = checker.check_body(stmts);
                let ir = CheckIr {
                    name: c.name.node.as_str().to_owned(),
                    qualified: format!("{alias}.{}", c.name.node),
                    description: c.description.as_ref().map(|d| d.node.clone()),
                    body,
                    span: env.spans.ir(c.span),
                };
                bodies.insert(
                    DefRef {
                        module: mi,
                        item: ii,
                        kind: DefKind::Check,
                    },
                    Arc::new(ir),
                );
            }
        }
    }
    let mut flat: foldhash::HashMap<DefRef, Vec<Arc<CheckIr>>> = foldhash::HashMap::default();
    for mi in 0..env.program.modules.len() {
        for (ii, item) in items(env.program, mi).iter().enumerate() {
            if matches!(item, Item::Check(_)) {
                let d = DefRef {
                    module: mi,
                    item: ii,
                    kind: DefKind::Check,
                };
                let mut stack = Vec::new();
                let leaves = flatten(env, sink, d, &bodies, &mut stack);
                flat.insert(d, leaves);
            }
        }
    }
    env.checks = flat;
}

fn flatten(
    env: &Env<'_>,
    sink: &mut Sink,
    d: DefRef,
    bodies: &HashMap<DefRef, Arc<CheckIr>>,
    stack: &mut Vec<DefRef>,
) -> Vec<Arc<CheckIr>> {
    if let Some(b) = bodies.get(&d) {
        return vec![Arc::clone(b)];
    }
    let Some(Item::Check(c)) = items(env.program, d.module).get(d.item) else {
        return Vec::new();
    };
    let CheckDef::Composite(parts) = &c.body else {
        return Vec::new();
    };
    if stack.len() >= MAX_CHAIN {
        sink.push(DiagnosticKind::CheckCycle {
            span: c.name.span,
            cycle: format!("more than {MAX_CHAIN} nested composite checks"),
        });
        return Vec::new();
    }
    stack.push(d);
    let mut out: Vec<Arc<CheckIr>> = Vec::new();
    for p in parts {
        match env.names.lookup(env.program, d.module, p, DefKind::Check) {
            Ok(target) if stack.contains(&target) => {
                let pos = stack.iter().position(|s| *s == target).unwrap_or(0);
                let members: Vec<(usize, String)> = stack
                    .iter()
                    .skip(pos)
                    .filter_map(|s| Some((s.module, check_name(env, *s)?)))
                    .collect();
                let mut cycle: Vec<String> = members.iter().map(|(_, n)| n.clone()).collect();
                cycle.push(p.dotted());
                if !env.first_report_of_cycle(DefKind::Check, members) {
                    continue;
                }
                sink.push(DiagnosticKind::CheckCycle {
                    span: p.span,
                    cycle: cycle.join(" → "),
                });
            }
            Ok(target) => {
                for leaf in flatten(env, sink, target, bodies, stack) {
                    if !out.iter().any(|x| x.qualified == leaf.qualified) {
                        out.push(leaf);
                    }
                }
            }
            Err(e) => sink.push(e),
        }
    }
    stack.pop();
    out
}

fn check_name(env: &Env<'_>, d: DefRef) -> Option<String> {
    match items(env.program, d.module).get(d.item)? {
        Item::Check(c) => Some(c.name.node.as_str().to_owned()),
        _ => None,
    }
}
