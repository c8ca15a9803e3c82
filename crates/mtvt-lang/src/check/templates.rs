//! `pvc_name_template`: validated exactly as Forklift validates it, with mtvt-gotemplate
//! (template syntax, Forklift's Sprig whitelist, the variables the source provider fills,
//! and a DNS-1123 output for sample disks). Error spans inside the template are moved to
//! the right characters of the `.mtvt` file when the literal has no escapes.

use mtvt_gotemplate::forklift::{self, TemplateKind};
use mtvt_gotemplate::{TemplateError, TemplateErrorKind};

use super::layer::PlanLayer;
use super::memo::SharedSet;
use super::values::TypedValue;
use crate::diag::{DiagnosticKind, KeyRelation, Sink, suggest};
use crate::schema::enums::ProviderKind;
use crate::source::SourceMap;
use crate::span::Span;

/// `pvc_name_template_use_generate_name` qualifies a template: without one (and without
/// copy-offload, whose plans get `pvc`) Forklift names PVCs its own way and the key does
/// nothing.
fn generate_name_needs_template(sink: &mut Sink, layer: &PlanLayer) {
    let copy_offload = matches!(
        layer.values.get("copy_offload").map(|v| &v.node),
        Some(TypedValue::Bool(true))
    );
    if let Some(v) = layer.values.get("pvc_name_template_use_generate_name")
        && !copy_offload
    {
        sink.push(DiagnosticKind::ConflictingKeys {
            span: v.span,
            key: "pvc_name_template_use_generate_name",
            relation: KeyRelation::Needs,
            other: "pvc_name_template",
            other_span: None,
            help: "add `pvc_name_template '…'`, or remove `pvc_name_template_use_generate_name`",
        });
    }
}

/// Validates the plan's user-written PVC name template.
pub fn check_templates(
    sink: &mut Sink,
    sources: &SourceMap,
    layer: &PlanLayer,
    provider: Option<ProviderKind>,
    valid: &SharedSet<(String, Option<ProviderKind>)>,
) {
    let Some(v) = layer.values.get("pvc_name_template") else {
        generate_name_needs_template(sink, layer);
        return;
    };
    let TypedValue::Raw(src) = &v.node else {
        return;
    };
    let value_span = layer
        .value_spans
        .get("pvc_name_template")
        .copied()
        .unwrap_or(v.span);
    let literal = sources.snippet(value_span);
    // The template text starts right after the opening quote when written verbatim.
    let inner_start = match literal.chars().next() {
        Some('\'') | Some('"')
            if literal.get(1..literal.len().saturating_sub(1)) == Some(src.as_str()) =>
        {
            Some(value_span.start + 1)
        }
        _ => None,
    };
    // Suites repeat templates: a template already found valid for this provider is skipped.
    let key = (src.clone(), provider);
    if valid.contains(&key) {
        return;
    }
    let provider_name = provider.map(ProviderKind::as_str);
    let errors = forklift::validate(TemplateKind::PvcName, provider_name, src);
    if errors.is_empty() {
        valid.insert(key);
    }
    for e in errors {
        let span = match inner_start {
            Some(base) if e.span.end <= src.len() && e.span != (0..src.len()) => {
                Span::new(value_span.file, base + e.span.start, base + e.span.end)
            }
            _ => value_span,
        };
        sink.push(to_diagnostic(&e, span, src, provider_name));
    }
}

fn to_diagnostic(
    e: &TemplateError,
    span: Span,
    src: &str,
    provider: Option<&str>,
) -> DiagnosticKind {
    let token = src
        .get(e.span.clone())
        .unwrap_or("")
        .trim_start_matches('.')
        .to_string();
    match e.kind {
        TemplateErrorKind::Syntax => DiagnosticKind::TemplateSyntax {
            span,
            message: e.message.clone(),
        },
        TemplateErrorKind::UnknownVariable => {
            let allowed: Vec<String> = match provider {
                Some(p) => forklift::allowed_variables(TemplateKind::PvcName, p),
                None => forklift::known_variables(TemplateKind::PvcName),
            }
            .iter()
            .map(|v| format!(".{v}"))
            .collect();
            let help = suggest::suggest(&format!(".{token}"), &allowed)
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| Some(e.message.clone()));
            DiagnosticKind::TemplateUnknownVariable {
                span,
                name: format!(".{token}"),
                help,
            }
        }
        TemplateErrorKind::UnknownFunction => {
            let names: Vec<&str> = mtvt_gotemplate::function_names().collect();
            DiagnosticKind::TemplateUnknownFunction {
                span,
                name: token.clone(),
                help: suggest::help(&token, &names),
            }
        }
        TemplateErrorKind::Render => {
            // "Template output is invalid k8s label [x]: <apimachinery message>"
            let (summary, message) = match e.message.split_once("]: ") {
                Some((head, rest)) => {
                    let out = head.rsplit('[').next().unwrap_or(head);
                    (
                        format!("renders `{out}` for a sample disk"),
                        format!("Kubernetes says: {rest}"),
                    )
                }
                None => (e.message.clone(), e.message.clone()),
            };
            DiagnosticKind::TemplateOutputInvalid {
                span,
                summary,
                message,
            }
        }
    }
}
