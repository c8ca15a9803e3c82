//! Kubernetes name rules on scenario values: namespaces (DNS-1123 labels), label and
//! node-selector keys and values, storage class names. Interpolated values are checked
//! with a sample session id (and `x` for environment variables). The rules themselves
//! come from mtvt-k8s-names (apimachinery's messages).

use super::layer::PlanLayer;
use super::values::TypedValue;
use crate::diag::{DiagnosticKind, Sink};
use crate::ir::InterpString;
use crate::span::Span;

/// Checks the names in one plan.
pub fn check_plan_names(sink: &mut Sink, plan: &PlanLayer) {
    for key in ["target_namespace", "multus_namespace"] {
        if let Some(v) = plan.values.get(key)
            && let TypedValue::Str(s) = &v.node
        {
            let span = plan.value_spans.get(key).copied().unwrap_or(v.span);
            check_namespace(sink, s, span);
        }
    }
    if let Some(v) = plan.values.get("storage_class")
        && let TypedValue::Str(s) = &v.node
        && let Err(reasons) = mtvt_vocab::names::dns1123_subdomain(&s.sample())
    {
        sink.push(DiagnosticKind::InvalidResourceName {
            span: plan
                .value_spans
                .get("storage_class")
                .copied()
                .unwrap_or(v.span),
            what: String::from("storage class name"),
            value: s.to_string(),
            reason: reasons.join("; "),
        });
    }
    for key in ["target_labels", "target_node_selector"] {
        if let Some(v) = plan.values.get(key)
            && let TypedValue::StrMap(entries) = &v.node
        {
            for (k, val) in entries {
                if let Err(reasons) = mtvt_vocab::names::label_key(&k.node) {
                    sink.push(DiagnosticKind::InvalidLabelKey {
                        span: k.span,
                        key: k.node.as_str().to_owned(),
                        reason: reasons.join("; "),
                    });
                }
                if let Err(reasons) = mtvt_vocab::names::label_value(&val.node.sample()) {
                    sink.push(DiagnosticKind::InvalidLabelValue {
                        span: val.span,
                        value: val.node.to_string(),
                        reason: reasons.join("; "),
                    });
                }
            }
        }
    }
}

/// Checks a namespace name.
pub fn check_namespace(sink: &mut Sink, s: &InterpString, span: Span) {
    if let Err(reasons) = mtvt_vocab::names::dns1123_label(&s.sample()) {
        sink.push(DiagnosticKind::InvalidNamespace {
            span,
            value: s.to_string(),
            reason: reasons.join("; "),
        });
    }
}
