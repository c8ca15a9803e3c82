//! The checker: runs every rule of `mtvt check` over loaded modules and produces the
//! checked IR plus every diagnostic, sorted. One concern per file: `blocks`/`values`
//! (keys and value types), `layer`/`merge` (scenario bodies, fragments, defaults),
//! `exprs` (check bodies), `hooks`, `outcomes`, `providers`, `k8s_names`, `templates`,
//! `affinity`. This module only orchestrates; it never returns early.

mod affinity;
mod blocks;
mod exprs;
mod hooks;
mod k8s_names;
mod layer;
mod merge;
mod outcomes;
mod providers;
mod spans;
mod templates;
mod values;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use crate::diag::{Diagnostic, DiagnosticKind, Severity, Sink};
use crate::expand::matrix::{self, Substituter};
use crate::ir::{CheckIr, ProgramIr, SessionIr};
use crate::resolve::{DefKind, DefRef, LoadError, Loader, ModuleKind, Names, Program, Stdlib};
use crate::schema::enums::HookResult;
use crate::schema::keys::BlockKind;
use crate::source::{Origin, SourceMap};
use crate::span::Span;
use crate::syntax::ast::{self, CheckDef, Item, ScenarioDecl};

pub use hooks::{DEFAULT_HOOK_IMAGE, PlaybookProblem, playbook_problem};
pub use providers::{CopyOffloadFacts, ProviderFacts};
use spans::Spans;
use values::{TypedValue, ValueCtx};

/// Deepest chain of `extends` or nested composite checks (keeps recursion bounded).
const MAX_CHAIN: usize = 64;

/// Options of a check run.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// The selected provider profile (`--provider`), enabling profile-aware rules.
    pub profile: Option<ProviderFacts>,
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

/// Checks every `.mtvt` file under `paths` (files or directories).
pub fn check_paths(paths: &[PathBuf], opts: &CheckOptions) -> Result<CheckResult, LoadError> {
    let mut sink = Sink::new();
    let mut loader = Loader::new(opts.stdlib.clone(), &mut sink);
    loader.add_paths(paths)?;
    loader.preload_std("std/hooks");
    let program = loader.finish();
    Ok(run(program, sink, opts))
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
    run(program, sink, opts)
}

/// Shared, read-only state of the scenario pass.
pub struct Env<'a> {
    pub(crate) program: &'a Program,
    pub(crate) names: &'a Names,
    pub(crate) spans: Spans<'a>,
    pub(crate) hook_defs: HashMap<DefRef, Option<hooks::HookDef>>,
    pub(crate) predefined: HashMap<HookResult, Arc<str>>,
    pub(crate) checks: HashMap<DefRef, Vec<Arc<CheckIr>>>,
    pub(crate) session: SessionIr,
    pub(crate) opts: &'a CheckOptions,
    /// PVC name templates already validated clean, per provider type.
    pub(crate) valid_templates: std::cell::RefCell<
        std::collections::HashSet<(String, Option<crate::schema::enums::ProviderKind>)>,
    >,
    /// Affinities (as JSON text) already validated clean.
    pub(crate) valid_affinities: std::cell::RefCell<std::collections::HashSet<String>>,
    /// Declarations whose `extends` did not fully resolve (their merge is incomplete).
    pub(crate) broken_chains: std::cell::RefCell<std::collections::HashSet<(usize, String)>>,
    /// Cycles already reported (sorted member names), so each is reported once.
    pub(crate) cycles: std::cell::RefCell<std::collections::HashSet<Vec<String>>>,
}

impl Env<'_> {
    /// True the first time a cycle with these members is seen.
    fn first_report_of_cycle(&self, members: &[String]) -> bool {
        let mut key: Vec<String> = members.to_vec();
        key.sort();
        key.dedup();
        self.cycles.borrow_mut().insert(key)
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

fn items(program: &Program, module: usize) -> &[Item] {
    program
        .modules
        .get(module)
        .and_then(|m| m.ast.as_ref())
        .map_or(&[], |a| a.items.as_slice())
}

fn run(program: Program, mut sink: Sink, opts: &CheckOptions) -> CheckResult {
    let names = Names::build(&program, &opts.stdlib, &mut sink);
    let spans = Spans::new(&program.sources);
    let session = check_session(&program, &spans, &mut sink);
    let mut env = Env {
        program: &program,
        names: &names,
        spans,
        hook_defs: HashMap::new(),
        predefined: HashMap::new(),
        checks: HashMap::new(),
        session,
        opts,
        cycles: Default::default(),
        valid_templates: Default::default(),
        valid_affinities: Default::default(),
        broken_chains: Default::default(),
    };
    check_hook_defs(&mut env, &mut sink);
    check_check_defs(&mut env, &mut sink);
    check_fragments(&env, &mut sink);
    let (scenarios, checked) = check_scenarios(&env, &mut sink);
    names.report_unused(&program, &mut sink);
    let session = env.session.clone();
    drop(env);
    let root_files = program.root_files;
    CheckResult {
        program: ProgramIr { session, scenarios },
        diagnostics: sink.into_sorted(),
        sources: program.sources,
        root_files,
        scenarios_checked: checked,
    }
}

fn check_session(program: &Program, spans: &Spans<'_>, sink: &mut Sink) -> SessionIr {
    let mut session = SessionIr::default();
    let mut first: Option<Span> = None;
    for (mi, m) in program.modules.iter().enumerate() {
        if m.kind == ModuleKind::Stdlib {
            continue;
        }
        for item in items(program, mi) {
            let Item::Session(decl) = item else { continue };
            if let Some(f) = first {
                let (file, line, col) = program.sources.locate(f);
                sink.push(DiagnosticKind::DuplicateSession {
                    span: decl.span,
                    help: Some(format!(
                        "the first one is at {file}:{line}:{col}; merge them"
                    )),
                });
                continue;
            }
            first = Some(decl.span);
            let mut ctx = ValueCtx { sink };
            let typed = blocks::validate_block(BlockKind::Session, &decl.body, &mut ctx);
            let text = |k: &str| match typed.get(k).map(|v| &v.node) {
                Some(TypedValue::Str(s)) => Some(s.clone()),
                _ => None,
            };
            let int = |k: &str| match typed.get(k).map(|v| &v.node) {
                Some(TypedValue::Int(n)) => Some(*n),
                _ => None,
            };
            let flag = |k: &str| match typed.get(k).map(|v| &v.node) {
                Some(TypedValue::Bool(b)) => Some(*b),
                _ => None,
            };
            let dur = |k: &str| match typed.get(k).map(|v| &v.node) {
                Some(TypedValue::Duration(d)) => Some(*d),
                _ => None,
            };
            if let Some(ns) = text("mtv_namespace")
                && let Some(v) = typed.get("mtv_namespace")
            {
                k8s_names::check_namespace(sink, &ns, v.span);
            }
            let d = SessionIr::default();
            session = SessionIr {
                mtv_namespace: text("mtv_namespace").map_or(d.mtv_namespace, |s| s.to_string()),
                target_namespace_prefix: text("target_namespace_prefix")
                    .map_or(d.target_namespace_prefix, |s| s.to_string()),
                storage_class: text("storage_class"),
                plan_wait_timeout: dur("plan_wait_timeout").unwrap_or(d.plan_wait_timeout),
                snapshots_interval: int("snapshots_interval").unwrap_or(d.snapshots_interval),
                mins_before_cutover: int("mins_before_cutover").unwrap_or(d.mins_before_cutover),
                insecure_verify_skip: flag("insecure_verify_skip")
                    .unwrap_or(d.insecure_verify_skip),
                source_provider_insecure_skip_verify: flag("source_provider_insecure_skip_verify")
                    .unwrap_or(d.source_provider_insecure_skip_verify),
                remote_ocp_cluster: text("remote_ocp_cluster")
                    .map_or(d.remote_ocp_cluster, |s| s.to_string()),
                guest_agent_timeout: dur("guest_agent_timeout").unwrap_or(d.guest_agent_timeout),
                span: Some(spans.ir(decl.span)),
            };
        }
    }
    session
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
                    name: c.name.node.clone(),
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
    let mut flat: HashMap<DefRef, Vec<Arc<CheckIr>>> = HashMap::new();
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
                let mut cycle: Vec<String> = stack
                    .iter()
                    .skip(pos)
                    .filter_map(|s| check_name(env, *s))
                    .collect();
                cycle.push(p.dotted());
                if !env.first_report_of_cycle(&cycle) {
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
        Item::Check(c) => Some(c.name.node.clone()),
        _ => None,
    }
}

/// The fragments a declaration extends (transitively, bases first) followed by itself.
fn chain<'p>(
    env: &Env<'p>,
    sink: &mut Sink,
    module: usize,
    decl: &'p ScenarioDecl,
    stack: &mut Vec<(usize, String)>,
) -> Vec<(usize, &'p ScenarioDecl)> {
    let mut out = Vec::new();
    if stack.len() >= MAX_CHAIN {
        sink.push(DiagnosticKind::ExtendsCycle {
            span: decl.name.span,
            cycle: format!("more than {MAX_CHAIN} nested fragments"),
        });
        return vec![(module, decl)];
    }
    stack.push((module, decl.name.node.clone()));
    for ext in &decl.extends {
        match env
            .names
            .lookup(env.program, module, ext, DefKind::Fragment)
        {
            Ok(d) => {
                let Some(Item::Fragment(f)) = items(env.program, d.module).get(d.item) else {
                    continue;
                };
                if stack
                    .iter()
                    .any(|(m, n)| *m == d.module && *n == f.name.node)
                {
                    let pos = stack
                        .iter()
                        .position(|(m, n)| *m == d.module && *n == f.name.node)
                        .unwrap_or(0);
                    let mut names: Vec<String> =
                        stack.iter().skip(pos).map(|(_, n)| n.clone()).collect();
                    names.push(f.name.node.clone());
                    if !env.first_report_of_cycle(&names) {
                        continue;
                    }
                    sink.push(DiagnosticKind::ExtendsCycle {
                        span: ext.span,
                        cycle: names.join(" → "),
                    });
                    continue;
                }
                out.extend(chain(env, sink, d.module, f, stack));
            }
            Err(e) => {
                sink.push(e);
                env.broken_chains
                    .borrow_mut()
                    .insert((module, decl.name.node.clone()));
            }
        }
    }
    stack.pop();
    out.push((module, decl));
    out
}

fn check_fragments(env: &Env<'_>, sink: &mut Sink) {
    for (mi, m) in env.program.modules.iter().enumerate() {
        if m.kind == ModuleKind::Stdlib {
            continue;
        }
        for item in items(env.program, mi) {
            if let Item::Fragment(f) = item {
                let mut stack = Vec::new();
                let _ = chain(env, sink, mi, f, &mut stack);
                let _ = layer::lower_layer(env, sink, mi, &f.body);
            }
        }
    }
}

fn check_scenarios(env: &Env<'_>, sink: &mut Sink) -> (Vec<crate::ir::ScenarioIr>, usize) {
    let mut out = Vec::new();
    let mut checked = 0;
    let mut seen: HashMap<String, Span> = HashMap::new();
    for (mi, m) in env.program.modules.iter().enumerate() {
        if m.kind != ModuleKind::Root {
            continue;
        }
        for item in items(env.program, mi) {
            let Item::Scenario(decl) = item else { continue };
            let mut stack = Vec::new();
            let layers = chain(env, sink, mi, decl, &mut stack);
            let matrix_entry = layers
                .iter()
                .rev()
                .find_map(|(_, d)| d.body.entries.iter().find(|e| e.key.node == "matrix"));
            let m = matrix_entry
                .map(|e| matrix::read_matrix(e, sink))
                .unwrap_or_default();
            let variants = matrix::variants(
                &m,
                matrix_entry.map_or(decl.name.span, |e| e.key.span),
                sink,
            );
            for params in variants {
                checked += 1;
                let name = matrix::variant_name(&decl.name.node, &m, &params);
                if let Some(first) = seen.get(&name) {
                    let (file, line, col) = env.program.sources.locate(*first);
                    sink.push(DiagnosticKind::DuplicateDefinition {
                        span: decl.name.span,
                        what: "scenario",
                        name: name.clone(),
                        help: Some(format!("first defined at {file}:{line}:{col}; scenario names are unique across files")),
                    });
                    continue;
                }
                seen.insert(name.clone(), decl.name.span);
                let before = sink.error_count();
                let checked_layers: Vec<layer::Layer> = layers
                    .iter()
                    .map(|(lm, d)| {
                        let body: Cow<'_, ast::Block> = if matrix::mentions_params(&d.body) {
                            let mut sub = Substituter {
                                params: &params,
                                sink,
                                has_matrix: !m.dims.is_empty(),
                            };
                            Cow::Owned(sub.block(&d.body))
                        } else {
                            Cow::Borrowed(&d.body)
                        };
                        layer::lower_layer(env, sink, *lm, &body)
                    })
                    .collect();
                let merged = merge::merge(checked_layers);
                let head = merge::ScenarioHead {
                    name,
                    base_name: &decl.name,
                    params: params
                        .iter()
                        .map(|(k, v)| (k.clone(), matrix::render(v)))
                        .collect::<BTreeMap<_, _>>(),
                    span: decl.span,
                    complete: !layers.iter().any(|(lm, d)| {
                        env.broken_chains
                            .borrow()
                            .contains(&(*lm, d.name.node.clone()))
                    }),
                };
                let Some((ir, plan_layers)) = merge::build_scenario(env, sink, head, merged) else {
                    continue;
                };
                semantic_rules(env, sink, &ir, &plan_layers);
                if sink.error_count() == before {
                    out.push(ir);
                }
            }
        }
    }
    (out, checked)
}

fn semantic_rules(
    env: &Env<'_>,
    sink: &mut Sink,
    ir: &crate::ir::ScenarioIr,
    plans: &[layer::PlanLayer],
) {
    let profile = env.opts.profile.as_ref();
    let known = providers::known_types(ir, profile);
    let single = known.as_ref().and_then(|(t, _)| {
        if t.len() == 1 {
            t.first().copied()
        } else {
            None
        }
    });
    // A hook that failed to resolve or validate was reported already; judging the
    // outcome without it would only add noise.
    if plans
        .iter()
        .all(|p| p.hooks.iter().all(|h| h.def.is_some()))
    {
        outcomes::check_outcome(sink, ir, single);
    }
    providers::check_providers(sink, ir, plans, profile, env.opts.allow_ovirt_warm);
    for (p, layer) in ir.plans.iter().zip(plans) {
        k8s_names::check_plan_names(sink, layer);
        if let Some(v) = layer.values.get("target_affinity")
            && let TypedValue::Object(json, ast) = &v.node
        {
            affinity::check_affinity(sink, json, ast, &env.valid_affinities);
        }
        templates::check_templates(
            sink,
            &env.program.sources,
            layer,
            single,
            &env.valid_templates,
        );
        if p.destination == crate::schema::enums::Destination::Remote
            && !ir
                .requires
                .iter()
                .any(|r| r.requirement == crate::ir::Requirement::RemoteCluster)
            && let Some(s) = p.key_spans.get("destination")
        {
            sink.push(DiagnosticKind::RemoteWithoutRequirement { span: s.span() });
        }
    }
    for tag in &ir.tags {
        if !crate::schema::keys::KNOWN_TAGS.contains(&tag.as_str())
            && let Some(s) = crate::diag::suggest::suggest(tag, crate::schema::keys::KNOWN_TAGS)
            && s != *tag
        {
            // Find the tag's span through the scenario's own entries.
            let span = tag_span(env, ir, tag);
            sink.push(DiagnosticKind::UnknownTag {
                span,
                tag: tag.clone(),
                help: Some(format!("did you mean `{s}`?")),
            });
        }
    }
}

fn tag_span(env: &Env<'_>, ir: &crate::ir::ScenarioIr, tag: &str) -> Span {
    let scenario_span = ir.span.span();
    let text = env
        .program
        .sources
        .get(scenario_span.file)
        .map(|f| f.text.clone());
    if let Some(text) = text
        && let Some(body) = text.get(scenario_span.start..scenario_span.end)
    {
        for (i, _) in body.match_indices(tag) {
            let before = body
                .get(..i)
                .and_then(|b| b.rsplit('\n').next())
                .unwrap_or("");
            if before.trim_start().starts_with("tags") {
                let start = scenario_span.start + i;
                return Span::new(scenario_span.file, start, start + tag.len());
            }
        }
    }
    scenario_span
}
