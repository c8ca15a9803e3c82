//! The scenario pass: resolves each scenario's `extends` chain (with cycle and depth
//! limits), expands its matrix, checks every layer, merges them and builds the IR; also
//! checks fragments on their own so errors in unused fragments are reported.
//!
//! It runs in three steps so that the expensive one can use every core:
//! 1. *plan* (sequential, in source order): `extends` chains, matrices, variant names and
//!    duplicate names — everything that depends on the scenarios before;
//! 2. *check* (independent per scenario, on up to `threads` threads): lower, merge and
//!    build each variant and apply the semantic rules, into a sink of its own;
//! 3. *merge* (sequential, in source order): report each scenario's diagnostics in the
//!    order a single thread would have, and collect the IR.
//!
//! The result is therefore the same for any number of threads.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::{Env, MAX_CHAIN, items, layer, merge, semantic};
use crate::diag::{DiagnosticKind, Sink};
use crate::expand::matrix::{self, Matrix, Params, Substituter};
use crate::ir::ScenarioIr;
use crate::resolve::{DefKind, ModuleKind};
use crate::span::Span;
use crate::syntax::ast::{self, Item, ScenarioDecl};
use crate::threads::{Spread, map_ordered};

/// The fragments a declaration extends (transitively, bases first) followed by itself.
pub(super) fn chain<'p>(
    env: &Env<'p>,
    sink: &mut Sink,
    module: usize,
    decl: &'p ScenarioDecl,
    stack: &mut Vec<(usize, &'p str)>,
) -> Vec<(usize, &'p ScenarioDecl)> {
    let mut out = Vec::new();
    if stack.len() >= MAX_CHAIN {
        sink.push(DiagnosticKind::ExtendsCycle {
            span: decl.name.span,
            cycle: format!("more than {MAX_CHAIN} nested fragments"),
        });
        return vec![(module, decl)];
    }
    stack.push((module, &decl.name.node));
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
                    let members: Vec<(usize, String)> = stack
                        .iter()
                        .skip(pos)
                        .map(|(m, n)| (*m, (*n).to_string()))
                        .collect();
                    let mut names: Vec<String> = members.iter().map(|(_, n)| n.clone()).collect();
                    names.push(f.name.node.as_str().to_owned());
                    if !env.first_report_of_cycle(DefKind::Fragment, members) {
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
                    .insert((module, decl.name.node.as_str().to_owned()));
            }
        }
    }
    stack.pop();
    out.push((module, decl));
    out
}

pub(super) fn check_fragments(env: &Env<'_>, sink: &mut Sink) {
    for (mi, m) in env.program.modules.iter().enumerate() {
        if m.kind == ModuleKind::Stdlib {
            continue;
        }
        for item in items(env.program, mi) {
            if let Item::Fragment(f) = item {
                let mut stack = Vec::new();
                let _ = chain(env, sink, mi, f, &mut stack);
                let lowered = layer::lower_layer(env, sink, mi, &f.body);
                mark_fragment_checks(env, lowered.expect.as_ref());
            }
        }
    }
}

/// Resolves the checks a fragment's own `expect` names, for the imports they use: a
/// scenario that overrides the fragment's `expect` never resolves them, and the `use`
/// they need is not unused (W0002). An unknown name is reported where a scenario
/// actually requests it, so it is not reported here.
fn mark_fragment_checks(env: &Env<'_>, expect: Option<&layer::ExpectLayer>) {
    for path in expect.map_or(&[][..], |e| e.checks.as_slice()) {
        let module = expect.map_or(0, |e| e.module);
        let _ = env.names.lookup(env.program, module, path, DefKind::Check);
    }
}

/// A root scenario after the plan step: what checking its variants needs.
struct Planned<'p> {
    /// Diagnostics of its `extends` chain and matrix (reported before its variants').
    head: Sink,
    /// The declaration.
    decl: &'p ScenarioDecl,
    /// The fragments it extends (bases first), then itself.
    layers: Vec<(usize, &'p ScenarioDecl)>,
    /// Its matrix (empty without one).
    matrix: Matrix,
    /// Every `extends` resolved.
    complete: bool,
    /// Its variants in expansion order.
    variants: Vec<VariantPlan>,
}

/// One variant of a planned scenario.
enum VariantPlan {
    /// Its name is taken by an earlier scenario: only this is reported (E0306).
    Duplicate(DiagnosticKind),
    /// To be checked.
    Check {
        /// The variant name.
        name: String,
        /// Its matrix parameters.
        params: Params,
    },
}

/// What checking one variant produced.
struct Checked {
    /// Its diagnostics, in the order they were found.
    sink: Sink,
    /// Its IR, when it was built without any error.
    ir: Option<ScenarioIr>,
}

/// Fewest scenarios per thread: below it, starting a thread costs more than it saves (a
/// thread start is ~50 µs; a scenario takes ~15 µs), so fewer than 64 scenarios stay on
/// the calling thread.
const MIN_PER_THREAD: usize = 32;

/// Scenarios handed to a thread at a time: large enough that threads rarely meet on the
/// counter, small enough that they finish together.
const CHUNK: usize = 16;

/// Checks every scenario of the root modules on up to `threads` threads. Returns the IR of
/// the variants without errors and the number of variants checked.
pub(super) fn check_scenarios(
    env: &Env<'_>,
    sink: &mut Sink,
    threads: usize,
) -> (Vec<ScenarioIr>, usize) {
    let planned = plan_scenarios(env);
    let checked: usize = planned.iter().map(|p| p.variants.len()).sum();
    let spread = Spread {
        threads,
        chunk: CHUNK,
        min_per_thread: MIN_PER_THREAD,
    };
    let results = map_ordered(&planned, spread, || env.for_thread(), check_scenario);
    let mut out = Vec::with_capacity(checked);
    for (p, results) in planned.into_iter().zip(results) {
        sink.append(p.head);
        let mut results = results.into_iter();
        for v in p.variants {
            match v {
                VariantPlan::Duplicate(d) => sink.push(d),
                VariantPlan::Check { .. } => {
                    let Some(r) = results.next() else { continue };
                    sink.append(r.sink);
                    out.extend(r.ir);
                }
            }
        }
    }
    (out, checked)
}

/// The plan step, in source order (duplicate names depend on the scenarios before).
fn plan_scenarios<'p>(env: &Env<'p>) -> Vec<Planned<'p>> {
    let mut out = Vec::new();
    let mut seen: foldhash::HashMap<String, Span> = foldhash::HashMap::default();
    for (mi, m) in env.program.modules.iter().enumerate() {
        if m.kind != ModuleKind::Root {
            continue;
        }
        for item in items(env.program, mi) {
            let Item::Scenario(decl) = item else { continue };
            out.push(plan_scenario(env, mi, decl, &mut seen));
        }
    }
    out
}

fn plan_scenario<'p>(
    env: &Env<'p>,
    module: usize,
    decl: &'p ScenarioDecl,
    seen: &mut foldhash::HashMap<String, Span>,
) -> Planned<'p> {
    let mut head = Sink::new();
    let mut stack = Vec::new();
    let chain = chain(env, &mut head, module, decl, &mut stack);
    let matrix_entry = chain
        .iter()
        .rev()
        .find_map(|(_, d)| d.body.entries.iter().find(|e| e.key.node == "matrix"));
    let matrix = matrix_entry
        .map(|e| matrix::read_matrix(e, &mut head))
        .unwrap_or_default();
    let all = matrix::variants(
        &matrix,
        matrix_entry.map_or(decl.name.span, |e| e.key.span),
        &mut head,
    );
    let mut variants = Vec::with_capacity(all.len());
    for params in all {
        let name = matrix::variant_name(&decl.name.node, &matrix, &params);
        if let Some(first) = seen.get(&name) {
            let (file, line, col) = env.program.sources.locate(*first);
            variants.push(VariantPlan::Duplicate(DiagnosticKind::DuplicateDefinition {
                span: decl.name.span,
                what: "scenario",
                name,
                help: Some(format!(
                    "first defined at {file}:{line}:{col}; scenario names are unique across files"
                )),
            }));
            continue;
        }
        seen.insert(name.clone(), decl.name.span);
        variants.push(VariantPlan::Check { name, params });
    }
    let complete = env.broken_chains.is_empty()
        || !chain.iter().any(|(lm, d)| {
            env.broken_chains
                .contains(&(*lm, d.name.node.as_str().to_owned()))
        });
    Planned {
        head,
        decl,
        layers: chain,
        matrix,
        complete,
        variants,
    }
}

/// The check step for one planned scenario: each of its variants that is not a
/// duplicate, in order.
fn check_scenario(env: &mut Env<'_>, p: &Planned<'_>) -> Vec<Checked> {
    // Which layers need their parameters substituted, or reported without a matrix: done
    // here, once per scenario and on every core. A body whose text has no `param` cannot
    // mention one, and a byte search is cheaper than the walk over its values (~4% of
    // the pass on files without matrices).
    let mentions: Vec<bool> = p
        .layers
        .iter()
        .map(|(_, d)| {
            let text = env.program.sources.snippet(d.body.span);
            (text.is_empty() || text.contains("param")) && matrix::mentions_params(&d.body)
        })
        .collect();
    p.variants
        .iter()
        .filter_map(|v| match v {
            VariantPlan::Duplicate(_) => None,
            VariantPlan::Check { name, params } => {
                Some(check_variant(env, p, &mentions, name, params))
            }
        })
        .collect()
}

/// The check step for one variant: lowers its layers (parameters substituted), merges
/// them, builds the IR and applies the semantic rules. Its IR is kept only when it
/// reported no error (even one an earlier scenario reported too, e.g. in a fragment they
/// share).
fn check_variant(
    env: &Env<'_>,
    p: &Planned<'_>,
    mentions: &[bool],
    name: &str,
    params: &Params,
) -> Checked {
    let mut sink = Sink::new();
    let layers: Vec<layer::Layer> = p
        .layers
        .iter()
        .zip(mentions)
        .map(|((lm, d), mentions)| {
            let body: Cow<'_, ast::Block> = if *mentions {
                let mut sub = Substituter {
                    params,
                    sink: &mut sink,
                    has_matrix: !p.matrix.dims.is_empty(),
                };
                Cow::Owned(sub.block(&d.body))
            } else {
                Cow::Borrowed(&d.body)
            };
            layer::lower_layer(env, &mut sink, *lm, &body)
        })
        .collect();
    let merged = merge::merge(layers);
    let head = merge::ScenarioHead {
        name: name.to_string(),
        base_name: &p.decl.name,
        params: params
            .iter()
            .map(|(k, v)| (k.clone(), matrix::render(v)))
            .collect::<BTreeMap<_, _>>(),
        span: p.decl.span,
        complete: p.complete,
    };
    let ir = match merge::build_scenario(env, &mut sink, head, merged) {
        Some((mut ir, plan_layers)) => {
            // the cluster's facts are not known here: only the profiles decide
            ir.profile = crate::facts::choose(&ir, &env.opts.profiles, None, None);
            semantic::semantic_rules(env, &mut sink, &ir, &plan_layers);
            Some(ir)
        }
        None => None,
    };
    let ir = ir.filter(|_| sink.error_count() == 0);
    Checked { sink, ir }
}

#[cfg(test)]
mod tests {
    use crate::{CheckOptions, Stdlib, check_text};

    #[test]
    fn a_parameter_without_a_matrix_is_reported() {
        let opts = CheckOptions {
            stdlib: Stdlib::new(None),
            ..CheckOptions::default()
        };
        let r = check_text(
            "a.mtvt",
            "scenario a {\n  vm \"x\" { disk_type param.disk_type }\n  expect { migration succeeds }\n}\n",
            None,
            &opts,
        );
        assert_eq!(r.errors(), 1, "{:?}", r.diagnostics);
        assert!(r.diagnostics[0].message().contains("disk_type"));
        assert!(r.program.scenarios.is_empty());
    }
}
