//! Validates a block's entries against its key table (`schema::keys`): unknown keys (with
//! "did you mean" and "belongs in …" hints), duplicates, block/value mismatches, and value
//! types via `values`. Special keys (`vm`, `plan`, `hook`, `requires`, …) are handed back
//! to the caller untouched; required keys are checked by the caller after merging.

use super::keyed::Keyed;
use super::values::{TypedValue, ValueCtx, convert_entry};
use crate::diag::{DiagnosticKind, suggest};
use crate::schema::keys::{BlockKind, KeyDef, Shape};
use crate::span::{Span, Spanned};
use crate::syntax::ast::{Block, Entry, EntryBody};

/// A block after key validation.
#[derive(Debug)]
pub struct TypedBlock<'a> {
    /// Value keys with their typed values (span = the whole entry).
    pub values: Keyed<Spanned<TypedValue>>,
    /// Span of every key seen (first occurrence), including special ones.
    pub key_spans: Keyed<Span>,
    /// Nested-block and special entries in source order.
    pub specials: Vec<(&'static KeyDef, &'a Entry)>,
}

impl TypedBlock<'_> {
    /// A typed value by key.
    pub fn get(&self, key: &str) -> Option<&Spanned<TypedValue>> {
        self.values.get(key)
    }

    /// Special entries with this key.
    pub fn special<'s>(&'s self, key: &'s str) -> impl Iterator<Item = &'s Entry> + 's {
        self.specials
            .iter()
            .filter(move |(k, _)| k.name == key)
            .map(|(_, e)| *e)
    }
}

/// Checks every entry of `block` against the key table of `kind`.
pub fn validate_block<'a>(
    kind: BlockKind,
    block: &'a Block,
    ctx: &mut ValueCtx<'_>,
) -> TypedBlock<'a> {
    let mut out = TypedBlock {
        values: Keyed::with_capacity(block.entries.len()),
        key_spans: Keyed::with_capacity(block.entries.len()),
        specials: Vec::new(),
    };
    for entry in &block.entries {
        let Some(def) = kind.key(&entry.key.node) else {
            ctx.sink.push(DiagnosticKind::UnknownKey {
                span: entry.key.span,
                key: entry.key.node.as_str().to_owned(),
                context: kind.context().to_string(),
                help: unknown_key_help(kind, &entry.key.node),
            });
            continue;
        };
        // A second `migration` outcome is reported as conflicting (E0803) by the caller.
        let outcome_twice =
            kind == BlockKind::Expect && (def.name == "migration" || def.name == "plan");
        if let Some(first) = out.key_spans.get(def.name) {
            if !def.repeat && !outcome_twice {
                ctx.sink.push(DiagnosticKind::DuplicateKey {
                    span: entry.key.span,
                    key: def.name.to_string(),
                    first: *first,
                });
                continue;
            }
        } else {
            out.key_spans.insert(def.name, entry.span);
        }
        match def.shape {
            Shape::Value(shape) => {
                if let Some(v) = convert_entry(def.name, shape, entry, ctx) {
                    out.values.insert(def.name, Spanned::new(v, entry.span));
                }
            }
            Shape::Block(_) => {
                if let Some(arg) = entry.flat_args().next() {
                    ctx.sink.push(DiagnosticKind::WrongArgCount {
                        span: arg.span().to(entry.args_span()),
                        key: def.name.to_string(),
                        problem: String::from("takes a block, not values"),
                        help: Some(format!("write `{} {{ … }}`", def.name)),
                    });
                }
                match &entry.body {
                    Some(EntryBody::Block(_)) => out.specials.push((def, entry)),
                    Some(EntryBody::Object(o)) => ctx.sink.push(DiagnosticKind::MissingBlock {
                        span: o.span,
                        key: def.name.to_string(),
                        help: Some(String::from(
                            "block entries are written `key value` (no colon, one per line or separated by `;`)",
                        )),
                    }),
                    None => ctx.sink.push(DiagnosticKind::MissingBlock {
                        span: entry.key.span,
                        key: def.name.to_string(),
                        help: Some(format!("write `{} {{ … }}` on the same line", def.name)),
                    }),
                }
            }
            Shape::Special(_) => out.specials.push((def, entry)),
        }
    }
    out
}

/// "did you mean" within the block, else "`x` belongs in …" when another block has it.
pub fn unknown_key_help(kind: BlockKind, key: &str) -> Option<String> {
    let names: Vec<&str> = kind.keys().iter().map(|k| k.name).collect();
    if let Some(s) = suggest::suggest(key, &names) {
        return Some(format!("did you mean `{s}`?"));
    }
    for other in BlockKind::ALL {
        if *other != kind && other.key(key).is_some() {
            let hint = match other {
                BlockKind::Plan => format!("`{key}` is a plan key: write it inside `plan {{ … }}`"),
                BlockKind::Vm => {
                    format!("`{key}` is a VM key: write it inside `vm \"NAME\" {{ … }}`")
                }
                BlockKind::AddDisk => format!("`{key}` belongs inside `add_disk {{ … }}`"),
                BlockKind::Expect => format!("`{key}` belongs inside `expect {{ … }}`"),
                BlockKind::Session => {
                    format!("`{key}` is a suite-wide setting: write it inside `session {{ … }}`")
                }
                BlockKind::Hook => format!("`{key}` belongs inside a `hook … {{ … }}` block"),
                BlockKind::Scenario => format!("`{key}` is a scenario-level key"),
                BlockKind::SourceProvider => {
                    format!("`{key}` belongs inside `session {{ source_provider {{ … }} }}`")
                }
                BlockKind::StorageMap | BlockKind::NetworkMap => {
                    format!("`{key}` belongs inside `plan {{ {} }}`", other.syntax())
                }
                BlockKind::Then => {
                    format!("`{key}` is a lifecycle step: write it inside `then {{ … }}`")
                }
            };
            return Some(hint);
        }
    }
    suggest::list_help(&names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
}
