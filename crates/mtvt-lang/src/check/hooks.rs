//! Hook blocks: exactly one playbook source (`result`, `playbook`, `playbook_base64`,
//! `playbook_file`); base64, UTF-8, YAML and "non-empty list of plays" validation; the
//! expected ending (`result` or `expect`). Produces a [`HookDef`] the scenario pass
//! attaches to a plan step.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use base64::Engine as _;
use mtvt_vocab::Duration;

use super::blocks::validate_block;
use super::keyed::Keyed;
use super::values::{TypedValue, ValueCtx};
use crate::diag::DiagnosticKind;
use crate::ir::{HookExpectation, PlaybookSource};
use crate::schema::enums::HookResult;
use crate::schema::keys::BlockKind;
use crate::span::Span;
use crate::syntax::ast::Block;

/// Default hook runner image (Forklift docs).
pub const DEFAULT_HOOK_IMAGE: &str = "quay.io/konveyor/hook-runner";

/// A validated hook, not yet attached to a step.
#[derive(Debug, Clone, PartialEq)]
pub struct HookDef {
    /// Where the playbook came from.
    pub source: PlaybookSource,
    /// Decoded playbook text.
    pub playbook_text: Arc<str>,
    /// Designed outcome.
    pub expected: HookExpectation,
    /// Runner image.
    pub image: String,
    /// Service account.
    pub service_account: Option<String>,
    /// Job deadline.
    pub deadline: Option<Duration>,
    /// `forklift { … }` fields of the Hook's `spec`.
    pub forklift: Option<serde_json::Value>,
}

const SOURCES: [&str; 4] = ["result", "playbook", "playbook_base64", "playbook_file"];

/// Validates a hook block. `predefined` maps `result succeed|fail` to the stdlib
/// playbooks; `dir` resolves `playbook_file`. `anchor` is where "no playbook" points.
pub fn check_hook_block(
    block: &Block,
    anchor: Span,
    predefined: &HashMap<HookResult, Arc<str>>,
    dir: Option<&Path>,
    ctx: &mut ValueCtx<'_>,
) -> Option<HookDef> {
    let typed = validate_block(BlockKind::Hook, block, ctx);
    let (first_key, first_span) = playbook_source(&typed.key_spans, anchor, ctx)?;
    if first_key == "result"
        && let Some(expect) = typed.key_spans.get("expect")
    {
        ctx.sink.push(DiagnosticKind::HookExpectWithResult {
            span: *expect,
            result: first_span,
        });
    }
    let value = typed.get(first_key)?;
    let (source, text, expected) = match (&value.node, first_key) {
        (TypedValue::Enum(r), "result") => {
            let r = HookResult::parse(r)?;
            let text = predefined.get(&r)?.clone();
            let expected = match r {
                HookResult::Succeed => HookExpectation::Succeed,
                HookResult::Fail => HookExpectation::Fail,
            };
            (PlaybookSource::Predefined(r), text, expected)
        }
        (TypedValue::Raw(t), "playbook") => {
            validate_playbook(t, value.span, ctx)?;
            (
                PlaybookSource::Inline,
                Arc::from(t.as_str()),
                HookExpectation::Custom,
            )
        }
        (TypedValue::Str(s), "playbook_base64") => {
            let encoded = s.to_string();
            let text = decode_base64_playbook(&encoded, value.span, ctx)?;
            validate_playbook(&text, value.span, ctx)?;
            (
                PlaybookSource::Base64,
                Arc::from(text.as_str()),
                HookExpectation::Custom,
            )
        }
        (TypedValue::Raw(p), "playbook_file") => {
            let text = read_playbook_file(p, dir, value.span, ctx)?;
            validate_playbook(&text, value.span, ctx)?;
            (
                PlaybookSource::File(p.clone()),
                Arc::from(text.as_str()),
                HookExpectation::Custom,
            )
        }
        _ => return None,
    };
    let expected = match (expected, typed.get("expect").map(|v| &v.node)) {
        (HookExpectation::Custom, Some(TypedValue::Enum("succeed"))) => HookExpectation::Succeed,
        (HookExpectation::Custom, Some(TypedValue::Enum("fail"))) => HookExpectation::Fail,
        (e, _) => e,
    };
    let text_of = |k: &str| match typed.get(k).map(|v| &v.node) {
        Some(TypedValue::Str(s)) => Some(s.to_string()),
        _ => None,
    };
    if let Some(sa) = typed.get("service_account")
        && let TypedValue::Str(s) = &sa.node
        && let Err(reasons) = mtvt_vocab::names::dns1123_subdomain(&s.to_string())
    {
        ctx.sink.push(DiagnosticKind::InvalidResourceName {
            span: sa.span,
            what: String::from("service account name"),
            value: s.to_string(),
            reason: reasons.join("; "),
        });
    }
    Some(HookDef {
        source,
        playbook_text: text,
        expected,
        image: text_of("image").unwrap_or_else(|| DEFAULT_HOOK_IMAGE.to_string()),
        service_account: text_of("service_account"),
        deadline: match typed.get("deadline").map(|v| &v.node) {
            Some(TypedValue::Duration(d)) => Some(*d),
            _ => None,
        },
        forklift: match typed.get("forklift").map(|v| &v.node) {
            Some(TypedValue::Object(o)) => Some(o.json.clone()),
            _ => None,
        },
    })
}

/// The key that gives the hook its playbook (the first of [`SOURCES`] written) and its
/// span; every other source key is reported as a conflict, none as a missing playbook.
fn playbook_source(
    key_spans: &Keyed<Span>,
    anchor: Span,
    ctx: &mut ValueCtx<'_>,
) -> Option<(&'static str, Span)> {
    let mut given: Vec<(&'static str, Span)> = SOURCES
        .iter()
        .filter_map(|k| key_spans.get(k).map(|s| (*k, *s)))
        .collect();
    given.sort_by_key(|(_, s)| s.start);
    match given.as_slice() {
        [] => {
            ctx.sink
                .push(DiagnosticKind::HookWithoutPlaybook { span: anchor });
            None
        }
        [first, rest @ ..] => {
            for (k, s) in rest {
                ctx.sink.push(DiagnosticKind::HookConflictingSources {
                    span: *s,
                    key: (*k).to_string(),
                    first_key: first.0.to_string(),
                    first: first.1,
                });
            }
            Some(*first)
        }
    }
}

/// The text of `playbook_file` `p` (relative to `dir`), reported when unreadable or not
/// UTF-8.
fn read_playbook_file(
    p: &str,
    dir: Option<&Path>,
    span: Span,
    ctx: &mut ValueCtx<'_>,
) -> Option<String> {
    let path = dir.map_or_else(|| Path::new(p).to_path_buf(), |d| d.join(p));
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            ctx.sink.push(DiagnosticKind::HookFileUnreadable {
                span,
                path: p.to_string(),
                error: if e.kind() == std::io::ErrorKind::NotFound {
                    String::from("no such file")
                } else {
                    e.kind().to_string()
                },
            });
            return None;
        }
    };
    let Ok(text) = String::from_utf8(bytes) else {
        ctx.sink.push(DiagnosticKind::HookNotUtf8 { span });
        return None;
    };
    Some(text)
}

/// Decodes `playbook_base64` (standard alphabet, whitespace ignored) to UTF-8 text.
pub fn decode_base64_playbook(encoded: &str, span: Span, ctx: &mut ValueCtx<'_>) -> Option<String> {
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = match base64::engine::general_purpose::STANDARD.decode(compact.as_bytes()) {
        Ok(b) => b,
        Err(e) => {
            ctx.sink.push(DiagnosticKind::HookInvalidBase64 {
                span,
                error: e.to_string(),
            });
            return None;
        }
    };
    match String::from_utf8(bytes) {
        Ok(s) => Some(s),
        Err(_) => {
            ctx.sink.push(DiagnosticKind::HookNotUtf8 { span });
            None
        }
    }
}

/// Checks that text is YAML holding a non-empty list of plays (mappings).
pub fn validate_playbook(text: &str, span: Span, ctx: &mut ValueCtx<'_>) -> Option<()> {
    match playbook_problem(text) {
        None => Some(()),
        Some(PlaybookProblem::Yaml(error)) => {
            ctx.sink
                .push(DiagnosticKind::HookInvalidYaml { span, error });
            None
        }
        Some(PlaybookProblem::NotPlays(found)) => {
            ctx.sink
                .push(DiagnosticKind::HookNotPlayList { span, found });
            None
        }
    }
}

/// Why a playbook text is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaybookProblem {
    /// Not YAML (message with line/column).
    Yaml(String),
    /// YAML, but not a non-empty list of mappings (what was found).
    NotPlays(String),
}

/// `None` when `text` is a valid playbook.
pub fn playbook_problem(text: &str) -> Option<PlaybookProblem> {
    let value: serde_json::Value = match serde_saphyr::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let msg = e.to_string();
            let first = msg
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid YAML")
                .trim();
            let first = first.trim_start_matches("error: ");
            let located = match e.location() {
                Some(loc) if !first.contains("line") => {
                    format!(
                        "{first} (playbook line {}, column {})",
                        loc.line(),
                        loc.column()
                    )
                }
                _ => first.to_string(),
            };
            return Some(PlaybookProblem::Yaml(located));
        }
    };
    match &value {
        serde_json::Value::Array(items) if items.is_empty() => {
            Some(PlaybookProblem::NotPlays(String::from("an empty list")))
        }
        serde_json::Value::Array(items) => items.iter().position(|i| !i.is_object()).map(|i| {
            PlaybookProblem::NotPlays(format!("item {} is not a play (a mapping)", i + 1))
        }),
        serde_json::Value::Null => {
            Some(PlaybookProblem::NotPlays(String::from("an empty document")))
        }
        serde_json::Value::Object(_) => Some(PlaybookProblem::NotPlays(String::from("a mapping"))),
        _ => Some(PlaybookProblem::NotPlays(String::from("a scalar"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn playbooks_must_be_lists_of_plays() {
        assert_eq!(playbook_problem("- name: a\n  hosts: localhost\n"), None);
        assert!(
            matches!(playbook_problem("[]"), Some(PlaybookProblem::NotPlays(s)) if s == "an empty list")
        );
        assert!(
            matches!(playbook_problem("name: a"), Some(PlaybookProblem::NotPlays(s)) if s == "a mapping")
        );
        assert!(matches!(
            playbook_problem(""),
            Some(PlaybookProblem::NotPlays(_))
        ));
        assert!(
            matches!(playbook_problem("- a\n- b"), Some(PlaybookProblem::NotPlays(s)) if s.contains("item 1"))
        );
        let Some(PlaybookProblem::Yaml(msg)) = playbook_problem("- name: [unclosed\n") else {
            panic!()
        };
        assert!(msg.contains("line"), "{msg}");
    }
}
