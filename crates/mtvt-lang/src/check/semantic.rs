//! Rules over a whole built scenario: outcome, provider profile, Kubernetes names,
//! affinity, PVC templates, remote destination, tags. Each rule lives in its own module;
//! this one only decides which apply.

use super::values::TypedValue;
use super::{Env, affinity, certain_skip, k8s_names, layer, outcomes, providers, templates};
use crate::diag::{DiagnosticKind, Sink};
use crate::span::Span;

pub(super) fn semantic_rules(
    env: &Env<'_>,
    sink: &mut Sink,
    ir: &crate::ir::ScenarioIr,
    plans: &[layer::PlanLayer],
) {
    let with = providers::CheckedWith::of(&ir.profile, &env.opts.profiles);
    let known = providers::known_types(ir, with);
    let single = known.as_ref().and_then(|t| {
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
    providers::check_providers(sink, ir, plans, with, env.opts.allow_ovirt_warm);
    certain_skip::check_certain_skips(sink, ir, known.as_deref());
    for (p, layer) in ir.plans.iter().zip(plans) {
        k8s_names::check_plan_names(sink, layer);
        // The JSON is in the IR now (see `ObjectValue::json`); the layer keeps the AST.
        if let Some(json) = &p.target_affinity
            && let Some(v) = layer.values.get("target_affinity")
            && let TypedValue::Object(o) = &v.node
        {
            affinity::check_affinity(sink, json, &o.ast, &env.valid_affinities);
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
