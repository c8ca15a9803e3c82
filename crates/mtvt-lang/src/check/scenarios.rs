//! The scenario pass: resolves each scenario's `extends` chain (with cycle and depth
//! limits), expands its matrix, checks every layer, merges them and builds the IR; also
//! checks fragments on their own so errors in unused fragments are reported.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use super::{Env, MAX_CHAIN, items, layer, merge, semantic};
use crate::diag::{DiagnosticKind, Sink};
use crate::expand::matrix::{self, Substituter};
use crate::resolve::{DefKind, ModuleKind};
use crate::span::Span;
use crate::syntax::ast::{self, Item, ScenarioDecl};

/// The fragments a declaration extends (transitively, bases first) followed by itself.
pub(super) fn chain<'p>(
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

pub(super) fn check_fragments(env: &Env<'_>, sink: &mut Sink) {
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

pub(super) fn check_scenarios(
    env: &Env<'_>,
    sink: &mut Sink,
) -> (Vec<crate::ir::ScenarioIr>, usize) {
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
                semantic::semantic_rules(env, sink, &ir, &plan_layers);
                if sink.error_count() == before {
                    out.push(ir);
                }
            }
        }
    }
    (out, checked)
}
